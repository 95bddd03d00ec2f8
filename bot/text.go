package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks text that was cut short.
const Ellipsis = "…"

// Truncate returns s cut to at most max runes, ending in "…" when it was
// cut. It never splits a UTF-8 sequence and avoids separating a character
// from the combining marks, joiners and modifiers that follow it.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max == 1 {
		return Ellipsis
	}
	cut := cutIndex(s, max-1)
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + Ellipsis
}

// TruncateWords is like Truncate but cuts at the last word boundary that
// fits, unless that would throw away more than half of the room.
func TruncateWords(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := cutIndex(s, max-1)
	head := s[:cut]
	// A cut that lands exactly on a space keeps the whole last word.
	if r, _ := utf8.DecodeRuneInString(s[cut:]); !unicode.IsSpace(r) {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i > 0 && utf8.RuneCountInString(head[:i]) >= (max-1)/2 {
			head = head[:i]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '-' || r == '(' || r == '['
	})
	return head + Ellipsis
}

// cutIndex returns the byte index after at most n runes of s, moved back so
// that the rune at the cut is not one that belongs to the character before it.
func cutIndex(s string, n int) int {
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	for i > 0 && i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		prev, size := utf8.DecodeLastRuneInString(s[:i])
		if !extendsPrevious(r) && prev != '\u200d' && !splitsFlag(s, i) {
			break
		}
		i -= size
	}
	return i
}

// splitsFlag reports whether byte index i of s falls between the two
// regional indicators of a flag (🇩🇪 is U+1F1E9 U+1F1EA): regional
// indicators pair up from the start of a run of them.
func splitsFlag(s string, i int) bool {
	if r, _ := utf8.DecodeRuneInString(s[i:]); !isRegionalIndicator(r) {
		return false
	}
	n := 0
	for head := s[:i]; ; n++ {
		r, size := utf8.DecodeLastRuneInString(head)
		if !isRegionalIndicator(r) {
			break
		}
		head = head[:len(head)-size]
	}
	return n%2 == 1
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// extendsPrevious reports whether r is displayed as part of the character
// before it: combining marks, variation selectors, skin-tone modifiers,
// zero-width joiner, tag characters (flags made of two regional indicators
// are handled by splitsFlag).
func extendsPrevious(r rune) bool {
	switch {
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Mc, r):
		return true
	case r == '\u200d', r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF,
		r >= 0xE0020 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// SummaryLen is how long a paper's one-paragraph summary may be in a digest.
const SummaryLen = 300

// Summary returns the short text shown under a paper: its ai_summary if it
// has one, else the abstract's first sentences, at most max runes and cut on
// a word boundary.
func Summary(p Paper, max int) string {
	if s := CollapseSpace(p.AISummary); s != "" {
		return TruncateWords(s, max)
	}
	return FirstSentences(CollapseSpace(p.Abstract), max)
}

// FirstSentences returns as many whole sentences from the start of text as
// fit in max runes; when even the first does not fit it is cut on a word
// boundary.
func FirstSentences(text string, max int) string {
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	best := 0
	for _, end := range sentenceEnds(text) {
		if utf8.RuneCountInString(text[:end]) > max {
			break
		}
		best = end
	}
	if best == 0 {
		return TruncateWords(text, max)
	}
	return strings.TrimSpace(text[:best])
}

// abbreviations are words ending in '.' that do not end a sentence.
var abbreviations = map[string]bool{
	"e.g.": true, "i.e.": true, "al.": true, "vs.": true, "etc.": true, "fig.": true,
	"figs.": true, "eq.": true, "eqs.": true, "sec.": true, "cf.": true, "approx.": true,
	"resp.": true, "no.": true, "dr.": true, "mr.": true, "ms.": true, "prof.": true, "st.": true,
}

// sentenceEnds returns the byte offsets just after each sentence-ending
// punctuation mark that is followed by white space.
func sentenceEnds(text string) []int {
	var ends []int
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		if i+1 < len(text) && text[i+1] != ' ' {
			continue
		}
		if c == '.' {
			start := strings.LastIndexByte(text[:i], ' ') + 1
			// "(e.g." and "(J. Smith)" are abbreviations too.
			word := strings.TrimLeft(text[start:i+1], "([{\"'“‘")
			if abbreviations[strings.ToLower(word)] || isInitials(word) {
				continue // "et al.", "e.g.", an initial such as "J." or "J.R.R."
			}
			if i > 0 && text[i-1] >= '0' && text[i-1] <= '9' && i+2 < len(text) && text[i+2] >= 'a' && text[i+2] <= 'z' {
				continue
			}
		}
		ends = append(ends, i+1)
	}
	return ends
}

// isInitials reports whether word is a capital initial ("J.") or letters
// each followed by a period ("J.R.R.", "U.S.", "e.g.").
func isInitials(word string) bool {
	if len(word) == 2 {
		return word[0] >= 'A' && word[0] <= 'Z' && word[1] == '.'
	}
	if len(word) < 4 || len(word)%2 != 0 {
		return false
	}
	for j := 0; j < len(word); j += 2 {
		c := word[j] | 0x20 // ASCII lower case
		if c < 'a' || c > 'z' || word[j+1] != '.' {
			return false
		}
	}
	return true
}

// ShortAuthors returns the first n authors joined with commas, followed by
// "et al." when there are more.
func ShortAuthors(authors []string, n int) string {
	if len(authors) <= n {
		return strings.Join(authors, ", ")
	}
	return strings.Join(authors[:n], ", ") + " et al."
}

// CleanText drops what must never reach a chat message and collapses white
// space: invalid UTF-8, control characters (C0, DEL, C1; white-space
// controls such as tab and newline become a space), the bidirectional
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
// can make text display in a different order than it is written, and
// U+FEFF (a byte-order mark, invisible). Every run of Unicode white space
// becomes one ' ' and both ends are trimmed, so the result is one line.
// Adapters escape the result for their platform.
func CleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, started := false, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case Unprintable(r):
			continue
		}
		if space && started {
			b.WriteByte(' ')
		}
		space, started = false, true
		b.WriteRune(r)
	}
	return b.String()
}

// Unprintable reports whether CleanText drops r.
func Unprintable(r rune) bool {
	return unicode.IsControl(r) ||
		r >= 0x202A && r <= 0x202E ||
		r >= 0x2066 && r <= 0x2069 ||
		r == 0xFEFF
}
