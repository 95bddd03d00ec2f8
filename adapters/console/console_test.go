package console

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

func hostilePaper() bot.Paper {
	return bot.Paper{
		ID:          "2608.20335",
		Title:       "Evil \x1b[2J\x1b]0;pwned\x07 Title \u202eesrever with @everyone",
		Abstract:    strings.Repeat("A sentence about models. ", 400),
		Authors:     []string{"Ada\x1b[31m Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"},
		Upvotes:     1,
		Comments:    2,
		GitHubRepo:  "https://github.com/x/y",
		GitHubStars: 1,
		ProjectPage: "https://example.org/\x1b[0m",
		ListDate:    bot.Date{Year: 2026, Month: 11, Day: 26},
	}
}

func TestRenderItemIsSafeAndComplete(t *testing.T) {
	c := New(nil, false)
	var b strings.Builder
	c.RenderItem(&b, bot.Item{Rank: 3, Paper: hostilePaper()})
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("control or bidi characters from the paper reached the terminal: %q", out)
	}
	for _, want := range []string{
		" 3. Evil",
		"Ada Lovelace, Alan Turing, Grace Hopper et al. · 1 upvote · 2 comments\n",
		"Hugging Face https://huggingface.co/papers/2608.20335\n",
		"arXiv        https://arxiv.org/abs/2608.20335\n",
		"PDF          https://arxiv.org/pdf/2608.20335\n",
		"Code         https://github.com/x/y (1 star)\n",
		"Project      https://example.org/\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("item lacks %q:\n%s", want, out)
		}
	}
	// The summary: whole sentences of the abstract, at most 300 characters.
	var summary []string
	for _, l := range strings.Split(out, "\n")[2:] {
		if strings.HasPrefix(strings.TrimSpace(l), "Hugging Face") {
			break
		}
		summary = append(summary, strings.TrimSpace(l))
	}
	s := strings.Join(summary, " ")
	if n := utf8.RuneCountInString(s); n > bot.SummaryLen || n < 200 || !strings.HasSuffix(s, "models.") {
		t.Errorf("summary (%d chars) = %q", n, s)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "    ") && !strings.Contains(l, "·") && utf8.RuneCountInString(l) > Width {
			t.Errorf("line longer than %d columns: %q", Width, l)
		}
	}
}

func TestLinksOnlyWhenPresent(t *testing.T) {
	p := hostilePaper()
	p.GitHubRepo, p.ProjectPage = "", ""
	var b strings.Builder
	New(nil, false).RenderItem(&b, bot.Item{Rank: 1, Paper: p})
	if strings.Contains(b.String(), "Code ") || strings.Contains(b.String(), "Project ") {
		t.Errorf("links shown for a paper without code or project page:\n%s", b.String())
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	d := &bot.Digest{ListDate: bot.Date{Year: 2026, Month: 11, Day: 26}, Items: []bot.Item{{Rank: 1, Paper: hostilePaper()}}}
	var plain, colour bytes.Buffer
	New(nil, false).Render(&plain, d)
	New(nil, true).Render(&colour, d)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour codes without colour")
	}
	if !strings.Contains(colour.String(), boldCyan+"Daily Papers · Thu 26 Nov 2026 · 1 paper"+reset) {
		t.Errorf("no coloured header:\n%q", colour.String())
	}
	if IsTerminal(&plain) {
		t.Error("a buffer is not a terminal")
	}
}

func TestSendThreadAndContinuation(t *testing.T) {
	var out bytes.Buffer
	c := New(&out, false)
	d := &bot.Digest{ListDate: bot.Date{Year: 2026, Month: 11, Day: 26}, Items: []bot.Item{{Rank: 1, Paper: hostilePaper()}, {Rank: 2, Paper: hostilePaper()}}}
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: Name, ID: "stdout"}}
	h, err := c.Send(context.Background(), &bot.Message{Key: "h:1", Channel: ch, Digest: d})
	if err != nil || h.ThreadID == "" {
		t.Fatalf("header: %+v %v", h, err)
	}
	if _, err := c.Send(context.Background(), &bot.Message{Key: "i:1", Channel: ch, Digest: d, Item: &d.Items[0], Thread: h}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "continuing") {
		t.Errorf("continuation line within one run:\n%s", out.String())
	}
	// A new process resumes the thread: it says which thread it continues.
	out.Reset()
	c2 := New(&out, false)
	s, err := c2.Send(context.Background(), &bot.Message{Key: "i:2", Channel: ch, Digest: d, Item: &d.Items[1], Thread: h, Resumed: true})
	if err != nil || s.ThreadID != h.ThreadID {
		t.Fatalf("resumed item: %+v %v", s, err)
	}
	if !strings.HasPrefix(out.String(), "… continuing Daily Papers · Thu 26 Nov 2026 · 2 papers\n\n 2. ") {
		t.Errorf("resumed output:\n%s", out.String())
	}
	if _, found, _ := c2.Find(context.Background(), &bot.Message{Key: "i:2"}); found {
		t.Error("the console cannot find past messages")
	}
}

func TestPaceWaitsAndStopsOnCancel(t *testing.T) {
	c := New(&bytes.Buffer{}, false)
	c.Pace = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &bot.Digest{}
	if _, err := c.Send(ctx, &bot.Message{Key: "h", Digest: d}); err == nil {
		t.Fatal("a cancelled send during the pause returned no error")
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred\x1b[0m", "\x1b]0;title\x07x", "\x1b]8;;http://e\x1b\\link", "\u009b2J", "\x1b", "a\u202eb", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q: %q", s, out)
		}
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
				t.Fatalf("control character %U left in %q (from %q)", r, out, s)
			}
		}
	})
}

func TestHighlight(t *testing.T) {
	l := bot.Line{{Text: "We route "}, {Text: "tokens", Bold: true}, {Text: " to \x1b[31mexperts"}}
	if got := New(nil, false).Highlight(l); got != "We route TOKENS to experts" {
		t.Errorf("plain: %q", got)
	}
	if got := New(nil, true).Highlight(l); got != "We route "+boldYellow+"tokens"+reset+" to experts" {
		t.Errorf("colour: %q", got)
	}
}

// TestUntitledPaper: a paper whose title is blank (or only invisible
// characters) is shown with its rank as "Untitled (arXiv:ID)", never as
// an item without a title line.
func TestUntitledPaper(t *testing.T) {
	for _, title := range []string{"", " \t\n", "\u200b\u200c\ufeff", "\x1b[2J"} {
		p := hostilePaper()
		p.Title = title
		var b strings.Builder
		New(nil, false).RenderItem(&b, bot.Item{Rank: 7, Paper: p})
		if first := strings.SplitN(b.String(), "\n", 2)[0]; first != " 7. Untitled (arXiv:2608.20335)" {
			t.Errorf("title %q: first line %q", title, first)
		}
	}
	var b strings.Builder
	p := hostilePaper()
	p.Title = "Trans\u00adformers \u200bat scale"
	New(nil, false).RenderItem(&b, bot.Item{Rank: 1, Paper: p})
	if first := strings.SplitN(b.String(), "\n", 2)[0]; first != " 1. Transformers at scale" {
		t.Errorf("first line %q", first)
	}
}
