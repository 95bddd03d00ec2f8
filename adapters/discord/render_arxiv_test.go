package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// arxivMasked is a masked link as paperboy writes one: [label](<url>).
// Its label holds no backslash: an escaped bracket opens no link.
var arxivMasked = regexp.MustCompile(`\[([^\[\]\\]*)\]\(<(https://[^<>()\s]+)>\)`)

// arxivView is what a reader sees of text with paperboy's masked links:
// each shown as its label (the label and the rest read through mdView),
// the links' targets, and whatever markdown would still be active.
func arxivView(s string) (visible string, links, active []string) {
	rest := arxivMasked.ReplaceAllStringFunc(s, func(l string) string {
		m := arxivMasked.FindStringSubmatch(l)
		links = append(links, m[2])
		return m[1]
	})
	visible, active = mdView(rest)
	return visible, links, active
}

func TestRenderArxivHeader(t *testing.T) {
	d := testsupport.ArxivDigest([]string{"cs.LG"}, 10, 241)
	key := bot.HeaderKey(renderChannel, d.ListDate)
	m := renderHeader(d, key)
	wire := renderWire(t, m)
	if len(m.Embeds) != 1 || m.Content != "" || len(m.Components) != 0 {
		t.Fatalf("want exactly one embed, got %+v", m)
	}
	e := m.Embeds[0]
	for what, tc := range map[string][2]string{
		"title":       {e.Title, "arXiv cs.LG · Tue 8 Dec 2026 · 10 of 241 new papers"},
		"url":         {e.URL, "https://arxiv.org/list/cs.LG/new"},
		"description": {e.Description, "10 of 241 new papers in [cs.LG](<https://arxiv.org/list/cs.LG/new>), announced Tue 8 Dec: one card per paper in the thread below."},
		"footer":      {e.Footer.Text, "paperboy · " + refFor(key)},
		"nonce":       {m.Nonce, nonceFor(key)},
	} {
		if tc[0] != tc[1] {
			t.Errorf("%s = %q, want %q", what, tc[0], tc[1])
		}
	}
	visible, links, active := arxivView(e.Description)
	if visible != "10 of 241 new papers in cs.LG, announced Tue 8 Dec: one card per paper in the thread below." ||
		len(links) != 1 || len(active) != 0 {
		t.Errorf("description shows %q, links %v, active %v", visible, links, active)
	}
	if e.Color != arxivRed || !m.EnforceNonce {
		t.Errorf("colour %#x, enforce_nonce %v", e.Color, m.EnforceNonce)
	}
	for _, bad := range []string{"huggingface", "Hugging Face", "upvote"} {
		if strings.Contains(wire, bad) {
			t.Errorf("the header of an arXiv digest mentions %q: %s", bad, wire)
		}
	}

	// The minimal header keeps the link and the reference.
	mh := minimalHeader(d, key)
	renderWire(t, mh)
	if me := mh.Embeds[0]; me.Title != "New on arXiv" || me.URL != e.URL || me.Footer.Text != e.Footer.Text || me.Color != arxivRed || mh.Nonce != m.Nonce {
		t.Errorf("minimal header %+v", me)
	}

	// A channel that follows the daily lists too names both sources.
	d.Arxiv.WithLists = true
	m = renderHeader(d, key)
	renderWire(t, m)
	want := "10 papers from [Hugging Face Daily Papers](<https://huggingface.co/papers/date/2026-12-08>) and arXiv's 241 new papers in " +
		"[cs.LG](<https://arxiv.org/list/cs.LG/new>), announced Tue 8 Dec: one card per paper in the thread below."
	if e := m.Embeds[0]; e.Description != want || e.Title != "Daily Papers + arXiv cs.LG · Tue 8 Dec 2026 · 10 papers (241 new on arXiv)" || e.Color != hfYellow {
		t.Errorf("with the daily lists: %q %q %#x", e.Title, e.Description, e.Color)
	}
	if got := minimalHeader(d, key).Embeds[0].Title; got != "Daily Papers" {
		t.Errorf("minimal header with the daily lists: %q", got)
	}
}

func TestRenderArxivLastItem(t *testing.T) {
	d := testsupport.ArxivDigest([]string{"cs.LG", "cs.RO"}, 3, 241)
	last := d.Items[2]
	key := bot.ItemKey(renderChannel, last.Paper.ID)
	m := renderThreadItem(d, last, key)
	wire := renderWire(t, m)
	if len(m.Embeds) != 2 {
		t.Fatalf("%d embeds, want the card and the closing line", len(m.Embeds))
	}
	card, closing := m.Embeds[0], m.Embeds[1]
	if v, _ := mdView(card.Title); v != "3. Offline RL, part 3" || card.URL != "https://arxiv.org/abs/2612.01002" || card.Color != arxivRed {
		t.Errorf("card %q → %s, colour %#x", card.Title, card.URL, card.Color)
	}
	var fields []string
	for _, f := range card.Fields {
		fields = append(fields, f.Name+"="+f.Value)
	}
	if diff := cmp.Diff([]string{"Authors=Ada Lovelace, Alan Turing", "Categories=cs.LG, stat.ML"}, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	var labels []string
	for _, b := range renderButtons(m) {
		labels = append(labels, b.Label)
	}
	if diff := cmp.Diff([]string{"arXiv", "PDF"}, labels); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"huggingface", "Hugging Face", "Upvotes", "Comments"} {
		if strings.Contains(wire, bad) {
			t.Errorf("the card of an arXiv-only paper shows %q: %s", bad, wire)
		}
	}
	// The closing line: a small embed of its own, each category linked.
	want := "and 238 more new in [cs.LG](<https://arxiv.org/list/cs.LG/new>), [cs.RO](<https://arxiv.org/list/cs.RO/new>) today"
	if closing.Description != want || closing.URL != "" || closing.Title != "" || closing.Footer != nil {
		t.Errorf("closing embed %+v, want description %q alone", closing, want)
	}
	if visible, links, active := arxivView(closing.Description); visible != "and 238 more new in cs.LG, cs.RO today" || len(links) != 2 || len(active) != 0 {
		t.Errorf("closing shows %q, links %v, active %v", visible, links, active)
	}
	if refOf(&discordgo.Message{Embeds: m.Embeds}) != refFor(key) {
		t.Error("the last item's reference is not found in its embeds")
	}

	// The other items are their card alone.
	for _, it := range d.Items[:2] {
		k := bot.ItemKey(renderChannel, it.Paper.ID)
		if diff := cmp.Diff(renderWire(t, renderItem(it, k)), renderWire(t, renderThreadItem(d, it, k))); diff != "" {
			t.Errorf("item %d is not its card alone (-card +item):\n%s", it.Rank, diff)
		}
	}
	// Nothing more announced: no closing line.
	all := testsupport.ArxivDigest([]string{"cs.LG"}, 3, 3)
	if got := renderThreadItem(all, all.Items[2], key); len(got.Embeds) != 1 {
		t.Errorf("a digest with nothing more has %d embeds on its last item", len(got.Embeds))
	}

	// The minimal card keeps the closing line, and no Hugging Face button.
	mm := minimalThreadItem(d, last, key)
	renderWire(t, mm)
	if len(mm.Embeds) != 2 || mm.Embeds[1].Description != want {
		t.Errorf("minimal last item: %+v", mm.Embeds)
	}
	for _, b := range renderButtons(mm) {
		if b.Label == "Hugging Face" {
			t.Error("the minimal card of an arXiv-only paper has a Hugging Face button")
		}
	}

	// Every attempt renders the same message: after a crash the bot
	// rebuilds the digest from the store, which keeps the arXiv part as
	// JSON, and looks the message up by its reference.
	raw, err := json.Marshal(d.Arxiv)
	if err != nil {
		t.Fatal(err)
	}
	again := &bot.Digest{ListDate: d.ListDate, Items: append([]bot.Item(nil), d.Items...), Arxiv: &bot.ArxivPart{}}
	if err := json.Unmarshal(raw, again.Arxiv); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wire, renderWire(t, renderThreadItem(again, again.Items[2], key))); diff != "" {
		t.Errorf("a second attempt renders differently (-first +second):\n%s", diff)
	}
}

// TestRenderArxivHuggingFaceUnchanged: a Hugging Face digest's items (no
// arXiv part) render as before, the last one too; a paper Hugging Face
// listed keeps its page, counts and button in an arXiv digest.
func TestRenderArxivHuggingFaceUnchanged(t *testing.T) {
	d := testsupport.SampleDigest(t)
	for _, it := range d.Items {
		key := bot.ItemKey(renderChannel, it.Paper.ID)
		if diff := cmp.Diff(renderWire(t, renderItem(it, key)), renderWire(t, renderThreadItem(d, it, key))); diff != "" {
			t.Errorf("item %d (-card +item):\n%s", it.Rank, diff)
		}
	}

	listed := testsupport.FindItem(t, d, "2608.19880")
	listed.Paper.Categories = []string{"cs.AI"}
	ad := testsupport.ArxivDigest([]string{"cs.AI"}, 1, 50)
	ad.Arxiv.WithLists = true
	ad.Items[0] = bot.Item{Rank: 1, Paper: listed.Paper}
	m := renderThreadItem(ad, ad.Items[0], "k")
	renderWire(t, m)
	e := m.Embeds[0]
	if e.URL != "https://huggingface.co/papers/2608.19880" || e.Color != hfYellow || len(e.Fields) < 3 || e.Fields[1].Name != "Upvotes" {
		t.Errorf("listed paper in an arXiv digest: %s %#x %+v", e.URL, e.Color, e.Fields)
	}
	if b := renderButtons(m); len(b) == 0 || b[0].Label != "Hugging Face" {
		t.Errorf("listed paper's buttons %+v", b)
	}
	if len(m.Embeds) != 2 || m.Embeds[1].Description != "and 49 more new in [cs.AI](<https://arxiv.org/list/cs.AI/new>) today" {
		t.Errorf("closing %+v", m.Embeds[1:])
	}
}

func TestRenderArxivLongCategoryLists(t *testing.T) {
	d := testsupport.ArxivDigest(testsupport.ArxivLongCategories, 1, 5000)
	hkey := bot.HeaderKey(renderChannel, d.ListDate)
	ikey := bot.ItemKey(renderChannel, d.Items[0].Paper.ID)
	header := renderHeader(d, hkey)
	renderWire(t, header)
	if _, links, active := arxivView(header.Embeds[0].Description); len(links) != 40 || len(active) != 0 {
		t.Errorf("header links %d categories (want all 40), active %v", len(links), active)
	}
	if e := header.Embeds[0]; bot.Length(e.Title) > maxTitle || !strings.HasSuffix(e.Title, "…") || e.URL != "https://arxiv.org/list/cond-mat.stat-mech/new" {
		t.Errorf("header title %q → %s", e.Title, e.URL)
	}
	renderWire(t, minimalHeader(d, hkey))

	// The last item with the largest card paperboy builds: the closing
	// line still fits, every category linked.
	var abstract, title strings.Builder
	for i := 0; abstract.Len() < 10_000; i++ {
		fmt.Fprintf(&abstract, "word%d and_more ", i)
	}
	for i := 0; title.Len() < 600; i++ {
		fmt.Fprintf(&title, "Ti*tle%d ", i)
	}
	long := bot.Paper{
		ID: "2612.01000", Title: title.String(), Abstract: abstract.String(), Categories: testsupport.ArxivLongCategories, AnnouncedOn: testsupport.ArxivDay,
		OrgFullName: strings.Repeat("_", 400), GitHubRepo: "https://github.com/a/b",
	}
	for i := range 700 {
		long.Authors = append(long.Authors, strings.Repeat("*", 90)+fmt.Sprint(i))
	}
	for _, p := range []bot.Paper{testsupport.ArxivOnlyPaper(0), long} {
		d.Items[0].Paper = p
		for name, m := range map[string]createMessage{"item": renderThreadItem(d, d.Items[0], ikey), "minimal": minimalThreadItem(d, d.Items[0], ikey)} {
			renderWire(t, m)
			if len(m.Embeds) != 2 {
				t.Fatalf("%s: %d embeds", name, len(m.Embeds))
			}
			closing := m.Embeds[1].Description
			visible, links, active := arxivView(closing)
			if len(links) != 40 || len(active) != 0 || !strings.HasPrefix(visible, "and 4999 more new in cond-mat.stat-mech, ") || !strings.HasSuffix(visible, "q-fin.ST today") {
				t.Errorf("%s of %.20q: closing links %d categories, active %v: %q", name, p.Title, len(links), active, closing)
			}
			total := 0
			for _, e := range m.Embeds {
				total += embedLength(e)
			}
			if total > maxEmbedTotal {
				t.Errorf("%s: %d characters of embeds", name, total)
			}
		}
	}

	// Names no store should hold (a hand-edited database): never a
	// masked link, a mention or markdown, and cut to fit.
	var odd []string
	for i := range 40 {
		odd = append(odd, fmt.Sprintf("@everyone [x%d](https://evil.example) **b** %s", i, strings.Repeat("é", 150)))
	}
	d = testsupport.ArxivDigest(odd, 2, 100)
	for _, m := range []createMessage{renderHeader(d, hkey), minimalHeader(d, hkey), renderThreadItem(d, d.Items[1], ikey), minimalThreadItem(d, d.Items[1], ikey)} {
		renderWire(t, m)
		for _, e := range m.Embeds {
			// The rank before a card's title is paperboy's own.
			for _, s := range []string{regexp.MustCompile(`^\d+\. `).ReplaceAllString(e.Title, ""), e.Description} {
				_, links, active := arxivView(s)
				if len(active) != 0 {
					t.Errorf("%q still renders %v", s, active)
				}
				for _, l := range links {
					if strings.Contains(l, "evil") || strings.Contains(l, "/list/") {
						t.Errorf("masked link to %s from an odd category name", l)
					}
				}
			}
		}
	}
	closing := renderThreadItem(d, d.Items[1], ikey).Embeds[1].Description
	if !strings.HasPrefix(closing, "and 98 more new in @\u200beveryone \\[x0\\]") || !strings.HasSuffix(closing, "… today") {
		t.Errorf("odd closing %q", closing)
	}
}

// TestArxivThreadPosted posts an arXiv digest through the adapter to the
// fake Discord (which refuses what Discord would) and reads the thread as
// a user sees it.
func TestArxivThreadPosted(t *testing.T) {
	for _, cats := range [][]string{{"cs.LG", "stat.ML"}, testsupport.ArxivLongCategories} {
		e := newEnv(t, allPerms)
		ctx := context.Background()
		ch := e.channel(textID)
		d := testsupport.ArxivDigest(cats, 3, 241)
		hs, err := e.d.Send(ctx, &bot.Message{Key: bot.HeaderKey(ch.ChannelRef, d.ListDate), Channel: ch, Digest: d})
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.Items {
			it := d.Items[i]
			if _, err := e.d.Send(ctx, &bot.Message{Key: bot.ItemKey(ch.ChannelRef, it.Paper.ID), Channel: ch, Digest: d, Item: &it, Thread: hs}); err != nil {
				t.Fatal(err)
			}
		}
		headers := e.srv.Messages(textID)
		if len(headers) != 1 || headers[0].Embeds[0].URL != bot.ArxivListURL(cats[0]) {
			t.Fatalf("channel messages: %+v", headers)
		}
		if _, links, _ := arxivView(headers[0].Embeds[0].Description); len(links) != len(cats) {
			t.Errorf("header links %d categories, want %d", len(links), len(cats))
		}
		th, msgs := e.thread(textID)
		if th.Name != bot.Truncate(d.Title(), maxThreadName) || len(msgs) != 3 {
			t.Fatalf("thread %q holds %d messages", th.Name, len(msgs))
		}
		for i, m := range msgs {
			if want := 1 + map[bool]int{true: 1}[i == 2]; len(m.Embeds) != want {
				t.Errorf("message %d has %d embeds, want %d", i, len(m.Embeds), want)
			}
			if string(m.AllowedMentions) != `{"parse":[],"replied_user":false}` {
				t.Errorf("message %d: allowed_mentions %s", i, m.AllowedMentions)
			}
			for _, f := range m.Embeds[0].Fields {
				if f.Name == "Upvotes" || f.Name == "Comments" {
					t.Errorf("message %d shows %s for an arXiv-only paper", i, f.Name)
				}
			}
		}
		visible, links, _ := arxivView(msgs[2].Embeds[1].Description)
		if !strings.HasPrefix(visible, "and 238 more new in "+cats[0]+", ") || len(links) != len(cats) {
			t.Errorf("closing shows %q with %d links", visible, len(links))
		}
		// After a restart, the last item is found by its reference.
		it := d.Items[2]
		found, ok, err := e.d.Find(ctx, &bot.Message{Key: bot.ItemKey(ch.ChannelRef, it.Paper.ID), Channel: ch, Digest: d, Item: &it, Thread: hs})
		if err != nil || !ok || found.MessageID != msgs[2].ID {
			t.Errorf("Find: %+v %v %v, want %s", found, ok, err, msgs[2].ID)
		}
		if strings.Contains(e.logs.String(), "minimal") {
			t.Errorf("a message fell back to its minimal form:\n%s", e.logs.String())
		}
	}
}

// TestRenderArxivOnlyInLists: in a reply's list a paper only arXiv has
// described shows its category, and a title that looks like a web address
// is followed by a link named arXiv.
func TestRenderArxivOnlyInLists(t *testing.T) {
	r := renderReply(bot.Reply{Papers: []bot.Paper{testsupport.ArxivOnlyPaper(0), testsupport.ArxivOnlyPaper(1)}})
	renderWire(t, r)
	if !strings.Contains(r.Content, "1. [Offline RL, part 1](<https://arxiv.org/abs/2612.01000>) · cs.LG") || strings.Contains(r.Content, "upvote") {
		t.Errorf("list %q", r.Content)
	}
	if got := linkMarkdown("example.org/evil", 150, "https://arxiv.org/abs/2612.01000"); got != "example.org/evil [arXiv](<https://arxiv.org/abs/2612.01000>)" {
		t.Errorf("URL-like title: %q", got)
	}
}

// FuzzRenderArxiv renders an arXiv digest whose category names (from the
// store, which a hand-edited database could fill with anything) are
// untrusted, and checks that Discord would take every message and that
// none renders markdown or a link of its own.
func FuzzRenderArxiv(f *testing.F) {
	f.Add("cs.LG", "cond-mat.stat-mech", 241)
	f.Add("@everyone", "[x](https://evil.example)", 3)
	f.Add(strings.Repeat("_*", 3000), "a\u202eb", 1<<30)
	f.Add("-cs.LG", "discord.gg/x", -5)
	f.Fuzz(func(t *testing.T, a, b string, announced int) {
		d := testsupport.ArxivDigest([]string{a, b, a + b}, 2, announced)
		d.Arxiv.More = max(1, announced)
		for _, m := range []createMessage{renderHeader(d, "h"), minimalHeader(d, "h"), renderThreadItem(d, d.Items[1], "i"), minimalThreadItem(d, d.Items[1], "i")} {
			if err := m.validate(); err != nil {
				t.Fatal(err)
			}
			for _, e := range m.Embeds {
				_, links, active := arxivView(e.Description)
				if len(active) != 0 {
					t.Fatalf("%q renders %v", e.Description, active)
				}
				for _, l := range links {
					u := strings.TrimSuffix(strings.TrimPrefix(l, "https://arxiv.org/list/"), "/new")
					if !strings.HasPrefix(l, "https://huggingface.co/") && u != a && u != b && u != a+b {
						t.Fatalf("link to %q is to no category", l)
					}
				}
			}
		}
	})
}

// TestRenderStandingEscaped: a category is text from outside; in a list it
// is escaped like every such text.
func TestRenderStandingEscaped(t *testing.T) {
	p := testsupport.ArxivOnlyPaper(0)
	p.Categories = []string{"@everyone **x** [y](https://evil.example)"}
	r := renderReply(bot.Reply{Papers: []bot.Paper{p, testsupport.ArxivOnlyPaper(1)}})
	renderWire(t, r)
	line := strings.SplitN(r.Content, "\n", 2)[0]
	if _, _, active := arxivView(strings.TrimPrefix(line, "1. ")); len(active) != 0 {
		t.Errorf("%q renders %v", line, active)
	}
}
