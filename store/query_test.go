package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// searchFixture stores a small, hand-made set of papers.
func searchFixture(t *testing.T) *DB {
	t.Helper()
	db, _ := openDB(t)
	d := func(s string) bot.Date { d, _ := bot.ParseDate(s); return d }
	papers := []bot.Paper{
		{ID: "2601.00001", Title: "Sparse Mixture of Experts Routing", Abstract: "We route tokens to experts with a learned router. Routing is hard.",
			Authors: []string{"Yann LeCun", "Jürgen Schmidhuber"}, ListDate: d("2026-01-05"), Upvotes: 50, GitHubRepo: "https://github.com/a/b",
			AIKeywords: []string{"mixture of experts"}, OrgName: "meta", OrgFullName: "Meta AI"},
		{ID: "2601.00002", Title: "Diffusion Models for Video", Abstract: "A diffusion model generates video frames. No experts here.",
			Authors: []string{"Ada Lovelace"}, ListDate: d("2026-01-06"), Upvotes: 5, ProjectPage: "https://example.org"},
		{ID: "2601.00003", Title: "Routing Networks Survey", Abstract: "A survey of routing in neural networks and of mixture models.",
			Authors: []string{"Alan Turing"}, ListDate: d("2025-06-01"), Upvotes: 200},
		{ID: "2601.00004", Title: "Experts in Diffusion", Abstract: "Mixture of experts meets diffusion; routing tokens to denoisers.",
			Authors: []string{"Grace Hopper"}, ListDate: d("2026-01-07"), Upvotes: 20},
	}
	if _, err := db.SavePapers(t.Context(), papers, t0); err != nil {
		t.Fatal(err)
	}
	return db
}

func search(t *testing.T, db *DB, query string, limit int) bot.SearchResults {
	t.Helper()
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	q, err := bot.ParseQuery(query, now)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", query, err)
	}
	res, err := db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: limit, Now: now})
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	return res
}

func hitIDs(res bot.SearchResults) []string {
	var ids []string
	for _, h := range res.Hits {
		id := h.Paper.ID
		if h.Partial {
			id += "~"
		}
		ids = append(ids, id)
	}
	return ids
}

func TestSearchFiltersAndSorts(t *testing.T) {
	t.Parallel()
	db := searchFixture(t)
	cases := []struct {
		query string
		want  []string // "~" marks an any-word (partial) result
	}{
		{"mixture experts routing", []string{"2601.00001", "2601.00004", "2601.00003~", "2601.00002~"}},
		{`"mixture of experts"`, []string{"2601.00001", "2601.00004"}},
		{"routing -survey", []string{"2601.00001", "2601.00004"}},
		{`routing -"mixture of experts"`, []string{"2601.00003"}},
		{"video OR survey", []string{"2601.00003", "2601.00002"}},
		{"(video OR survey) routing", []string{"2601.00003", "2601.00002~", "2601.00001~", "2601.00004~"}},
		{"router", []string{"2601.00001"}},                             // stemmed: router → "router"; routes → "rout"
		{"routes", []string{"2601.00001", "2601.00003", "2601.00004"}}, // titles weigh most
		{`author:"yann lecun"`, []string{"2601.00001"}},
		{"author:schmidhuber", []string{"2601.00001"}},
		{"author:Jurgen", []string{"2601.00001"}}, // accent-insensitive
		{"author:lecu routing", []string{"2601.00001"}},
		{"org:meta", []string{"2601.00001"}},
		{"routing upvotes:>=50", []string{"2601.00001", "2601.00003"}},
		{"routing upvotes:<50", []string{"2601.00004"}},
		{"has:code", []string{"2601.00001"}},
		{"has:project diffusion", []string{"2601.00002"}},
		{"routing since:2026-01-01", []string{"2601.00001", "2601.00004"}},
		{"routing before:2026-01-01", []string{"2601.00003"}},
		{"routing since:7d", []string{"2601.00001", "2601.00004"}}, // now is 2026-01-10: since 01-03
		{"routing sort:date", []string{"2601.00004", "2601.00001", "2601.00003"}},
		{"routing sort:upvotes", []string{"2601.00003", "2601.00001", "2601.00004"}},
		{"id:2601.00002", []string{"2601.00002"}},
		{"https://huggingface.co/papers/2601.00003", []string{"2601.00003"}},
		{"id:2401.99999", nil},
		{"zebra", nil},
	}
	for _, c := range cases {
		got := hitIDs(search(t, db, c.query, 10))
		if !cmp.Equal(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.query, got, c.want)
		}
	}
}

func TestSearchRelevanceWeightsTitle(t *testing.T) {
	t.Parallel()
	db := searchFixture(t)
	// "diffusion" is in the title of 2 and 4 and the abstract of both; 2 has
	// it twice in the abstract but fewer upvotes.
	res := search(t, db, "diffusion", 10)
	if len(res.Hits) != 2 || res.Hits[0].Score < res.Hits[1].Score {
		t.Fatalf("scores not descending: %+v", res.Hits)
	}
	for _, h := range res.Hits {
		if h.Score <= 0 {
			t.Errorf("score %v", h.Score)
		}
	}
}

func TestSearchSnippetMarksMatches(t *testing.T) {
	t.Parallel()
	db := searchFixture(t)
	res := search(t, db, "router", 10)
	var bold []string
	for _, sp := range res.Hits[0].Snippet {
		if sp.Bold {
			bold = append(bold, sp.Text)
		}
	}
	if !cmp.Equal(bold, []string{"router."}) {
		t.Fatalf("bold spans %v in %+v", bold, res.Hits[0].Snippet)
	}
}

func TestSearchPagingAndTotals(t *testing.T) {
	t.Parallel()
	db := searchFixture(t)
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	q, _ := bot.ParseQuery("mixture experts routing", now)
	var all []string
	for off := 0; off < 6; off += 2 {
		res, err := db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: 2, Offset: off, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		// The partial total is counted once the page reaches past the 2
		// all-words results.
		if wantPartial := map[int]int{0: 0, 2: 2, 4: 2}[off]; res.Total != 2 || res.PartialTotal != wantPartial {
			t.Fatalf("offset %d: totals %d+%d, want 2+%d", off, res.Total, res.PartialTotal, wantPartial)
		}
		all = append(all, hitIDs(res)...)
	}
	want := []string{"2601.00001", "2601.00004", "2601.00003~", "2601.00002~"}
	if !cmp.Equal(all, want) {
		t.Fatalf("pages %v, want %v", all, want)
	}
}

// Whatever a user types, the store never returns an FTS5 or SQL error.
func TestSearchHostileQueries(t *testing.T) {
	t.Parallel()
	db := searchFixture(t)
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{`'`, `"a"" OR 1=1 --"`, `; DROP TABLE papers; --`, `*`, `NEAR(routing experts)`, `^routing`,
		`routing*`, `{title}:x`, `title : routing`, `"unterminated`, `author:"%_\"`, `org:%`, `a AND OR b`, `x NOT y`, `-(a)`,
		`ü ö ä 🧪 中文`, strings.Repeat("routing ", 60)} {
		q, err := bot.ParseQuery(s, now)
		if err != nil {
			if bot.ErrorCode(err) != bot.EInvalid {
				t.Errorf("%q: %v", s, err)
			}
			continue
		}
		if _, err := db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: 5, Now: now}); err != nil {
			t.Errorf("%q: store error %v", s, err)
		}
	}
}

func TestSearchPageState(t *testing.T) {
	t.Parallel()
	db, _ := openDB(t)
	if err := db.SavePage(t.Context(), "k1", "routing since:7d", t0); err != nil {
		t.Fatal(err)
	}
	if q, err := db.LoadPage(t.Context(), "k1"); err != nil || q != "routing since:7d" {
		t.Fatalf("LoadPage = %q, %v", q, err)
	}
	// Two days later a new save clears it.
	if err := db.SavePage(t.Context(), "k2", "x", t0.Add(49*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadPage(t.Context(), "k1"); err != bot.ErrNotFound {
		t.Fatalf("old page state kept: %v", err)
	}
}

// A word with an author: filter reads the word's matches and checks each
// against the author's list; SQLite must not turn the list into one
// full-text lookup per author match (at 1M papers, "agents" by a common
// name took 46 s that way, 33 ms this way).
func TestWordAndAuthorPlan(t *testing.T) {
	db := searchFixture(t)
	q, err := bot.ParseQuery(`experts author:"jürgen"`, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pl := planFilters(q)
	where, args := pl.where("papers_fts.rowid", 4)
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN SELECT papers_fts.rowid FROM papers_fts
		WHERE papers_fts MATCH '"experts"' AND `+where+` ORDER BY papers_fts.rowid DESC`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	for _, d := range plan {
		if strings.Contains(d, "papers_fts VIRTUAL TABLE INDEX") && strings.Contains(d, "=") {
			t.Errorf("the author list is used as full-text lookups: %q (plan %q)", d, plan)
		}
		if strings.Contains(d, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("the scan is not read newest first: plan %q", plan)
		}
	}
}

// A search whose second readers are all taken by other searches does not
// wait for one: it runs every band on its own transaction, with the same
// results and count.
func TestSearchWithoutFreeSecondReader(t *testing.T) {
	db := searchFixture(t)
	q, err := bot.ParseQuery(`experts routing`, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req := bot.SearchRequest{Query: q, Limit: 5, Now: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	want, err := db.Search(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	for range cap(db.auxFree) {
		db.auxFree <- struct{}{}
	}
	defer func() {
		for range cap(db.auxFree) {
			<-db.auxFree
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := db.Search(ctx, req)
	if err != nil {
		t.Fatalf("search with every second reader busy: %v", err)
	}
	if got.Total != want.Total || len(got.Hits) != len(want.Hits) || len(got.Hits) == 0 {
		t.Fatalf("got %d of %d, want %d of %d", len(got.Hits), got.Total, len(want.Hits), want.Total)
	}
	for i := range got.Hits {
		if got.Hits[i].Paper.ID != want.Hits[i].Paper.ID || got.Hits[i].Score != want.Hits[i].Score {
			t.Errorf("result %d: %s %v, want %s %v", i+1, got.Hits[i].Paper.ID, got.Hits[i].Score, want.Hits[i].Paper.ID, want.Hits[i].Score)
		}
	}
}
