package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// costlyQueries are the searches that cost the most before repeated terms
// counted once and a search kept at most bot.MaxSearchTerms words (issue
// 14: on 260k papers `model` ×40 took 3.3 s, `the` ×125 34 s, `a` ×250
// 91 s, 75 common words 8.8 s), and the costliest ones that fit the
// bounds: 32 common words, an OR of 75 of them, a 60-word phrase of
// common words, a pasted 70-word title. common are the corpus's most
// frequent words, most frequent first.
func costlyQueries(real []bot.Paper, common []string) [][2]string {
	var abstract []string
	for _, p := range real {
		if w := strings.Fields(p.Abstract); len(w) >= 70 {
			abstract = w[:70]
			break
		}
	}
	return [][2]string{
		{"model-x40", strings.Repeat("model ", 40)},
		{"the-x125", strings.Repeat("the ", 125)},
		{"a-x250", strings.Repeat("a ", 250)},
		{"model-OR-x40", strings.Repeat("model OR ", 40) + "model"},
		{"common-75", strings.Join(common[:75], " ")},
		{"common-32", strings.Join(common[:32], " ")},
		{"common-16", strings.Join(common[:16], " ")},
		{"common-OR-75", strings.Join(common[:75], " OR ")},
		{"common-phrase-60", `"` + strings.Join(common[:60], " ") + `"`},
		{"pasted-70-words", strings.Join(abstract, " ")},
	}
}

// commonWords returns the n most frequent words (letters only, 1 to 12
// long) of the corpus's titles and abstracts.
func commonWords(real []bot.Paper, n int) []string {
	counts := map[string]int{}
	for _, p := range real {
		for _, w := range benchWords(p.Title + " " + p.Abstract) {
			if len(w) <= 12 && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
				counts[w]++
			}
		}
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	return words[:min(n, len(words))]
}

// BenchmarkCostlyQueries1M runs the costly searches over the 1M-paper
// store as chat runs them (ParseSearch, the default time limit of 3 s),
// with an ordinary 2-word search as the baseline of the same run, and
// each costly one once more without a time limit (what the limit saves):
//
//	PAPERBOY_1M=1 go test -tags sqlite_fts5 -run '^$' -bench 'CostlyQueries1M' -benchtime 5x -timeout 60m ./cmd/paperboy
//
// stopped-share is the share of runs that reached the limit and answered
// with the best results found by then.
func BenchmarkCostlyQueries1M(b *testing.B) {
	if os.Getenv("PAPERBOY_1M") == "" {
		b.Skip("set PAPERBOY_1M=1 to run the 1M-paper benchmarks (the store takes minutes to build the first time)")
	}
	real := loadCorpus(b)
	db, _ := open1M(b, real)
	defer db.Close()
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	run := func(name string, texts []string, timeout time.Duration) {
		qs := make([]*bot.Query, len(texts))
		for i, s := range texts {
			q, _, err := bot.ParseSearch(s, now)
			if err != nil {
				b.Fatalf("%q: %v", s, err)
			}
			qs[i] = q
		}
		b.Run(name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			stopped, words := 0, 0
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				res, err := db.Search(ctx, bot.SearchRequest{Query: qs[i%len(qs)], Limit: bot.SearchPageSize, Now: now, Timeout: timeout})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				if res.Stopped {
					stopped++
				}
				words = max(res.WordsSearched, words)
			}
			reportLatency(b, lat)
			b.ReportMetric(float64(slices.Max(lat).Microseconds())/1000, "max-ms")
			b.ReportMetric(float64(stopped)/float64(b.N), "stopped-share")
			b.ReportMetric(float64(words), "words-searched")
		})
	}
	run("baseline-2-word", benchQueries(real, "2-word", 50), bot.DefaultSearchTimeout)
	for _, q := range costlyQueries(real, commonWords(real, 75)) {
		run(q[0], []string{q[1]}, bot.DefaultSearchTimeout)
	}
	for _, q := range costlyQueries(real, commonWords(real, 75)) {
		run(q[0]+"-no-limit", []string{q[1]}, 0)
	}
}
