package faults

import (
	"sync"
	"time"
)

// ClockSlack absorbs clients' timer rounding (discordgo truncates
// retry_after to whole milliseconds): a request this close to the allowed
// time is neither limited nor counted as a violation.
const ClockSlack = 2 * time.Millisecond

// Window is a fixed-window rate limiter by key (a route and its major
// parameter, a method and its channel): Limit requests per Length, the
// window starting with a key's first request. Limit <= 0 limits nothing.
// It is safe for concurrent use.
type Window struct {
	mu      sync.Mutex
	limit   int
	length  time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	resetAt time.Time
	count   int
}

// Taken is how a request fared against its key's window.
type Taken struct {
	Limit      int
	Remaining  int
	ResetAt    time.Time
	ResetAfter time.Duration
	// Exceeded reports that the request is over the limit (it was not
	// counted).
	Exceeded bool
}

// NewWindow returns a limiter of limit requests per length.
func NewWindow(limit int, length time.Duration) *Window {
	w := &Window{}
	w.Set(limit, length)
	return w
}

// Set changes the limit and forgets every window.
func (w *Window) Set(limit int, length time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.limit, w.length = limit, length
	w.buckets = map[string]*bucket{}
}

// Take counts a request on key at now.
func (w *Window) Take(key string, now time.Time) Taken {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.limit <= 0 || w.length <= 0 {
		return Taken{}
	}
	b := w.buckets[key]
	if b == nil || !now.Before(b.resetAt.Add(-ClockSlack)) {
		b = &bucket{resetAt: now.Add(w.length)}
		w.buckets[key] = b
	}
	t := Taken{Limit: w.limit, ResetAt: b.resetAt, ResetAfter: b.resetAt.Sub(now)}
	if b.count >= w.limit {
		t.Exceeded = true
	} else {
		b.count++
		t.Remaining = w.limit - b.count
	}
	return t
}

// Backoffs remembers, per key, until when a 429 asked the client to wait,
// and counts the requests that came earlier (violations: the "429 storm"
// the reliability tests must show none of). It is safe for concurrent use.
type Backoffs struct {
	mu         sync.Mutex
	until      map[string]time.Time
	violations int
}

// NewBackoffs returns an empty tracker.
func NewBackoffs() *Backoffs { return &Backoffs{until: map[string]time.Time{}} }

// Wait records that a 429 on key asked the client to wait until t (a later
// time already recorded stays).
func (b *Backoffs) Wait(key string, t time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur, ok := b.until[key]; !ok || t.After(cur) {
		b.until[key] = t
	}
}

// Check reports whether a request on key at now comes before the end of
// an earlier 429's wait: if so it counts a violation and returns how early
// the request is and when it was allowed; otherwise early is 0.
func (b *Backoffs) Check(key string, now time.Time) (early time.Duration, retryAt time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	until, ok := b.until[key]
	if !ok {
		return 0, time.Time{}
	}
	if !now.Before(until.Add(-ClockSlack)) {
		delete(b.until, key)
		return 0, time.Time{}
	}
	b.violations++
	return until.Sub(now), until
}

// Violations returns how many violations Check counted.
func (b *Backoffs) Violations() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.violations
}

// CeilMS rounds a duration up to whole milliseconds.
func CeilMS(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
