package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

const (
	fakeSlackBot = "xoxb-fake1"
	fakeSlackApp = "xapp-fake1"
)

// The real binary's Main posts a digest to (fake) Slack.
func TestDigestToSlack(t *testing.T) {
	srv := slackfake.New()
	defer srv.Close()
	srv.SetToken(fakeSlackBot)
	srv.SetBotUser("U0BOT", "T100")
	srv.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	cfg := writeConfig(t, fmt.Sprintf(`
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
channels:
  - platform: slack
    id: C100
`, srv.APIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	env := testEnv("SLACK_BOT_TOKEN", fakeSlackBot, "SLACK_APP_TOKEN", fakeSlackApp)
	r := runMain(t, env, "digest", "--source", "sample", "--config", cfg, "--db", db, "--log-level", "debug")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	top := srv.Messages("C100")
	if len(top) != 1 || len(srv.Replies("C100", top[0].TS)) != 10 {
		t.Fatalf("on Slack: %d messages", len(top))
	}
	if strings.Contains(r.stdout+r.stderr, fakeSlackBot) || strings.Contains(r.stdout+r.stderr, fakeSlackApp) {
		t.Error("a token appears in the output")
	}
	// Config problems, one line each, exit 2.
	for yaml, want := range map[string]string{
		"slack:\n  bot_token: xoxb-inline\n":                                                           "slack.bot_token: write ${SLACK_BOT_TOKEN}",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n":                                                    "slack.app_token: Socket Mode needs an app-level token",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  mode: http\n":                                      "slack.signing_secret: HTTP mode needs the signing secret",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  app_token: ${SLACK_APP_TOKEN}\n  mode: webhooks\n": `slack.mode: "webhooks" is not socket or http`,
		"channels:\n  - {platform: slack, id: general}\n":                                              `channels[0].id: "general" is not a Slack channel id`,
	} {
		r := runMain(t, env, "status", "--config", writeConfig(t, yaml), "--db", db)
		if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "xoxb-inline") {
			t.Errorf("%q: exit %d %q, want %q", yaml, r.code, r.stderr, want)
		}
	}
}

// slackHTTPDaemon is `paperboy run` in Slack HTTP mode against a fake
// Slack where the bot (U0BOT) and a user (U2, bob) are in C100.
type slackHTTPDaemon struct {
	srv       *slackfake.Server
	addr, db  string
	out, errb *syncBuffer
	stop      func() // cancels Main and checks its exit code (once)
}

// startSlackHTTPDaemon starts the daemon with env (which must hold
// SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET) and extra lines of the slack:
// section, and waits until it runs. It stops with the test.
func startSlackHTTPDaemon(t *testing.T, env func(string) string, extraSlack string, args ...string) *slackHTTPDaemon {
	t.Helper()
	d := &slackHTTPDaemon{srv: slackfake.New(), db: filepath.Join(t.TempDir(), "p.db"), out: &syncBuffer{}, errb: &syncBuffer{}}
	t.Cleanup(d.srv.Close)
	d.srv.SetToken(env("SLACK_BOT_TOKEN"))
	d.srv.SetBotUser("U0BOT", "T100")
	d.srv.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT", "U2"}})
	d.srv.AddUser(slackfake.User{ID: "U2", Name: "bob"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.addr = ln.Addr().String()
	ln.Close()
	cfg := writeConfig(t, fmt.Sprintf(`
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  mode: http
  listen: %s
  api_url: %s
%s`, d.addr, d.srv.APIURL(), extraSlack))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"run", "--source", "sample", "--config", cfg, "--db", d.db}, args...), Options{Getenv: env, Stdout: d.out, Stderr: d.errb})
	}()
	var once sync.Once
	d.stop = func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit %d\n%s", code, d.errb.String())
			}
		})
	}
	t.Cleanup(d.stop)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(d.errb.String(), "daemon started") {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", d.errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return d
}

// post sends a body to the slash-command endpoint and returns the status.
func (d *slackHTTPDaemon) post(t *testing.T, body string, h http.Header) int {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+d.addr+"/slack/commands", strings.NewReader(body))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// signSlack signs a request body as Slack does.
func signSlack(body string, ts time.Time, secret string) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	return http.Header{
		"X-Slack-Request-Timestamp": {stamp},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
		"Content-Type":              {"application/x-www-form-urlencoded"},
	}
}

// The daemon answers a signed slash command in HTTP mode.
func TestRunSlackHTTPMode(t *testing.T) {
	secret := "fake-signing-secret"
	d := startSlackHTTPDaemon(t, testEnv("SLACK_BOT_TOKEN", fakeSlackBot, "SLACK_SIGNING_SECRET", secret), "")
	body := url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "user_id": {"U2"}, "command": {"/papers"},
		"text": {"help"}, "response_url": {d.srv.ResponseURL("r1")}}.Encode()
	if code := d.post(t, body, signSlack(body, time.Now(), secret)); code != 200 {
		t.Fatalf("command: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range d.srv.Responses() {
			if r.Name == "r1" && r.ResponseType == "ephemeral" && strings.Contains(string(r.Body), "papers search") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no answer on the response URL:\n%s", d.errb.String())
}
