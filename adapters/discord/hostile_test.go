package discord

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	"github.com/paperboy-bot/paperboy/bot"
)

// hostileMention is mention syntax Discord would turn into a ping or a
// link when it is not escaped: users, roles, channels, and @everyone/@here.
var hostileMention = regexp.MustCompile(`(?i)(^|[^\\])<(@[!&]?|#)\d+>|@(everyone|here)`)

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
	if n := utf8.RuneCountInString(m.Content); n > maxContent {
		t.Fatalf("%s: content has %d characters", what, n)
	}
	for field, s := range renderStrings(m) {
		if !utf8.ValidString(s) {
			t.Fatalf("%s: %s is invalid UTF-8: %q", what, field, s)
		}
		if loc := hostileMention.FindStringIndex(withoutCode(s)); loc != nil {
			t.Fatalf("%s: %s mentions %q: %q", what, field, withoutCode(s)[loc[0]:loc[1]], s)
		}
		for _, r := range s {
			if r == '\n' && (field == "content" || strings.HasSuffix(field, "description")) {
				continue
			}
			if bot.Unprintable(r) || r == '\u202E' || r == '\u202D' {
				t.Fatalf("%s: %s holds %U: %q", what, field, r, s)
			}
		}
	}
	// Text the renderer escapes whole (not the bot's own markup around it)
	// must render as plain text: no formatting, masked link or leading
	// block marker survives.
	for _, e := range m.Embeds {
		texts := []string{e.Description}
		if _, rest, ok := strings.Cut(e.Title, ". "); ok && e.URL != "" && !strings.HasPrefix(e.Title, "Daily Papers") {
			texts = append(texts, rest)
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

// TestRenderHostileCorpus feeds the shared hostile papers (and queries)
// through every Discord renderer.
func TestRenderHostileCorpus(t *testing.T) {
	cases := hostile.Cases()
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	n := 0
	for i, c := range cases {
		query := hostile.Queries[i%len(hostile.Queries)]
		for what, m := range hostileMessages(c.Paper, query) {
			checkHostile(t, c.Name+": "+what, m)
			n++
		}
		if name := threadName(hostile.Digest(c.Paper)); utf8.RuneCountInString(name) > maxThreadName || name == "" {
			t.Errorf("%s: thread name %q", c.Name, name)
		}
	}
	t.Logf("%d hostile papers, %d messages checked", len(cases), n)
}

// FuzzRender renders a paper of untrusted fields and an untrusted query in
// every message shape (header, item, search results, cards, lists, echoes)
// and checks checkHostile's invariants.
func FuzzRender(f *testing.F) {
	hostile.AddSeeds(f)
	f.Fuzz(func(t *testing.T, title, abstract, summary, author, org, repo, project, query string) {
		p := hostile.FuzzPaper(title, abstract, summary, author, org, repo, project)
		for what, m := range hostileMessages(p, query) {
			checkHostile(t, what, m)
		}
	})
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
