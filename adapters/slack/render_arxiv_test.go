package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// arxivLinks returns the targets of the bot's links in mrkdwn s.
func arxivLinks(s string) []string {
	var out []string
	for _, m := range botLinkRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestRenderArxivHeader(t *testing.T) {
	d := testsupport.ArxivDigest([]string{"cs.LG"}, 10, 241)
	key := bot.HeaderKey(renderChannel, d.ListDate)
	m := renderHeader(d, key)
	wire := renderWire(t, m)
	want := []string{
		"arXiv cs.LG · Tue 8 Dec 2026",
		"10 of 241 new papers in <https://arxiv.org/list/cs.LG/new|cs.LG> announced Tue 8 Dec · the papers are in the thread",
	}
	if diff := cmp.Diff(want, renderTexts(m)); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}
	if _, ok := m.Blocks[0].(*slackgo.HeaderBlock); !ok {
		t.Errorf("title is a %T, want a header block", m.Blocks[0])
	}
	if got := renderVisible(renderTexts(m)[1]); got != "10 of 241 new papers in cs.LG announced Tue 8 Dec · the papers are in the thread" {
		t.Errorf("intro reads %q", got)
	}
	for _, bad := range []string{"huggingface", "Hugging Face", "upvote"} {
		if strings.Contains(wire, bad) {
			t.Errorf("the header of an arXiv digest mentions %q: %s", bad, wire)
		}
	}
	if m.Text != "arXiv cs.LG · Tue 8 Dec 2026 · 10 of 241 new papers" {
		t.Errorf("text %q", m.Text)
	}
	if keyOf(slackgo.Message{Msg: slackgo.Msg{Metadata: *m.Metadata}}) != key {
		t.Errorf("metadata %+v does not carry %q", m.Metadata, key)
	}

	// The minimal header, sent when this one would break a limit, says
	// the same in one section.
	mh := minimalHeader(d, key)
	renderWire(t, mh)
	if got := renderTexts(mh); len(got) != 1 || got[0] != "arXiv cs.LG · Tue 8 Dec 2026 · 10 of 241 new papers" || mh.Metadata == nil {
		t.Errorf("minimal header %q, metadata %v", got, mh.Metadata)
	}

	// A channel that follows the daily lists too names both sources.
	d.Arxiv.WithLists = true
	m = renderHeader(d, key)
	renderWire(t, m)
	want = []string{
		"Daily Papers + arXiv cs.LG · Tue 8 Dec 2026",
		"10 papers from <https://huggingface.co/papers/date/2026-12-08|Hugging Face Daily Papers> and arXiv's 241 new papers in " +
			"<https://arxiv.org/list/cs.LG/new|cs.LG> announced Tue 8 Dec · the papers are in the thread",
	}
	if diff := cmp.Diff(want, renderTexts(m)); diff != "" {
		t.Errorf("with the daily lists, texts (-want +got):\n%s", diff)
	}
}

func TestRenderArxivLastItem(t *testing.T) {
	d := testsupport.ArxivDigest([]string{"cs.LG", "cs.RO"}, 3, 241)
	last := d.Items[2]
	key := bot.ItemKey(renderChannel, last.Paper.ID)
	m := renderThreadItem(d, last, key)
	wire := renderWire(t, m)
	want := []string{
		"*3. <https://arxiv.org/abs/2612.01002|Offline RL, part 3>*\nWe study offline reinforcement learning. It works.",
		"Ada Lovelace, Alan Turing · cs.LG, stat.ML",
		"and 238 more new in <https://arxiv.org/list/cs.LG/new|cs.LG>, <https://arxiv.org/list/cs.RO/new|cs.RO> today",
	}
	if diff := cmp.Diff(want, renderTexts(m)); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}
	if _, ok := m.Blocks[len(m.Blocks)-1].(*slackgo.ContextBlock); !ok {
		t.Errorf("the message ends with a %T, not the closing line's context block", m.Blocks[len(m.Blocks)-1])
	}
	// Hugging Face knows nothing of the paper: no button to it, no counts.
	if diff := cmp.Diff([]string{"arXiv", "PDF"}, renderButtonLabels(m)); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"huggingface", "Hugging Face", "upvote", "comment", "▲"} {
		if strings.Contains(wire, bad) {
			t.Errorf("the card of an arXiv-only paper shows %q: %s", bad, wire)
		}
	}
	if want := "3. Offline RL, part 3 https://arxiv.org/abs/2612.01002\nand 238 more new in cs.LG, cs.RO today"; m.Text != want {
		t.Errorf("fallback text %q, want %q", m.Text, want)
	}

	// The other items end with their card: as renderItem has them.
	for _, it := range d.Items[:2] {
		k := bot.ItemKey(renderChannel, it.Paper.ID)
		got := renderThreadItem(d, it, k)
		if diff := cmp.Diff(renderWire(t, renderItem(it, k)), renderWire(t, got)); diff != "" || strings.Contains(got.Text, "more new") {
			t.Errorf("item %d is not its plain card (-card +item):\n%s", it.Rank, diff)
		}
	}
	// Nothing more announced: no closing line.
	all := testsupport.ArxivDigest([]string{"cs.LG"}, 3, 3)
	if diff := cmp.Diff(renderWire(t, renderItem(all.Items[2], key)), renderWire(t, renderThreadItem(all, all.Items[2], key))); diff != "" {
		t.Errorf("a digest with nothing more has a closing line (-card +item):\n%s", diff)
	}

	// The minimal card keeps the closing line.
	mm := minimalThreadItem(d, last, key)
	renderWire(t, mm)
	if texts := renderTexts(mm); texts[len(texts)-1] != want[2] || !strings.HasSuffix(mm.Text, "\nand 238 more new in cs.LG, cs.RO today") {
		t.Errorf("minimal last item: %q, text %q", texts, mm.Text)
	}
	if diff := cmp.Diff([]string{"arXiv", "PDF"}, renderButtonLabels(mm)); diff != "" {
		t.Errorf("minimal buttons (-want +got):\n%s", diff)
	}

	// Every attempt renders the same message: after a crash the bot
	// rebuilds the digest from the store, which keeps the arXiv part as
	// JSON, and looks the message up by its key.
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
		if a, b := renderItem(it, key).Text, renderThreadItem(d, it, key).Text; a != b {
			t.Errorf("item %d text %q, want %q", it.Rank, b, a)
		}
	}

	listed := testsupport.FindItem(t, d, "2608.19880")
	listed.Paper.Categories = []string{"cs.AI"}
	ad := testsupport.ArxivDigest([]string{"cs.AI"}, 1, 50)
	ad.Arxiv.WithLists = true
	ad.Items[0] = listed
	ad.Items[0].Rank = 1
	m := renderThreadItem(ad, ad.Items[0], "k")
	renderWire(t, m)
	texts := renderTexts(m)
	if !strings.HasPrefix(texts[0], "*1. <https://huggingface.co/papers/2608.19880|") || !strings.Contains(texts[1], "▲ 163 upvotes") {
		t.Errorf("listed paper in an arXiv digest: %q", texts)
	}
	if got := renderButtonLabels(m); len(got) == 0 || got[0] != "Hugging Face" {
		t.Errorf("listed paper's buttons %v", got)
	}
	if got := texts[len(texts)-1]; got != "and 49 more new in <https://arxiv.org/list/cs.AI/new|cs.AI> today" {
		t.Errorf("closing %q", got)
	}
}

func TestRenderArxivLongCategoryLists(t *testing.T) {
	d := testsupport.ArxivDigest(testsupport.ArxivLongCategories, 1, 5000)
	hkey := bot.HeaderKey(renderChannel, d.ListDate)
	ikey := bot.ItemKey(renderChannel, d.Items[0].Paper.ID)
	header := renderHeader(d, hkey)
	renderWire(t, header)
	if got := arxivLinks(renderTexts(header)[1]); len(got) != 40 || got[39] != "https://arxiv.org/list/q-fin.ST/new" {
		t.Errorf("header intro links %d categories, want all 40: %v", len(got), got)
	}
	renderWire(t, minimalHeader(d, hkey))

	// The last item with the largest card paperboy builds: the closing
	// line still fits, every category linked.
	words := func(n int, word string) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	long := bot.Paper{
		ID: "2612.01000", Title: words(60, "Transformers&Co")[:600], Abstract: words(1100, "diffusion")[:10_000],
		Categories: testsupport.ArxivLongCategories, AnnouncedOn: testsupport.ArxivDay,
		GitHubRepo:  "https://github.com/a?" + strings.Repeat("&", maxButtonURL-len("https://github.com/a?")),
		ProjectPage: "https://a.example/?" + strings.Repeat("&", maxButtonURL-len("https://a.example/?")),
		OrgFullName: strings.Repeat("<", 300), Thumbnail: "https://cdn.example/" + strings.Repeat("t", 2900),
	}
	for i := range 700 {
		long.Authors = append(long.Authors, fmt.Sprintf("Author & Number %d", i+1))
	}
	for _, p := range []bot.Paper{testsupport.ArxivOnlyPaper(0), long} {
		d.Items[0].Paper = p
		for name, m := range map[string]message{"item": renderThreadItem(d, d.Items[0], ikey), "minimal": minimalThreadItem(d, d.Items[0], ikey)} {
			renderWire(t, m)
			texts := renderTexts(m)
			closing := texts[len(texts)-1]
			if got := arxivLinks(closing); len(got) != 40 || !strings.HasPrefix(closing, "and 4999 more new in <https://arxiv.org/list/cond-mat.stat-mech/new|") {
				t.Errorf("%s of %.20q: closing links %d categories: %q", name, p.Title, len(got), closing)
			}
			if n := bot.Length(closing); n > maxContextText {
				t.Errorf("%s: closing of %d characters", name, n)
			}
			if n := bot.Length(m.Text); n > maxText || !strings.HasSuffix(m.Text, " today") {
				t.Errorf("%s: fallback text of %d characters ends %q", name, n, m.Text[max(0, len(m.Text)-20):])
			}
		}
	}

	// Names no store should hold (a hand-edited database): never a list
	// link, never a mention or a masked link (a URL in them links to
	// itself, as in every untrusted text), and cut to fit.
	var odd []string
	for i := range 40 {
		odd = append(odd, fmt.Sprintf("<!channel> & <https://evil.example|x%d> %s", i, strings.Repeat("é", 150)))
	}
	d = testsupport.ArxivDigest(odd, 2, 100)
	for _, m := range []message{renderHeader(d, hkey), minimalHeader(d, hkey), renderThreadItem(d, d.Items[1], ikey), minimalThreadItem(d, d.Items[1], ikey)} {
		renderWire(t, m)
		for _, s := range append(renderTexts(m), m.Text) {
			for _, l := range botLinkRe.FindAllStringSubmatch(s, -1) {
				if !strings.HasPrefix(l[1], "https://arxiv.org/abs/") && !sameURL(readLabel(l[2]), l[1]) || strings.Contains(l[1], "/list/") {
					t.Errorf("link %q from an odd category name", l[0])
				}
			}
			for _, bad := range []string{"<!channel>", "|x1>"} {
				if strings.Contains(s, bad) {
					t.Errorf("%q survives in %q", bad, s)
				}
			}
		}
	}
	texts := renderTexts(renderThreadItem(d, d.Items[1], ikey))
	if closing := texts[len(texts)-1]; !strings.HasPrefix(closing, "and 98 more new in &lt;!channel&gt; &amp; ") || !strings.HasSuffix(closing, "… today") {
		t.Errorf("odd closing %q", closing)
	}
}

// TestArxivThreadPosted posts an arXiv digest through the adapter to the
// fake Slack (which refuses what Slack would) and reads the thread as a
// user sees it.
func TestArxivThreadPosted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ch := e.channel(channelID)
	d := testsupport.ArxivDigest([]string{"cs.LG", "stat.ML"}, 3, 241)
	hs, err := e.s.Send(ctx, &bot.Message{Key: bot.HeaderKey(ch.ChannelRef, d.ListDate), Channel: ch, Digest: d})
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Items {
		it := d.Items[i]
		if _, err := e.s.Send(ctx, &bot.Message{Key: bot.ItemKey(ch.ChannelRef, it.Paper.ID), Channel: ch, Digest: d, Item: &it, Thread: hs}); err != nil {
			t.Fatal(err)
		}
	}
	header, replies := e.thread()
	if got := texts(header.Blocks); !strings.Contains(got, "arXiv cs.LG, stat.ML · Tue 8 Dec 2026") ||
		!strings.Contains(got, "3 of 241 new papers in <https://arxiv.org/list/cs.LG/new|cs.LG>, <https://arxiv.org/list/stat.ML/new|stat.ML> announced Tue 8 Dec") ||
		strings.Contains(got, "huggingface") {
		t.Errorf("header: %s", got)
	}
	if len(replies) != 3 {
		t.Fatalf("%d replies, want 3", len(replies))
	}
	closing := "and 238 more new in <https://arxiv.org/list/cs.LG/new|cs.LG>, <https://arxiv.org/list/stat.ML/new|stat.ML> today"
	for i, r := range replies {
		if r.UnfurlLinks != "false" || r.UnfurlMedia != "false" {
			t.Errorf("reply %d unfurls links (%q, %q)", i, r.UnfurlLinks, r.UnfurlMedia)
		}
		md := mrkdwnTexts(r.Blocks)
		if strings.Contains(md, "huggingface") || strings.Contains(md, "upvote") {
			t.Errorf("reply %d shows Hugging Face's facts for an arXiv-only paper: %s", i, md)
		}
		if has := strings.Contains(md, closing); has != (i == 2) {
			t.Errorf("reply %d has the closing line: %v\n%s", i, has, md)
		}
	}
	var blocks []map[string]any
	if err := json.Unmarshal(replies[2].Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	if got := blocks[len(blocks)-1]["type"]; got != "context" {
		t.Errorf("the last message ends with a %v block", got)
	}
	if !strings.HasSuffix(replies[2].Text, "\nand 238 more new in cs.LG, stat.ML today") {
		t.Errorf("last reply's text %q", replies[2].Text)
	}
	// After a crash, the last item is found by its key.
	it := d.Items[2]
	found, ok, err := e.s.Find(ctx, &bot.Message{Key: bot.ItemKey(ch.ChannelRef, it.Paper.ID), Channel: ch, Digest: d, Item: &it, Thread: hs})
	if err != nil || !ok || found.MessageID != replies[2].TS {
		t.Errorf("Find: %+v %v %v, want %s", found, ok, err, replies[2].TS)
	}

	// With 40 long categories the thread is posted too.
	e2 := newEnv(t)
	ch = e2.channel(channelID)
	d = testsupport.ArxivDigest(testsupport.ArxivLongCategories, 2, 900)
	hs, err = e2.s.Send(ctx, &bot.Message{Key: bot.HeaderKey(ch.ChannelRef, d.ListDate), Channel: ch, Digest: d})
	if err != nil {
		t.Fatal(err)
	}
	it = d.Items[1]
	if _, err := e2.s.Send(ctx, &bot.Message{Key: bot.ItemKey(ch.ChannelRef, it.Paper.ID), Channel: ch, Digest: d, Item: &it, Thread: hs}); err != nil {
		t.Fatal(err)
	}
	_, replies = e2.thread()
	if len(replies) != 1 || len(arxivLinks(mrkdwnTexts(replies[0].Blocks))) != 41 {
		t.Errorf("long closing: %d replies, %s", len(replies), mrkdwnTexts(replies[0].Blocks))
	}
	if strings.Contains(e.logs.String()+e2.logs.String(), "minimal") {
		t.Errorf("a message fell back to its minimal form:\n%s", e.logs.String()+e2.logs.String())
	}
}

// TestRenderArxivOnlyInLists: in a list of papers (search, alerts) a paper
// only arXiv has described shows its category, not "0 upvotes"; a title
// that looks like a web address is followed by a link to its arXiv page,
// not to Hugging Face.
func TestRenderArxivOnlyInLists(t *testing.T) {
	p := testsupport.ArxivOnlyPaper(0)
	if got, want := listLine(2, p), "2. <https://arxiv.org/abs/2612.01000|Offline RL, part 1> · cs.LG"; got != want {
		t.Errorf("listLine = %q, want %q", got, want)
	}
	listed := p
	listed.ListDate, listed.Upvotes = testsupport.ArxivDay, 41
	if got, want := listLine(2, listed), "2. <https://huggingface.co/papers/2612.01000|Offline RL, part 1> · 41 upvotes"; got != want {
		t.Errorf("listLine = %q, want %q", got, want)
	}
	p.Title = "example.org/evil"
	for _, s := range []string{listLine(1, p), renderTexts(renderItem(bot.Item{Rank: 1, Paper: p}, "k"))[0]} {
		if !strings.Contains(s, "<https://arxiv.org/abs/2612.01000|arXiv>") || strings.Contains(s, "huggingface") {
			t.Errorf("URL-like title of an arXiv-only paper: %q", s)
		}
	}
	r := renderReply(bot.Reply{Title: "Results", Papers: []bot.Paper{testsupport.ArxivOnlyPaper(0), testsupport.ArxivOnlyPaper(1)}})
	renderWire(t, r)
	if got := strings.Join(renderTexts(r), "\n"); strings.Contains(got, "upvote") {
		t.Errorf("reply list shows upvotes of arXiv-only papers: %q", got)
	}
}

// FuzzRenderArxiv renders an arXiv digest whose category names (from the
// store, which a hand-edited database could fill with anything) are
// untrusted, and checks that Slack would take every message and that no
// name becomes a link of its own.
func FuzzRenderArxiv(f *testing.F) {
	f.Add("cs.LG", "cond-mat.stat-mech", 241)
	f.Add("<!channel>", "<https://evil.example|x>", 3)
	f.Add(strings.Repeat("&", 3000), "a\u202eb", 1<<30)
	f.Add("cs.LG\n", "", -5)
	f.Fuzz(func(t *testing.T, a, b string, announced int) {
		d := testsupport.ArxivDigest([]string{a, b, a + b}, 2, announced)
		d.Arxiv.More = max(1, announced)
		for _, m := range []message{renderHeader(d, "h"), minimalHeader(d, "h"), renderThreadItem(d, d.Items[1], "i"), minimalThreadItem(d, d.Items[1], "i")} {
			if err := m.validate(); err != nil {
				t.Fatal(err)
			}
			for _, s := range renderTexts(m) {
				for _, l := range botLinkRe.FindAllStringSubmatch(s, -1) {
					u := strings.TrimSuffix(strings.TrimPrefix(l[1], "https://arxiv.org/list/"), "/new")
					if strings.HasPrefix(l[1], "https://arxiv.org/list/") && u != a && u != b && u != a+b {
						t.Fatalf("link %q is to no category", l[0])
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
	p.Categories = []string{"<!channel> *x* " + strings.Repeat("y", 5000)}
	got := listLine(1, p)
	if strings.Contains(got, "<!channel>") || strings.Contains(got, "*x*") || bot.Length(got) > 400 {
		t.Errorf("listLine = %.200q", got)
	}
	r := renderReply(bot.Reply{Papers: []bot.Paper{p, testsupport.ArxivOnlyPaper(1)}})
	renderWire(t, r)
}
