package slack

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// refresher answers follow-up refreshes from memory.
type refresher struct {
	mu     sync.Mutex
	papers map[string]bot.Paper
	linked map[string]bot.Linked
}

func (r *refresher) Refresh(_ context.Context, id string) (bot.Paper, bot.Linked, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.papers[id]
	if !ok {
		return bot.Paper{}, bot.Linked{}, bot.ErrNotFound
	}
	return p, r.linked[id], nil
}

// followupEnv posts a thread of codeless papers to the channel and gives
// the bot follow-ups.
func followupEnv(t *testing.T) (*env, *refresher, []bot.Paper) {
	t.Helper()
	e := newEnv(t)
	ps := testsupport.Papers(listDay, 3)
	for i := range ps {
		ps[i].GitHubRepo, ps[i].GitHubStars = "", 0
	}
	e.src.Lists[listDay] = ps
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	r := &refresher{papers: map[string]bot.Paper{}, linked: map[string]bot.Linked{}}
	for _, p := range ps {
		r.papers[p.ID] = p
	}
	e.b.Followups = &bot.Followups{Refresher: r}
	return e, r, ps
}

func (e *env) runFollowups() error { return e.b.RunFollowups(context.Background(), time.Time{}) }

func (e *env) requests(method string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

func (e *env) followups() []bot.Followup {
	e.t.Helper()
	rows, _, _, err := e.db.FollowupReport(context.Background(), bot.ChannelRef{Platform: Name, ID: channelID}, e.now.Add(-time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// chat.update gives the card its Code button and the update line, with the
// same metadata, within Slack's limits; nothing new is posted.
func TestFollowupEditShowsCodeOnSlack(t *testing.T) {
	e, r, ps := followupEnv(t)
	_, before := e.thread()
	p := ps[0]
	p.GitHubRepo, p.GitHubStars = "https://github.com/example/released", 150
	p.ArxivComment = "Accepted at NeurIPS 2026 <!channel>"
	r.papers[p.ID] = p
	r.linked[p.ID] = bot.Linked{Models: 2}
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	_, after := e.thread()
	if len(after) != len(before) || e.requests("chat.update") != 1 {
		t.Fatalf("%d replies (was %d), %d updates; want the same replies and one update", len(after), len(before), e.requests("chat.update"))
	}
	var edited slackfake.Message
	for _, m := range after {
		if m.EditedTS != "" {
			edited = m
		}
	}
	blocks := string(edited.Blocks)
	if !strings.Contains(blocks, "https://github.com/example/released") || !strings.Contains(blocks, "Code ★ 150") {
		t.Errorf("no Code button: %s", blocks)
	}
	note := mrkdwnTexts(edited.Blocks)
	for _, want := range []string{"*Updated* 26 Nov: code released", "2 models on Hugging Face", "Accepted at NeurIPS 2026 &lt;!channel&gt;"} {
		if !strings.Contains(note, want) {
			t.Errorf("the card lacks %q: %s", want, note)
		}
	}
	if got := edited.PayloadField("key"); got != bot.ItemKey(bot.ChannelRef{Platform: Name, ID: channelID}, p.ID) {
		t.Errorf("metadata key %q", got)
	}
	rows := e.followups()
	if len(rows) != 3 {
		t.Fatalf("rows %+v, want code, venue and models", rows)
	}
	for _, row := range rows {
		if row.State != bot.FollowSent {
			t.Errorf("row %+v", row)
		}
	}
	if err := e.runFollowups(); err != nil || e.requests("chat.update") != 1 {
		t.Errorf("a second turn: %v, %d updates", err, e.requests("chat.update"))
	}
}

// message_not_found and cant_update_message: recorded, never retried.
func TestFollowupDeletedMessageOnSlack(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(e *env, ts string)
	}{
		{"deleted", func(e *env, ts string) {
			if _, _, err := e.s.api.DeleteMessage(channelID, ts); err != nil {
				e.t.Fatal(err)
			}
		}},
		{"cant_update_message", func(e *env, ts string) {
			e.srv.AddRule(slackfake.Rule{Method: "chat.update", Error: "cant_update_message"})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, r, ps := followupEnv(t)
			_, replies := e.thread()
			c.setup(e, replies[0].TS)
			p := ps[0]
			p.GitHubRepo = "https://github.com/example/late"
			r.papers[p.ID] = p
			if err := e.runFollowups(); err != nil {
				t.Fatal(err)
			}
			rows := e.followups()
			if len(rows) != 1 || rows[0].State != bot.FollowGone {
				t.Fatalf("rows %+v", rows)
			}
			n := e.requests("chat.update")
			p.GitHubStars = 5000
			r.papers[p.ID] = p
			e.b.Clock = testsupport.FixedClock{T: e.now.Add(7 * time.Hour)}
			for i := 0; i < 3; i++ {
				if err := e.runFollowups(); err != nil {
					t.Fatal(err)
				}
			}
			if got := e.requests("chat.update"); got != n {
				t.Errorf("%d more updates of a gone message", got-n)
			}
		})
	}
}

// Removed from a private channel (channel_not_found) or held back by the
// workspace's edit window: follow-ups stop with the reason, no retries.
func TestFollowupMissingPermissionOnSlack(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(e *env)
		want  string
	}{
		{"removed from a private channel", func(e *env) {
			e.srv.AddChannel(slackfake.Channel{ID: channelID, Name: "papers", IsPrivate: true, Members: []string{adminUser}})
		}, "cannot see it"},
		{"edit window closed", func(e *env) {
			e.srv.AddRule(slackfake.Rule{Method: "chat.update", Error: "edit_window_closed"})
		}, "edit_window_closed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, r, ps := followupEnv(t)
			c.setup(e)
			p := ps[1]
			p.GitHubRepo = "https://github.com/example/x"
			r.papers[p.ID] = p
			if err := e.runFollowups(); err != nil {
				t.Fatal(err)
			}
			_, stopped, _, _ := e.db.FollowupReport(context.Background(), bot.ChannelRef{Platform: Name, ID: channelID}, e.now.Add(-time.Hour))
			if !strings.Contains(stopped, c.want) {
				t.Fatalf("stopped %q, want %q", stopped, c.want)
			}
			n := e.requests("chat.update")
			for i := 0; i < 3; i++ {
				if err := e.runFollowups(); err != nil {
					t.Fatal(err)
				}
			}
			if got := e.requests("chat.update"); got != n {
				t.Errorf("%d more updates while stopped", got-n)
			}
		})
	}
}

// A 429 on chat.update is waited out; the fake sees no request too early.
func TestFollowupRateLimitedEditOnSlack(t *testing.T) {
	e, r, ps := followupEnv(t)
	e.srv.AddRule(slackfake.Rule{Method: "chat.update", Times: 1, RetryAfter: time.Second})
	p := ps[0]
	p.GitHubRepo = "https://github.com/example/z"
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	if rows := e.followups(); len(rows) != 1 || rows[0].State != bot.FollowSent {
		t.Fatalf("rows %+v", rows)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("Retry-After not honoured: %+v", v)
	}
	if n := e.requests("chat.update"); n != 2 {
		t.Errorf("%d updates, want the limited one and its retry", n)
	}
}

// Reply mode: one reply in the thread with the batch's key; after an
// answer lost on the way back, the reply is found and not posted again.
func TestFollowupReplyOnSlack(t *testing.T) {
	e, r, ps := followupEnv(t)
	ch := e.channel(channelID)
	ch.Settings.OnUpdate = bot.OnUpdateReply
	if err := e.db.SaveChannel(context.Background(), ch, e.now); err != nil {
		t.Fatal(err)
	}
	_, before := e.thread()
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Times: 1, DropAfterApply: true})
	p := ps[2]
	p.GitHubRepo, p.GitHubStars = "https://github.com/example/r", 20
	r.papers[p.ID] = p
	if err := e.runFollowups(); err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, rq := range e.srv.Requests() {
		if rq.Method == "chat.postMessage" && rq.Dropped {
			dropped++
		}
	}
	if dropped != 1 {
		t.Fatalf("%d answers lost, want the reply's", dropped)
	}
	_, after := e.thread()
	if len(after) != len(before)+1 || e.requests("chat.update") != 0 {
		t.Fatalf("%d new replies, %d updates; want one reply", len(after)-len(before), e.requests("chat.update"))
	}
	reply := after[len(after)-1]
	if !strings.Contains(mrkdwnTexts(reply.Blocks), "code released") || reply.UnfurlLinks != "false" {
		t.Errorf("reply %s (unfurl %q)", reply.Blocks, reply.UnfurlLinks)
	}
	rows := e.followups()
	if len(rows) != 1 || rows[0].State != bot.FollowSent || rows[0].Sent.MessageID != reply.TS || reply.PayloadField("key") != rows[0].Batch {
		t.Fatalf("rows %+v, reply %s key %q", rows, reply.TS, reply.PayloadField("key"))
	}
}

// What comes from outside in an update is escaped like every text, and
// the messages keep Slack's limits.
func TestFollowupNoteIsEscapedOnSlack(t *testing.T) {
	ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: Name, ID: channelID}, Settings: bot.DefaultSettings("UTC")}
	p := testsupport.Papers(listDay, 1)[0]
	p.Title = strings.Repeat("𝔸 <!here> ", 400)
	d := &bot.Digest{ListDate: listDay, Items: []bot.Item{{Rank: 1, Paper: p}}}
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m := &bot.FollowupMessage{Key: "u:k", Channel: ch, Digest: d, Item: &d.Items[0], ItemKey: "i:k", At: at,
		Notes: []bot.Followup{
			{Change: bot.Change{Kind: bot.FollowVenue, Detail: "Accepted at <!channel> <https://evil.example|NeurIPS> @here :fire:"}, Created: at},
			{Change: bot.Change{Kind: bot.FollowVersion, Value: 2, Detail: "<@U123> & old"}, Created: at},
		}}
	for name, msg := range map[string]message{"edit": renderEditedItem(m), "reply": renderFollowupReply(m)} {
		if err := msg.validate(); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// Only mrkdwn can ping or link (alt texts are plain text).
		text := mrkdwnTexts(blocksJSON(msg))
		if !strings.Contains(text, "Updated") || !strings.Contains(text, "&lt;!channel&gt;") {
			t.Errorf("%s: the update line is not there, escaped: %s", name, text)
		}
		for _, bad := range []string{"<!channel>", "<!here>", "<@U123>", "|NeurIPS>", "@here"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: %q is not defused in %s", name, bad, text)
			}
		}
	}
}
