package slack

// Formatting text: https://docs.slack.dev/messaging/formatting-message-text
// Text object: https://docs.slack.dev/reference/block-kit/composition-objects/text-object
//
// Titles, abstracts, author and organization names come from outside and
// are shown in mrkdwn text objects. escapeMrkdwn makes such text read as
// written: no mentions, links, dates, formatting, quotes or emoji codes.

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/paperboy-bot/paperboy/bot"
)

// lookAlikes replace mrkdwn's formatting characters where they could
// format. Slack has no backslash escape, and a zero-width space does not
// help: Slack takes it as a word boundary, so "\u200b*x*\u200b" is bold
// (the "exact mode" of jsx-slack inserts zero-width spaces to force
// formatting); and paperboy sends no invisible character but the one that
// defuses a mention (bot.DefuseMentions). Only a character that is not the
// marker is sure to show as text. The fullwidth forms are included because
// Slack formats with them too (jsx-slack escapes them for the same reason).
// The ":" that opens an emoji code (":fire:") becomes a modifier letter
// colon, so the code shows as written instead of as an emoji. Each
// look-alike stands for one character only, so the text can be read back
// (see escapeMrkdwn). No look-alike ever goes inside a URL.
var lookAlikes = map[rune]rune{
	'*': '∗', // U+2217 ASTERISK OPERATOR
	'_': 'ˍ', // U+02CD MODIFIER LETTER LOW MACRON
	'~': '∼', // U+223C TILDE OPERATOR
	'`': 'ˋ', // U+02CB MODIFIER LETTER GRAVE ACCENT
	'＊': '﹡', // U+FE61 SMALL ASTERISK
	'＿': '⸏', // U+2E0F PARAGRAPHOS
	'｀': '˴', // U+02F4 MODIFIER LETTER MIDDLE GRAVE ACCENT
	'>': '˃', // U+02C3 MODIFIER LETTER RIGHT ARROWHEAD (leading only)
	'＞': '﹥', // U+FE65 SMALL GREATER-THAN SIGN (leading only)
	':': '꞉', // U+A789 MODIFIER LETTER COLON (opening an emoji code only)
}

// escapeMrkdwn turns untrusted text into mrkdwn (for a text object with
// verbatim: true) that shows the text as written and whose web addresses
// work. In order:
//
//  1. bot.CleanText: invalid UTF-8, control characters, terminal escapes
//     and invisible characters are dropped; white space collapses to
//     single spaces (one line).
//  2. URLs (bot.FindURLs) that can be linked (see linkURL) become Slack
//     links whose text is the URL itself, <url|url>, untouched by steps 3
//     and 4 but for & < > written as entities; unfurling is off on every
//     message paperboy sends. A URL that cannot be linked (cut short by
//     "…", or not an ASCII address) is text like the rest.
//  3. Formatting (see lookAlikes): every "`" becomes "ˋ"; "*", "_" and "~"
//     become "∗", "ˍ", "∼" unless they stand between two letters or digits
//     ("snake_case", "x_t", "A*B"), where Slack never formats (a marker
//     must touch a space or punctuation on its outer side), so identifiers
//     and formulas keep their characters. A leading ">" (a quote at the
//     start of a line) becomes "˃". The ":" of an emoji code becomes "꞉".
//     Fullwidth forms likewise.
//  4. Mass mentions are defused with bot.DefuseMentions (a U+200B after
//     the "@" of @channel, @here, @everyone), the same way as on Discord.
//  5. Slack's control characters: & < > become &amp; &lt; &gt;. This alone
//     neutralises <!channel>, <!here>, <!everyone>, <@U…>, <#C…>,
//     <!subteam^…>, <!date^…> and <https://…|label>: Slack parses them only
//     with a literal "<".
//
// Reading it back: replace each link by its label, decode the three
// entities, drop U+200B and map the look-alikes back; that gives
// bot.CleanText(s) unless s itself contained a look-alike.
func escapeMrkdwn(s string) string { return escapeClean(cleanText(s)) }

// escapeClean is escapeMrkdwn for text cleanText has already seen.
func escapeClean(s string) string { return escapeLinked(s, true) }

// escapeLinked is escapeClean for a piece of a line: lineStart says
// whether it starts the line, where a ">" would start a quote.
func escapeLinked(s string, lineStart bool) string {
	spans := bot.FindURLs(s)
	if len(spans) == 0 {
		return escapeRun(s, lineStart)
	}
	var b strings.Builder
	i := 0
	for _, sp := range spans {
		u := s[sp.Start:sp.End]
		link, ok := linkURL(u)
		if !ok {
			continue // text like the rest
		}
		b.WriteString(escapeRun(s[i:sp.Start], lineStart && i == 0))
		b.WriteString(link)
		i = sp.End
	}
	b.WriteString(escapeRun(s[i:], lineStart && i == 0))
	return b.String()
}

// linkURL returns the Slack link for a URL found in untrusted text: the
// URL as target (& as &amp;; bytes outside ASCII in its path
// percent-encoded) and as label (& < > as entities, mass mentions
// defused), so the text of the link is exactly where it leads. It reports
// false for a URL that cannot be linked: cut short (it ends in "…") or
// not a well-formed http(s) address once encoded (validLink).
func linkURL(u string) (string, bool) {
	if strings.HasSuffix(u, bot.Ellipsis) {
		return "", false
	}
	var t strings.Builder
	for i := 0; i < len(u); i++ {
		if c := u[i]; c >= 0x80 {
			fmt.Fprintf(&t, "%%%02X", c)
		} else {
			t.WriteByte(c)
		}
	}
	target := t.String()
	if !validLink(target, maxButtonURL, false) {
		return "", false
	}
	return "<" + strings.ReplaceAll(target, "&", "&amp;") + "|" + escapeEntities(u) + ">", true
}

// escapeRun escapes text that holds no link: lineStart says whether it
// starts the line, where a ">" would start a quote.
func escapeRun(s string, lineStart bool) string {
	if s == "" {
		return ""
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '`', '＊', '＿', '｀':
			b.WriteRune(lookAlikes[r])
		case '*', '_', '~':
			if i > 0 && i+1 < len(rs) && wordRune(rs[i-1]) && wordRune(rs[i+1]) {
				b.WriteRune(r) // inside a word: never formats
			} else {
				b.WriteRune(lookAlikes[r])
			}
		case '>', '＞':
			switch {
			case i == 0 && lineStart:
				b.WriteRune(lookAlikes[r])
			case r == '>':
				b.WriteString("&gt;")
			default:
				b.WriteRune(r)
			}
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		case ':':
			if emojiCodeAt(rs[i+1:]) {
				b.WriteRune(lookAlikes[':'])
			} else {
				b.WriteByte(':')
			}
		default:
			b.WriteRune(r)
		}
	}
	return bot.DefuseMentions(b.String())
}

// cleanLines is cleanText for each line of s, without the empty ones.
func cleanLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = cleanText(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// escapeEntities writes & < > of cleaned text as entities and defuses its
// mass mentions: what a code span, a link's label or the fallback text
// needs.
func escapeEntities(s string) string {
	if strings.ContainsAny(s, "&<>") {
		s = entityReplacer.Replace(s)
	}
	return bot.DefuseMentions(s)
}

var entityReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// wordRune reports whether r is a letter or digit: a formatting marker
// between two of them is inside a word, where Slack does not format.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// emojiCodeAt reports whether the text after a ":" is the rest of an emoji
// code: one or more name characters and a closing ":" (":fire:",
// ":+1:", ":white_check_mark:", custom emoji with other letters).
func emojiCodeAt(rest []rune) bool {
	for i, r := range rest {
		switch {
		case r == ':':
			return i > 0
		case wordRune(r), r == '_', r == '-', r == '+', r == '\'':
		default:
			return false
		}
	}
	return false
}

// cleanText is bot.CleanText.
func cleanText(s string) string { return bot.CleanText(s) }

// truncateEscaped returns raw escaped (as escapeMrkdwn does) and fitted in
// max runes. It cuts the cleaned raw text, never the escaped one (on a word
// boundary where one is near, else between characters, with
// bot.TruncateWords, which keeps combining marks, joiners and flags whole),
// so no entity such as "&amp;" is ever split; a cut text ends with "…".
// The entities and zero-width spaces count towards max: Slack counts what
// it is sent.
func truncateEscaped(raw string, max int) string {
	return fitEscaped(cleanText(raw), max, escapeClean)
}

// truncateText is truncateEscaped for the top-level "text" of a message
// (the notification and screen-reader fallback): cleaned line by line
// (new lines are kept, empty lines dropped), mentions broken, & < > as
// entities. Formatting characters are left alone: a notification shows
// them as typed, and a screen reader would read a look-alike by its odd
// name.
func truncateText(raw string, max int) string {
	return fitEscaped(cleanLines(raw), max, escapeEntities)
}

// fitEscaped returns esc(c) if it has at most limit runes, else esc of the
// longest cut of c (found in a few passes) whose escaped form fits. esc
// must never make a text shorter.
func fitEscaped(c string, limit int, esc func(string) string) string {
	if limit <= 0 {
		return ""
	}
	// No cut looks past the first limit+1 runes: drop the rest at once
	// (then the whole text cannot fit, as escaping only adds).
	if i := runeOffset(c, limit+1); i < len(c) {
		c = c[:i]
	} else if e := esc(c); bot.Length(e) <= limit {
		return e
	}
	// Escaping adds at most four runes per rune ("&" → "&amp;"), so shrink
	// the cut by a share of the excess at a time: few passes, and the
	// result is at or near the longest cut that fits.
	n := min(bot.Length(c), limit)
	for n > 0 {
		e := esc(bot.TruncateWords(c, n))
		l := bot.Length(e)
		if l <= limit {
			return e
		}
		n -= max(1, (l-limit+4)/5)
	}
	return ""
}

// runeOffset returns the byte offset after the first n runes of s (len(s)
// when s is shorter). n runes are at least n characters as bot.Length
// counts them.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
