package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

// TestFollowupCodeReleasedEditsOnce: Monday's papers are posted to a
// Discord and a Slack channel; by Wednesday the first has code and the
// second's repository passed 100 stars. The daemon refreshes each paper
// once (one request, though two channels on two platforms show it) and
// edits each changed item once per channel: the card shows the Code
// button and "Updated 9 Dec: code released", nothing new is posted. A
// daemon started an hour later neither asks Hugging Face again nor edits.
func TestFollowupCodeReleasedEditsOnce(t *testing.T) {
	w := newFollowWorld(t, "")
	discordBefore, slackBefore := len(w.discordThread()), len(w.slackThread())
	w.setPaper(0, func(p map[string]any) { p["githubRepo"], p["githubStars"] = "https://github.com/example/routers", 12 })
	w.setPaper(1, func(p map[string]any) { p["githubStars"] = 130 })
	wed := followMon.AddDays(2)
	stop, _, log := w.daemon(wed, 13)
	w.waitFor("four follow-ups confirmed", 30*time.Second, log, func() bool { return w.rows("sent") == 4 })
	time.Sleep(3 * time.Second) // a few more turns of the daemon
	out := stop()

	if got := w.rows(""); got != 4 {
		t.Errorf("%d follow-up rows, want 4 (code and 100 stars, in two channels)", got)
	}
	if d, s := w.discordEdits(), w.slackEdits(); d != 2 || s != 2 {
		t.Errorf("%d Discord edits and %d Slack updates, want 2 and 2 (one per changed item)", d, s)
	}
	if d, s := len(w.discordThread()), len(w.slackThread()); d != discordBefore || s != slackBefore {
		t.Errorf("messages in the threads: Discord %d (was %d), Slack %d (was %d): an edit posts nothing", d, discordBefore, s, slackBefore)
	}
	for i, id := range followIDs {
		if n := len(w.hf.PaperRequests(id)); n != 1 {
			t.Errorf("%s asked of Hugging Face %d times, want once (it is in two channels)", id, n)
		}
		_ = i
	}
	d0 := w.discordItem(0)
	if note := discordNote(d0); note != "9 Dec: code released" {
		t.Errorf("Discord card's update: %q", note)
	}
	if !strings.Contains(string(d0.Components), "https://github.com/example/routers") || !strings.Contains(string(d0.Components), "Code ★ 12") {
		t.Errorf("Discord card has no Code button: %s", d0.Components)
	}
	if note := discordNote(w.discordItem(1)); note != "9 Dec: 100 stars on GitHub" {
		t.Errorf("Discord card of the starred paper: %q", note)
	}
	if note := discordNote(w.discordItem(2)); note != "" || !w.discordItem(2).EditedTimestamp.IsZero() {
		t.Errorf("an unchanged paper was edited: %q", note)
	}
	s0 := string(w.slackItem(0).Blocks)
	if !strings.Contains(s0, "https://github.com/example/routers") || !strings.Contains(s0, "*Updated* 9 Dec: code released") {
		t.Errorf("Slack card: %s", s0)
	}
	if s1 := string(w.slackItem(1).Blocks); !strings.Contains(s1, "100 stars on GitHub") || !strings.Contains(s1, "Code ★ 130") {
		t.Errorf("Slack card of the starred paper: %s", s1)
	}
	if strings.Contains(out, fakeDiscordToken) || strings.Contains(out, fakeSlackBot) {
		t.Error("a token appears in the log")
	}

	// An hour later: no refresh is due (every 6 h), nothing changes.
	stop, _, _ = w.daemon(wed, 14)
	time.Sleep(3 * time.Second)
	stop()
	for _, id := range followIDs {
		if n := len(w.hf.PaperRequests(id)); n != 1 {
			t.Errorf("%s asked %d times after a restart within the interval", id, n)
		}
	}
	if d, s := w.discordEdits(), w.slackEdits(); d != 2 || s != 2 {
		t.Errorf("after a restart: %d Discord edits and %d Slack updates, want still 2 and 2", d, s)
	}
	r := runBinary(t, w.at(wed, 15), "status", "--config", w.cfg, "--db", w.db)
	if r.code != 0 || strings.Count(r.stdout, "follow-ups   edit: 2 follow-ups in the last 7 days (1× 100 stars on GitHub, 1× code released)") != 2 {
		t.Errorf("status:\n%s\n%s", r.stdout, r.stderr)
	}
}

// TestFollowupNewVersionRetitled: arXiv announces v2 of a posted paper
// with a new title (an announcement feed's replace, ingested); the card
// shows the new title and says it was retitled, on both platforms, even
// though Hugging Face still has the old title.
func TestFollowupNewVersionRetitled(t *testing.T) {
	w := newFollowWorld(t, "")
	feed := `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>cs.RO updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/cs.RO</link>
    <description>cs.RO updates on the arXiv.org e-print archive.</description>
    <pubDate>Tue, 08 Dec 2026 00:00:00 -0500</pubDate>
    <item>
      <title>Diffusion policies for legged robots</title>
      <link>https://arxiv.org/abs/2612.04003</link>
      <description>arXiv:2612.04003v2 Announce Type: replace 
Abstract: We study diffusion policies for legged robots.</description>
      <guid isPermaLink="false">oai:arXiv.org:2612.04003v2</guid>
      <category>cs.RO</category>
      <pubDate>Tue, 08 Dec 2026 00:00:00 -0500</pubDate>
      <arxiv:announce_type>replace</arxiv:announce_type>
      <dc:creator>Ada Lovelace</dc:creator>
    </item>
  </channel>
</rss>
`
	path := filepath.Join(t.TempDir(), "cs.RO.rss")
	if err := os.WriteFile(path, []byte(feed), 0o600); err != nil {
		t.Fatal(err)
	}
	tue := followMon.AddDays(1)
	if r := runBinary(t, w.at(tue, 6), "ingest", "--source", "file:"+path, "--config", w.cfg, "--db", w.db); r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stop, _, log := w.daemon(tue, 13)
	w.waitFor("the new version in both channels", 30*time.Second, log, func() bool { return w.rows("sent") == 2 })
	stop()
	d := w.discordItem(2)
	if !strings.Contains(d.Embeds[0].Title, "Diffusion policies for legged robots") {
		t.Errorf("Discord card title %q", d.Embeds[0].Title)
	}
	if note := discordNote(d); note != "8 Dec: v2 with a new title (was “Diffusion policies for robots”)" {
		t.Errorf("Discord update %q", note)
	}
	s := string(w.slackItem(2).Blocks)
	if !strings.Contains(s, "Diffusion policies for legged robots") || !strings.Contains(s, "v2 with a new title (was “Diffusion policies for robots”)") {
		t.Errorf("Slack card %s", s)
	}
	if n := len(w.hf.PaperRequests(followIDs[2])); n != 1 {
		t.Errorf("%d refreshes of the paper", n)
	}
}

// TestFollowupDeletedMessage: someone deleted the item messages; the
// follow-up is recorded as not applied, and never tried again.
func TestFollowupDeletedMessage(t *testing.T) {
	w := newFollowWorld(t, "")
	d := w.discordItem(0)
	if err := w.discordBot.ChannelMessageDelete(d.ChannelID, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.slackBot.DeleteMessage("C100", w.slackItem(0).TS); err != nil {
		t.Fatal(err)
	}
	w.setPaper(0, func(p map[string]any) { p["githubRepo"] = "https://github.com/example/gone" })
	stop, _, log := w.daemon(followMon.AddDays(2), 13)
	w.waitFor("both follow-ups recorded gone", 30*time.Second, log, func() bool { return w.rows("gone") == 2 })
	time.Sleep(3 * time.Second)
	stop()
	if d, s := w.discordEdits(), w.slackEdits(); d != 1 || s != 1 {
		t.Errorf("%d Discord edits, %d Slack updates of a deleted message, want one try each", d, s)
	}
	r := runBinary(t, w.at(followMon.AddDays(2), 14), "status", "--config", w.cfg, "--db", w.db)
	if !strings.Contains(r.stdout, "1 not applied (the message was deleted (Discord error 10008)") ||
		!strings.Contains(r.stdout, "1 not applied (the message was deleted (message_not_found)") {
		t.Errorf("status:\n%s", r.stdout)
	}
}

// TestFollowupMissingPermission: paperboy can no longer see the Discord
// channel, nor the Slack channel (made private without it): the
// follow-ups stop there, status says why once, and they are not retried
// in a loop.
func TestFollowupMissingPermission(t *testing.T) {
	w := newFollowWorld(t, "")
	ch, _ := w.dc.Channel("100")
	ch.PermissionOverwrites = append(ch.PermissionOverwrites, discordOverwriteDenyView())
	w.dc.AddChannel(ch)
	w.sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", IsPrivate: true, Members: []string{"U1"}})
	w.setPaper(0, func(p map[string]any) { p["githubRepo"] = "https://github.com/example/hidden" })
	stop, _, log := w.daemon(followMon.AddDays(2), 13)
	w.waitFor("both channels' follow-ups stopped", 30*time.Second, log, func() bool {
		return countRows(t, w.db, `SELECT count(*) FROM followup_stops`) == 2
	})
	time.Sleep(4 * time.Second)
	out := stop()
	if d, s := w.discordEdits(), w.slackEdits(); d != 1 || s != 1 {
		t.Errorf("%d Discord edits, %d Slack updates, want one try each", d, s)
	}
	if n := strings.Count(out, "follow-ups stopped in a channel"); n != 2 {
		t.Errorf("%d warnings, want one per channel:\n%s", n, out)
	}
	r := runBinary(t, w.at(followMon.AddDays(2), 14), "status", "--config", w.cfg, "--db", w.db)
	for _, want := range []string{"1 waiting; stopped since 2026-12-09 13:00 UTC: paperboy has no access to the channel (Discord error 50001",
		"1 waiting; stopped since 2026-12-09 13:00 UTC: the channel does not exist or paperboy cannot see it"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestFollowupRateLimitedEdit: a 429 on the edit is waited out, on both
// platforms, and the edit then goes through.
func TestFollowupRateLimitedEdit(t *testing.T) {
	w := newFollowWorld(t, "")
	w.dc.AddRule(discordfake.Rule{Method: "PATCH", PathPrefix: "/channels/", Times: 1, RetryAfter: 2 * time.Second})
	w.sl.AddRule(slackfake.Rule{Method: "chat.update", Times: 1, RetryAfter: 2 * time.Second})
	w.setPaper(0, func(p map[string]any) { p["githubRepo"] = "https://github.com/example/limited" })
	stop, _, log := w.daemon(followMon.AddDays(2), 13)
	w.waitFor("both edits confirmed", 40*time.Second, log, func() bool { return w.rows("sent") == 2 })
	stop()
	if v := w.dc.Violations(); len(v) != 0 {
		t.Errorf("Discord's retry_after not honoured: %+v", v)
	}
	if v := w.sl.Violations(); len(v) != 0 {
		t.Errorf("Slack's Retry-After not honoured: %+v", v)
	}
	if d, s := w.discordEdits(), w.slackEdits(); d != 2 || s != 2 {
		t.Errorf("%d Discord edits, %d Slack updates, want the limited one and its retry on each", d, s)
	}
	if note := discordNote(w.discordItem(0)); note != "9 Dec: code released" {
		t.Errorf("Discord card %q", note)
	}
}
