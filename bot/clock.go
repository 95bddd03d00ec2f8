package bot

import (
	"context"
	"time"
)

// Clock is the bot's time: tests inject one to run days in milliseconds.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, returning early with ctx's error when ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real time.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done (see Sleep).
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error { return Sleep(ctx, d) }
