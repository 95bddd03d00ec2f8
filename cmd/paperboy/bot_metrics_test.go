package main_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

// recorder is a bot.Metrics that keeps what it was told, one line per
// event (durations left out, errors as "error").
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
}

// take returns the events so far and forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events = nil
	return e
}

func (r *recorder) DigestDone(platform, outcome string) { r.add("digest %s %s", platform, outcome) }
func (r *recorder) ItemSent(platform string)            { r.add("item %s", platform) }
func (r *recorder) DMSent(platform string)              { r.add("dm %s", platform) }
func (r *recorder) Fetched(source string, took time.Duration, err error) {
	if took < 0 {
		r.add("negative duration")
	}
	if err != nil {
		r.add("fetch %s error", source)
		return
	}
	r.add("fetch %s", source)
}
func (r *recorder) Stored(source string, added, updated int) {
	r.add("stored %s new %d updated %d", source, added, updated)
}
func (r *recorder) Skipped(source string, n int)          { r.add("skipped %s %d", source, n) }
func (r *recorder) SearchDone(time.Duration)              { r.add("search") }
func (r *recorder) CommandDone(c string, _ time.Duration) { r.add("command %s", c) }
func (r *recorder) AlertsMatched(time.Duration)           { r.add("alerts matched") }

// TestMetricsOfDigests: a digest reports its outcome once, and each paper
// sent; the fetch that refreshed the list and what it stored; a dry run
// reports no digest.
func TestMetricsOfDigests(t *testing.T) {
	f := newFixture(t)
	rec := &recorder{}
	day := date(t, "2026-11-26")
	list := makeList(day, 4)
	f.src.set(day, list)
	f.src.skipped = map[bot.Date][]bot.Skip{day: {{Where: "element 4", ID: "abc", Reason: "paper id \"abc\" is not an arXiv id"}}}
	b := f.bot()
	b.Metrics = rec
	digest := func() {
		t.Helper()
		if _, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day}); err != nil {
			t.Fatal(err)
		}
	}
	digest()
	want := []string{"fetch fake", "stored fake new 4 updated 0", "skipped fake 1", "item chat", "item chat", "item chat", "item chat", "digest chat posted"}
	if diff := cmp.Diff(want, rec.take()); diff != "" {
		t.Errorf("the first digest (-want +got):\n%s", diff)
	}
	digest()
	if diff := cmp.Diff([]string{"digest chat empty"}, rec.take()); diff != "" {
		t.Errorf("the same list again (-want +got):\n%s", diff)
	}

	// A platform that fails: a failed digest, no item counted.
	day2 := date(t, "2026-11-27")
	f.src.set(day2, makeList(day2, 2))
	f.chat.before = func(m *bot.Message) error { return errors.New("HTTP 500") }
	if _, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day2}); err == nil {
		t.Fatal("no error from a failing platform")
	}
	if ev := rec.take(); !slices.Contains(ev, "digest chat failed") || slices.Contains(ev, "item chat") {
		t.Errorf("a failing platform: %v", ev)
	}
	// The half-posted thread, finished: posted, with its items.
	f.chat.before = nil
	if _, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day2}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"item chat", "item chat", "digest chat posted"}, rec.take()); diff != "" {
		t.Errorf("the thread finished (-want +got):\n%s", diff)
	}

	// A source that fails with nothing stored: the fetch's error, and the
	// digest waits (no error: the next poll may bring the list).
	day3 := date(t, "2026-11-30")
	f.src.fail = errors.New("HTTP 503")
	if _, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day3}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"fetch fake error", "digest chat waiting"}, rec.take()); diff != "" {
		t.Errorf("a failing source (-want +got):\n%s", diff)
	}
	f.src.fail = nil

	// A dry run (`/papers today`, `digest --dry-run`) is not a digest.
	if _, err := b.Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.take() {
		if e != "fetch fake" {
			t.Errorf("a dry run reported %q", e)
		}
	}
}

// TestMetricsOfPollsCommandsAlerts: a poll reports each fetch and what it
// stored; a command its name, a search its read; matching and each DM.
func TestMetricsOfPollsCommandsAlerts(t *testing.T) {
	thu := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	a := newAlertFixture(t, thu)
	rec := &recorder{}
	a.b.Metrics = rec
	a.cmd("u1", "subscribe diffusion")
	a.cmd("u1", "search diffusion")
	a.cmd("u1", "frobnicate")
	if diff := cmp.Diff([]string{"command papers subscribe", "search", "command papers search", "command papers unknown"}, rec.take()); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}

	day := bot.DateOf(thu)
	a.f.src.set(day, []bot.Paper{alertPaper("2611.00101", "Diffusion one", 5), alertPaper("2611.00102", "Graphs", 3)})
	if err := a.poll(); err != nil {
		t.Fatal(err)
	}
	ev := rec.take()
	// The two recent lists (today's and the previous weekday's), each
	// fetched once; today's stored two new papers.
	if n := count(ev, "fetch fake"); n != 2 {
		t.Errorf("%d fetches in a poll, want 2: %v", n, ev)
	}
	for _, w := range []string{"stored fake new 2 updated 0", "alerts matched", "dm dm"} {
		if count(ev, w) != 1 {
			t.Errorf("a poll with a match: %q %d times, want once: %v", w, count(ev, w), ev)
		}
	}

	// Paging buttons are commands too.
	rec.take()
	a.c.HandleAction(context.Background(), bot.UserRef{Platform: "dm", ID: "u1"}, "s:nokey:1")
	if diff := cmp.Diff([]string{"command papers page"}, rec.take()); diff != "" {
		t.Errorf("a paging button (-want +got):\n%s", diff)
	}
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// TestCommandLabel: only known sub-commands name their series.
func TestCommandLabel(t *testing.T) {
	for _, tc := range []struct {
		cmd  bot.Command
		want string
	}{
		{bot.Command{Name: bot.CmdPapers}, "papers help"},
		{bot.Command{Name: bot.CmdPapers, Sub: "search"}, "papers search"},
		{bot.Command{Name: bot.CmdAdmin, Sub: "channel set"}, "papers-admin channel set"},
		{bot.Command{Name: bot.CmdAdmin, Sub: "search"}, "papers unknown"},
		{bot.Command{Name: bot.CmdPapers, Sub: "' OR 1=1 --"}, "papers unknown"},
		{bot.Command{Name: "other", Sub: "help"}, "papers unknown"},
	} {
		if got := bot.CommandLabel(tc.cmd); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.cmd, got, tc.want)
		}
	}
	for _, src := range [][2]string{{"huggingface", "huggingface"}, {"sample", "sample"}, {"file:/home/me/corpus.jsonl.gz", "file"}, {"arxiv", "arxiv"}} {
		if got := bot.SourceLabel(src[0]); got != src[1] {
			t.Errorf("SourceLabel(%q) = %q, want %q", src[0], got, src[1])
		}
	}
}

// TestMetricsOfArxivPolls: a poll of an arXiv channel reports the feed's
// fetch and what it stored; a day filled from the export API is a fetch
// too.
func TestMetricsOfArxivPolls(t *testing.T) {
	w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
	rec := &recorder{}
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 30, Seed: 21})
	w.fake.SetDay(day)
	b := w.bot()
	b.ListsOnDemand = true // only arXiv followed: no daily lists polled
	b.Metrics = rec
	b.Poll(context.Background())
	ev := rec.take()
	if count(ev, "fetch arxiv") != 1 || count(ev, "fetch fake") != 0 {
		t.Errorf("one feed fetched: %v", ev)
	}
	stored := 0
	for _, e := range ev {
		var n, u int
		if _, err := fmt.Sscanf(e, "stored arxiv new %d updated %d", &n, &u); err == nil {
			stored += n
		}
	}
	if stored == 0 {
		t.Errorf("no new papers stored from the feed: %v", ev)
	}

	wed, thu := axTue.AddDays(1), axTue.AddDays(2)
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: wed, N: 20, Seed: 22}))
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: thu, N: 20, Seed: 23}))
	w.now = eastern(thu, 6)
	b = w.bot()
	b.ListsOnDemand, b.Metrics = true, rec
	b.Poll(context.Background())
	if ev := rec.take(); count(ev, "fetch arxiv") != 2 {
		t.Errorf("Thursday's feed and Wednesday from the export API: %v", ev)
	}

	// arXiv refuses the feed: the fetch's error is reported.
	w.fake.AddRule(arxivfake.Rule{Route: arxivfake.RouteRSS, Status: 403})
	b.Poll(context.Background())
	if ev := rec.take(); count(ev, "fetch arxiv error") != 1 {
		t.Errorf("arXiv down: %v", ev)
	}
}
