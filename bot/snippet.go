package bot

import (
	"strings"

	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// SnippetWords is how many words a search snippet shows.
const SnippetWords = 28

// Snippet returns a piece of text around the first words that match the
// query's search terms, those words in bold spans, "…" where it was cut.
// Words match as the full-text index matches them: by their stemmed,
// case- and accent-folded tokens (fts5tok.Tokens). A word that holds a URL is
// never highlighted: the platforms would take the markup into the link.
// Without any match it is the start of the text.
func Snippet(text string, q *Query, maxWords int) Line {
	want := map[string]bool{}
	if q != nil {
		for _, t := range q.PositiveTerms() {
			for _, tok := range fts5tok.Tokens(strings.Join(t.Words, " ")) {
				want[tok] = true
			}
		}
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil
	}
	hit := make([]bool, len(words))
	first := -1
	var toks []string
	for i, w := range words {
		if len(FindURLs(w)) > 0 {
			continue // a highlight around a URL would break the link
		}
		toks = fts5tok.AppendTokens(toks[:0], w)
		for _, tok := range toks {
			if want[tok] {
				hit[i] = true
				break
			}
		}
		if hit[i] && first < 0 {
			first = i
		}
	}
	start := 0
	if first >= maxWords/2 {
		start = first - maxWords/4 // some words of context before the first match
	}
	end := min(len(words), start+maxWords)
	var line Line
	var plain []string
	flush := func() {
		if len(plain) > 0 {
			line = append(line, Span{Text: strings.Join(plain, " ") + " "})
			plain = plain[:0]
		}
	}
	if start > 0 {
		plain = append(plain, Ellipsis)
	}
	for i := start; i < end; i++ {
		if !hit[i] {
			plain = append(plain, words[i])
			continue
		}
		flush()
		line = append(line, Span{Text: words[i], Bold: true}, Span{Text: " "})
	}
	if end < len(words) {
		plain = append(plain, Ellipsis)
	}
	flush()
	// Trim the trailing space of the last span.
	for len(line) > 0 {
		last := &line[len(line)-1]
		last.Text = strings.TrimRight(last.Text, " ")
		if last.Text != "" {
			break
		}
		line = line[:len(line)-1]
	}
	return line
}
