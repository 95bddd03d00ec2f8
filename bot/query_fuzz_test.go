package bot

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseQuery: no input panics; every input either parses, and its
// canonical form parses back to an equal query, or gets a one-line
// *Error with code EInvalid. The lenient parser of searches, ParseSearch,
// refuses only an input with nothing in it once cleaned (and then as
// ParseQuery refuses an empty query); otherwise it gives a valid query
// whose canonical form it reads back the same, Title set to the cleaned
// input (but for an ID query or filters only), a note of one line, and,
// when ParseQuery accepts the input and it needs no cleaning, ParseQuery's
// query with no note. (store.FuzzSearch runs its queries against a store:
// no SQL or FTS5 error.)
func FuzzParseQuery(f *testing.F) {
	for _, tc := range validQueries {
		f.Add(tc.in)
	}
	for _, tc := range invalidQueries {
		f.Add(tc.in)
	}
	for _, s := range []string{
		`a "b c" -d (e OR f) author:"x y" org:z upvotes:>3 has:code since:2w before:2030-01-01 sort:date`,
		"NEAR(a b) * ^ : + \"x\" -y", "\xff\xfe", "a\u2028b", `author:"a` + "\n" + `b" x`, "İı ǅ ß ﬁ",
		"FruitNeRF: A Unified Neural Radiance Field", `The "Curse of Depth`, "Attention Is NOT All You Need",
		"Untitled (arXiv:2608.12345)", "🚀🔥", "\u200b", "See https://github.com/foo/bar", strings.Repeat("ab ", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParseSearch(t, s)
		q, err := ParseQuery(s, queryNow)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseQuery(%q): error %v (%T) is not a *bot.Error", s, err, err)
			}
			if e.Code != EInvalid {
				t.Fatalf("ParseQuery(%q): code %q", s, e.Code)
			}
			if e.Message == "" || strings.ContainsAny(e.Message, "\n\r\u2028\u2029\u0085") || !utf8.ValidString(e.Message) {
				t.Fatalf("ParseQuery(%q): message %q is not one line", s, e.Message)
			}
			return
		}
		if err := checkQuery(q); err != nil {
			t.Fatalf("ParseQuery(%q): %v", s, err)
		}
		c := q.String()
		q2, err := ParseQuery(c, queryNow)
		if err != nil {
			t.Fatalf("ParseQuery(%q) (the String of %q): %v", c, s, err)
		}
		if diff := cmp.Diff(q, q2, ignoreRaw); diff != "" {
			t.Fatalf("ParseQuery(%q) (the String of %q) differs (-want +got):\n%s", c, s, diff)
		}
		if c2 := q2.String(); c2 != c {
			t.Fatalf("String is not stable for %q: %q, then %q", s, c, c2)
		}
		// The Go matcher (channel filters, alerts) takes every query the
		// parser accepts, and the canonical form matches the same papers.
		for _, p := range fuzzQueryPapers {
			toks := TokenizePaper(p)
			if a, b := q.Matches(p, toks), q2.Matches(p, toks); a != b {
				t.Fatalf("ParseQuery(%q) matches %s: %v, its String %q: %v", s, p.ID, a, c, b)
			}
		}
	})
}

// fuzzQueryPapers are papers FuzzParseQuery matches every parsed query
// against.
var fuzzQueryPapers = []Paper{
	{ID: "2608.19880", Title: "Diffusion models for video", Abstract: "We study diffusion. A survey of İstanbul ﬁne-tuning.",
		Authors: []string{"Yann LeCun", "Ann Lee"}, Upvotes: 25, GitHubRepo: "https://github.com/a/b", OrgName: "meta",
		OrgFullName: "Meta AI", ListDate: Date{Year: 2026, Month: 8, Day: 21}},
	{ID: "2401.00001", Title: "", Authors: nil, Upvotes: -1},
}

// checkParseSearch checks ParseSearch on one input (FuzzParseQuery).
func checkParseSearch(t *testing.T, s string) {
	q, note, err := ParseSearch(s, queryNow)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Code != EInvalid || CleanText(s) != "" {
			t.Fatalf("ParseSearch(%q): %v", s, err)
		}
		return
	}
	if strings.ContainsAny(note, "\n\r\u2028\u2029\u0085") || !utf8.ValidString(note) {
		t.Fatalf("ParseSearch(%q): note %q is not one line", s, note)
	}
	if err := checkQuery(q); err != nil {
		t.Fatalf("ParseSearch(%q): %v", s, err)
	}
	if q.ID == "" && (q.Expr != nil || !q.hasFilter()) && q.Title != CleanText(s) {
		t.Fatalf("ParseSearch(%q): Title %q", s, q.Title)
	}
	c := q.String()
	q2, _, err := ParseSearch(c, queryNow)
	if err != nil {
		t.Fatalf("ParseSearch(%q) (the String of %q): %v", c, s, err)
	}
	if diff := cmp.Diff(q, q2, ignoreRawTitle); diff != "" {
		t.Fatalf("ParseSearch(%q) (the String of %q) differs (-want +got):\n%s", c, s, diff)
	}
	if CleanText(s) != strings.TrimSpace(s) {
		return
	}
	if strict, err := ParseQuery(s, queryNow); err == nil {
		if note != "" {
			t.Fatalf("ParseSearch(%q): note %q for a query ParseQuery accepts", s, note)
		}
		if diff := cmp.Diff(strict, q, ignoreRawTitle); diff != "" {
			t.Fatalf("ParseSearch(%q) differs from ParseQuery (-want +got):\n%s", s, diff)
		}
	}
}
