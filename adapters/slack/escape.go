package slack

// Formatting text: https://docs.slack.dev/messaging/formatting-message-text
// Text object: https://docs.slack.dev/reference/block-kit/composition-objects/text-object
//
// Titles, abstracts, author and organization names come from outside and
// are shown in mrkdwn text objects. escapeMrkdwn makes such text read as
// written: no mentions, links, dates, formatting, quotes or emoji codes.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// zwsp is the zero-width space put where a token must be broken without a
// visible change: after the "@" of "@channel", "@here" and "@everyone", and
// after the first ":" of an emoji code such as ":fire:". cleanText drops
// the ones already in the text, so every zero-width space in an escaped
// text is one of ours.
const zwsp = "\u200b"

// lookAlikes replace mrkdwn's formatting characters where they could
// format. Slack has no backslash escape, and a zero-width space does not
// help: Slack takes it as a word boundary, so "\u200b*x*\u200b" is bold
// (the "exact mode" of jsx-slack inserts zero-width spaces to force
// formatting). Only a character that is not the marker is sure to show as
// text. The fullwidth forms are included because Slack formats with them
// too (jsx-slack escapes them for the same reason). Each look-alike stands
// for one character only, so the text can be read back (see escapeMrkdwn).
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
}

// escapeMrkdwn turns untrusted text into mrkdwn (for a text object with
// verbatim: true) that shows the text as written. In order:
//
//  1. cleanText: invalid UTF-8, control characters, bidi embeddings,
//     overrides and isolates, byte-order marks and zero-width spaces are
//     dropped; white space collapses to single spaces (one line).
//  2. Formatting (see lookAlikes): every "`" becomes "ˋ"; "*", "_" and "~"
//     become "∗", "ˍ", "∼" unless they stand between two letters or digits
//     ("snake_case", "x_t", "A*B"), where Slack never formats (a marker
//     must touch a space or punctuation on its outer side), so identifiers
//     and formulas keep their characters. A leading ">" (a quote at the
//     start of a line) becomes "˃". Fullwidth forms likewise.
//  3. Tokens: a zero-width space goes after the "@" of "@channel", "@here"
//     and "@everyone" (any case) and after the first ":" of an emoji code.
//  4. Slack's control characters: & < > become &amp; &lt; &gt;. This alone
//     neutralises <!channel>, <!here>, <!everyone>, <@U…>, <#C…>,
//     <!subteam^…>, <!date^…> and <https://…|label>: Slack parses them only
//     with a literal "<".
//
// Reading it back: decode the three entities, drop U+200B and map the
// look-alikes back; that gives cleanText(s) unless s itself contained a
// look-alike.
func escapeMrkdwn(s string) string { return escapeClean(cleanText(s)) }

// escapeClean is escapeMrkdwn for text cleanText has already seen.
func escapeClean(s string) string { return escapeRun(s, true) }

// escapeRun is escapeClean for a piece of a line: lineStart says whether it
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
		case '@':
			b.WriteByte('@')
			if breaksMention(rs[i+1:]) {
				b.WriteString(zwsp)
			}
		case ':':
			b.WriteByte(':')
			if emojiCodeAt(rs[i+1:]) {
				b.WriteString(zwsp)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapeText escapes text for the top-level "text" of a message (the
// notification and screen-reader fallback): cleaned line by line (new
// lines are kept, empty lines dropped), mentions broken, & < > as
// entities. Formatting characters are left alone: a notification shows
// them as typed, and a screen reader would read a look-alike by its odd
// name.
func escapeText(s string) string { return escapeEntities(cleanLines(s)) }

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

// escapeEntities breaks the mentions of cleaned text and writes & < > as
// entities: what a code span or the fallback text needs.
func escapeEntities(s string) string {
	if !strings.ContainsAny(s, "&<>@") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range rs {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '@':
			b.WriteByte('@')
			if breaksMention(rs[i+1:]) {
				b.WriteString(zwsp)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wordRune reports whether r is a letter or digit: a formatting marker
// between two of them is inside a word, where Slack does not format.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// breaksMention reports whether the text after an "@" starts with
// "channel", "here" or "everyone" (any case).
func breaksMention(rest []rune) bool {
next:
	for _, w := range []string{"channel", "here", "everyone"} {
		if len(rest) < len(w) {
			continue
		}
		for j := 0; j < len(w); j++ {
			if r := rest[j]; r != rune(w[j]) && r != rune(w[j]-'a'+'A') {
				continue next
			}
		}
		return true
	}
	return false
}

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

// cleanText is bot.CleanText that also drops U+200B, so that every
// zero-width space in escaped text is one escapeMrkdwn put there.
func cleanText(s string) string { return bot.CleanText(strings.ReplaceAll(s, "\u200b", "")) }

// droppedRune reports whether cleanText removes r.
func droppedRune(r rune) bool { return bot.Unprintable(r) || r == 0x200B }

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

// truncateText is truncateEscaped for the fallback text (escapeText).
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
	} else if e := esc(c); utf8.RuneCountInString(e) <= limit {
		return e
	}
	// Escaping adds at most four runes per rune ("&" → "&amp;"), so shrink
	// the cut by a share of the excess at a time: few passes, and the
	// result is at or near the longest cut that fits.
	n := min(utf8.RuneCountInString(c), limit)
	for n > 0 {
		e := esc(bot.TruncateWords(c, n))
		l := utf8.RuneCountInString(e)
		if l <= limit {
			return e
		}
		n -= max(1, (l-limit+4)/5)
	}
	return ""
}

// runeOffset returns the byte offset after the first n runes of s (len(s)
// when s is shorter).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
