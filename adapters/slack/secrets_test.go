package slack

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// credentialRoutes are the fake's routes paperboy uses.
var credentialRoutes = []string{"auth.test", "users.info", "conversations.info", "chat.postEphemeral", slackfake.MethodResponseURL,
	"chat.postMessage", "conversations.history", "conversations.open", "apps.connections.open"}

// TestNoCredentialInLogsOrErrors: timeouts, connection resets (before and
// after the request took effect) and 5xx on every route paperboy uses,
// response URLs included; neither the log nor any returned error names a
// response_url, the bot token, the app token or the signing secret, and
// the failures name the route instead (not even the Web API URL).
func TestNoCredentialInLogsOrErrors(t *testing.T) {
	faults := map[string]slackfake.Rule{
		"timeout":     {Delay: 3 * time.Second},
		"reset":       {DropBeforeApply: true},
		"reset-after": {DropAfterApply: true},
		"503":         {Status: 503},
	}
	for _, route := range credentialRoutes {
		for kind, rule := range faults {
			t.Run(route+"/"+kind, func(t *testing.T) {
				e := newEnvWith(t, func(o *Options) {
					o.Timeout = 150 * time.Millisecond
					o.Retries = 1
					o.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
					o.Admins = []string{adminUser}
				})
				rule.Method = route
				e.srv.AddRule(rule)
				var urls []string
				respURL := func(what string) string {
					u := e.srv.ResponseURL(fmt.Sprintf("SeCrEt-%s-%d", what, len(urls)))
					urls = append(urls, u)
					return u
				}
				var errs []error
				ctx := context.Background()

				// Commands: auth.test, users.info (a workspace admin not
				// listed), conversations.info, response_url, and
				// chat.postEphemeral when the response_url fails.
				e.s.opts.Admins = nil
				e.s.handleSlash(slackgo.SlashCommand{TeamID: teamID, ChannelID: channelID, UserID: adminUser, Command: "/papers-admin",
					Text: "channel set time 08:00", ResponseURL: respURL("slash")})
				expired := respURL("expired")
				e.srv.ExpireResponseURL(strings.TrimPrefix(expired[strings.LastIndex(expired, "/")+1:], ""))
				e.s.handleSlash(slackgo.SlashCommand{TeamID: teamID, ChannelID: channelID, UserID: memberUser, Command: "/papers",
					Text: "help", ResponseURL: expired})
				e.s.handleAction(slackgo.InteractionCallback{Type: slackgo.InteractionTypeBlockActions, ResponseURL: respURL("button"),
					User: slackgo.User{ID: memberUser}, Team: slackgo.Team{ID: teamID},
					ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{{ActionID: actionPrefix + "0", Value: "s:00:1"}}}})
				// Posts and reads.
				if _, err := e.digest(channelID); err != nil {
					errs = append(errs, err)
				}
				if _, err := e.s.SendDM(ctx, bot.UserRef{Platform: Name, TeamID: teamID, ID: memberUser}, "",
					&bot.DirectMessage{Key: "dm-1", Reply: bot.Reply{Title: "alerts"}}); err != nil {
					errs = append(errs, err)
				}
				if _, _, err := e.s.FindDM(ctx, bot.UserRef{Platform: Name, TeamID: teamID, ID: memberUser}, "", "dm-2"); err != nil {
					errs = append(errs, err)
				}
				// Socket Mode: apps.connections.open, then a websocket
				// URL nobody listens on.
				sctx, cancel := context.WithCancel(ctx)
				done := make(chan error, 1)
				go func() { done <- e.s.RunSocketMode(sctx) }()
				waitFor, n := "apps.connections.open", 2
				if route == "auth.test" {
					waitFor, n = "auth.test", e.count("auth.test")+2 // it never gets further
				}
				for e.count(waitFor) < n {
					time.Sleep(2 * time.Millisecond)
				}
				cancel()
				if err := <-done; err != nil {
					errs = append(errs, err)
				}
				if _, reason, _ := e.s.State(); reason != "" {
					errs = append(errs, fmt.Errorf("state: %s", reason))
				}

				faulted := 0
				for _, r := range e.srv.Requests() {
					if r.Method == route && r.Fault != "" {
						faulted++
					}
				}
				if faulted == 0 {
					t.Fatalf("no request to %s was faulted", route)
				}
				var all strings.Builder
				all.WriteString(e.logs.String())
				for _, err := range errs {
					all.WriteString("\n" + err.Error())
				}
				text := all.String()
				secrets := append([]string{botToken, appToken, signingSecret, "SeCrEt", slackfake.ResponseURLPrefix, slackfake.SocketModeURL, e.srv.APIURL()}, urls...)
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%q appears in the log or an error:\n%s", s, text)
					}
				}
				if kind == "timeout" && route == slackfake.MethodResponseURL && !strings.Contains(text, "Post {response_url}: ") {
					t.Errorf("a response_url timeout is not logged with its route:\n%s", text)
				}
				if kind == "timeout" && route == "chat.postMessage" && !strings.Contains(text, "/api/chat.postMessage") {
					t.Errorf("a chat.postMessage timeout is not logged with its route:\n%s", text)
				}
			})
		}
	}
}
