package main_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// These tests run the bot's digest engine and daemon against the real
// SQLite store and a fake chat that keeps its messages, as a chat does.
//
// They and the other bot_*_test.go files are the bot package's tests that
// need the real store: black-box tests of bot (package main_test sees
// only the exported API of bot, store and the adapters, as bot_test did),
// kept here, where bot and store are wired together, so that go test ./bot
// needs neither cgo nor SQLite.

// chat is a fake platform: it stores messages and finds them by key, and
// can fail before or after applying a message.
type chat struct {
	mu     sync.Mutex
	msgs   []chatMsg
	sends  int
	now    func() time.Time
	before func(m *bot.Message) error // fails the send without posting
	after  func(m *bot.Message) error // posts, then fails (an ambiguous failure)
}

type chatMsg struct {
	id, thread, key string
	header          bool
	paper           string
	rank            int
	at              time.Time
	listDate        bot.Date
}

func (c *chat) Name() string { return "chat" }

func (c *chat) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sends++
	if c.before != nil {
		if err := c.before(m); err != nil {
			return bot.Sent{}, err
		}
	}
	id := fmt.Sprintf("m%d", len(c.msgs)+1)
	msg := chatMsg{id: id, key: m.Key, header: m.IsHeader(), thread: m.Thread.ThreadID, listDate: m.Digest.ListDate}
	if m.IsHeader() {
		msg.thread = "thread-" + id
	} else {
		msg.paper, msg.rank = m.Item.Paper.ID, m.Item.Rank
	}
	if c.now != nil {
		msg.at = c.now()
	}
	c.msgs = append(c.msgs, msg)
	if c.after != nil {
		if err := c.after(m); err != nil {
			return bot.Sent{}, err
		}
	}
	return bot.Sent{MessageID: id, ThreadID: msg.thread}, nil
}

func (c *chat) Find(ctx context.Context, m *bot.Message) (bot.Sent, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, msg := range c.msgs {
		if msg.key == m.Key {
			return bot.Sent{MessageID: msg.id, ThreadID: msg.thread}, true, nil
		}
	}
	return bot.Sent{}, false, nil
}

func (c *chat) headers() []chatMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []chatMsg
	for _, m := range c.msgs {
		if m.header {
			out = append(out, m)
		}
	}
	return out
}

// items returns the items posted in a thread, in order.
func (c *chat) items(thread string) []chatMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []chatMsg
	for _, m := range c.msgs {
		if !m.header && m.thread == thread {
			out = append(out, m)
		}
	}
	return out
}

// assertNoDuplicates fails if a paper was posted twice or a list got two headers.
func (c *chat) assertNoDuplicates(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[string]bool{}
	for _, m := range c.msgs {
		k := "paper " + m.paper
		if m.header {
			k = "header " + m.listDate.String()
		}
		if seen[k] {
			t.Errorf("%s posted twice", k)
		}
		seen[k] = true
	}
}

// source is a fake Hugging Face: lists by date, each published at a time.
type source struct {
	mu        sync.Mutex
	lists     map[bot.Date][]bot.Paper
	skipped   map[bot.Date][]bot.Skip
	published map[bot.Date]time.Time // list visible from then (zero: always)
	now       func() time.Time
	fail      error
	calls     int
}

func (s *source) Name() string { return "fake" }

func (s *source) Day(ctx context.Context, d bot.Date) (bot.DayList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		return bot.DayList{}, s.fail
	}
	if at, ok := s.published[d]; ok && s.now != nil && s.now().Before(at) {
		return bot.DayList{}, nil
	}
	return bot.DayList{Papers: append([]bot.Paper(nil), s.lists[d]...), Skipped: append([]bot.Skip(nil), s.skipped[d]...)}, nil
}

func (s *source) set(d bot.Date, papers []bot.Paper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists[d] = papers
}

func date(t *testing.T, s string) bot.Date {
	t.Helper()
	d, err := bot.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// makeList returns n papers for day d with descending upvotes.
func makeList(d bot.Date, n int) []bot.Paper {
	var out []bot.Paper
	for i := 0; i < n; i++ {
		out = append(out, bot.Paper{
			ID:       fmt.Sprintf("%02d%02d.%05d", d.Year%100, int(d.Month), d.Day*100+i),
			Title:    fmt.Sprintf("Paper %d of %s", i+1, d),
			Abstract: "We study things. It works.",
			Authors:  []string{"Ada Lovelace", "Alan Turing"},
			ListDate: d,
			Upvotes:  100 - i,
		})
	}
	return out
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "paperboy.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		checkReasons(t, path)
	})
	return db
}

// checkReasons fails the test when any run it recorded that did not post
// has no reason: status shows the reason of every empty, waiting, skipped
// or stopped day, and a blank one explains nothing.
func checkReasons(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT outcome, list_date FROM runs WHERE outcome <> 'posted' AND trim(reason) = ''`)
	if err != nil {
		t.Fatalf("check run reasons: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var outcome, day string
		if err := rows.Scan(&outcome, &day); err != nil {
			t.Fatal(err)
		}
		t.Errorf("a %s run for the list of %s was recorded without a reason", outcome, day)
	}
}

func newChannel(t *testing.T, db *store.DB, zone string, now time.Time) bot.Channel {
	t.Helper()
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: "chat", ID: "general"}, Settings: bot.DefaultSettings(zone)}
	ch.Created = now
	if err := db.SaveChannel(context.Background(), ch, now); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetChannel(context.Background(), ch.ChannelRef)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

type fixture struct {
	db   *store.DB
	src  *source
	chat *chat
	ch   bot.Channel
	now  time.Time
}

func newFixture(t *testing.T) *fixture {
	return newFixtureAt(t, time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC))
}

// newFixtureAt makes a Berlin channel created at created.
func newFixtureAt(t *testing.T, created time.Time) *fixture {
	f := &fixture{db: openStore(t), now: created.Add(time.Hour)}
	f.src = &source{lists: map[bot.Date][]bot.Paper{}, published: map[bot.Date]time.Time{}}
	f.chat = &chat{}
	f.ch = newChannel(t, f.db, "Europe/Berlin", created)
	return f
}

func (f *fixture) bot() *bot.Bot {
	return &bot.Bot{Store: f.db, Source: f.src, Platforms: map[string]bot.Platform{"chat": f.chat},
		Clock: fixedClock{f.now}}
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                                   { return c.t }
func (c fixedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func (f *fixture) digest(t *testing.T, day bot.Date) bot.DigestResult {
	t.Helper()
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	if err != nil {
		t.Fatalf("digest %s: %v", day, err)
	}
	return res
}

func (f *fixture) channel(t *testing.T) bot.Channel {
	ch, err := f.db.GetChannel(context.Background(), f.ch.ChannelRef)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestDigestPostsThreadOnce(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 14))
	res := f.digest(t, day)
	if res.Run.Outcome != bot.OutcomePosted || res.Run.Papers != 10 {
		t.Fatalf("run = %+v, want posted with 10 papers", res.Run)
	}
	hs := f.chat.headers()
	if len(hs) != 1 {
		t.Fatalf("headers = %d, want 1", len(hs))
	}
	items := f.chat.items(hs[0].thread)
	if len(items) != 10 {
		t.Fatalf("items in thread = %d, want 10", len(items))
	}
	for i, it := range items {
		if it.rank != i+1 || it.paper != makeList(day, 14)[i].ID {
			t.Errorf("item %d = rank %d paper %s, want the %d. most upvoted", i, it.rank, it.paper, i+1)
		}
	}
	// Again: nothing new is posted, and the reason says why.
	res = f.digest(t, day)
	if res.Run.Outcome != bot.OutcomeEmpty || res.Run.Reason == "" {
		t.Fatalf("second run = %+v, want empty with a reason", res.Run)
	}
	if f.chat.sends != 11 {
		t.Errorf("sends = %d, want 11 (header + 10 items, once)", f.chat.sends)
	}
	last, err := f.db.LastRun(context.Background(), f.ch.ChannelRef)
	if err != nil || last.Outcome != bot.OutcomeEmpty {
		t.Errorf("last run = %+v, %v; want the empty run recorded", last, err)
	}
}

func TestPaperNeverPostedTwiceAcrossDays(t *testing.T) {
	f := newFixture(t)
	d1, d2 := date(t, "2026-11-19"), date(t, "2026-11-26")
	l1, l2 := makeList(d1, 3), makeList(d2, 3)
	again := l1[0] // Hugging Face lists some papers on two days (data-sources.md Q7)
	again.ListDate = d2
	again.Upvotes = 500
	l2 = append(l2, again)
	f.src.set(d1, l1)
	f.src.set(d2, l2)
	f.digest(t, d1)
	res := f.digest(t, d2)
	if res.Run.Papers != 3 {
		t.Fatalf("second day posted %d papers, want 3 (the repeat left out)", res.Run.Papers)
	}
	f.chat.assertNoDuplicates(t)
}

func TestCrashMidThreadResumesUnderSameHeader(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 10))
	n := 0
	f.chat.before = func(m *bot.Message) error {
		if !m.IsHeader() {
			n++
			if n == 4 {
				return errors.New("connection refused")
			}
		}
		return nil
	}
	_, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	if err == nil {
		t.Fatal("want the failure reported")
	}
	if got := len(f.chat.items(f.chat.headers()[0].thread)); got != 3 {
		t.Fatalf("items before the failure = %d, want 3", got)
	}
	// A new process: a fresh Bot on the same database.
	f.chat.before = nil
	res := f.digest(t, day)
	if res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("resumed run = %+v", res.Run)
	}
	hs := f.chat.headers()
	if len(hs) != 1 {
		t.Fatalf("headers = %d, want 1 (the thread is finished, not restarted)", len(hs))
	}
	if got := len(f.chat.items(hs[0].thread)); got != 10 {
		t.Fatalf("items under the header = %d, want 10", got)
	}
	f.chat.assertNoDuplicates(t)
	plans, err := f.db.OpenPlans(context.Background(), f.ch.ChannelRef)
	if err != nil || len(plans) != 0 {
		t.Errorf("open plans = %d, %v; want none", len(plans), err)
	}
}

func TestResumeHappensBeforeNextList(t *testing.T) {
	f := newFixture(t)
	d1, d2 := date(t, "2026-11-25"), date(t, "2026-11-26")
	f.src.set(d1, makeList(d1, 5))
	f.src.set(d2, makeList(d2, 5))
	f.chat.before = func(m *bot.Message) error {
		if !m.IsHeader() && m.Item.Rank == 2 {
			return errors.New("503")
		}
		return nil
	}
	f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: d1})
	f.chat.before = nil
	// The next day's run first finishes the half-posted thread of the day before.
	res := f.digest(t, d2)
	if res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("run = %+v", res.Run)
	}
	hs := f.chat.headers()
	if len(hs) != 2 || hs[0].listDate != d1 || hs[1].listDate != d2 {
		t.Fatalf("headers = %+v", hs)
	}
	if a, b := len(f.chat.items(hs[0].thread)), len(f.chat.items(hs[1].thread)); a != 5 || b != 5 {
		t.Fatalf("items per thread = %d, %d; want 5, 5", a, b)
	}
	// Day 1's items 2-5 came before day 2's header.
	c := f.chat
	var order []string
	for _, m := range c.msgs {
		order = append(order, m.listDate.String())
	}
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			t.Fatalf("posting order went back in time: %v", order)
		}
	}
}

func TestAmbiguousFailureIsNotResent(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 4))
	f.chat.after = func(m *bot.Message) error {
		if !m.IsHeader() && m.Item.Rank == 2 {
			return errors.New("read: connection reset by peer") // posted, but we cannot know
		}
		return nil
	}
	if _, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day}); err == nil {
		t.Fatal("want the failure reported")
	}
	f.chat.after = nil
	f.digest(t, day)
	f.chat.assertNoDuplicates(t)
	if got := len(f.chat.items(f.chat.headers()[0].thread)); got != 4 {
		t.Fatalf("items = %d, want 4", got)
	}
	if f.chat.sends != 5 {
		t.Errorf("sends = %d, want 5: the ambiguous item is found, not sent again", f.chat.sends)
	}
	plan, err := f.db.GetPlan(context.Background(), f.ch.ChannelRef, day)
	if err != nil || !plan.Done() {
		t.Fatalf("plan done = %v, %v", plan != nil && plan.Done(), err)
	}
}

func TestStopErrorStopsChannel(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	f.chat.before = func(m *bot.Message) error {
		return &bot.StopError{Reason: "missing permission: Send Messages"}
	}
	res, _ := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	if res.Run.Outcome != bot.OutcomeStopped {
		t.Fatalf("outcome = %s, want stopped", res.Run.Outcome)
	}
	ch := f.channel(t)
	if ch.Stopped != "missing permission: Send Messages" {
		t.Fatalf("stopped = %q", ch.Stopped)
	}
	sends := f.chat.sends
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: day})
	if err != nil || res.Run.Outcome != bot.OutcomeStopped || f.chat.sends != sends {
		t.Fatalf("stopped channel: outcome %s, err %v, sends %d→%d; want no attempt", res.Run.Outcome, err, sends, f.chat.sends)
	}
}

func TestEmptyDayReasons(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	// No list at all.
	res := f.digest(t, day)
	if res.Run.Outcome != bot.OutcomeWaiting || res.Run.Reason != "fake has no list for Thu 26 Nov 2026 yet" {
		t.Errorf("no list: %+v", res.Run)
	}
	// Everything below the minimum.
	list := makeList(day, 4)
	for i := range list {
		list[i].Upvotes = i
	}
	f.src.set(day, list)
	ch := f.channel(t)
	ch.Settings.MinUpvotes = 20
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: day})
	want := "none of the 4 papers on the list for Thu 26 Nov 2026 qualified: 4 below the minimum of 20 upvotes (best had 3)"
	if err != nil || res.Run.Outcome != bot.OutcomeEmpty || res.Run.Reason != want {
		t.Errorf("below minimum: %+v, %v\nwant reason %q", res.Run, err, want)
	}
	if f.chat.sends != 0 {
		t.Errorf("sends = %d on empty days", f.chat.sends)
	}
}

func TestSourceFailureUsesStoredList(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	if _, err := f.db.SaveList(context.Background(), day, makeList(day, 3), f.now); err != nil {
		t.Fatal(err)
	}
	f.src.fail = errors.New("huggingface: 503")
	res := f.digest(t, day)
	if res.Run.Outcome != bot.OutcomePosted || res.Run.Papers != 3 {
		t.Fatalf("run = %+v, want the stored list posted", res.Run)
	}
	// Nothing stored and the source down: waiting, with the error in the reason.
	d2 := date(t, "2026-11-27")
	res = f.digest(t, d2)
	if res.Run.Outcome != bot.OutcomeWaiting || res.Run.Reason == "" {
		t.Fatalf("run = %+v, want waiting with a reason", res.Run)
	}
}

func TestUpvotesRefreshedBeforePosting(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	old := makeList(day, 2) // paper 0 has 100, paper 1 has 99
	if _, err := f.db.SaveList(context.Background(), day, old, f.now); err != nil {
		t.Fatal(err)
	}
	fresh := makeList(day, 2)
	fresh[1].Upvotes = 250 // paper 1 took off since the last poll
	f.src.set(day, fresh)
	ch := f.channel(t)
	ch.Settings.MaxPapers = 1
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: day})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Digest.Items[0].Paper; got.ID != fresh[1].ID || got.Upvotes != 250 {
		t.Fatalf("posted %s with %d upvotes, want %s with 250", got.ID, got.Upvotes, fresh[1].ID)
	}
}

func TestDryRunRecordsNothing(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: f.channel(t), ListDate: day, DryRun: true})
	if err != nil || res.Digest == nil || len(res.Digest.Items) != 3 {
		t.Fatalf("dry run = %+v, %v", res, err)
	}
	if f.chat.sends != 0 {
		t.Errorf("dry run sent %d messages", f.chat.sends)
	}
	st, _ := f.db.Stats(context.Background())
	if st.Papers != 0 || st.Deliveries != 0 {
		t.Errorf("dry run stored %d papers, %d deliveries", st.Papers, st.Deliveries)
	}
	if _, err := f.db.LastRun(context.Background(), f.ch.ChannelRef); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("dry run recorded a run: %v", err)
	}
}

func TestCancelledSendLeavesNoHalfWrittenRow(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 3))
	ctx, cancel := context.WithCancel(context.Background())
	f.chat.before = func(m *bot.Message) error {
		if !m.IsHeader() && m.Item.Rank == 2 {
			cancel() // SIGTERM arrives while the request is in flight
			return ctx.Err()
		}
		return nil
	}
	f.bot().Digest(ctx, bot.DigestRequest{Channel: f.channel(t), ListDate: day})
	plan, err := f.db.GetPlan(context.Background(), f.ch.ChannelRef, day)
	if err != nil {
		t.Fatal(err)
	}
	states := []bot.DeliveryState{plan.Header.State}
	for _, it := range plan.Items {
		states = append(states, it.State)
	}
	want := []bot.DeliveryState{bot.StateSent, bot.StateSent, bot.StateSending, bot.StatePlanned}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Fatalf("states = %v, want %v", states, want)
	}
	f.chat.before = nil
	f.digest(t, day)
	f.chat.assertNoDuplicates(t)
	if got := len(f.chat.items(f.chat.headers()[0].thread)); got != 3 {
		t.Fatalf("items = %d, want 3", got)
	}
}

func TestChannelFilterApplied(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	list := makeList(day, 6)
	list[1].Title, list[4].Title = "Video diffusion at scale", "A survey of video models"
	list[3].GitHubRepo = "https://github.com/x/y"
	f.src.set(day, list)
	ch := f.channel(t)
	ch.Settings.Filter = "video -survey"
	res, err := f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: day})
	if err != nil || res.Run.Papers != 1 || res.Digest.Items[0].Paper.ID != list[1].ID {
		t.Fatalf("video -survey: %+v %v", res.Run, err)
	}
	// A filter nothing matches: nothing posted, and the reason says so.
	d2 := date(t, "2026-11-27")
	f.src.set(d2, makeList(d2, 3))
	ch.Settings.Filter = "has:code"
	res, err = f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: d2})
	if err != nil || res.Run.Outcome != bot.OutcomeEmpty || !strings.Contains(res.Run.Reason, `3 not matching the filter "has:code"`) {
		t.Fatalf("has:code: %+v %v", res.Run, err)
	}
	// An invalid stored filter is reported, not applied blindly.
	ch.Settings.Filter = "has:data"
	d3 := date(t, "2026-11-25")
	f.src.set(d3, makeList(d3, 2))
	res, _ = f.bot().Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: d3})
	if !strings.Contains(res.Run.Reason, "the channel's filter is invalid") {
		t.Fatalf("invalid filter: %+v", res.Run)
	}
}
