package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/corpustest"
	"github.com/paperboy-bot/paperboy/store"
)

// The pasted-title evaluation (issue 13: a pasted title finds its paper).
// Every paper's title is searched as a user pastes it: its display title
// (what paperboy shows, bot.Paper.DisplayTitle) through bot.ParseSearch,
// the parser of /papers search and paperboy search, then Search for the
// top 10, as the product runs it. The paper must come first.
//
//	go test -tags sqlite_fts5 -run TestPastedTitle -v ./store                        # every 40th paper (246)
//	PAPERBOY_TITLE_EVAL=all go test -tags sqlite_fts5 -run TestPastedTitle -v ./store # all 9,877
//
// It fails below 99 % first or 100 % in the top 10, or on any error. The
// full run also reports, for information, the same searches without the
// exact-title stage (Title cleared: the full-text ranking alone). A pasted
// title is a search of many words that few papers have all of, so the
// any-word fill runs: 30-50 ms a search on this corpus, hence the subset
// by default. On the slice of the corpus (a fresh clone) it searches every
// 4th of its 330 papers (82), with the same targets.

// titleTargets are the targets of the evaluation.
const (
	titleFirstTarget = 0.99
	titleTop10Target = 1.0
)

// titleSliceEvery: on the slice of the corpus, every titleSliceEvery-th
// paper's title is searched instead of every 40th.
const titleSliceEvery = 4

// titleRank is where a pasted title put its paper: 1 for first, 0 for not
// in the top 10.
type titleRank struct {
	query, want string
	rank        int
	note        string
	err         error
}

// pasteRank searches text as a user pastes it and returns the rank of the
// paper want among the top 10 (0: not there). With textOnly, the query's
// Title is cleared first.
func pasteRank(ctx context.Context, db *store.DB, text, want string, now time.Time, textOnly bool) titleRank {
	r := titleRank{query: text, want: want}
	q, note, err := bot.ParseSearch(text, now)
	r.note = note
	if err != nil {
		r.err = err
		return r
	}
	if textOnly {
		q.Title = ""
		if q.Expr == nil && !q.HasFilter() {
			return r // nothing left to search for
		}
	}
	res, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 10, Now: now})
	if err != nil {
		r.err = err
		return r
	}
	for i, h := range res.Hits {
		if h.Paper.ID == want {
			r.rank = i + 1
			break
		}
	}
	return r
}

// titleSummary is the figures of a set of ranks.
type titleSummary struct {
	n, first, top10, errs int
	misses                []titleRank
}

func summarize(ranks []titleRank) titleSummary {
	var s titleSummary
	for _, r := range ranks {
		s.n++
		switch {
		case r.err != nil:
			s.errs++
			s.misses = append(s.misses, r)
		case r.rank == 1:
			s.first++
			s.top10++
		case r.rank > 0:
			s.top10++
			s.misses = append(s.misses, r)
		default:
			s.misses = append(s.misses, r)
		}
	}
	return s
}

func (s titleSummary) String() string {
	return fmt.Sprintf("%d titles: first %d (%.2f %%), top 10 %d (%.2f %%), errors %d", s.n,
		s.first, 100*float64(s.first)/float64(s.n), s.top10, 100*float64(s.top10)/float64(s.n), s.errs)
}

func (s titleSummary) logMisses(t *testing.T, max int) {
	t.Helper()
	for i, m := range s.misses {
		if i == max {
			t.Logf("  ... %d more", len(s.misses)-max)
			break
		}
		switch {
		case m.err != nil:
			t.Logf("  error %v: %q (%s)", m.err, m.query, m.want)
		case m.rank == 0:
			t.Logf("  not in the top 10: %q (%s; note %q)", m.query, m.want, m.note)
		default:
			t.Logf("  rank %d: %q (%s; note %q)", m.rank, m.query, m.want, m.note)
		}
	}
}

func (s titleSummary) check(t *testing.T, what string) {
	t.Helper()
	if s.errs > 0 {
		t.Errorf("%s: %d searches failed", what, s.errs)
	}
	if f := float64(s.first) / float64(s.n); f < titleFirstTarget {
		t.Errorf("%s: %.4f of the titles find their paper first, want >= %.2f", what, f, titleFirstTarget)
	}
	if f := float64(s.top10) / float64(s.n); f < titleTop10Target {
		t.Errorf("%s: %.4f of the titles find their paper in the top 10, want >= %.2f", what, f, titleTop10Target)
	}
}

func TestPastedTitle(t *testing.T) {
	papers, db, _, isFull := openCorpusStore(t)
	ctx := context.Background()
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	all := os.Getenv("PAPERBOY_TITLE_EVAL") == "all"
	every := 40
	if !isFull {
		every = titleSliceEvery
	}
	seen := map[string]bool{}
	var ranks, textOnly []titleRank
	unique := 0
	for _, p := range papers {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		unique++
		if !all && unique%every != 0 {
			continue
		}
		ranks = append(ranks, pasteRank(ctx, db, p.DisplayTitle(), p.ID, now, false))
		if all {
			textOnly = append(textOnly, pasteRank(ctx, db, p.DisplayTitle(), p.ID, now, true))
		}
	}
	s := summarize(ranks)
	t.Logf("pasted titles, as searched: %s", s)
	s.logMisses(t, 20)
	if all {
		st := summarize(textOnly)
		t.Logf("the same without the exact-title stage (full-text ranking alone): %s", st)
		st.logMisses(t, 60)
	}
	s.check(t, "pasted titles")
}

// hostileTitles are titles that break a query parser or full-text search:
// the paper must still come first when its title is pasted, as it came
// from the source and as paperboy shows it.
var hostileTitles = []string{
	// Mentions and markdown.
	"@everyone @here look at this model",
	"<@123456789> <#987654321> <!channel> Ping Everyone",
	"**Bold** Claims: _Why_ `Code` ~~Fails~~ || spoiler ||",
	"# Heading > Quote: Markdown Injection in LLM Chat",
	"[Click me](https://evil.example/login) for Free GPUs",
	// LaTeX.
	`$\mathcal{O}(n)$ Attention: Linear-Time Transformers`,
	`$O(n \log n)$ Sorting with \textbf{Neural} Networks`,
	`\frac{1}{2}-Bit Quantization of $\alpha$-Models`,
	// Invisible and control characters, bidi overrides.
	"\u202eSafety\u202c Alignment Evaluation",
	"Arabic \u2067\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u2069 Reading Benchmark",
	"Null\x00Byte and \x1b[31mRed\x1b[0m Terminal Models",
	"Tab\tand\nNewline  in a   Title",
	"Token\u00adization with Soft\u00ad Hyphens",
	"zero\u200bwidth Spaces Everywhere",
	// No letters or digits.
	"🚀🔥",
	"🤗",
	"👩‍🔬🧪",
	"***",
	"?!",
	"() [] {}",
	// Quotes and parentheses.
	`The "Curse of Depth in Large Language Models`,
	"Smile :) Emotion Recognition",
	"(Un)balanced (Parentheses in Titles",
	"Closing) Before Opening( Matters",
	"“Curly” Quotes „and“ More” Quotes",
	`ICL CIPHERS: Quantifying "Learning'' in In-Context Learning`,
	// URLs and ids inside.
	"See https://github.com/foo/bar for the Code",
	"https://example.com/a?b=c&d=e",
	"Revisiting arXiv:2405.15738 and https://arxiv.org/abs/2405.15738",
	"huggingface.co/models/x: a Model Card Study",
	// Operators.
	"Attention Is NOT All You Need",
	"Cats OR Dogs: Pet Classification",
	"AND Gates AND Neural Nets",
	"NOT",
	"OR",
	"To Be OR NOT To Be: Hamlet Bench",
	// A leading or lone dash.
	"-Infinity Loss for Robust Training",
	"- A Dash Before Everything",
	"--verbose Flags for Agents",
	"Forget What You Know - LLMs are Like a Chameleon",
	// Words that look like filters.
	"Author: A Study of Authorship",
	"author:Bob's Guide to Agents",
	"has:code Repositories in the Wild",
	"since:2025 Trends in Reasoning",
	"sort:date Ordering of Events",
	"id:foo Identifiers for Everyone",
	"upvotes:>=20 Popularity Prediction",
	"FruitNeRF: A Unified Neural Radiance Field",
	// A blank title (shown as "Untitled (arXiv:ID)").
	"\u200b",
}

// longTitle is a title over the query length limit.
func longTitle(n int) string {
	words := strings.Fields(`scaling laws for sparse mixture of experts language models trained on code and
		mathematics with reinforcement learning from verifiable rewards across many domains and languages`)
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i*7%len(words)])
		if i%5 == 4 {
			fmt.Fprintf(&b, "-%d", i)
		}
	}
	return b.String()[:n]
}

// hostileStore stores the first 2,000 papers of the shared corpus and,
// for each hostile title, the paper with that title and a distractor
// whose title has the same words and more.
func hostileStore(t *testing.T) (*store.DB, []bot.Paper, string) {
	t.Helper()
	corpus, _ := loadEvalCorpus(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hostile.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SavePapers(ctx, corpus[:min(2000, len(corpus))], time.Now()); err != nil {
		t.Fatal(err)
	}
	titles := append(slices.Clone(hostileTitles), longTitle(600), longTitle(2000))
	var hostile, all []bot.Paper
	for i, title := range titles {
		p := bot.Paper{
			ID:       fmt.Sprintf("2609.%05d", 10000+i),
			Title:    title,
			Abstract: "A paper with a hostile title, and more words about models and data.",
			Authors:  []string{"Ada Lovelace"},
			Upvotes:  i % 30,
			ListDate: bot.Date{Year: 2026, Month: 8, Day: 1 + i%20},
		}
		hostile = append(hostile, p)
		d := p
		d.ID = fmt.Sprintf("2609.%05d", 20000+i)
		d.Title = title + " Revisited, Again and Better"
		d.Upvotes = 200 // a much more popular lookalike
		all = append(all, p, d)
	}
	// The store saves papers cleaned (bot.CleanPaper); cleaning them here
	// too changes nothing once it does.
	for i := range all {
		all[i] = bot.CleanPaper(all[i])
	}
	if _, err := db.SavePapers(ctx, all, time.Now()); err != nil {
		t.Fatal(err)
	}
	return db, hostile, path
}

func TestPastedHostileTitle(t *testing.T) {
	db, hostile, _ := hostileStore(t)
	ctx := context.Background()
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	var ranks []titleRank
	for _, p := range hostile {
		// As the source sent it (unless nothing is left of it once
		// cleaned: a blank query is refused), and as paperboy shows it.
		var forms []string
		if bot.CleanText(p.Title) != "" {
			forms = append(forms, p.Title)
		}
		if d := p.DisplayTitle(); d != p.Title {
			forms = append(forms, d)
		}
		for _, f := range forms {
			r := pasteRank(ctx, db, f, p.ID, now, false)
			ranks = append(ranks, r)
			if r.rank != 1 {
				t.Errorf("pasting %q: rank %d (note %q, error %v), want first", f, r.rank, r.note, r.err)
			}
		}
	}
	s := summarize(ranks)
	t.Logf("hostile titles (%d papers, each pasted raw and as displayed): %s", len(hostile), s)
}

// TestTitleStageTotals: a pasted title's paper is counted once, paging
// shows every result once, and a title whose words exclude it (NOT) is
// still first and counted.
func TestTitleStageTotals(t *testing.T) {
	db, hostile, _ := hostileStore(t)
	ctx := context.Background()
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	search := func(text string, offset, limit int, textOnly bool) bot.SearchResults {
		t.Helper()
		q, _, err := bot.ParseSearch(text, now)
		if err != nil {
			t.Fatal(err)
		}
		if textOnly {
			q.Title = ""
		}
		res, err := db.Search(ctx, bot.SearchRequest{Query: q, Offset: offset, Limit: limit, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	byTitle := map[string]bot.Paper{}
	for _, p := range hostile {
		byTitle[p.Title] = p
	}
	for _, tc := range []struct {
		title   string
		matches bool // the paper matches the query it parses to (words and filters)
		scored  bool // it has the query's words (its score is not 0)
	}{
		{"FruitNeRF: A Unified Neural Radiance Field", true, true},
		{"Forget What You Know - LLMs are Like a Chameleon", true, true},
		{"Attention Is NOT All You Need", false, false},
		{"-Infinity Loss for Robust Training", false, false},
		{"author:Bob's Guide to Agents", false, true},
	} {
		p := byTitle[tc.title]
		with, without := search(tc.title, 0, 10, false), search(tc.title, 0, 10, true)
		if len(with.Hits) == 0 || with.Hits[0].Paper.ID != p.ID || !with.Hits[0].TitleMatch {
			t.Errorf("%q: first hit %+v, want %s marked TitleMatch", tc.title, with.Hits, p.ID)
			continue
		}
		for _, h := range with.Hits[1:] {
			if h.TitleMatch || h.Paper.ID == p.ID {
				t.Errorf("%q: %s is a title match too, or comes twice", tc.title, h.Paper.ID)
			}
		}
		want := without.Total
		if !tc.matches {
			want++
		}
		if with.Total != want {
			t.Errorf("%q: total %d, want %d (%d without the title stage; the paper matches its words: %v)",
				tc.title, with.Total, want, without.Total, tc.matches)
		}
		if tc.scored != (with.Hits[0].Score > 0) {
			t.Errorf("%q: the title match scores %v", tc.title, with.Hits[0].Score)
		}
		// Pages of 3 give the results of one page of 12, in order, each
		// once.
		whole := search(tc.title, 0, 12, false)
		var paged []string
		for off := 0; off < 12; off += 3 {
			res := search(tc.title, off, 3, false)
			if res.Total != whole.Total || res.PartialTotal > 0 && whole.PartialTotal > 0 && res.PartialTotal != whole.PartialTotal {
				t.Errorf("%q offset %d: totals %d/%d, page of 12: %d/%d", tc.title, off, res.Total, res.PartialTotal, whole.Total, whole.PartialTotal)
			}
			for _, h := range res.Hits {
				paged = append(paged, h.Paper.ID)
			}
		}
		var ids []string
		for _, h := range whole.Hits {
			ids = append(ids, h.Paper.ID)
		}
		if strings.Join(paged, " ") != strings.Join(ids, " ") {
			t.Errorf("%q: pages of 3 give %v, one page of 12 %v", tc.title, paged, ids)
		}
	}
	// A title without letters or digits finds its paper alone.
	for _, title := range []string{"🚀🔥", "***", "() [] {}"} {
		res := search(title, 0, 10, false)
		if len(res.Hits) != 1 || res.Hits[0].Paper.ID != byTitle[title].ID || res.Total != 1 {
			t.Errorf("%q: %d hits, total %d, want only %s", title, len(res.Hits), res.Total, byTitle[title].ID)
		}
		if res := search(title, 1, 10, false); len(res.Hits) != 0 || res.Total != 1 {
			t.Errorf("%q, second page: %d hits, total %d", title, len(res.Hits), res.Total)
		}
	}
	if res := search("🦜🦜", 0, 10, false); len(res.Hits) != 0 || res.Total != 0 {
		t.Errorf("an emoji no title is: %d hits", len(res.Hits))
	}
}

// TestSearchExactTitled: with the exact-title stage (queries of
// bot.ParseSearch), the store's ranking still equals the exhaustive one:
// pasted titles, pasted titles with a filter, and a title that has more
// words than its paper's (no title match).
func TestSearchExactTitled(t *testing.T) {
	papers, db, _, _ := openCorpusStore(t)
	ctx := context.Background()
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(evalSeed, 2))
	var list []string
	for range 15 {
		p := papers[r.IntN(len(papers))]
		list = append(list, p.DisplayTitle(), p.DisplayTitle()+" since:2026-01-01", p.DisplayTitle()+" upvotes:>=20",
			p.DisplayTitle()+" extra")
	}
	n := 0
	for _, s := range list {
		q, _, err := bot.ParseSearch(s, now)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if q.Expr == nil || q.Sort != bot.SortRelevance {
			continue
		}
		n++
		got, want := againstOracle(ctx, t, db, s, bot.SearchRequest{Query: q, Limit: 10, Now: now})
		for i := range got.Hits {
			if i < len(want.Hits) && got.Hits[i].TitleMatch != want.Hits[i].TitleMatch {
				t.Errorf("%q: hit %d title match %v, exhaustive %v", s, i+1, got.Hits[i].TitleMatch, want.Hits[i].TitleMatch)
			}
		}
	}
	t.Logf("%d queries with a title ranked exactly as the exhaustive scorer", n)
}

// FuzzSearch: whatever is typed, ParseSearch refuses only an empty query,
// and Search (and the exhaustive ranking, where it applies) runs it
// without an SQL or FTS5 error, the title matches first.
func FuzzSearch(f *testing.F) {
	for _, s := range hostileTitles {
		f.Add(s)
	}
	for _, s := range []string{
		`a "b c" -d (e OR f) author:"x y" org:z upvotes:>3 has:code since:2w before:2030-01-01 sort:date`,
		"NEAR(a b) * ^ : + \"x\" -y", "\xff\xfe", `" OR 1=1 --`, "a'b", "x NEAR/2 y", "title:x", "{title}:x",
		"Untitled (arXiv:2609.10048)", "https://huggingface.co/papers/2609.10000", longTitle(700),
		"models OR", "(((models", "models -", "author:ada models", "has:code", "sort:date", "",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	var papers []bot.Paper
	for i, title := range append(slices.Clone(hostileTitles), "Models of Data", "Data Models OR Not") {
		papers = append(papers, bot.CleanPaper(bot.Paper{ID: fmt.Sprintf("2609.%05d", 10000+i), Title: title,
			Abstract: "About models and data.", Authors: []string{"Ada Lovelace"}, Upvotes: i,
			ListDate: bot.Date{Year: 2026, Month: 8, Day: 1 + i%20}}))
	}
	if _, err := db.SavePapers(ctx, papers, time.Now()); err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		q, note, err := bot.ParseSearch(s, now)
		if err != nil {
			if bot.CleanText(s) != "" {
				t.Fatalf("ParseSearch(%q): %v", s, err)
			}
			return
		}
		if strings.ContainsAny(note, "\n\r") {
			t.Fatalf("ParseSearch(%q): note %q is not one line", s, note)
		}
		for _, page := range []struct{ offset, limit int }{{0, 5}, {5, 5}, {1, 3}} {
			res, err := db.Search(ctx, bot.SearchRequest{Query: q, Offset: page.offset, Limit: page.limit, Now: now})
			if err != nil {
				t.Fatalf("Search(%q) (%s): %v", s, q, err)
			}
			seenPlain := false
			for _, h := range res.Hits {
				if h.TitleMatch && seenPlain {
					t.Fatalf("Search(%q): a title match after other results", s)
				}
				seenPlain = seenPlain || !h.TitleMatch
				if h.TitleMatch && h.Paper.Title != q.Title {
					t.Fatalf("Search(%q): title match %q", s, h.Paper.Title)
				}
			}
		}
		if q.Expr != nil && q.ID == "" && q.Sort == bot.SortRelevance {
			if _, err := db.ExhaustiveSearch(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now}); err != nil {
				t.Fatalf("ExhaustiveSearch(%q): %v", s, err)
			}
		}
		if _, err := db.MatchIDs(ctx, q, nil); err != nil {
			t.Fatalf("MatchIDs(%q): %v", s, err)
		}
	})
}

// BenchmarkSearchTitleStage measures what the exact-title stage costs, in
// the same run: each query is searched as ParseSearch reads it (Title
// set) and with its Title cleared (no title stage), alternately, top 10,
// on the shared corpus. "words": the 300 known-item queries of
// TestSearchQuality and a 1- or 2-word prefix of each (no title matches
// them: the cost of a lookup that finds nothing); "titles": 200 pasted
// titles (each finds its paper: the cost of scoring and counting it).
//
//	go test -tags sqlite_fts5 -run '^$' -bench SearchTitleStage -benchtime 3x -count 3 ./store
func BenchmarkSearchTitleStage(b *testing.B) {
	corpustest.Full(b) // the figures are of the shared corpus, not of the slice
	papers, _ := loadEvalCorpus(b)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < len(papers); i += 2000 {
		if _, err := db.SavePapers(ctx, papers[i:min(i+2000, len(papers))], time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)
	var words, titles []string
	for i, e := range evalQueries(papers, evalPerKind) {
		ws := strings.Fields(e.query)
		words = append(words, e.query, strings.Join(ws[:1+i%2], " "))
	}
	r := rand.New(rand.NewPCG(evalSeed, 3))
	for range 200 {
		titles = append(titles, papers[r.IntN(len(papers))].DisplayTitle())
	}
	for _, set := range []struct {
		name    string
		queries []string
	}{{"words", words}, {"titles", titles}} {
		b.Run(set.name, func(b *testing.B) {
			var with, without []time.Duration
			for range b.N {
				for i, s := range set.queries {
					q, _, err := bot.ParseSearch(s, now)
					if err != nil {
						b.Fatal(err)
					}
					bare := *q
					bare.Title = ""
					type variant struct {
						q   *bot.Query
						lat *[]time.Duration
					}
					// Each first for half the queries: the second search of
					// a query finds its pages cached.
					vs := []variant{{q, &with}, {&bare, &without}}
					if i%2 == 1 {
						vs[0], vs[1] = vs[1], vs[0]
					}
					for _, v := range vs {
						start := time.Now()
						if _, err := db.Search(ctx, bot.SearchRequest{Query: v.q, Limit: 10, Now: now}); err != nil {
							b.Fatal(err)
						}
						*v.lat = append(*v.lat, time.Since(start))
					}
				}
			}
			p50 := func(lat []time.Duration) float64 {
				slices.Sort(lat)
				return float64(lat[len(lat)/2].Microseconds()) / 1000
			}
			p95 := func(lat []time.Duration) float64 {
				slices.Sort(lat)
				return float64(lat[len(lat)*95/100].Microseconds()) / 1000
			}
			b.ReportMetric(p50(with), "p50-ms")
			b.ReportMetric(p50(without), "p50-ms-without")
			b.ReportMetric(p95(with), "p95-ms")
			b.ReportMetric(p95(without), "p95-ms-without")
			b.ReportMetric(p50(with)/p50(without), "p50-ratio")
		})
	}
}
