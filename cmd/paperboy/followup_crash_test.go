package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

// TestFollowupKilledBetweenReplyAndConfirm: in reply mode, the reply is
// posted but its answer is lost, and the process is killed (SIGKILL)
// while it looks for it, before it could confirm. The next process finds
// the reply and confirms it: one reply in the thread, never two, on
// Discord (whose nonce memory is gone by then) and on Slack.
func TestFollowupKilledBetweenReplyAndConfirm(t *testing.T) {
	for _, platform := range []string{"discord", "slack"} {
		t.Run(platform, func(t *testing.T) {
			w := newFollowWorld(t, "reply")
			discordBefore, slackBefore := len(w.discordThread()), len(w.slackThread())
			thread := w.dc.Threads("100")[0].ID
			replied := func() bool { return len(w.discordThread()) == discordBefore+1 }
			if platform == "discord" {
				w.dc.AddRule(discordfake.Rule{Method: "POST", Path: "/channels/" + thread + "/messages", Times: 1, DropAfterApply: true})
				w.dc.AddRule(discordfake.Rule{Method: "GET", Path: "/channels/" + thread + "/messages", Delay: time.Minute})
			} else {
				replied = func() bool { return len(w.slackThread()) == slackBefore+1 }
				w.sl.AddRule(slackfake.Rule{Method: "chat.postMessage", Times: 1, DropAfterApply: true})
				w.sl.AddRule(slackfake.Rule{Method: "conversations.replies", Delay: time.Minute})
			}
			w.setPaper(0, func(p map[string]any) { p["githubRepo"] = "https://github.com/example/crash" })
			wed := followMon.AddDays(2)
			_, kill, log := w.daemon(wed, 13)
			w.waitFor("the reply posted and not confirmed", 30*time.Second, log, func() bool {
				return replied() && countRows(t, w.db, `SELECT count(*) FROM followup_deliveries WHERE state = 'sending' AND target IN ('100', 'C100')`) >= 1
			})
			kill()
			if n := w.rows("sent"); platform == "discord" && n != 0 {
				t.Fatalf("%d rows confirmed at the kill", n)
			}
			w.dc.ClearRules()
			w.sl.ClearRules()
			w.dc.ForgetNonces() // Discord forgets nonces within minutes
			stop, _, log := w.daemon(wed, 13)
			w.waitFor("both replies confirmed", 30*time.Second, log, func() bool { return w.rows("sent") == 2 })
			time.Sleep(2 * time.Second)
			out := stop()
			if d, s := len(w.discordThread())-discordBefore, len(w.slackThread())-slackBefore; d != 1 || s != 1 {
				t.Fatalf("%d replies on Discord and %d on Slack, want one each\n%s", d, s, out)
			}
			if !strings.Contains(out, "found an earlier unconfirmed reply; not posting again") {
				t.Errorf("the second process did not look for the reply:\n%s", out)
			}
			if d, s := w.discordEdits(), w.slackEdits(); d != 0 || s != 0 {
				t.Errorf("reply mode edited: %d, %d", d, s)
			}
			msgs := w.discordThread()
			last := msgs[len(msgs)-1]
			if len(last.Embeds) == 0 || !strings.Contains(last.Embeds[0].Description, "code released") ||
				!strings.Contains(string(last.Components), "https://github.com/example/crash") {
				t.Errorf("Discord reply %+v", last)
			}
			replies := w.slackThread()
			if b := string(replies[len(replies)-1].Blocks); !strings.Contains(b, "code released") {
				t.Errorf("Slack reply %s", b)
			}
		})
	}
}

// TestFollowupKilledBetweenEditAndConfirm: the edit is applied, its
// answer lost, and the process killed before it could confirm; the next
// process edits again, which changes nothing the channel sees (the same
// card), and confirms. No message is added to either thread.
func TestFollowupKilledBetweenEditAndConfirm(t *testing.T) {
	w := newFollowWorld(t, "")
	discordBefore, slackBefore := len(w.discordThread()), len(w.slackThread())
	w.dc.AddRule(discordfake.Rule{Method: "PATCH", PathPrefix: "/channels/", DropAfterApply: true})
	w.sl.AddRule(slackfake.Rule{Method: "chat.update", DropAfterApply: true})
	w.setPaper(0, func(p map[string]any) { p["githubRepo"] = "https://github.com/example/twice" })
	wed := followMon.AddDays(2)
	_, kill, log := w.daemon(wed, 13)
	w.waitFor("the Discord edit applied, not confirmed", 30*time.Second, log, func() bool {
		return !w.discordItem(0).EditedTimestamp.IsZero() &&
			countRows(t, w.db, `SELECT count(*) FROM followup_deliveries WHERE state = 'sending' AND target = '100'`) == 1
	})
	kill()
	first, err := json.Marshal(w.discordItem(0).Embeds)
	if err != nil {
		t.Fatal(err)
	}
	w.dc.ClearRules()
	w.sl.ClearRules()
	stop, _, log := w.daemon(wed, 13)
	w.waitFor("both edits confirmed", 30*time.Second, log, func() bool { return w.rows("sent") == 2 })
	stop()
	again, _ := json.Marshal(w.discordItem(0).Embeds)
	if string(first) != string(again) {
		t.Errorf("the repeated edit changed the card:\n%s\n%s", first, again)
	}
	if d, s := len(w.discordThread()), len(w.slackThread()); d != discordBefore || s != slackBefore {
		t.Errorf("messages added: Discord %d, Slack %d", d-discordBefore, s-slackBefore)
	}
	if note := discordNote(w.discordItem(0)); note != "9 Dec: code released" {
		t.Errorf("Discord card %q", note)
	}
	if b := string(w.slackItem(0).Blocks); !strings.Contains(b, "*Updated* 9 Dec: code released") {
		t.Errorf("Slack card %s", b)
	}
}
