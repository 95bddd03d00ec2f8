package bot

import (
	"sync"
	"time"
)

// buckets are per-user token buckets: each user may spend perMinute tokens
// at once and gets them back at perMinute a minute. Time comes from the
// caller (the bot's Clock), so tests need no wall clock.
//
// Memory is bounded by the users active in the last minute: a bucket that
// has refilled holds nothing a new one would not, so full buckets are
// dropped whenever the map has doubled since the last sweep.
type buckets struct {
	perMinute int

	mu       sync.Mutex
	m        map[UserRef]*bucket
	sweepAt  int // sweep when len(m) reaches this
	sweepMin int // sweepAt never falls below this
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

// minSweep is the map size under which full buckets are left in place.
const minSweep = 1024

func newBuckets(perMinute int) *buckets {
	return &buckets{perMinute: perMinute, m: map[UserRef]*bucket{}, sweepAt: minSweep, sweepMin: minSweep}
}

// refill brings b up to now and returns it.
func (bs *buckets) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.at); el > 0 {
		b.tokens += el.Minutes() * float64(bs.perMinute)
		b.at = now
	}
	// A clock that went back adds nothing, and leaves at alone so that the
	// time already counted is not counted twice.
	if max := float64(bs.perMinute); b.tokens > max {
		b.tokens = max
	}
}

// take spends one of user's tokens at now. When there is none it spends
// nothing and returns how long until there is one.
func (bs *buckets) take(user UserRef, now time.Time) (ok bool, wait time.Duration) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.m[user]
	if b == nil {
		if len(bs.m) >= bs.sweepAt {
			bs.sweep(now)
		}
		b = &bucket{tokens: float64(bs.perMinute), at: now}
		bs.m[user] = b
	}
	bs.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	need := (1 - b.tokens) / float64(bs.perMinute) // minutes
	return false, time.Duration(need * float64(time.Minute))
}

// sweep drops the buckets that are full at now.
func (bs *buckets) sweep(now time.Time) {
	for u, b := range bs.m {
		bs.refill(b, now)
		if b.tokens >= float64(bs.perMinute) {
			delete(bs.m, u)
		}
	}
	bs.sweepAt = max(2*len(bs.m), bs.sweepMin)
}
