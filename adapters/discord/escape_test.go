package discord

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/paperboy-bot/paperboy/bot"
)

// The tests below judge escaped text the way a Discord user sees it, with
// mdView: a small model of Discord's markdown for what escapeMarkdown must
// defeat. It is written from Discord's rules, independently of escape.go.

// jsSpace is JavaScript's \s, which Discord's (JavaScript) parser uses.
const jsSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

var (
	// mdURL is simple-markdown's bare-URL rule, as Discord applies it to
	// the text it receives (escapes included). Such a URL links and shows
	// a preview: paperboy never writes one.
	mdURL = regexp.MustCompile(`^https?://[^` + jsSpace + `<]+[^<.,:;"')\]` + jsSpace + `]`)
	// mdAutolink is simple-markdown's autolink rule: <scheme:/…>, a link
	// without a preview that shows the URL as it is.
	mdAutolink = regexp.MustCompile(`^<([^: >]+:/[^ >]+)>`)
	// mdInvite is what Discord takes for a server invite in the raw text
	// it receives (and shows as a card that joins the server).
	mdInvite = regexp.MustCompile(`(?i)discord\.gg/|discord(app)?\.com/invite`)
	// mdLeading are the block markers Discord honours at the start of a
	// line: heading, subtext, list, quote, numbered list.
	mdLeading = regexp.MustCompile(`^(#|-|\+|\*|>|\d+\.( |$))`)
	// mdMention is a mass mention as Discord (or Slack, for @channel)
	// would read it.
	mdMention = regexp.MustCompile(`(?i)@(everyone|here|channel)`)
)

// mdView returns what Discord shows for s (one line of embed text) and the
// markdown in it that would still do something: a formatting character, a
// "[" that could open a masked link, a "<" that could open a mention,
// channel, timestamp or emoji, a leading block marker, an intact
// @everyone/@here, a bare URL (it would show a preview), a link to
// another scheme than http(s), an invite.
func mdView(s string) (visible string, active []string) {
	visible, active, _ = mdParse(s)
	return visible, active
}

// mdParse is mdView, with the targets of the links (autolinks) in s.
func mdParse(s string) (visible string, active, links []string) {
	if m := mdLeading.FindString(s); m != "" {
		active = append(active, fmt.Sprintf("leading %q", m))
	}
	if m := mdInvite.FindString(s); m != "" {
		active = append(active, "invite "+m)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == 'h' || s[i] == 'H' {
			if m := mdURL.FindString(s[i:]); m != "" {
				active = append(active, "bare URL "+m)
				b.WriteString(m) // shown literally, escapes and all
				i += len(m)
				continue
			}
		}
		if s[i] == '<' {
			if m := mdAutolink.FindStringSubmatch(s[i:]); m != nil {
				if l := strings.ToLower(m[1]); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
					active = append(active, "link to "+m[1])
				}
				links = append(links, m[1])
				b.WriteString(m[1])
				i += len(m[0])
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\\' && i+1 < len(s) {
			next, n := utf8.DecodeRuneInString(s[i+1:])
			if !(next < utf8.RuneSelf && (unicode.IsLetter(next) || unicode.IsDigit(next))) && !strings.ContainsRune(" \t\n", next) {
				b.WriteRune(next)
				i += 1 + n
				continue
			}
		}
		if strings.ContainsRune("*_~`|[<#", r) {
			active = append(active, fmt.Sprintf("%q at byte %d of %q", r, i, s))
		}
		b.WriteRune(r)
		i += size
	}
	visible = b.String()
	if m := mdMention.FindString(visible); m != "" {
		active = append(active, "mention "+m)
	}
	return visible, active, links
}

// wantVisible is what a reader should see for raw: the text as
// bot.CleanText leaves it (no invalid UTF-8, control or invisible
// characters, white space collapsed), every @everyone, @here and @channel
// broken by a zero-width space.
func wantVisible(raw string) string {
	return mdMention.ReplaceAllString(bot.CleanText(raw), "@\u200b$1")
}

// wantLinks are the URLs of raw that must be links, exactly as written:
// every http(s) URL but invites, those holding a mass mention or an
// invite host, and those cut short with "…".
func wantLinks(raw string) []string {
	c := bot.CleanText(raw)
	var out []string
	for _, sp := range bot.FindURLs(c) {
		u := c[sp.Start:sp.End]
		next, _ := utf8.DecodeRuneInString(c[sp.End:])
		if bot.IsDiscordInvite(u) || mdInvite.MatchString(u) || mdMention.MatchString(u) || strings.HasSuffix(u, "…") ||
			next == '\u200d' || next == '\ufe0f' || next == '\ufe0e' {
			continue
		}
		out = append(out, u)
	}
	return out
}

// trailingBackslashes counts the backslashes at the end of s.
func trailingBackslashes(s string) int {
	return len(s) - len(strings.TrimRight(s, `\`))
}

// hostileTexts are the untrusted strings every renderer must show as
// written.
var hostileTexts = []string{
	"@everyone look at this",
	"ping @here and @EveryOne",
	"hi <@123456789012345678> and <@!42>",
	"role <@&1> channel <#1> time <t:1700000000:R> emoji <:x:1> <a:y:2> cmd </papers search:1>",
	"[click](https://evil.example)",
	"**bold** *it* _it_ __under__ ***both***",
	"`code` ```block```",
	"~~x~~ ||spoiler||",
	"> quote",
	">>> long quote",
	"# Heading",
	"## Heading 2",
	"-# subtext",
	"- list",
	"+ list",
	"* list",
	"1. numbered",
	"2024. A year",
	`back\slash \*not\* \\ end\`,
	"\u202Egnp.exe\u202C and \u2066isolate\u2069",
	"zero\u200bwidth\u200cnon\u200djoiner",
	"ctl\x00\x07\x1b[31mred\x7f c1\u0085\u009b x",
	"tab\tnew\nline\r\n  spaces\u00a0nbsp\u2028sep",
	"invalid \xff\xfe utf8 \xc3",
	"bom\ufeffhere",
	"see https://github.com/foo/bar_baz_qux.",
	"join https://discord.gg/abc_d or discord.gg/xyz, https://www.DISCORD.com/invite/q and discordapp.com/invite/r",
	"https://example.org/?next=discord.gg/abc and https://x.org/@everyone/a",
	"javascript:alert(1) mailto:a@b.c ftp://x.example/f_g data:text/html,<b>x</b>",
	"cut https://github.com/a/b… and https://x.org/a_b*c~d|e (https://y.org/(x)_y) [https://z.org/]",
	"HTTPS://EXAMPLE.COM/A_B, xhttps://evil.example/a_b and https:/// no host",
	"emoji https://x.org/👩\u200d🔬 and https://x.org/1\ufe0f\u20e3 and https://x.org/❤\ufe0f!",
	"(code: https://github.com/x/y_z)",
	"<https://example.com/a_b>",
	"https://x.example<@123>",
	"https://x.example/a_b).<#1>",
	"http://_ and http://a] and https://x_y",
	"[x](<https://evil.example>) ![img](https://evil.example/i.png)",
	"$\\mathcal{O}(n^2)$ <think> </think> <EOS> a < b > c",
	"C# and F# #1",
	"emoji :smile: and 👨‍👩‍👧‍👦 🇩🇪 e\u0301",
}

func TestEscapeMarkdownShowsTextAsWritten(t *testing.T) {
	for _, raw := range hostileTexts {
		got := escapeMarkdown(raw)
		visible, active, links := mdParse(got)
		if want := wantVisible(raw); visible != want {
			t.Errorf("escapeMarkdown(%q) = %q\nDiscord shows %q\nwant          %q", raw, got, visible, want)
		}
		if diff := cmp.Diff(wantLinks(raw), links, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("escapeMarkdown(%q) = %q: links (-want +got):\n%s", raw, got, diff)
		}
		if len(active) > 0 {
			t.Errorf("escapeMarkdown(%q) = %q: still renders %v", raw, got, active)
		}
		if !utf8.ValidString(got) {
			t.Errorf("escapeMarkdown(%q) = %q: invalid UTF-8", raw, got)
		}
		if trailingBackslashes(got)%2 != 0 {
			t.Errorf("escapeMarkdown(%q) = %q: ends in a lone backslash", raw, got)
		}
	}
}

func TestEscapeMarkdownExact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text, nothing to do", "plain text, nothing to do"},
		{"state-of-the-art (SOTA) 3.5 > 2", "state-of-the-art (SOTA) 3.5 > 2"},
		{"- list", `\- list`},
		{"> quote", `\> quote`},
		{"1. numbered", `1\. numbered`},
		{"3.5 billion", "3.5 billion"},
		{"# H", `\# H`},
		{"**b**", `\*\*b\*\*`},
		{"a_b", `a\_b`},
		{`a\b`, `a\\b`},
		{"<@1>", `\<@1>`},
		{"@everyone", "@\u200beveryone"},
		{"x @here", "x @\u200bhere"},
		{"@Channel", "@\u200bChannel"},
		{"mail@herecorp.com", "mail@\u200bherecorp.com"},
		{"@\u200beveryone", "@ everyone"},
		{"a\u200bb\u00adc\u2060d", "a bcd"},
		// URLs are links without a preview, exactly as written.
		{"at https://github.com/a/b_c.", "at <https://github.com/a/b_c>."},
		{"(https://x.org/~u/a_b)", "(<https://x.org/~u/a_b>)"},
		{"https://x.org/a_b<@1>", `<https://x.org/a_b>\<@1>`},
		{"[click](https://evil.example)", `\[click\](<https://evil.example>)`},
		{"<https://example.com/a_b>", `\<<https://example.com/a_b>>`},
		{"1. https://x.org", `1\. <https://x.org>`},
		{"https://x.org/a *b*", `<https://x.org/a> \*b\*`},
		// Invites, and links that could not work, are plain text.
		{"https://discord.gg/abc_d", `https\://discord\.gg/abc\_d`},
		{"join discord.gg/abc", `join discord\.gg/abc`},
		{"HTTPS://Discord.com/invite/x", `HTTPS\://Discord\.com/invite/x`},
		{"https://www.discordapp.com/invite/x", `https\://www.discordapp\.com/invite/x`},
		{"https://x.org/?r=discord.gg/a", `https\://x.org/?r=discord\.gg/a`},
		{"https://x.org/@everyone", "https\\://x.org/@\u200beveryone"},
		{"https://x.org/a_b…", `https\://x.org/a\_b…`},
		{"https://x.org/👩\u200d🔬 x", "<https://x.org/>👩\u200d🔬 x"}, // a URL ends before an emoji
		{"https://x.org/🧪 x", "<https://x.org/>🧪 x"},
		// Other schemes are never links.
		{"ftp://x_y", `ftp\://x\_y`},
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"mailto:a@b.c", "mailto:a@b.c"},
		{"https:///x", `https\:///x`},
		{"a\tb\n\nc  d", "a b c d"},
		{"\u202Eevil\u202C", "evil"},
		{"  spaced  ", "spaced"},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeMarkdownIdempotentClean(t *testing.T) {
	// Cleaning twice changes nothing, so the adapter may clean at any layer.
	for _, raw := range hostileTexts {
		if c := bot.CleanText(raw); escapeClean(c) != escapeMarkdown(raw) || bot.CleanText(c) != c {
			t.Errorf("cleaning twice changes %q", raw)
		}
	}
}

// graphemeTexts hold characters that must not be split: ZWJ emoji
// sequences, flags, skin tones, CJK, combining marks, mixed with markdown.
var graphemeTexts = []string{
	strings.Repeat("👨‍👩‍👧‍👦", 30),
	strings.Repeat("🇩🇪🇫🇷🇯🇵", 20),
	strings.Repeat("👍🏽 ", 40),
	strings.Repeat("深度学习的扩散模型。", 30),
	strings.Repeat("e\u0301a\u0300o\u0302 ", 40),
	strings.Repeat("Z\u0335\u0321\u034d\u0317a\u0336l\u0337g\u0338o ", 20),
	strings.Repeat(`_*\`+"`|[#<👩‍💻 ", 30),
	strings.Repeat("ع\u064eر\u064eب\u0650ي ", 40),
	strings.Repeat("❤️‍🔥 ", 40),
	strings.Repeat("\U0001D400\U0001D401 ", 60), // astral letters: 2 UTF-16 units each
	strings.Repeat("see https://x.org/a_b ", 20),
}

// extendsBefore reports whether r belongs to the character before it.
func extendsBefore(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == '\u200d' ||
		r >= 0xFE00 && r <= 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF
}

// widestCluster is the length (bot.Length, escaped) of the widest
// grapheme cluster of s, by the rules that matter here: a combining mark,
// variation selector, skin tone or joiner belongs to the character before
// it, a character after a joiner too, and regional indicators pair up.
func widestCluster(s string) int {
	widest, cur, ri := 0, 0, 0
	var prev rune
	for _, r := range s {
		n := bot.Length(escapeMarkdown(string(r)))
		if r == '_' || r == '*' || r == '`' || r == '|' || r == '[' || r == '#' || r == '<' || r == '\\' {
			n = 2
		}
		isRI := r >= 0x1F1E6 && r <= 0x1F1FF
		if extendsBefore(r) || prev == '\u200d' || isRI && ri%2 == 1 {
			cur += n
		} else {
			cur = n
		}
		if isRI {
			ri++
		} else {
			ri = 0
		}
		widest = max(widest, cur)
		prev = r
	}
	return widest
}

func TestEscapeTruncateEscapedEveryLength(t *testing.T) {
	for _, raw := range graphemeTexts {
		want := wantVisible(raw)
		full := escapeMarkdown(raw)
		wide := widestCluster(raw)
		for limit := 0; limit <= bot.Length(full)+1; limit++ {
			got := truncateEscaped(raw, limit)
			n := bot.Length(got)
			switch {
			case !utf8.ValidString(got):
				t.Fatalf("limit %d: invalid UTF-8 %q", limit, got)
			case n > limit:
				t.Fatalf("limit %d: %d characters (UTF-16 units): %q", limit, n, got)
			case trailingBackslashes(got)%2 != 0:
				t.Fatalf("limit %d: lone trailing backslash: %q", limit, got)
			case limit >= bot.Length(full) && got != full:
				t.Fatalf("limit %d: cut although it fits: %q", limit, got)
			}
			visible, active, links := mdParse(got)
			if len(active) > 0 {
				t.Fatalf("limit %d: %q renders %v", limit, got, active)
			}
			for _, l := range links {
				if !strings.Contains(raw, l) || !slices.Contains(wantLinks(raw), l) {
					t.Fatalf("limit %d: %q links %q, which is not a URL of the text (a cut one?)", limit, got, l)
				}
			}
			if got == full {
				continue
			}
			if limit > 0 && !strings.HasSuffix(got, "…") {
				t.Fatalf("limit %d: cut without an ellipsis: %q", limit, got)
			}
			head := strings.TrimSuffix(visible, "…")
			if !strings.HasPrefix(want, head) {
				t.Fatalf("limit %d: %q is not a start of %q", limit, head, want)
			}
			if head != "" {
				if last, _ := utf8.DecodeLastRuneInString(head); last == '\u200d' {
					t.Fatalf("limit %d: cut after a joiner: %q", limit, got)
				}
				if next, _ := utf8.DecodeRuneInString(want[len(head):]); extendsBefore(next) {
					t.Fatalf("limit %d: cut before %U, which belongs to the character before: %q", limit, next, got)
				}
			}
			// Leaving more room than half the limit unused (beyond one
			// cluster, and one link that was left out whole) means the
			// search gave up too early.
			if limit >= 8 && n+wide+len("<https://x.org/a_b>") < limit/2-2 {
				t.Fatalf("limit %d: only %d characters used: %q", limit, n, got)
			}
		}
	}
}

func TestEscapeTruncateEscapedWordBoundary(t *testing.T) {
	raw := "Diffusion models_for *video* generation with [brackets] and many more words to cut"
	for limit := 20; limit < 80; limit++ {
		got := truncateEscaped(raw, limit)
		visible, _ := mdView(got)
		head := strings.TrimSuffix(visible, "…")
		if head == raw {
			continue
		}
		if rest := raw[len(head):]; !strings.HasPrefix(rest, " ") {
			t.Errorf("limit %d: %q cut inside a word (rest %q)", limit, got, rest)
		}
	}
}

func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s)
	}
	for _, s := range graphemeTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := escapeMarkdown(raw)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		visible, active := mdView(got)
		if want := wantVisible(raw); visible != want {
			t.Fatalf("escapeMarkdown(%q) = %q\nDiscord shows %q\nwant          %q", raw, got, visible, want)
		}
		if len(active) > 0 {
			t.Fatalf("escapeMarkdown(%q) = %q renders %v", raw, got, active)
		}
		if _, _, links := mdParse(got); !cmp.Equal(wantLinks(raw), links, cmpopts.EquateEmpty()) {
			t.Fatalf("escapeMarkdown(%q) = %q links %q, want %q", raw, got, links, wantLinks(raw))
		}
		for _, limit := range []int{1, 2, 7, 64, 256} {
			cut := truncateEscaped(raw, limit)
			if bot.Length(cut) > limit || !utf8.ValidString(cut) || trailingBackslashes(cut)%2 != 0 {
				t.Fatalf("truncateEscaped(%q, %d) = %q", raw, limit, cut)
			}
			_, active, links := mdParse(cut)
			if len(active) > 0 {
				t.Fatalf("truncateEscaped(%q, %d) = %q renders %v", raw, limit, cut, active)
			}
			for _, l := range links {
				if !slices.Contains(wantLinks(raw), l) {
					t.Fatalf("truncateEscaped(%q, %d) = %q links %q, not a URL of the text", raw, limit, cut, l)
				}
			}
		}
	})
}
