package fts5tok

import "strings"

// Tokens returns the index terms of text as FTS5's 'porter unicode61
// remove_diacritics 2' produces them, in order: text split into tokens of
// letters and numbers (unicode61's rules with its default separators and
// token characters), case-folded with diacritics removed (remove_diacritics
// 2), then Porter-stemmed (FTS5's porter tokenizer: tokens of 3 to 64 bytes
// only, whatever their script).
//
// Terms that are a prefix of their word as written (lower-case ASCII words,
// mostly) are substrings of text and keep it alive.
func Tokens(text string) []string {
	return AppendTokens(nil, text)
}

// AppendTokens is Tokens appending to dst (to avoid allocations in hot
// loops).
func AppendTokens(dst []string, text string) []string {
	var scratch [2 * porterMaxToken]byte
	buf := scratch[:0]
	for i := 0; i < len(text); {
		// Skip separators. A token starts with a token character proper, not
		// with a diacritic.
		if b := text[i]; b < 0x80 {
			if ftsASCII[b] == 0 {
				i++
				continue
			}
		} else if c, next := decodeFTS(text, i); runeClass(c) != classToken {
			i = next
			continue
		}

		// The token: fold characters into buf until a separator. verbatim
		// records whether buf is still byte for byte text[start:i].
		start := i
		verbatim := true
		buf = buf[:0]
		for i < len(text) {
			b := text[i]
			if b < 0x80 {
				l := ftsASCII[b]
				if l == 0 {
					break
				}
				verbatim = verbatim && l == b
				buf = append(buf, l)
				i++
				continue
			}
			c, next := decodeFTS(text, i)
			if runeClass(c) == classSeparator {
				i = next // a separator either way
				break
			}
			n := len(buf)
			if f := foldRune(c); f != 0 {
				buf = appendFTS(buf, f)
			}
			verbatim = verbatim && string(buf[n:]) == text[i:next]
			i = next
		}

		term := buf
		if len(term) >= porterMinToken && len(term) <= porterMaxToken {
			term = porterStem(term)
		}
		if len(term) > maxTermBytes {
			term = term[:maxTermBytes]
		}
		if verbatim && len(term) <= i-start && string(term) == text[start:start+len(term)] {
			dst = append(dst, text[start:start+len(term)])
		} else {
			dst = append(dst, string(term))
		}
	}
	return dst
}

// foldToken folds every character of s the way unicode61 with
// remove_diacritics 2 folds the characters of a token (lower case, accents
// and other diacritics removed), without splitting s into tokens and without
// stemming.
func foldToken(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if c := s[i]; c < 0x80 {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		c, next := decodeFTS(s, i)
		if f := foldRune(c); f != 0 {
			var tmp [4]byte
			b.Write(appendFTS(tmp[:0], f))
		}
		i = next
	}
	return b.String()
}

const (
	porterMinToken = 3     // shorter tokens are not stemmed
	porterMaxToken = 64    // FTS5_PORTER_MAX_TOKEN: longer ones neither
	maxTermBytes   = 32768 // FTS5_MAX_TOKEN_SIZE: longer terms are cut
)

// Character classes of unicode61 with its default categories "L* N* Co".
const (
	classSeparator = 0 // ends a token, or is skipped between tokens
	classToken     = 1 // starts or continues a token
	classDiacritic = 2 // continues a token but does not start one
)

// ftsRange is a run lo..hi (inclusive) of code points of one class.
type ftsRange struct {
	lo, hi uint32
	class  uint8
}

// ftsASCII maps an ASCII byte to itself lower-cased if it is a token
// character, to 0 if it is a separator.
var ftsASCII = func() (t [128]byte) {
	for i := 0; i < len(ftsASCIITokenChars); i++ {
		c := ftsASCIITokenChars[i]
		if 'A' <= c && c <= 'Z' {
			t[c] = c + 'a' - 'A'
		} else {
			t[c] = c
		}
	}
	return t
}()

// runeClass returns the class of a code point >= 0x80 (any 32-bit value
// decodeFTS can produce).
func runeClass(c uint32) uint8 {
	r := ftsClassRanges[:]
	lo, hi := 0, len(r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case c < r[m].lo:
			hi = m
		case c > r[m].hi:
			lo = m + 1
		default:
			return r[m].class
		}
	}
	return classSeparator
}

// foldRune is sqlite3Fts5UnicodeFold(c, 2) for c >= 0x80: the BMP table
// (case folding, then diacritics removal, possibly to 0 for combining marks),
// and Deseret's upper case U+10400..U+10427, the only rule above the BMP.
func foldRune(c uint32) uint32 {
	if c >= 0x10000 {
		if 0x10400 <= c && c < 0x10428 {
			return c + 40
		}
		return c
	}
	from := ftsFoldFrom[:]
	lo, hi := 0, len(from)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if uint32(from[m]) < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(from) && uint32(from[lo]) == c {
		return uint32(ftsFoldTo[lo])
	}
	return c
}

// decodeFTS reads the character starting at s[i] (s[i] >= 0x80) as FTS5's
// FTS5_READ_UTF8 does, returning it and the index after it. It is lenient
// and differs from Go's decoder on invalid input:
//   - a stray continuation byte 0x80..0xBF stands for U+0080..U+00BF;
//   - a lead byte takes all the continuation bytes that follow it, however
//     many, accumulating 6 bits each into a 32-bit value (which may wrap);
//   - only results below 0x80, surrogates and U+FFFE/U+FFFF become U+FFFD
//     (so 2- and 3-byte overlong forms of non-ASCII code points pass, and
//     so do values beyond U+10FFFF).
func decodeFTS(s string, i int) (c uint32, next int) {
	b := s[i]
	i++
	if b < 0xC0 {
		return uint32(b), i
	}
	switch {
	case b < 0xE0:
		c = uint32(b & 0x1F)
	case b < 0xF0:
		c = uint32(b & 0x0F)
	case b < 0xF8:
		c = uint32(b & 0x07)
	case b < 0xFC:
		c = uint32(b & 0x03)
	case b < 0xFE:
		c = uint32(b & 0x01)
	default:
		c = 0
	}
	for i < len(s) && s[i]&0xC0 == 0x80 {
		c = c<<6 + uint32(s[i]&0x3F)
		i++
	}
	if c < 0x80 || c&0xFFFFF800 == 0xD800 || c&0xFFFFFFFE == 0xFFFE {
		c = 0xFFFD
	}
	return c, i
}

// appendFTS appends c encoded as FTS5_WRITE_UTF8 does: UTF-8 up to
// U+FFFF, and four bytes keeping only the low 21 bits above that (so values
// beyond U+10FFFF come out mangled, as in SQLite).
func appendFTS(dst []byte, c uint32) []byte {
	switch {
	case c < 0x80:
		return append(dst, byte(c))
	case c < 0x800:
		return append(dst, 0xC0|byte(c>>6&0x1F), 0x80|byte(c&0x3F))
	case c < 0x10000:
		return append(dst, 0xE0|byte(c>>12&0x0F), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
	}
	return append(dst, 0xF0|byte(c>>18&0x07), 0x80|byte(c>>12&0x3F), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
}

// The Porter stemmer of FTS5's porter tokenizer: M. F. Porter's 1980
// algorithm on lower-case bytes, where anything but a, e, i, o, u (and y
// after a consonant) is a consonant.

// porterRule replaces suffix by repl when the word is longer than suffix
// and cond holds for the stem in front of the suffix.
type porterRule struct {
	suffix, repl string
	cond         porterCond
}

// porterCond is a condition on the stem of a porterRule.
type porterCond uint8

const (
	always    porterCond = iota
	mGt0                 // m > 0
	mGt1                 // m > 1
	hasVowel             // *v*
	mGt1AndST            // m > 1 and (*S or *T)
)

func (c porterCond) holds(stem []byte) bool {
	switch c {
	case mGt0:
		return measure(stem) > 0
	case mGt1:
		return measure(stem) > 1
	case hasVowel:
		return containsVowel(stem)
	case mGt1AndST:
		last := stem[len(stem)-1]
		return (last == 's' || last == 't') && measure(stem) > 1
	}
	return true
}

// porterStep is a list of rules of which only the first whose suffix ends
// the word (leaving a non-empty stem) is considered, whether or not its
// condition then holds. The rules are kept grouped by the last byte of their
// suffix, in their order within each group: rules[at[c]:at[c+1]] are those
// whose suffix ends in c.
type porterStep struct {
	at    [257]uint8
	rules []porterRule
}

func newPorterStep(rules ...porterRule) *porterStep {
	s := new(porterStep)
	for c := 0; c < 256; c++ {
		s.at[c] = uint8(len(s.rules))
		for _, r := range rules {
			if int(r.suffix[len(r.suffix)-1]) == c {
				s.rules = append(s.rules, r)
			}
		}
	}
	s.at[256] = uint8(len(s.rules))
	return s
}

// apply applies the step to w, returning the new word and the rule that
// fired (nil if none did).
func (s *porterStep) apply(w []byte) ([]byte, *porterRule) {
	last := w[len(w)-1]
	rules := s.rules[s.at[last]:s.at[int(last)+1]]
	for i := range rules {
		r := &rules[i]
		n := len(w) - len(r.suffix)
		if n <= 0 || len(r.suffix) > 1 && w[len(w)-2] != r.suffix[len(r.suffix)-2] || string(w[n:]) != r.suffix {
			continue
		}
		if !r.cond.holds(w[:n]) {
			return w, nil
		}
		return append(w[:n], r.repl...), r
	}
	return w, nil
}

var (
	porterStep1a = newPorterStep(
		porterRule{"sses", "ss", always},
		porterRule{"ies", "i", always},
		porterRule{"ss", "ss", always},
		porterRule{"s", "", always},
	)
	porterStep1b = newPorterStep(
		porterRule{"eed", "ee", mGt0},
		porterRule{"ed", "", hasVowel},
		porterRule{"ing", "", hasVowel},
	)
	porterStep1b2 = newPorterStep(
		porterRule{"at", "ate", always},
		porterRule{"bl", "ble", always},
		porterRule{"iz", "ize", always},
	)
	porterStep2 = newPorterStep(
		porterRule{"ational", "ate", mGt0},
		porterRule{"tional", "tion", mGt0},
		porterRule{"enci", "ence", mGt0},
		porterRule{"anci", "ance", mGt0},
		porterRule{"izer", "ize", mGt0},
		porterRule{"logi", "log", mGt0},
		porterRule{"bli", "ble", mGt0},
		porterRule{"alli", "al", mGt0},
		porterRule{"entli", "ent", mGt0},
		porterRule{"eli", "e", mGt0},
		porterRule{"ousli", "ous", mGt0},
		porterRule{"ization", "ize", mGt0},
		porterRule{"ation", "ate", mGt0},
		porterRule{"ator", "ate", mGt0},
		porterRule{"alism", "al", mGt0},
		porterRule{"iveness", "ive", mGt0},
		porterRule{"fulness", "ful", mGt0},
		porterRule{"ousness", "ous", mGt0},
		porterRule{"aliti", "al", mGt0},
		porterRule{"iviti", "ive", mGt0},
		porterRule{"biliti", "ble", mGt0},
	)
	porterStep3 = newPorterStep(
		porterRule{"ical", "ic", mGt0},
		porterRule{"ness", "", mGt0},
		porterRule{"icate", "ic", mGt0},
		porterRule{"iciti", "ic", mGt0},
		porterRule{"ful", "", mGt0},
		porterRule{"ative", "", mGt0},
		porterRule{"alize", "al", mGt0},
	)
	porterStep4 = newPorterStep(
		porterRule{"al", "", mGt1},
		porterRule{"ance", "", mGt1},
		porterRule{"ence", "", mGt1},
		porterRule{"er", "", mGt1},
		porterRule{"ic", "", mGt1},
		porterRule{"able", "", mGt1},
		porterRule{"ible", "", mGt1},
		porterRule{"ant", "", mGt1},
		porterRule{"ement", "", mGt1},
		porterRule{"ment", "", mGt1},
		porterRule{"ent", "", mGt1},
		porterRule{"ion", "", mGt1AndST},
		porterRule{"ou", "", mGt1},
		porterRule{"ism", "", mGt1},
		porterRule{"ate", "", mGt1},
		porterRule{"iti", "", mGt1},
		porterRule{"ous", "", mGt1},
		porterRule{"ive", "", mGt1},
		porterRule{"ize", "", mGt1},
	)
)

// porterStem stems w (3 to 64 bytes) in place, possibly growing it by a
// byte or two within its capacity, and returns the stem.
func porterStem(w []byte) []byte {
	w, _ = porterStep1a.apply(w)
	var r *porterRule
	if w, r = porterStep1b.apply(w); r != nil && r.suffix != "eed" {
		// "ed" or "ing" removed: tidy up the stem.
		if w, r = porterStep1b2.apply(w); r == nil {
			n := len(w)
			last := w[n-1]
			if n >= 2 && last == w[n-2] && !isVowelByte(last) && last != 'l' && last != 's' && last != 'z' {
				w = w[:n-1] // double consonant
			} else if measure(w) == 1 && endsCVC(w) {
				w = append(w, 'e')
			}
		}
	}
	// Step 1c.
	if n := len(w); w[n-1] == 'y' && containsVowel(w[:n-1]) {
		w[n-1] = 'i'
	}
	w, _ = porterStep2.apply(w)
	w, _ = porterStep3.apply(w)
	w, _ = porterStep4.apply(w)
	// Step 5a.
	if n := len(w); w[n-1] == 'e' {
		if m := measure(w[:n-1]); m > 1 || m == 1 && !endsCVC(w[:n-1]) {
			w = w[:n-1]
		}
	}
	// Step 5b.
	if n := len(w); n > 1 && w[n-1] == 'l' && w[n-2] == 'l' && measure(w[:n-1]) > 1 {
		w = w[:n-1]
	}
	return w
}

func isVowelByte(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// isConsonant reports whether c is a consonant: not a vowel, 'y' counting
// as a vowel only right after a consonant.
func isConsonant(c byte, prevConsonant bool) bool {
	return !isVowelByte(c) && (c != 'y' || !prevConsonant)
}

// measure returns Porter's m of w, the number of vowel-consonant
// transitions in [C](VC)^m[V].
func measure(w []byte) int {
	m := 0
	prev := false // before the first byte: "not a consonant", so a leading y is one
	for i, c := range w {
		cons := isConsonant(c, prev)
		if cons && !prev && i > 0 {
			m++
		}
		prev = cons
	}
	return m
}

// containsVowel is Porter's *v*: the stem contains a vowel (FTS5 counts any 'y'
// but the first as one).
func containsVowel(stem []byte) bool {
	for i, c := range stem {
		if isVowelByte(c) || c == 'y' && i > 0 {
			return true
		}
	}
	return false
}

// endsCVC is Porter's *o: the stem ends consonant-vowel-consonant, the last
// not being w, x or y.
func endsCVC(stem []byte) bool {
	n := len(stem)
	if n < 3 {
		return false
	}
	if c := stem[n-1]; c == 'w' || c == 'x' || c == 'y' {
		return false
	}
	var cons [3]bool
	prev := false
	for i, c := range stem {
		prev = isConsonant(c, prev)
		if i >= n-3 {
			cons[i-(n-3)] = prev
		}
	}
	return cons[0] && !cons[1] && cons[2]
}
