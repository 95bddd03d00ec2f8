package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// Links from paper data never unfurl, never invite and always work; a
// label never shows one address and leads to another; no paper is shown
// without a title.

func TestRenderPaperListLinks(t *testing.T) {
	p := func(id, title string) bot.Paper { return bot.Paper{ID: id, Title: title, Upvotes: 3} }
	r := bot.Reply{Title: "Papers", Papers: []bot.Paper{
		p("2608.19880", "evil.example/login for your results"),
		p("2608.19881", " \u200b "),
		p("2608.19882", "https://evil.example/x_y"),
		p("2608.19883", "Plain **title**"),
	}}
	m := renderReply(r)
	want := []string{
		"**Papers**",
		"1. evil.example/login for your results [Hugging Face](<https://huggingface.co/papers/2608.19880>) · 3 upvotes",
		"2. [Untitled (arXiv:2608.19881)](<https://huggingface.co/papers/2608.19881>) · 3 upvotes",
		"3. <https://evil.example/x_y> [Hugging Face](<https://huggingface.co/papers/2608.19882>) · 3 upvotes",
		`4. [Plain \*\*title\*\*](<https://huggingface.co/papers/2608.19883>) · 3 upvotes`,
	}
	if diff := cmp.Diff(want, strings.Split(m.Content, "\n")); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	if strings.Contains(m.Content, "[](") || m.Flags&discordgo.MessageFlagsSuppressEmbeds == 0 {
		t.Errorf("empty link or previews not suppressed: flags %d %q", m.Flags, m.Content)
	}
}

func TestRenderLineLinks(t *testing.T) {
	hf := "https://huggingface.co/papers/2608.19880"
	tests := []struct {
		name string
		line bot.Line
		want string
	}{
		{"bold with a URL loses its markers", bot.Line{bot.Text("see "), bot.Bold("https://x.org/a_b"), bot.Text(" now")},
			"see <https://x.org/a_b> now"},
		{"bold without one keeps them", bot.Line{bot.Bold("a_b")}, `**a\_b**`},
		{"highlighted invite", bot.Line{bot.Bold("discord.gg/abc")}, `**discord\.gg/abc**`},
		{"code", bot.Line{bot.Code("/papers search")}, "`/papers search`"},
		{"code defuses", bot.Line{bot.Code("@everyone `x`")}, "`@\u200beveryone ˋxˋ`"},
		{"code with a URL is text", bot.Line{bot.Code("id:https://huggingface.co/papers/1")}, "id:<https://huggingface.co/papers/1>"},
		{"code with an invite is text", bot.Line{bot.Code("https://discord.gg/x_y")}, `https\://discord\.gg/x\_y`},
		{"code of nothing", bot.Line{bot.Text("a "), bot.Code("\u200b\u2060"), bot.Text(" b")}, "a b"},
		{"masked link", bot.Line{bot.Link("Look it up", hf)}, "[Look it up](<" + hf + ">)"},
		{"label that looks like an address", bot.Line{bot.Link("huggingface.co/papers/9999.99999", hf)},
			"huggingface.co/papers/9999.99999 [Hugging Face](<" + hf + ">)"},
		{"label holding a URL", bot.Line{bot.Link("see https://evil.example", "https://example.org/a")},
			"see <https://evil.example> [link](<https://example.org/a>)"},
		{"link nowhere", bot.Line{bot.Link("x", "javascript:alert(1)")}, "x"},
		{"link with an empty label", bot.Line{bot.Link("\u200b", hf)}, "[Hugging Face](<" + hf + ">)"},
	}
	for _, tt := range tests {
		if got := renderLine(tt.line); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRenderCardTitles(t *testing.T) {
	for _, tc := range []struct {
		title, want string
		linked      bool
	}{
		{"A Plain Paper", "A Plain Paper", true},
		{"https://evil.example/login", "<https://evil.example/login>", false},
		{"www.evil.example", "www.evil.example", false},
		{"Join discord.gg/abc", `Join discord\.gg/abc`, false},
		{"\u200b\u2060", "Untitled (arXiv:2608.19880)", true},
		{"", "Untitled (arXiv:2608.19880)", true},
	} {
		p := hostile.Plain()
		p.Title = tc.title
		m := renderReply(bot.Reply{Papers: []bot.Paper{p}})
		e := m.Embeds[0]
		if e.Title != tc.want || (e.URL != "") != tc.linked {
			t.Errorf("title %q: card title %q linked to %q, want %q linked %v", tc.title, e.Title, e.URL, tc.want, tc.linked)
		}
		if m.Flags != 0 {
			t.Errorf("title %q: a card sent with flags %d (SUPPRESS_EMBEDS would hide it)", tc.title, m.Flags)
		}
		if b := renderButtons(m); len(b) == 0 || b[0].Label != "Hugging Face" || b[0].URL != p.HuggingFaceURL() {
			t.Errorf("title %q: buttons %+v", tc.title, b)
		}
		item := renderItem(bot.Item{Rank: 4, Paper: p}, "k")
		if got := item.Embeds[0].Title; got != "4. "+tc.want || (item.Embeds[0].URL != "") != tc.linked || item.Flags != 0 {
			t.Errorf("title %q: item title %q, url %q, flags %d", tc.title, got, item.Embeds[0].URL, item.Flags)
		}
	}
}

// What Discord receives from a day with links in every text field: the
// cards carry them as links without previews and are not suppressed; the
// replies without a card are sent with SUPPRESS_EMBEDS, both as the
// immediate reply, the edit of a deferred one and a direct message.
func TestLinksThroughFake(t *testing.T) {
	e := newEnv(t, allPerms)
	ps := testsupport.Papers(listDay, 2)
	ps[0].Title = "Diffusion, see https://github.com/a/b_c"
	ps[0].AISummary = "Code at https://github.com/a/b_c, chat at https://discord.gg/abc_d (join!)."
	ps[0].Authors = []string{"Ann https://evil.example/a_b", "Bob"}
	ps[1].Title = "evil.example/login diffusion"
	e.src.Lists[listDay] = ps
	if _, err := e.digest(textID); err != nil {
		t.Fatal(err)
	}
	_, items := e.thread(textID)
	em := items[0].Embeds[0]
	if items[0].Flags != 0 || items[1].Flags != 0 {
		t.Errorf("cards sent with flags %d, %d", items[0].Flags, items[1].Flags)
	}
	if em.Title != "1. Diffusion, see <https://github.com/a/b_c>" || em.URL != "" {
		t.Errorf("title %q links to %q", em.Title, em.URL)
	}
	if want := `Code at <https://github.com/a/b_c>, chat at https\://discord\.gg/abc\_d (join!).`; em.Description != want {
		t.Errorf("description %q\nwant        %q", em.Description, want)
	}
	if got := em.Fields[0].Value; got != "Ann <https://evil.example/a_b>, Bob" {
		t.Errorf("authors %q", got)
	}
	if items[1].Embeds[0].URL != "" || !strings.Contains(string(items[1].Components), `"label":"Hugging Face"`) {
		t.Errorf("a title that looks like an address is linked: %+v", items[1].Embeds[0])
	}

	// Replies: a search page and a card (deferred, then edited), help (at once).
	edits := func(before int) [][]byte {
		var out [][]byte
		for _, r := range e.srv.InteractionResponses()[before:] {
			if r.Kind == "edit" || r.Kind == "callback" && r.Type == int(discordgo.InteractionResponseChannelMessageWithSource) {
				out = append(out, r.Data)
			}
		}
		return out
	}
	n := len(e.srv.InteractionResponses())
	a := e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("search", opt("query", "diffusion")))
	if !strings.Contains(a.Content, "[Hugging Face](<https://huggingface.co/papers/2611.00101>)") || bareURL.MatchString(a.Content) {
		t.Errorf("search page: %s", a.Content)
	}
	if got := edits(n); len(got) != 1 || !suppressed(t, got[0]) {
		t.Errorf("search page sent without SUPPRESS_EMBEDS: %s", got)
	}
	n = len(e.srv.InteractionResponses())
	e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("paper", opt("id", "2611.00100")))
	if got := edits(n); len(got) != 1 || suppressed(t, got[0]) || !strings.Contains(string(got[0]), `"embeds":[{`) {
		t.Errorf("card: %s", got)
	}
	n = len(e.srv.InteractionResponses())
	e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("help"))
	if got := edits(n); len(got) != 1 || !suppressed(t, got[0]) || !strings.Contains(string(got[0]), `"flags":68`) {
		t.Errorf("help (ephemeral and suppressed, 64|4): %s", got)
	}

	// A direct message listing the papers.
	u := bot.UserRef{Platform: Name, ID: memberID}
	dm := &bot.DirectMessage{Key: "alert:1:0", Reply: bot.Reply{Title: "New papers", Papers: ps}}
	if _, err := e.d.SendDM(context.Background(), u, "", dm); err != nil {
		t.Fatal(err)
	}
	dms := e.srv.DMs(memberID)
	if len(dms) != 1 || dms[0].Flags&int(discordgo.MessageFlagsSuppressEmbeds) == 0 || bareURL.MatchString(dms[0].Content) ||
		!strings.Contains(dms[0].Content, "2. evil.example/login diffusion [Hugging Face](<https://huggingface.co/papers/2611.00101>)") {
		t.Fatalf("DM: %+v", dms)
	}
	noBadRequest(t, e.srv)
}

// A title of characters outside the BMP is within the title limit when its
// UTF-16 units are: exactly at the limit it is sent whole, one unit over it
// is cut between two characters with "…" (the fake, which counts units,
// refuses 257).
func TestAstralTitleAtTheLimit(t *testing.T) {
	e := newEnv(t, allPerms)
	ps := testsupport.Papers(listDay, 2)
	atLimit := strings.Repeat("\U0001D400", 126) + "a" // "1. " + 253 units = 256
	over := strings.Repeat("\U0001D400", 127)          // "2. " + 254 units = 257, 130 code points
	ps[0].Title, ps[1].Title = atLimit, over
	e.src.Lists[listDay] = ps
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	noBadRequest(t, e.srv)
	_, items := e.thread(textID)
	if got := items[0].Embeds[0].Title; got != "1. "+atLimit || bot.Length(got) != maxTitle {
		t.Errorf("title at the limit: %d units, %q", bot.Length(got), got)
	}
	got := items[1].Embeds[0].Title
	head, cut := strings.CutSuffix(got, "…")
	if !cut || bot.Length(got) > maxTitle || !strings.HasPrefix("2. "+over, head) || bot.Length(head) < maxTitle-2 {
		t.Errorf("title one unit over: %d units, %q", bot.Length(got), got)
	}
}

// Content that does not fit loses whole lines from the end, never part of
// one (a cut line could end inside a link or a bold span), and says how
// many.
func TestFitLinesDropsWholeLines(t *testing.T) {
	line := func(i int) string {
		return fmt.Sprintf("%d. [🧪 title %d](<https://huggingface.co/papers/2608.%05d>) · 1 upvote", i, i, i)
	}
	var lines []string
	for i := 1; i <= 40; i++ {
		lines = append(lines, line(i))
	}
	for _, max := range []int{30, 100, 500, 2000} {
		got := fitLines(lines, max)
		if bot.Length(got) > max {
			t.Fatalf("max %d: %d characters", max, bot.Length(got))
		}
		parts := strings.Split(got, "\n")
		last := parts[len(parts)-1]
		kept := parts[:len(parts)-1]
		if want := fmt.Sprintf("… (%d more lines)", len(lines)-len(kept)); last != want {
			t.Errorf("max %d: last line %q, want %q", max, last, want)
		}
		for i, l := range kept {
			if l != lines[i] {
				t.Errorf("max %d: line %d is %q, want %q", max, i, l, lines[i])
			}
		}
	}
	if got := fitLines([]string{strings.Repeat("x", 3000), "short"}, 2000); got != "… (2 more lines)" {
		t.Errorf("a first line too long: %q", got)
	}
	if got := fitLines([]string{"a", strings.Repeat("x", 3000)}, 2000); got != "a\n… (1 more line)" {
		t.Errorf("one line dropped: %q", got)
	}
	if got := fitLines(lines[:3], 2000); got != strings.Join(lines[:3], "\n") {
		t.Errorf("lines that fit: %q", got)
	}
}

// Discord's validLink is bot.ValidLink, no more: its links go in JSON
// fields of their own, so a character only Slack's markup cannot hold is
// no reason to leave one out.
func TestValidLinkKeepsWhatOnlySlackRefuses(t *testing.T) {
	for _, u := range []string{"https://example.org/a|b", "https://example.org/{x}", "https://example.org/a^b"} {
		if !validLink(u, maxButtonURL, false) {
			t.Errorf("%q refused", u)
		}
	}
	if validLink("https://u:p@example.org/", maxButtonURL, false) {
		t.Error("a URL with user info accepted")
	}
}
