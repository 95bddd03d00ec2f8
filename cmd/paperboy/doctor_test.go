package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/discord"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// testDiskProbe reads PAPERBOY_TEST_DISK="FREE/TOTAL" (bytes): in the
// test binary acting as paperboy, it stands in for the filesystem's
// figures, so the doctor's verdict on disk space does not depend on the
// machine the tests run on.
func testDiskProbe(v string) (diskProbe, error) {
	f, t, _ := strings.Cut(v, "/")
	free, err1 := strconv.ParseUint(f, 10, 64)
	total, err2 := strconv.ParseUint(t, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("PAPERBOY_TEST_DISK: want FREE/TOTAL in bytes, got %s", v)
	}
	return func(string) (uint64, uint64, bool, error) { return free, total, true, nil }, nil
}

// The permissions the daily thread needs, as Discord's settings name them.
var permissionNames = []string{"View Channel", "Send Messages", "Create Public Threads", "Send Messages in Threads", "Embed Links", "Read Message History"}

// doctorDay is the day the doctor runs on: a Friday, 11:00 in New York.
var doctorDay = bot.Date{Year: 2026, Month: time.August, Day: 21}

// doctorWorld is a healthy setup: the fake Hugging Face with the day's
// list, the fake arXiv with the day's cs.RO feed, Discord (channel 100 in
// server 9000, every permission) and Slack (C100, the bot a member).
type doctorWorld struct {
	hf       *hffake.Server
	ax       *arxivfake.Server
	dc       *discordfake.Server
	sl       *slackfake.Server
	db       string
	env      []string
	slackCfg string // the slack: section's extra lines
}

func newDoctorWorld(t *testing.T) *doctorWorld {
	t.Helper()
	w := &doctorWorld{db: filepath.Join(t.TempDir(), "p.db")}
	w.hf = hffake.New()
	t.Cleanup(w.hf.Close)
	if _, err := w.hf.LoadDir(filepath.Join(repoRoot(t), "adapters", "huggingface", "sample")); err != nil {
		t.Fatal(err)
	}
	now := doctorDay.In(bot.Eastern(), 11, 0)
	w.ax = arxivfake.New()
	t.Cleanup(w.ax.Close)
	w.ax.SetClock(func() time.Time { return now })
	w.ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: doctorDay, N: 40, Seed: 7}))
	w.dc = fakeDiscord(t)
	w.sl = slackfake.New()
	t.Cleanup(w.sl.Close)
	w.sl.SetToken(fakeSlackBot)
	w.sl.SetAppToken(fakeSlackApp)
	w.sl.SetBotUser("U0BOT", "T100")
	w.sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	w.env = []string{"DISCORD_BOT_TOKEN=" + fakeDiscordToken, "SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp,
		"PAPERBOY_TEST_NOW=" + now.Format(time.RFC3339), "PAPERBOY_TEST_DISK=" + strconv.FormatUint(40<<30, 10) + "/" + strconv.FormatUint(100<<30, 10)}
	db, err := store.Open(context.Background(), w.db)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return w
}

// config writes the config of the world with these channels: lines.
func (w *doctorWorld) config(t *testing.T, channels string) string {
	t.Helper()
	return writeConfig(t, fmt.Sprintf(`
database: %s
huggingface:
  base_url: %s
arxiv:
  rss_url: %s
  api_url: %s
  oai_url: %s
  min_interval: 20ms
  contact: ops@example.org
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  guild_ids: ["9000"]
  gateway: false
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
%s
channels:
%s`, w.db, w.hf.URL(), w.ax.URL(), w.ax.APIURL(), w.ax.OAIURL(), w.dc.URL(), w.sl.APIURL(), w.slackCfg, channels))
}

// registerCommands registers the slash commands as `paperboy run` does.
func (w *doctorWorld) registerCommands(t *testing.T) {
	t.Helper()
	d, err := discord.New(discord.Options{Token: fakeDiscordToken, APIURL: w.dc.URL(), GuildIDs: []string{"9000"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.RegisterCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// doctor runs `paperboy doctor` as a process and checks what holds for
// every run: one line per check, each starting with ✓ or ✗, every ✗ line
// saying what to do, no token anywhere, and the exit code 0 exactly when
// no line is ✗ (1 otherwise, with the count on stderr).
func (w *doctorWorld) doctor(t *testing.T, cfg string, env ...string) (code int, ok, failed []string) {
	t.Helper()
	r := runBinary(t, append(append([]string{}, w.env...), env...), "doctor", "--config", cfg)
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "✓ "):
			ok = append(ok, line)
		case strings.HasPrefix(line, "✗ "):
			failed = append(failed, line)
			if !strings.Contains(line, " → ") {
				t.Errorf("a ✗ line without what to do: %q", line)
			}
		default:
			t.Errorf("a line that is not a check: %q\nstdout:\n%s", line, r.stdout)
		}
	}
	for _, secret := range []string{fakeDiscordToken, fakeSlackBot, fakeSlackApp, "xoxb-revoked", "MTEST.not-the-token.at-all"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("a token appears in the output:\n%s\n%s", r.stdout, r.stderr)
		}
	}
	switch {
	case len(failed) == 0 && r.code != 0:
		t.Errorf("every check passed but exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	case len(failed) > 0 && (r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("paperboy doctor: %d of %d checks failed", len(failed), len(ok)+len(failed)))):
		t.Errorf("%d checks failed but exit %d, stderr %q", len(failed), r.code, r.stderr)
	}
	return r.code, ok, failed
}

const doctorChannels = `  - {platform: discord, id: "100", name: "#papers", zone: Europe/Berlin, source: [huggingface, "arxiv:cs.RO"]}
  - {platform: slack, id: C100, name: "#papers", zone: America/New_York}
`

// A healthy setup: every line ✓, exit 0, and nothing changed on Discord
// or Slack. Before the daemon registered the slash commands, the doctor
// says so and what to do.
func TestDoctorHealthy(t *testing.T) {
	w := newDoctorWorld(t)
	cfg := w.config(t, doctorChannels)

	code, _, failed := w.doctor(t, cfg)
	if code != 1 || len(failed) != 1 || !strings.HasPrefix(failed[0], "✗ Discord commands in server 9000: /papers, /papers-admin not registered → start `paperboy run` once") {
		t.Fatalf("before the commands are registered: exit %d, failed %q", code, failed)
	}

	w.registerCommands(t)
	w.dc.ClearRequests()
	code, ok, failed := w.doctor(t, cfg)
	if code != 0 || len(failed) > 0 {
		t.Fatalf("exit %d, failed:\n%s", code, strings.Join(failed, "\n"))
	}
	out := strings.Join(ok, "\n")
	t.Logf("doctor on a healthy setup:\n%s", out)
	for _, want := range []string{
		"✓ config " + cfg + ": parses (2 chat channels)",
		"✓ database " + w.db + ": opens for reading and writing",
		"✓ database integrity: PRAGMA quick_check: ok",
		"✓ database migrations: current (",
		"✓ free disk space: 40.0 GiB free of 100.0 GiB (40 %) on the database's filesystem",
		"✓ time zones: UTC, Europe/Berlin, America/New_York load",
		"✓ Hugging Face " + w.hf.URL() + ": reachable (the daily list of Fri 21 Aug 2026 has papers)",
		"✓ arXiv " + w.ax.URL() + ": reachable (the feed of cs.RO: 40 papers announced on Fri 21 Aug 2026)",
		"✓ Discord token: valid (bot paperboy, id 9001)",
		"✓ Discord commands in server 9000: /papers, /papers-admin registered as this version defines them",
		"✓ Discord channel 100 (#papers): paperboy has the 6 permissions the daily thread needs",
		"✓ Slack bot token: valid",
		"✓ Slack scopes: the token has the 9 scopes of the manifest",
		"✓ Slack channel C100 (#papers): paperboy is a member",
		"✓ Slack app-level token (Socket Mode): valid",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// The doctor only looks.
	for _, r := range w.dc.Requests() {
		if r.Method != "GET" {
			t.Errorf("Discord: %s %s", r.Method, r.Path)
		}
	}
	for _, r := range w.sl.Requests() {
		if r.Method != "auth.test" && r.Method != "conversations.info" && r.Method != "apps.connections.open" {
			t.Errorf("Slack: %s", r.Method)
		}
	}
	if n := len(w.ax.Requests()); n != 2 { // one run before the commands were registered, one after
		t.Errorf("%d requests to arXiv for two runs, want 2", n)
	}

	// Too little room for the database: the figure is named.
	_, _, failed = w.doctor(t, cfg, "PAPERBOY_TEST_DISK="+strconv.FormatUint(512<<20, 10)+"/"+strconv.FormatUint(100<<30, 10))
	if len(failed) != 1 || !strings.Contains(failed[0], "✗ free disk space: 512.0 MiB free of 100.0 GiB (0.5 %)") {
		t.Errorf("low disk: %q", failed)
	}
}

// A bot lacking exactly one permission in a channel: that permission, and
// no other, is named, for that channel only; exit 1. A channel it cannot
// see at all names View Channel.
func TestDoctorDiscordPermissions(t *testing.T) {
	w := newDoctorWorld(t)
	w.registerCommands(t)
	w.dc.AddChannel(discordfake.Channel{ID: "101", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "no-embeds",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9000", Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionEmbedLinks}}})
	cfg := w.config(t, `  - {platform: discord, id: "100"}
  - {platform: discord, id: "101"}
`)
	code, ok, failed := w.doctor(t, cfg)
	if code != 1 || len(failed) != 1 {
		t.Fatalf("exit %d, failed %q", code, failed)
	}
	if want := "✗ Discord channel 101 (#no-embeds): paperboy lacks Embed Links → allow it for paperboy in the channel's permissions"; !strings.HasPrefix(failed[0], want) {
		t.Errorf("got %q, want %q…", failed[0], want)
	}
	all := strings.Join(append(ok, failed...), "\n")
	for _, name := range permissionNames {
		if n := strings.Count(all, name); name != "Embed Links" && n > 0 {
			t.Errorf("%q named %d times:\n%s", name, n, all)
		}
	}
	if !strings.Contains(all, "✓ Discord channel 100 (#papers): paperboy has the 6 permissions") {
		t.Errorf("channel 100:\n%s", all)
	}

	// Hidden from the bot: View Channel.
	w.dc.AddChannel(discordfake.Channel{ID: "101", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "hidden",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9001", Type: discordgo.PermissionOverwriteTypeMember, Deny: discordgo.PermissionViewChannel}}})
	_, _, failed = w.doctor(t, cfg)
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "✗ Discord channel 101: paperboy cannot see it: lacks View Channel") {
		t.Errorf("hidden channel: %q", failed)
	}
	// Two missing in a forum, where threads are posts: Create Public
	// Threads is not needed there.
	w.dc.AddChannel(discordfake.Channel{ID: "101", GuildID: "9000", Type: discordgo.ChannelTypeGuildForum, Name: "forum",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9000", Type: discordgo.PermissionOverwriteTypeRole,
			Deny: discordgo.PermissionCreatePublicThreads | discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks}}})
	_, _, failed = w.doctor(t, cfg)
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "✗ Discord channel 101 (#forum): paperboy lacks Embed Links and Read Message History → allow them") {
		t.Errorf("forum: %q", failed)
	}
}

// Slack: a channel the bot is not in, a missing scope and a refused app
// token are each named with what to do.
func TestDoctorSlack(t *testing.T) {
	w := newDoctorWorld(t)
	w.registerCommands(t)
	w.sl.AddChannel(slackfake.Channel{ID: "C200", Name: "elsewhere", Members: []string{"U2"}})
	cfg := w.config(t, `  - {platform: slack, id: C100}
  - {platform: slack, id: C200}
`)
	code, ok, failed := w.doctor(t, cfg)
	if code != 1 || len(failed) != 1 || failed[0] != "✗ Slack channel C200 (#elsewhere): paperboy is not a member → type /invite @paperboy in the channel" {
		t.Fatalf("not a member: exit %d, failed %q", code, failed)
	}
	if all := strings.Join(ok, "\n"); !strings.Contains(all, "✓ Slack channel C100 (#papers): paperboy is a member") {
		t.Errorf("C100:\n%s", all)
	}
	w.sl.AddMember("C200", "U0BOT")

	var scopes []string
	for _, s := range slack.NeededScopes() {
		if s != "im:write" {
			scopes = append(scopes, s)
		}
	}
	w.sl.SetScopes(scopes...)
	_, _, failed = w.doctor(t, cfg)
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "✗ Slack scopes: the token lacks im:write → add it under OAuth & Permissions") {
		t.Errorf("missing scope: %q", failed)
	}
	w.sl.SetScopes(slackfake.DefaultScopes...)

	w.sl.SetAppToken("xapp-other1")
	_, _, failed = w.doctor(t, cfg)
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "✗ Slack app-level token (Socket Mode): Slack refused it (invalid_auth) → create an app-level token with the connections:write scope") {
		t.Errorf("app token: %q", failed)
	}
	// In HTTP mode there is no app-level token to check.
	w.slackCfg = "  mode: http\n  signing_secret: ${SLACK_SIGNING_SECRET}\n"
	code, _, failed = w.doctor(t, w.config(t, "  - {platform: slack, id: C100}\n"), "SLACK_SIGNING_SECRET=fake-signing-secret")
	if code != 0 {
		t.Errorf("HTTP mode: exit %d, %q", code, failed)
	}
}

// A token the platform refuses is a ✗ with what to do, and it appears
// nowhere in the output.
func TestDoctorBadTokens(t *testing.T) {
	w := newDoctorWorld(t)
	w.registerCommands(t)
	cfg := w.config(t, doctorChannels)
	code, _, failed := w.doctor(t, cfg, "DISCORD_BOT_TOKEN=MTEST.not-the-token.at-all", "SLACK_BOT_TOKEN=xoxb-revoked")
	if code != 1 || len(failed) != 2 {
		t.Fatalf("exit %d, failed %q", code, failed)
	}
	if want := "✗ Discord token: Discord refused it (HTTP 401 Unauthorized: 401: Unauthorized (code 0)) → copy the bot's token (Developer Portal → your application → Bot → Reset Token) into DISCORD_BOT_TOKEN"; failed[0] != want {
		t.Errorf("Discord:\n got %q\nwant %q", failed[0], want)
	}
	if want := "✗ Slack bot token: Slack refused it (invalid_auth) → copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN"; failed[1] != want {
		t.Errorf("Slack:\n got %q\nwant %q", failed[1], want)
	}
	// A config that reads the token from another variable names that one.
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	other := writeConfig(t, strings.Replace(string(body), "${DISCORD_BOT_TOKEN}", "${PAPERBOY_DISCORD}", 1))
	_, _, failed = w.doctor(t, other, "PAPERBOY_DISCORD=MTEST.not-the-token.at-all")
	if len(failed) != 1 || !strings.HasSuffix(failed[0], "into PAPERBOY_DISCORD") {
		t.Errorf("another variable: %q", failed)
	}
}
