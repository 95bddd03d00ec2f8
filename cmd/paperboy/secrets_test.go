package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// leakSecrets are recognisable fake secrets, one per secret setting.
var leakSecrets = []string{
	"DISCORD_BOT_TOKEN", "MTEST.SECRETdiscordTOKEN.0001",
	"SLACK_BOT_TOKEN", "xoxb-SECRET_slack_BOT_0002",
	"SLACK_APP_TOKEN", "xapp-SECRET_slack_APP_0003",
	"SLACK_SIGNING_SECRET", "SECRETslackSIGNING-0004",
	"HF_TOKEN", "hf_SECREThuggingFACE0005",
}

// leakCheck collects everything paperboy wrote or answered and fails on a
// secret, or on the redactor having had to hide one (the code must not
// try to print a secret at all: the redactor is only the net under it).
type leakCheck struct {
	t     *testing.T
	texts []string
	runs  int
}

func (c *leakCheck) add(what string, s ...string) {
	c.texts = append(c.texts, what+":\n"+strings.Join(s, "\n"))
}

func (c *leakCheck) run(getenv func(string) string, args ...string) result {
	c.t.Helper()
	start := time.Now()
	r := runMain(c.t, getenv, args...)
	if d := time.Since(start); d > 5*time.Second {
		c.t.Logf("%v: exit %d in %v", args, r.code, d)
	}
	c.runs++
	c.add(strings.Join(args, " "), r.stdout, r.stderr)
	return r
}

func (c *leakCheck) check() {
	c.t.Helper()
	for _, text := range c.texts {
		for i := 1; i < len(leakSecrets); i += 2 {
			for _, part := range []string{leakSecrets[i], leakSecrets[i][5:20]} {
				if strings.Contains(text, part) {
					c.t.Errorf("%s leaks in %s", leakSecrets[i-1], text)
				}
			}
		}
		if strings.Contains(text, redacted) {
			c.t.Errorf("a secret had to be redacted in %s", text)
		}
	}
}

// TestSecretsNeverWritten runs the real Main with recognisable secrets
// through startup, config errors, platform and source errors (401, 403,
// 5xx), debug logging in both formats, and the Slack HTTP endpoint's
// rejections, and checks that no secret appears in stdout, stderr, the
// standard logger's output (libraries log there) or anything the bot
// sent to a platform.
func TestSecretsNeverWritten(t *testing.T) {
	var stdlog bytes.Buffer
	log.SetOutput(&stdlog)
	defer log.SetOutput(os.Stderr)
	c := &leakCheck{t: t}
	env := testEnv(leakSecrets...)
	hf := newFakeHF(t)
	dc := discordfake.New()
	defer dc.Close()
	dc.SetToken(env("DISCORD_BOT_TOKEN"))
	dc.AddChannel(discordfake.Channel{ID: "100", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	sl := slackfake.New()
	defer sl.Close()
	sl.SetToken(env("SLACK_BOT_TOKEN"))
	sl.SetBotUser("U0BOT", "T100")
	sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT", "U2"}})
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  token: ${HF_TOKEN}
  max_retries: 0
  min_interval: 0s
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  gateway: false
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
channels:
  - {platform: discord, id: "100"}
  - {platform: slack, id: C100}
`, hf.URL(), dc.URL(), sl.APIURL()))
	dir := t.TempDir()
	n := 0
	digest := func(extra ...string) result {
		n++
		args := append([]string{"digest", "--date", "2025-05-22", "--config", cfg, "--db", filepath.Join(dir, fmt.Sprintf("%d.db", n)), "--log-level", "debug"}, extra...)
		return c.run(env, args...)
	}

	// Startup and a healthy digest, debug logs as text and as JSON.
	if r := digest(); r.code != 0 || !strings.Contains(r.stdout, "posted 10 papers") {
		t.Fatalf("healthy digest: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if len(hf.Requests()) == 0 || hf.Requests()[0].UserAgent == "" {
		t.Fatal("the source was not asked")
	}
	digest("--log-format", "json")
	c.run(env, "status", "--config", cfg, "--db", filepath.Join(dir, "1.db"), "--log-level", "debug")
	c.run(env, "search", "diffusion", "--config", cfg, "--db", filepath.Join(dir, "1.db"), "--log-level", "debug")

	// Config errors, with every secret in the environment.
	for _, yaml := range []string{
		"discord:\n  tokn: ${DISCORD_BOT_TOKEN}\n",
		"discord:\n  token: " + env("DISCORD_BOT_TOKEN") + "\n",
		"slack:\n  bot_token: " + env("SLACK_BOT_TOKEN") + "\n  signing_secret: " + env("SLACK_SIGNING_SECRET") + "\n",
		"huggingface:\n  token: " + env("HF_TOKEN") + "\n",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  mode: http\n",
		"discord: [\n",
		"log:\n  level: loud\n",
	} {
		if r := c.run(env, "status", "--config", writeConfig(t, yaml), "--db", filepath.Join(dir, "cfg.db")); r.code != 2 {
			t.Errorf("config %q: exit %d", yaml, r.code)
		}
	}

	// Platform errors: every Discord and Slack request refused or failing,
	// then the source refusing.
	// (5xx once each: the adapters retry them, with backoff.)
	for _, rule := range []discordfake.Rule{{Status: 401}, {Code: 50013}, {Code: 50001}, {Status: 500, Times: 1}, {Status: 502, Times: 1}} {
		remove := dc.AddRule(rule)
		if r := digest(); r.code == 0 && !strings.Contains(r.stdout+r.stderr, "discord") {
			t.Errorf("Discord %+v: exit 0 and no word about it", rule)
		}
		remove()
	}
	dc.SetToken("another-token-entirely")
	digest()
	dc.SetToken(env("DISCORD_BOT_TOKEN"))
	for _, rule := range []slackfake.Rule{{Error: "invalid_auth"}, {Error: "not_in_channel"}, {Error: "account_inactive"}, {Status: 500, Times: 1}, {Status: 403}} {
		remove := sl.AddRule(rule)
		digest()
		remove()
	}
	for _, rule := range []hffake.Rule{{Status: 401}, {Status: 403}, {Status: 500}, {Truncate: true}} {
		remove := hf.AddRule(rule)
		if r := digest(); !strings.Contains(r.stdout, "could not fetch the list") {
			t.Errorf("source %+v: %q", rule, r.stdout)
		}
		remove()
	}

	// What the bot sent to the platforms.
	for _, m := range sl.AllMessages() {
		c.add("slack message", m.Text, string(m.Blocks), string(m.Metadata))
	}
	for _, ch := range []string{"100"} {
		for _, m := range dc.Messages(ch) {
			c.add("discord message", fmt.Sprintf("%+v", m))
		}
		for _, th := range dc.Threads(ch) {
			for _, m := range dc.Messages(th.ID) {
				c.add("discord thread message", fmt.Sprintf("%+v", m))
			}
		}
	}
	c.add("standard logger", stdlog.String())
	c.check()
	t.Logf("%d runs of Main checked", c.runs)
}

// TestSlackHTTPRejectsAndLeaksNothing runs the daemon in Slack HTTP mode
// with recognisable secrets: unsigned, wrongly signed, old (> 5 minutes)
// and replayed requests get 401 and change nothing (no channel set up, no
// answer, no message), a correctly signed one from an admin works, and
// nothing written or answered holds a secret.
func TestSlackHTTPRejectsAndLeaksNothing(t *testing.T) {
	c := &leakCheck{t: t}
	env := testEnv(leakSecrets...)
	secret := env("SLACK_SIGNING_SECRET")
	d := startSlackHTTPDaemon(t, env, "  admins: [U2]\n", "--log-level", "debug")
	form := func(name string) string {
		return url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "user_id": {"U2"}, "command": {"/papers-admin"},
			"text": {"channel set time 09:00"}, "response_url": {d.srv.ResponseURL(name)}}.Encode()
	}
	slackChannels := func() int {
		s, err := store.Open(context.Background(), d.db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		chans, err := s.Channels(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ch := range chans {
			if ch.Platform == "slack" {
				n++
			}
		}
		return n
	}
	replayed := form("replayed")
	replayedSig := signSlack(replayed, time.Now(), secret)
	for name, req := range map[string]struct {
		body string
		h    http.Header
	}{
		"unsigned":      {form("unsigned"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
		"wrong secret":  {form("wrong"), signSlack(form("wrong"), time.Now(), "not-the-signing-secret")},
		"6 minutes old": {form("old"), signSlack(form("old"), time.Now().Add(-6*time.Minute), secret)},
		"future":        {form("future"), signSlack(form("future"), time.Now().Add(6*time.Minute), secret)},
		"body changed":  {form("changed") + "&x=1", signSlack(form("changed"), time.Now(), secret)},
	} {
		if code := d.post(t, req.body, req.h); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if n := slackChannels(); n != 0 {
		t.Fatalf("a rejected request set up %d channels", n)
	}
	// The control: the same command, signed, works once; its replay is
	// refused.
	if code := d.post(t, replayed, replayedSig); code != http.StatusOK {
		t.Fatalf("signed request: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for slackChannels() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the signed admin command did not set up the channel")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := d.post(t, replayed, replayedSig); code != http.StatusUnauthorized {
		t.Errorf("replay: %d, want 401", code)
	}
	time.Sleep(100 * time.Millisecond)
	for _, r := range d.srv.Responses() {
		if r.Name != "replayed" || r.Use != 1 {
			t.Errorf("a rejected request was answered: %s use %d", r.Name, r.Use)
		}
		c.add("response "+r.Name, string(r.Body))
	}
	if n := len(d.srv.AllMessages()); n != 0 {
		t.Errorf("%d messages posted", n)
	}
	d.stop()
	c.add("daemon", d.out.String(), d.errb.String())
	// Rejections are logged in aggregate (at most one line a minute and
	// one at shutdown, so a flood of forged requests cannot fill the
	// disk): the counts across those lines add up to every rejection.
	if n := loggedRejections(d.errb.String()); n != 6 {
		t.Errorf("%d rejections logged, want 6:\n%s", n, d.errb.String())
	}
	c.check()
}

// TestRedactorHidesSecrets: what reaches stdout and stderr through Main's
// writers has every configured secret replaced, e.g. a recovered panic
// whose value holds a token, logged by the binary's logger.
func TestRedactorHidesSecrets(t *testing.T) {
	red := &redactor{}
	red.add("short", "", "xoxb-SECRET_slack_BOT_0002")
	red.add(secretEnvValues(testEnv(leakSecrets...))...)
	var buf bytes.Buffer
	logger := newLogger(red.writer(&buf), "debug", "json")
	err := &bot.PanicError{Value: "bad token xoxb-SECRET_slack_BOT_0002 in " + "MTEST.SECRETdiscordTOKEN.0001"}
	logger.Error("command failed", "error", fmt.Errorf("wrapped: %w", err), slog.String("hf", "hf_SECREThuggingFACE0005"), "word", "short")
	out := buf.String()
	if strings.Contains(out, "SECRET") || strings.Count(out, redacted) != 3 || !strings.Contains(out, "short") {
		t.Errorf("redacted log: %s", out)
	}
	if !errors.As(error(err), new(*bot.PanicError)) {
		t.Fatal("not a PanicError")
	}
}

// loggedRejections sums count=N over the Slack adapter's aggregated
// "rejected requests" lines.
func loggedRejections(log string) int {
	total := 0
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "slack: rejected requests") {
			continue
		}
		i := strings.Index(line, " count=")
		if i < 0 {
			continue
		}
		rest := line[i+len(" count="):]
		if j := strings.IndexByte(rest, ' '); j >= 0 {
			rest = rest[:j]
		}
		n, err := strconv.Atoi(rest)
		if err == nil {
			total += n
		}
	}
	return total
}
