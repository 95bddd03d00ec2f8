package slack

import (
	"context"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// astral is n characters outside the BMP: 2n UTF-16 units.
func astral(n int) string { return strings.Repeat("𝐀", n) }

// TestLimitsCountUTF16 sends titles of astral characters at and one unit
// over Slack's limits through the fake, which counts UTF-16 units: nothing
// is refused, and what is cut is cut between characters with "…".
func TestLimitsCountUTF16(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A reply title fills a header block (150) exactly, or becomes a bold
	// section when one unit too long.
	for _, tc := range []struct {
		title  string
		header bool
	}{{astral(75), true}, {astral(75) + "x", false}} {
		m := renderReply(bot.Reply{Title: tc.title, Lines: []bot.Line{{bot.Text("x")}}})
		_, isHeader := m.Blocks[0].(*slackgo.HeaderBlock)
		if isHeader != tc.header {
			t.Errorf("title of %d units: header %v, want %v", bot.Length(tc.title), isHeader, tc.header)
		}
		if _, err := e.s.SendDM(ctx, bot.UserRef{Platform: Name, ID: memberUser}, "", &bot.DirectMessage{Key: "k" + tc.title, Reply: bot.Reply{Title: tc.title}}); err != nil {
			t.Errorf("title of %d units refused: %v", bot.Length(tc.title), err)
		}
	}
	// A summary of 3000 units, and over it, in a card.
	ps := testsupport.Papers(listDay, 2)
	ps[0].AISummary = astral(1500)
	ps[1].AISummary = astral(1500) + "x"
	ps[1].Title = astral(400)
	e.src.Lists[listDay] = ps
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, replies := e.thread()
	if len(replies) != 2 {
		t.Fatalf("%d replies", len(replies))
	}
	text := texts(replies[1].Blocks)
	if !strings.Contains(text, "𝐀…") || strings.Contains(text, "\ufffd") {
		t.Errorf("a long astral title is not cut between characters: %.200s", text)
	}
	for _, r := range e.srv.Requests() {
		if r.Status != 0 && r.Status != 200 {
			t.Errorf("%s answered %d", r.Method, r.Status)
		}
	}
}

// TestInvalidBodyFallsBack: a message that would break a limit is never
// sent. A card becomes a minimal one (the thread goes on, one ERROR line
// names the field); if even the minimal one is invalid, nothing is sent
// and the error says so.
func TestInvalidBodyFallsBack(t *testing.T) {
	e := newEnv(t)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 3)
	e.s.mangle = func(what string, m *message) {
		if what == "post" && strings.Contains(m.Text, "Paper number 2") {
			m.Blocks = append(m.Blocks, &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(strings.Repeat("a", maxSectionText+1))})
		}
	}
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted || res.Run.Papers != 3 {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, replies := e.thread()
	if len(replies) != 3 {
		t.Fatalf("%d replies, want the 3 cards", len(replies))
	}
	second := texts(replies[1].Blocks)
	if !strings.Contains(second, "Paper number 2") || strings.Contains(second, "aaaa") || replies[1].PayloadField("key") == "" {
		t.Errorf("the second card is not the minimal one: %s", replies[1].Blocks)
	}
	if !strings.Contains(e.logs.String(), "level=ERROR") || !strings.Contains(e.logs.String(), "has 3001 characters (max 3000)") {
		t.Errorf("no ERROR line names the field:\n%s", e.logs.String())
	}
	for _, r := range e.srv.Requests() {
		if strings.Contains(string(r.Body)+r.Params.Get("blocks"), "aaaaaaaaaa") {
			t.Errorf("the invalid body reached Slack")
		}
	}

	// The minimal message is invalid too: nothing is sent.
	e.s.mangle = func(what string, m *message) { m.Text, m.Blocks = "", nil }
	before := len(e.srv.Requests())
	_, err := e.s.SendDM(context.Background(), bot.UserRef{Platform: Name, ID: memberUser}, "", &bot.DirectMessage{Key: "dm", Reply: bot.Reply{Title: "x"}})
	if err == nil || !strings.Contains(err.Error(), "not sent") || !strings.Contains(err.Error(), "message is empty") {
		t.Errorf("error %v", err)
	}
	for _, r := range e.srv.Requests()[before:] {
		if r.Method == "chat.postMessage" {
			t.Errorf("an invalid message was posted")
		}
	}
}

// TestResponseURLNotLogged: the response_url of a command is a bearer URL
// (anyone holding it may answer as the bot for 30 minutes); a failed
// answer through it is logged without it.
func TestResponseURLNotLogged(t *testing.T) {
	e := newEnv(t)
	secret := "http://127.0.0.1:1/commands/T100/123/SeCrEtHoOk"
	e.s.reply(context.Background(), secret, channelID, memberUser, renderReply(bot.Reply{Title: "x"}))
	if strings.Contains(e.logs.String(), "SeCrEtHoOk") || !strings.Contains(e.logs.String(), "could not answer through response_url") {
		t.Errorf("logs:\n%s", e.logs.String())
	}
}
