// Spacing of the requests to arXiv (data-sources.md 2.1 and 2.2b: "wait 3
// seconds between calls"), server-requested waits (Retry-After, in seconds
// or as an HTTP date) and backoff.

package arxiv

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// limiter lets a request start at most every interval, counted from the
// previous start, and none before a time set by block (a Retry-After or a
// backoff). A waiter does not reserve a slot: it sleeps until the earliest
// allowed start, then checks again under the lock, so a block set while it
// slept is honoured and two waiters never start closer than interval,
// whatever the Clock does.
type limiter struct {
	interval time.Duration
	clock    Clock

	mu      sync.Mutex
	next    time.Time // earliest start allowed by the spacing
	blocked time.Time // no start before this
}

// wait returns when a request may start, having counted it as started.
func (l *limiter) wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := l.clock.Now()
		at := l.next
		if l.blocked.After(at) {
			at = l.blocked
		}
		if !at.After(now) {
			l.next = now.Add(l.interval)
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		if err := l.clock.Sleep(ctx, at.Sub(now)); err != nil {
			return err
		}
	}
}

// block keeps every request from starting before t (an earlier t than one
// already set changes nothing).
func (l *limiter) block(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.blocked) {
		l.blocked = t
	}
}

// retryAfter reads a Retry-After value, delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
