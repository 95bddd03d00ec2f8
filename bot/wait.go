package bot

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits for d, or until ctx ends: it returns nil after the wait and
// ctx.Err() when ctx ended first (at once, without waiting, when d <= 0).
// It is the one sleep of paperboy: SystemClock's, the adapters' default
// between retries (Options.Sleep), the console's pacing and the store's
// waits for a lock.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is the wait before retry attempt (0 for the first retry) when
// the server named none: base doubled attempt times, at most limit, plus
// up to a quarter more of jitter, so that many clients do not retry in
// step. The adapters use it with their own base and limit (Discord and
// Slack 0.5 s to 8 s, Hugging Face 1 s to 30 s, arXiv 5 s to a minute,
// Slack's reconnections 1 s to a minute).
func Backoff(attempt int, base, limit time.Duration) time.Duration {
	d := base
	for i := 0; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d + rand.N(d/4+1)
}
