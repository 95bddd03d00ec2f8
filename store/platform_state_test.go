package store

import (
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestPlatformStateKeepsFirstSince(t *testing.T) {
	t.Parallel()
	db, _ := openDB(t)
	ctx := t.Context()
	rec := func(s bot.PlatformState) {
		t.Helper()
		if err := db.RecordPlatformState(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	rec(bot.PlatformState{Platform: "slack", Connected: true, Reason: "Socket Mode", Since: at(1)})
	rec(bot.PlatformState{Platform: "slack", Connected: true, Reason: "Socket Mode", Since: at(5)})
	rec(bot.PlatformState{Platform: "discord", Connected: false, Reason: "gateway: 4004 authentication failed", Since: at(2)})
	got, err := db.PlatformStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := got["slack"]; !s.Connected || !s.Since.Equal(at(1)) {
		t.Errorf("slack %+v: an unchanged state keeps its first time", s)
	}
	rec(bot.PlatformState{Platform: "slack", Connected: false, Reason: "Socket Mode: invalid_auth (retrying)", Since: at(7)})
	got, _ = db.PlatformStates(ctx)
	if s := got["slack"]; s.Connected || !s.Since.Equal(at(7)) || s.Reason != "Socket Mode: invalid_auth (retrying)" {
		t.Errorf("slack after a change: %+v", s)
	}
	if d := got["discord"].Describe(); d != "not connected since 2026-03-02 14:02 UTC (gateway: 4004 authentication failed)" {
		t.Errorf("Describe: %q", d)
	}
}
