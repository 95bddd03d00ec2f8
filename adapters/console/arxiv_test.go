package console

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

var arxivDay = bot.Date{Year: 2026, Month: 12, Day: 8}

// arxivDigest is the digest of a channel following cats: n papers only
// arXiv has described, of the announced new ones.
func arxivDigest(cats []string, n, announced int) *bot.Digest {
	d := &bot.Digest{ListDate: arxivDay, Arxiv: &bot.ArxivPart{Day: arxivDay, Categories: cats, Announced: announced, More: announced - n}}
	for i := range n {
		d.Items = append(d.Items, bot.Item{Rank: i + 1, Paper: bot.Paper{
			ID: fmt.Sprintf("2612.%05d", 1000+i), Title: fmt.Sprintf("Offline RL, part %d", i+1),
			Abstract: "We study offline reinforcement learning. It works.", Authors: []string{"Ada Lovelace", "Alan Turing"},
			Categories: []string{"cs.LG", "stat.ML"}, AnnouncedOn: arxivDay,
		}})
	}
	return d
}

func TestRenderArxivDigest(t *testing.T) {
	d := arxivDigest([]string{"cs.LG", "cs.RO"}, 2, 241)
	var out bytes.Buffer
	New(nil, false).Render(&out, d)
	want := `arXiv cs.LG, cs.RO · Tue 8 Dec 2026 · 2 of 241 new papers
─────────────────────────────────────────────────────────
2 of 241 new papers in cs.LG, cs.RO announced Tue 8 Dec
https://arxiv.org/list/cs.LG/new

 1. Offline RL, part 1
    Ada Lovelace, Alan Turing · cs.LG, stat.ML
    We study offline reinforcement learning. It works.
    arXiv        https://arxiv.org/abs/2612.01000
    PDF          https://arxiv.org/pdf/2612.01000

 2. Offline RL, part 2
    Ada Lovelace, Alan Turing · cs.LG, stat.ML
    We study offline reinforcement learning. It works.
    arXiv        https://arxiv.org/abs/2612.01001
    PDF          https://arxiv.org/pdf/2612.01001

and 239 more new in cs.LG, cs.RO today

`
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	// Sent message by message, the closing line comes with the last item
	// only.
	var sent bytes.Buffer
	c := New(&sent, false)
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: Name, ID: "stdout"}}
	h, err := c.Send(context.Background(), &bot.Message{Key: "h:1", Channel: ch, Digest: d})
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Items {
		sent.Reset()
		if _, err := c.Send(context.Background(), &bot.Message{Key: fmt.Sprint("i:", i), Channel: ch, Digest: d, Item: &d.Items[i], Thread: h}); err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(sent.String(), "more new in"); has != (i == 1) {
			t.Errorf("item %d has the closing line: %v\n%s", i+1, has, sent.String())
		}
	}

	// A channel that follows the daily lists too names both sources.
	d.Arxiv.WithLists = true
	out.Reset()
	New(nil, false).Render(&out, d)
	if !strings.Contains(out.String(), "\n2 papers from Hugging Face Daily Papers and arXiv's 241 new papers in cs.LG,\ncs.RO announced Tue 8 Dec\n") {
		t.Errorf("with the daily lists:\n%s", out.String())
	}
}

// TestRenderArxivLongAndHostileCategories: 40 categories wrap at Width;
// control characters in a category (a hand-edited database) never reach
// the terminal.
func TestRenderArxivLongAndHostileCategories(t *testing.T) {
	var cats []string
	for i := range 40 {
		cats = append(cats, fmt.Sprintf("cond-mat.stat-mech%d\x1b[2J", i))
	}
	d := arxivDigest(cats, 1, 900)
	var out bytes.Buffer
	New(nil, false).Render(&out, d)
	s := out.String()
	if strings.ContainsAny(s, "\x1b\x07") {
		t.Errorf("control characters reached the terminal: %q", s)
	}
	lines := strings.Split(s, "\n")
	for _, l := range lines[2:] {
		if utf8.RuneCountInString(l) > Width {
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	if !strings.Contains(s, "\nand 899 more new in cond-mat.stat-mech0, ") || !strings.Contains(s, "cond-mat.stat-mech39 today\n") {
		t.Errorf("closing:\n%s", s)
	}
}

// TestRenderHuggingFaceDigestUnchanged: without an arXiv part the header
// is the line and its rule, and the last item has no closing line.
func TestRenderHuggingFaceDigestUnchanged(t *testing.T) {
	d := &bot.Digest{ListDate: bot.Date{Year: 2026, Month: 11, Day: 26}, Items: []bot.Item{{Rank: 1, Paper: hostilePaper()}}}
	var out, item strings.Builder
	var buf bytes.Buffer
	New(nil, false).Render(&buf, d)
	New(nil, false).RenderItem(&item, d.Items[0])
	out.WriteString("Daily Papers · Thu 26 Nov 2026 · 1 paper\n" + strings.Repeat("─", 40) + "\n\n" + item.String())
	if buf.String() != out.String() {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), out.String())
	}
	if !strings.Contains(item.String(), "1 upvote · 2 comments") || !strings.Contains(item.String(), "Hugging Face https://huggingface.co/papers/2608.20335") {
		t.Errorf("a listed paper lost its Hugging Face facts:\n%s", item.String())
	}
}
