package bot

import (
	"context"
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
