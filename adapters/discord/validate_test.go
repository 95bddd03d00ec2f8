package discord

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// The renderer keeps every body within Discord's limits, so no input can
// be crafted that it renders invalid; these tests break bodies on purpose
// (Discord.testMangle) to show what the check before every send does: the
// fake never receives an invalid body, a digest item becomes a minimal
// card and the rest of the thread is posted, a reply becomes a short
// apology, and one ERROR line names the field.

// astralTitle is 129 characters outside the BMP: 258 UTF-16 units, fewer
// code points than the 256 of an embed title.
var astralTitle = strings.Repeat("\U0001D400", 129)

// noBadRequest fails if the fake answered any request with a 400: the
// adapter sent something Discord refuses.
func noBadRequest(t *testing.T, srv *discordfake.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Status == 400 {
			t.Errorf("the fake refused %s %s: %s", r.Method, r.Path, r.Body)
		}
	}
}

// errorLines returns the log's ERROR lines.
func errorLines(logs string) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "level=ERROR") {
			out = append(out, l)
		}
	}
	return out
}

func TestInvalidItemSentAsMinimalCard(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 3)
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if !fallback && len(m.Embeds) == 1 && strings.HasPrefix(m.Embeds[0].Title, "2. ") {
			m.Embeds[0].Title = astralTitle
		}
	}
	res, err := e.digest(textID)
	if err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	noBadRequest(t, e.srv)
	_, msgs := e.thread(textID)
	if len(msgs) != 3 {
		t.Fatalf("%d messages in the thread, want all 3", len(msgs))
	}
	assertOnce(t, msgs, false, 3)
	// The second is the minimal card: title, link, id and reference, the
	// id's buttons; no summary, fields or thumbnail.
	em := msgs[1].Embeds[0]
	key := bot.ItemKey(bot.ChannelRef{Platform: Name, ID: textID}, "2611.00101")
	if em.Title != "2. Paper number 2 on diffusion" || em.URL != "https://huggingface.co/papers/2611.00101" ||
		em.Footer == nil || em.Footer.Text != "arXiv 2611.00101 · "+refFor(key) ||
		em.Description != "" || len(em.Fields) != 0 || em.Thumbnail != nil {
		t.Errorf("minimal card: %+v footer %+v", em, em.Footer)
	}
	if msgs[1].Nonce != nonceFor(key) || !msgs[1].EnforceNonce {
		t.Errorf("minimal card nonce %q, want %q enforced", msgs[1].Nonce, nonceFor(key))
	}
	if got := string(msgs[1].Components); !strings.Contains(got, `"label":"Hugging Face"`) || !strings.Contains(got, `"label":"PDF"`) || strings.Contains(got, "github") {
		t.Errorf("minimal card buttons: %s", got)
	}
	// The full cards around it are untouched.
	if msgs[0].Embeds[0].Description == "" || msgs[2].Embeds[0].Description == "" {
		t.Error("the other items lost their summaries")
	}
	errs := errorLines(e.logs.String())
	if len(errs) != 1 || !strings.Contains(errs[0], `field="embed 0 title"`) || !strings.Contains(errs[0], "paper_id=2611.00101") ||
		!strings.Contains(errs[0], "258 characters (max 256)") {
		t.Fatalf("want one ERROR line naming the title of paper 2611.00101, got %q", errs)
	}
	if strings.Contains(errs[0], "\U0001D400") {
		t.Errorf("the ERROR line holds the text: %s", errs[0])
	}
}

// A body whose minimal form is invalid too is not sent at all: an error
// names the fields, and Discord never sees it.
func TestInvalidItemAndFallbackNotSent(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 2)
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if len(m.Embeds) == 1 && strings.HasPrefix(m.Embeds[0].Title, "2. ") {
			m.AllowedMentions = nil // would ping whatever it mentions
		}
	}
	_, err := e.digest(textID)
	if err == nil || !strings.Contains(err.Error(), "allowed_mentions") || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("digest: %v, want an error naming allowed_mentions", err)
	}
	noBadRequest(t, e.srv)
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && !strings.Contains(string(r.Body), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("sent without allowed_mentions: %s", r.Body)
		}
	}
	if _, msgs := e.thread(textID); len(msgs) != 1 || !strings.HasPrefix(msgs[0].Embeds[0].Title, "1. ") {
		t.Fatalf("thread: %d messages, want only the first item", len(msgs))
	}
}

func TestInvalidHeaderSentMinimal(t *testing.T) {
	e := newEnv(t, allPerms)
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if !fallback && len(m.Embeds) == 1 && strings.HasPrefix(m.Embeds[0].Title, "Daily Papers") {
			m.Embeds[0].Description = strings.Repeat("🧪", 2049) // 4098 units
		}
	}
	for _, ch := range []string{textID, forumID} {
		if res, err := e.digest(ch); err != nil || res.Run.Outcome != bot.OutcomePosted {
			t.Fatalf("digest in %s: %+v %v", ch, res.Run, err)
		}
		th, msgs := e.thread(ch)
		var header discordfake.Message
		if ch == forumID {
			header = msgs[0]
		} else {
			header = e.srv.Messages(textID)[0]
		}
		if th.Name != "Daily Papers · Thu 26 Nov 2026" || header.Embeds[0].Title != "Daily Papers" || header.Embeds[0].Description != "" ||
			!strings.Contains(header.Embeds[0].Footer.Text, "ref pb") {
			t.Errorf("%s: thread %q, header %+v", ch, th.Name, header.Embeds[0])
		}
	}
	noBadRequest(t, e.srv)
	if errs := errorLines(e.logs.String()); len(errs) != 2 || !strings.Contains(errs[0], `field="embed 0 description"`) {
		t.Errorf("ERROR lines: %q", errs)
	}
}

func TestInvalidReplyAnswersApology(t *testing.T) {
	e := newEnv(t, allPerms)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 3), e.now); err != nil {
		t.Fatal(err)
	}
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if !fallback {
			m.Content = strings.Repeat("🧪", 1001) // 2002 units, 1001 code points
		}
	}
	for _, o := range []*discordgo.ApplicationCommandInteractionDataOption{sub("search", opt("query", "diffusion")), sub("help")} {
		a := e.command(memberID, discordgo.PermissionViewChannel, "papers", o)
		if a.Content != replyFallback().Content || len(a.Embeds) != 0 {
			t.Errorf("%s: the user saw %q", o.Name, a.Content)
		}
	}
	noBadRequest(t, e.srv)
	errs := errorLines(e.logs.String())
	if len(errs) != 2 || !strings.Contains(errs[0], `field=content`) || !strings.Contains(errs[0], "op=\"answer command\"") {
		t.Fatalf("ERROR lines: %q", errs)
	}
}

// A refusal (a server not enabled, a shutdown, an interaction that is not
// a paperboy command) is answered at once, without deferring: it too is
// checked before it is sent.
func TestInvalidRefusalAnswersApology(t *testing.T) {
	e := newEnv(t, allPerms)
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if !fallback {
			m.Content = strings.Repeat("🧪", 1001) // 2002 units, 1001 code points
		}
	}
	a := e.interactionFrom(foreignGuild, adminID, discordgo.PermissionAdministrator, "papers", sub("help"))
	if a.Type != discordgo.InteractionResponseChannelMessageWithSource || a.Content != replyFallback().Content {
		t.Errorf("the user saw %+v", a)
	}
	if !strings.Contains(a.Raw, `"flags":`+itoa(int(discordgo.MessageFlagsEphemeral|discordgo.MessageFlagsSuppressEmbeds))) {
		t.Errorf("the answer is not ephemeral: %s", a.Raw)
	}
	noBadRequest(t, e.srv)
	errs := errorLines(e.logs.String())
	if len(errs) != 1 || !strings.Contains(errs[0], `field=content`) || !strings.Contains(errs[0], `op="refuse interaction"`) {
		t.Fatalf("ERROR lines: %q", errs)
	}
}

func TestInvalidDMSentAsNotice(t *testing.T) {
	e := newEnv(t, allPerms)
	e.d.testMangle = func(m *createMessage, fallback bool) {
		if !fallback {
			m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{}} // an empty row
		}
	}
	u := bot.UserRef{Platform: Name, ID: memberID}
	m := &bot.DirectMessage{Key: "alert:9:0", Reply: bot.Reply{Title: "1 new paper", Lines: []bot.Line{{bot.Text("x")}}}}
	sent, err := e.d.SendDM(context.Background(), u, "", m)
	if err != nil {
		t.Fatal(err)
	}
	noBadRequest(t, e.srv)
	dms := e.srv.DMs(memberID)
	if len(dms) != 1 || !strings.HasPrefix(dms[0].Content, "paperboy had a message for you that could not be shown here") ||
		dmRefOf(&discordgo.Message{Content: dms[0].Content}) != refFor(m.Key) || dms[0].Nonce != nonceFor(m.Key) {
		t.Fatalf("DM: %+v", dms)
	}
	// After a restart it is found like any DM, by its reference.
	e.srv.ForgetNonces()
	if got, found, err := e.d.FindDM(context.Background(), u, "", m.Key); err != nil || !found || got != sent {
		t.Fatalf("FindDM: %+v %v %v", got, found, err)
	}
	if errs := errorLines(e.logs.String()); len(errs) != 1 || !strings.Contains(errs[0], `field="row 0"`) {
		t.Fatalf("ERROR lines: %q", errs)
	}
}

// validate never puts a value into its error (a URL may carry
// credentials, and the log is no place for a title).
func TestValidateNamesFieldsNotValues(t *testing.T) {
	secret := "https://user:hunter2@github.com/a"
	m := createMessage{
		Content: strings.Repeat("x", 2001),
		Embeds: []*discordgo.MessageEmbed{{Title: "t", URL: secret, Thumbnail: &discordgo.MessageEmbedThumbnail{URL: secret},
			Author: &discordgo.MessageEmbedAuthor{Name: "a", URL: secret}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "x", Style: discordgo.LinkButton, URL: secret}}}},
		AllowedMentions: noMentions(),
	}
	err := m.validate()
	if err == nil {
		t.Fatal("valid")
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "xxxx") {
		t.Errorf("the error holds a value: %v", err)
	}
	if got, want := invalidFields(err), "content, embed 0 url, embed 0 author url, embed 0 thumbnail, row 0 button 0 url"; got != want {
		t.Errorf("fields %q, want %q", got, want)
	}
}

// An error of a request never shows its URL: an interaction's holds its
// token.
func TestRequestErrorHidesURL(t *testing.T) {
	e := newEnv(t, allPerms)
	e.srv.AddRule(discordfake.Rule{Method: "PATCH", PathPrefix: "/webhooks/", DropBeforeApply: true})
	e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("status"))
	logs := e.logs.String()
	if !strings.Contains(logs, "could not answer an interaction") {
		t.Fatalf("no failure logged:\n%s", logs)
	}
	if strings.Contains(logs, "itoken-") {
		t.Errorf("an interaction token reached the log:\n%s", logs)
	}
}

// suppressed reports whether a recorded body (create or edit) sets
// SUPPRESS_EMBEDS.
func suppressed(t *testing.T, body []byte) bool {
	t.Helper()
	var b struct {
		Flags int `json:"flags"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	return b.Flags&int(discordgo.MessageFlagsSuppressEmbeds) != 0
}
