package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// TestFairUseLatency measures, on the shared corpus, what one user's flood
// of the heaviest searches does to another user's search and to a digest:
// alone, under 400 heavy searches with the default limits, and under the
// same flood with no limits (as before issue 14). Only figures, no
// assertions on them (the behaviour is TestFairUseUnderLoad's, in bot);
// the medians are in docs/BENCHMARKS.md. It takes minutes, so it runs only
// when asked:
//
//	PAPERBOY_FAIRUSE_BENCH=1 go test -tags sqlite_fts5 -run TestFairUseLatency -count 1 -v ./cmd/paperboy
func TestFairUseLatency(t *testing.T) {
	if os.Getenv("PAPERBOY_FAIRUSE_BENCH") == "" {
		t.Skip("set PAPERBOY_FAIRUSE_BENCH=1 to measure (minutes)")
	}
	papers := loadCorpus(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "fair.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for start := 0; start < len(papers); start += ingestBatch {
		if _, err := db.SavePapers(ctx, papers[start:min(start+ingestBatch, len(papers))], time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// The digest: a dry run of the newest list of the corpus, through the
	// bot's own selection, with the list "fetched" from memory.
	lists := map[bot.Date][]bot.Paper{}
	var newest bot.Date
	for _, p := range papers {
		if p.ListDate.IsZero() {
			continue
		}
		lists[p.ListDate] = append(lists[p.ListDate], p)
		if newest.Before(p.ListDate) {
			newest = p.ListDate
		}
	}
	clock := &manualClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	b := &bot.Bot{Store: db, Source: memSource(lists), Clock: clock}
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: "console", ID: "bench"}, Settings: bot.DefaultSettings("UTC")}
	digest := func() time.Duration {
		t0 := time.Now()
		res, err := b.Digest(ctx, bot.DigestRequest{Channel: ch, ListDate: newest, DryRun: true})
		if err != nil || res.Digest == nil || len(res.Digest.Items) == 0 {
			t.Fatalf("digest: %v %+v", err, res.Run)
		}
		return time.Since(t0)
	}
	heavy := strings.TrimSpace(strings.Repeat("a ", 250))
	search := func(c *bot.Commands, ctx context.Context, user, text string) (bot.Reply, time.Duration) {
		cmd := bot.ParseCommand("papers", "search "+text)
		cmd.Platform, cmd.TeamID, cmd.ChannelID = "slack", "T1", "C1"
		cmd.User = bot.UserRef{Platform: "slack", TeamID: "T1", ID: user}
		t0 := time.Now()
		r := c.Handle(ctx, cmd)
		return r, time.Since(t0)
	}
	const other = "diffusion"

	type figures struct{ b, digest, heavy []time.Duration }
	alone := figures{}
	{
		c := &bot.Commands{Bot: b, DefaultZone: "UTC"}
		for range 9 {
			_, d := search(c, ctx, "B", other)
			alone.b = append(alone.b, d)
			alone.digest = append(alone.digest, digest())
			_, d = search(c, ctx, "A", heavy)
			alone.heavy = append(alone.heavy, d)
		}
	}

	// flood sends 400 heavy searches from A at once, then B's search and a
	// digest, and returns how long those two took and what became of A's.
	flood := func(c *bot.Commands) (bDur, dDur time.Duration, admitted, refused, goroutines int) {
		fctx, cancel := context.WithCancel(ctx)
		defer cancel()
		before := runtime.NumGoroutine()
		var wg sync.WaitGroup
		var mu sync.Mutex
		started := make(chan struct{}, 400)
		for range 400 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				started <- struct{}{}
				r, _ := search(c, fctx, "A", heavy)
				mu.Lock()
				defer mu.Unlock()
				if strings.HasPrefix(r.Plain(), "Slow down") {
					refused++
				} else if !r.Error {
					admitted++
				}
			}()
		}
		for range 400 {
			<-started
		}
		// Let the refusals come back (they take no store time).
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			n := refused
			mu.Unlock()
			if c.Limiter == nil || n >= 390 {
				break
			}
		}
		goroutines = runtime.NumGoroutine() - before
		var wg2 sync.WaitGroup
		wg2.Add(2)
		go func() { defer wg2.Done(); _, bDur = search(c, ctx, "B", other) }()
		go func() { defer wg2.Done(); dDur = digest() }()
		wg2.Wait()
		if c.Limiter == nil {
			cancel() // the rest of the flood would take many minutes more
		}
		wg.Wait()
		return bDur, dDur, admitted, refused, goroutines
	}

	limited := figures{}
	for round := range 5 {
		clock.add(time.Minute) // A's bucket is full again
		c := &bot.Commands{Bot: b, DefaultZone: "UTC", Limiter: bot.NewLimiter(bot.DefaultLimits())}
		bd, dd, adm, ref, g := flood(c)
		limited.b, limited.digest = append(limited.b, bd), append(limited.digest, dd)
		t.Logf("limits on, round %d: B's search %v, digest %v; A: %d answered, %d refused; %d goroutines of the flood left after the refusals; gate %+v",
			round+1, bd.Round(time.Millisecond), dd.Round(time.Millisecond), adm, ref, g, c.Limiter.Load())
	}
	unlimited := figures{}
	{
		c := &bot.Commands{Bot: b, DefaultZone: "UTC"}
		bd, dd, adm, ref, g := flood(c)
		unlimited.b, unlimited.digest = append(unlimited.b, bd), append(unlimited.digest, dd)
		t.Logf("no limits: B's search %v, digest %v; A: %d answered before B's came back (the rest cancelled), %d refused; %d goroutines of the flood",
			bd.Round(time.Millisecond), dd.Round(time.Millisecond), adm, ref, g)
	}
	med := func(d []time.Duration) string {
		if len(d) == 0 {
			return "—"
		}
		d = slices.Clone(d)
		slices.Sort(d)
		return d[(len(d)-1)/2].Round(time.Millisecond).String()
	}
	t.Logf("%d papers; heavy search %q×250 alone: median %s", len(papers), "a", med(alone.heavy))
	t.Logf("| case | runs | B's search (median) | digest dry run (median) |")
	t.Logf("| alone | %d | %s | %s |", len(alone.b), med(alone.b), med(alone.digest))
	t.Logf("| A floods 400, default limits | %d | %s | %s |", len(limited.b), med(limited.b), med(limited.digest))
	t.Logf("| A floods 400, no limits | %d | %s | %s |", len(unlimited.b), med(unlimited.b), med(unlimited.digest))
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *manualClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// memSource serves daily lists from memory.
type memSource map[bot.Date][]bot.Paper

func (memSource) Name() string { return "memory" }

func (s memSource) Day(_ context.Context, d bot.Date) (bot.DayList, error) {
	return bot.DayList{Papers: slices.Clone(s[d])}, nil
}
