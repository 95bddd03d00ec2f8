package fts5tok

import (
	"strings"
	"unicode/utf8"
)

// extraFold maps letters that the index's own fold (remove_diacritics 2)
// keeps as they are but that people type without: "Sørensen" is searched
// as "sorensen", "Łukasz" as "lukasz", "Straße" as "strasse".
var extraFold = map[rune]string{
	'ø': "o", 'ß': "ss", 'æ': "ae", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'þ': "th",
}

// Fold lower-cases s and strips its diacritics as the full-text index does
// (foldRune: SQLite's unicode61 fold with remove_diacritics 2), and also
// folds the few Latin letters listed in extraFold, for accent- and
// case-insensitive substring matching (author: filters). Invalid UTF-8 is
// dropped.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case r < 0x80:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		f := rune(foldRune(uint32(r)))
		if f == 0 {
			continue // a combining mark
		}
		if x, ok := extraFold[f]; ok {
			b.WriteString(x)
			continue
		}
		b.WriteRune(f)
	}
	return b.String()
}
