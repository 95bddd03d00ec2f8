package main_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestSearchSaysWhatItLeftOut: a search of more than MaxSearchTerms words
// still shows the paper whose long title was pasted (with a word
// changed, so only the words can find it) and its last line says which
// words it searched; a search that reaches its time limit says so, in
// chat and in the subscription preview, and is never an error.
func TestSearchSaysWhatItLeftOut(t *testing.T) {
	f := newFixture(t)
	pastePapers(t, f)
	var words []string
	for i := range 40 {
		words = append(words, fmt.Sprintf("w%c%c", 'a'+i/26, 'a'+i%26))
	}
	long := bot.Paper{ID: "2611.00900", Title: strings.Join(words, " "), Abstract: "Words about models.",
		ListDate: date(t, "2026-11-20"), Upvotes: 1}
	if _, err := f.db.SavePapers(context.Background(), []bot.Paper{long}, f.now); err != nil {
		t.Fatal(err)
	}
	c := commands(f)
	paste := strings.Replace(long.Title, words[39], "typo", 1) + " more words"
	r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": paste}))
	if r.Error || firstResult(r) != long.Title {
		t.Fatalf("a 42-word paste: first result %q\n%s", firstResult(r), r.Plain())
	}
	// 32 words and the two no paper has (typo, more), which cost nothing.
	if got, want := lastLine(r), "Searched 34 of its 42 words, leaving out the most common (a search looks for at most 32, 8 of them common ones)."; got != want {
		t.Errorf("last line %q, want %q", got, want)
	}

	c.SearchTimeout = time.Nanosecond
	r = c.Handle(context.Background(), papersCmd("search", map[string]string{"query": "large language models"}))
	if r.Error || r.Title != "No results in time" || !strings.HasPrefix(lastLine(r), "The search reached its time limit (1ns) before it found anything") {
		t.Errorf("a search past its time limit: title %q, last line %q\n%s", r.Title, lastLine(r), r.Plain())
	}
	r = c.Handle(context.Background(), papersCmd("subscribe", map[string]string{"query": "large language models"}))
	if r.Error || !strings.Contains(r.Title, "Subscribed") || !strings.Contains(r.Title, "Its preview took too long") {
		t.Errorf("a preview past its time limit: %q\n%s", r.Title, r.Plain())
	}
}
