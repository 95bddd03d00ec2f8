package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// queryFields are the fields of the query language (bot/query_field.go's
// list; see "Adding a query field" in bot/doc.go). Each must be honoured
// by all four places that give the language its meaning.
var queryFields = []string{"author", "org", "cat", "upvotes", "has", "since", "before", "sort", "id"}

// TestEveryQueryFieldEverywhere checks that each field filters the same
// papers in the per-paper matcher (channel filters), the batch topic
// matcher (alerts), the store's search (its SQL) and the exhaustive oracle,
// and that it changes the answer (a place that ignored the field would
// give the unfiltered answer and fail here). A field added to the
// language without an example here fails the first check.
func TestEveryQueryFieldEverywhere(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	today := bot.DateOf(now)
	papers := []bot.Paper{
		{ID: "2611.00001", Title: "Robot models for grasping", Abstract: "Models.", Authors: []string{"José Müller"}, Upvotes: 50,
			GitHubRepo: "https://github.com/a/b", ListDate: today, OrgName: "meta", Categories: []string{"cs.RO", "cs.LG"}},
		{ID: "2611.00002", Title: "Survey of models", Abstract: "Survey.", Authors: []string{"Ada Lovelace"}, Upvotes: 5,
			ListDate: today.AddDays(-20), Categories: []string{"math.OC"}},
		{ID: "2611.00003", Title: "Speech models", Abstract: "Speech.", Authors: []string{"Alan Turing"}, Upvotes: 20,
			ProjectPage: "https://example.org/p", ListDate: today.AddDays(-2), OrgName: "google", Categories: []string{"cs.CL"}},
		{ID: "2611.00004", Title: "Models of proteins", Abstract: "Proteins.", Authors: []string{"Rosalind Franklin"},
			Categories: []string{"q-bio.BM"}, PublishedAt: now.Add(-24 * time.Hour)},
	}
	examples := map[string]string{
		"author":  "models author:muller",
		"org":     "models org:GOOGLE",
		"cat":     "models cat:cs.*",
		"upvotes": "models upvotes:>=20",
		"has":     "models has:code",
		"since":   "models since:7d",
		"before":  "models before:2026-11-10",
		"sort":    "", // orders, does not filter: checked by the sort tests
		"id":      "id:2611.00003",
	}
	for _, f := range queryFields {
		if _, ok := examples[f]; !ok {
			t.Fatalf("field %s has no example here: add one, and make sure the matcher, the topic matcher, the SQL compiler and the oracle all know it", f)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, p := range papers {
		var err error
		if len(p.Categories) > 0 && p.ListDate.IsZero() {
			_, err = db.SaveAnnounced(context.Background(), today, []bot.Announced{{Paper: p, Type: bot.AnnounceNew}}, false, now)
		} else {
			_, err = db.SavePapers(context.Background(), []bot.Paper{p}, now)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	stored := make([]bot.Paper, len(papers))
	for i, p := range papers {
		if stored[i], err = db.GetPaper(context.Background(), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	answers := func(s string) (matcher, topics, search, oracle []string) {
		t.Helper()
		q, err := bot.ParseQuery(s, now)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		m := q.Matcher()
		for _, p := range stored {
			toks := bot.TokenizePaper(p)
			if m(p, &toks) {
				matcher = append(matcher, p.ID)
			}
		}
		for _, a := range bot.MatchTopics([]bot.Subscription{{ID: 1, User: bot.UserRef{Platform: "x", ID: "u"}, Query: s}}, stored, now) {
			topics = append(topics, a.PaperID)
		}
		req := bot.SearchRequest{Query: q, Limit: 50, Now: now}
		res, err := db.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("search %q: %v", s, err)
		}
		for _, h := range res.Hits {
			search = append(search, h.Paper.ID)
		}
		if q.ID != "" {
			// The oracle ranks word queries; an id query finds its paper
			// without ranking.
			oracle = slices.Clone(search)
		} else {
			ex, err := db.ExhaustiveSearch(context.Background(), req)
			if err != nil {
				t.Fatalf("oracle %q: %v", s, err)
			}
			for _, h := range ex.Hits {
				oracle = append(oracle, h.Paper.ID)
			}
		}
		for _, l := range [][]string{matcher, topics, search, oracle} {
			slices.Sort(l)
		}
		return
	}
	unfiltered, _, _, _ := answers("models")
	for _, f := range queryFields {
		s := examples[f]
		if s == "" {
			continue
		}
		m, tp, se, or := answers(s)
		if len(m) == 0 || slices.Equal(m, unfiltered) && f != "id" {
			t.Errorf("%s: %q matches %v, the example must filter (unfiltered: %v)", f, s, m, unfiltered)
		}
		for name, got := range map[string][]string{"topic matcher": tp, "search (SQL)": se, "oracle": or} {
			if !slices.Equal(got, m) {
				t.Errorf("%s: %q: the %s finds %v, the per-paper matcher %v", f, s, name, got, m)
			}
		}
	}
}
