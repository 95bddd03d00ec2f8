package discord

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	"github.com/paperboy-bot/paperboy/bot"
)

// hostileMention is mention syntax Discord would turn into a ping or a
// link when it is not escaped: users, roles, channels, and
// @everyone/@here (and Slack's @channel, which paperboy defuses on every
// platform alike).
var hostileMention = regexp.MustCompile(`(?i)(^|[^\\])<(@[!&]?|#)\d+>|@(everyone|here|channel)`)

// bareURL is an http(s) URL not written as <url>: Discord would show a
// preview of it.
var bareURL = regexp.MustCompile(`(?i)(^|[^<])https?://`)

// massMentionAfter reports whether s (the text after an "@") starts with
// everyone, here or channel, in any case.
func massMentionAfter(s string) bool {
	for _, w := range []string{"everyone", "here", "channel"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			return true
		}
	}
	return false
}

// checkInvisible asserts the invariant of every text the adapter sends:
// no control character (but the line breaks of content and descriptions,
// when newlines is true) and no default-ignorable (invisible) code point,
// except U+200B right after the "@" of @everyone, @here or @channel (the
// one way paperboy defuses them, bot.DefuseMentions) and the zero-width
// joiner and emoji variation selectors inside an emoji sequence.
func checkInvisible(t testing.TB, what, field, s string, newlines bool) {
	t.Helper()
	var prev rune = -1
	for i, r := range s {
		rest := s[i+utf8.RuneLen(r):]
		next, _ := utf8.DecodeRuneInString(rest)
		ok := true
		switch {
		case r == '\n':
			ok = newlines
		case r == '\u200b':
			ok = prev == '@' && massMentionAfter(rest)
		case r == '\u200d':
			ok = (bot.IsPictographic(prev) || prev >= 0x1F3FB && prev <= 0x1F3FF || prev == '\ufe0f' || prev == '\u20e3') && bot.IsPictographic(next)
		case r == '\ufe0e' || r == '\ufe0f':
			ok = bot.IsPictographic(prev) || (prev >= '0' && prev <= '9' || prev == '#' || prev == '*') && next == '\u20e3'
		case unicode.IsControl(r), bot.IsDefaultIgnorable(r), r == utf8.RuneError:
			ok = false
		}
		if !ok {
			t.Fatalf("%s: %s holds %U at byte %d: %q", what, field, r, i, s)
		}
		prev = r
	}
}

// textFields are the fields of renderStrings that Discord shows as text
// (not the URLs and the nonce).
func textField(field string) bool {
	return field != "nonce" && !strings.HasSuffix(field, "url") && !strings.HasSuffix(field, "thumbnail")
}

// hostileMessages renders p and a query every way a message can carry
// them: the digest header and thread name, the paper's item, and every
// reply shape (search results, one card, a list, echoes of the query).
func hostileMessages(p bot.Paper, query string) map[string]createMessage {
	d := hostile.Digest(p)
	out := map[string]createMessage{
		"header": renderHeader(d, bot.HeaderKey(renderChannel, d.ListDate)),
		"item":   renderItem(d.Items[0], bot.ItemKey(renderChannel, p.ID)),
	}
	for i, r := range hostile.Replies(p, query) {
		out["reply "+string(rune('a'+i))] = renderReply(r)
	}
	return out
}

// checkHostile asserts what must hold for every message whatever its text:
// Discord accepts it (every limit, see validate), it is valid UTF-8, it
// mentions nobody (allowed_mentions "parse": []), and no mention syntax,
// bidi override or control character survives in any text.
func checkHostile(t testing.TB, what string, m createMessage) {
	t.Helper()
	if err := m.validate(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	b, err := discordgo.Marshal(m)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !utf8.Valid(b) || !strings.Contains(string(b), renderNoMentionsJSON) {
		t.Fatalf("%s: payload is not UTF-8 or lacks %s: %s", what, renderNoMentionsJSON, b)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 ||
		len(m.AllowedMentions.Roles) != 0 || len(m.AllowedMentions.Users) != 0 {
		t.Fatalf("%s: allowed_mentions %+v", what, m.AllowedMentions)
	}
	if n := bot.Length(m.Content); n > maxContent {
		t.Fatalf("%s: content has %d characters", what, n)
	}
	// Links from paper data never show a preview: a message without an
	// embed of its own suppresses them; a card is never suppressed.
	if suppressed := m.Flags&discordgo.MessageFlagsSuppressEmbeds != 0; suppressed != (len(m.Embeds) == 0) {
		t.Fatalf("%s: %d embeds, flags %d", what, len(m.Embeds), m.Flags)
	}
	for field, s := range renderStrings(m) {
		if !utf8.ValidString(s) {
			t.Fatalf("%s: %s is invalid UTF-8: %q", what, field, s)
		}
		if !textField(field) {
			continue
		}
		if loc := hostileMention.FindStringIndex(withoutCode(s)); loc != nil {
			t.Fatalf("%s: %s mentions %q: %q", what, field, withoutCode(s)[loc[0]:loc[1]], s)
		}
		checkInvisible(t, what, field, s, field == "content" || strings.HasSuffix(field, "description"))
		if loc := bareURL.FindStringIndex(withoutCode(s)); loc != nil {
			t.Fatalf("%s: %s holds a bare URL at byte %d: %q", what, field, loc[0], s)
		}
		for _, code := range codeTexts(s) {
			if len(bot.FindURLs(code)) > 0 {
				t.Fatalf("%s: %s holds a URL in code (%q): %q", what, field, code, s)
			}
		}
		if loc := mdInvite.FindStringIndex(s); loc != nil {
			t.Fatalf("%s: %s holds an invite Discord would show: %q", what, field, s)
		}
	}
	// Text the renderer escapes whole (not the bot's own markup around it)
	// must render as plain text: no formatting, masked link or leading
	// block marker survives.
	for _, e := range m.Embeds {
		texts := []string{e.Description}
		if !strings.HasPrefix(e.Title, "Daily Papers") {
			texts = append(texts, rankPrefix.ReplaceAllString(e.Title, ""))
		}
		if e.URL != "" && bot.LooksLikeURL(unescapeMarkdown(e.Title)) {
			t.Fatalf("%s: title %q looks like a web address and links to %s", what, e.Title, e.URL)
		}
		for _, f := range e.Fields {
			if f.Name != "Upvotes" && f.Name != "Comments" { // numbers, from strconv
				texts = append(texts, f.Value)
			}
		}
		for _, s := range texts {
			if _, active := mdView(s); len(active) > 0 {
				t.Fatalf("%s: %q renders %v", what, s, active)
			}
		}
	}
}

// linkCases are hostile papers about links, on top of the shared corpus:
// URLs in every text field, invites with and without a scheme, titles
// that look like addresses, URLs cut short, URLs that hold a mention.
func linkCases() []hostile.Case {
	var cs []hostile.Case
	add := func(name string, change func(p *bot.Paper)) {
		p := hostile.Plain()
		change(&p)
		cs = append(cs, hostile.Case{Name: name, Paper: p})
	}
	urls := "see https://github.com/a/b_c, (https://x.org/a_(b)) https://x.org/*a*~b~ HTTPS://X.ORG/A and <https://y.org/q?a=1&b=2>"
	invites := "join https://discord.gg/abc_d, discord.gg/xyz, https://www.discord.com/invite/q, HTTPS://DISCORDAPP.COM/invite/r and https://x.org/?go=discord.gg/s"
	odd := "javascript:alert(1) mailto:a@b.c ftp://x.org/a_b data:text/html,x https:///nohost xhttps://glued.example https://x.org/@everyone https://x.org/a…"
	add("URLs in every field", func(p *bot.Paper) {
		p.Title, p.Abstract, p.AISummary, p.OrgFullName = urls, urls, urls, urls
		p.Authors = []string{urls, "Bob"}
	})
	add("invites in every field", func(p *bot.Paper) {
		p.Title, p.Abstract, p.AISummary, p.OrgFullName = invites, invites, invites, invites
		p.Authors = []string{invites}
	})
	add("other schemes and broken URLs", func(p *bot.Paper) {
		p.Title, p.Abstract, p.AISummary, p.OrgFullName = odd, odd, odd, odd
		p.Authors = []string{odd}
	})
	add("title that is an address", func(p *bot.Paper) { p.Title = "https://evil.example/login" })
	add("title that looks like an address", func(p *bot.Paper) { p.Title = "huggingface.co/papers/1234.56789" })
	add("a long URL to cut", func(p *bot.Paper) {
		p.Title = "T " + "https://example.org/" + strings.Repeat("a_", 400)
		p.AISummary = strings.Repeat("word ", 55) + "https://example.org/" + strings.Repeat("b", 100)
	})
	add("URLs of emoji", func(p *bot.Paper) { p.Abstract = "https://x.org/🧪👩\u200d🔬 and 🧪https://y.org/" })
	return cs
}

// linkQueries are queries about links, echoed back in replies.
var linkQueries = []string{"https://discord.gg/abc", "id:https://huggingface.co/papers/2608.19880", "www.evil.example/x", "`https://x.org/a`"}

// TestRenderHostileCorpus feeds the shared hostile papers (and queries)
// and the link cases through every Discord renderer.
func TestRenderHostileCorpus(t *testing.T) {
	cases := hostile.Cases()
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	cases = append(cases, linkCases()...)
	queries := append(append([]string(nil), hostile.Queries...), linkQueries...)
	n := 0
	for i, c := range cases {
		query := queries[i%len(queries)]
		for what, m := range hostileMessages(c.Paper, query) {
			checkHostile(t, c.Name+": "+what, m)
			n++
		}
		name := threadName(hostile.Digest(c.Paper))
		if err := checkThreadName(name); err != nil {
			t.Errorf("%s: thread name %q: %v", c.Name, name, err)
		}
		checkInvisible(t, c.Name, "thread name", name, false)
	}
	t.Logf("%d hostile papers, %d messages checked", len(cases), n)
}

// FuzzRender renders a paper of untrusted fields and an untrusted query in
// every message shape (header, item, search results, cards, lists, echoes)
// and checks checkHostile's invariants.
func FuzzRender(f *testing.F) {
	hostile.AddSeeds(f)
	for i, c := range linkCases() {
		p := c.Paper
		f.Add(p.Title, p.Abstract, p.AISummary, p.Authors[0], p.OrgFullName, p.GitHubRepo, p.ProjectPage, linkQueries[i%len(linkQueries)])
	}
	f.Fuzz(func(t *testing.T, title, abstract, summary, author, org, repo, project, query string) {
		p := hostile.FuzzPaper(title, abstract, summary, author, org, repo, project)
		for what, m := range hostileMessages(p, query) {
			checkHostile(t, what, m)
		}
	})
}

// codeTexts returns the texts of s's inline code spans (see withoutCode).
func codeTexts(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				return out
			}
			out = append(out, s[i+1:i+1+end])
			i += end + 1
		}
	}
	return out
}

// withoutCode returns s without its inline code spans: Discord shows what
// is between two backticks literally (no mention, no markdown). A
// backslash escapes the character after it, backticks included.
func withoutCode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			b.WriteByte(s[i])
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			b.WriteByte(' ')
			i += end + 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// rankPrefix is the number the renderer puts before a digest item's title.
var rankPrefix = regexp.MustCompile(`^\d+\. `)

// unescapeMarkdown undoes backslash escapes: the text Discord shows.
func unescapeMarkdown(s string) string {
	v, _ := mdView(s)
	return v
}
