package main_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestSkippedElementsDoNotCostTheDay: a list with elements the source
// could not use posts the others, and the store keeps what was skipped
// for status.
func TestSkippedElementsDoNotCostTheDay(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	f.src.skipped = map[bot.Date][]bot.Skip{day: {
		{Where: "element 1", Reason: "no paper id"},
		{Where: "element 4", ID: "abc", Reason: `paper id "abc" is not an arXiv id`},
	}}
	res := f.digest(t, day)
	if res.Run.Outcome != bot.OutcomePosted || res.Run.Papers != 3 {
		t.Fatalf("run = %+v, want the 3 good papers posted", res.Run)
	}
	info, err := f.db.ListInfo(context.Background(), day)
	if err != nil || len(info.Skipped) != 2 || info.Skipped[1].ID != "abc" {
		t.Errorf("ListInfo = %+v, %v; want the 2 skipped elements", info, err)
	}
	// The daemon's poll stores and records the same.
	b := f.bot()
	b.Clock = fixedClock{time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)}
	if pr := b.Poll(context.Background()); len(pr.Failed) != 0 || pr.Skipped != 2 {
		t.Errorf("poll = %+v, want 2 skipped and no failure", pr)
	}
}

// TestEveryElementSkipped: a list whose every element was skipped is not
// "no list yet": the reason says what was skipped.
func TestEveryElementSkipped(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.skipped = map[bot.Date][]bot.Skip{day: {{Where: "element 0", Reason: "no paper id"}}}
	res := f.digest(t, day)
	want := "every element of the list for Thu 26 Nov 2026 from fake was skipped (1 skipped: element 0: no paper id)"
	if res.Run.Outcome != bot.OutcomeWaiting || res.Run.Reason != want {
		t.Errorf("run = %+v\nwant waiting with reason %q", res.Run, want)
	}
}

// TestFailuresHaveReasons: every way a digest can fail records why (the
// reasons of all engine tests are checked when their store closes, see
// checkReasons; these are the paths that used to record none).
func TestFailuresHaveReasons(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	// No platform for the channel.
	b := f.bot()
	b.Platforms = map[string]bot.Platform{}
	res, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	if err == nil || res.Run.Outcome != bot.OutcomeWaiting || !strings.Contains(res.Run.Reason, "no chat platform is configured") {
		t.Errorf("no platform: %+v, %v", res.Run, err)
	}
	// Posting fails.
	f.chat.before = func(*bot.Message) error { return errors.New("chat: HTTP 500") }
	res, err = f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	if err == nil || res.Run.Outcome != bot.OutcomeWaiting || !strings.Contains(res.Run.Reason, "HTTP 500") {
		t.Errorf("posting fails: %+v, %v", res.Run, err)
	}
	last, err := f.db.LastRun(context.Background(), f.ch.ChannelRef)
	if err != nil || last.Reason == "" {
		t.Errorf("last run %+v, %v", last, err)
	}
}
