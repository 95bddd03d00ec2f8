package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

func TestSearchCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if r := runMain(t, testEnv(), "ingest", "--source", "sample", "--db", db); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r := runMain(t, testEnv(), "search", "agent environments", "--json", "--limit", "3", "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var hits []struct {
		ID    string  `json:"id"`
		Title string  `json:"title"`
		URL   string  `json:"url"`
		Score float64 `json:"score"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) == 0 || len(hits) > 3 {
		t.Fatalf("json: %v, %d hits\n%s", err, len(hits), r.stdout)
	}
	for i, h := range hits {
		if h.ID == "" || h.Title == "" || h.URL != "https://huggingface.co/papers/"+h.ID || h.Score <= 0 {
			t.Errorf("hit %d: %+v", i, h)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("not best first: %v > %v", h.Score, hits[i-1].Score)
		}
	}
	if hits[0].ID != "2608.19880" {
		t.Errorf("best hit %s %q, want EnvHarness (2608.19880)", hits[0].ID, hits[0].Title)
	}
	// The terminal form.
	r = runMain(t, testEnv(), "search", "agent environments", "--limit", "2", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, " 1. EnvHarness") || !strings.Contains(r.stdout, "https://huggingface.co/papers/2608.19880") {
		t.Fatalf("terminal: %s", r.stdout)
	}
	// More words than a search looks for: the rarest are searched, and
	// stderr says so in one line; the paper is still found.
	long := "agent environments"
	for i := range 40 {
		long += fmt.Sprintf(" w%d", i)
	}
	// Words no paper has cost nothing: they are all kept, and the known
	// words are searched too (the any-word fill finds the paper).
	r = runMain(t, testEnv(), "search", long, "--limit", "1", "--db", db)
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, " 1. EnvHarness") {
		t.Fatalf("a query of unknown words: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	// Words the papers have: those of the stored titles.
	r = runMain(t, testEnv(), "search", "a OR the OR of OR and OR for OR in OR with", "--json", "--limit", "40", "--db", db)
	var titled []struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &titled); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	long = "agent environments"
	for _, h := range titled {
		for _, w := range strings.FieldsFunc(strings.ToLower(h.Title), func(r rune) bool { return r < 'a' || r > 'z' }) {
			if !seen[w] && len(long)+len(w) < 480 {
				seen[w] = true
				long += " " + w
			}
		}
	}
	r = runMain(t, testEnv(), "search", long, "--limit", "1", "--db", db)
	if r.code != 0 || !regexp.MustCompile(`^paperboy search: searched \d+ of its \d+ words, leaving out the most common`).MatchString(r.stderr) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("a long query: exit %d, stderr %q", r.code, r.stderr)
	}
	// No query, or one with nothing in it once cleaned: one line, exit 2.
	r = runMain(t, testEnv(), "search", "--db", db)
	if r.code != 2 {
		t.Fatalf("no query: exit %d", r.code)
	}
	r = runMain(t, testEnv(), "search", "\u200b", "--db", db)
	if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "type something to search for") {
		t.Fatalf("invisible query: exit %d %q", r.code, r.stderr)
	}
}

// TestSearchCommandPastedTitle: a pasted title finds its paper first; a
// query that does not parse is searched as plain words, the note on stderr
// (one line) and stdout still a bare JSON array; the title shown is the
// display title.
func TestSearchCommandPastedTitle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if r := runMain(t, testEnv(), "ingest", "--source", "sample", "--db", db); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	type hit struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		TitleMatch bool   `json:"title_match"`
	}
	search := func(args ...string) ([]hit, result) {
		t.Helper()
		r := runMain(t, testEnv(), append([]string{"search", "--json", "--db", db}, args...)...)
		if r.code != 0 {
			t.Fatalf("search %q: exit %d: %s", args, r.code, r.stderr)
		}
		var hits []hit
		if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil {
			t.Fatalf("search %q: stdout is not a JSON array: %v\n%s", args, err, r.stdout)
		}
		return hits, r
	}
	for _, tc := range []struct{ paste, id string }{
		{"EnvHarness: Awakening Static Worlds for Agent Learning", "2608.19880"},
		{"SWE-bench Science: Can Coding Agents Resolve Engineering Tasks in Science?", "2608.19799"},
		{"Inject, Align, Recover: Staged Post-Training for Retrieval-Free Document Knowledge Internalization", "2608.20281"},
	} {
		hits, r := search(tc.paste)
		if len(hits) == 0 || hits[0].ID != tc.id || !hits[0].TitleMatch || hits[0].Title != tc.paste {
			t.Errorf("%q: hits %+v, want %s first", tc.paste, hits, tc.id)
		}
		if r.stderr != "" {
			t.Errorf("%q: stderr %q", tc.paste, r.stderr)
		}
	}
	// Split over several arguments, as an unquoted shell paste is.
	hits, _ := search(strings.Fields("EnvHarness: Awakening Static Worlds for Agent Learning")...)
	if len(hits) == 0 || hits[0].ID != "2608.19880" {
		t.Errorf("unquoted paste: %+v", hits)
	}
	hits, r := search(`"unbalanced agents`)
	if len(hits) == 0 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 ||
		!strings.HasPrefix(r.stderr, "paperboy search: searched as plain words: unbalanced quote") {
		t.Errorf("unbalanced quote: %d hits, stderr %q", len(hits), r.stderr)
	}
	// The terminal form marks the exact title.
	r = runMain(t, testEnv(), "search", "--db", db, "--limit", "2", "EnvHarness: Awakening Static Worlds for Agent Learning")
	if r.code != 0 || !strings.Contains(r.stdout, " 1. EnvHarness: Awakening Static Worlds for Agent Learning\n") || !strings.Contains(r.stdout, "· exact title") {
		t.Errorf("terminal: exit %d\n%s", r.code, r.stdout)
	}

	// A paper without a title is shown, and found, as Untitled (arXiv:ID).
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	p := bot.Paper{ID: "2608.99999", Title: "\u200b", Abstract: "A paper whose title is invisible: zyxwvut.", ListDate: bot.Date{Year: 2026, Month: 8, Day: 21}}
	if _, err := st.SavePapers(context.Background(), []bot.Paper{p}, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	hits, _ = search("zyxwvut")
	if len(hits) != 1 || hits[0].Title != "Untitled (arXiv:2608.99999)" {
		t.Fatalf("untitled paper: %+v", hits)
	}
	hits, _ = search(hits[0].Title)
	if len(hits) != 1 || hits[0].ID != "2608.99999" {
		t.Errorf("searching its display title: %+v", hits)
	}
	r = runMain(t, testEnv(), "search", "--db", db, "zyxwvut")
	if !strings.Contains(r.stdout, " 1. Untitled (arXiv:2608.99999)\n") {
		t.Errorf("terminal, untitled:\n%s", r.stdout)
	}
}
