package slack

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

var renderChannel = bot.ChannelRef{Platform: "slack", ID: "C0123456789"}

// renderWire validates m and returns its blocks as slack-go sends them.
func renderWire(t testing.TB, m message) string {
	t.Helper()
	if err := m.validate(); err != nil {
		t.Fatal(err)
	}
	b := blocksJSON(m)
	if b == nil {
		t.Fatal("blocks do not marshal")
	}
	return string(b)
}

// renderGolden compares m with testdata/render/name: the text, blocks and
// metadata, indented, with < > & left as they are (what slack-go sends,
// with \u0026 and friends, is the same JSON value).
func renderGolden(t *testing.T, name string, m message) {
	t.Helper()
	js := testsupport.JSON(t, struct {
		Text     string                 `json:"text"`
		Blocks   []slackgo.Block        `json:"blocks"`
		Metadata *slackgo.SlackMetadata `json:"metadata,omitempty"`
	}{m.Text, m.Blocks, m.Metadata})
	// Marshalers inside slack-go (context elements, action elements)
	// escape HTML characters themselves; show them as they are everywhere.
	got := []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(js)))
	testsupport.Golden(t, filepath.Join("testdata", "render", name), got)
}

// renderTexts returns the text of every text object of m, in order.
func renderTexts(m message) []string {
	var out []string
	for _, blk := range m.Blocks {
		switch b := blk.(type) {
		case *slackgo.HeaderBlock:
			out = append(out, b.Text.Text)
		case *slackgo.SectionBlock:
			if b.Text != nil {
				out = append(out, b.Text.Text)
			}
		case *slackgo.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slackgo.TextBlockObject); ok {
					out = append(out, t.Text)
				}
			}
		}
	}
	return out
}

func renderButtons(m message) []*slackgo.ButtonBlockElement {
	var out []*slackgo.ButtonBlockElement
	for _, blk := range m.Blocks {
		if a, ok := blk.(*slackgo.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				out = append(out, e.(*slackgo.ButtonBlockElement))
			}
		}
	}
	return out
}

func renderButtonLabels(m message) []string {
	var out []string
	for _, b := range renderButtons(m) {
		out = append(out, b.Text.Text)
	}
	return out
}

func renderThumbnail(m message) *slackgo.ImageBlockElement {
	for _, blk := range m.Blocks {
		if s, ok := blk.(*slackgo.SectionBlock); ok && s.Accessory != nil {
			return s.Accessory.ImageElement
		}
	}
	return nil
}

// renderVisible is what a reader sees of mrkdwn text, as far as the
// characters go: the bot's links shown as their labels, then the text read
// back (see escapeReadBack). Formatting markers the bot put in stay.
func renderVisible(s string) string {
	return escapeReadBack.Replace(botLinkRe.ReplaceAllString(s, "$2"))
}

// renderJSONString is s as encoding/json writes it inside a string.
func renderJSONString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestRenderGolden(t *testing.T) {
	d := testsupport.SampleDigest(t)
	if len(d.Items) != 17 {
		t.Fatalf("sample digest has %d items, want 17", len(d.Items))
	}
	header := renderHeader(d, bot.HeaderKey(renderChannel, d.ListDate))
	renderWire(t, header)
	renderGolden(t, "header.json", header)

	// All buttons, stars, organization, thumbnail, ai_summary.
	full := testsupport.FindItem(t, d, "2608.19880")
	fullMsg := renderItem(full, bot.ItemKey(renderChannel, full.Paper.ID))
	renderWire(t, fullMsg)
	renderGolden(t, "item_full.json", fullMsg)

	// No code, no project page, no thumbnail, no ai_summary: the summary is
	// the abstract's first sentences. The real paper has a thumbnail and an
	// ai_summary; they are removed here.
	minimal := testsupport.FindItem(t, d, "2608.13120")
	minimal.Paper.Thumbnail, minimal.Paper.AISummary = "", ""
	minimalMsg := renderItem(minimal, bot.ItemKey(renderChannel, minimal.Paper.ID))
	renderWire(t, minimalMsg)
	renderGolden(t, "item_minimal.json", minimalMsg)

	help := renderReply(bot.Help())
	renderWire(t, help)
	renderGolden(t, "reply_help.json", help)

	// As /papers paper answers: the card alone.
	paper := renderReply(bot.Reply{Papers: []bot.Paper{full.Paper}})
	renderWire(t, paper)
	renderGolden(t, "reply_paper.json", paper)

	// Every item of the day is valid.
	for _, it := range d.Items {
		renderWire(t, renderItem(it, bot.ItemKey(renderChannel, it.Paper.ID)))
	}

	// What a reader sees on the two cards.
	for _, tc := range []struct {
		msg     message
		texts   []string
		buttons []string
		text    string
	}{
		{fullMsg, []string{
			"*1. EnvHarness: Awakening Static Worlds for Agent Learning*\nEnvHarness and EnvRigger dynamically reshape static environments via programmable plugins to target agent weaknesses and improve reinforcement learning co-evolution.",
			"Chengsong Huang, Zifeng Wang, Rujun Han et al. · ▲ 163 upvotes · 1 comment · Google"},
			[]string{"Hugging Face", "arXiv", "PDF", "Code ★ 8", "Project"},
			"1. EnvHarness: Awakening Static Worlds for Agent Learning https://huggingface.co/papers/2608.19880"},
		{minimalMsg, []string{
			fmt.Sprintf("*%d. %s*\n%s", minimal.Rank, minimal.Paper.Title, bot.FirstSentences(minimal.Paper.Abstract, bot.SummaryLen)),
			bot.ShortAuthors(minimal.Paper.Authors, 3) + " · ▲ 6 upvotes · 2 comments · Zhejiang University"},
			[]string{"Hugging Face", "arXiv", "PDF"},
			fmt.Sprintf("%d. %s https://huggingface.co/papers/2608.13120", minimal.Rank, minimal.Paper.Title)},
	} {
		var visible []string
		for _, s := range renderTexts(tc.msg) {
			visible = append(visible, renderVisible(s))
		}
		if diff := cmp.Diff(tc.texts, visible); diff != "" {
			t.Errorf("texts (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tc.buttons, renderButtonLabels(tc.msg)); diff != "" {
			t.Errorf("buttons (-want +got):\n%s", diff)
		}
		if got := escapeReadBack.Replace(tc.msg.Text); got != tc.text {
			t.Errorf("fallback text %q, want %q", got, tc.text)
		}
	}
	if th := renderThumbnail(fullMsg); th == nil || *th.ImageURL != full.Paper.Thumbnail ||
		th.AltText != "thumbnail: EnvHarness: Awakening Static Worlds for Agent Learning" {
		t.Errorf("full card thumbnail: %+v", th)
	}
	if renderThumbnail(minimalMsg) != nil {
		t.Error("minimal card has a thumbnail")
	}
	if s := renderTexts(minimalMsg)[0]; !strings.HasSuffix(s, ".") || strings.HasSuffix(s, "…") {
		t.Errorf("minimal summary is not whole sentences: %q", s)
	}

	// The reply card is the item's card without the number.
	unranked := renderItem(bot.Item{Paper: full.Paper}, "")
	if diff := cmp.Diff(renderWire(t, unranked), renderWire(t, paper)); diff != "" {
		t.Errorf("reply card differs from the unranked item card (-item +reply):\n%s", diff)
	}
	if want := "EnvHarness: Awakening Static Worlds for Agent Learning https://huggingface.co/papers/2608.19880"; paper.Text != want {
		t.Errorf("reply text %q, want %q", paper.Text, want)
	}
	titled := renderReply(bot.Reply{Title: "Today", Papers: []bot.Paper{full.Paper}})
	if _, ok := titled.Blocks[0].(*slackgo.HeaderBlock); !ok || string(blocksJSON(message{Blocks: titled.Blocks[1:]})) != renderWire(t, unranked) {
		t.Errorf("titled reply: %T, then not the card", titled.Blocks[0])
	}
	if paper.Metadata != nil || unranked.Metadata != nil {
		t.Error("a reply or an item without a key carries metadata")
	}
}

func TestRenderHeader(t *testing.T) {
	d := &bot.Digest{ListDate: bot.Date{Year: 2026, Month: 11, Day: 26}, Items: make([]bot.Item, 12)}
	key := bot.HeaderKey(renderChannel, d.ListDate)
	m := renderHeader(d, key)
	got := renderWire(t, m)
	want := `[{"type":"header","text":{"type":"plain_text","text":"Daily Papers · Thu 26 Nov 2026","emoji":false}},` +
		`{"type":"context","elements":[{"type":"mrkdwn","text":"12 papers from \u003chttps://huggingface.co/papers/date/2026-11-26|Hugging Face Daily Papers\u003e, most upvoted first · the papers are in the thread","verbatim":true}]}]`
	if got != want {
		t.Errorf("blocks:\n got %s\nwant %s", got, want)
	}
	if m.Text != "Daily Papers · Thu 26 Nov 2026 · 12 papers" {
		t.Errorf("text %q", m.Text)
	}
	if keyOf(slackgo.Message{Msg: slackgo.Msg{Metadata: *m.Metadata}}) != key {
		t.Errorf("metadata %+v does not carry %q", m.Metadata, key)
	}

	one := renderHeader(&bot.Digest{Items: make([]bot.Item, 1)}, key)
	renderWire(t, one)
	if got := renderTexts(one)[1]; !strings.HasPrefix(got, "1 paper from <https://huggingface.co/papers|") {
		t.Errorf("no date: %q", got)
	}
}

// renderHostile is text that would ping, link or format if it reached
// Slack as written, and what escapeMrkdwn makes of it.
const (
	renderHostile = "<!channel> <!here> <!everyone> <@U123> <#C123> <https://evil.example|click> &amp; *bold* _it_ ~s~ `c` ``` @channel"
	// The evil URL is a link to itself (its text is where it leads); the
	// "|click>" around it is text.
	renderEscaped = "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;#C123&gt; &lt;<https://evil.example|https://evil.example>|click&gt; &amp;amp; ∗bold∗ ˍitˍ ∼s∼ ˋcˋ ˋˋˋ @\u200bchannel"
	renderAuthor  = "<@U123> *Ann* _Lee_ @here &amp;"
	renderOrg     = "<!everyone> ~Org~ `x`"
)

func renderHostilePaper() bot.Paper {
	return bot.Paper{
		ID: "2608.19880", Title: renderHostile, Abstract: renderHostile, Authors: []string{renderAuthor, "Bob", "Cy"},
		Upvotes: 3, Comments: 1, OrgFullName: renderOrg,
		GitHubRepo: "https://github.com/a/b?x=<!channel>", ProjectPage: "https://a.example/p?q=1&r=2",
	}
}

// renderNoActiveTokens fails when mrkdwn s, once the bot's own links are
// removed, holds anything Slack would parse: <!…>, <@…>, <#…>, <http…>.
func renderNoActiveTokens(t *testing.T, what, s string) {
	t.Helper()
	rest := botLinkRe.ReplaceAllStringFunc(s, func(link string) string {
		sub := botLinkRe.FindStringSubmatch(link)
		if strings.HasPrefix(link, "<https://huggingface.co/papers") || sameURL(readLabel(sub[2]), strings.ReplaceAll(sub[1], "&amp;", "&")) {
			return sub[2]
		}
		return link
	})
	for _, tok := range []string{"<!", "<@", "<#", "<http", "<"} {
		if strings.Contains(rest, tok) {
			t.Errorf("%s: %q survives in %q", what, tok, s)
		}
	}
}

func TestRenderHostileText(t *testing.T) {
	m := renderItem(bot.Item{Rank: 1, Paper: renderHostilePaper()}, bot.ItemKey(renderChannel, "2608.19880"))
	wire := renderWire(t, m)
	texts := renderTexts(m)
	// The title holds a web address, so it is not the text of the link to
	// Hugging Face: that link follows it.
	wantSection := "*1. " + renderEscaped + "* <https://huggingface.co/papers/2608.19880|Hugging Face>\n" + renderEscaped
	wantContext := "&lt;@U123&gt; ∗Ann∗ ˍLeeˍ @\u200bhere &amp;amp;, Bob, Cy · ▲ 3 upvotes · 1 comment · &lt;!everyone&gt; ∼Org∼ ˋxˋ"
	if diff := cmp.Diff([]string{wantSection, wantContext}, texts); diff != "" {
		t.Fatalf("texts (-want +got):\n%s", diff)
	}
	// Exactly that goes over the wire, JSON-encoded.
	for _, s := range texts {
		if !strings.Contains(wire, renderJSONString(s)) {
			t.Errorf("%q not sent as is in %s", s, wire)
		}
	}
	// Read back, it is the original text.
	if got := renderVisible(texts[0]); got != "*1. "+renderHostile+"* Hugging Face\n"+renderHostile {
		t.Errorf("section reads %q", got)
	}
	if got := renderVisible(texts[1]); got != renderAuthor+", Bob, Cy · ▲ 3 upvotes · 1 comment · "+renderOrg {
		t.Errorf("context reads %q", got)
	}
	for _, s := range append(texts, m.Text) {
		renderNoActiveTokens(t, "item", s)
	}
	if want := "1. " + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(renderHostile,
		"&", "&amp;"), "<", "&lt;"), ">", "&gt;"), "@channel", "@\u200bchannel") + " https://huggingface.co/papers/2608.19880"; m.Text != want {
		t.Errorf("fallback text\n got %q\nwant %q", m.Text, want)
	}
	// The code button's URL holds "<" and is left out; the project page
	// keeps its "&" (a JSON string, not mrkdwn).
	if diff := cmp.Diff([]string{"Hugging Face", "arXiv", "PDF", "Project"}, renderButtonLabels(m)); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}

	r := renderReply(bot.Reply{
		Title: renderHostile,
		Lines: []bot.Line{
			{bot.Text("query: "), bot.Code(renderHostile), bot.Text(" "), bot.Bold(renderHostile), bot.Text(" "),
				bot.Link(renderHostile, "https://huggingface.co/papers?q=a&b=c"), bot.Text(" "), bot.Link("x", "javascript:alert(1)")},
			{bot.Span{Text: renderHostile}},
		},
	})
	wire = renderWire(t, r)
	// The spans hold a URL, so none is formatted: code and bold would
	// touch the link, and the link's text would show one address and lead
	// to another (it becomes text and a link of its own).
	want := []string{
		"*" + renderEscaped + "*",
		"query: " + renderEscaped + " " + renderEscaped + " " + renderEscaped + " <https://huggingface.co/papers?q=a&amp;b=c|link> x\n" + renderEscaped,
	}
	if diff := cmp.Diff(want, renderTexts(r)); diff != "" {
		t.Fatalf("reply texts (-want +got):\n%s", diff)
	}
	for _, s := range renderTexts(r) {
		if !strings.Contains(wire, renderJSONString(s)) {
			t.Errorf("%q not sent as is", s)
		}
		renderNoActiveTokens(t, "reply", strings.ReplaceAll(s, "<https://huggingface.co/papers?q=a&amp;b=c|", "<https://huggingface.co/papers|"))
	}
	if got := renderVisible(renderTexts(r)[1]); got != "query: "+renderHostile+" "+renderHostile+" "+renderHostile+" link x\n"+renderHostile {
		t.Errorf("reply reads %q", got)
	}
	renderNoActiveTokens(t, "reply text", r.Text)
}

func TestRenderLongPaper(t *testing.T) {
	words := func(n int, word string) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	p := bot.Paper{
		ID:        "2608.19880",
		Title:     words(60, "Transformers&Co")[:600],
		Abstract:  words(1100, "diffusion")[:10_000],
		Upvotes:   1_000_000,
		Comments:  5,
		Thumbnail: "https://cdn.example/" + strings.Repeat("t", 2900),
	}
	for i := range 700 {
		p.Authors = append(p.Authors, fmt.Sprintf("Author Number %d", i+1))
	}
	for _, ai := range []string{"", words(2000, "summary")} {
		p.AISummary = ai
		m := renderItem(bot.Item{Rank: 12, Paper: p}, "key")
		renderWire(t, m)
		section := renderTexts(m)[0]
		head, summary, _ := strings.Cut(section, "\n")
		title := renderVisible(strings.TrimSuffix(strings.TrimPrefix(head, "*12. "), "*"))
		if n := utf8.RuneCountInString(title); n > 300 || !strings.HasSuffix(title, "…") {
			t.Errorf("title of %d runes: %q", n, title)
		}
		if !strings.HasPrefix(p.Title, strings.TrimSuffix(title, "…")) || !strings.HasSuffix(strings.TrimSuffix(title, "…"), "Transformers&Co") {
			t.Errorf("title not cut at a word: %q", title)
		}
		if n := utf8.RuneCountInString(summary); n > bot.SummaryLen || !strings.HasSuffix(summary, "…") {
			t.Errorf("summary of %d runes: %q", n, summary)
		}
		if w := strings.Fields(strings.TrimSuffix(summary, "…")); w[len(w)-1] != "diffusion" && w[len(w)-1] != "summary" {
			t.Errorf("summary not cut at a word: %q", summary)
		}
		if got := renderTexts(m)[1]; got != "Author Number 1, Author Number 2, Author Number 3 et al. · ▲ 1000000 upvotes · 5 comments" {
			t.Errorf("context %q", got)
		}
		if th := renderThumbnail(m); th == nil || utf8.RuneCountInString(th.AltText) > maxAltText {
			t.Errorf("thumbnail %+v", th)
		}
		if n := utf8.RuneCountInString(m.Text); n > maxText {
			t.Errorf("text of %d runes", n)
		}
	}

	// Links of 3,000 characters full of "&" (JSON writes \u0026, six
	// characters each) would blow the size budget: the card shrinks.
	amp := "https://github.com/a?" + strings.Repeat("&", maxButtonURL-len("https://github.com/a?"))
	p.GitHubRepo, p.ProjectPage = amp, strings.Replace(amp, "github.com", "a.example", 1)
	p.Title, p.OrgFullName = strings.Repeat("&", 600), strings.Repeat("<", 300)
	p.Authors = []string{strings.Repeat("&", 200), strings.Repeat(">", 200), strings.Repeat("&", 200), "x"}
	m := renderItem(bot.Item{Rank: 1, Paper: p}, "key")
	renderWire(t, m)
	if n := blocksSize(m.Blocks); n > maxBlocksJSON {
		t.Errorf("blocks of %d characters", n)
	}
}

func TestRenderMultibyteTitles(t *testing.T) {
	for _, unit := range []string{"👨‍👩‍👧‍👦", "🇩🇪🇫🇷", "深度学习", "e\u0301\u0302", "👍🏽 ", "&<>", "ก่อน"} {
		for n := 1; n <= 400; n += 7 {
			title := strings.Repeat(unit, n)
			p := bot.Paper{ID: "2608.19880", Title: title, Abstract: title, Authors: []string{title}, OrgFullName: title}
			m := renderItem(bot.Item{Rank: 3, Paper: p}, "key")
			if err := m.validate(); err != nil {
				t.Fatalf("%q×%d: %v", unit, n, err)
			}
			r := renderReply(bot.Reply{Title: title, Lines: []bot.Line{{bot.Bold(title)}}, Papers: []bot.Paper{p, p}})
			if err := r.validate(); err != nil {
				t.Fatalf("reply %q×%d: %v", unit, n, err)
			}
		}
	}
}

func TestRenderLinkButtons(t *testing.T) {
	base := bot.Paper{ID: "2608.19880"}
	type button struct{ ID, Label, URL string }
	buttons := func(p bot.Paper) []button {
		m := renderItem(bot.Item{Rank: 1, Paper: p}, "key")
		renderWire(t, m)
		var out []button
		for _, b := range renderButtons(m) {
			if b.Style != "" || b.Value != "" || b.Text.Type != slackgo.PlainTextType {
				t.Fatalf("not a plain link button: %+v", b)
			}
			out = append(out, button{b.ActionID, b.Text.Text, b.URL})
		}
		return out
	}
	idLinks := []button{
		{"link_hf", "Hugging Face", "https://huggingface.co/papers/2608.19880"},
		{"link_arxiv", "arXiv", "https://arxiv.org/abs/2608.19880"},
		{"link_pdf", "PDF", "https://arxiv.org/pdf/2608.19880"},
	}

	full := base
	full.GitHubRepo, full.GitHubStars, full.ProjectPage = "https://github.com/a/b", 1234, "https://a.github.io/b/"
	if diff := cmp.Diff(append(idLinks[:3:3], button{"link_code", "Code ★ 1.2k", "https://github.com/a/b"},
		button{"link_project", "Project", "https://a.github.io/b/"}), buttons(full)); diff != "" {
		t.Errorf("full (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(idLinks, buttons(base)); diff != "" {
		t.Errorf("no code, no project (-want +got):\n%s", diff)
	}
	noStars := base
	noStars.GitHubRepo = "https://github.com/a/b"
	if got := buttons(noStars); len(got) != 4 || got[3].Label != "Code" {
		t.Errorf("code without stars: %v", got)
	}
	// Hugging Face gives some papers their own page as project page.
	dup := base
	dup.ProjectPage = "https://huggingface.co/papers/2608.19880"
	if diff := cmp.Diff(idLinks, buttons(dup)); diff != "" {
		t.Errorf("project page = Hugging Face page (-want +got):\n%s", diff)
	}

	for _, bad := range []string{
		"javascript:alert(1)", "ftp://x.example/repo", "not a url", "//github.com/a/b", "https://", "https://x",
		"https://user:pw@github.com/a", "https://github.com/a b", "https://github.com/a\nb", "https://gïthub.com/a",
		"https://github.com:99999/a", "http://[::1]/", "data:text/html,<b>x</b>", " ", "https://github.com/a|b",
		"https://github.com/<!channel>", "https://github.com/a>b", `https://github.com/a"b`,
		"https://github.com/" + strings.Repeat("a", maxButtonURL),
	} {
		p := base
		p.GitHubRepo, p.GitHubStars, p.ProjectPage = bad, 5, bad
		if diff := cmp.Diff(idLinks, buttons(p)); diff != "" {
			t.Errorf("invalid link %q made a button (-want +got):\n%s", bad, diff)
		}
	}
	longOK := "https://github.com/" + strings.Repeat("a", maxButtonURL-len("https://github.com/"))
	p := base
	p.GitHubRepo = longOK
	if got := buttons(p); len(got) != 4 || got[3].URL != longOK {
		t.Errorf("%d-character URL refused: %d buttons", len(longOK), len(got))
	}

	// Without an arXiv id: no id links and the title is not linked.
	for _, id := range []string{"", "not-an-id", "2608.19880v2", "../../etc/passwd"} {
		m := renderItem(bot.Item{Rank: 1, Paper: bot.Paper{ID: id, Title: "T", GitHubRepo: "javascript:x"}}, "key")
		renderWire(t, m)
		if len(renderButtons(m)) != 0 || strings.Contains(renderTexts(m)[0], "<") || strings.Contains(m.Text, "http") {
			t.Errorf("id %q: %v %q %q", id, renderButtonLabels(m), renderTexts(m)[0], m.Text)
		}
	}
	if got := buttons(bot.Paper{ID: "bad id", ProjectPage: "http://a.example/x"}); len(got) != 1 || got[0].Label != "Project" {
		t.Errorf("only a project page: %v", got)
	}
	// Thumbnails: https only.
	for thumb, want := range map[string]bool{"https://cdn.example/t.png": true, "http://cdn.example/t.png": false, "javascript:x": false} {
		m := renderItem(bot.Item{Rank: 1, Paper: bot.Paper{ID: "2608.19880", Thumbnail: thumb}}, "key")
		if got := renderThumbnail(m) != nil; got != want {
			t.Errorf("thumbnail %q shown: %v", thumb, got)
		}
	}
}

// TestRenderMetadataRoundTrip sends the metadata as slack-go does
// (MsgOptionMetadata) and reads it back from a conversations.history
// answer, as Slack returns it with include_all_metadata.
func TestRenderMetadataRoundTrip(t *testing.T) {
	for _, key := range []string{
		bot.ItemKey(renderChannel, "2608.19880"), bot.HeaderKey(renderChannel, testsupport.SampleDate), "a:\"quoted\" & <odd> ✓",
	} {
		_, values, err := slackgo.UnsafeApplyMsgOptions("token", "C1", "https://slack.example/api/", slackgo.MsgOptionMetadata(*metadataFor(key)))
		if err != nil {
			t.Fatal(err)
		}
		sent := values.Get("metadata")
		history := `{"ok":true,"messages":[` +
			`{"type":"message","ts":"1.1","text":"other"},` +
			`{"type":"message","ts":"1.2","text":"other app","metadata":{"event_type":"deploy","event_payload":{"key":"x"}}},` +
			`{"type":"message","ts":"1.3","text":"ours","metadata":` + sent + `}]}`
		var resp slackgo.GetConversationHistoryResponse
		if err := json.Unmarshal([]byte(history), &resp); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range resp.Messages {
			got = append(got, keyOf(m))
		}
		if diff := cmp.Diff([]string{"", "", key}, got); diff != "" {
			t.Errorf("keys (-want +got):\n%s\nsent %s", diff, sent)
		}
	}
	if want := `{"event_type":"paperboy_delivery","event_payload":{"key":"k"}}`; func() string {
		b, _ := json.Marshal(metadataFor("k"))
		return string(b)
	}() != want {
		t.Errorf("metadata JSON is not %s", want)
	}
}

func TestRenderReplyManyPapers(t *testing.T) {
	var papers []bot.Paper
	for i := range 60 {
		papers = append(papers, bot.Paper{ID: fmt.Sprintf("2608.%05d", 10000+i),
			Title: fmt.Sprintf("Paper %d: %s", i+1, strings.Repeat("a long title & more ", 10)), Upvotes: 60 - i})
	}
	r := renderReply(bot.Reply{Title: "60 papers", Lines: []bot.Line{{bot.Text("Results for "), bot.Code("x")}}, Papers: papers})
	renderWire(t, r)
	if len(r.Blocks) > maxBlocks {
		t.Fatalf("%d blocks", len(r.Blocks))
	}
	texts := renderTexts(r)
	shown := 0
	for _, s := range texts {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, fmt.Sprintf("%d. <https://huggingface.co/papers/", shown+1)) {
				shown++
			}
		}
	}
	if shown == 0 || shown == 60 {
		t.Fatalf("%d papers shown", shown)
	}
	if got, want := texts[len(texts)-1], fmt.Sprintf("… and %d more papers not shown", 60-shown); got != want {
		t.Errorf("last line %q, want %q", got, want)
	}
	if n := blocksSize(r.Blocks); n > maxBlocksJSON || n < maxBlocksJSON-1000 {
		t.Errorf("blocks of %d characters: the budget is %d and should be nearly used", n, maxBlocksJSON)
	}
	if utf8.RuneCountInString(r.Text) > maxText || !strings.HasSuffix(r.Text, "…") {
		t.Errorf("fallback text of %d runes", utf8.RuneCountInString(r.Text))
	}

	// Short titles: the 50-block limit is never the problem, sections hold
	// many lines.
	for i := range papers {
		papers[i].Title = "P"
	}
	r = renderReply(bot.Reply{Papers: papers})
	renderWire(t, r)
	texts = renderTexts(r)
	if len(texts) != 2 || strings.Count(texts[0]+"\n"+texts[1], "\n") != 59 || !strings.HasPrefix(texts[1], fmt.Sprintf("%d. <", strings.Count(texts[0], "\n")+2)) {
		t.Errorf("60 short papers: want them all in 2 sections, got %q", texts)
	}
}

func TestRenderReplyLongText(t *testing.T) {
	var lines []bot.Line
	for i := range 200 {
		lines = append(lines, bot.Line{bot.Bold(fmt.Sprint(i + 1)), bot.Span{Text: " " + strings.Repeat("word & ", 70)}})
	}
	lines = append(lines, bot.Line{bot.Span{Text: strings.Repeat("x", 5000)}})
	r := renderReply(bot.Reply{Title: strings.Repeat("Long title ", 30), Lines: lines, Papers: []bot.Paper{{ID: "2608.19880", Title: "T"}}})
	renderWire(t, r)
	texts := renderTexts(r)
	if _, ok := r.Blocks[0].(*slackgo.SectionBlock); !ok || !strings.HasPrefix(texts[0], "*Long title") {
		t.Errorf("a title over 150 characters is not a bold section: %T %q", r.Blocks[0], texts[0])
	}
	// The note follows the text it cuts short, before the card.
	if note := texts[len(texts)-3]; !regexp.MustCompile(`^… and \d+ more lines not shown$`).MatchString(note) {
		t.Errorf("note %q", note)
	}
	if len(renderButtons(r)) != 3 {
		t.Errorf("the paper card is missing: %v", renderButtonLabels(r))
	}

	// One line longer than a section is cut, without formatting.
	r = renderReply(bot.Reply{Lines: []bot.Line{{bot.Bold("b"), bot.Span{Text: strings.Repeat("y ", 2000)}}}})
	renderWire(t, r)
	if got := renderTexts(r)[0]; utf8.RuneCountInString(got) > maxSectionText || !strings.HasPrefix(got, "by y") || !strings.HasSuffix(got, "…") {
		t.Errorf("long line: %q…", got[:20])
	}
	// Empty.
	r = renderReply(bot.Reply{})
	renderWire(t, r)
	if r.Text != "…" || len(r.Blocks) != 1 {
		t.Errorf("empty reply: %q %d blocks", r.Text, len(r.Blocks))
	}
}

func TestRenderReplyLines(t *testing.T) {
	for _, tc := range []struct {
		line bot.Line
		want string
	}{
		{bot.Line{bot.Code("/papers help"), bot.Text(": what each command does. Example: "), bot.Code("/papers help")},
			"`/papers help`: what each command does. Example: `/papers help`"},
		// Slack formats only at word boundaries: a space makes one (paperboy
		// sends no zero-width space but a defused mention's).
		{bot.Line{bot.Text("a"), bot.Bold("b"), bot.Text("c"), bot.Code("d"), bot.Text("e")},
			"a *b* c `d` e"},
		// Markup never touches a URL; a label that looks like an address
		// is text, followed by its own link.
		{bot.Line{bot.Bold("https://x.org/a_b"), bot.Text(" "), bot.Code("see https://y.org")},
			"<https://x.org/a_b|https://x.org/a_b> see <https://y.org|https://y.org>"},
		{bot.Line{bot.Link("evil.example/login", "https://huggingface.co/papers/2401.00001")},
			"evil.example/login <https://huggingface.co/papers/2401.00001|link>"},
		{bot.Line{bot.Text("("), bot.Bold("b"), bot.Text(")")}, "(*b*)"},
		{bot.Line{bot.Text("  spaced  "), bot.Bold(" bold "), bot.Text(" end ")}, "spaced *bold* end"},
		{bot.Line{bot.Link("Hugging Face", "https://huggingface.co/papers?a=1&b=2"), bot.Text(" and "), bot.Link("bad", "javascript:x")},
			"<https://huggingface.co/papers?a=1&amp;b=2|Hugging Face> and bad"},
		{bot.Line{bot.Code("a`b"), bot.Text(" "), bot.Bold("*x*")}, "`aˋb` *∗x∗*"},
		{bot.Line{bot.Text("> not a quote"), bot.Text(" > b")}, "˃ not a quote &gt; b"},
		{bot.Line{bot.Text(""), bot.Bold("")}, ""},
	} {
		if got := renderLine(tc.line); got != tc.want {
			t.Errorf("renderLine(%+v) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestRenderValidate(t *testing.T) {
	section := func(s string) slackgo.Block {
		return &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(s)}
	}
	button := func(id, label, u string) slackgo.BlockElement {
		return &slackgo.ButtonBlockElement{Type: slackgo.METButton, ActionID: id, Text: plainText(label), URL: u}
	}
	actions := func(els ...slackgo.BlockElement) slackgo.Block {
		return &slackgo.ActionBlock{Type: slackgo.MBTAction, Elements: &slackgo.BlockElements{ElementSet: els}}
	}
	ok := message{Text: "fine", Blocks: []slackgo.Block{section("*<https://huggingface.co/papers?a=1&amp;b=2|x>* &lt;ok&gt;")}}
	if err := ok.validate(); err != nil {
		t.Fatalf("valid message refused: %v", err)
	}
	many := make([]slackgo.Block, 51)
	for i := range many {
		many[i] = section("x")
	}
	img := func(u, alt string) *slackgo.SectionBlock {
		return &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText("x"),
			Accessory: &slackgo.Accessory{ImageElement: slackgo.NewImageBlockElement(u, alt)}}
	}
	for _, tc := range []struct {
		name string
		m    message
		want string
	}{
		{"51 blocks", message{Text: "t", Blocks: many}, "51 blocks"},
		{"long header", message{Text: "t", Blocks: []slackgo.Block{&slackgo.HeaderBlock{Type: slackgo.MBTHeader, Text: plainText(strings.Repeat("h", 151))}}}, "151 characters"},
		{"mrkdwn header", message{Text: "t", Blocks: []slackgo.Block{&slackgo.HeaderBlock{Type: slackgo.MBTHeader, Text: mrkdwnText("h")}}}, "must be plain_text"},
		{"long section", message{Text: "t", Blocks: []slackgo.Block{section(strings.Repeat("s", 3001))}}, "3001 characters"},
		{"not verbatim", message{Text: "t", Blocks: []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection,
			Text: &slackgo.TextBlockObject{Type: slackgo.MarkdownType, Text: "x"}}}}, "verbatim"},
		{"channel ping", message{Text: "t", Blocks: []slackgo.Block{section("hi <!channel>")}}, "unescaped"},
		{"user mention", message{Text: "t", Blocks: []slackgo.Block{section("<@U123>")}}, "unescaped"},
		{"foreign scheme", message{Text: "t", Blocks: []slackgo.Block{section("<javascript:x|click>")}}, "unescaped"},
		{"raw ampersand in link", message{Text: "t", Blocks: []slackgo.Block{section("<https://a.example/?a&b|x>")}}, "link to"},
		{"bare ampersand", message{Text: "t", Blocks: []slackgo.Block{section("R&D")}}, "unescaped"},
		{"text ping", message{Text: "<!here>", Blocks: []slackgo.Block{section("x")}}, "text: unescaped"},
		{"bidi", message{Text: "t", Blocks: []slackgo.Block{section("a\u202eb")}}, "U+202E"},
		{"invalid UTF-8", message{Text: "t", Blocks: []slackgo.Block{section("a\xffb")}}, "not valid UTF-8"},
		{"long text", message{Text: strings.Repeat("t", 3001), Blocks: []slackgo.Block{section("x")}}, "text has 3001"},
		{"empty section", message{Text: "t", Blocks: []slackgo.Block{section("")}}, "empty"},
		{"11 context elements", message{Text: "t", Blocks: []slackgo.Block{&slackgo.ContextBlock{Type: slackgo.MBTContext,
			ContextElements: slackgo.ContextElements{Elements: func() []slackgo.MixedElement {
				var els []slackgo.MixedElement
				for range 11 {
					els = append(els, mrkdwnText("c"))
				}
				return els
			}()}}}}, "11 context elements"},
		{"26 buttons", message{Text: "t", Blocks: []slackgo.Block{actions(func() []slackgo.BlockElement {
			var els []slackgo.BlockElement
			for i := range 26 {
				els = append(els, button(fmt.Sprint(i), "b", "https://a.example/"))
			}
			return els
		}()...)}}, "26 elements"},
		{"long button text", message{Text: "t", Blocks: []slackgo.Block{actions(button("a", strings.Repeat("b", 76), "https://a.example/"))}}, "76 characters"},
		{"bad button url", message{Text: "t", Blocks: []slackgo.Block{actions(button("a", "b", "javascript:alert(1)"))}}, "not an http(s) URL"},
		{"repeated action_id", message{Text: "t", Blocks: []slackgo.Block{actions(button("a", "b", "https://a.example/"), button("a", "c", "https://b.example/"))}}, "repeats"},
		{"long action_id", message{Text: "t", Blocks: []slackgo.Block{actions(button(strings.Repeat("a", 256), "b", "https://a.example/"))}}, "256 characters"},
		{"http image", message{Text: "t", Blocks: []slackgo.Block{img("http://a.example/i.png", "alt")}}, "image_url"},
		{"long alt", message{Text: "t", Blocks: []slackgo.Block{img("https://a.example/i.png", strings.Repeat("a", 2001))}}, "2001 characters"},
		{"long block_id", message{Text: "t", Blocks: []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText("x"), BlockID: strings.Repeat("b", 256)}}}, "256 characters"},
		{"too much JSON", message{Text: "t", Blocks: []slackgo.Block{section(strings.Repeat("&amp;", 600)), section(strings.Repeat("&amp;", 600))}}, "characters of JSON"},
		{"other block", message{Text: "t", Blocks: []slackgo.Block{slackgo.NewDividerBlock()}}, "does not send"},
		{"metadata without key", message{Text: "t", Blocks: []slackgo.Block{section("x")}, Metadata: metadataFor("")}, "without a key"},
		{"empty", message{}, "empty"},
	} {
		err := tc.m.validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: validate() = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// FuzzRenderItem renders a paper of untrusted fields and checks that Slack
// would take it and that nothing in it is active.
func FuzzRenderItem(f *testing.F) {
	h := renderHostilePaper()
	f.Add(h.Title, h.Abstract, "", renderAuthor, h.GitHubRepo, h.ProjectPage)
	f.Add("EnvHarness: Awakening Static Worlds", "An abstract. Second sentence.", "A summary.", "Chen-Yu Lee", "", "")
	f.Add(strings.Repeat("👨‍👩‍👧‍👦", 100), strings.Repeat("深度学习 ", 3000), strings.Repeat("_*", 400), strings.Repeat("@", 2000), "javascript:alert(1)", "https://x")
	f.Add("\xff\xfe", "\u202E\x00", "<@1>", "\\", "https://github.com/"+strings.Repeat("&", 2980), "http://[::1]:80/")
	f.Add("https://x.example<@1>", "> quote :fire: @here", "`code` ```", "> x", "https://github.com/a/b_c", "HTTPS://EXAMPLE.COM/")
	f.Fuzz(func(t *testing.T, title, abstract, aiSummary, author, repo, project string) {
		p := bot.Paper{
			ID: "2608.19880", Title: title, Abstract: abstract, AISummary: aiSummary,
			Authors: []string{author, "Second Author", author + author}, Upvotes: 3, Comments: 1,
			GitHubRepo: repo, GitHubStars: len(repo) * 997, ProjectPage: project, OrgFullName: author,
			Thumbnail: project,
		}
		for _, m := range []message{
			renderItem(bot.Item{Rank: 7, Paper: p}, bot.ItemKey(renderChannel, p.ID)),
			renderReply(bot.Reply{Title: title, Lines: []bot.Line{{bot.Span{Text: abstract}, bot.Bold(author), bot.Code(aiSummary), bot.Link(title, project)}}, Papers: []bot.Paper{p}}),
			renderReply(bot.Reply{Title: author, Papers: []bot.Paper{p, p, p}}),
		} {
			if err := m.validate(); err != nil {
				t.Fatal(err)
			}
			wire := blocksJSON(m)
			if !utf8.Valid(wire) || !json.Valid(wire) {
				t.Fatalf("blocks are not valid JSON: %q", wire)
			}
			for _, s := range append(renderTexts(m), m.Text) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8: %q", s)
				}
				// Only the bot's links may use "<": links to Hugging Face and
				// to the project page given in the span.
				rest := botLinkRe.ReplaceAllStringFunc(s, func(link string) string {
					sub := botLinkRe.FindStringSubmatch(link)
					u := strings.ReplaceAll(sub[1], "&amp;", "&")
					if strings.HasPrefix(u, "https://huggingface.co/papers/2608.19880") || u == project || sameURL(readLabel(sub[2]), u) {
						return ""
					}
					return link
				})
				if strings.ContainsAny(entities.Replace(rest), "<>&") {
					t.Fatalf("unescaped text in %q", s)
				}
			}
			for _, b := range renderButtons(m) {
				if _, err := url.Parse(b.URL); err != nil || (b.URL != strings.TrimSpace(repo) && b.URL != strings.TrimSpace(project) && !strings.Contains(b.URL, "2608.19880")) {
					t.Fatalf("button to %q", b.URL)
				}
			}
		}
		// The title reads as written when it is not cut.
		m := renderItem(bot.Item{Rank: 7, Paper: p}, "k")
		head, _, _ := strings.Cut(renderTexts(m)[0], "\n")
		head = strings.TrimSuffix(head, " <https://huggingface.co/papers/2608.19880|Hugging Face>")
		visible := renderVisible(strings.TrimSuffix(strings.TrimPrefix(head, "*7. "), "*"))
		if clean := cleanText(title); clean != "" && !strings.HasSuffix(visible, "…") && !escapeHasLookAlike(title) && visible != clean {
			t.Fatalf("title %q shows %q", title, visible)
		}
	})
}

// Slack's validLink is bot.ValidLink and more: it refuses what mrkdwn's
// <url|label> cannot hold (Discord's does not need to).
func TestValidLinkRefusesMrkdwnCharacters(t *testing.T) {
	for _, u := range []string{"https://example.org/a|b", "https://example.org/<b>", "https://example.org/a\"b", "https://example.org/{x}",
		"https://example.org/a^b", "https://example.org/a\\b", "https://example.org/a`b"} {
		if !bot.ValidLink(u, maxButtonURL, false) || validLink(u, maxButtonURL, false) {
			t.Errorf("%q: bot.ValidLink %v, validLink %v; want true, false", u, bot.ValidLink(u, maxButtonURL, false), validLink(u, maxButtonURL, false))
		}
	}
	if !validLink("https://example.org/a?b=1&c=2#d", maxButtonURL, false) {
		t.Error("an ordinary URL refused")
	}
}

// renderItem renders one paper's card as a digest item, as
// renderThreadItem does for any item but a thread's last.
func renderItem(it bot.Item, key string) message { return renderThreadItem(nil, it, key) }

// itemText is the fallback text of a paper: "3. Title https://…".
func itemText(p bot.Paper, rank int) string { return itemTextWithin(p, rank, maxText) }

// blocksJSON is the JSON of m's blocks exactly as slack-go sends it
// (chat.postMessage's blocks parameter is json.Marshal of the blocks).
func blocksJSON(m message) []byte {
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		return nil
	}
	return b
}
