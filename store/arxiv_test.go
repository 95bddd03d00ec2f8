package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// arxivPaper is a paper as the arXiv feeds give it: no counters, no code,
// categories and arXiv's fields.
func arxivPaper(id string, version int) bot.Paper {
	return bot.Paper{
		ID:           id,
		Title:        "Sparse Attention for Robots",
		Abstract:     "We study sparse attention on robots.",
		Authors:      []string{"Ada Lovelace", "Alan Turing"},
		Categories:   []string{"cs.RO", "cs.LG"},
		ArxivComment: "8 pages, accepted at CoRL 2026",
		DOI:          "10.1000/xyz",
		Version:      version,
	}
}

// hfPaper is the same paper as Hugging Face lists it: counters, code,
// summary, no arXiv fields.
func hfPaper(id string) bot.Paper {
	return bot.Paper{
		ID:          id,
		Title:       "Sparse Attention for Robots",
		Abstract:    "We study sparse attention on robots.",
		Authors:     []string{"Ada Lovelace", "Alan Turing"},
		PublishedAt: time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC),
		Upvotes:     50,
		Comments:    3,
		GitHubRepo:  "https://github.com/example/sparse",
		GitHubStars: 120,
		AISummary:   "Sparse attention helps robots.",
		AIKeywords:  []string{"robots"},
	}
}

// TestOnePaperTwoSources: a paper arXiv announces on Monday and Hugging
// Face lists on Tuesday is one paper with both sources' fields, whichever
// came first; a later replacement raises the version and keeps the
// counters; the Monday announcement stays "new"; only the first save
// queues it for alerts, and a backfill (queue false) never does.
func TestOnePaperTwoSources(t *testing.T) {
	ctx := context.Background()
	mon, tue, wed := bot.Date{Year: 2026, Month: 11, Day: 30}, bot.Date{Year: 2026, Month: 12, Day: 1}, bot.Date{Year: 2026, Month: 12, Day: 2}
	want := func(p bot.Paper) bot.Paper {
		a, h := arxivPaper(p.ID, 1), hfPaper(p.ID)
		h.Categories, h.ArxivComment, h.DOI, h.Version = a.Categories, a.ArxivComment, a.DOI, a.Version
		h.ListDate, h.AnnouncedOn = tue, mon
		return h
	}
	check := func(t *testing.T, db *DB, id string, version int) {
		t.Helper()
		got, err := db.GetPaper(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		w := want(got)
		w.Version = version
		got.FetchedAt = time.Time{}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("stored paper (-want +got):\n%s", diff)
		}
	}
	t.Run("arXiv first", func(t *testing.T) {
		db, path := openDB(t)
		res, err := db.SaveAnnounced(ctx, mon, []Announced{{Paper: arxivPaper("2611.00001", 1), Type: "new"}}, true, t0)
		if err != nil || res.New != 1 {
			t.Fatalf("announced: %+v, %v", res, err)
		}
		listed, err := db.SaveLiveList(ctx, tue, []bot.Paper{hfPaper("2611.00001")}, at(1))
		if err != nil || listed.New != 0 || listed.Updated != 1 {
			t.Fatalf("listed: %+v, %v (want the known paper updated, not new)", listed, err)
		}
		check(t, db, "2611.00001", 1)
		// v2 on Wednesday: the version grows, nothing of Hugging Face's
		// goes, Monday stays a "new" announcement.
		if _, err := db.SaveAnnounced(ctx, wed, []Announced{{Paper: arxivPaper("2611.00001", 2), Type: "replace"}}, true, at(2)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveAnnounced(ctx, mon, []Announced{{Paper: arxivPaper("2611.00001", 1), Type: "replace"}}, true, at(3)); err != nil {
			t.Fatal(err)
		}
		check(t, db, "2611.00001", 2)
		raw := openRaw(t, path, "")
		if n := count(t, raw, `SELECT count(*) FROM alert_queue WHERE paper_id = '2611.00001'`); n != 1 {
			t.Errorf("queued %d times, want once", n)
		}
		var types []string
		rows, err := raw.Query(`SELECT day || ' ' || announce_type FROM announcements ORDER BY day`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			types = append(types, s)
		}
		rows.Close()
		if !slices.Equal(types, []string{"2026-11-30 new", "2026-12-02 replace"}) {
			t.Errorf("announcements %v", types)
		}
		checkFTS(t, path)
	})
	t.Run("Hugging Face first", func(t *testing.T) {
		db, path := openDB(t)
		if _, err := db.SaveLiveList(ctx, tue, []bot.Paper{hfPaper("2611.00001")}, t0); err != nil {
			t.Fatal(err)
		}
		res, err := db.SaveAnnounced(ctx, mon, []Announced{{Paper: arxivPaper("2611.00001", 1), Type: "new"}}, true, at(1))
		if err != nil || res.New != 0 || res.Updated != 1 {
			t.Fatalf("announced: %+v, %v", res, err)
		}
		// An older Hugging Face snapshot from a file erases nothing either.
		if _, err := db.SavePapers(ctx, []bot.Paper{{ID: "2611.00001", Title: "Sparse Attention for Robots", ListDate: tue}}, at(2)); err != nil {
			t.Fatal(err)
		}
		check(t, db, "2611.00001", 1)
		checkFTS(t, path)
	})
	t.Run("backfill", func(t *testing.T) {
		db, path := openDB(t)
		p := arxivPaper("hep-th/9901001", 3)
		if _, err := db.SaveAnnounced(ctx, mon, []Announced{{Paper: p, Type: "new"}}, false, t0); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetPaper(ctx, "hep-th/9901001")
		if err != nil || got.Version != 3 || got.AnnouncedOn != mon || !got.ListDate.IsZero() {
			t.Fatalf("old-style id: %+v, %v", got, err)
		}
		raw := openRaw(t, path, "")
		if n := count(t, raw, `SELECT count(*) FROM alert_queue`); n != 0 {
			t.Errorf("a backfilled paper was queued for alerts")
		}
		// Its date is the announcement day: since: and before: find it.
		now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		for q, n := range map[string]int{"robots since:2026-11-30": 1, "robots before:2026-11-30": 0, "robots since:2026-12-01": 0} {
			pq, err := bot.ParseQuery(q, now)
			if err != nil {
				t.Fatal(err)
			}
			res, err := db.Search(ctx, bot.SearchRequest{Query: pq, Limit: 5, Now: now})
			if err != nil || res.Total != n {
				t.Errorf("%s: %d papers, %v; want %d", q, res.Total, err, n)
			}
		}
	})
}

// TestSearchByCategory: cat: finds the papers arXiv put in a category or
// an archive, alone or with words, in the ranking and in the exhaustive
// oracle alike; a paper only Hugging Face listed has no category.
func TestSearchByCategory(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	mon := bot.Date{Year: 2026, Month: 11, Day: 30}
	var items []Announced
	cats := [][]string{{"cs.RO"}, {"cs.CL", "cs.RO"}, {"hep-th"}, {"math.OC", "eess.SY"}, {"cs.LG"}}
	for i, c := range cats {
		p := arxivPaper("2611.0000"+string(rune('1'+i)), 1)
		p.Categories = c
		items = append(items, Announced{Paper: p, Type: "new"})
	}
	if _, err := db.SaveAnnounced(ctx, mon, items, true, t0); err != nil {
		t.Fatal(err)
	}
	hf := hfPaper("2611.00009")
	if _, err := db.SaveLiveList(ctx, mon.AddDays(1), []bot.Paper{hf}, t0); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for q, want := range map[string][]string{
		"cat:cs.RO":               {"2611.00001", "2611.00002"},
		"robots cat:cs.ro":        {"2611.00001", "2611.00002"},
		"cat:cs.*":                {"2611.00001", "2611.00002", "2611.00005"},
		"robots cat:cs":           {"2611.00001", "2611.00002", "2611.00005"},
		"cat:hep-th,math.OC":      {"2611.00003", "2611.00004"},
		"cat:cs cat:cs.CL robots": {"2611.00002"},
		"cat:astro-ph":            nil,
	} {
		pq, err := bot.ParseQuery(q, now)
		if err != nil {
			t.Fatal(err)
		}
		req := bot.SearchRequest{Query: pq, Limit: 10, Now: now}
		res, err := db.Search(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		// The oracle ranks word queries only; a query of filters only is
		// checked against want alone.
		oracle := res
		if pq.Expr != nil {
			if oracle, err = db.ExhaustiveSearch(ctx, req); err != nil {
				t.Fatalf("%s oracle: %v", q, err)
			}
		}
		got, fromOracle := hitIDs(res), hitIDs(oracle)
		slices.Sort(got)
		slices.Sort(fromOracle)
		if !slices.Equal(got, want) || !slices.Equal(fromOracle, want) || res.Total != len(want) {
			t.Errorf("%s: search %v (total %d), oracle %v; want %v", q, got, res.Total, fromOracle, want)
		}
	}
}

// TestReplacementsOfUnknownPapers: a new version of a paper the store does
// not have is not stored (it is an old paper, and would alert); one of a
// known paper updates its version; only the new papers are queued for
// alerts.
func TestReplacementsOfUnknownPapers(t *testing.T) {
	db, path := openDB(t)
	ctx := context.Background()
	mon, tue := bot.Date{Year: 2026, Month: 11, Day: 30}, bot.Date{Year: 2026, Month: 12, Day: 1}
	if _, err := db.SaveAnnounced(ctx, mon, []Announced{{Paper: arxivPaper("2611.00001", 1), Type: "new"}}, true, t0); err != nil {
		t.Fatal(err)
	}
	res, err := db.SaveAnnounced(ctx, tue, []Announced{
		{Paper: arxivPaper("2611.00001", 2), Type: "replace"},
		{Paper: arxivPaper("2201.00002", 5), Type: "replace-cross"},
		{Paper: arxivPaper("2612.00003", 1), Type: "cross"},
	}, true, at(1))
	if err != nil || res.Unknown != 1 || res.New != 1 || res.Updated != 1 {
		t.Fatalf("Tuesday: %+v, %v; want 1 unknown replacement left out, 1 new, 1 updated", res, err)
	}
	if _, err := db.GetPaper(ctx, "2201.00002"); err == nil {
		t.Error("the replacement of an unknown paper was stored")
	}
	if p, err := db.GetPaper(ctx, "2611.00001"); err != nil || p.Version != 2 {
		t.Errorf("the known paper: version %d, %v; want 2", p.Version, err)
	}
	raw := openRaw(t, path, "")
	if n := count(t, raw, `SELECT count(*) FROM alert_queue`); n != 2 {
		t.Errorf("%d papers queued for alerts, want 2 (the two new ones)", n)
	}
}
