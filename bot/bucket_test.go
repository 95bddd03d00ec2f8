package bot

import (
	"fmt"
	"testing"
	"time"
)

// A user may spend the whole bucket at once, is then told how long until
// the next token, and gets tokens back at the rate; another user's bucket
// is their own. Time is the caller's, so the test moves it by hand.
func TestBucketsRefillAtTheRate(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	bs := newBuckets(10)
	a, b := UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}, UserRef{Platform: "slack", TeamID: "T2", ID: "U1"}
	for i := range 10 {
		if ok, _ := bs.take(a, t0); !ok {
			t.Fatalf("take %d of 10 refused", i+1)
		}
	}
	ok, wait := bs.take(a, t0)
	if ok || wait != 6*time.Second {
		t.Fatalf("11th take = %v, wait %v; want refused, 6s (10 a minute)", ok, wait)
	}
	if ok, _ := bs.take(b, t0); !ok {
		t.Fatal("the same user id in another workspace shares the bucket")
	}
	if ok, wait := bs.take(a, t0.Add(4*time.Second)); ok || wait != 2*time.Second {
		t.Fatalf("after 4s: %v, wait %v; want refused, 2s", ok, wait)
	}
	if ok, _ := bs.take(a, t0.Add(6*time.Second)); !ok {
		t.Fatal("after 6s: refused; want one token back")
	}
	if ok, _ := bs.take(a, t0.Add(7*time.Second)); ok {
		t.Fatal("after 7s: a second token; want one per 6s")
	}
	// A clock that goes back gives nothing back, and takes nothing.
	if ok, _ := bs.take(a, t0); ok {
		t.Fatal("clock went back: got a token")
	}
	// A long pause fills the bucket, never past its size.
	for i := range 10 {
		if ok, _ := bs.take(a, t0.Add(time.Hour)); !ok {
			t.Fatalf("after an hour: take %d refused", i+1)
		}
	}
	if ok, _ := bs.take(a, t0.Add(time.Hour)); ok {
		t.Fatal("after an hour: more than 10 tokens")
	}
}

func TestCeilSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 6 * time.Second: 6, 59*time.Second + 1: 60} {
		if got := ceilSeconds(d); got != want {
			t.Errorf("ceilSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

// Buckets of users who stopped sending are dropped once full, so memory
// follows the users of the last minute, not every user ever seen.
func TestBucketsForgetFullBuckets(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	bs := newBuckets(5)
	user := func(i int) UserRef { return UserRef{Platform: "discord", ID: fmt.Sprint(i)} }
	for minute := range 20 {
		now := t0.Add(time.Duration(minute) * time.Minute)
		for i := range 1000 {
			bs.take(user(minute*1000+i), now)
		}
	}
	if n := bs.size(); n > 3*minSweep {
		t.Fatalf("%d buckets kept after 20,000 users in 20 minutes, 1,000 a minute; want at most %d", n, 3*minSweep)
	}
	// A user still within their minute keeps their bucket through a sweep.
	now := t0.Add(time.Hour)
	hot := UserRef{Platform: "discord", ID: "hot"}
	for range 5 {
		bs.take(hot, now)
	}
	for i := range 4 * minSweep {
		bs.take(user(-1-i), now.Add(time.Second))
	}
	if ok, _ := bs.take(hot, now.Add(2*time.Second)); ok {
		t.Fatal("a sweep gave back a spent bucket")
	}
}

// size returns how many buckets are kept.
func (bs *buckets) size() int {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return len(bs.m)
}
