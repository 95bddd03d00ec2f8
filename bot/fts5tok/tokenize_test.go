package fts5tok

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var tokenizeCases = []struct {
	in   string
	want []string // nil: only compared with SQLite
}{
	{"", []string{}},
	{"   ...,;!? -- // ''", []string{}},
	{"Müller", []string{"muller"}},
	{"façade", []string{"facad"}},
	{"naïve naïveté", []string{"naiv", "naivet"}},
	{"Ångström", []string{"angstrom"}},
	{"Ø ø Øresund", []string{"ø", "ø", "øresund"}},
	{"ß straße STRASSE", []string{"ß", "straß", "strass"}},
	{"İstanbul ıstanbul", []string{"istanbul", "ıstanbul"}},
	{"ﬁnance ﬁ", []string{"ﬁnanc", "ﬁ"}}, // no decomposition
	{"Ἀθῆναι ΆΈΉΊΌΎΏ άέήίόύώ ΐΰ", nil},
	{"Привет, МИР! Ёлка", nil},
	{"大規模言語モデル 中文分词 日本語の文章", []string{"大規模言語モデル", "中文分词", "日本語の文章"}},
	{"한국어 텍스트", nil},
	{"ภาษาไทย ไม่มีช่องว่าง", []string{"ภาษาไทย", "ไม", "ม", "ช", "องว", "าง"}}, // Thai marks (Mn) separate
	// Emoji newer than FTS5's Unicode tables (🤖, 🏽) are token characters.
	{"emoji 🤖🚀 robot🤖robot 👍🏽 ❤️ 🇫🇷", []string{"emoji", "🤖", "robot🤖robot", "🏽"}},
	{"GPT-4o 3.5 1e-10 0.001% 1,000,000 v2.0.1", []string{"gpt", "4o", "3", "5", "1e", "10", "0", "001", "1", "000", "000", "v2", "0", "1"}},
	{"don't it's O'Reilly’s", []string{"don", "t", "it", "s", "o", "reilli", "s"}},
	{"snake_case kebab-case CamelCase", []string{"snake", "case", "kebab", "case", "camelcas"}},
	{"U.S. e.g. i.e.", []string{"u", "s", "e", "g", "i", "e"}},
	{strings.Repeat("a", 64) + "s " + strings.Repeat("a", 63) + "s " + strings.Repeat("abc", 30) + "ing", nil},
	{"running runs ran easily generalization relational hopping hoping caresses ponies", []string{"run", "run", "ran", "easili", "gener", "relat", "hop", "hope", "caress", "poni"}},
	{"ied aed eed sses ies yyy ying ayed", nil},
	{"e\u0301cole cafe\u0301 \u0301abc a\u0308\u0301b", []string{"ecol", "cafe", "abc", "ab"}},
	{"zero\u200bwidth zero\u200djoiner soft\u00adhyphen nb\u00a0sp", nil},
	{"private \ue000use\uf8ff \U000f0000x \U00100000y", nil},
	{"Résumé CAFÉ Œuvre Æon œ æ Ŀ ŀ Ǆ ǅ ǆ", nil},
	{"µm ªº ² ½ Ⅻ ⑫ ①", []string{"μm", "ªº", "²", "½", "ⅻ", "⑫", "①"}},
	{"𐐀𐐨 Deseret 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐀𝐁𝐂", nil},
	{"mixed: résumé, Привет, 中文, العربية, עברית, हिन्दी", nil},
	{"tabs\tand\nnewlines\r\nand\x00nul", nil},
	{"hello\xaaworld \xc3\xa9\x80", []string{"helloªworld", "㩀"}},
	{"invalid \xff\xfe utf8 \xc3 \x80\xaa\xb5 \xed\xa0\x80 \xc0\x80 \xe0\x80\xaa \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80x \xc3\xa9\x80\x80", nil},
	{"ΣΊΣΥΦΟΣ σίσυφος ς", nil},
	// Porter works on bytes: it can cut a character in two.
	{"aぁed", []string{"a\xe3\x81"}},
	{"πs αβγs", []string{"π", "αβγ"}},
	{"élan élans Éire", []string{"elan", "elan", "eir"}},
	{"Ǳ ǲ ǳ Ω K Å ẞ", nil},
	{"ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３", nil},
	// The index keeps the first 32768 bytes of a term, even mid-character.
	{strings.Repeat("Ab", 20000), []string{strings.Repeat("ab", 16384)}},
	{strings.Repeat("中", 11000) + " " + strings.Repeat("é", 17000), nil},
}

// TestTokenizeCases checks the cases' expected terms, then compares every
// case with SQLite (which only that part needs).
func TestTokenizeCases(t *testing.T) {
	for _, c := range tokenizeCases {
		if c.want == nil {
			continue
		}
		if got := Tokens(c.in); !equalTerms(got, c.want) {
			t.Errorf("Tokens(%+q) = %q, want %q", c.in, got, c.want)
		}
	}
	o := openFTSOracle(t)
	defer o.close()
	docs := make([]string, len(tokenizeCases))
	for i, c := range tokenizeCases {
		docs[i] = c.in
	}
	if n, _ := compareTokenize(t, o, docs, func(i int) string { return fmt.Sprintf("case %d", i) }); n > 0 {
		t.Errorf("%d of %d cases differ from SQLite", n, len(docs))
	}
}

// TestTokenizeRandom compares random texts made of pieces chosen to hit
// the stemmer's rules, case folding, diacritics and FTS5's handling of
// invalid UTF-8.
func TestTokenizeRandom(t *testing.T) {
	pieces := []string{
		"a", "e", "i", "o", "u", "y", "b", "c", "l", "s", "t", "z", "w", "x", "n", "g", "r", "d", "m", "p",
		"A", "E", "Y", "S", "L", "0", "7",
		"s", "es", "ss", "ies", "sses", "ed", "eed", "ing", "at", "bl", "iz", "ll", "le",
		"ational", "tional", "enci", "anci", "izer", "logi", "bli", "alli", "entli", "eli", "ousli",
		"ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti",
		"ical", "ness", "icate", "iciti", "ful", "ative", "alize",
		"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion",
		"ou", "ism", "ate", "iti", "ous", "ive", "ize",
		" ", " ", " ", "-", "'", ".", "_", "\n", "\u00a0", "\u200b", "\u200d",
		"é", "É", "ß", "ø", "Ø", "İ", "ı", "ﬁ", "Ά", "ώ", "Ж", "ж", "中", "ぁ", "한", "ไ", "🤖", "👍🏽", "𐐀", "𝔘",
		"\u0301", "\u0308", "\u0327", "\u0331", "\u0332", "\ue000", "\U000f0000", "\U00100000",
		"\x80", "\xaa", "\xb5", "\xbf", "\xc0", "\xc3", "\xe0", "\xed\xa0\x80", "\xef\xbf\xbe", "\xf0", "\xf4\x90\x80\x80", "\xf8", "\xfc", "\xfe", "\xff", "\x00",
	}
	o := openFTSOracle(t)
	defer o.close()
	rng := rand.New(rand.NewPCG(1, 2))
	docs := make([]string, 20000)
	for i := range docs {
		var b strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		docs[i] = b.String()
	}
	n, terms := compareTokenize(t, o, docs, func(i int) string { return fmt.Sprintf("random text %d", i) })
	t.Logf("%d random texts, %d terms: %d mismatching", len(docs), terms, n)
	if n > 0 {
		t.Errorf("%d of %d random texts differ from SQLite", n, len(docs))
	}
}

// TestTokenizeCodePoints compares every code point of the planes FTS5's
// tables describe (0, 1, 2, 14 and 15), a sample of the others and of
// values beyond U+10FFFF, at the start and in the middle of a token.
func TestTokenizeCodePoints(t *testing.T) {
	o := openFTSOracle(t)
	defer o.close()
	var cps []uint32
	for c := uint32(0); c < 0x30000; c++ {
		cps = append(cps, c)
	}
	for c := uint32(0x30000); c < 0xE0000; c += 0x1111 {
		cps = append(cps, c)
	}
	for c := uint32(0xE0000); c < 0x110000; c++ {
		cps = append(cps, c)
	}
	cps = append(cps, 0x110000, 0x1FFFFF)
	var docs []string
	var b []byte
	for i, c := range cps {
		b = appendGeneralizedUTF8(b, c)
		b = append(b, 'x')
		b = appendGeneralizedUTF8(b, c)
		b = append(b, "x "...)
		if i%2048 == 2047 || i == len(cps)-1 {
			docs = append(docs, string(b))
			b = b[:0]
		}
	}
	n, terms := compareTokenize(t, o, docs, func(i int) string { return fmt.Sprintf("code points from U+%04X", cps[i*2048]) })
	t.Logf("%d code points in %d documents, %d terms: %d mismatching documents", len(cps), len(docs), terms, n)
	if n > 0 {
		t.Errorf("%d of %d documents differ from SQLite", n, len(docs))
	}
}

// appendGeneralizedUTF8 encodes any value below 1<<21 in UTF-8's scheme,
// surrogates included (Go's encoder would write U+FFFD for those).
func appendGeneralizedUTF8(b []byte, c uint32) []byte {
	switch {
	case c < 0x80:
		return append(b, byte(c))
	case c < 0x800:
		return append(b, 0xC0|byte(c>>6), 0x80|byte(c&0x3F))
	case c < 0x10000:
		return append(b, 0xE0|byte(c>>12), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
	}
	return append(b, 0xF0|byte(c>>18), 0x80|byte(c>>12&0x3F), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
}

// foldToken folds every character of s the way unicode61 with
// remove_diacritics 2 folds the characters of a token (lower case, accents
// and other diacritics removed), without splitting s into tokens and without
// stemming. Only tests use it: TestFoldToken pins foldRune's fold of whole
// words.
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

func TestFoldToken(t *testing.T) {
	for in, want := range map[string]string{
		"Müller":     "muller",
		"ÅNGSTRÖM":   "angstrom",
		"e\u0301":    "e",
		"ΆΈΉ":        "άέή",
		"Running":    "running",
		"İ":          "i",
		"straße":     "straße",
		"𐐀":          "𐐨",
		"snake_case": "snake_case",
	} {
		if got := foldToken(in); got != want {
			t.Errorf("foldToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, c := range tokenizeCases {
		f.Add(c.in)
	}
	o := openFTSOracle(f)
	f.Cleanup(o.close)
	f.Fuzz(func(t *testing.T, s string) {
		want := o.terms(t, []string{s})[0]
		if got := Tokens(s); !equalTerms(got, want) {
			t.Errorf("Tokens(%+q) differs from SQLite (-sqlite +go):\n%s", s, cmp.Diff(want, got))
		}
	})
}
