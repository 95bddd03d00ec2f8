package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cleaning untrusted text. Every text field of a paper comes from outside
// (titles, abstracts, author and organization names, keywords), and so does
// every query. CleanText is the one place that decides which characters
// such text may carry; the store saves papers cleaned (CleanPaper), so the
// full-text index, the alert matcher and every renderer see the same text,
// and the adapters clean again before they escape (a query, a reply).
//
// Mentions are then defused once, by DefuseMentions, the same way on every
// platform. Because CleanText removes every zero-width space first, a
// zero-width space in a rendered message is always one DefuseMentions put
// there: a disguised "@\u200beveryone" in a title comes out as
// "@ everyone", never byte-identical to the bot's own defused form.

// CleanText drops what must never reach a chat message or the index and
// collapses white space:
//
//   - terminal escape sequences, whole (so that no "[31m" is left of a
//     colour code), then invalid UTF-8 and control characters (C0, DEL,
//     C1); white-space controls such as tab and newline become a space;
//   - Unicode's default-ignorable code points (invisible characters: the
//     Default_Ignorable_Code_Point property, which includes the bidi
//     embeddings, overrides, isolates and marks that can make text display
//     in another order than it is written). U+200B ZERO WIDTH SPACE
//     separates words and becomes a space; the others (soft hyphen,
//     U+200C-U+200F, word joiner and invisible operators U+2060-U+2064,
//     byte-order mark, combining grapheme joiner, Mongolian vowel
//     separator, Hangul fillers, tag characters, ...) are removed, except
//     the zero-width joiner and the variation selectors that hold an emoji
//     sequence together ("👩‍🔬", "❤️", "1️⃣");
//   - every run of Unicode white space becomes one ' ', both ends trimmed,
//     so the result is one line.
//
// So "Token\u00adization" is "Tokenization" (and search finds it), and
// "zero\u200bwidth" is "zero width". CleanText is idempotent.
func CleanText(s string) string {
	if isCleanASCII(s) {
		return s
	}
	s = stripEscapes(s)
	var b strings.Builder
	b.Grow(len(s))
	space, started := false, false
	var last rune = -1 // the last rune written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue
		case r == '\u200b' || unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		case IsDefaultIgnorable(r):
			if space || !keepInEmoji(r, last, s[i:]) {
				continue
			}
		}
		if space && started {
			b.WriteByte(' ')
		}
		space, started = false, true
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// isCleanASCII reports whether s is printable ASCII with single spaces
// between words and none at the ends: what most text is, and what
// CleanText returns unchanged.
func isCleanASCII(s string) bool {
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= 0x7f || c == ' ' && prev == ' ' {
			return false
		}
		prev = c
	}
	return prev != ' ' || s == ""
}

// Unprintable reports whether CleanText drops r wherever it stands (white
// space, which it collapses, is not unprintable; the zero-width joiner and
// the emoji variation selectors are, though CleanText keeps them inside
// an emoji sequence).
func Unprintable(r rune) bool {
	return r == utf8.RuneError || r == '\u200b' || unicode.IsControl(r) || IsDefaultIgnorable(r)
}

// IsDefaultIgnorable reports whether r has Unicode's
// Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, Unicode
// 15.1): characters that are invisible unless a font shows them on
// purpose.
func IsDefaultIgnorable(r rune) bool {
	switch {
	case r < 0x00AD:
		return false
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r == 0x3164, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF, r == 0xFFA0,
		r >= 0xFFF0 && r <= 0xFFF8, r >= 0x1BCA0 && r <= 0x1BCA3, r >= 0x1D173 && r <= 0x1D17A,
		r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}

// keepInEmoji reports whether the default-ignorable r, written after last
// and followed by rest, is part of an emoji sequence: a zero-width joiner
// between two emoji ("👩‍🔬"), or an emoji variation selector (U+FE0E,
// U+FE0F) after a character that has an emoji form ("❤️", the "1" of the
// keycap "1️⃣").
func keepInEmoji(r, last rune, rest string) bool {
	switch r {
	case '\u200d':
		next, _ := utf8.DecodeRuneInString(rest)
		return emojiPart(last) && IsPictographic(next)
	case '\ufe0e', '\ufe0f':
		if IsPictographic(last) {
			return true
		}
		// A keycap: [0-9#*] U+FE0F U+20E3.
		return (last >= '0' && last <= '9' || last == '#' || last == '*') && strings.HasPrefix(rest, "\u20e3")
	}
	return false
}

// emojiPart reports whether r can end the emoji before a zero-width
// joiner: an emoji, a skin-tone modifier or a variation selector kept
// after one.
func emojiPart(r rune) bool {
	return IsPictographic(r) || r >= 0x1F3FB && r <= 0x1F3FF || r == '\ufe0f' || r == '\u20e3'
}

// IsPictographic reports whether r is an emoji or pictograph (an
// approximation of Unicode's Extended_Pictographic property by its
// blocks): what a zero-width joiner may join into one emoji.
func IsPictographic(r rune) bool {
	switch {
	case r < 0x00A9:
		return false
	case r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2194 && r <= 0x21AA, r >= 0x231A && r <= 0x23FF, r == 0x24C2, r >= 0x25AA && r <= 0x25FE,
		r >= 0x2600 && r <= 0x27BF, r == 0x2934, r == 0x2935, r >= 0x2B05 && r <= 0x2B55,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	case r >= 0x1F1E6 && r <= 0x1F1FF, r >= 0x1F3FB && r <= 0x1F3FF:
		return false // regional indicators and skin-tone modifiers
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

// DefuseMentions breaks every "@everyone", "@here" and "@channel" (any
// case) in cleaned text by putting U+200B ZERO WIDTH SPACE right after the
// "@". It is how paperboy defuses mass mentions in everything it sends, on
// Discord and on Slack alike (posts, direct messages, thread names,
// search snippets and replies), on top of each platform's own rules
// (Discord's empty allowed_mentions, Slack's escaped "<"): even a client
// that ignored those would show the text and ping nobody. Text that has
// been through CleanText carries no zero-width space of its own, so every
// one in a message is one of these.
func DefuseMentions(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '@' && massMention(s[i+1:]) {
			b.WriteString(s[last : i+1])
			b.WriteString("\u200b")
			last = i + 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// massMention reports whether rest (the text after an "@") starts with
// "everyone", "here" or "channel", in any ASCII case.
func massMention(rest string) bool {
	for _, w := range [...]string{"everyone", "here", "channel"} {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
			return true
		}
	}
	return false
}

// UntitledTitle is how a paper without a usable title is shown:
// "Untitled (arXiv:2608.12345)".
func UntitledTitle(id string) string {
	if id = CleanText(id); id != "" {
		return "Untitled (arXiv:" + id + ")"
	}
	return "Untitled paper"
}

// DisplayTitle is the title to show for p everywhere (digests, replies,
// direct messages, thread names, search results): its cleaned title, or
// UntitledTitle when nothing is left of it after cleaning (a title that is
// blank, only white space or only invisible characters). It is never
// empty.
func (p Paper) DisplayTitle() string {
	if t := CleanText(p.Title); t != "" {
		return t
	}
	return UntitledTitle(p.ID)
}

// CleanPaper returns p with every text field cleaned (CleanText), the
// empty authors and keywords left out, and the links trimmed. A title
// with nothing left after cleaning is kept as it came (DisplayTitle shows
// such a paper as "Untitled (arXiv:ID)"), so that what the source sent is
// not lost. The store saves papers through it.
func CleanPaper(p Paper) Paper {
	if t := CleanText(p.Title); t != "" {
		p.Title = t
	}
	p.Abstract = CleanText(p.Abstract)
	p.AISummary = CleanText(p.AISummary)
	p.Authors = cleanList(p.Authors)
	p.AIKeywords = cleanList(p.AIKeywords)
	p.OrgName = CleanText(p.OrgName)
	p.OrgFullName = CleanText(p.OrgFullName)
	p.GitHubRepo = strings.TrimSpace(p.GitHubRepo)
	p.ProjectPage = strings.TrimSpace(p.ProjectPage)
	p.Thumbnail = strings.TrimSpace(p.Thumbnail)
	p.Categories = cleanList(p.Categories)
	p.ArxivComment = CleanText(p.ArxivComment)
	p.JournalRef = CleanText(p.JournalRef)
	p.DOI = CleanText(p.DOI)
	return p
}

// cleanList cleans each string of xs and leaves out the empty ones,
// reusing xs when nothing changes.
func cleanList(xs []string) []string {
	for i, x := range xs {
		if c := CleanText(x); c != x || c == "" {
			out := append([]string(nil), xs[:i]...)
			for _, y := range xs[i:] {
				if c := CleanText(y); c != "" {
					out = append(out, c)
				}
			}
			return out
		}
	}
	return xs
}

// stripEscapes removes terminal escape sequences whole: CSI (ESC [ ...
// final byte), OSC and other string commands (ESC ] ... BEL or ESC \), and
// two-byte escapes, so that no remnant such as "[2J" is left behind.
func stripEscapes(s string) string {
	if !strings.ContainsAny(s, "\x1b\u009b") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[', strings.HasPrefix(s[i:], "\u009b"):
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
		case s[i] == 0x1b && i+1 < len(s) && strings.IndexByte("]PX^_", s[i+1]) >= 0:
			j := i + 2
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			if j < len(s) && s[j] == 0x1b {
				j++
			}
			i = j + 1
		case s[i] == 0x1b:
			i += 2
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}
