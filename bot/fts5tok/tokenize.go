package fts5tok

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
