package main_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// fakeClock jumps forward instead of sleeping and stops the daemon at until.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	until  time.Time
	cancel func()
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	done := !c.t.Before(c.until)
	c.mu.Unlock()
	if done {
		c.cancel()
		return context.Canceled
	}
	return nil
}

// runDaemon runs the daemon on a fake clock from start to until.
func runDaemon(t *testing.T, f *fixture, start, until time.Time, catchUp bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{t: start, until: until, cancel: cancel}
	f.src.now = clock.Now
	f.chat.now = clock.Now
	b := &bot.Bot{Store: f.db, Source: f.src, Platforms: map[string]bot.Platform{"chat": f.chat},
		Clock: clock, CatchUp: catchUp}
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("daemon did not stop")
	}
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type post struct {
	list string
	at   string
}

func headersOf(f *fixture) []post {
	var out []post
	for _, h := range f.chat.headers() {
		out = append(out, post{h.listDate.String(), h.at.UTC().Format(time.RFC3339)})
	}
	return out
}

func samePosts(t *testing.T, got, want []post) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("headers:\n got %v\nwant %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("headers:\n got %v\nwant %v", got, want)
		}
	}
}

// daemonFixture: a Berlin channel at 09:00 Mon-Fri created at created, and
// Hugging Face lists for three weeks, each published at 05:00 UTC on its
// day.
func daemonFixture(t *testing.T, created string) *fixture {
	f := newFixtureAt(t, utc(t, created))
	for d := date(t, "2026-11-23"); d.Before(date(t, "2026-12-12")); d = d.AddDays(1) {
		if d.IsWeekend() {
			continue
		}
		f.src.lists[d] = makeList(d, 12)
		f.src.published[d] = time.Date(d.Year, d.Month, d.Day, 5, 0, 0, 0, time.UTC)
	}
	return f
}

func TestDaemonPostsAtChannelTime(t *testing.T) {
	f := daemonFixture(t, "2026-11-30T06:00:00Z")
	runDaemon(t, f, utc(t, "2026-11-30T06:00:00Z"), utc(t, "2026-12-03T12:00:00Z"), true)
	// 09:00 in Berlin is 08:00 UTC; the day's own list is not ready before
	// 12:00 UTC, so each morning brings the previous weekday's list.
	samePosts(t, headersOf(f), []post{
		{"2026-11-27", "2026-11-30T08:00:00Z"},
		{"2026-11-30", "2026-12-01T08:00:00Z"},
		{"2026-12-01", "2026-12-02T08:00:00Z"},
		{"2026-12-02", "2026-12-03T08:00:00Z"},
	})
	for _, h := range f.chat.headers() {
		if n := len(f.chat.items(h.thread)); n != 10 {
			t.Errorf("thread of %s has %d items, want 10", h.listDate, n)
		}
	}
	f.chat.assertNoDuplicates(t)
}

func TestDaemonCatchesUpOnceAfterDowntime(t *testing.T) {
	f := daemonFixture(t, "2026-11-30T06:00:00Z")
	runDaemon(t, f, utc(t, "2026-11-30T06:00:00Z"), utc(t, "2026-12-01T12:00:00Z"), true)
	// Down from Tuesday noon to the next Monday 15:00 UTC: four runs missed.
	runDaemon(t, f, utc(t, "2026-12-07T15:00:00Z"), utc(t, "2026-12-08T12:00:00Z"), true)
	samePosts(t, headersOf(f), []post{
		{"2026-11-27", "2026-11-30T08:00:00Z"},
		{"2026-11-30", "2026-12-01T08:00:00Z"},
		// One catch-up, at start, for the most recent missed run (Monday
		// 08:00 UTC, when Friday's list was the newest ready one).
		{"2026-12-04", "2026-12-07T15:00:00Z"},
		{"2026-12-07", "2026-12-08T08:00:00Z"},
	})
	f.chat.assertNoDuplicates(t)
}

func TestDaemonSkipsMissedRunWithoutCatchUp(t *testing.T) {
	f := daemonFixture(t, "2026-11-30T06:00:00Z")
	runDaemon(t, f, utc(t, "2026-11-30T06:00:00Z"), utc(t, "2026-11-30T12:00:00Z"), false)
	runDaemon(t, f, utc(t, "2026-12-02T15:00:00Z"), utc(t, "2026-12-03T12:00:00Z"), false)
	samePosts(t, headersOf(f), []post{
		{"2026-11-27", "2026-11-30T08:00:00Z"},
		{"2026-12-02", "2026-12-03T08:00:00Z"},
	})
	slot, err := f.db.LastSlot(context.Background(), f.ch.ChannelRef)
	if err != nil || !slot.Equal(utc(t, "2026-12-03T08:00:00Z")) {
		t.Fatalf("last slot = %v, %v", slot, err)
	}
}

func TestDaemonRetriesUntilListArrives(t *testing.T) {
	f := daemonFixture(t, "2026-12-03T07:00:00Z")
	// Wednesday's list is late: it only appears on Thursday at 09:10 UTC.
	wed := date(t, "2026-12-02")
	f.src.published[wed] = utc(t, "2026-12-03T09:10:00Z")
	runDaemon(t, f, utc(t, "2026-12-03T07:00:00Z"), utc(t, "2026-12-03T12:00:00Z"), true)
	hs := headersOf(f)
	if len(hs) != 1 || hs[0].list != "2026-12-02" {
		t.Fatalf("headers = %v, want one for 2026-12-02", hs)
	}
	at, _ := time.Parse(time.RFC3339, hs[0].at)
	if at.Before(utc(t, "2026-12-03T09:10:00Z")) || at.After(utc(t, "2026-12-03T09:41:00Z")) {
		t.Fatalf("posted at %s, want within a poll interval after 09:10", hs[0].at)
	}
}

func TestDaemonRunsAfterDSTChange(t *testing.T) {
	f := daemonFixture(t, "2027-03-26T12:00:00Z")
	ch := f.channel(t)
	ch.Settings.Time = 2*60 + 30 // 02:30, inside the spring-forward gap on 2027-03-28
	ch.Settings.Weekdays = bot.AllDays
	if err := f.db.SaveChannel(context.Background(), ch, ch.Created); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2027-03-25", "2027-03-26", "2027-03-29"} {
		d := date(t, s)
		f.src.lists[d] = makeList(d, 3)
	}
	runDaemon(t, f, utc(t, "2027-03-26T12:00:00Z"), utc(t, "2027-03-30T12:00:00Z"), true)
	samePosts(t, headersOf(f), []post{
		{"2027-03-26", "2027-03-27T01:30:00Z"}, // Saturday 02:30 CET: Friday's list
		// Sunday 02:30 does not exist: the run is at 03:00 CEST (01:00 UTC) and
		// finds Friday's list posted already; Monday 02:30 CEST is still
		// Friday's list; Tuesday brings Monday's.
		{"2027-03-29", "2027-03-30T00:30:00Z"},
	})
	last, err := f.db.LastSlot(context.Background(), f.ch.ChannelRef)
	if err != nil || !last.Equal(utc(t, "2027-03-30T00:30:00Z")) {
		t.Fatalf("last slot = %v, %v", last, err)
	}
}

// A panic while posting (here: the platform code, on the first header)
// does not stop the daemon: it is logged, the channel is tried again at
// the next turn, and every day is still posted once.
func TestDaemonRecoversFromPanic(t *testing.T) {
	f := daemonFixture(t, "2026-11-30T06:00:00Z")
	panicked := false
	f.chat.before = func(m *bot.Message) error {
		if !panicked {
			panicked = true
			panic("renderer bug")
		}
		return nil
	}
	runDaemon(t, f, utc(t, "2026-11-30T06:00:00Z"), utc(t, "2026-12-02T12:00:00Z"), true)
	if !panicked {
		t.Fatal("the platform never panicked")
	}
	got := headersOf(f)
	if len(got) != 3 || got[0].list != "2026-11-27" || got[2].list != "2026-12-01" {
		t.Fatalf("posts after the panic: %v, want the lists of 27 Nov, 30 Nov and 1 Dec", got)
	}
	if got[0].at < "2026-11-30T08:00:00Z" || got[0].at > "2026-11-30T08:05:00Z" {
		t.Errorf("the first list was posted at %s, want a retry within minutes of the 08:00 run", got[0].at)
	}
	for _, h := range f.chat.headers() {
		if n := len(f.chat.items(h.thread)); n != 10 {
			t.Errorf("thread of %s has %d items, want 10", h.listDate, n)
		}
	}
	f.chat.assertNoDuplicates(t)
}
