package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanTextInvisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Token\u00adization", "Tokenization"},   // soft hyphen removed
		{"zero\u200bwidth", "zero width"},        // a zero-width space separates words
		{"@\u200beveryone", "@ everyone"},        // a disguised mention is not the defused form
		{"non\u200cjoiner\u200dx", "nonjoinerx"}, // ZWNJ, and a ZWJ outside emoji
		{"a\u200eb\u200fc", "abc"},               // LRM, RLM
		{"word\u2060joiner\u2061\u2062\u2063\u2064", "wordjoiner"},
		{"\ufeffbom", "bom"},
		{"c\u034fgj", "cgj"},
		{"mongolian\u180evs", "mongolianvs"},
		{"tag\U000E0041\U000E007Fs", "tags"},
		{"math\ufe00 sign", "math sign"}, // a variation selector outside an emoji
		{"cjk\U000E0100", "cjk"},
		{"\u3164\u115f\uffa0filler", "filler"}, // Hangul fillers
		{"bidi\u202e\u2066\u2069\u061c", "bidi"},
		{"👩\u200d🔬 scientist", "👩\u200d🔬 scientist"}, // ZWJ inside an emoji sequence stays
		{"👨\u200d👩\u200d👧\u200d👦", "👨\u200d👩\u200d👧\u200d👦"},
		{"🏳\ufe0f\u200d🌈", "🏳\ufe0f\u200d🌈"}, // VS16 then ZWJ
		{"👩🏽\u200d💻", "👩🏽\u200d💻"},           // modifier then ZWJ
		{"❤\ufe0f love", "❤\ufe0f love"},
		{"1\ufe0f\u20e3 first", "1\ufe0f\u20e3 first"}, // keycap
		{"1\ufe0f first", "1 first"},                   // no keycap: VS16 after a digit removed
		{"x\u200d🔬", "x🔬"},                             // ZWJ after a letter
		{"👩\u200d", "👩"},                               // ZWJ with nothing to join
		{"👩 \u200d🔬", "👩 🔬"},
		{"\u200b\u200c\u200d\ufeff\u2060", ""},
		{"  a\tb\n\nc  ", "a b c"},
		{"x\x00y\x7fz\u0085w", "xyz w"},
		{"bad\xffutf8", "badutf8"},
		{"plain text", "plain text"},
		{"esc\x1b[31mred\x1b[0m and \x1b]0;title\x07 done \u009b2J", "escred and done"}, // terminal escapes, whole
	}
	for _, tt := range tests {
		got := CleanText(tt.in)
		if got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := CleanText(got); again != got {
			t.Errorf("CleanText is not idempotent on %q: %q", got, again)
		}
	}
}

// TestCleanTextLeavesNoIgnorable runs every default-ignorable code point
// between letters and between emoji: what is left is only a ZWJ or an
// emoji variation selector inside an emoji sequence.
func TestCleanTextLeavesNoIgnorable(t *testing.T) {
	for r := rune(0); r <= 0xE0FFF; r++ {
		if !IsDefaultIgnorable(r) {
			continue
		}
		for _, s := range []string{"a" + string(r) + "b", "👩" + string(r) + "🔬", "❤" + string(r), string(r)} {
			got := CleanText(s)
			for i, c := range got {
				if !IsDefaultIgnorable(c) {
					continue
				}
				prev, _ := utf8.DecodeLastRuneInString(got[:i])
				if !(c == '\u200d' || c == '\ufe0f' || c == '\ufe0e') || !IsPictographic(prev) {
					t.Fatalf("CleanText(%q) = %q keeps %U", s, got, c)
				}
			}
		}
	}
}

func TestIsDefaultIgnorable(t *testing.T) {
	yes := []rune{0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180E, 0x180F, 0x200B, 0x200F,
		0x202A, 0x202E, 0x2060, 0x2064, 0x2065, 0x206F, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0, 0xFFF8,
		0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0001, 0xE007F, 0xE0100, 0xE0FFF}
	no := []rune{'a', ' ', 0x00A0, 0x00AC, 0x00AE, 0x0300, 0x2028, 0x2010, 0x3000, 0xFFFD, 0x1F600, 0xE1000, 0x20E3}
	for _, r := range yes {
		if !IsDefaultIgnorable(r) {
			t.Errorf("IsDefaultIgnorable(%U) = false", r)
		}
	}
	for _, r := range no {
		if IsDefaultIgnorable(r) {
			t.Errorf("IsDefaultIgnorable(%U) = true", r)
		}
	}
}

func TestDefuseMentions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@everyone", "@\u200beveryone"},
		{"hi @Here and @CHANNEL", "hi @\u200bHere and @\u200bCHANNEL"},
		{"mail a@everyone.com", "mail a@\u200beveryone.com"},
		{"@everyone@here", "@\u200beveryone@\u200bhere"},
		{"@ everyone", "@ everyone"},
		{"@every", "@every"},
		{"@user", "@user"},
		{"no at", "no at"},
	}
	for _, tt := range tests {
		if got := DefuseMentions(tt.in); got != tt.want {
			t.Errorf("DefuseMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Cleaning first tells a disguised mention from a defused one.
	disguised := DefuseMentions(CleanText("@\u200beveryone"))
	ours := DefuseMentions(CleanText("@everyone"))
	if disguised == ours {
		t.Errorf("a disguised mention comes out as the defused one: %q", ours)
	}
}

func TestDisplayTitle(t *testing.T) {
	tests := []struct {
		p    Paper
		want string
	}{
		{Paper{ID: "2608.00001", Title: "A Title"}, "A Title"},
		{Paper{ID: "2608.00001", Title: "  A\n  wrapped\tTitle "}, "A wrapped Title"},
		{Paper{ID: "2608.00001", Title: ""}, "Untitled (arXiv:2608.00001)"},
		{Paper{ID: "2608.00001", Title: " \t\n\u00a0\u3000 "}, "Untitled (arXiv:2608.00001)"},
		{Paper{ID: "2608.00001", Title: "\u200b\u200c\u200d\ufeff\u2060"}, "Untitled (arXiv:2608.00001)"},
		{Paper{ID: "hep-th/9901001", Title: "\x00\x07"}, "Untitled (arXiv:hep-th/9901001)"},
		{Paper{}, "Untitled paper"},
	}
	for _, tt := range tests {
		if got := tt.p.DisplayTitle(); got != tt.want {
			t.Errorf("DisplayTitle(%q) = %q, want %q", tt.p.Title, got, tt.want)
		}
	}
}

func TestCleanPaper(t *testing.T) {
	p := CleanPaper(Paper{ID: "2608.00001", Title: "Token\u00adization \u202eat scale", Abstract: "We\u200btokenize.\n\nAll of it.",
		Authors: []string{"Ann\u200d Lee", " ", "\u200b", "Bob"}, AIKeywords: []string{"x\u00ady", ""},
		OrgFullName: "Org\ufeff", GitHubRepo: " https://github.com/a/b\n"})
	want := Paper{ID: "2608.00001", Title: "Tokenization at scale", Abstract: "We tokenize. All of it.",
		Authors: []string{"Ann Lee", "Bob"}, AIKeywords: []string{"xy"}, OrgFullName: "Org", GitHubRepo: "https://github.com/a/b"}
	if p.Title != want.Title || p.Abstract != want.Abstract || strings.Join(p.Authors, "|") != strings.Join(want.Authors, "|") ||
		strings.Join(p.AIKeywords, "|") != strings.Join(want.AIKeywords, "|") || p.OrgFullName != want.OrgFullName || p.GitHubRepo != want.GitHubRepo {
		t.Errorf("CleanPaper = %+v\nwant %+v", p, want)
	}
	// A title with nothing left is kept as it came.
	if p := CleanPaper(Paper{ID: "2608.00001", Title: " \u200b "}); p.Title != " \u200b " || p.DisplayTitle() != "Untitled (arXiv:2608.00001)" {
		t.Errorf("blank title: stored %q, shown %q", p.Title, p.DisplayTitle())
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"Grüße", 5}, {"日本", 2}, {"😀", 2}, {"👩\u200d🔬", 5}, {"𝐀", 2}, {"\xff", 1}, {"\xf0\x9f", 2},
	}
	for _, tt := range tests {
		if got := Length(tt.s); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.s, got, tt.want)
		}
		if got := Length(tt.s); got < utf8.RuneCountInString(tt.s) {
			t.Errorf("Length(%q) = %d is less than its code points", tt.s, got)
		}
	}
}

func TestFindURLs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"see https://example.org/a_b*c for more", []string{"https://example.org/a_b*c"}},
		{"(see https://x.org/a).", []string{"https://x.org/a"}},
		{"https://en.wikipedia.org/wiki/Foo_(bar), ok", []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"**https://bold.example/x**", []string{"https://bold.example/x"}},
		{"HTTPS://UPPER.example and http://a.b", []string{"HTTPS://UPPER.example", "http://a.b"}},
		{"https://a.b/x<@123> and <https://c.d>", []string{"https://a.b/x", "https://c.d"}},
		{"https://github.com/a/b|<@U1>", []string{"https://github.com/a/b"}},
		{"javascript:alert(1) ftp://x.y mailto:a@b.c", nil},
		{"xhttps://not.a/url https:// http:///path", nil},
		{"end https://a.b/c.", []string{"https://a.b/c"}},
		{"https://例え.jp/パス です", []string{"https://例え.jp/パス"}},
		{"cut https://x.org/a/long…", []string{"https://x.org/a/long…"}},
		{"https://x.org/a👩\u200d🔬 and https://y.org❤\ufe0f", []string{"https://x.org/a", "https://y.org"}},
		{"http:///http://a.b http://", []string{"http://a.b"}},
		{strings.Repeat("http:///", 1000) + "https://end.example", []string{"https://end.example"}},
	}
	for _, tt := range tests {
		var got []string
		for _, u := range FindURLs(tt.in) {
			got = append(got, tt.in[u.Start:u.End])
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("FindURLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsDiscordInvite(t *testing.T) {
	for u, want := range map[string]bool{
		"https://discord.gg/abc":               true,
		"http://www.discord.gg/abc":            true,
		"https://DISCORD.com/invite/xyz":       true,
		"https://discordapp.com/invite/xyz":    true,
		"https://discord.com/channels/1/2":     false,
		"https://discord.gg/":                  false,
		"https://example.org/discord.gg/x":     false,
		"https://notdiscord.gg/abc":            false,
		"https://discord.gg.evil.example/path": false,
	} {
		if got := IsDiscordInvite(u); got != want {
			t.Errorf("IsDiscordInvite(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestLooksLikeURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://evil.example":              true,
		"see www.evil.example now":          true,
		"huggingface.co/papers/2608.19880":  true,
		"Go to evil.example/login":          true,
		"Attention Is All You Need":         false,
		"Node.js and Vue.js":                false,
		"GPT-4o: a model. Results/ablation": false,
		"arXiv:2401.00001":                  false,
		"e.g. x/y":                          false,
	} {
		if got := LooksLikeURL(s); got != want {
			t.Errorf("LooksLikeURL(%q) = %v, want %v", s, got, want)
		}
	}
}
