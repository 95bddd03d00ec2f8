package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreRawTitle compares queries without what was typed and the exact
// title looked up.
var ignoreRawTitle = cmpopts.IgnoreFields(Query{}, "Raw", "Title")

func TestParseSearch(t *testing.T) {
	long := strings.Repeat("word ", 120) // 600 characters
	for _, tc := range []struct {
		in    string
		want  string // the canonical form
		note  string // a substring of the note; "" for none
		title string // Title; "=" for the cleaned input
		id    string
	}{
		// What ParseQuery accepts is read the same, without a note.
		{in: "diffusion -survey has:code", want: "diffusion -survey has:code", title: "="},
		{in: "FruitNeRF: A Unified Neural Radiance Field", want: "fruitnerf a unified neural radiance field", title: "="},
		{in: "Attention Is NOT All You Need", want: "attention is -all you need", title: "="},
		{in: `author:"Yann LeCun"`, want: `author:"Yann LeCun"`},
		{in: "has:code since:2026-01-01", want: "has:code since:2026-01-01"},
		// What it refuses is searched as plain words, with its message.
		{in: `The "Curse of Depth`, want: "the curse of depth", note: `searched as plain words: unbalanced quote: the " before "Curse of Depth" is never closed`, title: "="},
		{in: "Forget What You Know - LLMs are Like a Chameleon", want: "forget what you know llms are like a chameleon", note: "searched as plain words: a lone - excludes nothing", title: "="},
		{in: "(Un)balanced (Parentheses", want: "un-balanced parentheses", note: "searched as plain words: unbalanced parentheses", title: "="},
		{in: "Smile :)", want: "smile", note: "unbalanced parentheses", title: "="},
		{in: "OR", want: "or", note: "searched as plain words: OR needs a search term", title: "="},
		{in: "To Be OR NOT To Be", want: "to be or not", note: "an excluded term can't be one side of OR", title: "="},
		{in: "-survey", want: "survey", note: "add at least one word", title: "="},
		{in: "has:data models", want: "has-data models", note: "has: takes code or project", title: "="},
		{in: "sort:date", want: "sort-date", note: "sort: orders results", title: "="},
		{in: "id:2405.15738 diffusion", want: "id-2405-15738 diffusion", note: "searched the paper link as words", title: "="},
		// Links that are not a paper's are words.
		{in: "https://github.com/foo/bar", want: "https-github-com-foo-bar", title: "="},
		{in: "See https://github.com/foo/bar for the Code", want: "see https-github-com-foo-bar for the code", title: "="},
		{in: "diffusion -https://example.com/x", want: "diffusion -https-example-com-x", title: "="},
		{in: "Revisiting https://arxiv.org/abs/2405.15738", want: "revisiting https-arxiv-org-abs-2405-15738", note: "searched the paper link as words", title: "="},
		// A paper link alone, and the display title of an untitled paper,
		// are its id.
		{in: "https://huggingface.co/papers/2405.15738", want: "id:2405.15738", id: "2405.15738"},
		{in: "Untitled (arXiv:2608.12345)", want: "id:2608.12345", id: "2608.12345"},
		{in: "Untitled (arXiv:nope)", want: "untitled arxiv-nope", title: "="},
		// No letters or digits: only an exact title.
		{in: "🚀🔥", want: "🚀🔥", note: `"🚀🔥" has no letters or digits: only a paper with exactly that title can match`, title: "="},
		{in: "-", want: "-", note: "has no letters or digits", title: "="},
		{in: `""`, want: `""`, note: "has no letters or digits", title: "="},
		// Cleaned first: invisible characters, controls, white space.
		{in: "Token\u00adization", want: "tokenization", title: "Tokenization"},
		{in: "  zero\u200bwidth \x00 \u202eSafety\u202c\n", want: "zero width safety", title: "zero width Safety"},
		// Over the length limit: cut at a word boundary.
		{in: long, want: "word", note: "searched the first 499 of its 599 characters (the limit is 500)", title: "="},
		{in: strings.Repeat("x", 600), want: strings.Repeat("x", 500), note: "searched the first 500 of its 600 characters", title: "="},
		{in: `"` + strings.Repeat("a ", 300) + `"`, want: "a", note: "searched the first 500 of its 602 characters (the limit is 500); searched as plain words: unbalanced quote", title: "="},
	} {
		q, note, err := ParseSearch(tc.in, queryNow)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("ParseSearch(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.note == "" && note != "" || !strings.Contains(note, tc.note) {
			t.Errorf("ParseSearch(%q): note %q, want %q", tc.in, note, tc.note)
		}
		title := tc.title
		if title == "=" {
			title = CleanText(tc.in)
		}
		if q.Title != title || q.ID != tc.id {
			t.Errorf("ParseSearch(%q): Title %q, ID %q; want %q, %q", tc.in, q.Title, q.ID, title, tc.id)
		}
		if q.Raw != tc.in {
			t.Errorf("ParseSearch(%q): Raw %q", tc.in, q.Raw)
		}
		if err := checkQuery(q); err != nil {
			t.Errorf("ParseSearch(%q): %v", tc.in, err)
		}
		checkSearchRoundTrip(t, q)
	}
}

func TestParseSearchRefusesOnlyEmpty(t *testing.T) {
	for _, in := range []string{"", "   ", "\u200b\u200d", "\x00\x01", "\ufeff", "\u202e"} {
		_, _, err := ParseSearch(in, queryNow)
		if err == nil {
			t.Errorf("ParseSearch(%q) parses", in)
			continue
		}
		checkQueryError(t, err)
		if !strings.Contains(err.Error(), "type something to search for") {
			t.Errorf("ParseSearch(%q): %v", in, err)
		}
	}
	for _, tc := range invalidQueries {
		if CleanText(tc.in) == "" {
			continue
		}
		q, note, err := ParseSearch(tc.in, queryNow)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v (ParseQuery: %s)", tc.in, err, tc.want)
			continue
		}
		// A link that is not a paper's is plain text, no note needed.
		if note == "" && !strings.Contains(tc.want, "is not a paper link") {
			t.Errorf("ParseSearch(%q) = %q without a note; ParseQuery refuses it (%s)", tc.in, q, tc.want)
		}
		if err := checkQuery(q); err != nil {
			t.Errorf("ParseSearch(%q): %v", tc.in, err)
		}
		checkSearchRoundTrip(t, q)
	}
}

// TestParseSearchAgreesWithParseQuery: a query ParseQuery accepts, clean
// and within the limit, is read the same by ParseSearch, without a note.
func TestParseSearchAgreesWithParseQuery(t *testing.T) {
	for _, tc := range validQueries {
		if CleanText(tc.in) != strings.TrimSpace(tc.in) {
			continue // ParseSearch cleans first
		}
		want, err := ParseQuery(tc.in, queryNow)
		if err != nil {
			t.Fatal(err)
		}
		got, note, err := ParseSearch(tc.in, queryNow)
		if err != nil || note != "" {
			t.Errorf("ParseSearch(%q): note %q, error %v", tc.in, note, err)
			continue
		}
		if diff := cmp.Diff(want, got, ignoreRawTitle); diff != "" {
			t.Errorf("ParseSearch(%q) differs from ParseQuery (-want +got):\n%s", tc.in, diff)
		}
	}
}

// checkSearchRoundTrip checks that the canonical form of a query of
// ParseSearch gives it back.
func checkSearchRoundTrip(t *testing.T, q *Query) {
	t.Helper()
	s := q.String()
	q2, _, err := ParseSearch(s, queryNow)
	if err != nil {
		t.Fatalf("ParseSearch(%q) (the String of %q): %v", s, q.Raw, err)
	}
	if diff := cmp.Diff(q, q2, ignoreRawTitle); diff != "" {
		t.Errorf("ParseSearch(%q) (the String of %q) differs (-want +got):\n%s", s, q.Raw, diff)
	}
}
