package main_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// heavyQuery is the costliest kind of search the issue found (a common word
// repeated to the length limit: 91 s on a 260k-paper store before issue 14).
var heavyQuery = strings.TrimSpace(strings.Repeat("a ", 250))

// holdStore is the real store with a hold on the heavy searches: each one
// waits for a token on release before it runs (for real), so the test
// decides when a place at the gate frees. It counts every search inside
// the store, heavy or not, and keeps the order they came in.
type holdStore struct {
	*store.DB
	heavy   string // Query.String() of heavyQuery
	release chan struct{}

	mu       sync.Mutex
	inside   int
	peak     int
	arrivals []string // Query.String() of each search, as it came in
}

func (s *holdStore) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResults, error) {
	q := req.Query.String()
	s.mu.Lock()
	s.inside++
	s.peak = max(s.peak, s.inside)
	s.arrivals = append(s.arrivals, q)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inside--
		s.mu.Unlock()
	}()
	if q == s.heavy {
		select {
		case <-s.release:
		case <-ctx.Done():
			return bot.SearchResults{}, ctx.Err()
		}
	}
	return s.DB.Search(ctx, req)
}

func (s *holdStore) state() (inside, peak int, arrivals []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inside, s.peak, append([]string(nil), s.arrivals...)
}

// labels returns the arrivals with the heavy query shown as "heavy".
func (s *holdStore) labels() []string {
	_, _, arrivals := s.state()
	for i, q := range arrivals {
		if q == s.heavy {
			arrivals[i] = "heavy"
		}
	}
	return arrivals
}

// waitFor yields until cond holds, failing only if it never does (a stuck
// command): it measures no time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// next receives a reply, failing if none comes (a stuck command).
func next(t *testing.T, ch <-chan bot.Reply, what string) bot.Reply {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(30 * time.Second):
		t.Fatalf("never came: %s", what)
		return bot.Reply{}
	}
}

// Issue 14, point 2 (fair use under load): one user sends 400 of the
// heaviest searches at once while a channel's digest is due and another
// user's topic has new papers. With the default limits (10 searches a
// minute, 3 at once, 2 of one user's):
//   - 390 are refused at once with "Slow down: try again in 6 s.", and the
//     goroutines of the flood end with them (bounded by the bucket);
//   - 2 run, 8 wait at the gate; never more than 3 searches inside the
//     store in all;
//   - another user's search, sent after A's backlog, runs at once;
//   - while the gate is full (a third user's heavy searches took the last
//     place), the daemon posts the digest and sends the alert DM: they
//     never pass the gate;
//   - a fourth user's search, waiting behind the full gate, is the first
//     admitted when a place frees, ahead of the queued ones.
func TestFairUseUnderLoad(t *testing.T) {
	// Monday 30 November 2026, 09:00 in Berlin: the channel's digest time.
	due := utc(t, "2026-11-30T08:00:00Z")
	f := daemonFixture(t, "2026-11-30T06:00:00Z")
	ctx := context.Background()
	// Papers for the searches to read: a year of lists stored before.
	for d := date(t, "2025-11-03"); d.Before(date(t, "2026-11-20")); d = d.AddDays(7) {
		papers := makeList(d, 20)
		for i := range papers {
			papers[i].Title = fmt.Sprintf("A study of diffusion, part %d of %s", i, d)
			papers[i].Abstract = "A model, a method and a result: a diffusion model of a kind."
		}
		if _, err := f.db.SavePapers(ctx, papers, due.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	heavy, _, err := bot.ParseSearch(heavyQuery, due)
	if err != nil {
		t.Fatal(err)
	}
	hs := &holdStore{DB: f.db, heavy: heavy.String(), release: make(chan struct{})}
	dms := newDMChat()
	platforms := map[string]bot.Platform{"chat": f.chat, "dm": dms}
	// The commands' clock stands still, so the buckets refill only when
	// the test says; the daemon has its own clock that jumps (below).
	cmds := &bot.Commands{Bot: &bot.Bot{Store: hs, Source: f.src, Platforms: platforms, Clock: fixedClock{due}},
		DefaultZone: "UTC", Limiter: bot.NewLimiter(bot.DefaultLimits())}
	search := func(user, text string) bot.Reply {
		cmd := bot.ParseCommand("papers", "search "+text)
		cmd.Platform, cmd.TeamID, cmd.ChannelID = "chat", "T1", "general"
		cmd.User = bot.UserRef{Platform: "chat", TeamID: "T1", ID: user}
		return cmds.Handle(ctx, cmd)
	}
	sub := bot.ParseCommand("papers", "subscribe study things")
	sub.Platform, sub.User = "dm", bot.UserRef{Platform: "dm", ID: "C"}
	if r := cmds.Handle(ctx, sub); !strings.Contains(r.Plain(), "Subscribed") {
		t.Fatalf("subscribe: %s", r.Plain())
	}

	before := runtime.NumGoroutine()
	replies := make(chan bot.Reply, 400)
	for range 400 {
		go func() { replies <- search("A", heavyQuery) }()
	}
	var refused, answered []bot.Reply
	for len(refused) < 390 {
		r := next(t, replies, "the 390 refusals")
		if !strings.Contains(r.Plain(), "Slow down") {
			answered = append(answered, r)
			continue
		}
		refused = append(refused, r)
	}
	if len(answered) > 0 {
		t.Fatalf("a heavy search was answered while every one was held: %s", answered[0].Plain())
	}
	for _, r := range refused {
		if got := r.Plain(); got != "Slow down: try again in 6 s." || !r.Error {
			t.Fatalf("refusal = %q (error %v), want %q", got, r.Error, "Slow down: try again in 6 s.")
		}
	}
	lim := cmds.Limiter
	waitFor(t, "2 heavy searches inside and 8 waiting", func() bool {
		inside, _, _ := hs.state()
		l := lim.Load()
		return inside == 2 && l.Running == 2 && l.Waiting == 8
	})
	// What is left of the flood: the 10 admitted commands, 2 in the store
	// and 8 waiting. The bound leaves room for the runtime's and the SQLite
	// driver's own goroutines. A refused command's goroutine has sent its
	// reply but may not have returned yet on a loaded machine: it must end
	// soon, not at once.
	waitFor(t, fmt.Sprintf("at most %d goroutines while 10 commands of the flood wait (%d before it): the refused ones end", before+20, before), func() bool {
		return runtime.NumGoroutine() <= before+10+10
	})

	// Another user's search, sent after A's backlog, runs at once: one user
	// may hold only 2 of the 3 places.
	bReply := make(chan bot.Reply, 1)
	go func() { bReply <- search("B", "diffusion") }()
	if r := next(t, bReply, "B's answer, while A's searches are held"); r.Error || !strings.Contains(r.Plain(), "diffusion") {
		t.Fatalf("B's search: %s", r.Plain())
	}
	if _, _, arrivals := hs.state(); len(arrivals) != 4 || arrivals[3] != "diffusion" {
		// arrivals[0] is the preview of C's subscribe.
		t.Fatalf("searches in the order they reached the store: %q; want A's two, then B's, ahead of A's queued ones", hs.labels())
	}

	// A third user's heavy searches take the last place: the gate is full.
	for range 3 {
		go func() { replies <- search("D", heavyQuery) }()
	}
	waitFor(t, "the gate full: 3 heavy searches inside, 10 waiting", func() bool {
		inside, _, _ := hs.state()
		l := lim.Load()
		return inside == 3 && l.Running == 3 && l.Waiting == 10
	})

	// The digest is due and C's topic has new papers: the daemon runs from
	// just before 09:00 in Berlin to 09:30, with every search place taken.
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clock := &fakeClock{t: due.Add(-time.Minute), until: due.Add(30 * time.Minute), cancel: cancel}
	f.src.now, f.chat.now = clock.Now, clock.Now
	daemon := &bot.Bot{Store: hs, Source: f.src, Platforms: platforms, Clock: clock}
	done := make(chan error, 1)
	go func() { done <- daemon.Run(dctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the daemon did not get through its half hour while the search gate was full")
	}
	samePosts(t, headersOf(f), []post{{"2026-11-27", "2026-11-30T08:00:00Z"}})
	if hd := f.chat.headers(); len(f.chat.items(hd[0].thread)) != 10 {
		t.Fatalf("digest thread has %d items, want 10", len(f.chat.items(hd[0].thread)))
	}
	if got := dms.got("C"); len(got) != 1 || !strings.Contains(got[0], "Paper 1 of 2026-11-30") {
		t.Fatalf("alert DMs to C = %q, want one with the new papers", got)
	}
	if l := lim.Load(); l.Running != 3 || l.Waiting != 10 {
		t.Fatalf("gate after the daemon's run = %+v, want still 3 running, 10 waiting", l)
	}

	// A fourth user's search waits behind the full gate, and is the first
	// admitted when a place frees, ahead of A's and D's queued ones.
	eReply := make(chan bot.Reply, 1)
	go func() { eReply <- search("E", "diffusion") }()
	waitFor(t, "E's search waiting at the gate", func() bool { return lim.Load().Waiting == 11 })
	hs.release <- struct{}{}
	if r := next(t, eReply, "E's answer"); r.Error || !strings.Contains(r.Plain(), "diffusion") {
		t.Fatalf("E's search: %s", r.Plain())
	}
	// (E's ended too, which let in one of the queued: 6 or 7 arrived.)
	if _, _, arrivals := hs.state(); len(arrivals) < 6 || arrivals[5] != "diffusion" {
		t.Fatalf("searches in the order they reached the store: %q; want E's right after the first place freed", hs.labels())
	}

	close(hs.release)
	for len(answered) < 13 {
		r := next(t, replies, "the 13 admitted heavy searches")
		if r.Error {
			t.Fatalf("an admitted heavy search failed: %s", r.Plain())
		}
		answered = append(answered, r)
	}
	if _, peak, arrivals := hs.state(); peak > 3 || len(arrivals) != 16 {
		t.Fatalf("%d searches inside the store at once (cap 3), %d in all (want 16: a preview, 10 of A's, B's, 3 of D's, E's)", peak, len(arrivals))
	}
	waitFor(t, "the gate empty", func() bool { l := lim.Load(); return l.Running == 0 && l.Waiting == 0 && l.Users == 0 })
	if l := lim.Load(); l.Peak != 3 || l.Admitted != 16 {
		t.Fatalf("gate: %+v, want peak 3 and 16 admitted", l)
	}
}

// Subscription changes have their own bucket: the sixth within the minute
// is refused and changes nothing, searches still go, and 12 s later (5 a
// minute) the next change is accepted.
func TestSubscriptionChangesLimited(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	a := newAlertFixture(t, now)
	a.c.MaxTopics = 10
	a.c.Limiter = bot.NewLimiter(bot.DefaultLimits())
	for i := range 5 {
		if r := a.cmd("u", fmt.Sprintf("subscribe topic%d", i)); !strings.Contains(r.Plain(), "Subscribed") {
			t.Fatalf("subscribe %d: %s", i, r.Plain())
		}
	}
	for _, text := range []string{"subscribe topic5", "unsubscribe all", "pause", "alerts instant", "forget-me"} {
		if r := a.cmd("u", text); r.Plain() != "Slow down: try again in 12 s." {
			t.Fatalf("%s: %q, want the slow-down refusal", text, r.Plain())
		}
	}
	subs, err := a.f.db.Subscriptions(context.Background(), bot.UserRef{Platform: "dm", ID: "u"})
	if err != nil || len(subs) != 5 {
		t.Fatalf("topics after the refusals: %d (%v), want 5", len(subs), err)
	}
	if r := a.cmd("u", "search topic"); strings.Contains(r.Plain(), "Slow down") {
		t.Fatal("a search was refused by the subscription bucket")
	}
	if r := a.cmd("other", "subscribe topic5"); !strings.Contains(r.Plain(), "Subscribed") {
		t.Fatalf("another user: %s", r.Plain())
	}
	a.set(now.Add(11 * time.Second))
	if r := a.cmd("u", "pause"); r.Plain() != "Slow down: try again in 1 s." {
		t.Fatalf("after 11 s: %q", r.Plain())
	}
	a.set(now.Add(12 * time.Second))
	if r := a.cmd("u", "pause"); !strings.Contains(r.Plain(), "paused") {
		t.Fatalf("after 12 s: %s", r.Plain())
	}
}
