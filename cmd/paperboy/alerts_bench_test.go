package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// Topic alerts over the shared corpus: the fast matcher (bot.MatchTopics)
// against the full-text index, for correctness and for speed.

// uniquePapers returns the corpus papers once each (the first listing),
// oldest list first.
func uniquePapers(papers []bot.Paper) []bot.Paper {
	seen := map[string]bool{}
	var out []bot.Paper
	for _, p := range papers {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ListDate.Before(out[j].ListDate) })
	return out
}

// genSubscriptions makes n subscriptions for users users, with a fixed
// seed, from the ai_keywords of the papers of pool: each has 1 to 3
// keyword phrases (all must match, as in search: "a" "b"), 20% an
// exclusion, 20% an upvotes: or has:code filter.
func genSubscriptions(pool []bot.Paper, n, users int, seed uint64, now time.Time) []bot.Subscription {
	var kws []string
	for _, p := range pool {
		for _, k := range p.AIKeywords {
			if k = strings.TrimSpace(strings.ReplaceAll(k, `"`, "")); k != "" {
				kws = append(kws, k)
			}
		}
	}
	r := rand.New(rand.NewPCG(seed, 7))
	subs := make([]bot.Subscription, 0, n)
	for len(subs) < n {
		k := 1 + r.IntN(3)
		parts := make([]string, k)
		for i := range parts {
			parts[i] = `"` + kws[r.IntN(len(kws))] + `"`
		}
		q := strings.Join(parts, " ")
		if r.IntN(5) == 0 {
			q += ` -"` + kws[r.IntN(len(kws))] + `"`
		}
		if r.IntN(5) == 0 {
			if r.IntN(2) == 0 {
				q += " has:code"
			} else {
				q += " upvotes:>=" + strconv.Itoa([]int{5, 10, 20, 50}[r.IntN(4)])
			}
		}
		if _, err := bot.ParseQuery(q, now); err != nil {
			continue
		}
		i := len(subs)
		u := i % users
		plat := bot.UserRef{Platform: "discord", ID: fmt.Sprintf("1%017d", u)}
		if u%4 == 3 {
			plat = bot.UserRef{Platform: "slack", TeamID: "T0001", ID: fmt.Sprintf("U%08d", u)}
		}
		subs = append(subs, bot.Subscription{ID: int64(i + 1), User: plat, Query: q})
	}
	return subs
}

// alertKey is one (user, paper) alert with its topics, for comparisons.
func alertKeys(alerts []bot.Alert) map[string]string {
	out := make(map[string]string, len(alerts))
	for _, a := range alerts {
		ts := make([]string, len(a.Topics))
		for i, t := range a.Topics {
			ts[i] = strconv.FormatInt(t, 10)
		}
		out[a.User.String()+" "+a.PaperID] = strings.Join(ts, ",")
	}
	return out
}

// simpleMatch is the simple approach: one full-text query per subscription
// (store.MatchIDs: the store's own FTS5 query compiler and index, so the
// same tokenizer) over an index of the new papers only, grouped into
// alerts.
func simpleMatch(tb testing.TB, db *store.DB, subs []bot.Subscription, now time.Time) []bot.Alert {
	ctx := context.Background()
	type up struct {
		user  bot.UserRef
		paper string
	}
	// As many goroutines as the fast matcher uses (the read pool has four
	// connections), so the comparison is between methods, not core counts.
	workers := min(runtime.GOMAXPROCS(0), 4)
	found := make([]map[up][]int64, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			m := map[up][]int64{}
			for i := w; i < len(subs); i += workers {
				s := subs[i]
				q, err := bot.ParseQuery(s.Query, now)
				if err != nil {
					continue
				}
				ids, err := db.MatchIDs(ctx, q, nil)
				if err != nil {
					tb.Error(err)
					return
				}
				for id := range ids {
					k := up{s.User, id}
					m[k] = append(m[k], s.ID)
				}
			}
			found[w] = m
		}(w)
	}
	wg.Wait()
	topics := map[up][]int64{}
	for _, m := range found {
		for k, ts := range m {
			topics[k] = append(topics[k], ts...)
		}
	}
	out := make([]bot.Alert, 0, len(topics))
	for k, ts := range topics {
		slices.Sort(ts)
		out = append(out, bot.Alert{User: k.user, PaperID: k.paper, Topics: ts})
	}
	return out
}

// memDir is where the simple approach keeps its index: in memory (tmpfs)
// when the machine has one.
func memDir(tb testing.TB) string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "paperboy-bench-"); err == nil {
			tb.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return tb.TempDir()
}

func storeOf(tb testing.TB, dir string, papers []bot.Paper) *store.DB {
	db, err := store.Open(context.Background(), filepath.Join(dir, "alerts.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.SavePapers(context.Background(), papers, time.Now()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// addUsers creates the users of subs (subscribing does).
func addUsers(tb testing.TB, db *store.DB, subs []bot.Subscription) {
	seen := map[bot.UserRef]bool{}
	for _, s := range subs {
		if !seen[s.User] {
			seen[s.User] = true
			if err := db.SetAlertMode(context.Background(), s.User, bot.AlertMode{}, time.Now()); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// TestTopicMatcherAgreesWithIndex: the subscribe preview (the store's
// full-text search over the last 30 days) and live matching (the fast Go
// matcher over those papers as a new batch) find the same papers, for a few
// hundred generated topics plus hand-written ones using every part of the
// language, over the shared corpus.
func TestTopicMatcherAgreesWithIndex(t *testing.T) {
	all := uniquePapers(loadCorpus(t))
	ctx := context.Background()
	db := storeOf(t, t.TempDir(), all)
	last := all[len(all)-1].ListDate
	now := time.Date(last.Year, last.Month, last.Day, 18, 0, 0, 0, time.UTC)
	since := bot.DateOf(now).AddDays(-30)
	var recent, older []bot.Paper
	for _, p := range all {
		if p, err := db.GetPaper(ctx, p.ID); err != nil {
			t.Fatal(err)
		} else if !p.ListDate.Before(since) {
			recent = append(recent, p)
		} else {
			older = append(older, p)
		}
	}
	subs := genSubscriptions(older, 400, 100, 1, now)
	hand := []string{
		"diffusion", "video generation", `"mixture of experts"`, "routing -survey", `agent -"tool use"`,
		"(video OR audio) generation", "llm OR vlm", `author:"zhang"`, "author:Müller", "org:meta reasoning",
		"upvotes:>=50", "has:code reinforcement", "has:project 3d", "since:14d reasoning", "before:" + bot.DateOf(now).AddDays(-10).String() + " benchmark",
		"gpt-4", "state-of-the-art", "naïve", "KV-cache", "3d gaussian splatting", "o1", "x-ray", "id:" + recent[0].ID, recent[1].ID,
		"agent OR (reasoning -math)", `"large language models" -(survey OR benchmark)`,
	}
	for i, h := range hand {
		subs = append(subs, bot.Subscription{ID: int64(10000 + i), User: bot.UserRef{Platform: "slack", TeamID: "T9", ID: fmt.Sprintf("UH%d", i%3)}, Query: h})
	}
	live := alertKeys(bot.MatchTopics(subs, recent, now))
	// The preview, topic by topic, grouped the same way.
	var preview []bot.Alert
	for _, s := range subs {
		q, err := bot.ParseQuery(s.Query, now)
		if err != nil {
			t.Fatalf("%q: %v", s.Query, err)
		}
		ids, err := db.MatchIDs(ctx, bot.Within(q, 30, now), nil)
		if err != nil {
			t.Fatal(err)
		}
		for id := range ids {
			preview = append(preview, bot.Alert{User: s.User, PaperID: id, Topics: []int64{s.ID}})
		}
	}
	merged := map[string][]string{}
	for _, a := range preview {
		k := a.User.String() + " " + a.PaperID
		merged[k] = append(merged[k], strconv.FormatInt(a.Topics[0], 10))
	}
	diff := 0
	for k, ts := range merged {
		slices.SortFunc(ts, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
		if got := live[k]; got != strings.Join(ts, ",") {
			diff++
			if diff < 10 {
				t.Errorf("%s: preview topics %v, live %q", k, ts, got)
			}
		}
	}
	for k, got := range live {
		if _, ok := merged[k]; !ok {
			diff++
			if diff < 10 {
				t.Errorf("%s: only live matching finds it (topics %s)", k, got)
			}
		}
	}
	if len(live) < 500 {
		t.Fatalf("only %d alerts: the test would prove little", len(live))
	}
	t.Logf("%d topics over %d papers of the last 30 days: %d (user, paper) alerts agree, %d differ", len(subs), len(recent), len(live), diff)
}

// benchSet is the benchmark's data, built once.
type benchSet struct {
	newPapers []bot.Paper
	subs      []bot.Subscription
	now       time.Time
}

var (
	benchOnce sync.Once
	benchData *benchSet
)

func alertBenchSet(b *testing.B) *benchSet {
	benchOnce.Do(func() {
		all := uniquePapers(loadCorpus(b))
		r := rand.New(rand.NewPCG(42, 42))
		perm := r.Perm(len(all))
		var fresh, pool []bot.Paper
		for i, j := range perm {
			if i < 1000 {
				fresh = append(fresh, all[j])
			} else {
				pool = append(pool, all[j])
			}
		}
		now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
		s := &benchSet{newPapers: fresh, now: now, subs: genSubscriptions(pool, 100_000, 20_000, 2026, now)}
		benchData = s
	})
	if benchData == nil {
		b.Fatal("no benchmark data")
	}
	return benchData
}

// cpuTime is the CPU time the process has used (user + system): unlike
// wall time, it does not grow when other processes take the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the live heap until stop is called and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// BenchmarkAlerts matches 1,000 new papers of the shared corpus against
// 100,000 subscriptions of 20,000 users (generated with a fixed seed from
// the ai_keywords of the other papers), then writes the alerts in one
// transaction. Each iteration also runs the simple approach (one FTS5
// query per subscription over an index of the new papers) on the same
// data, checks that both find the same alerts, and reports the speed-up.
//
//	go test -tags sqlite_fts5 -run '^$' -bench Alerts -benchtime 1x -count 5 ./cmd/paperboy
func BenchmarkAlerts(b *testing.B) {
	s := alertBenchSet(b)
	ctx := context.Background()
	simpleDB := storeOf(b, memDir(b), s.newPapers)
	// The papers as the store gives them back, so both sides see the same
	// text.
	papers := make([]bot.Paper, len(s.newPapers))
	for i, p := range s.newPapers {
		var err error
		if papers[i], err = simpleDB.GetPaper(ctx, p.ID); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		out := storeOf(b, b.TempDir(), papers)
		addUsers(b, out, s.subs)
		// Compiling the topics: all of them (a new process), then again
		// after 1,000 subscriptions changed (what a poll pays when topics
		// changed since the last one; unchanged topics cost nothing).
		var parsed bot.ParsedTopics
		t0 := time.Now()
		parsed.Compile(s.subs, s.now)
		compiled := time.Since(t0)
		changed := append([]bot.Subscription(nil), s.subs...)
		for k := 0; k < 1000; k++ {
			changed[k*97].ID += 1_000_000
		}
		parsed.Compile(changed, s.now)
		t1 := time.Now()
		topics := parsed.Compile(s.subs, s.now)
		recompiled := time.Since(t1)
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := peakHeap()
		b.StartTimer()

		t0 = time.Now()
		cpu0 := cpuTime()
		alerts := topics.Match(papers)
		match := time.Since(t0)
		matchCPU := cpuTime() - cpu0
		t2, cpu2 := time.Now(), cpuTime()
		n, err := out.SaveAlerts(ctx, alerts, nil, s.now)
		if err != nil {
			b.Fatal(err)
		}
		write, writeCPU := time.Since(t2), cpuTime()-cpu2

		b.StopTimer()
		peak := stop()
		if n != len(alerts) {
			b.Fatalf("wrote %d of %d alerts", n, len(alerts))
		}
		t3 := time.Now()
		simple := simpleMatch(b, simpleDB, s.subs, s.now)
		simpleTime := time.Since(t3)
		got, want := alertKeys(alerts), alertKeys(simple)
		if len(got) != len(want) {
			b.Fatalf("fast matcher: %d alerts, simple approach: %d", len(got), len(want))
		}
		for k, v := range want {
			if got[k] != v {
				b.Fatalf("%s: fast %q, simple %q", k, got[k], v)
			}
		}
		matches := 0
		for _, a := range alerts {
			matches += len(a.Topics)
		}
		b.ReportMetric(float64(compiled.Milliseconds()), "compile-ms")
		b.ReportMetric(float64(recompiled.Milliseconds()), "recompile-ms")
		b.ReportMetric(float64(match.Milliseconds()), "match-ms")
		b.ReportMetric(float64(matchCPU.Milliseconds()), "match-cpu-ms")
		b.ReportMetric(float64(write.Milliseconds()), "write-ms")
		b.ReportMetric(float64(writeCPU.Milliseconds()), "write-cpu-ms")
		b.ReportMetric(float64((match + write).Milliseconds()), "match+write-ms")
		b.ReportMetric(float64(simpleTime.Milliseconds()), "simple-ms")
		b.ReportMetric(simpleTime.Seconds()/match.Seconds(), "speedup")
		b.ReportMetric(float64(matches), "matches")
		b.ReportMetric(float64(len(alerts)), "alert-rows")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(base.HeapAlloc)/(1<<20), "base-heap-MB")
		b.StartTimer()
	}
}

// BenchmarkMatchTopicsOnly times compiling the subscriptions and matching
// a batch, without the simple approach or writing (for profiling).
func BenchmarkMatchTopicsOnly(b *testing.B) {
	s := alertBenchSet(b)
	b.Run("compile", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			bot.CompileTopics(s.subs, s.now)
		}
	})
	t := bot.CompileTopics(s.subs, s.now)
	b.Run("match", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			t.Match(s.newPapers)
		}
	})
}

// BenchmarkSimpleOnly times the simple approach on 10,000 of the
// subscriptions (for profiling).
func BenchmarkSimpleOnly(b *testing.B) {
	s := alertBenchSet(b)
	db := storeOf(b, memDir(b), s.newPapers)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		simpleMatch(b, db, s.subs[:10000], s.now)
	}
}
