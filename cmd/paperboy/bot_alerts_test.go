package main_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// dmChat is a fake platform that takes direct messages, can refuse them,
// fail, and fit only a few lines in one message.
type dmChat struct {
	mu       sync.Mutex
	dms      map[string][]bot.DirectMessage // by user id
	closed   map[string]bool
	fail     error
	maxLines int // lines per message (0: any)
}

func newDMChat() *dmChat {
	return &dmChat{dms: map[string][]bot.DirectMessage{}, closed: map[string]bool{}}
}

func (c *dmChat) Name() string { return "dm" }
func (c *dmChat) Send(context.Context, *bot.Message) (bot.Sent, error) {
	return bot.Sent{}, errors.New("no channels here")
}
func (c *dmChat) Find(context.Context, *bot.Message) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}

func (c *dmChat) SendDM(_ context.Context, u bot.UserRef, _ string, m *bot.DirectMessage) (bot.Sent, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed[u.ID] {
		return bot.Sent{}, fmt.Errorf("%w (test)", bot.ErrDMsClosed)
	}
	if c.fail != nil {
		return bot.Sent{}, c.fail
	}
	c.dms[u.ID] = append(c.dms[u.ID], *m)
	return bot.Sent{MessageID: fmt.Sprint(len(c.dms[u.ID])), ThreadID: "dm-" + u.ID}, nil
}

func (c *dmChat) FitsDM(r bot.Reply) bool { return c.maxLines == 0 || len(r.Lines) <= c.maxLines }

func (c *dmChat) got(user string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.dms[user] {
		out = append(out, m.Reply.Plain())
	}
	return out
}

type alertFixture struct {
	t     *testing.T
	f     *fixture
	chat  *dmChat
	clock *fakeClock
	b     *bot.Bot
	c     *bot.Commands
}

func newAlertFixture(t *testing.T, now time.Time) *alertFixture {
	f := newFixtureAt(t, now.Add(-time.Hour))
	a := &alertFixture{t: t, f: f, chat: newDMChat(), clock: &fakeClock{t: now, until: now.Add(1000 * time.Hour), cancel: func() {}}}
	a.b = &bot.Bot{Store: f.db, Source: f.src, Platforms: map[string]bot.Platform{"dm": a.chat}, Clock: a.clock}
	a.c = &bot.Commands{Bot: a.b, DefaultZone: "UTC", MaxTopics: 3}
	return a
}

func (a *alertFixture) cmd(user, text string) bot.Reply {
	cmd := bot.ParseCommand("papers", text)
	cmd.Platform, cmd.User = "dm", bot.UserRef{Platform: "dm", ID: user}
	return a.c.Handle(context.Background(), cmd)
}

// poll polls, matches and sends, as one turn of the daemon does.
func (a *alertFixture) poll() error {
	a.t.Helper()
	a.b.Poll(context.Background())
	if _, err := a.b.MatchAlerts(context.Background()); err != nil {
		a.t.Fatal(err)
	}
	return a.b.SendAlerts(context.Background())
}

func (a *alertFixture) set(now time.Time) {
	a.clock.mu.Lock()
	a.clock.t = now
	a.clock.mu.Unlock()
}

func alertPaper(id, title string, upvotes int) bot.Paper {
	return bot.Paper{ID: id, Title: title, Abstract: "About " + title, Upvotes: upvotes}
}

func TestAlertCommands(t *testing.T) {
	a := newAlertFixture(t, time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC))
	for _, tc := range []struct{ text, want string }{
		{"subscribe", "Which topic?"},
		{"subscribe " + strings.Repeat("a ", 260), "the limit is 500"},
		{`subscribe "unclosed`, ""},
		{"subscribe diffusion", "Subscribed (#1). In the last 30 days this would have matched no papers."},
		{"subscribe video", "Subscribed (#2)"},
		{`subscribe audio label:"Audio things"`, "Subscribed (#3)"},
		{"subscribe speech", "You have 3 topics, the most one person may have"},
		{"subscriptions", "#1 diffusion · 0 papers in the last 7 days"},
		{"subscriptions", "#3 audio (Audio things)"},
		{"unsubscribe 9", "You have no topic #9"},
		{"unsubscribe x", `"x" is not a topic number`},
		{"unsubscribe #2", "Removed topic #2 video."},
		{"alerts", "How should your alerts arrive"},
		{"alerts weekly", `"weekly" is not a delivery mode`},
		{"alerts daily 08:30", "alerts daily needs a time and a time zone"},
		{"alerts daily 8h Europe/Berlin", `time: "8h" is not a time of day`},
		{"alerts daily 08:30 Mars/Olympus", `zone: unknown time zone "Mars/Olympus"`},
		{"alerts daily 08:30 Europe/Berlin", "once a day at 08:30 (Europe/Berlin), the next time on Fri 27 Nov 08:30 CET"},
		{"subscriptions", "Delivery: daily at 08:30 (Europe/Berlin)."},
		{"alerts instant", "as soon as new matching papers are polled"},
		{"pause", "Your alerts are paused"},
		{"pause", "already paused"},
		{"subscriptions", "Your alerts are paused"},
		{"resume", "Your alerts are resumed"},
		{"resume", "Your alerts are not paused."},
		{"unsubscribe all", "Removed all your topics (2)"},
		{"unsubscribe all", "You have no topics"},
		{"forget-me", "0 topics, 0 alerts and your settings"},
		{"forget-me", "kept nothing about you"},
	} {
		got := a.cmd("u1", tc.text)
		if !strings.Contains(got.Plain(), tc.want) {
			t.Errorf("%s: got %q, want %q", tc.text, got.Plain(), tc.want)
		}
	}
	if r := a.cmd("u1", `subscribe "unclosed`); !r.Error {
		t.Errorf("an unclosed quote is accepted: %s", r.Plain())
	}
}

func TestAlertsInstantDailySplitAndRetry(t *testing.T) {
	thu := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC) // 16:00 in Berlin
	a := newAlertFixture(t, thu)
	day := bot.DateOf(thu)
	a.cmd("inst", "subscribe diffusion")
	a.cmd("daily", "subscribe diffusion")
	a.cmd("daily", "alerts daily 08:30 Europe/Berlin")

	// Quiet: nothing matches, nothing is sent.
	a.f.src.set(day, []bot.Paper{alertPaper("2611.00001", "Graphs", 3)})
	a.poll()
	if len(a.chat.got("inst"))+len(a.chat.got("daily")) != 0 {
		t.Fatal("a DM on a quiet day")
	}
	// Four matching papers; the platform fits two papers (3 lines each,
	// plus the footer) per message: the batch is split into two.
	a.chat.maxLines = 7
	var ps []bot.Paper
	for i := 0; i < 4; i++ {
		ps = append(ps, alertPaper(fmt.Sprintf("2611.0010%d", i), fmt.Sprintf("Diffusion %d", i), 10*i))
	}
	a.f.src.set(day, ps)
	if err := a.poll(); err != nil {
		t.Fatal(err)
	}
	got := a.chat.got("inst")
	if len(got) != 2 || !strings.Contains(got[0], "Diffusion 3") || !strings.Contains(got[0], "Diffusion 2") || !strings.Contains(got[1], "Diffusion 1") || !strings.Contains(got[1], "(continued)") {
		t.Fatalf("instant DMs: %q", got)
	}
	if len(a.chat.got("daily")) != 0 {
		t.Fatal("a daily user got an instant DM")
	}
	// The daily user's digest comes at 08:30 Berlin the next day, once.
	a.set(time.Date(2026, 11, 27, 7, 29, 0, 0, time.UTC))
	a.b.SendAlerts(context.Background())
	if len(a.chat.got("daily")) != 0 {
		t.Fatal("the daily digest came early")
	}
	a.set(time.Date(2026, 11, 27, 7, 31, 0, 0, time.UTC))
	a.b.SendAlerts(context.Background())
	a.b.SendAlerts(context.Background())
	if d := a.chat.got("daily"); len(d) != 2 || !strings.Contains(d[0], "4 new papers for your topics") {
		t.Fatalf("daily: %q", d)
	}

	// A failure is retried later, not dropped.
	a.chat.fail = errors.New("503 from the platform")
	a.f.src.set(day, append(ps, alertPaper("2611.00200", "More diffusion", 1)))
	if err := a.poll(); err == nil {
		t.Fatal("no error from a failed DM")
	}
	a.chat.fail = nil
	a.b.SendAlerts(context.Background()) // too early: waits for the retry time
	if len(a.chat.got("inst")) != 2 {
		t.Fatal("retried before its time")
	}
	a.set(a.clock.Now().Add(2 * time.Minute))
	if err := a.b.SendAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := a.chat.got("inst"); len(got) != 3 || !strings.Contains(got[2], "More diffusion") {
		t.Fatalf("after the retry: %q", got)
	}

	// DMs closed: paused with the reason and a notice; the batch waits.
	a.chat.closed["inst"] = true
	a.f.src.set(day, append(ps, alertPaper("2611.00300", "Last diffusion", 1)))
	a.poll()
	u, _ := a.f.db.GetUser(context.Background(), bot.UserRef{Platform: "dm", ID: "inst"})
	if u.PausedReason == "" {
		t.Fatal("not paused")
	}
	if r := a.cmd("inst", "subscriptions"); !strings.Contains(r.Plain(), "Your topic alerts are paused") {
		t.Fatalf("not told: %s", r.Plain())
	}
	a.chat.closed["inst"] = false
	a.cmd("inst", "resume")
	a.set(a.clock.Now().Add(time.Hour))
	a.b.SendAlerts(context.Background())
	if got := a.chat.got("inst"); len(got) != 4 || !strings.Contains(got[3], "Last diffusion") {
		t.Fatalf("after resume: %q", got)
	}
}

// Papers first stored by backfill or ingest (SaveList, SavePapers) never
// alert; nor do queued papers whose list is no longer recent.
func TestAlertsOnlyForRecentLivePapers(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	a := newAlertFixture(t, now)
	a.cmd("u", "subscribe diffusion")
	ctx := context.Background()
	today := bot.DateOf(now)
	if _, err := a.f.db.SaveList(ctx, today, []bot.Paper{alertPaper("2611.00001", "Diffusion backfilled", 1)}, now); err != nil {
		t.Fatal(err)
	}
	old := today.AddDays(-7)
	if _, err := a.f.db.SaveLiveList(ctx, old, []bot.Paper{alertPaper("2611.00002", "Diffusion of last week", 1)}, now); err != nil {
		t.Fatal(err)
	}
	res, err := a.b.MatchAlerts(ctx)
	if err != nil || res.Alerts != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if q, _ := a.f.db.QueuedPapers(ctx); len(q) != 0 {
		t.Fatalf("still queued: %d", len(q))
	}
	a.b.SendAlerts(ctx)
	if got := a.chat.got("u"); len(got) != 0 {
		t.Fatalf("DMs: %q", got)
	}
}

// The fast matcher finds what Query.Matcher finds, for every query of the
// language on a small batch (the corpus-wide check is in cmd/paperboy).
func TestMatchTopicsAgreesWithMatcher(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	papers := []bot.Paper{
		{ID: "2611.00001", Title: "Video diffusion models", Abstract: "We scale video diffusion.", Authors: []string{"José Müller"}, Upvotes: 50, GitHubRepo: "x", ListDate: bot.DateOf(now), OrgName: "meta"},
		{ID: "2611.00002", Title: "A survey of diffusion", Abstract: "Survey.", Upvotes: 5, ListDate: bot.DateOf(now).AddDays(-20)},
		{ID: "2611.00003", Title: "Speech models", AIKeywords: []string{"state space models"}, Upvotes: 20, ProjectPage: "p", ListDate: bot.DateOf(now)},
	}
	queries := []string{"diffusion", "video diffusion", `"video diffusion"`, `"diffusion video"`, "diffusion -survey", "speech OR video",
		"(speech OR survey) -video", "author:muller", "org:META", "upvotes:>10", "upvotes:<=5 diffusion", "has:code", "has:project",
		"since:7d", "before:2026-11-20", "2611.00003", `"state space"`, "model", "models -(video OR speech)"}
	var subs []bot.Subscription
	for i, q := range queries {
		subs = append(subs, bot.Subscription{ID: int64(i + 1), User: bot.UserRef{Platform: "x", ID: fmt.Sprint(i % 4)}, Query: q})
	}
	want := map[string]string{}
	for _, s := range subs {
		q, err := bot.ParseQuery(s.Query, now)
		if err != nil {
			t.Fatalf("%q: %v", s.Query, err)
		}
		match := q.Matcher()
		for _, p := range papers {
			if toks := bot.TokenizePaper(p); match(p, &toks) {
				k := s.User.ID + " " + p.ID
				if want[k] != "" {
					want[k] += ","
				}
				want[k] += fmt.Sprint(s.ID)
			}
		}
	}
	got := map[string]string{}
	for _, a := range bot.MatchTopics(subs, papers, now) {
		var ids []string
		for _, id := range a.Topics {
			ids = append(ids, fmt.Sprint(id))
		}
		got[a.User.ID+" "+a.PaperID] = strings.Join(ids, ",")
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("fast matcher:\n%v\nQuery.Matcher:\n%v", got, want)
	}
	if len(got) < 8 {
		t.Fatalf("only %d alerts", len(got))
	}
}

// The daemon matches after each poll and sends instant alerts, and sends a
// daily digest at the user's time.
func TestDaemonSendsAlerts(t *testing.T) {
	start := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	a := newAlertFixture(t, start)
	a.cmd("inst", "subscribe diffusion")
	a.cmd("daily", "subscribe diffusion")
	a.cmd("daily", "alerts daily 09:00 UTC")
	a.f.src.set(bot.DateOf(start), []bot.Paper{alertPaper("2611.00001", "Diffusion one", 5)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{t: start, until: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), cancel: cancel}
	a.f.src.now = clock.Now
	b := &bot.Bot{Store: a.f.db, Source: a.f.src, Platforms: map[string]bot.Platform{"dm": a.chat}, Clock: clock}
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
	if got := a.chat.got("inst"); len(got) != 1 || !strings.Contains(got[0], "Diffusion one") {
		t.Fatalf("instant: %q", got)
	}
	if got := a.chat.got("daily"); len(got) != 1 || !strings.Contains(got[0], "Diffusion one") {
		t.Fatalf("daily: %q", got)
	}
}

// Compiling again parses only what changed, and queries with dates again
// on a new day.
func TestParsedTopicsReuse(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	papers := []bot.Paper{{ID: "2611.00001", Title: "Diffusion", ListDate: bot.DateOf(now).AddDays(-3)}}
	subs := []bot.Subscription{{ID: 1, User: bot.UserRef{ID: "a"}, Query: "diffusion since:5d"}, {ID: 2, User: bot.UserRef{ID: "b"}, Query: "diffusion"}}
	var p bot.ParsedTopics
	if got := p.Compile(subs, now).Match(papers); len(got) != 2 {
		t.Fatalf("day 1: %+v", got)
	}
	// Three days later since:5d no longer reaches the paper's date.
	later := now.Add(72 * time.Hour)
	if got := p.Compile(subs, later).Match(papers); len(got) != 1 || got[0].User.ID != "b" {
		t.Fatalf("day 4: %+v", got)
	}
	// A changed query under the same id is parsed again.
	subs[1].Query = "transformers"
	if got := p.Compile(subs, later).Match(papers); len(got) != 0 {
		t.Fatalf("changed: %+v", got)
	}
}

// findingChat can look for earlier DMs, and fail to.
type findingChat struct {
	*dmChat
	findErr error
	finds   int
}

func (c *findingChat) FindDM(context.Context, bot.UserRef, string, string) (bot.Sent, bool, error) {
	c.finds++
	return bot.Sent{}, false, c.findErr
}

// A batch whose earlier attempt may have been sent is looked for first; a
// lookup that keeps failing does not block it forever.
func TestAlertsLookupBeforeResend(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	a := newAlertFixture(t, now)
	fc := &findingChat{dmChat: a.chat}
	a.b.Platforms["dm"] = fc
	a.cmd("u", "subscribe diffusion")
	day := bot.DateOf(now)
	a.f.src.set(day, []bot.Paper{alertPaper("2611.00001", "Diffusion one", 5)})
	if err := a.poll(); err != nil {
		t.Fatal(err)
	}
	a.chat.fail = errors.New("timeout")
	a.f.src.set(day, []bot.Paper{alertPaper("2611.00001", "Diffusion one", 5), alertPaper("2611.00002", "Diffusion two", 5)})
	a.poll()
	a.chat.fail = nil
	fc.findErr = errors.New("history unavailable")
	for i := 0; i < 8 && len(a.chat.got("u")) < 2; i++ {
		a.set(a.clock.Now().Add(2 * time.Hour))
		a.b.SendAlerts(context.Background())
	}
	if got := a.chat.got("u"); len(got) != 2 || !strings.Contains(got[1], "Diffusion two") {
		t.Fatalf("DMs: %q", got)
	}
	if fc.finds < 2 {
		t.Fatalf("looked %d times", fc.finds)
	}
}
