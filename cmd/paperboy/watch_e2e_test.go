package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestWatchButtonTellsWatchersOnce: every posted item carries a Watch
// button. On Monday evening ann presses it on Discord and bob on Slack
// (each sees an ephemeral confirmation; the post, which everyone sees, is
// not touched), and cat presses it twice (watching, then not). By
// Wednesday the paper's code is out: each channel's card is edited once,
// and ann and bob get exactly one direct message each, saying the code was
// released and linking it; cat gets none. Restarting the daemon sends
// nothing again.
func TestWatchButtonTellsWatchersOnce(t *testing.T) {
	w := newWatchWorld(t, "")
	d0, s0 := w.discordItem(0), w.slackItem(0)
	if !strings.Contains(string(d0.Components), `"custom_id":"w:2612.04001"`) || !strings.Contains(string(d0.Components), `"label":"Watch"`) {
		t.Fatalf("Discord card has no Watch button: %s", d0.Components)
	}
	if !strings.Contains(string(s0.Blocks), `"value":"w:2612.04001"`) {
		t.Fatalf("Slack card has no Watch button: %s", s0.Blocks)
	}

	w.start(followMon, 15)
	thread := w.dc.Threads("100")[0].ID
	got, callbacks, _ := w.pressDiscord("501", thread, d0.ID, "w:2612.04001")
	if !strings.Contains(got, "You watch [Sparse routers for mixtures](<https://huggingface.co/papers/2612.04001>)") || !strings.Contains(got, "direct message") {
		t.Errorf("ann's confirmation: %q", got)
	}
	if len(callbacks) != 1 || callbacks[0].Type != 5 || !strings.Contains(string(callbacks[0].Data), `"flags":64`) {
		t.Errorf("the Watch button was not answered with a new ephemeral message: %+v", callbacks)
	}
	if got, _, _ := w.pressDiscord("503", thread, d0.ID, "w:2612.04001"); !strings.Contains(got, "You watch") {
		t.Errorf("cat's first press: %q", got)
	}
	if got, _, _ := w.pressDiscord("503", thread, d0.ID, "w:2612.04001"); !strings.Contains(got, "You no longer watch [Sparse routers") {
		t.Errorf("cat's second press: %q", got)
	}
	if after := w.discordItem(0); !after.EditedTimestamp.IsZero() || string(after.Components) != string(d0.Components) {
		t.Errorf("pressing Watch changed the post everyone sees: %s", after.Components)
	}
	r := w.pressSlack("U502", s0.TS, "paperboy_action_watch", "w:2612.04001")
	if r.ReplaceOriginal || r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "You watch Sparse routers for mixtures") {
		t.Errorf("bob's confirmation on Slack: replace_original %v, %s, %q", r.ReplaceOriginal, r.ResponseType, r.Text)
	}
	if a, b, c := w.watchers("501"), w.watchers("U502"), w.watchers("503"); a != 1 || b != 1 || c != 0 {
		t.Errorf("watches: ann %d, bob %d, cat %d; want 1, 1, 0", a, b, c)
	}
	w.stop()

	w.setPaper(0, func(p map[string]any) { p["githubRepo"], p["githubStars"] = "https://github.com/example/routers", 12 })
	wed := followMon.AddDays(2)
	w.start(wed, 13)
	w.waitFor("the watchers' direct messages", 30*time.Second, w.log, func() bool {
		return w.rows("sent") == 2 && len(w.dc.DMs("501")) == 1 && len(w.sl.DMs("U502")) == 1
	})
	time.Sleep(3 * time.Second) // a few more turns of the daemon
	w.stop()

	if d, s := w.discordEdits(), w.slackEdits(); d != 1 || s != 1 {
		t.Errorf("%d Discord edits and %d Slack updates, want one each", d, s)
	}
	if c := string(w.discordItem(0).Components); !strings.Contains(c, "https://github.com/example/routers") || !strings.Contains(c, `"custom_id":"w:2612.04001"`) {
		t.Errorf("the edited Discord card lost its Code or Watch button: %s", c)
	}
	if c := string(w.slackItem(0).Blocks); !strings.Contains(c, `"value":"w:2612.04001"`) {
		t.Errorf("the edited Slack card lost its Watch button: %s", c)
	}
	ann, bob := w.dc.DMs("501"), w.sl.DMs("U502")
	if len(ann) != 1 || len(bob) != 1 {
		t.Fatalf("ann got %d DMs, bob %d; want exactly one each", len(ann), len(bob))
	}
	annText := strings.ReplaceAll(ann[0].Content, `\`, "")
	for _, want := range []string{"1 paper you watch changed", "Sparse routers for mixtures", "code released", "https://github.com/example/routers", "/papers unwatch"} {
		if !strings.Contains(annText, want) {
			t.Errorf("ann's DM lacks %q:\n%s", want, annText)
		}
	}
	if !strings.Contains(string(ann[0].AllowedMentions), `"parse":[]`) {
		t.Errorf("ann's DM may ping: %s", ann[0].AllowedMentions)
	}
	bobText := bob[0].Text + string(bob[0].Blocks)
	for _, want := range []string{"Sparse routers for mixtures", "code released", "https://github.com/example/routers"} {
		if !strings.Contains(bobText, want) {
			t.Errorf("bob's DM lacks %q:\n%s", want, bobText)
		}
	}
	if n := len(w.dc.DMs("503")); n != 0 {
		t.Errorf("cat, who stopped watching, got %d DMs", n)
	}

	// A later daemon (a refresh is due again) tells nobody twice.
	w.start(wed, 20)
	time.Sleep(3 * time.Second)
	w.stop()
	if a, b := len(w.dc.DMs("501")), len(w.sl.DMs("U502")); a != 1 || b != 1 {
		t.Errorf("after a restart: ann has %d DMs, bob %d; want still one each", a, b)
	}
}

// TestWatchListRemoveAndLimit: /papers watching lists a user's watches
// with a remove button each; the button removes only the presser's own
// watch (bob pressing ann's removes nothing of hers); /papers unwatch
// removes one by id; followups.max_watches caps how many one user watches;
// forget-me deletes them.
func TestWatchListRemoveAndLimit(t *testing.T) {
	w := newWatchWorld(t, ", max_watches: 2")
	w.start(followMon, 15)
	defer func() { w.stop() }()
	thread := w.dc.Threads("100")[0].ID
	for i := 0; i < 2; i++ {
		if got, _, _ := w.pressDiscord("501", thread, w.discordItem(i).ID, "w:"+followIDs[i]); !strings.Contains(got, "You watch") {
			t.Fatalf("ann watching %s: %q", followIDs[i], got)
		}
	}
	if got, _, _ := w.pressDiscord("501", thread, w.discordItem(2).ID, "w:"+followIDs[2]); !strings.Contains(got, "You watch 2 papers, the most one person may") {
		t.Errorf("a third watch over max_watches 2: %q", got)
	}
	if n := w.watchers("501"); n != 2 {
		t.Errorf("ann watches %d papers, want 2", n)
	}

	list, buttons := w.commandDiscord("501", "watching")
	for _, want := range []string{"Papers you watch (2 of at most 2)", "Sparse routers for mixtures", "Graph transformers at scale", "followed until 21 Dec"} {
		if !strings.Contains(list, want) {
			t.Errorf("/papers watching lacks %q:\n%s", want, list)
		}
	}
	if !strings.Contains(buttons, `"custom_id":"wu:0:2612.04001"`) || !strings.Contains(buttons, `"label":"Unwatch 2612.04002"`) {
		t.Errorf("/papers watching has no remove buttons: %s", buttons)
	}

	// bob presses ann's remove button (a forwarded or forged click).
	got, callbacks, _ := w.pressDiscord("502", "100", "1", "wu:0:2612.04001")
	if !strings.Contains(got, "You were not watching 2612.04001") || w.watchers("501") != 2 {
		t.Errorf("bob's press of ann's button: %q; ann watches %d", got, w.watchers("501"))
	}
	if len(callbacks) != 1 || callbacks[0].Type != 6 {
		t.Errorf("a watch-list button should replace its list (deferred update): %+v", callbacks)
	}
	got, _, buttons = w.pressDiscord("501", "100", "1", "wu:0:2612.04002")
	if !strings.Contains(got, "You no longer watch 2612.04002.") || !strings.Contains(got, "(1 of at most 2)") || strings.Contains(buttons, "2612.04002") {
		t.Errorf("ann's remove button: %q %s", got, buttons)
	}
	if n := w.watchers("501"); n != 1 {
		t.Errorf("ann watches %d papers after removing one, want 1", n)
	}

	// Slack: watch, unwatch by id, unwatch again.
	s2 := w.slackItem(2)
	if r := w.pressSlack("U501", s2.TS, "paperboy_action_watch", "w:"+followIDs[2]); !strings.Contains(r.Text, "You watch Diffusion policies") {
		t.Errorf("Slack watch: %q", r.Text)
	}
	if r := w.commandSlack("U501", "unwatch https://huggingface.co/papers/2612.04003"); !strings.Contains(r.Text, "You no longer watch 2612.04003.") {
		t.Errorf("/papers unwatch: %q", r.Text)
	}
	if r := w.commandSlack("U501", "unwatch 2612.04003"); !strings.Contains(r.Text, "You do not watch 2612.04003") {
		t.Errorf("/papers unwatch of a paper not watched: %q", r.Text)
	}
	if r := w.commandSlack("U501", "watching"); !strings.Contains(r.Text, "You watch no papers") {
		t.Errorf("Slack /papers watching with none: %q", r.Text)
	}

	got, _ = w.commandDiscord("501", "forget-me")
	if !strings.Contains(got, "1 watched paper") || w.watchers("501") != 0 {
		t.Errorf("forget-me: %q; ann still watches %d", got, w.watchers("501"))
	}
	var anyDM bool
	for _, u := range []string{"501", "502"} {
		anyDM = anyDM || len(w.dc.DMs(u)) > 0
	}
	if anyDM {
		b, _ := json.Marshal(w.dc.DMs("501"))
		t.Errorf("nothing changed, yet a DM was sent: %s", b)
	}
}
