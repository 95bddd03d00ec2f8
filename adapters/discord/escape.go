package discord

// Discord markdown: https://support.discord.com/hc/en-us/articles/210298617
//
// Titles, abstracts, author and organization names come from outside and
// are shown in embeds, which render markdown. escapeMarkdown makes such text
// read exactly as written: no formatting, headings, lists, quotes, masked
// links, mentions, channel links, timestamps or custom emoji.

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// zwsp is the zero-width space put after the "@" of "@everyone" and
// "@here", so that not even a client that ignores allowed_mentions pings.
const zwsp = "\u200b"

// urlRe is the bare-URL rule of Discord's markdown (from simple-markdown,
// which Discord's parser derives from). Discord shows the text of such a URL
// literally and does not process backslash escapes inside it, so escaping an
// "_" there would put a visible backslash into the link (and break it). The
// classes are run on cleaned text, where the only white space left is ' '.
var urlRe = regexp.MustCompile(`https?://[^ <]+[^<.,:;"')\] ]`)

// escapeMarkdown turns untrusted text into Discord markdown that shows the
// text as written. It first cleans the text (see cleanText), breaks
// "@everyone" and "@here" with a zero-width space, then backslash-escapes
//
//   - \ * _ ~ ` | [ ] < # everywhere, except inside bare URLs, and the ":"
//     of a "://" that does not start a URL (see escapePlain);
//   - a leading - + > (list, subtext, quote) and the "." of a leading
//     numbered-list marker ("1. ").
//
// Why not more: ( and ) are harmless once [ is escaped, and a "\)" right
// after a URL would be taken into the URL by Discord. A > is only special
// at the start of a line, and cleaned text has a single line. Leaving "-"
// alone inside text keeps "state-of-the-art" readable in the payload.
//
// A URL that runs straight into a "<" (no space between) is not left as a
// URL: Discord would take the backslash that escapes the "<" into the URL
// and the "<@id>" after it would render. Such a run is escaped as plain
// text, its "://" included ("https\://"), so Discord does not link it.
func escapeMarkdown(s string) string {
	return escapeClean(cleanText(s))
}

// escapeClean is escapeMarkdown for text that cleanText has already seen.
func escapeClean(s string) string {
	s = breakMentions(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)

	i := 0
	switch s[0] {
	case '-', '+', '>':
		b.WriteByte('\\')
		b.WriteByte(s[0])
		i = 1
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j < len(s) && s[j] == '.' && (j+1 == len(s) || s[j+1] == ' ') {
			b.WriteString(s[:j])
			b.WriteString(`\.`)
			i = j + 1
		}
	}

	for i < len(s) {
		// A run is what Discord's URL rule can cover: no space, no "<".
		end := i
		for end < len(s) && s[end] != ' ' && s[end] != '<' {
			end++
		}
		if end > i {
			escapeRun(&b, s[i:end], end < len(s) && s[end] == '<')
			i = end
			continue
		}
		if s[i] == '<' {
			b.WriteString(`\<`)
		} else {
			b.WriteByte(s[i])
		}
		i++
	}
	return b.String()
}

// escapeRun escapes one run of text without spaces or "<". beforeLT says
// the run is followed directly by a "<".
func escapeRun(b *strings.Builder, run string, beforeLT bool) {
	start := len(run)
	if !beforeLT {
		if loc := urlRe.FindStringIndex(run); loc != nil {
			start = loc[0]
		}
	}
	escapePlain(b, run[:start])
	// The URL rule is greedy, so what follows the match in the run is only
	// characters it will not end a URL on (". , : ; \" ' ) ]"). Discord
	// shows them as text, and none needs escaping: a "]" matters only after
	// an unescaped "[", and every "[" outside URLs is escaped.
	b.WriteString(run[start:])
}

// escapePlain writes text that must not render as anything. Besides the
// markdown characters it escapes the ":" of every "://": a backslash counts
// as a URL character for Discord, so escaping could otherwise turn text
// that is no URL ("http://_") into one ("http://\_"), which Discord would
// show with the backslash. Multi-byte UTF-8 sequences pass through byte by
// byte: none of their bytes is ASCII.
func escapePlain(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '<', '#': // "<" too, though escapeClean never passes one
			b.WriteByte('\\')
			b.WriteByte(c)
		case ':':
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// breakMentions puts a zero-width space after the "@" of "@everyone" and
// "@here" (any case).
func breakMentions(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		rest := s[i+1:]
		if hasPrefixFold(rest, "everyone") || hasPrefixFold(rest, "here") {
			b.WriteString(s[last : i+1])
			b.WriteString(zwsp)
			last = i + 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hasPrefixFold is an ASCII case-insensitive strings.HasPrefix.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// cleanText is bot.CleanText: what must never reach a chat message is
// dropped and white space collapsed to one line.
func cleanText(s string) string { return bot.CleanText(s) }

// dropped reports whether cleanText removes r.
func dropped(r rune) bool { return bot.Unprintable(r) }

// truncateEscaped returns raw escaped (as escapeMarkdown does) and fitted in
// limit runes. It cuts the cleaned raw text, never the escaped one (on a word
// boundary where one is near, else on a character boundary, with
// bot.TruncateWords), so no escape sequence is split and no lone backslash
// is left at the end; a cut text ends with "…". The escapes count towards
// limit: Discord counts the characters it is sent.
func truncateEscaped(raw string, limit int) string {
	if limit <= 0 {
		return ""
	}
	c := cleanText(raw)
	e := escapeClean(c)
	l := utf8.RuneCountInString(e)
	if l <= limit {
		return e
	}
	// Escaping adds a rune per escaped one (at most doubling the text), so
	// shrink the cut by half the excess at a time: few passes, and the
	// result is at or near the longest cut that fits.
	n := min(utf8.RuneCountInString(c), limit)
	for n > 0 {
		e = escapeClean(bot.TruncateWords(c, n))
		l = utf8.RuneCountInString(e)
		if l <= limit {
			return e
		}
		n -= max(1, (l-limit+1)/2)
	}
	return ""
}
