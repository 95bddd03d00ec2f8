package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	u := bot.UserRef{Platform: "discord", ID: "42"}
	if _, err := db.GetUser(ctx, u); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if n, err := db.TakeNotice(ctx, u, t0); n != "" || err != nil {
		t.Fatalf("notice of an unknown user: %q %v", n, err)
	}
	if err := db.SetDMChannel(ctx, u, "dm-1", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.PauseAlerts(ctx, u, "DMs blocked", "Your alerts are paused.", t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetUser(ctx, u)
	if err != nil || got.DMChannelID != "dm-1" || got.PausedReason != "DMs blocked" || got.Notice != "Your alerts are paused." {
		t.Fatalf("user = %+v, %v", got, err)
	}
	// The notice is shown once.
	if n, err := db.TakeNotice(ctx, u, t0); n != "Your alerts are paused." || err != nil {
		t.Fatalf("notice = %q, %v", n, err)
	}
	if n, _ := db.TakeNotice(ctx, u, t0); n != "" {
		t.Fatalf("notice shown twice: %q", n)
	}
	// Same user id in another Slack workspace is another user.
	other := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "42"}
	if _, err := db.GetUser(ctx, other); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("other workspace: %v", err)
	}
	if got, _ := db.GetUser(ctx, u); got.DMChannelID != "dm-1" || got.PausedReason != "DMs blocked" {
		t.Fatalf("taking the notice changed the user: %+v", got)
	}
}

// Looking for a notice does not wait for the write lock: every command
// does it, and Discord's /papers help must answer within 3 seconds while
// another process writes. A notice is still shown exactly once when two
// commands of the user run at the same moment.
func TestTakeNoticeWithoutWriteLock(t *testing.T) {
	t.Parallel()
	db, path := openDB(t)
	u := bot.UserRef{Platform: "discord", ID: "7"}
	if err := db.SetDMChannel(t.Context(), u, "dm-7", t0); err != nil {
		t.Fatal(err)
	}
	tx, err := openRaw(t, path, "_txlock=immediate").BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	for _, who := range []bot.UserRef{u, {Platform: "discord", ID: "unknown"}} {
		if n, err := db.TakeNotice(ctx, who, t0); n != "" || err != nil {
			t.Errorf("%s while another process holds the write lock: %q %v", who, n, err)
		}
	}
	tx.Rollback()

	if err := db.PauseAlerts(t.Context(), u, "DMs blocked", "Your alerts are paused.", t0); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var shown atomic.Int32
	for range 8 {
		wg.Go(func() {
			n, err := db.TakeNotice(t.Context(), u, t0)
			if err != nil {
				t.Error(err)
			}
			if n != "" {
				shown.Add(1)
			}
		})
	}
	wg.Wait()
	if shown.Load() != 1 {
		t.Fatalf("notice shown %d times by 8 commands at once", shown.Load())
	}
}
