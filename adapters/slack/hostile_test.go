package slack

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	"github.com/paperboy-bot/paperboy/bot"
)

// hostileMessages renders p and a query every way a message can carry
// them: the digest header, the paper's item, and every reply shape (search
// results, one card, a list, echoes of the query).
func hostileMessages(p bot.Paper, query string) map[string]message {
	d := hostile.Digest(p)
	out := map[string]message{
		"header": renderHeader(d, bot.HeaderKey(renderChannel, d.ListDate)),
		"item":   renderItem(d.Items[0], bot.ItemKey(renderChannel, p.ID)),
	}
	for i, r := range hostile.Replies(p, query) {
		out["reply "+string(rune('a'+i))] = renderReply(r)
	}
	return out
}

// checkHostile asserts what must hold for every message whatever its
// text: Slack accepts it (every limit, verbatim mrkdwn, no unescaped < > &
// outside the bot's own links: see validate and checkMrkdwn), it is valid
// UTF-8 and JSON, the fallback text is escaped too, and the only links are
// the bot's: to Hugging Face or arXiv, or the paper's own code and project
// pages.
func checkHostile(t testing.TB, what string, m message, p bot.Paper) {
	t.Helper()
	if err := m.validate(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	wire := blocksJSON(m)
	if !utf8.Valid(wire) || !json.Valid(wire) {
		t.Fatalf("%s: blocks are not valid JSON: %q", what, wire)
	}
	if n := len(m.Blocks); n > 50 {
		t.Fatalf("%s: %d blocks", what, n)
	}
	allowed := func(u string) bool {
		return strings.HasPrefix(u, "https://huggingface.co/") || strings.HasPrefix(u, "https://arxiv.org/") ||
			u == strings.TrimSpace(p.GitHubRepo) || u == strings.TrimSpace(p.ProjectPage)
	}
	for _, s := range append(renderTexts(m), m.Text) {
		if !utf8.ValidString(s) {
			t.Fatalf("%s: invalid UTF-8: %q", what, s)
		}
		rest := botLinkRe.ReplaceAllStringFunc(s, func(link string) string {
			sub := botLinkRe.FindStringSubmatch(link)
			target, label := strings.ReplaceAll(sub[1], "&amp;", "&"), readLabel(sub[2])
			if bot.LooksLikeURL(label) && !sameURL(label, target) {
				t.Fatalf("%s: link text %q leads to %q", what, label, target)
			}
			// The bot's own links, and URLs from the paper linked to
			// themselves (their text is where they lead).
			if allowed(target) || sameURL(label, target) {
				return sub[2]
			}
			return link
		})
		if strings.ContainsAny(entities.Replace(rest), "<>&") {
			t.Fatalf("%s: unescaped < > & in %q", what, s)
		}
	}
	for _, b := range renderButtons(m) {
		if _, err := url.Parse(b.URL); b.URL != "" && (err != nil || !allowed(b.URL)) {
			t.Fatalf("%s: button to %q", what, b.URL)
		}
	}
}

// readLabel is the text Slack shows for a link label: entities decoded,
// the zero-width spaces of defused mentions gone.
func readLabel(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "\u200b", "").Replace(s)
}

// sameURL reports whether a link's text is the address it leads to (the
// target percent-encodes what is not ASCII).
func sameURL(label, target string) bool {
	if label == target {
		return true
	}
	u, err := url.PathUnescape(target)
	return err == nil && u == label
}

// TestRenderHostileCorpus feeds the shared hostile papers (and queries)
// through every Slack renderer.
func TestRenderHostileCorpus(t *testing.T) {
	cases := hostile.Cases()
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	n := 0
	for i, c := range cases {
		query := hostile.Queries[i%len(hostile.Queries)]
		for what, m := range hostileMessages(c.Paper, query) {
			checkHostile(t, c.Name+": "+what, m, c.Paper)
			n++
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
			checkHostile(t, what, m, p)
		}
	})
}
