package main_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// pastePapers are papers with titles that are hard to search for, and
// lookalikes with the same words and more, much more upvoted.
func pastePapers(t *testing.T, f *fixture) []bot.Paper {
	t.Helper()
	day := date(t, "2026-11-20")
	var papers, all []bot.Paper
	for i, title := range []string{
		"FruitNeRF: A Unified Neural Radiance Field",
		`The "Curse of Depth in Large Language Models`,
		"Attention Is NOT All You Need",
		"🚀🔥",
		"\u200b", // blank once cleaned: shown as Untitled (arXiv:ID)
		"Forget What You Know - LLMs are Like a Chameleon",
		"See https://github.com/foo/bar for the Code",
	} {
		p := bot.Paper{ID: fmt.Sprintf("2611.%05d", 100+i), Title: title, Abstract: "Words about models.",
			Authors: []string{"Ada Lovelace"}, ListDate: day, Upvotes: 3}
		d := p
		d.ID, d.Title, d.Upvotes = fmt.Sprintf("2611.%05d", 200+i), title+" Revisited and Better", 300
		papers = append(papers, p)
		all = append(all, p, d)
	}
	for i := range 12 {
		all = append(all, bot.Paper{ID: fmt.Sprintf("2611.%05d", 300+i), Title: fmt.Sprintf("Large Language Models, Part %d", i),
			Abstract: "Depth and curses.", ListDate: day, Upvotes: 10})
	}
	for i := range all {
		all[i] = bot.CleanPaper(all[i]) // as the store saves them
	}
	if _, err := f.db.SavePapers(context.Background(), all, f.now); err != nil {
		t.Fatal(err)
	}
	return papers
}

// firstResult is the title of the first result line of a search reply.
func firstResult(r bot.Reply) string {
	if len(r.Papers) > 0 {
		return r.Papers[0].DisplayTitle()
	}
	for _, l := range r.Lines {
		if len(l) > 1 && l[0].Text == "1. " {
			return l[1].Text
		}
	}
	return ""
}

func lastLine(r bot.Reply) string {
	if len(r.Lines) == 0 {
		return ""
	}
	var b strings.Builder
	for _, sp := range r.Lines[len(r.Lines)-1] {
		b.WriteString(sp.Text)
	}
	return b.String()
}

// TestSearchPastedTitle: /papers search with a pasted title shows its
// paper first; a title that does not parse as a query is searched as
// plain words, which the last line says.
func TestSearchPastedTitle(t *testing.T) {
	f := newFixture(t)
	papers := pastePapers(t, f)
	c := commands(f)
	for _, p := range papers {
		paste := p.DisplayTitle()
		r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": paste}))
		if r.Error {
			t.Errorf("searching %q: %s", paste, r.Plain())
			continue
		}
		if got := firstResult(r); got != p.DisplayTitle() {
			t.Errorf("searching %q: first result %q, want %q\n%s", paste, got, p.DisplayTitle(), r.Plain())
		}
	}
	for _, tc := range []struct{ paste, note string }{
		{`The "Curse of Depth in Large Language Models`, `Searched as plain words: unbalanced quote: the " before "Curse of Depth in Large Language Models" is never closed`},
		{"Forget What You Know - LLMs are Like a Chameleon", "Searched as plain words: a lone - excludes nothing"},
		{"🚀🔥", `"🚀🔥" has no letters or digits: only a paper with exactly that title can match.`},
	} {
		r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": tc.paste}))
		if got := lastLine(r); !strings.HasPrefix(got, tc.note) {
			t.Errorf("searching %q: last line %q, want the note %q", tc.paste, got, tc.note)
		}
	}
	// A title that parses needs no note.
	r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": "FruitNeRF: A Unified Neural Radiance Field"}))
	if got := lastLine(r); !strings.HasPrefix(got, "Results 1–4 of 4.") {
		t.Errorf("FruitNeRF: last line %q, want the results count\n%s", got, r.Plain())
	}
	// Nothing found: the note still says how the query was read.
	r = c.Handle(context.Background(), papersCmd("search", map[string]string{"query": "🦜🦜"}))
	if r.Title != "No papers found" || !strings.Contains(r.Plain(), "Nothing matches 🦜🦜.") || !strings.HasPrefix(lastLine(r), `"🦜🦜" has no letters or digits`) {
		t.Errorf("an emoji no paper has:\n%s", r.Plain())
	}
	// Only a query with nothing in it is refused.
	r = c.Handle(context.Background(), papersCmd("search", map[string]string{"query": "\u200b\u200d"}))
	if !r.Error || !strings.Contains(r.Plain(), "type something to search for") {
		t.Errorf("an invisible query:\n%s", r.Plain())
	}
}

// TestSearchNoteOnEveryPage: the note is under the results of every page,
// and a query over the length limit is cut, not refused.
func TestSearchNoteOnEveryPage(t *testing.T) {
	f := newFixture(t)
	pastePapers(t, f)
	c := commands(f)
	long := `"large language models ` + strings.Repeat("part ", 100) // 522 characters, unclosed
	r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": long}))
	want := "Searched the first 497 of its 522 characters (the limit is 500); searched as plain words: unbalanced quote"
	if r.Error || !strings.HasPrefix(lastLine(r), want) || len(r.Buttons) == 0 {
		t.Fatalf("a long query: last line %q, want %q; buttons %v\n%s", lastLine(r), want, r.Buttons, r.Plain())
	}
	next := c.HandleAction(context.Background(), bot.UserRef{Platform: "chat", ID: "u1"}, r.Buttons[len(r.Buttons)-1].Action)
	if next.Error || !strings.Contains(next.Plain(), "6. ") || !strings.HasPrefix(lastLine(next), want) {
		t.Errorf("page 2: last line %q\n%s", lastLine(next), next.Plain())
	}
}
