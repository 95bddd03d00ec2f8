package discord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

var renderChannel = bot.ChannelRef{Platform: "discord", ID: "1300000000000000001"}

// renderGolden compares v, as testsupport.JSON writes it, with
// testdata/render/name (rewritten with -update).
func renderGolden(t *testing.T, name string, v any) {
	t.Helper()
	testsupport.Golden(t, filepath.Join("testdata", "render", name), testsupport.JSON(t, v))
}

// renderWire marshals m as the adapter sends it (discordgo.Marshal is
// encoding/json) and checks what must hold for every message.
func renderWire(t testing.TB, m createMessage) string {
	t.Helper()
	if err := m.validate(); err != nil {
		t.Fatal(err)
	}
	b, err := discordgo.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, renderNoMentionsJSON) {
		t.Fatalf("payload lacks %s: %s", renderNoMentionsJSON, s)
	}
	return s
}

// renderNoMentionsJSON is how every payload must say "mention nobody".
// discordgo's MessageAllowedMentions always writes replied_user (no
// omitempty), so the object is not literally {"parse":[]}; false is what
// Discord assumes anyway, and roles and users must be absent.
const renderNoMentionsJSON = `"allowed_mentions":{"parse":[],"replied_user":false}`

// renderStrings returns every string of m's embeds, labelled.
func renderStrings(m createMessage) map[string]string {
	out := map[string]string{"content": m.Content, "nonce": m.Nonce}
	for i, e := range m.Embeds {
		at := fmt.Sprintf("embed %d ", i)
		out[at+"title"], out[at+"description"], out[at+"url"] = e.Title, e.Description, e.URL
		for _, f := range e.Fields {
			out[at+"field "+f.Name] = f.Value
		}
		if e.Footer != nil {
			out[at+"footer"] = e.Footer.Text
		}
		if e.Thumbnail != nil {
			out[at+"thumbnail"] = e.Thumbnail.URL
		}
	}
	for i, b := range renderButtons(m) {
		out[fmt.Sprintf("button %d label", i)], out[fmt.Sprintf("button %d url", i)] = b.Label, b.URL
	}
	return out
}

func renderButtons(m createMessage) []discordgo.Button {
	var out []discordgo.Button
	for _, c := range m.Components {
		for _, b := range c.(discordgo.ActionsRow).Components {
			out = append(out, b.(discordgo.Button))
		}
	}
	return out
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

	// No code, no project page, no thumbnail, no ai_summary: the summary
	// is the abstract's first sentences. The real paper has a thumbnail
	// and an ai_summary; they are removed here.
	minimal := testsupport.FindItem(t, d, "2608.13120")
	minimal.Paper.Thumbnail, minimal.Paper.AISummary = "", ""
	minimalMsg := renderItem(minimal, bot.ItemKey(renderChannel, minimal.Paper.ID))
	renderWire(t, minimalMsg)
	renderGolden(t, "item_minimal.json", minimalMsg)

	// The whole day as it would be posted, for review.
	all := []createMessage{header}
	for _, it := range d.Items {
		m := renderItem(it, bot.ItemKey(renderChannel, it.Paper.ID))
		renderWire(t, m)
		all = append(all, m)
	}
	renderGolden(t, "digest.json", all)

	// What a reader sees on the two cards.
	for _, tc := range []struct {
		msg     createMessage
		title   string
		desc    string
		buttons []string
		fields  []string
	}{
		{fullMsg, "1. EnvHarness: Awakening Static Worlds for Agent Learning",
			"EnvHarness and EnvRigger dynamically reshape static environments via programmable plugins to target agent weaknesses and improve reinforcement learning co-evolution.",
			[]string{"Hugging Face", "arXiv", "PDF", "Code ★ 8", "Project"},
			[]string{"Authors=Chengsong Huang, Zifeng Wang, Rujun Han et al.", "Upvotes=163", "Comments=1", "Organization=Google"}},
		{minimalMsg, fmt.Sprintf("%d. %s", minimal.Rank, minimal.Paper.Title),
			bot.FirstSentences(minimal.Paper.Abstract, bot.SummaryLen),
			[]string{"Hugging Face", "arXiv", "PDF"}, nil},
	} {
		e := tc.msg.Embeds[0]
		if v, _ := mdView(e.Title); v != tc.title {
			t.Errorf("title shows %q, want %q", v, tc.title)
		}
		if v, _ := mdView(e.Description); v != tc.desc {
			t.Errorf("description shows %q, want %q", v, tc.desc)
		}
		var labels []string
		for _, b := range renderButtons(tc.msg) {
			labels = append(labels, b.Label)
		}
		if diff := cmp.Diff(tc.buttons, labels); diff != "" {
			t.Errorf("buttons (-want +got):\n%s", diff)
		}
		if tc.fields != nil {
			var fields []string
			for _, f := range e.Fields {
				v, _ := mdView(f.Value)
				fields = append(fields, f.Name+"="+v)
			}
			if diff := cmp.Diff(tc.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		}
	}
	if fullMsg.Embeds[0].Thumbnail == nil || minimalMsg.Embeds[0].Thumbnail != nil {
		t.Error("thumbnail: want one on the full card and none on the minimal one")
	}
	if d := minimalMsg.Embeds[0].Description; !strings.HasSuffix(d, ".") || bot.Length(d) > bot.SummaryLen {
		t.Errorf("minimal description is not whole sentences within %d runes: %q", bot.SummaryLen, d)
	}
}

func TestRenderHeader(t *testing.T) {
	d := testsupport.SampleDigest(t)
	key := bot.HeaderKey(renderChannel, d.ListDate)
	m := renderHeader(d, key)
	renderWire(t, m)
	if len(m.Embeds) != 1 || m.Content != "" || len(m.Components) != 0 {
		t.Fatalf("want exactly one embed, got %+v", m)
	}
	e := m.Embeds[0]
	for what, tc := range map[string][2]string{
		"title":  {e.Title, "Daily Papers · Fri 21 Aug 2026 · 17 papers"},
		"url":    {e.URL, "https://huggingface.co/papers/date/2026-08-21"},
		"footer": {e.Footer.Text, "paperboy · " + refFor(key)},
		"nonce":  {m.Nonce, nonceFor(key)},
	} {
		if tc[0] != tc[1] {
			t.Errorf("%s = %q, want %q", what, tc[0], tc[1])
		}
	}
	if !m.EnforceNonce || e.Color != 0xFFD21E || e.Description == "" || strings.Contains(e.Description, "\n") {
		t.Errorf("header: enforce_nonce %v, colour %#x, description %q", m.EnforceNonce, e.Color, e.Description)
	}

	// One paper, and no date (never expected, but still a valid message).
	one := &bot.Digest{Items: d.Items[:1]}
	m = renderHeader(one, "k")
	renderWire(t, m)
	if got := m.Embeds[0].URL; got != "https://huggingface.co/papers" {
		t.Errorf("undated header links to %q", got)
	}
	if got := m.Embeds[0].Title; !strings.HasSuffix(got, "· 1 paper") {
		t.Errorf("title %q", got)
	}
}

func TestRenderThreadName(t *testing.T) {
	d := testsupport.SampleDigest(t)
	if got, want := threadName(d), "Daily Papers · Fri 21 Aug 2026"; got != want {
		t.Errorf("threadName = %q, want %q", got, want)
	}
	d.ListDate = bot.Date{Year: 2026, Month: 9, Day: 30}
	if got := threadName(d); bot.Length(got) > 100 || got != "Daily Papers · Wed 30 Sep 2026" {
		t.Errorf("threadName = %q", got)
	}
}

// renderHostilePaper has every untrusted field set to something that would
// render, ping or mislead if sent as it is.
func renderHostilePaper() bot.Paper {
	return bot.Paper{
		ID:    "2608.19880",
		Title: "# Heading @everyone <@123456789012345678> [click](https://evil.example) **bold** `code` ~~x~~ ||spoiler|| \\ \u202Eevil\u202C",
		Abstract: "- list item @here <@&1> <#1> <t:1:R> <:x:1> [click](https://evil.example). " +
			"> quote **bold** __u__ `code` ~~x~~ ||spoiler|| \\ zero\u200bwidth \x00\x1b[0m\u0085done.",
		Authors: []string{
			"@everyone", "<@123456789012345678>", "[click](https://evil.example)", "**Bold** Author",
		},
		Upvotes: 5, Comments: 2,
		OrgFullName: "> Org <@&1> ||x||",
		GitHubRepo:  "javascript:alert(1)",
		ProjectPage: "https://example.org/project_page",
		Thumbnail:   "http://insecure.example/t.png",
	}
}

func TestRenderHostileText(t *testing.T) {
	p := renderHostilePaper()
	for _, summary := range []string{"", "> @here **x** [a](https://evil.example) <@1> # no"} {
		p.AISummary = summary
		m := renderItem(bot.Item{Rank: 1, Paper: p}, bot.ItemKey(renderChannel, p.ID))
		wire := renderWire(t, m)

		// The same payload without JSON's HTML escaping of "<", as a
		// reader of the JSON would search it.
		plain := string(testsupport.JSON(t, m))
		for _, bad := range []string{"[click](", "**", "||", "~~", "``", "@everyone", "@here", "\u202E", "\\u0000", "\\u001b"} {
			if strings.Contains(plain, bad) || strings.Contains(wire, bad) {
				t.Errorf("payload contains %q:\n%s", bad, plain)
			}
		}
		// The only "<" left unescaped opens a link without preview.
		for what, s := range renderStrings(m) {
			for i := 0; i < len(s); i++ {
				if s[i] == '<' && trailingBackslashes(s[:i])%2 == 0 && !mdAutolink.MatchString(s[i:]) {
					t.Errorf("%s: unescaped < in %q", what, s)
				}
			}
		}
		// The masked links of the paper are text; their URLs are links.
		for _, s := range []string{m.Embeds[0].Title, m.Embeds[0].Description} {
			if _, _, links := mdParse(s); len(links) == 0 || links[0] != "https://evil.example" {
				t.Errorf("%q links %v, want https://evil.example as a link of its own", s, links)
			}
		}

		e := m.Embeds[0]
		checks := []struct{ what, got, raw string }{
			{"title", strings.TrimPrefix(e.Title, "1. "), p.Title},
			{"description", e.Description, bot.Summary(bot.Paper{AISummary: p.AISummary, Abstract: p.Abstract}, bot.SummaryLen)},
			{"authors", e.Fields[0].Value, bot.ShortAuthors(p.Authors, 3)},
			{"organization", e.Fields[3].Value, p.OrgFullName},
		}
		for _, c := range checks {
			visible, active := mdView(c.got)
			if want := wantVisible(c.raw); visible != want {
				t.Errorf("%s: Discord shows %q\nwant %q\n(sent %q)", c.what, visible, want, c.got)
			}
			if len(active) > 0 {
				t.Errorf("%s %q still renders %v", c.what, c.got, active)
			}
		}
		if e.Thumbnail != nil {
			t.Errorf("http thumbnail kept: %q", e.Thumbnail.URL)
		}
		var labels []string
		for _, b := range renderButtons(m) {
			labels = append(labels, b.Label)
		}
		if diff := cmp.Diff([]string{"Hugging Face", "arXiv", "PDF", "Project"}, labels); diff != "" {
			t.Errorf("buttons (-want +got):\n%s", diff)
		}
	}
}

func TestRenderLongPaper(t *testing.T) {
	var abstract strings.Builder
	for i := 0; abstract.Len() < 10_000; i++ {
		fmt.Fprintf(&abstract, "word%d and_more ", i) // no sentence end anywhere
	}
	var title strings.Builder
	for i := 0; title.Len() < 600; i++ {
		fmt.Fprintf(&title, "Title%d ", i)
	}
	authors := make([]string, 700)
	for i := range authors {
		authors[i] = fmt.Sprintf("Author %03d", i)
	}
	p := bot.Paper{
		ID: "2608.19880", Title: strings.TrimSpace(title.String()), Abstract: strings.TrimSpace(abstract.String()),
		Authors: authors, Upvotes: 1,
	}
	m := renderItem(bot.Item{Rank: 12, Paper: p}, "k")
	renderWire(t, m)
	for what, s := range renderStrings(m) {
		if !utf8.ValidString(s) {
			t.Errorf("%s is invalid UTF-8", what)
		}
	}
	e := m.Embeds[0]

	if n := bot.Length(e.Title); n > 256 {
		t.Errorf("title has %d runes", n)
	}
	visible, _ := mdView(strings.TrimPrefix(e.Title, "12. "))
	assertWordCut(t, "title", visible, p.Title, 256)

	visible, _ = mdView(e.Description)
	assertWordCut(t, "description", visible, p.Abstract, bot.SummaryLen)
	if n := bot.Length(e.Description); n > 2*bot.SummaryLen {
		t.Errorf("description has %d runes, escapes included", n)
	}
	if got := e.Fields[0].Value; got != "Author 000, Author 001, Author 002 et al." {
		t.Errorf("authors = %q", got)
	}

	// A title of nothing but markdown: every character escaped.
	p.Title = strings.Repeat("_*", 300)
	m = renderItem(bot.Item{Rank: 1, Paper: p}, "k")
	renderWire(t, m)
	if n := bot.Length(m.Embeds[0].Title); n > 256 || n < 240 {
		t.Errorf("markdown title has %d runes: %q", n, m.Embeds[0].Title)
	}
}

// assertWordCut checks that visible is raw cut on a word boundary with "…",
// within max runes.
func assertWordCut(t *testing.T, what, visible, raw string, max int) {
	t.Helper()
	if n := bot.Length(visible); n > max {
		t.Errorf("%s shows %d runes (max %d)", what, n, max)
	}
	head, cut := strings.CutSuffix(visible, "…")
	if !cut {
		t.Fatalf("%s not cut with …: %q", what, visible)
	}
	if !strings.HasPrefix(raw, head) || !strings.HasPrefix(raw[len(head):], " ") {
		t.Errorf("%s not cut on a word boundary: %q", what, visible)
	}
	if bot.Length(head) < max/2 {
		t.Errorf("%s cut too short: %q", what, visible)
	}
}

func TestRenderMultibyteTitles(t *testing.T) {
	for _, unit := range []string{"👨‍👩‍👧‍👦", "🇩🇪", "👍🏽", "深", "e\u0301", "_👩‍💻", "a\u0308\u0301 ", "\U0001D400", "𠀀 "} {
		for k := 1; k < 300; k += 7 {
			p := bot.Paper{ID: "2608.19880", Title: strings.Repeat(unit, k)}
			m := renderItem(bot.Item{Rank: 3, Paper: p}, "k")
			renderWire(t, m)
			title := m.Embeds[0].Title
			if !utf8.ValidString(title) || trailingBackslashes(title)%2 != 0 {
				t.Fatalf("%d × %q: title %q", k, unit, title)
			}
			visible, active := mdView(strings.TrimPrefix(title, "3. "))
			if len(active) > 0 {
				t.Fatalf("%d × %q: renders %v", k, unit, active)
			}
			head := strings.TrimSuffix(visible, "…")
			want := wantVisible(p.Title)
			if !strings.HasPrefix(want, head) {
				t.Fatalf("%d × %q: %q is not a start of the title", k, unit, head)
			}
			if r, _ := utf8.DecodeRuneInString(want[len(head):]); extendsBefore(r) {
				t.Fatalf("%d × %q: cut inside a character: %q", k, unit, title)
			}
		}
	}
}

func TestRenderLinkButtons(t *testing.T) {
	base := bot.Paper{ID: "2608.19880"}
	type button struct{ Label, URL string }
	buttons := func(p bot.Paper) []button {
		var out []button
		rows := linkButtons(p)
		if rows != nil && len(rows) != 1 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			for _, c := range r.(discordgo.ActionsRow).Components {
				b := c.(discordgo.Button)
				if b.Style != discordgo.LinkButton || b.CustomID != "" {
					t.Fatalf("not a link button: %+v", b)
				}
				out = append(out, button{b.Label, b.URL})
			}
		}
		return out
	}
	idLinks := []button{
		{"Hugging Face", "https://huggingface.co/papers/2608.19880"},
		{"arXiv", "https://arxiv.org/abs/2608.19880"},
		{"PDF", "https://arxiv.org/pdf/2608.19880"},
	}

	full := base
	full.GitHubRepo, full.GitHubStars, full.ProjectPage = "https://github.com/a/b", 1234, "https://a.github.io/b/"
	if diff := cmp.Diff(append(idLinks[:3:3], button{"Code ★ 1.2k", "https://github.com/a/b"}, button{"Project", "https://a.github.io/b/"}), buttons(full)); diff != "" {
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
		"javascript:alert(1)", "ftp://x.example/repo", "not a url", "https://" + strings.Repeat("a", 600) + ".example",
		"https://github.com/" + strings.Repeat("a", 500), "//github.com/a/b", "https://", "https://x", "https://user:pw@github.com/a",
		"https://github.com/a b", "https://github.com/a\nb", "https://gïthub.com/a", "https://github.com:99999/a", "http://[::1]/",
		"data:text/html,<b>x</b>", " ",
	} {
		p := base
		p.GitHubRepo, p.GitHubStars, p.ProjectPage = bad, 5, bad
		if diff := cmp.Diff(idLinks, buttons(p)); diff != "" {
			t.Errorf("invalid link %q made a button (-want +got):\n%s", bad, diff)
		}
	}
	longOK := "https://github.com/" + strings.Repeat("a", 512-len("https://github.com/"))
	p := base
	p.GitHubRepo = longOK
	if got := buttons(p); len(got) != 4 {
		t.Errorf("512-character URL refused: %v", got)
	}

	// No valid id and no valid link: no row at all.
	for _, id := range []string{"", "not-an-id", "2608.19880v2", "../../etc/passwd"} {
		if rows := linkButtons(bot.Paper{ID: id, GitHubRepo: "javascript:x"}); rows != nil {
			t.Errorf("id %q: want no row, got %v", id, rows)
		}
	}
	if got := buttons(bot.Paper{ID: "bad id", ProjectPage: "http://a.example/x"}); len(got) != 1 || got[0].Label != "Project" {
		t.Errorf("only a project page: %v", got)
	}
}

func TestRenderNonce(t *testing.T) {
	seen := make(map[string]string, 100_000)
	for i := 0; i < 100_000; i++ {
		key := bot.ItemKey(bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(1_300_000_000_000_000_000 + i%97)}, fmt.Sprintf("2608.%05d", i))
		n := nonceFor(key)
		if len(n) > 25 || !strings.HasPrefix(n, "pb") {
			t.Fatalf("nonceFor(%q) = %q", key, n)
		}
		if nonceFor(key) != n {
			t.Fatalf("nonceFor(%q) not deterministic", key)
		}
		if other, ok := seen[n]; ok {
			t.Fatalf("nonceFor(%q) = nonceFor(%q) = %q", key, other, n)
		}
		seen[n] = key
	}
	// Pinned ("pb" + the first 23 hex digits of SHA-256): a ref changed by
	// an upgrade would keep a restarted bot from finding the messages it
	// posted before, and it would post them twice.
	if got, want := nonceFor("h:discord:1:2026-08-21"), "pb2468a542acea3adb6bca542"; got != want {
		t.Errorf("nonceFor = %q, want %q", got, want)
	}
}

func TestRenderRefRoundTrip(t *testing.T) {
	d := testsupport.SampleDigest(t)
	key := bot.ItemKey(renderChannel, d.Items[0].Paper.ID)
	hkey := bot.HeaderKey(renderChannel, d.ListDate)
	for k, m := range map[string]createMessage{key: renderItem(d.Items[0], key), hkey: renderHeader(d, hkey)} {
		// As Discord returns the message: JSON decoded into discordgo's type.
		var msg discordgo.Message
		if err := json.Unmarshal([]byte(renderWire(t, m)), &msg); err != nil {
			t.Fatal(err)
		}
		if got := refOf(&msg); got != refFor(k) {
			t.Errorf("refOf = %q, want %q", got, refFor(k))
		}
	}
	if got := refOf(&discordgo.Message{Embeds: []*discordgo.MessageEmbed{{Title: refFor("x")}, {Footer: &discordgo.MessageEmbedFooter{Text: "other"}}}}); got != "" {
		t.Errorf("ref found outside footers: %q", got)
	}
	if got := refOf(&discordgo.Message{Content: refFor("x")}); got != "" {
		t.Errorf("ref found in content: %q", got)
	}
	if refOf(nil) != "" || refFor("a") == refFor("b") {
		t.Error("refOf(nil) or refFor collision")
	}
}

func TestRenderValidate(t *testing.T) {
	ok := func() createMessage {
		return renderItem(testsupport.FindItem(t, testsupport.SampleDigest(t), "2608.19880"), "k")
	}
	if err := ok().validate(); err != nil {
		t.Fatal(err)
	}
	// Runes, not bytes: 2000 three-byte characters are fine.
	m := ok()
	m.Content = strings.Repeat("深", 2000)
	if err := m.validate(); err != nil {
		t.Errorf("2000-rune content: %v", err)
	}
	// UTF-16 units, not code points: 1000 astral characters are 2000.
	m = ok()
	m.Content, m.Embeds[0].Title = strings.Repeat("🧪", 1000), strings.Repeat("\U0001D400", 128)
	if err := m.validate(); err != nil {
		t.Errorf("content and title of astral characters at the limits: %v", err)
	}
	fields := func(n int) []*discordgo.MessageEmbedField {
		var fs []*discordgo.MessageEmbedField
		for i := 0; i < n; i++ {
			fs = append(fs, &discordgo.MessageEmbedField{Name: "n", Value: "v"})
		}
		return fs
	}
	buttons := func(n int) []discordgo.MessageComponent {
		var bs []discordgo.MessageComponent
		for i := 0; i < n; i++ {
			bs = append(bs, discordgo.Button{Label: "x", Style: discordgo.LinkButton, URL: "https://a.example/"})
		}
		return bs
	}
	row := func(bs ...discordgo.MessageComponent) []discordgo.MessageComponent {
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: bs}}
	}
	tests := []struct {
		name   string
		change func(m *createMessage)
		want   string
	}{
		{"no allowed_mentions", func(m *createMessage) { m.AllowedMentions = nil }, "allowed_mentions is missing"},
		{"nil parse", func(m *createMessage) { m.AllowedMentions.Parse = nil }, `"parse": []`},
		{"parse everyone", func(m *createMessage) {
			m.AllowedMentions.Parse = []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone}
		}, `"parse": []`},
		{"content", func(m *createMessage) { m.Content = strings.Repeat("a", 2001) }, "content has 2001 characters"},
		{"11 embeds", func(m *createMessage) {
			for len(m.Embeds) < 11 {
				m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Title: "x"})
			}
		}, "11 embeds"},
		{"title", func(m *createMessage) { m.Embeds[0].Title = strings.Repeat("é", 257) }, "title has 257"},
		{"astral title", func(m *createMessage) { m.Embeds[0].Title = strings.Repeat("\U0001D400", 128) + "a" }, "title has 257"},
		{"astral content", func(m *createMessage) { m.Content = strings.Repeat("🧪", 1000) + "a" }, "content has 2001"},
		{"astral label", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: strings.Repeat("🧪", 40) + "a", Style: discordgo.LinkButton, URL: "https://a.example/"})
		}, "label has 81"},
		{"astral total", func(m *createMessage) {
			m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Description: strings.Repeat("🧪", 2000)},
				&discordgo.MessageEmbed{Description: strings.Repeat("🧪", 1000)})
		}, "characters in all"},
		{"description", func(m *createMessage) { m.Embeds[0].Description = strings.Repeat("a", 4097) }, "description has 4097"},
		{"26 fields", func(m *createMessage) { m.Embeds[0].Fields = fields(26) }, "26 fields"},
		{"field name", func(m *createMessage) { m.Embeds[0].Fields[0].Name = strings.Repeat("a", 257) }, "name has 257"},
		{"field value", func(m *createMessage) { m.Embeds[0].Fields[0].Value = strings.Repeat("a", 1025) }, "value has 1025"},
		{"empty field value", func(m *createMessage) { m.Embeds[0].Fields[1].Value = " " }, "value is empty"},
		{"empty field name", func(m *createMessage) { m.Embeds[0].Fields[1].Name = "" }, "name is empty"},
		{"footer", func(m *createMessage) { m.Embeds[0].Footer.Text = strings.Repeat("a", 2049) }, "footer has 2049"},
		{"author", func(m *createMessage) {
			m.Embeds[0].Author = &discordgo.MessageEmbedAuthor{Name: strings.Repeat("a", 257)}
		}, "author has 257"},
		{"total 6000", func(m *createMessage) {
			m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Description: strings.Repeat("a", 4000)},
				&discordgo.MessageEmbed{Description: strings.Repeat("a", 2000)})
		}, "characters in all"},
		{"invalid UTF-8", func(m *createMessage) { m.Embeds[0].Description = "a\xffb" }, "not valid UTF-8"},
		{"bad embed url", func(m *createMessage) { m.Embeds[0].URL = "javascript:alert(1)" }, "url"},
		{"bad thumbnail", func(m *createMessage) { m.Embeds[0].Thumbnail.URL = "not a url" }, "thumbnail"},
		{"6 rows", func(m *createMessage) {
			for len(m.Components) < 6 {
				m.Components = append(m.Components, row(buttons(1)...)...)
			}
		}, "6 action rows"},
		{"6 buttons", func(m *createMessage) { m.Components = row(buttons(6)...) }, "6 components"},
		{"empty row", func(m *createMessage) { m.Components = row() }, "0 components"},
		{"custom_id on a link", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: "x", Style: discordgo.LinkButton, URL: "https://a.example/", CustomID: "c"})
		}, "custom_id"},
		{"link without URL", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: "x", Style: discordgo.LinkButton})
		}, "not a valid http(s) URL"},
		{"button URL 513", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: "x", Style: discordgo.LinkButton, URL: "https://a.example/" + strings.Repeat("a", 513-18)})
		}, "at most 512"},
		{"label 81", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: strings.Repeat("é", 81), Style: discordgo.LinkButton, URL: "https://a.example/"})
		}, "label has 81"},
		{"empty label", func(m *createMessage) {
			m.Components = row(discordgo.Button{Style: discordgo.LinkButton, URL: "https://a.example/"})
		}, "no label"},
		{"button without custom_id", func(m *createMessage) {
			m.Components = row(discordgo.Button{Label: "x", Style: discordgo.PrimaryButton})
		}, "custom_id has 0"},
		{"not a row", func(m *createMessage) { m.Components = buttons(1) }, "not an action row"},
		{"nonce 26", func(m *createMessage) { m.Nonce = strings.Repeat("a", 26) }, "nonce has 26"},
		{"enforce without nonce", func(m *createMessage) { m.Nonce = "" }, "enforce_nonce without a nonce"},
		{"ephemeral flag", func(m *createMessage) { m.Flags = discordgo.MessageFlagsEphemeral }, "flags"},
		{"empty message", func(m *createMessage) { m.Embeds, m.Components = nil, nil }, "message is empty"},
	}
	for _, tt := range tests {
		m := ok()
		tt.change(&m)
		err := m.validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: validate() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	// A non-link button with a custom_id (search paging) is fine.
	m = ok()
	m.Components = row(discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "papers:next:2"})
	if err := m.validate(); err != nil {
		t.Errorf("paging button: %v", err)
	}
}

func FuzzRenderItem(f *testing.F) {
	h := renderHostilePaper()
	f.Add(h.Title, h.Abstract, "", h.Authors[0], "https://github.com/a/b", "https://a.github.io/")
	f.Add("EnvHarness: Awakening Static Worlds", "An abstract. Second sentence.", "A summary.", "Chen-Yu Lee", "", "")
	f.Add(strings.Repeat("👨‍👩‍👧‍👦", 100), strings.Repeat("深度学习 ", 3000), strings.Repeat("_*", 400), strings.Repeat("@", 2000), "javascript:alert(1)", "https://x")
	f.Add("\xff\xfe", "\u202E\x00", "<@1>", "\\", "https://github.com/"+strings.Repeat("a", 600), "http://[::1]:80/")
	f.Add("https://x.example<@1>", "http://_ <#1>", "[a](https://b.example)", "> x", "https://github.com/a/b_c", "HTTPS://EXAMPLE.COM/")
	f.Fuzz(func(t *testing.T, title, abstract, aiSummary, author, repo, project string) {
		p := bot.Paper{
			ID: "2608.19880", Title: title, Abstract: abstract, AISummary: aiSummary,
			Authors: []string{author, "Second Author", author + author}, Upvotes: 3, Comments: 1,
			GitHubRepo: repo, GitHubStars: len(repo) * 997, ProjectPage: project, OrgFullName: author,
			Thumbnail: project,
		}
		m := renderItem(bot.Item{Rank: 7, Paper: p}, title)
		if err := m.validate(); err != nil {
			t.Fatal(err)
		}
		for what, s := range renderStrings(m) {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is invalid UTF-8: %q", what, s)
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(renderNoMentionsJSON)) {
			t.Fatalf("no empty allowed_mentions: %s", b)
		}
		e := m.Embeds[0]
		texts := []string{strings.TrimPrefix(e.Title, "7. "), e.Description}
		for _, f := range e.Fields {
			texts = append(texts, f.Value)
		}
		for _, s := range texts {
			if _, active := mdView(s); len(active) > 0 {
				t.Fatalf("%q renders %v", s, active)
			}
		}
		if visible, _ := mdView(strings.TrimPrefix(e.Title, "7. ")); !strings.HasSuffix(visible, "…") && bot.CleanText(title) != "" && visible != wantVisible(title) {
			t.Fatalf("title %q shows %q, want %q", title, visible, wantVisible(title))
		}
	})
}
