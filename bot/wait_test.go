package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	start := time.Now()
	if err := Sleep(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Errorf("a full sleep: %v after %v", err, time.Since(start))
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	start = time.Now()
	if err := Sleep(ctx, time.Minute); !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Errorf("a cancelled sleep: %v after %v", err, time.Since(start))
	}

	// No wait: the context's state, at once.
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("zero on a live context: %v", err)
	}
	if err := Sleep(ctx, -time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("negative on a done context: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt     int
		base, limit time.Duration
		want        time.Duration // before jitter
	}{
		{0, 500 * time.Millisecond, 8 * time.Second, 500 * time.Millisecond},
		{1, 500 * time.Millisecond, 8 * time.Second, time.Second},
		{4, 500 * time.Millisecond, 8 * time.Second, 8 * time.Second},
		{5, 500 * time.Millisecond, 8 * time.Second, 8 * time.Second},
		{4, time.Second, 30 * time.Second, 16 * time.Second},
		{5, time.Second, 30 * time.Second, 30 * time.Second},
		{3, 5 * time.Second, time.Minute, 40 * time.Second},
		{4, 5 * time.Second, time.Minute, time.Minute},
		{1000, time.Second, time.Minute, time.Minute}, // no overflow
	} {
		for range 50 {
			if got := Backoff(tc.attempt, tc.base, tc.limit); got < tc.want || got > tc.want+tc.want/4 {
				t.Fatalf("Backoff(%d, %v, %v) = %v, want %v plus at most a quarter", tc.attempt, tc.base, tc.limit, got, tc.want)
			}
		}
	}
}
