package main_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

func TestCategoryMatches(t *testing.T) {
	for _, tc := range []struct {
		alts, cats []string
		want       bool
	}{
		{[]string{"cs.CL"}, []string{"cs.LG", "cs.CL"}, true},
		{[]string{"cs.cl"}, []string{"cs.CL"}, true}, // case does not matter
		{[]string{"cs.CL"}, []string{"cs.CV"}, false},
		{[]string{"cs"}, []string{"math.OC", "cs.SY"}, true},    // a whole archive
		{[]string{"cs"}, []string{"csx.AB"}, false},             // not a prefix of the name
		{[]string{"hep-th"}, []string{"hep-th"}, true},          // an archive that is a category
		{[]string{"hep"}, []string{"hep-th"}, false},            // hep-th is not in an archive "hep"
		{[]string{"math.OC", "cs.RO"}, []string{"cs.RO"}, true}, // any alternative
		{[]string{"cs.CL"}, nil, false},                         // Hugging Face only: no categories
		{[]string{"q-bio"}, []string{"q-bio.BM", "cs.LG"}, true},
		{[]string{"cs.CL"}, []string{"cs"}, false},
	} {
		if got := bot.CategoryMatches(tc.alts, tc.cats); got != tc.want {
			t.Errorf("CategoryMatches(%q, %q) = %v, want %v", tc.alts, tc.cats, got, tc.want)
		}
	}
}

// TestCategoryFilterMatchersAgree: a topic or channel filter with cat:
// passes the same papers in the per-paper matcher and in the batch
// matcher of the alert run.
func TestCategoryFilterMatchersAgree(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	day := bot.Date{Year: 2026, Month: 12, Day: 7}
	papers := []bot.Paper{
		{ID: "2612.00001", Title: "Robot arms", Categories: []string{"cs.RO"}, AnnouncedOn: day},
		{ID: "2612.00002", Title: "Robot language", Categories: []string{"cs.CL", "cs.RO"}, AnnouncedOn: day},
		{ID: "2612.00003", Title: "Robot strings", Categories: []string{"hep-th"}, AnnouncedOn: day},
		{ID: "2612.00004", Title: "Robot control", Categories: []string{"math.OC", "eess.SY"}, AnnouncedOn: day},
		{ID: "2612.00005", Title: "Robot upvotes", ListDate: day, Upvotes: 40}, // Hugging Face only
	}
	queries := map[string][]string{
		"robot cat:cs.RO":                  {"2612.00001", "2612.00002"},
		"robot cat:cs.*":                   {"2612.00001", "2612.00002"},
		"robot cat:cs.CL,hep-th":           {"2612.00002", "2612.00003"},
		"robot cat:cs cat:cs.CL":           {"2612.00002"},
		"robot cat:math,eess.SY":           {"2612.00004"},
		"robot cat:CS.ro since:2026-12-07": {"2612.00001", "2612.00002"},
	}
	var subs []bot.Subscription
	id := int64(0)
	for q := range queries {
		id++
		subs = append(subs, bot.Subscription{ID: id, User: bot.UserRef{Platform: "chat", ID: q}, Query: q, Created: now})
	}
	got := map[string][]string{}
	for _, a := range bot.MatchTopics(subs, papers, now) {
		got[a.User.ID] = append(got[a.User.ID], a.PaperID)
	}
	for q, want := range queries {
		pq, err := bot.ParseQuery(q, now)
		if err != nil {
			if want == nil {
				continue
			}
			t.Fatalf("%q: %v", q, err)
		}
		var one []string
		match := pq.Matcher()
		for _, p := range papers {
			if toks := bot.TokenizePaper(p); match(p, &toks) {
				one = append(one, p.ID)
			}
		}
		slices.Sort(one)
		batch := got[q]
		slices.Sort(batch)
		if want != nil && !slices.Equal(one, want) {
			t.Errorf("%q: the per-paper matcher passes %v, want %v", q, one, want)
		}
		if !slices.Equal(one, batch) {
			t.Errorf("%q: the per-paper matcher passes %v, the batch matcher %v", q, one, batch)
		}
	}
}

// TestSearchShowsArxivOnlyPapers: in chat, a paper only arXiv has
// described is found with cat:, links to its arXiv page and shows its
// category where a Hugging Face paper shows its upvotes.
func TestSearchShowsArxivOnlyPapers(t *testing.T) {
	f := newFixture(t)
	day := bot.Date{Year: 2026, Month: 11, Day: 20}
	p := bot.Paper{ID: "2611.04242", Title: "Legged Robots on Ice", Abstract: "We walk on ice.", Categories: []string{"cs.RO", "cs.LG"}}
	if _, err := f.db.SaveAnnounced(context.Background(), day, []store.Announced{{Paper: p, Type: "new"}}, false, f.now); err != nil {
		t.Fatal(err)
	}
	r := commands(f).Handle(context.Background(), papersCmd("search", map[string]string{"query": "robots cat:cs.RO"}))
	var head bot.Line
	for _, l := range r.Lines {
		if len(l) > 1 && l[0].Text == "1. " {
			head = l
		}
	}
	if r.Error || len(head) < 3 || head[1].URL != "https://arxiv.org/abs/2611.04242" || head[2].Text != " · cs.RO · 2026-11-20" {
		t.Errorf("first result %+v\n%s", head, r.Plain())
	}
}
