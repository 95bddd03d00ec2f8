package slack

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// escapeReadBack is what a reader sees of escaped mrkdwn, as far as the
// characters go: the three entities decoded, our zero-width spaces gone and
// the look-alikes read as the characters they stand for. One pass, so
// "&amp;lt;" reads "&lt;".
var escapeReadBack = readBack{func() *strings.Replacer {
	pairs := []string{"&lt;", "<", "&gt;", ">", "&amp;", "&", "\u200b", ""}
	for orig, look := range lookAlikes {
		pairs = append(pairs, string(look), string(orig))
	}
	return strings.NewReplacer(pairs...)
}()}

// readBack reads escaped mrkdwn back: each link is replaced by its label
// (what Slack shows), then entities, zero-width spaces and look-alikes.
type readBack struct{ r *strings.Replacer }

var linkRe = regexp.MustCompile(`<(https?://[^<>|\s]+)\|([^<>]*)>`)

func (b readBack) Replace(s string) string {
	return b.r.Replace(linkRe.ReplaceAllString(s, "$2"))
}

// withoutLinks is escaped mrkdwn with its links replaced by their labels.
func withoutLinks(s string) string { return linkRe.ReplaceAllString(s, "$2") }

func escapeHasLookAlike(s string) bool {
	for _, look := range lookAlikes {
		if strings.ContainsRune(s, look) {
			return true
		}
	}
	return false
}

// escapeHostile is text that would ping, link or format if it reached
// Slack as written.
var escapeHostile = []string{
	"<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>", "<#C123|general>", "<!subteam^S1|@team>",
	"<!date^1392734382^{date}|x>", "<https://evil.example|click>", "<https://evil.example>", "<mailto:a@b.example|mail>",
	"&amp;", "&lt;!channel&gt;", "&", "<", ">", "*bold*", "_it_", "~s~", "`c`", "```", "```code```",
	"@channel", "@here", "@everyone", "@Channel", "@HERE", ":fire:", ":+1:", "> quote", ">>> quote",
	"＊太字＊", "＿斜体＿", "｀コード｀", "＞ 引用",
}

func TestEscapeMrkdwnExact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<!channel>", "&lt;!channel&gt;"},
		{"<!here>", "&lt;!here&gt;"},
		{"<!everyone>", "&lt;!everyone&gt;"},
		{"<@U123>", "&lt;@U123&gt;"},
		{"<#C123>", "&lt;#C123&gt;"},
		// A URL is a link whose text is the URL itself; the rest is text.
		{"<https://evil.example|click>", "&lt;<https://evil.example|https://evil.example>|click&gt;"},
		{"see https://x.org/a_b*c_d?q=1&r=2 now", "see <https://x.org/a_b*c_d?q=1&amp;r=2|https://x.org/a_b*c_d?q=1&amp;r=2> now"},
		{"https://例え.jp/パス", "https://例え.jp/パス"}, // not an ASCII host: text
		{"https://x.org/パス", "<https://x.org/%E3%83%91%E3%82%B9|https://x.org/パス>"},
		{"cut https://x.org/a_/b…", "cut https://x.org/aˍ/b…"}, // cut short: text
		{"javascript:alert(1) ftp://x.org", "javascript:alert(1) ftp://x.org"},
		{"&amp;", "&amp;amp;"},
		{"R&D", "R&amp;D"},
		{"*bold*", "∗bold∗"},
		{"_it_", "ˍitˍ"},
		{"~s~", "∼s∼"},
		{"`c`", "ˋcˋ"},
		{"```", "ˋˋˋ"},
		{"@channel", "@\u200bchannel"},
		{"ping @Here and @EVERYONE", "ping @\u200bHere and @\u200bEVERYONE"},
		{"mail a@example.org", "mail a@example.org"},
		// Inside a word a marker never formats, so it stays.
		{"snake_case x_t A*B 2~3 $O(n*m)$", "snake_case x_t A*B 2~3 $O(n*m)$"},
		{"~2x faster, *not* _this_", "∼2x faster, ∗not∗ ˍthisˍ"},
		{"__init__", "ˍˍinitˍˍ"},
		{"> quote", "˃ quote"},
		{"a > b >> c", "a &gt; b &gt;&gt; c"},
		{">>> all", "˃&gt;&gt; all"},
		{":fire: at 12:30:45 :+1: a:b", "꞉fire: at 12꞉30:45 ꞉+1: a:b"},
		{"＊太字＊ ＿斜体＿ ｀コード｀", "﹡太字﹡ ⸏斜体⸏ ˴コード˴"},
		{"＞ 引用", "﹥ 引用"},
		{"  two\n\nlines\t and  spaces ", "two lines and spaces"},
		{"a\u202Eb\u2066c\u200bd\ufeffe\x00f\x7fg\u0085h", "abc defg h"}, // a zero-width space separates words
		{"bad \xff\xfe utf-8", "bad utf-8"},
		{"", ""},
	} {
		if got := escapeMrkdwn(tc.in); got != tc.want {
			t.Errorf("escapeMrkdwn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeMrkdwnReadsAsWritten(t *testing.T) {
	all := strings.Join(escapeHostile, " ")
	for _, s := range append(escapeHostile, all, "Attention Is All You Need", "Diffusion & <think> tokens: $x_t$ ~ N(0, I)") {
		got := escapeMrkdwn(s)
		if back := escapeReadBack.Replace(got); back != cleanText(s) {
			t.Errorf("escapeMrkdwn(%q) = %q reads back as %q", s, got, back)
		}
		if err := checkMrkdwn(got); err != nil {
			t.Errorf("escapeMrkdwn(%q) = %q: %v", s, got, err)
		}
		for _, active := range []string{"<", ">", "*", "`", "~", "@channel", "@here", "@everyone", ":fire:"} {
			if strings.Contains(strings.ToLower(withoutLinks(got)), active) {
				t.Errorf("escapeMrkdwn(%q) = %q still holds %q", s, got, active)
			}
		}
	}
}

func TestEscapeTextFallback(t *testing.T) {
	got := truncateText("1. <!channel> *R&D*\n\n @here \u202Ewins\t<https://x.example|y>", maxText)
	want := "1. &lt;!channel&gt; *R&amp;D*\n@\u200bhere wins &lt;https://x.example|y&gt;"
	if got != want {
		t.Errorf("truncateText = %q, want %q", got, want)
	}
	if err := checkMrkdwn(got); err != nil {
		t.Error(err)
	}
}

// escapeCutSamples mix multi-byte characters that must stay whole with
// characters that become entities.
var escapeCutSamples = []string{
	strings.Repeat("👨‍👩‍👧‍👦&", 12),
	strings.Repeat("🇩🇪🇫🇷🇯🇵<", 10),
	strings.Repeat("深度学习>模型 ", 12),
	strings.Repeat("e\u0301\u0302&a\u0308 ", 15),
	strings.Repeat("👍🏽*_~`@here ", 8),
	strings.Repeat("ก่อน ", 20),
	"a" + strings.Repeat("&", 40),
}

func TestEscapeTruncateEscapedEveryLength(t *testing.T) {
	for _, raw := range escapeCutSamples {
		clean := cleanText(raw)
		full := escapeMrkdwn(raw)
		for limit := 0; limit <= bot.Length(full)+2; limit++ {
			got := truncateEscaped(raw, limit)
			n := bot.Length(got)
			switch {
			case !utf8.ValidString(got):
				t.Fatalf("limit %d: invalid UTF-8 %q", limit, got)
			case n > limit:
				t.Fatalf("limit %d: %d characters: %q", limit, n, got)
			case limit >= bot.Length(full) && got != full:
				t.Fatalf("limit %d: cut although the whole text fits: %q", limit, got)
			case limit < bot.Length(full) && limit > 0 && !strings.HasSuffix(got, bot.Ellipsis):
				t.Fatalf("limit %d: cut without …: %q", limit, got)
			}
			if err := checkMrkdwn(got); err != nil {
				t.Fatalf("limit %d: %q: %v (split entity?)", limit, got, err)
			}
			// What is shown is the start of the text, cut between whole
			// characters.
			head := strings.TrimSuffix(escapeReadBack.Replace(got), bot.Ellipsis)
			if !strings.HasPrefix(clean, head) {
				t.Fatalf("limit %d: %q reads %q, not a start of %q", limit, got, head, clean)
			}
			if rest := clean[len(head):]; rest != "" {
				next, _ := utf8.DecodeRuneInString(rest)
				last, _ := utf8.DecodeLastRuneInString(head)
				if unicode.Is(unicode.Mn, next) || next == '\u200d' || last == '\u200d' || (next >= 0x1F3FB && next <= 0x1F3FF) {
					t.Fatalf("limit %d: cut splits a character: %q | %q", limit, head, rest)
				}
				ri := 0
				for _, r := range head {
					if r >= 0x1F1E6 && r <= 0x1F1FF {
						ri++
					}
				}
				if ri%2 != 0 {
					t.Fatalf("limit %d: cut splits a flag: %q", limit, head)
				}
			}
		}
	}
}

func TestEscapeTruncateEscapedWordBoundary(t *testing.T) {
	raw := strings.Repeat("mixture of experts & <routing> ", 20)
	got := truncateEscaped(raw, 100)
	if utf8.RuneCountInString(got) > 100 || !strings.HasSuffix(got, "…") {
		t.Fatalf("got %q", got)
	}
	head := strings.TrimSuffix(escapeReadBack.Replace(got), "…")
	if !strings.HasPrefix(raw, head) || raw[len(head)] != ' ' {
		t.Errorf("%q is not cut at the end of a word", head)
	}
	if got := truncateEscaped("short & sweet", 100); got != "short &amp; sweet" {
		t.Errorf("uncut text changed: %q", got)
	}
}

func FuzzEscapeMrkdwn(f *testing.F) {
	for _, s := range escapeHostile {
		f.Add(s, 40)
	}
	for _, s := range escapeCutSamples {
		f.Add(s, 17)
	}
	f.Add("\xff<\x00@here\u202e`*_~:x:", 3)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		got := escapeMrkdwn(s)
		if !utf8.ValidString(got) || strings.ContainsAny(withoutLinks(got), "\n<>") {
			t.Fatalf("escapeMrkdwn(%q) = %q", s, got)
		}
		if err := checkMrkdwn(got); err != nil {
			t.Fatalf("escapeMrkdwn(%q) = %q: %v", s, got, err)
		}
		if !escapeHasLookAlike(s) {
			if back := escapeReadBack.Replace(got); back != cleanText(s) {
				t.Fatalf("escapeMrkdwn(%q) = %q reads back as %q, want %q", s, got, back, cleanText(s))
			}
		}
		if strings.ContainsAny(got, "`") {
			t.Fatalf("escapeMrkdwn(%q) = %q holds a backtick", s, got)
		}
		limit = int(uint(limit) % 400)
		cut := truncateEscaped(s, limit)
		if !utf8.ValidString(cut) || bot.Length(cut) > limit || checkMrkdwn(cut) != nil {
			t.Fatalf("truncateEscaped(%q, %d) = %q", s, limit, cut)
		}
		text := truncateText(s, maxText)
		if !utf8.ValidString(text) || checkMrkdwn(text) != nil {
			t.Fatalf("truncateText(%q) = %q", s, text)
		}
	})
}
