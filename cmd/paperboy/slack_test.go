package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

const (
	fakeSlackBot = "xoxb-fake-bot-token-for-tests"
	fakeSlackApp = "xapp-fake-app-token-for-tests"
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
		"slack:\n  bot_token: xoxb-written-in-the-file\n":                                              "slack.bot_token: write ${SLACK_BOT_TOKEN}",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n":                                                    "slack.app_token: Socket Mode needs an app-level token",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  mode: http\n":                                      "slack.signing_secret: HTTP mode needs the signing secret",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  app_token: ${SLACK_APP_TOKEN}\n  mode: webhooks\n": `slack.mode: "webhooks" is not socket or http`,
		"channels:\n  - {platform: slack, id: general}\n":                                              `channels[0].id: "general" is not a Slack channel id`,
	} {
		r := runMain(t, env, "status", "--config", writeConfig(t, yaml), "--db", db)
		if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "xoxb-written") {
			t.Errorf("%q: exit %d %q, want %q", yaml, r.code, r.stderr, want)
		}
	}
}
