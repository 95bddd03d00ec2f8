package bot

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Links inside untrusted text. Titles and abstracts carry URLs (a project
// page, a dataset, now and then a chat invite). The renderers find them
// with FindURLs so that a URL is shown exactly as written and works: no
// markdown escape or look-alike character goes inside it, no highlight
// wraps it, and each platform links it its own way without a preview
// (Discord: <url>; Slack: <url|url> with unfurling off). Only http and
// https URLs are ever linked; a Discord invite is shown as plain text.

// URLSpan is the byte range [Start, End) of a URL in a text.
type URLSpan struct{ Start, End int }

// FindURLs returns the http:// and https:// URLs (scheme in any case) in
// cleaned text s, in order. A URL runs from its scheme to the first white
// space, emoji or one of < > " ` | \ (which no URL paperboy links may
// hold: they end Slack's <url|label> and Discord's <url>), then loses the
// trailing punctuation that ends a sentence (. , : ; ! ? ' * ~) and a closing ) ] or } that has no opening one
// inside the URL, as Discord and Slack read "(see https://x.org/a)." A URL
// needs a host: at least one character after "//" that is not "/". A URL
// in a text that was cut short keeps the "…" it runs into: the renderers
// show such a URL as text, since it would lead nowhere. FindURLs takes
// time linear in the length of s.
func FindURLs(s string) []URLSpan {
	var out []URLSpan
	for i := 0; i < len(s); {
		j := indexScheme(s[i:])
		if j < 0 {
			break
		}
		start := i + j
		host := start + strings.Index(s[start:], "://") + 3
		if !urlRune(s[host:]) || s[host] == '/' {
			i = host // no host: not a URL; look on after its "://"
			continue
		}
		end := host
		for end < len(s) && urlRune(s[end:]) {
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
		}
		end = start + trimURL(s[start:end])
		out = append(out, URLSpan{start, end})
		i = end
	}
	return out
}

// urlRune reports whether the text s starts with a character a URL may
// hold: not white space, none of < > " ` | \, no invisible character and
// no emoji (a URL never ends inside an emoji sequence, whose joiners it
// could not hold).
func urlRune(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.IsSpace(r) && !strings.ContainsRune("<>\"`|\\", r) && !Unprintable(r) && !IsPictographic(r) &&
		!(r >= 0x1F3FB && r <= 0x1F3FF) && !(r >= 0x1F1E6 && r <= 0x1F1FF)
}

// indexScheme returns the index of the first "http://" or "https://" (any
// case) in s that does not continue a word ("xhttp://" is not a URL), or
// -1.
func indexScheme(s string) int {
	for i := 0; i+7 <= len(s); i++ {
		c := s[i] | 0x20
		if c != 'h' {
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		rest := s[i:]
		if hasPrefixFold(rest, "http://") || hasPrefixFold(rest, "https://") {
			return i
		}
	}
	return -1
}

// hasPrefixFold is an ASCII case-insensitive strings.HasPrefix.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// trimURL returns the length of u without the punctuation that ends the
// sentence around it rather than the URL.
func trimURL(u string) int {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch c {
		case '.', ',', ':', ';', '!', '?', '\'', '*', '~':
			u = u[:len(u)-1]
			continue

		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if strings.Count(u, string(open)) < strings.Count(u, string(c)) {
				u = u[:len(u)-1]
				continue
			}
		}
		break
	}
	return len(u)
}

// IsDiscordInvite reports whether the URL u is a Discord server invite
// (discord.gg/…, discord.com/invite/…, discordapp.com/invite/…, with or
// without www.), which Discord would show as a card that joins a server.
func IsDiscordInvite(u string) bool {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		rest = u
	}
	rest = strings.ToLower(rest)
	rest = strings.TrimPrefix(rest, "www.")
	for _, p := range []string{"discord.gg/", "discord.com/invite/", "discordapp.com/invite/"} {
		if strings.HasPrefix(rest, p) && len(rest) > len(p) {
			return true
		}
	}
	return false
}

// hostRe is a DNS name with at least one dot (Discord refuses link buttons
// to hosts it cannot resolve as a domain, such as "x").
var hostRe = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$`)

// ValidLink reports whether s is a URL paperboy may send as a link (a
// button, an embed or a thumbnail): an absolute http:// or https:// URL
// (only https when httpsOnly; the scheme in lower case) of at most max
// bytes, printable ASCII, with a domain name (see hostRe), a valid port
// if any, and no user info. It is stricter than the platforms, which
// refuse a whole message over one malformed URL: a link that fails is
// left out. Each adapter's validLink starts from it and adds what its
// markup cannot hold.
func ValidLink(s string, max int, httpsOnly bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	if !strings.HasPrefix(s, "https://") && (httpsOnly || !strings.HasPrefix(s, "http://")) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || !hostRe.MatchString(u.Hostname()) {
		return false
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	return true
}

// LooksLikeURL reports whether text, shown as the label of a link, could
// be taken for a web address: it holds "://", starts a word with "www.",
// or holds a domain name followed by a path ("evil.example/login"). The
// renderers never use such text from a paper as the label of a link to
// somewhere else: the label would show one address and lead to another.
func LooksLikeURL(text string) bool {
	if strings.Contains(text, "://") {
		return true
	}
	lower := strings.ToLower(text)
	for i := 0; i < len(lower); i++ {
		if i > 0 && isDomainByte(lower[i-1]) {
			continue // not the start of a word
		}
		if strings.HasPrefix(lower[i:], "www.") {
			return true
		}
		if domainWithPath(lower[i:]) {
			return true
		}
	}
	return false
}

func isDomainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// domainWithPath reports whether s starts with labels joined by dots, the
// last of two or more letters, and then a "/".
func domainWithPath(s string) bool {
	labels, i := 0, 0
	for {
		j := i
		for j < len(s) && isDomainByte(s[j]) {
			j++
		}
		if j == i {
			return false
		}
		labels++
		if j < len(s) && s[j] == '.' {
			i = j + 1
			continue
		}
		if labels < 2 || j >= len(s) || s[j] != '/' {
			return false
		}
		tld := s[strings.LastIndexByte(s[:j], '.')+1 : j]
		return len(tld) >= 2 && strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") == ""
	}
}

// FitLinks joins items with sep in at most limit characters (Length),
// each shown linked (linked[i], the platform's link markup) where it fits
// and plain (plain[i], already escaped) otherwise: from the first item on,
// as many are links as fit with the rest as text. ok is false when even
// the plain text does not fit (the caller cuts it). The renderers' lists
// of arXiv categories use it.
func FitLinks(plain, linked []string, sep string, limit int) (s string, ok bool) {
	total := 0
	for i, p := range plain {
		if i > 0 {
			total += Length(sep)
		}
		total += Length(p)
	}
	if total > limit {
		return "", false
	}
	out := make([]string, len(plain))
	copy(out, plain)
	for i := range plain {
		grown := total - Length(plain[i]) + Length(linked[i])
		if grown > limit {
			break
		}
		out[i], total = linked[i], grown
	}
	return strings.Join(out, sep), true
}
