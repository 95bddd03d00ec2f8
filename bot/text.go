package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks text that was cut short.
const Ellipsis = "…"

// Length is how long s is for a chat platform's limits, counted the
// stricter of the two ways platforms count: in UTF-16 code units, so that a
// character outside the Basic Multilingual Plane (most emoji, some CJK and
// mathematical letters) counts 2 and every other character 1. JavaScript
// clients and libraries count UTF-16 units; Discord's API said it counts
// code points. A length in UTF-16 units is never less than the number of
// code points, so text within a limit counted this way is within it
// counted either way. An invalid UTF-8 byte counts 1 (it is sent as
// U+FFFD).
func Length(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x80:
			i++
		case c >= 0xF0:
			_, size := utf8.DecodeRuneInString(s[i:])
			if size == 4 {
				n++ // a surrogate pair
			}
			i += size
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		n++
	}
	return n
}

// runeLength is how much r adds to Length.
func runeLength(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// ellipsisLength is Length(Ellipsis).
const ellipsisLength = 1

// Truncate returns s cut to at most max characters (as Length counts
// them), ending in "…" when it was cut. It never splits a UTF-8 sequence
// and cuts only between grapheme clusters (a character is never separated
// from its combining marks, joiners, modifiers, variation selectors or
// Hangul jamo, nor a flag's two halves; see cutIndex).
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if Length(s) <= max {
		return s
	}
	if max == ellipsisLength {
		return Ellipsis
	}
	cut := cutIndex(s, max-ellipsisLength)
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + Ellipsis
}

// TruncateWords is like Truncate but cuts at the last word boundary that
// fits, unless that would throw away more than half of the room.
func TruncateWords(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if Length(s) <= max {
		return s
	}
	cut := cutIndex(s, max-ellipsisLength)
	head := s[:cut]
	// A cut that lands exactly on a space keeps the whole last word.
	if r, _ := utf8.DecodeRuneInString(s[cut:]); !unicode.IsSpace(r) {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i > 0 && Length(head[:i]) >= (max-ellipsisLength)/2 {
			head = head[:i]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '-' || r == '(' || r == '['
	})
	return head + Ellipsis
}

// cutIndex returns the byte index after the longest prefix of s that is at
// most n characters long (as Length counts them) and ends on a grapheme
// cluster boundary.
func cutIndex(s string, n int) int {
	i, count := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if count+runeLength(r) > n {
			break
		}
		count += runeLength(r)
		i += size
	}
	for i > 0 && i < len(s) && !graphemeBoundary(s, i) {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// graphemeBoundary reports whether byte index i of s (0 < i < len(s)) is
// between two grapheme clusters, following the rules of Unicode's UAX #29
// that matter for text paperboy shows: no break before a combining mark,
// a spacing mark, a zero-width joiner, a variation selector, a skin-tone
// modifier or a tag character; none after a zero-width joiner (emoji
// sequences); none inside a Hangul syllable made of jamo; none inside a
// CR LF pair; none between the two regional indicators of a flag.
func graphemeBoundary(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	switch {
	case prev == '\r' && r == '\n':
		return false
	case extendsPrevious(r), prev == '\u200d':
		return false
	case hangulJoins(prev, r):
		return false
	case splitsFlag(s, i):
		return false
	}
	return true
}

// hangulJoins reports whether the Hangul jamo or syllable prev and r are
// one syllable (UAX #29 rules GB6-GB8).
func hangulJoins(prev, r rune) bool {
	isL := func(r rune) bool { return r >= 0x1100 && r <= 0x115F || r >= 0xA960 && r <= 0xA97C }
	isV := func(r rune) bool { return r >= 0x1160 && r <= 0x11A7 || r >= 0xD7B0 && r <= 0xD7C6 }
	isT := func(r rune) bool { return r >= 0x11A8 && r <= 0x11FF || r >= 0xD7CB && r <= 0xD7FB }
	syllable := prev >= 0xAC00 && prev <= 0xD7A3
	lv := syllable && (prev-0xAC00)%28 == 0
	switch {
	case isL(prev):
		return isL(r) || isV(r) || r >= 0xAC00 && r <= 0xD7A3
	case isV(prev) || lv:
		return isV(r) || isT(r)
	case isT(prev) || syllable:
		return isT(r)
	}
	return false
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
// before it (UAX #29's Extend, ZWJ and SpacingMark): combining marks,
// variation selectors, skin-tone modifiers, the zero-width joiner and
// non-joiner, tag characters.
func extendsPrevious(r rune) bool {
	switch {
	case r < 0x0300:
		return false
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Mc, r):
		return true
	case r == '\u200c', r == '\u200d', r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF,
		r >= 0xE0020 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// SummaryLen is how long a paper's one-paragraph summary may be in a digest.
const SummaryLen = 300

// Summary returns the short text shown under a paper: its ai_summary if it
// has one, else the abstract's first sentences, at most max characters (Length) and
// cut on a word boundary.
func Summary(p Paper, max int) string {
	if s := CollapseSpace(p.AISummary); s != "" {
		return TruncateWords(s, max)
	}
	return FirstSentences(CollapseSpace(p.Abstract), max)
}

// FirstSentences returns as many whole sentences from the start of text as
// fit in max characters (Length); when even the first does not fit it is cut on a word
// boundary.
func FirstSentences(text string, max int) string {
	if Length(text) <= max {
		return text
	}
	best := 0
	for _, end := range sentenceEnds(text) {
		if Length(text[:end]) > max {
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
