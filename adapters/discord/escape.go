package discord

// Discord markdown: https://support.discord.com/hc/en-us/articles/210298617
//
// Titles, abstracts, author and organization names come from outside and
// are shown in embeds and message content, which render markdown.
// escapeMarkdown makes such text read exactly as written: no formatting,
// headings, lists, quotes, masked links, mentions, channel links,
// timestamps, custom emoji or server invites, and every web address in it
// a working link that shows no preview.

import (
	"strings"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// escapeMarkdown turns untrusted text into Discord markdown that shows the
// text as written. It cleans the text (bot.CleanText: invisible and control
// characters dropped, one line), then writes
//
//   - every http(s) URL (bot.FindURLs) exactly as it is between "<" and
//     ">": Discord shows <https://…> as a working link without a preview,
//     and nothing inside the brackets is markdown, so no escape goes in;
//   - the text around the URLs with its mass mentions defused
//     (bot.DefuseMentions) and backslash escapes (see escapeText).
//
// A URL is written as plain text instead (escaped like the text around it,
// so it does not link) when it is a Discord server invite or holds one
// (Discord would show a card that joins a server), when it holds a mass
// mention (which must be defused, and a zero-width space would break the
// link), when it ends in "…" (it was cut short, and would lead
// nowhere), or when it ends inside an emoji (bot.FindURLs stops at the
// joiner or variation selector of "👩‍🔬", and a ">" there would break the
// emoji in two).
func escapeMarkdown(s string) string {
	return escapeClean(bot.CleanText(s))
}

// escapeClean is escapeMarkdown for text that bot.CleanText has already
// seen.
func escapeClean(c string) string {
	return escapeSpans(c, bot.FindURLs(c))
}

// escapeSpans escapes the cleaned text c whose URLs are spans (all of them
// within c).
func escapeSpans(c string, spans []bot.URLSpan) string {
	var b strings.Builder
	b.Grow(len(c) + len(c)/8)
	i := 0
	for _, sp := range spans {
		escapeText(&b, c[i:sp.Start], i == 0)
		next, _ := utf8.DecodeRuneInString(c[sp.End:])
		writeURL(&b, c[sp.Start:sp.End], bot.IsDefaultIgnorable(next))
		i = sp.End
	}
	escapeText(&b, c[i:], i == 0)
	return b.String()
}

// writeURL writes one URL found in untrusted text: as a link without a
// preview, or as plain text (see escapeMarkdown). inEmoji says that the
// character after it continues the emoji it ends with.
func writeURL(b *strings.Builder, u string, inEmoji bool) {
	if inEmoji || !linkableURL(u) {
		escapeText(b, u, false)
		return
	}
	b.WriteByte('<')
	b.WriteString(u)
	b.WriteByte('>')
}

// linkableURL reports whether a URL found in untrusted text may be
// written as a link: not an invite, no mass mention, not cut short.
func linkableURL(u string) bool {
	return !bot.IsDiscordInvite(u) && inviteHostAt(u) < 0 && bot.DefuseMentions(u) == u &&
		!strings.HasSuffix(u, bot.Ellipsis)
}

// escapeText writes text that must not render as anything, with its mass
// mentions defused. atStart says the text starts the line, where a leading
// - + > (list, subtext, quote) and the "." of a numbered-list marker
// ("1. ") are escaped too. Everywhere it escapes
//
//   - \ * _ ~ ` | [ ] < # (formatting, masked links, mentions, channels,
//     timestamps, emoji, headings);
//   - the ":" of every "://", so that no text Discord would link (a URL
//     that could not be linked as it is, an "ftp://") is a link;
//   - the dots of a Discord invite's host ("discord\.gg/…"), with or
//     without a scheme, so that neither Discord's link rule nor its
//     invite detection matches the text.
//
// Why not more: ( and ) are harmless once [ is escaped; a > is special
// only at the start of a line, and cleaned text has a single line. Leaving
// "-" alone inside text keeps "state-of-the-art" readable in the payload.
// Multi-byte UTF-8 sequences pass through byte by byte: none of their
// bytes is ASCII.
func escapeText(b *strings.Builder, s string, atStart bool) {
	s = bot.DefuseMentions(s)
	i := 0
	if atStart && s != "" {
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
	}
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '<', '#':
			b.WriteByte('\\')
			b.WriteByte(c)
		case ':':
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case 'd', 'D':
			n := inviteHostLen(s[i:])
			if n == 0 {
				b.WriteByte(c)
				continue
			}
			for _, h := range []byte(s[i : i+n]) {
				if h == '.' {
					b.WriteByte('\\')
				}
				b.WriteByte(h)
			}
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
}

// inviteHosts start a Discord invite, in lower case, each followed by the
// path that makes it one.
var inviteHosts = []string{"discord.gg/", "discord.com/invite", "discordapp.com/invite"}

// inviteHostLen returns the length of the invite host ("discord.gg",
// "discord.com", "discordapp.com", any case) s starts with, when the
// invite's path follows it; else 0.
func inviteHostLen(s string) int {
	for _, h := range inviteHosts {
		if len(s) >= len(h) && strings.EqualFold(s[:len(h)], h) {
			return strings.IndexByte(h, '/')
		}
	}
	return 0
}

// inviteHostAt returns the index of the first invite host in s (see
// inviteHostLen), or -1.
func inviteHostAt(s string) int {
	for i := 0; i < len(s); i++ {
		if (s[i] == 'd' || s[i] == 'D') && inviteHostLen(s[i:]) > 0 {
			return i
		}
	}
	return -1
}

// truncateEscaped returns raw escaped (as escapeMarkdown does) and fitted
// in limit characters, counted as Discord's limits are (bot.Length: UTF-16
// units). It cuts the cleaned text, never the escaped one (on a word
// boundary where one is near, else between grapheme clusters, with
// bot.TruncateWords), so no escape sequence is split and no lone backslash
// is left at the end; a cut text ends with "…". A cut never falls inside a
// URL: a URL that does not fit is left out whole. The escapes and the
// brackets around links count towards limit: Discord counts the characters
// it is sent.
func truncateEscaped(raw string, limit int) string {
	if limit <= 0 {
		return ""
	}
	c := bot.CleanText(raw)
	spans := bot.FindURLs(c)
	e := escapeSpans(c, spans)
	l := bot.Length(e)
	if l <= limit {
		return e
	}
	// Escaping adds a character per escaped one (at most doubling the
	// text), so shrink the cut by half the excess at a time: few passes,
	// and the result is at or near the longest cut that fits.
	n := min(bot.Length(c)-1, limit)
	for n > 0 {
		head := cutOutsideURLs(c, spans, n)
		var within []bot.URLSpan
		for _, sp := range spans {
			if sp.End <= len(head) {
				within = append(within, sp)
			}
		}
		e = escapeSpans(head, within) + bot.Ellipsis
		l = bot.Length(e)
		if l <= limit {
			return e
		}
		n -= max(1, (l-limit+1)/2)
	}
	return bot.Ellipsis
}

// cutOutsideURLs returns the start of the cleaned text c that
// bot.TruncateWords(c, n) keeps (without its "…"), shortened to end before
// a URL it would cut.
func cutOutsideURLs(c string, spans []bot.URLSpan, n int) string {
	t := bot.TruncateWords(c, n)
	if t == c {
		return c
	}
	head := strings.TrimSuffix(t, bot.Ellipsis)
	if !strings.HasPrefix(c, head) {
		return "" // not expected: TruncateWords keeps a prefix
	}
	for _, sp := range spans {
		if sp.Start < len(head) && len(head) < sp.End {
			head = strings.TrimRight(c[:sp.Start], " ")
			break
		}
	}
	return head
}
