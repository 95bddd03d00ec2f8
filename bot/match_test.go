package bot

import (
	"testing"
	"time"
)

func TestMatcher(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	p := Paper{ID: "2611.00001", Title: "Routing Tokens in Mixture-of-Experts", Abstract: "We study experts. Mixture models help.",
		Authors: []string{"Jürgen Müller", "Ada Lovelace"}, AIKeywords: []string{"sparse MoE"}, Upvotes: 30,
		ListDate: Date{2026, 11, 20}, GitHubRepo: "https://github.com/x/y", OrgName: "deepmind", OrgFullName: "Google DeepMind"}
	cases := map[string]bool{
		"routes":                    true, // stemmed
		`"mixture of experts"`:      true, // a phrase in the title
		`"experts mixture"`:         true, // adjacent in the abstract: punctuation is not a token
		`"models mixture"`:          false,
		`"lovelace routing"`:        false, // a phrase never spans two fields
		"experts -survey":           true,
		"experts -sparse":           false, // keywords count
		"video OR moe":              true,
		"(video OR audio) routing":  false,
		"author:muller":             true,
		`author:"ada love"`:         true,
		"author:turing":             false,
		"org:google experts":        true,
		"upvotes:>30":               false,
		"upvotes:<=30 has:code":     true,
		"has:project":               false,
		"since:2026-11-20":          true,
		"before:2026-11-20 experts": false,
		"id:2611.00001":             true,
		"id:2611.00002":             false,
	}
	toks := TokenizePaper(p)
	for s, want := range cases {
		q, err := ParseQuery(s, now)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := q.Matches(p, toks); got != want {
			t.Errorf("%q matches = %v, want %v", s, got, want)
		}
	}
}

// Matches reports whether the query finds the paper (its words and its
// filters; sort is ignored; an ID query matches that paper only). To test
// many papers, compile the query once with Matcher.
func (q *Query) Matches(p Paper, toks PaperTokens) bool { return q.Matcher()(p, &toks) }
