package bot

import (
	"strings"
	"unicode"
)

// foldGroups maps accented Latin letters to their base letter.
var foldGroups = map[rune]string{
	'a': "àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặ",
	'c': "çćĉċč",
	'd': "ďđ",
	'e': "èéêëēĕėęěȅȇȩẹẻẽếềểễệ",
	'g': "ĝğġģǧǵ",
	'h': "ĥħȟ",
	'i': "ìíîïĩīĭįıǐȉȋỉị",
	'j': "ĵǰ",
	'k': "ķǩ",
	'l': "ĺļľŀł",
	'n': "ñńņňŉǹ",
	'o': "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱọỏốồổỗộớờởỡợ",
	'r': "ŕŗřȑȓ",
	's': "śŝşšș",
	't': "ţťŧț",
	'u': "ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự",
	'w': "ŵẁẃẅ",
	'y': "ýÿŷỳỵỷỹ",
	'z': "źżž",
}

var foldTable = func() map[rune]rune {
	m := map[rune]rune{}
	for base, s := range foldGroups {
		for _, r := range s {
			m[r] = base
		}
	}
	return m
}()

// FoldText lower-cases s and strips the diacritics of Latin letters
// ("Müller" → "muller", "Łukasz" → "lukasz"), for accent- and
// case-insensitive substring matching (author: filters). Combining marks
// are dropped; "ß" becomes "ss".
func FoldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r == 'æ':
			b.WriteString("ae")
			continue
		case r == 'œ':
			b.WriteString("oe")
			continue
		}
		if f, ok := foldTable[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}
