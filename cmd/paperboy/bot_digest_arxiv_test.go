package main_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

// arXiv channels through the real arXiv client and the fake arXiv: what
// the thread holds, the days arXiv announces nothing, a feed not out yet,
// a catch-up day from the export API, and a paper on both sources.

var (
	axMon = bot.Date{Year: 2026, Month: time.December, Day: 7}
	axTue = bot.Date{Year: 2026, Month: time.December, Day: 8}
	axSat = bot.Date{Year: 2026, Month: time.December, Day: 5}
)

type arxivWorld struct {
	*fixture
	fake   *arxivfake.Server
	client *arxiv.Client
}

// newArxivWorld is a fixture whose channel follows src, at now.
func newArxivWorld(t *testing.T, now time.Time, src bot.Sources, mod func(*bot.Settings)) *arxivWorld {
	t.Helper()
	f := newFixtureAt(t, now.Add(-48*time.Hour))
	f.now = now
	w := &arxivWorld{fixture: f, fake: arxivfake.New()}
	t.Cleanup(w.fake.Close)
	w.fake.SetClock(func() time.Time { return w.now })
	c, err := arxiv.New(arxiv.Options{RSSURL: w.fake.URL(), APIURL: w.fake.APIURL(), OAIURL: w.fake.OAIURL(),
		MinInterval: time.Millisecond, Timeout: 5 * time.Second, HTTPClient: w.fake.Client(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	w.client = c
	ch := f.channel(t)
	ch.Settings.Sources = src
	if mod != nil {
		mod(&ch.Settings)
	}
	if err := f.db.SaveChannel(context.Background(), ch, now); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *arxivWorld) bot() *bot.Bot {
	b := w.fixture.bot()
	b.Arxiv = w.client
	return b
}

func (w *arxivWorld) digest(t *testing.T, day bot.Date) bot.DigestResult {
	t.Helper()
	res, err := w.bot().Digest(context.Background(), bot.DigestRequest{Channel: w.channel(t), ListDate: day, At: w.now})
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return res
}

// eastern is a time of day on d in New York.
func eastern(d bot.Date, hour int) time.Time { return d.In(bot.Eastern(), hour, 0) }

func TestArxivDigestPostsTheDaysNewPapers(t *testing.T) {
	w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 120, Seed: 3})
	w.fake.SetDay(day)

	res := w.digest(t, bot.Date{})
	if res.Run.Outcome != bot.OutcomePosted || res.Run.ListDate != axTue {
		t.Fatalf("run %+v", res.Run)
	}
	newOrCross := map[string]string{}
	for _, it := range day.Items {
		newOrCross[it.ID] = it.AnnounceType
	}
	items := w.chat.items(w.chat.headers()[0].thread)
	if len(items) != 10 {
		t.Fatalf("%d items posted, want 10 (max_papers)", len(items))
	}
	for _, it := range items {
		if typ := newOrCross[it.paper]; typ != "new" && typ != "cross" {
			t.Errorf("posted %s, announced as %q", it.paper, typ)
		}
	}
	announced := day.Count("new") + day.Count("cross")
	part := res.Digest.Arxiv
	if part == nil || part.Announced != announced || part.More != announced-10 || part.Day != axTue {
		t.Fatalf("arXiv part %+v, want %d announced, %d more", part, announced, announced-10)
	}
	wantHeader := "arXiv cs.RO · Tue 8 Dec 2026 · 10 of " + itoa(announced) + " new papers"
	if got := res.Digest.Header(); got != wantHeader {
		t.Errorf("header %q, want %q", got, wantHeader)
	}
	if got, want := res.Digest.Closing(), "and "+itoa(announced-10)+" more new in cs.RO today"; got != want {
		t.Errorf("closing %q, want %q", got, want)
	}
	// With no filter and no upvotes, the announcement's order decides.
	var want []string
	for _, it := range day.Items {
		if it.AnnounceType == "new" || it.AnnounceType == "cross" {
			want = append(want, it.ID)
		}
	}
	var got []string
	for _, it := range items {
		got = append(got, it.paper)
	}
	if !slices.Equal(got, want[:10]) {
		t.Errorf("posted %v, want the first ten announced %v", got, want[:10])
	}

	// The thread, finished after a crash, reads as planned.
	plan, err := w.db.GetPlan(context.Background(), w.ch.ChannelRef, axTue)
	if err != nil || plan.Digest.Arxiv == nil || plan.Digest.Header() != wantHeader {
		t.Errorf("stored plan: %v, %+v", err, plan)
	}
	// Again the same day: nothing new is posted.
	again := w.digest(t, bot.Date{})
	if again.Run.Outcome != bot.OutcomeEmpty || !strings.Contains(again.Run.Reason, "already posted") {
		t.Errorf("second run %+v", again.Run)
	}
	w.chat.assertNoDuplicates(t)
}

func TestArxivDigestCrossListsOff(t *testing.T) {
	w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}},
		func(s *bot.Settings) { s.CrossLists, s.MaxPapers = false, 50 })
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 80, Seed: 5})
	w.fake.SetDay(day)
	res := w.digest(t, bot.Date{})
	if res.Digest == nil || res.Digest.Arxiv.Announced != day.Count("new") {
		t.Fatalf("run %+v, digest %+v; want %d new", res.Run, res.Digest, day.Count("new"))
	}
	types := map[string]string{}
	for _, it := range day.Items {
		types[it.ID] = it.AnnounceType
	}
	for _, it := range res.Digest.Items {
		if types[it.Paper.ID] != "new" {
			t.Errorf("posted %s (%s) with cross_lists off", it.Paper.ID, types[it.Paper.ID])
		}
	}
}

func TestArxivDigestEmptyDays(t *testing.T) {
	t.Run("weekend", func(t *testing.T) {
		w := newArxivWorld(t, eastern(axSat, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
		w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axSat.AddDays(-1), N: 30}))
		res := w.digest(t, bot.Date{})
		want := "arXiv announced nothing on Saturday 5 Dec (no announcements on weekends and holidays)"
		if res.Run.Outcome != bot.OutcomeEmpty || res.Run.Reason != want {
			t.Errorf("run %+v, want empty: %q", res.Run, want)
		}
		if len(w.chat.msgs) != 0 {
			t.Errorf("posted %d messages on a weekend", len(w.chat.msgs))
		}
	})
	t.Run("holiday", func(t *testing.T) {
		thu := bot.Date{Year: 2026, Month: time.November, Day: 26}
		w := newArxivWorld(t, eastern(thu, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
		w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: thu.AddDays(-1), N: 30}))
		w.fake.SetHoliday(thu)
		res := w.digest(t, bot.Date{})
		want := "arXiv announced nothing on Thursday 26 Nov (no announcements on weekends and holidays)"
		if res.Run.Outcome != bot.OutcomeEmpty || res.Run.Reason != want {
			t.Errorf("run %+v, want empty: %q", res.Run, want)
		}
	})
	t.Run("not out yet", func(t *testing.T) {
		// 09:00 on Tuesday in New York, but the feed still shows Monday.
		w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
		w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axMon, N: 30}))
		slot := eastern(axTue, 9)
		res, err := w.bot().Digest(context.Background(), bot.DigestRequest{Channel: w.channel(t), At: slot, Slot: slot})
		if err != nil || res.Run.Outcome != bot.OutcomeWaiting || res.Run.RetryAt.IsZero() ||
			!strings.Contains(res.Run.Reason, "arXiv has not announced Tue 8 Dec 2026 yet") {
			t.Errorf("run %+v, %v; want waiting for the feed", res.Run, err)
		}
		if len(w.chat.msgs) != 0 {
			t.Errorf("posted %d messages before the feed was out", len(w.chat.msgs))
		}
	})
}

func TestArxivDigestCatchUpFromTheAPI(t *testing.T) {
	// Wednesday: the feed shows Wednesday's announcement; Tuesday's comes
	// from the export API by submission window.
	wed := axTue.AddDays(1)
	w := newArxivWorld(t, eastern(wed, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, func(s *bot.Settings) { s.MaxPapers = 50 })
	tue := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 60, Seed: 7, Replace: -1, ReplaceCross: -1})
	w.fake.SetDay(tue)
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: wed, N: 60, Seed: 8}))
	res := w.digest(t, axTue)
	if res.Run.Outcome != bot.OutcomePosted || res.Digest.Arxiv.Announced != len(tue.Items) {
		t.Fatalf("run %+v; want Tuesday's %d papers", res.Run, len(tue.Items))
	}
	want := map[string]bool{}
	for _, it := range tue.Items {
		want[it.ID] = true
	}
	for _, it := range res.Digest.Items {
		if !want[it.Paper.ID] {
			t.Errorf("posted %s, not announced on Tuesday", it.Paper.ID)
		}
	}
}

func TestArxivAndHuggingFaceOnePaperOnce(t *testing.T) {
	// Monday the paper is announced on arXiv and posted; Tuesday it is on
	// Hugging Face's list, with upvotes: not posted again, and the stored
	// paper has both sources' facts.
	w := newArxivWorld(t, eastern(axMon, 9), bot.Sources{Lists: true, Arxiv: []string{"cs.RO"}}, func(s *bot.Settings) { s.Zone = "America/New_York" })
	mon := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axMon, N: 20, Seed: 2, Cross: -1, Replace: -1, ReplaceCross: -1})
	w.fake.SetDay(mon)
	shared := mon.Items[0].Paper
	w.src.set(axMon, makeList(axMon, 3))
	res := w.digest(t, bot.Date{})
	if res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("Monday: %+v", res.Run)
	}
	if !postedPaper(w.chat, shared.ID) {
		t.Fatalf("Monday's thread lacks %s", shared.ID)
	}
	if !strings.HasPrefix(res.Digest.Title(), "Daily Papers + arXiv cs.RO · Mon 7 Dec 2026") {
		t.Errorf("title %q", res.Digest.Title())
	}

	w.now = eastern(axTue, 9)
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 20, Seed: 3, Cross: -1, Replace: -1, ReplaceCross: -1, FirstNumber: 30000}))
	hf := makeList(axTue, 4)
	hf[0].ID, hf[0].Title, hf[0].Upvotes, hf[0].GitHubRepo = shared.ID, shared.Title, 250, "https://github.com/example/robots"
	w.src.set(axTue, hf)
	res = w.digest(t, bot.Date{})
	if res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("Tuesday: %+v", res.Run)
	}
	for _, it := range res.Digest.Items {
		if it.Paper.ID == shared.ID {
			t.Errorf("%s posted again on Tuesday", shared.ID)
		}
	}
	w.chat.assertNoDuplicates(t)
	p, err := w.db.GetPaper(context.Background(), shared.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Upvotes != 250 || p.GitHubRepo == "" || len(p.Categories) == 0 || p.Categories[0] != shared.Categories[0] ||
		p.AnnouncedOn != axMon || p.ListDate != axTue {
		t.Errorf("stored paper lacks a source's facts: upvotes %d, repo %q, categories %v, announced %s, list %s",
			p.Upvotes, p.GitHubRepo, p.Categories, p.AnnouncedOn, p.ListDate)
	}
}

func TestArxivPollFetchesEachFeedOnceAndQueuesAlerts(t *testing.T) {
	w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, nil)
	// A second channel with the same categories shares the feed.
	other := w.channel(t)
	other.ID = "robots-2"
	if err := w.db.SaveChannel(context.Background(), other, w.now); err != nil {
		t.Fatal(err)
	}
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 50, Seed: 11})
	w.fake.SetDay(day)
	res := w.bot().Poll(context.Background())
	if len(res.Failed) != 0 || !slices.Equal(res.Feeds, []string{"cs.RO 2026-12-08"}) {
		t.Fatalf("poll %+v", res)
	}
	feeds := 0
	for _, r := range w.fake.Requests() {
		if r.Route == arxivfake.RouteRSS {
			feeds++
		}
	}
	if feeds != 1 {
		t.Errorf("%d feed requests for two channels of cs.RO, want 1", feeds)
	}
	queued, err := w.db.QueuedPapers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := day.Count("new") + day.Count("cross"); len(queued) != want {
		t.Errorf("%d papers queued for alerts, want the %d new and cross-listed", len(queued), want)
	}

	// Down on Wednesday, back on Thursday: Wednesday is filled from the
	// export API, then Thursday's feed is stored.
	wed, thu := axTue.AddDays(1), axTue.AddDays(2)
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: wed, N: 40, Seed: 12}))
	w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: thu, N: 40, Seed: 13}))
	w.now = eastern(thu, 6)
	res = w.bot().Poll(context.Background())
	if len(res.Failed) != 0 {
		t.Fatalf("poll %+v", res)
	}
	items, fetched, err := w.db.Announcement(context.Background(), "cs.RO", wed)
	if err != nil || !fetched || len(items) == 0 {
		t.Errorf("Wednesday not filled: %d items, fetched %v, %v", len(items), fetched, err)
	}
	if _, fetched, _ := w.db.Announcement(context.Background(), "cs.RO", thu); !fetched {
		t.Error("Thursday's feed not stored")
	}
}

func TestArxivRankOrders(t *testing.T) {
	w := newArxivWorld(t, eastern(axTue, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, func(s *bot.Settings) {
		s.Rank, s.Filter, s.MaxPapers = bot.RankRelevance, "zebrafish OR quokka", 50
	})
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 40, Seed: 21, Replace: -1, ReplaceCross: -1})
	// Two papers about the filter: one in its title (ranks first), one
	// in its abstract only.
	day.Items[30].Title = "Zebrafish-inspired quokka robots"
	day.Items[5].Abstract += " We also try a zebrafish."
	w.fake.SetDay(day)
	res := w.digest(t, bot.Date{})
	if res.Digest == nil || len(res.Digest.Items) < 2 {
		t.Fatalf("run %+v", res.Run)
	}
	if got := []string{res.Digest.Items[0].Paper.ID, res.Digest.Items[1].Paper.ID}; got[0] != day.Items[30].ID || got[1] != day.Items[5].ID {
		t.Errorf("relevance order starts %v, want %s (title) then %s (abstract)", got, day.Items[30].ID, day.Items[5].ID)
	}
	if res.Digest.Arxiv.More != res.Digest.Arxiv.Announced-len(res.Digest.Items) {
		t.Errorf("more %d, announced %d, shown %d", res.Digest.Arxiv.More, res.Digest.Arxiv.Announced, len(res.Digest.Items))
	}
}

func postedPaper(c *chat, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.msgs {
		if m.paper == id {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// Alerts see every new paper of the followed categories (not only those a
// channel shows) and say where the paper comes from; a backfilled paper
// never alerts.
func TestArxivAlertsSaySourceAndCategory(t *testing.T) {
	now := eastern(axTue, 9)
	a := newAlertFixture(t, now)
	a.cmd("u", "subscribe zebrafish")
	fake := arxivfake.New()
	t.Cleanup(fake.Close)
	fake.SetClock(a.clock.Now)
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: axTue, N: 60, Seed: 31, Replace: -1, ReplaceCross: -1})
	// The 50th: no channel of ten papers shows it.
	day.Items[50].Title = "Zebrafish swimming robots"
	fake.SetDay(day)
	c, err := arxiv.New(arxiv.Options{RSSURL: fake.URL(), APIURL: fake.APIURL(), OAIURL: fake.OAIURL(),
		MinInterval: time.Millisecond, HTTPClient: fake.Client(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	a.b.Arxiv = c
	ch := a.f.channel(t)
	ch.Settings.Sources = bot.Sources{Arxiv: []string{"cs.RO"}}
	if err := a.f.db.SaveChannel(context.Background(), ch, now); err != nil {
		t.Fatal(err)
	}
	// Backfilled earlier: a zebrafish paper of last month, never alerted.
	old := day.Items[0].Paper
	backfilled := bot.Paper{ID: "2611.09999", Title: "Zebrafish of old", Abstract: "Old.", Categories: []string{"cs.RO"},
		PublishedAt: now.AddDate(0, -1, 0)}
	if _, err := a.f.db.SaveAnnounced(context.Background(), bot.Date{}, []bot.Announced{{Paper: backfilled}}, false, now); err != nil {
		t.Fatal(err)
	}
	if err := a.poll(); err != nil {
		t.Fatal(err)
	}
	got := a.chat.got("u")
	if len(got) != 1 {
		t.Fatalf("DMs: %q", got)
	}
	cat := day.Items[50].Categories[0]
	if !strings.Contains(got[0], "Zebrafish swimming robots") || !strings.Contains(got[0], "arXiv "+cat) {
		t.Errorf("DM does not name the paper and its source and category (arXiv %s):\n%s", cat, got[0])
	}
	if strings.Contains(got[0], "Zebrafish of old") || strings.Contains(got[0], old.ID) {
		t.Errorf("DM names a backfilled or unrelated paper:\n%s", got[0])
	}
}

// The admin command sets a channel's sources, cross-lists and rank, in
// Discord's options and in Slack's text form, with arXiv's categories
// checked: a misspelt one is refused with one line naming it and the
// closest valid one, an old name maps to today's.
func TestChannelSetSources(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	c.ArxivCategory = func(cat string) (string, error) {
		cats, err := arxiv.ParseCategories(cat)
		if err != nil {
			return "", err
		}
		return cats[0], nil
	}
	ref := bot.ChannelRef{Platform: "chat", ID: "new-channel"}
	r := c.Handle(context.Background(), adminCmd("channel set", map[string]string{"source": "huggingface,arxiv:cs.RO,cmp-lg", "cross_lists": "off", "rank": "relevance"}))
	if r.Error {
		t.Fatalf("channel set: %s", r.Plain())
	}
	ch, err := f.db.GetChannel(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := (bot.Sources{Lists: true, Arxiv: []string{"cs.RO", "cs.CL"}}); !slices.Equal(ch.Settings.Sources.Arxiv, want.Arxiv) || !ch.Settings.Sources.Lists ||
		ch.Settings.CrossLists || ch.Settings.Rank != bot.RankRelevance {
		t.Errorf("stored %+v", ch.Settings)
	}
	if !strings.Contains(r.Plain(), "source: huggingface arxiv:cs.RO,cs.CL (set in chat)") || !strings.Contains(r.Plain(), "cross_lists: off (set in chat)") {
		t.Errorf("reply does not show the new settings:\n%s", r.Plain())
	}

	// Slack's text form.
	cmd := bot.ParseCommand("papers-admin", "channel set source arxiv:cs.LG,math cross_lists on rank newest")
	cmd.Platform, cmd.ChannelID, cmd.User, cmd.CanManage = "chat", "new-channel", bot.UserRef{Platform: "chat", ID: "u1"}, true
	if r := c.Handle(context.Background(), cmd); r.Error {
		t.Fatalf("text form: %s", r.Plain())
	}
	ch, _ = f.db.GetChannel(context.Background(), ref)
	if !slices.Equal(ch.Settings.Sources.Arxiv, []string{"cs.LG", "math"}) || ch.Settings.Sources.Lists || !ch.Settings.CrossLists || ch.Settings.Rank != bot.RankNewest {
		t.Errorf("text form stored %+v", ch.Settings)
	}

	for args, want := range map[string]string{
		"arxiv:cs.RO,cs.Rob": `unknown category "cs.Rob": did you mean cs.RO?`,
		"arxive:cs.RO":       `source "arxive:cs.RO" is not huggingface or arxiv:CATEGORIES`,
		"arxiv:":             "no categories given",
	} {
		r := c.Handle(context.Background(), adminCmd("channel set", map[string]string{"source": args}))
		if !r.Error || !strings.Contains(r.Plain(), want) || strings.Count(strings.SplitN(r.Plain(), "\nUsage", 2)[0], "\n") > 0 {
			t.Errorf("source %q: %q, want one line with %q", args, r.Plain(), want)
		}
	}
	if after, _ := f.db.GetChannel(context.Background(), ref); !reflect.DeepEqual(after.Settings, ch.Settings) {
		t.Errorf("a refused change was stored: %+v", after.Settings)
	}
	if r := c.Handle(context.Background(), adminCmd("channel set", map[string]string{"rank": "stars"})); !r.Error || !strings.Contains(r.Plain(), `rank: "stars" is not upvotes, relevance or newest`) {
		t.Errorf("bad rank: %s", r.Plain())
	}
}

// A daemon down from Monday evening to Thursday 10:00 (New York): the
// announcement days it missed are filled from the export API, one
// catch-up thread is posted (Thursday's), never one per missed day; then
// Friday's thread comes at its time.
func TestArxivDaemonCatchesUpOnce(t *testing.T) {
	w := newArxivWorld(t, eastern(axMon, 9), bot.Sources{Arxiv: []string{"cs.RO"}}, func(s *bot.Settings) { s.Zone = "America/New_York" })
	for d := axMon; !d.After(axMon.AddDays(4)); d = d.AddDays(1) {
		w.fake.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: d, N: 40, Seed: uint64(d.Day)}))
	}
	// Monday's thread was posted by the process before.
	if res := w.digest(t, bot.Date{}); res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("Monday: %+v", res.Run)
	}
	start, until := eastern(axMon.AddDays(3), 10), eastern(axMon.AddDays(4), 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{t: start, until: until, cancel: cancel}
	w.fake.SetClock(clock.Now)
	// The client spaces its requests by the real clock (1 ms here); the
	// daemon's clock stands still between them, so the fake checks only
	// the User-Agent (spacing: adapters/arxiv's tests, with one clock).
	w.fake.SetMinInterval(0, 0)
	w.chat.now = clock.Now
	b := &bot.Bot{Store: w.db, Source: w.src, Arxiv: w.client, Platforms: map[string]bot.Platform{"chat": w.chat}, Clock: clock, CatchUp: true}
	w.src.now = clock.Now
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop")
	}
	var days []string
	for _, h := range w.chat.headers() {
		days = append(days, h.listDate.String())
	}
	if want := []string{"2026-12-07", "2026-12-10", "2026-12-11"}; !slices.Equal(days, want) {
		t.Errorf("threads for %v, want %v (Monday's, one catch-up, Friday's)", days, want)
	}
	for _, d := range []bot.Date{axTue, axTue.AddDays(1)} {
		items, fetched, err := w.db.Announcement(context.Background(), "cs.RO", d)
		if err != nil || !fetched || len(items) == 0 {
			t.Errorf("%s not filled: %d items, %v, %v", d, len(items), fetched, err)
		}
	}
	w.chat.assertNoDuplicates(t)
	if v := w.fake.Violations(); len(v) != 0 {
		t.Errorf("arXiv's terms broken: %+v", v)
	}
}
