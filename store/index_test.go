package store

import (
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// A store made before migration 0005 (papers indexed by pk) is re-indexed
// by date-ordered rowids when it opens, and searches find its papers.
func TestUpgradeReindexes(t *testing.T) {
	path := t.TempDir() + "/old.db"
	raw := openRaw(t, path, "")
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v, name := range []string{"0001_init.sql", "0002_users.sql", "0003_search.sql"} {
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z')`, v+1, name); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []struct{ id, title, day string }{
		{"2601.00001", "Old routing paper", "2026-01-05"},
		{"2601.00002", "New routing paper", "2026-02-05"},
		{"2601.00003", "Unrelated diffusion", "2026-01-06"},
	} {
		if _, err := raw.Exec(`INSERT INTO papers (id, title, abstract, authors, authors_fold, list_date, first_seen_at, fetched_at)
			VALUES (?, ?, 'An abstract.', 'Jürgen Müller', 'jurgen muller', ?, 'x', 'x')`, p.id, p.title, p.day); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO papers_fts (rowid, title, ai_summary, ai_keywords, abstract, authors)
			SELECT pk, title, ai_summary, ai_keywords, abstract, authors FROM papers WHERE pk = ?`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db := openPath(t, path)
	q, err := bot.ParseQuery("routing", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: 10, Now: time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Hits) != 2 || res.Hits[0].Paper.ID != "2601.00002" {
		t.Fatalf("after upgrade, routing finds %d (%v), want the newer paper first of 2", res.Total, res.Hits)
	}
	q, _ = bot.ParseQuery(`author:"muller" since:2026-01-06`, time.Now())
	if res, err = db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: 10, Now: time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)}); err != nil || res.Total != 2 {
		t.Fatalf("after upgrade, author and since find %d papers (%v), want 2", res.Total, err)
	}
	checkFTS(t, path)
}

// A paper saved first without a list date (so dated by arXiv) and later
// with one moves to its list's day: since: and recency follow.
func TestRedateMovesIndexEntries(t *testing.T) {
	db, path := openDB(t)
	p := bot.Paper{ID: "2601.00009", Title: "Routing experts", Abstract: "Mixture of experts.",
		Authors: []string{"Ada Lovelace"}, PublishedAt: time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC)}
	if _, err := db.SavePapers(t.Context(), []bot.Paper{p}, time.Now()); err != nil {
		t.Fatal(err)
	}
	count := func(s string) int {
		q, err := bot.ParseQuery(s, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(t.Context(), bot.SearchRequest{Query: q, Limit: 5, Now: time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := count("routing since:2026-01-01"); n != 0 {
		t.Fatalf("before its list date: %d matches since 2026-01-01, want 0", n)
	}
	p.ListDate = bot.Date{Year: 2026, Month: 1, Day: 7}
	if _, err := db.SaveList(t.Context(), p.ListDate, []bot.Paper{p}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count("routing since:2026-01-01"); n != 1 {
		t.Fatalf("after its list date: %d matches since 2026-01-01, want 1", n)
	}
	if n := count(`author:"lovelace" since:2026-01-07 before:2026-01-08`); n != 1 {
		t.Fatalf("author index after the move: %d matches, want 1", n)
	}
	if n := count("routing before:2026-01-01"); n != 0 {
		t.Fatalf("old index entry left behind: %d matches before 2026-01-01", n)
	}
	// Upvotes crossing a band limit move it to that band's rowids.
	p.Upvotes = 150
	if _, err := db.SaveList(t.Context(), p.ListDate, []bot.Paper{p}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := count("routing upvotes:>=100"); n != 1 {
		t.Fatalf("after 150 upvotes: %d matches with upvotes:>=100, want 1", n)
	}
	if n := count("routing"); n != 1 {
		t.Fatalf("after 150 upvotes: %d matches, want 1 (no copy left in the old band)", n)
	}
	checkFTS(t, path)
}
