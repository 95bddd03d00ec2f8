package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const (
	family   = "👩\u200d👩\u200d👧" // woman, ZWJ, woman, ZWJ, girl: one character
	thumbs   = "👍🏽"              // thumbs up with a skin-tone modifier
	flagDE   = "🇩🇪"
	flagFR   = "🇫🇷"
	eAcute   = "e\u0301" // e + combining acute accent
	keycap   = "1\ufe0f\u20e3"
	heartVS  = "❤\ufe0f"
	zwjSmith = "🧑\u200d🔬"
)

// graphemeTexts mix every kind of multi-rune character with plain and
// multi-byte text.
var graphemeTexts = []string{
	"plain ascii text that is long enough to be cut",
	"Grüße aus Köln, μLO und τ-bench für alle",
	"日本語のテキストも正しく切る必要があります",
	family + family + " and " + family + " again " + family,
	thumbs + thumbs + " ok " + thumbs + thumbs + thumbs,
	flagDE + flagFR + flagDE + " flags " + flagFR + flagDE + flagFR,
	"a" + flagDE + flagFR + flagDE,
	"caf" + eAcute + " r" + eAcute + "sum" + eAcute + " " + eAcute + eAcute + eAcute,
	keycap + keycap + " keys " + heartVS + heartVS,
	zwjSmith + " scientist " + zwjSmith + zwjSmith,
	"e\u0301\u0302\u0303\u0304 stacked marks",
}

// checkCut checks that cut is a cut of s that keeps characters whole: the
// kept part is a prefix of s, and the rest of s does not start with a rune
// that belongs to the last kept character.
func checkCut(t *testing.T, fn string, s string, max int, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("%s(%q, %d) = %q: not valid UTF-8", fn, s, max, got)
	}
	if n := Length(got); n > max {
		t.Fatalf("%s(%q, %d) = %q: %d UTF-16 units, more than %d", fn, s, max, got, n, max)
	}
	if n := utf8.RuneCountInString(got); n > max {
		t.Fatalf("%s(%q, %d) = %q: %d code points, more than %d", fn, s, max, got, n, max)
	}
	if Length(s) <= max {
		if got != s {
			t.Fatalf("%s(%q, %d) = %q: cut although it fits", fn, s, max, got)
		}
		return
	}
	if max <= 0 {
		if got != "" {
			t.Fatalf("%s(%q, %d) = %q, want empty", fn, s, max, got)
		}
		return
	}
	kept, ok := strings.CutSuffix(got, Ellipsis)
	if !ok {
		t.Fatalf("%s(%q, %d) = %q: cut without %q", fn, s, max, got, Ellipsis)
	}
	if !strings.HasPrefix(s, kept) {
		t.Fatalf("%s(%q, %d) = %q: %q is not a prefix", fn, s, max, got, kept)
	}
	rest := s[len(kept):]
	next, _ := utf8.DecodeRuneInString(rest)
	last, _ := utf8.DecodeLastRuneInString(kept)
	switch {
	case kept == "":
	case last == '\u200d':
		t.Fatalf("%s(%q, %d) = %q: ends in a zero-width joiner", fn, s, max, got)
	case unicode.In(next, unicode.Mn, unicode.Me, unicode.Mc) || next == '\u200d' ||
		next >= 0xFE00 && next <= 0xFE0F || next >= 0x1F3FB && next <= 0x1F3FF:
		t.Fatalf("%s(%q, %d) = %q: separated %U from its character", fn, s, max, got, next)
	case isRegional(next) && isRegional(last) && regionalRun(kept)%2 == 1:
		t.Fatalf("%s(%q, %d) = %q: split a flag", fn, s, max, got)
	}
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

func regionalRun(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegional(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n
}

func TestTruncateEveryCut(t *testing.T) {
	for _, s := range graphemeTexts {
		for max := 0; max <= Length(s)+2; max++ {
			checkCut(t, "Truncate", s, max, Truncate(s, max))
			checkCut(t, "TruncateWords", s, max, TruncateWords(s, max))
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 6, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"hello", -3, ""},
		{"", 3, ""},
		{"already cut…", 12, "already cut…"},
		{"hello world", 7, "hello…"}, // the space before the cut is dropped
		{"Grüße", 4, "Grü…"},
		{"日本語テキスト", 4, "日本語…"},
		{"caf" + eAcute + "s", 5, "caf…"},               // e and its accent stay together
		{"caf" + eAcute + "s", 6, "caf" + eAcute + "s"}, // fits: 6 runes
		{"x" + eAcute + eAcute, 4, "x" + eAcute + "…"},  // cut between two accented letters
		// Emoji outside the BMP count 2 (UTF-16 units): family is 8, thumbs 4, a flag 4.
		{"ab" + family, 4, "ab…"},                        // ZWJ sequence kept whole or left out
		{"ab" + family, 7, "ab…"},                        // cut after the joiner
		{"ab" + family + "cd", 12, "ab" + family + "cd"}, // fits: 12 units
		{"ab" + family + "cd", 11, "ab" + family + "…"},  // whole family fits (2 + 8 + 1)
		{"ab" + family + "cd", 10, "ab…"},
		{thumbs + thumbs, 5, thumbs + "…"}, // modifier stays with its emoji
		{thumbs + thumbs, 4, "…"},          // nothing whole fits
		{flagDE + flagFR, 5, flagDE + "…"}, // flags are pairs
		{flagDE + flagFR, 4, "…"},
		{"a" + flagDE + flagFR, 5, "a…"},               // half a flag is left out
		{"a" + flagDE + flagFR, 6, "a" + flagDE + "…"}, // a whole flag is kept
		{keycap + "23", 3, "…"},                        // keycap: 1 + VS16 + enclosing keycap
		{heartVS + heartVS, 3, heartVS + "…"},          // variation selector stays (U+2764 is in the BMP)
		{"abc" + zwjSmith + "def", 5, "abc…"},          // profession emoji not split
		{"𝐀𝐁𝐂", 4, "𝐀…"},                               // mathematical letters count 2
		{"\u1100\u1161\u11A8x", 3, "…"},                // a Hangul syllable of jamo stays whole
		{"a\r\nb", 2, "a…"},
	}
	for _, tt := range tests {
		got := Truncate(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if tt.max > 0 {
			checkCut(t, "Truncate", tt.s, tt.max, got)
		}
	}
}

func TestTruncateWords(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"the quick brown fox jumps", 25, "the quick brown fox jumps"},
		{"the quick brown fox jumps", 12, "the quick…"},
		{"the quick brown fox jumps", 10, "the quick…"}, // cut lands on the space
		{"the quick brown fox jumps", 17, "the quick brown…"},
		{"the quick brown fox jumps", 20, "the quick brown fox…"},
		{"Supercalifragilisticexpialidocious", 10, "Supercali…"},   // the only word is huge
		{"a Supercalifragilisticexpialidocious", 10, "a Superca…"}, // a boundary that wastes more than half the room is not used
		{"first, second third", 8, "first…"},                       // no dangling comma
		{"models (e.g. transformers) work", 10, "models…"},         // no dangling parenthesis
		{"Vision-Language-Action models", 17, "Vision-Language…"},  // no partial word after the hyphen
		{"Grüße aus Köln und München", 15, "Grüße aus Köln…"},      // runes, not bytes
		{"word " + family + family + " word", 9, "word…"},          // emoji are words
		{"word " + thumbs + thumbs + thumbs + " word", 18, "word " + thumbs + thumbs + thumbs + "…"},
		{"word " + thumbs + thumbs + thumbs + " word", 10, "word…"},
		{"x", 1, "x"},
		{"xy", 1, "…"},
		{"hello", 0, ""},
	}
	for _, tt := range tests {
		got := TruncateWords(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("TruncateWords(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if tt.max > 0 {
			checkCut(t, "TruncateWords", tt.s, tt.max, got)
		}
	}
}

// TestTruncateWordsNeverSplitsAWord cuts ordinary prose at every length
// where a boundary is in reach: the kept text always ends at a word's end,
// without a dangling comma, hyphen or parenthesis.
func TestTruncateWordsNeverSplitsAWord(t *testing.T) {
	text := "We introduce a simple, scalable method for training vision-language models on " +
		"interleaved data; it outperforms (by far) the strongest baselines on twelve benchmarks."
	for max := 40; max <= utf8.RuneCountInString(text)+1; max++ {
		got := TruncateWords(text, max)
		checkCut(t, "TruncateWords", text, max, got)
		kept := strings.TrimSuffix(got, Ellipsis)
		if kept == text {
			continue
		}
		if next := text[len(kept)]; !strings.ContainsRune(" ,;:-()", rune(next)) {
			t.Errorf("TruncateWords(text, %d) = %q: ends in a partial word (next is %q)", max, got, next)
		}
		if r, _ := utf8.DecodeLastRuneInString(kept); strings.ContainsRune(" ,;:-([", r) {
			t.Errorf("TruncateWords(text, %d) = %q: ends in %q before the ellipsis", max, got, r)
		}
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("word ", 100) // 500 runes
	tests := []struct {
		name string
		p    Paper
		want string
	}{
		{"ai_summary preferred", Paper{AISummary: "A short AI summary.", Abstract: "The abstract. More."}, "A short AI summary."},
		{"ai_summary whitespace collapsed", Paper{AISummary: "  A short\n  AI summary. "}, "A short AI summary."},
		{"blank ai_summary: abstract", Paper{AISummary: " \n ", Abstract: "The abstract."}, "The abstract."},
		{"short abstract whole", Paper{Abstract: "One sentence. Two\n  sentences."}, "One sentence. Two sentences."},
		{"no text", Paper{}, ""},
	}
	for _, tt := range tests {
		if got := Summary(tt.p, SummaryLen); got != tt.want {
			t.Errorf("%s: Summary = %q, want %q", tt.name, got, tt.want)
		}
	}

	// A long ai_summary is cut on a word boundary.
	got := Summary(Paper{AISummary: long, Abstract: "Short."}, SummaryLen)
	if n := utf8.RuneCountInString(got); n > SummaryLen || n < SummaryLen-10 {
		t.Errorf("long ai_summary: %d runes, want close to %d", n, SummaryLen)
	}
	if !strings.HasSuffix(got, "word…") {
		t.Errorf("long ai_summary: %q does not end in a whole word and an ellipsis", got[len(got)-20:])
	}
}

func TestSummaryFromAbstract(t *testing.T) {
	s1 := "We study scaling laws for mixture-of-experts models trained on web data."
	s2 := "Following Smith et al. and the setup of J. Smith, e.g. with 8 experts, we find that routing matters (e.g. top-2 beats top-1) and that Fig. 3 holds."
	s3 := "Finally, " + strings.Repeat("we scale further ", 20) + "and report results."
	abstract := s1 + "\n  " + s2 + " " + s3
	got := Summary(Paper{Abstract: abstract}, SummaryLen)
	if want := s1 + " " + s2; got != want {
		t.Errorf("Summary = %q,\nwant the first two whole sentences %q", got, want)
	}
	if n := utf8.RuneCountInString(got); n > SummaryLen {
		t.Errorf("Summary has %d runes, more than %d", n, SummaryLen)
	}

	// When the first sentence does not fit, it is cut on a word boundary
	// and marked, never at "et al.", "e.g." or an initial.
	for _, abbr := range []string{"Smith et al.", "methods (e.g.", "e.g.", "J.", "J. R.", "(J.", "Fig.", "i.e.", "vs.", "J.R.R."} {
		text := "Prior work by " + abbr + " " + strings.Repeat("examines many settings ", 20) + "in depth. Second sentence."
		got := Summary(Paper{Abstract: text}, SummaryLen)
		if !strings.HasSuffix(got, Ellipsis) || strings.HasSuffix(got, abbr) {
			t.Errorf("abstract with %q: Summary = %q, want a word-boundary cut with %q (the abbreviation is no sentence end)", abbr, got, Ellipsis)
		}
		checkCut(t, "Summary", text, SummaryLen, got)
	}

	// 10,000 characters without a period.
	noPeriod := strings.Repeat("lorem ipsum dolor ", 556)[:10000]
	got = Summary(Paper{Abstract: noPeriod}, SummaryLen)
	checkCut(t, "Summary", noPeriod, SummaryLen, got)
	if kept := strings.TrimSuffix(got, Ellipsis); !strings.HasPrefix(noPeriod[len(kept):], " ") {
		t.Errorf("10,000 characters without a period: %q ends in a partial word", got[len(got)-20:])
	}

	// 10,000 characters without a space or a period: cut anyway.
	noSpace := strings.Repeat("ü", 10000)
	got = Summary(Paper{Abstract: noSpace}, SummaryLen)
	if got != strings.Repeat("ü", SummaryLen-1)+Ellipsis {
		t.Errorf("10,000 characters without a space: got %d runes", utf8.RuneCountInString(got))
	}
}

func TestSentenceEnds(t *testing.T) {
	tests := []struct {
		text string
		want []string // the text up to each end
	}{
		{"One. Two! Three? Four.", []string{"One.", "One. Two!", "One. Two! Three?", "One. Two! Three? Four."}},
		{"Smith et al. show it. Done.", []string{"Smith et al. show it.", "Smith et al. show it. Done."}},
		{"Methods, e.g. X, i.e. Y, work. Done.", []string{"Methods, e.g. X, i.e. Y, work.", "Methods, e.g. X, i.e. Y, work. Done."}},
		{"Methods (e.g. X) and (i.e. Y) work.", []string{"Methods (e.g. X) and (i.e. Y) work."}},
		{"By J. Smith and (J. Doe) too.", []string{"By J. Smith and (J. Doe) too."}},
		{"As J.R.R. Tolkien wrote.", []string{"As J.R.R. Tolkien wrote."}},
		{"See Fig. 3 and Eq. 2. Then.", []string{"See Fig. 3 and Eq. 2.", "See Fig. 3 and Eq. 2. Then."}},
		{"Version 2. then more.", []string{"Version 2. then more."}},
		{"Pi is 3.14 exactly. Yes.", []string{"Pi is 3.14 exactly.", "Pi is 3.14 exactly. Yes."}},
		{"No end here", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, end := range sentenceEnds(tt.text) {
			got = append(got, tt.text[:end])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("sentenceEnds(%q):\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}

func TestFirstSentences(t *testing.T) {
	text := "First sentence here. Second sentence is longer than that. Third."
	tests := []struct {
		max  int
		want string
	}{
		{100, text},
		{60, "First sentence here. Second sentence is longer than that."},
		{57, "First sentence here. Second sentence is longer than that."},
		{56, "First sentence here."},
		{20, "First sentence here."},
		{19, "First sentence…"},
	}
	for _, tt := range tests {
		if got := FirstSentences(text, tt.max); got != tt.want {
			t.Errorf("FirstSentences(text, %d) = %q, want %q", tt.max, got, tt.want)
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Attention Is\n  All You Need", "Attention Is All You Need"},
		{"Scaling\n  Laws\n  for\n  Neural Language Models", "Scaling Laws for Neural Language Models"},
		{"tab\tseparated\t\twords", "tab separated words"},
		{"  leading and trailing  ", "leading and trailing"},
		{"a\r\nb\vc\fd", "a b c d"},
		{"no\u00a0break\u00a0space", "no break space"},
		{"ideographic\u3000space", "ideographic space"},
		{"em\u2003space and\u2009thin", "em space and thin"},
		{"double  space", "double space"},
		{"already clean", "already clean"},
		{"μLO and τ-bench, FürElise", "μLO and τ-bench, FürElise"},
		{"", ""},
		{" ", ""},
		{"\n\t \u00a0", ""},
		{"x", "x"},
		{"trailing\n", "trailing"},
	}
	for _, tt := range tests {
		if got := CollapseSpace(tt.in); got != tt.want {
			t.Errorf("CollapseSpace(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShortAuthors(t *testing.T) {
	tests := []struct {
		authors []string
		want    string
	}{
		{nil, ""},
		{[]string{"Ada Lovelace"}, "Ada Lovelace"},
		{[]string{"A", "B"}, "A, B"},
		{[]string{"A", "B", "C"}, "A, B, C"},
		{[]string{"A", "B", "C", "D"}, "A, B, C et al."},
		{[]string{"A", "B", "C", "D", "E", "F"}, "A, B, C et al."},
	}
	for _, tt := range tests {
		if got := ShortAuthors(tt.authors, 3); got != tt.want {
			t.Errorf("ShortAuthors(%q, 3) = %q, want %q", tt.authors, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"  a\tb\n\nc  ":          "a b c",
		"x\x00y\x7fz\u0085w":     "xyz w", // NEL is white space
		"a\u202eb\u2066c\ufeffd": "abcd",
		"bad\xffutf8":            "badutf8",
		"keep\u200bzwsp \u200d":  "keep zwsp",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFitLinks(t *testing.T) {
	plain := []string{"cs.LG", "cs.RO"}
	linked := []string{"<u1|cs.LG>", "<u2|cs.RO>"}
	for limit, want := range map[int]string{
		100:                      "<u1|cs.LG>, <u2|cs.RO>", // both links fit
		len("<u1|cs.LG>, cs.RO"): "<u1|cs.LG>, cs.RO",      // the first only
		len("cs.LG, cs.RO"):      "cs.LG, cs.RO",           // text only
	} {
		if got, ok := FitLinks(plain, linked, ", ", limit); !ok || got != want {
			t.Errorf("limit %d: %q, %v; want %q", limit, got, ok, want)
		}
	}
	if _, ok := FitLinks(plain, linked, ", ", len("cs.LG, cs.RO")-1); ok {
		t.Error("text longer than the limit fitted")
	}
}
