package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	slackgo "github.com/slack-go/slack"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// followWorld is the real binary against fake Hugging Face, Discord and
// Slack: one Discord channel (100) and one Slack channel (C100) that both
// follow the Hugging Face lists and post at 09:00 UTC every day. Monday
// 7 Dec 2026's list holds three papers; digest posts it to both.
type followWorld struct {
	t          *testing.T
	hf         *hffake.Server
	dc         *discordfake.Server
	sl         *slackfake.Server
	cfg, db    string
	env        []string
	papers     []map[string]any // Monday's list elements
	discordBot *discordgo.Session
	slackBot   *slackgo.Client
}

var (
	followMon = bot.Date{Year: 2026, Month: time.December, Day: 7}
	// followIDs are the papers of Monday's list: the first has no code
	// yet, the second has code with 80 stars, the third no code.
	followIDs = []string{"2612.04001", "2612.04002", "2612.04003"}
)

// followElement is a list element of Monday's, as Hugging Face serves it.
func followElement(id, title, repo string, stars, upvotes int) map[string]any {
	p := map[string]any{"id": id, "title": title, "summary": "We study " + title + ".", "upvotes": upvotes,
		"authors":     []any{map[string]any{"name": "Ada Lovelace"}},
		"publishedAt": "2026-12-04T00:00:00.000Z", "submittedOnDailyAt": "2026-12-07T00:00:00.000Z"}
	if repo != "" {
		p["githubRepo"], p["githubStars"] = repo, stars
	}
	return map[string]any{"paper": p, "title": title, "publishedAt": "2026-12-03T19:00:00.000Z", "numComments": 1,
		"thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/" + id + ".png"}
}

// newFollowWorld posts Monday's thread to both channels at 13:00 UTC.
// onUpdate sets both channels' on_update ("" leaves the default).
func newFollowWorld(t *testing.T, onUpdate string) *followWorld {
	t.Helper()
	w := &followWorld{t: t, hf: hffake.New(), dc: fakeDiscord(t), sl: slackfake.New()}
	t.Cleanup(w.hf.Close)
	t.Cleanup(w.sl.Close)
	w.sl.SetToken(fakeSlackBot)
	w.sl.SetBotUser("U0BOT", "T100")
	w.sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	w.papers = []map[string]any{
		followElement(followIDs[0], "Sparse routers for mixtures", "", 0, 50),
		followElement(followIDs[1], "Graph transformers at scale", "https://github.com/example/graphs", 80, 40),
		followElement(followIDs[2], "Diffusion policies for robots", "", 0, 30),
	}
	w.setList()
	extra := ""
	if onUpdate != "" {
		extra = ", on_update: " + onUpdate
	}
	w.cfg = writeConfig(t, fmt.Sprintf(`
huggingface: {base_url: %s, min_interval: 10ms}
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: ["9000"]
  gateway: false
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
schedule: {poll_interval: 1s, retry_delay: 1s, catch_up: false}
channels:
  - {platform: discord, id: "100", zone: UTC, weekdays: daily%s}
  - {platform: slack, id: C100, zone: UTC, weekdays: daily%s}
`, w.hf.URL(), w.dc.URL(), w.sl.APIURL(), extra, extra))
	w.db = filepath.Join(t.TempDir(), "p.db")
	w.env = []string{"DISCORD_BOT_TOKEN=" + fakeDiscordToken, "SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp}
	r := runBinary(t, w.at(followMon, 13), "digest", "--config", w.cfg, "--db", w.db)
	if r.code != 0 || strings.Count(r.stdout, "posted 3 papers") != 2 {
		t.Fatalf("Monday's digest: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var err error
	if w.discordBot, err = discordgo.New("Bot " + fakeDiscordToken); err != nil {
		t.Fatal(err)
	}
	w.discordBot.Client = w.dc.Client()
	w.slackBot = slackgo.New(fakeSlackBot, slackgo.OptionAPIURL(w.sl.APIURL()))
	return w
}

// setList serves Monday's list as w.papers say.
func (w *followWorld) setList() {
	w.t.Helper()
	b, err := json.Marshal(w.papers)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.hf.SetList(followMon.String(), b); err != nil {
		w.t.Fatal(err)
	}
}

// setPaper changes what Hugging Face says of paper i (its document for
// /api/papers/{id}) with change applied to the paper object.
func (w *followWorld) setPaper(i int, change func(p map[string]any)) {
	w.t.Helper()
	p := map[string]any{}
	for k, v := range w.papers[i]["paper"].(map[string]any) {
		p[k] = v
	}
	p["numComments"] = 1
	change(p)
	w.papers[i]["paper"] = p
	b, err := json.Marshal(p)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.hf.SetPaper(followIDs[i], b); err != nil {
		w.t.Fatal(err)
	}
}

// at is the environment of a process whose clock starts on day at hour
// UTC.
func (w *followWorld) at(d bot.Date, hour int) []string {
	return append(slices.Clone(w.env), "PAPERBOY_TEST_NOW="+time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, time.UTC).Format(time.RFC3339))
}

// daemon starts `paperboy run` with its clock at day, hour, and returns a
// function that stops it (SIGTERM) and returns its log.
func (w *followWorld) daemon(d bot.Date, hour int) (stop func() string, kill func() string, log *syncBuffer) {
	cmd, stdout, stderr := startBinaryEnv(w.t, w.at(d, hour), "run", "--config", w.cfg, "--db", w.db)
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := stdout.Read(buf); err != nil {
				return
			}
		}
	}()
	stop = func() string {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		return stderr.String()
	}
	kill = func() string {
		cmd.Process.Kill()
		cmd.Wait()
		return stderr.String()
	}
	return stop, kill, stderr
}

// waitFor polls cond until it holds, failing after within.
func (w *followWorld) waitFor(what string, within time.Duration, log *syncBuffer, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: not after %s\n%s", what, within, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rows counts the follow-up rows in state (any state when "").
func (w *followWorld) rows(state string) int {
	q := `SELECT count(*) FROM followup_deliveries`
	if state != "" {
		q += ` WHERE state = '` + state + `'`
	}
	return countRows(w.t, w.db, q)
}

// discordItem returns Discord's item message of paper i.
func (w *followWorld) discordItem(i int) discordfake.Message {
	w.t.Helper()
	ths := w.dc.Threads("100")
	if len(ths) != 1 {
		w.t.Fatalf("%d Discord threads, want 1", len(ths))
	}
	for _, m := range w.dc.Messages(ths[0].ID) {
		if len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].URL, followIDs[i]) {
			return m
		}
	}
	w.t.Fatalf("no Discord item of %s", followIDs[i])
	return discordfake.Message{}
}

// discordThread returns the messages of Discord's thread.
func (w *followWorld) discordThread() []discordfake.Message {
	return w.dc.Messages(w.dc.Threads("100")[0].ID)
}

// slackItem returns Slack's item message of paper i.
func (w *followWorld) slackItem(i int) slackfake.Message {
	w.t.Helper()
	for _, m := range w.slackThread() {
		if m.PayloadField("key") == "i:slack:C100:"+followIDs[i] {
			return m
		}
	}
	w.t.Fatalf("no Slack item of %s", followIDs[i])
	return slackfake.Message{}
}

// slackThread returns the replies of Slack's thread.
func (w *followWorld) slackThread() []slackfake.Message {
	w.t.Helper()
	top := w.sl.Messages("C100")
	if len(top) != 1 {
		w.t.Fatalf("%d Slack threads, want 1", len(top))
	}
	return w.sl.Replies("C100", top[0].TS)
}

// discordEdits and slackEdits count the edits each platform received.
func (w *followWorld) discordEdits() int {
	n := 0
	for _, r := range w.dc.Requests() {
		if r.Route == "PATCH /channels/{channel}/messages/{message}" {
			n++
		}
	}
	return n
}

func (w *followWorld) slackEdits() int {
	n := 0
	for _, r := range w.sl.Requests() {
		if r.Method == "chat.update" {
			n++
		}
	}
	return n
}

// discordNote is the "Updated" field of a Discord card, "" if none.
func discordNote(m discordfake.Message) string {
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			if f.Name == "Updated" {
				return f.Value
			}
		}
	}
	return ""
}

// discordOverwriteDenyView denies everyone, the bot included, View
// Channel.
func discordOverwriteDenyView() discordgo.PermissionOverwrite {
	return discordgo.PermissionOverwrite{ID: "9000", Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel}
}
