package store

import (
	"errors"
	"testing"

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
