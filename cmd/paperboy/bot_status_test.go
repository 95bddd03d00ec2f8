package main_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Each reason a day can have no post is said by /papers status (the reply
// built here is what both chat adapters render; `paperboy status` prints
// the same Run.Describe, RetryNote and OffDaysNote).

// statusAt is the /papers status reply for the fixture channel at now.
func statusAt(t *testing.T, f *fixture, now time.Time) string {
	t.Helper()
	b := f.bot()
	b.Clock = fixedClock{now}
	r := (&bot.Commands{Bot: b, DefaultZone: "Europe/Berlin"}).Handle(context.Background(), papersCmd("status", nil))
	if r.Error {
		t.Fatalf("status: %s", r.Plain())
	}
	return r.Plain()
}

// digestAt runs the scheduled digest of the fixture channel at slot.
func digestAt(t *testing.T, f *fixture, slot time.Time) bot.Run {
	t.Helper()
	b := f.bot()
	b.Clock = fixedClock{slot}
	res, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), At: slot, Slot: slot})
	if err != nil {
		t.Fatalf("digest at %s: %v", slot, err)
	}
	return res.Run
}

func wantLines(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("status lacks %q:\n%s", w, text)
		}
	}
}

// Not an allowed weekday: no run at all, and status says so.
func TestStatusExplainsOffDays(t *testing.T) {
	f := newFixture(t) // Berlin, Mon-Fri, created Thu 26 Nov 2026
	sun := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	wantLines(t, statusAt(t, f, sun), "No post on Sat 28 Nov 2026 and Sun 29 Nov 2026: this channel posts Mon-Fri only.")
	// A weekday is not an off day.
	if text := statusAt(t, f, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)); strings.Contains(text, "No post on") {
		t.Errorf("Friday explained as an off day:\n%s", text)
	}
	// Only days after the last post count, and a custom set of days is named.
	ch := f.channel(t)
	ch.Settings.Weekdays = bot.Weekdays(1<<time.Monday | 1<<time.Wednesday)
	if err := f.db.SaveChannel(context.Background(), ch, f.now); err != nil {
		t.Fatal(err)
	}
	wantLines(t, statusAt(t, f, sun), "No post on Thu 26 Nov 2026, Fri 27 Nov 2026, Sat 28 Nov 2026 and Sun 29 Nov 2026: this channel posts Mon,Wed only.")
}

// The weekend: a channel that posts every day has nothing new on Saturday,
// because Hugging Face publishes no list; the run says so.
func TestStatusExplainsWeekend(t *testing.T) {
	f := newFixture(t)
	ch := f.channel(t)
	ch.Settings.Weekdays = bot.AllDays
	if err := f.db.SaveChannel(context.Background(), ch, f.now); err != nil {
		t.Fatal(err)
	}
	fri := date(t, "2026-11-27")
	f.src.set(fri, makeList(fri, 5))
	if run := digestAt(t, f, time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)); run.Outcome != bot.OutcomePosted {
		t.Fatalf("Friday: %+v", run)
	}
	sat := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
	run := digestAt(t, f, sat)
	if run.Outcome != bot.OutcomeEmpty || !strings.Contains(run.Reason, "weekend: Hugging Face publishes no list on Saturdays") {
		t.Fatalf("Saturday: %+v", run)
	}
	wantLines(t, statusAt(t, f, sat.Add(time.Hour)),
		"nothing posted: weekend: Hugging Face publishes no list on Saturdays, and the list for Fri 27 Nov 2026 was already posted to this channel (5 papers).")
}

// The source has no list yet: the run waits, and status says when it
// tries again.
func TestStatusExplainsNoListYet(t *testing.T) {
	f := newFixture(t)
	slot := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC) // Thursday, list ready
	run := digestAt(t, f, slot)
	if run.Outcome != bot.OutcomeWaiting || run.RetryAt.IsZero() {
		t.Fatalf("no list: %+v", run)
	}
	wantLines(t, statusAt(t, f, slot.Add(time.Minute)),
		"waiting: fake has no list for Thu 26 Nov 2026 yet.",
		"Next try at "+run.RetryAt.In(f.channel(t).Location()).Format("15:04 MST")+".")
	// Past the retry time, the note goes (the daemon is on it).
	if text := statusAt(t, f, run.RetryAt.Add(time.Minute)); strings.Contains(text, "Next try") {
		t.Errorf("stale retry time:\n%s", text)
	}
	// A failing source says what failed.
	f.src.fail = context.DeadlineExceeded
	digestAt(t, f, slot.Add(2*time.Hour))
	wantLines(t, statusAt(t, f, slot.Add(2*time.Hour+time.Minute)), "waiting: could not fetch the list for Thu 26 Nov 2026 from fake", "Next try at ")
}

// Everything below the minimum upvotes or filtered out: the counts.
func TestStatusExplainsBelowMinimumAndFilter(t *testing.T) {
	f := newFixture(t)
	ch := f.channel(t)
	ch.Settings.MinUpvotes = 96
	ch.Settings.Filter = "diffusion"
	if err := f.db.SaveChannel(context.Background(), ch, f.now); err != nil {
		t.Fatal(err)
	}
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 8)) // upvotes 100 down to 93, none about diffusion
	slot := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	run := digestAt(t, f, slot)
	if run.Outcome != bot.OutcomeEmpty {
		t.Fatalf("run %+v", run)
	}
	wantLines(t, statusAt(t, f, slot.Add(time.Minute)),
		`nothing posted: none of the 8 papers on the list for Thu 26 Nov 2026 qualified: 3 below the minimum of 96 upvotes (best had 95), 5 not matching the filter "diffusion".`)
}

// A permission error stops the channel; status names it.
func TestStatusExplainsStoppedChannel(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	f.chat.before = func(*bot.Message) error {
		return &bot.StopError{Reason: "paperboy lacks Send Messages in Threads, Embed Links in the channel", Err: context.Canceled}
	}
	slot := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	b := f.bot()
	b.Clock = fixedClock{slot}
	res, _ := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), At: slot, Slot: slot})
	if res.Run.Outcome != bot.OutcomeStopped {
		t.Fatalf("run %+v", res.Run)
	}
	wantLines(t, statusAt(t, f, slot.Add(time.Minute)),
		"Posting is stopped: paperboy lacks Send Messages in Threads, Embed Links in the channel.",
		"posting is stopped: paperboy lacks Send Messages in Threads, Embed Links in the channel.")
}
