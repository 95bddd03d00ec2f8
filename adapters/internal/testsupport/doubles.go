package testsupport

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

var (
	_ bot.Source         = (*Lists)(nil)
	_ bot.Clock          = FixedClock{}
	_ bot.RequestMetrics = (*Requests)(nil)
)

// Lists is a bot.Source that serves daily lists from memory: Lists[d] is
// the list of day d (none: an empty list).
type Lists struct {
	mu    sync.Mutex
	Lists map[bot.Date][]bot.Paper
}

// Name returns "test".
func (l *Lists) Name() string { return "test" }

// Day returns the list of d.
func (l *Lists) Day(_ context.Context, d bot.Date) (bot.DayList, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bot.DayList{Papers: l.Lists[d]}, nil
}

// FixedClock is a bot.Clock whose time stands still and whose sleeps end
// at once.
type FixedClock struct{ T time.Time }

// Now returns T.
func (c FixedClock) Now() time.Time { return c.T }

// Sleep returns ctx's error without waiting.
func (c FixedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// Logs is a buffer a logger writes to while a test reads it.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Logs) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }

// String returns what was written so far.
func (s *Logs) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Requests is a bot.RequestMetrics that keeps what it was told about
// Platform's requests (and ignores the others').
type Requests struct {
	Platform string

	mu          sync.Mutex
	retries     int
	rateLimited int
	waits       []time.Duration
}

// Retried counts a retry and the wait before it.
func (r *Requests) Retried(platform string, wait time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if platform == r.Platform {
		r.retries++
		r.waits = append(r.waits, wait)
	}
}

// RateLimited counts a 429.
func (r *Requests) RateLimited(platform string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if platform == r.Platform {
		r.rateLimited++
	}
}

// Counts returns the retries, the 429s and the waits so far.
func (r *Requests) Counts() (retries, rateLimited int, waits []time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.retries, r.rateLimited, append([]time.Duration(nil), r.waits...)
}
