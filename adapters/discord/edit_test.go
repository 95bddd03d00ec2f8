package discord

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// refresher answers follow-up refreshes from memory.
type refresher struct {
	mu     sync.Mutex
	papers map[string]bot.Paper
	asked  map[string]int
}

func (r *refresher) Refresh(_ context.Context, id string) (bot.Paper, bot.Linked, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked[id]++
	p, ok := r.papers[id]
	if !ok {
		return bot.Paper{}, bot.Linked{}, bot.ErrNotFound
	}
	return p, bot.Linked{}, nil
}

// followupEnv posts a thread of codeless papers to the text channel and
// gives the bot follow-ups; the returned refresher holds what Hugging Face
// says of them now.
func followupEnv(t *testing.T) (*env, *refresher, []bot.Paper) {
	t.Helper()
	e := newEnv(t, allPerms)
	ps := testsupport.Papers(listDay, 3)
	for i := range ps {
		ps[i].GitHubRepo, ps[i].GitHubStars = "", 0
	}
	e.src.Lists[listDay] = ps
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	r := &refresher{papers: map[string]bot.Paper{}, asked: map[string]int{}}
	for _, p := range ps {
		r.papers[p.ID] = p
	}
	e.b.Followups = &bot.Followups{Refresher: r}
	return e, r, ps
}

func (e *env) runFollowups() error {
	return e.b.RunFollowups(context.Background(), time.Time{})
}

func patches(e *env) []discordfake.Request {
	var out []discordfake.Request
	for _, r := range e.srv.Requests() {
		if r.Method == "PATCH" && strings.Contains(r.Path, "/messages/") {
			out = append(out, r)
		}
	}
	return out
}

// The item message of a paper whose code came out is edited once: its card
// gains the Code button with the stars and an "Updated" field, keeps its
// reference, pings nobody, and nothing new is posted in the thread.
func TestFollowupEditShowsCodeOnDiscord(t *testing.T) {
	e, r, ps := followupEnv(t)
	_, before := e.thread(textID)
	p := ps[0]
	p.GitHubRepo, p.GitHubStars = "https://github.com/example/released", 150
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	_, after := e.thread(textID)
	if len(after) != len(before) {
		t.Fatalf("%d messages in the thread after the follow-up, %d before: an edit posts nothing", len(after), len(before))
	}
	if n := len(patches(e)); n != 1 {
		t.Fatalf("%d edits, want 1", n)
	}
	var edited discordfake.Message
	for _, m := range after {
		if !m.EditedTimestamp.IsZero() {
			edited = m
		}
	}
	if len(edited.Embeds) == 0 || !strings.Contains(edited.Embeds[0].Title, ps[0].Title) {
		t.Fatalf("the edited message is not the paper's card: %+v", edited)
	}
	comps := string(edited.Components)
	if !strings.Contains(comps, "https://github.com/example/released") || !strings.Contains(comps, "Code ★ 150") {
		t.Errorf("no Code button with stars: %s", comps)
	}
	var note *discordgo.MessageEmbedField
	for _, f := range edited.Embeds[0].Fields {
		if f.Name == "Updated" {
			note = f
		}
	}
	if note == nil || note.Value != "26 Nov: code released" {
		t.Errorf("update field %+v", note)
	}
	if f := edited.Embeds[0].Footer; f == nil || !strings.Contains(f.Text, refFor(bot.ItemKey(bot.ChannelRef{Platform: Name, ID: textID}, p.ID))) {
		t.Errorf("the card lost its reference: %+v", f)
	}
	if !strings.HasPrefix(string(edited.AllowedMentions), `{"parse":[],`) {
		t.Errorf("allowed_mentions %s", edited.AllowedMentions)
	}
	// Nothing changed since: no request, no edit; a refresh is not due
	// for another 6 hours.
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	if n := len(patches(e)); n != 1 || r.asked[p.ID] != 1 {
		t.Errorf("after a second turn: %d edits, %d refreshes; want 1 and 1", n, r.asked[p.ID])
	}
}

// A message that was deleted is recorded as gone and never tried again.
func TestFollowupDeletedMessageOnDiscord(t *testing.T) {
	e, r, ps := followupEnv(t)
	th, msgs := e.thread(textID)
	var target string
	for _, m := range msgs {
		if len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Title, ps[1].Title) {
			target = m.ID
		}
	}
	if err := e.d.s.ChannelMessageDelete(th.ID, target); err != nil {
		t.Fatal(err)
	}
	p := ps[1]
	p.GitHubRepo = "https://github.com/example/late"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	item := bot.ChannelRef{Platform: Name, ID: textID}
	rows, _, _, err := e.db.FollowupReport(context.Background(), item, e.now.Add(-time.Hour))
	if err != nil || len(rows) != 1 || rows[0].State != bot.FollowGone || !strings.Contains(rows[0].Error, "10008") {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	n := len(patches(e))
	p.GitHubStars = 5000
	r.papers[p.ID] = p
	e.b.Clock = testsupport.FixedClock{T: e.now.Add(7 * time.Hour)} // due for a refresh again
	for i := 0; i < 3; i++ {
		if err := e.runFollowups(); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(patches(e)); got != n {
		t.Errorf("%d more edits of a deleted message", got-n)
	}
}

// An archived thread is reopened for the edit.
func TestFollowupEditInArchivedThread(t *testing.T) {
	e, r, ps := followupEnv(t)
	th, _ := e.thread(textID)
	if !e.srv.ArchiveThread(th.ID) {
		t.Fatal("could not archive")
	}
	p := ps[2]
	p.GitHubRepo = "https://github.com/example/x"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	rows, _, _, _ := e.db.FollowupReport(context.Background(), bot.ChannelRef{Platform: Name, ID: textID}, e.now.Add(-time.Hour))
	if len(rows) != 1 || rows[0].State != bot.FollowSent {
		t.Fatalf("rows %+v", rows)
	}
	if ch, _ := e.srv.Channel(th.ID); ch.Archived {
		t.Errorf("the thread is still archived")
	}
}

// Without access to the channel any more, the follow-ups stop there with
// the reason status shows, and are not tried again until an admin acts.
func TestFollowupMissingPermissionOnDiscord(t *testing.T) {
	e, r, ps := followupEnv(t)
	e.srv.AddChannel(discordfake.Channel{ID: textID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9200", Type: discordgo.PermissionOverwriteTypeRole,
			Deny: discordgo.PermissionViewChannel}}})
	p := ps[0]
	p.GitHubRepo = "https://github.com/example/y"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	ref := bot.ChannelRef{Platform: Name, ID: textID}
	rows, stopped, _, err := e.db.FollowupReport(context.Background(), ref, e.now.Add(-time.Hour))
	if err != nil || !strings.Contains(stopped, "View Channel") || len(rows) != 1 || rows[0].State != bot.FollowPlanned {
		t.Fatalf("stopped %q, rows %+v, %v", stopped, rows, err)
	}
	n := len(patches(e))
	for i := 0; i < 3; i++ {
		if err := e.runFollowups(); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(patches(e)); got != n {
		t.Errorf("%d more edits while stopped", got-n)
	}
	// The admin fixes it and runs /papers-admin channel set: it goes out.
	e.srv.AddChannel(discordfake.Channel{ID: textID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	if err := e.db.ResumeFollowups(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	rows, stopped, _, _ = e.db.FollowupReport(context.Background(), ref, e.now.Add(-time.Hour))
	if stopped != "" || rows[0].State != bot.FollowSent {
		t.Errorf("after resuming: stopped %q, rows %+v", stopped, rows)
	}
}

// A 429 on the edit is waited out (retry_after) and the edit goes through.
func TestFollowupRateLimitedEditOnDiscord(t *testing.T) {
	e, r, ps := followupEnv(t)
	var waits []time.Duration
	e.d.opts.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	e.srv.AddRule(discordfake.Rule{Method: "PATCH", Times: 1, RetryAfter: 1500 * time.Millisecond})
	p := ps[0]
	p.GitHubRepo = "https://github.com/example/z"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	if len(waits) == 0 || waits[0] < 1500*time.Millisecond {
		t.Errorf("waits %v, want the 1.5 s retry_after first", waits)
	}
	rows, _, _, _ := e.db.FollowupReport(context.Background(), bot.ChannelRef{Platform: Name, ID: textID}, e.now.Add(-time.Hour))
	if len(rows) != 1 || rows[0].State != bot.FollowSent {
		t.Fatalf("rows %+v", rows)
	}
}

// In reply mode one short reply goes into the thread, carrying the batch's
// reference; after a lost answer it is found, not posted twice.
func TestFollowupReplyOnDiscord(t *testing.T) {
	e, r, ps := followupEnv(t)
	ch := e.channel(textID)
	ch.Settings.OnUpdate = bot.OnUpdateReply
	if err := e.db.SaveChannel(context.Background(), ch, e.now); err != nil {
		t.Fatal(err)
	}
	_, before := e.thread(textID)
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Times: 1, DropAfterApply: true, ForgetNonce: true})
	p := ps[0]
	p.Version, p.Title = 2, "A new title <@&123> **bold**"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, rq := range e.srv.Requests() {
		if rq.Method == "POST" && rq.Dropped {
			dropped++
		}
	}
	if dropped != 1 {
		t.Fatalf("%d answers lost, want the reply's", dropped)
	}
	_, after := e.thread(textID)
	if len(after) != len(before)+1 {
		t.Fatalf("%d new messages, want one reply", len(after)-len(before))
	}
	reply := after[len(after)-1]
	desc := reply.Embeds[0].Description
	if !strings.Contains(desc, "v2 with a new title (was “Paper number 1 on diffusion”)") {
		t.Errorf("reply: %q", desc)
	}
	if title := reply.Embeds[0].Title; strings.Contains(title, "**bold**") || !strings.Contains(title, "A new title") {
		t.Errorf("the new title is not shown escaped: %q", title)
	}
	if !strings.HasPrefix(string(reply.AllowedMentions), `{"parse":[],`) {
		t.Errorf("allowed_mentions %s", reply.AllowedMentions)
	}
	if len(patches(e)) != 0 {
		t.Errorf("reply mode edited the item")
	}
	rows, _, _, _ := e.db.FollowupReport(context.Background(), ch.ChannelRef, e.now.Add(-time.Hour))
	if len(rows) != 1 || rows[0].State != bot.FollowSent || rows[0].Sent.MessageID != reply.ID {
		t.Fatalf("rows %+v, reply %s", rows, reply.ID)
	}
}

// What comes from outside in an update (a venue from the authors'
// comments, a replaced title) is escaped like every text: no ping, no
// invite, no link preview, no markdown; the body keeps Discord's limits.
func TestFollowupNoteIsEscapedOnDiscord(t *testing.T) {
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: Name, ID: textID}, Settings: bot.DefaultSettings("UTC")}
	p := testsupport.Papers(listDay, 1)[0]
	p.Title = strings.Repeat("𝔸", 300) // over the title limit in UTF-16 units
	d := &bot.Digest{ListDate: listDay, Items: []bot.Item{{Rank: 1, Paper: p}}}
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m := &bot.FollowupMessage{Key: "u:k", Channel: ch, Digest: d, Item: &d.Items[0], ItemKey: "i:k", At: at,
		Notes: []bot.Followup{
			{Change: bot.Change{Kind: bot.FollowVenue, Detail: "Accepted at @everyone https://x.org/a_b discord.gg/abc **NeurIPS**"}, Created: at},
			{Change: bot.Change{Kind: bot.FollowVersion, Value: 2, Detail: "<@123> old [title](https://evil.example)"}, Created: at},
		}}
	for name, c := range map[string]createMessage{"edit": renderEditedItem(m), "reply": renderFollowupReply(m)} {
		if err := c.validate(); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var text string
		for _, e := range c.Embeds {
			text += e.Description
			for _, f := range e.Fields {
				text += f.Value
			}
		}
		unescaped := strings.ReplaceAll(text, `\<@`, "")
		for _, bad := range []string{"@everyone", "<@123>", "](https://evil.example)", "**NeurIPS**", " https://x.org/a_b"} {
			if strings.Contains(unescaped, bad) {
				t.Errorf("%s: %q is not defused in %q", name, bad, text)
			}
		}
		if !strings.Contains(text, "<https://x.org/a_b>") {
			t.Errorf("%s: a link in a venue must not unfurl: %q", name, text)
		}
	}
}

// A digest due now goes first: with the next digest due, a turn of
// follow-ups starts nothing (the daemon passes that time as the deadline).
func TestFollowupWaitsForDueDigest(t *testing.T) {
	e, r, ps := followupEnv(t)
	p := ps[0]
	p.GitHubRepo = "https://github.com/example/later"
	r.papers[p.ID] = p
	if err := e.b.RunFollowups(context.Background(), e.now); err != nil {
		t.Fatal(err)
	}
	if len(r.asked) != 0 || len(patches(e)) != 0 {
		t.Fatalf("with a digest due: %d refreshes, %d edits", len(r.asked), len(patches(e)))
	}
	if err := e.b.RunFollowups(context.Background(), e.now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r.asked[p.ID] != 1 || len(patches(e)) != 1 {
		t.Fatalf("with time before the next digest: %d refreshes, %d edits", r.asked[p.ID], len(patches(e)))
	}
}
