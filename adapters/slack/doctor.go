package slack

// What `paperboy doctor` asks Slack, one call each, without retries:
// https://api.slack.com/methods/auth.test (the token, and its scopes in
// the X-OAuth-Scopes header of the answer),
// https://api.slack.com/methods/conversations.info (is_member),
// https://api.slack.com/methods/apps.connections.open (the app-level
// token of Socket Mode; the connection it offers is not opened).

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	slackgo "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"github.com/paperboy-bot/paperboy/bot"
)

//go:embed manifest.yaml
var manifestYAML []byte

var (
	neededOnce   sync.Once
	neededScopes []string
)

// NeededScopes returns the bot scopes paperboy needs: those manifest.yaml
// (the app's manifest, from which the app is created) asks for.
func NeededScopes() []string {
	neededOnce.Do(func() {
		var m struct {
			OAuth struct {
				Scopes struct {
					Bot []string `yaml:"bot"`
				} `yaml:"scopes"`
			} `yaml:"oauth_config"`
		}
		if err := yaml.Unmarshal(manifestYAML, &m); err != nil {
			panic("slack: manifest.yaml: " + err.Error()) // embedded and tested
		}
		neededScopes = m.OAuth.Scopes.Bot
	})
	return slices.Clone(neededScopes)
}

// reinstall is what to do about a missing scope.
const reinstall = "add it under OAuth & Permissions → Scopes → Bot Token Scopes (or update the app from adapters/slack/manifest.yaml), then reinstall the app to the workspace"

// Doctor checks what paperboy needs from Slack: the bot token (auth.test),
// the scopes of manifest.yaml, membership of each of channels on Slack
// and, in Socket Mode, the app-level token. Every check is one line; none
// names a token. After a refused bot token, only the app-level token is
// still checked.
func (s *Slack) Doctor(ctx context.Context, channels []bot.Channel, socketMode bool) []bot.Check {
	var checks []bot.Check
	at, err := s.api.AuthTestContext(ctx)
	if err != nil {
		checks = append(checks, s.failedBotToken(err))
	} else {
		checks = append(checks, bot.Passed("Slack bot token", fmt.Sprintf("valid (auth.test: bot %s, %s, in workspace %s %s)", at.User, at.UserID, at.Team, at.TeamID)))
		checks = append(checks, scopeCheck(at.Header.Get("X-OAuth-Scopes")))
		for _, ch := range channels {
			if ch.Platform == Name {
				checks = append(checks, s.doctorChannel(ctx, ch))
			}
		}
	}
	if socketMode {
		checks = append(checks, s.doctorAppToken(ctx))
	}
	return checks
}

// failedBotToken explains a failed auth.test.
func (s *Slack) failedBotToken(err error) bot.Check {
	err = s.scrub(err)
	switch code := slackError(err); code {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type":
		return bot.Failed("Slack bot token", "Slack refused it ("+code+")",
			"copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN")
	case "":
		return bot.Failed("Slack API "+s.opts.APIURL, "unreachable: "+err.Error(),
			"check the network and slack.api_url (default "+DefaultAPIURL+")")
	default:
		return bot.Failed("Slack bot token", "auth.test failed ("+code+")", "try again in a minute")
	}
}

// scopeCheck compares the token's scopes (auth.test's X-OAuth-Scopes)
// with NeededScopes, naming each missing one.
func scopeCheck(header string) bot.Check {
	have := map[string]bool{}
	for _, sc := range strings.Split(header, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			have[sc] = true
		}
	}
	needed := NeededScopes()
	if len(have) == 0 {
		return bot.Failed("Slack scopes", "Slack did not say which scopes the token has (no X-OAuth-Scopes header)",
			"check slack.api_url: it should be Slack's Web API ("+DefaultAPIURL+")")
	}
	var missing []string
	for _, n := range needed {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	switch len(missing) {
	case 0:
		return bot.Passed("Slack scopes", fmt.Sprintf("the token has the %d scopes of the manifest", len(needed)))
	case 1:
		return bot.Failed("Slack scopes", "the token lacks "+missing[0], reinstall)
	}
	return bot.Failed("Slack scopes", "the token lacks "+strings.Join(missing, ", "), strings.Replace(reinstall, "add it", "add them", 1))
}

// doctorChannel checks that paperboy is a member of a configured channel.
func (s *Slack) doctorChannel(ctx context.Context, c bot.Channel) bot.Check {
	name := "Slack channel " + c.ID
	if c.Name != "" {
		name += " (" + c.Name + ")"
	}
	ch, err := s.api.GetConversationInfoContext(ctx, &slackgo.GetConversationInfoInput{ChannelID: c.ID})
	if err != nil {
		err = s.scrub(err)
		switch code := slackError(err); code {
		case "channel_not_found":
			return bot.Failed(name, "not found: it does not exist, or it is private and paperboy is not in it",
				"check its id in channels[] (the channel's details, at the bottom); for a private channel, type /invite @paperboy in it")
		case "missing_scope":
			return bot.Failed(name, "could not be checked (missing_scope: channels:read for a public channel, groups:read for a private one)", reinstall)
		case "":
			return bot.Failed(name, "could not be checked: "+err.Error(), "try again in a minute")
		default:
			return bot.Failed(name, "could not be checked (conversations.info: "+code+")", "try again in a minute")
		}
	}
	if c.Name == "" && ch.Name != "" {
		name += " (#" + ch.Name + ")"
	}
	switch {
	case ch.IsArchived:
		return bot.Failed(name, "is archived", "unarchive it, or remove it from channels[]")
	case !ch.IsMember:
		return bot.Failed(name, "paperboy is not a member", "type /invite @paperboy in the channel")
	}
	return bot.Passed(name, "paperboy is a member")
}

// doctorAppToken asks for a Socket Mode connection with the app-level
// token; the connection offered is not opened (its URL expires unused).
func (s *Slack) doctorAppToken(ctx context.Context) bot.Check {
	const name = "Slack app-level token (Socket Mode)"
	const fix = "create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and put it in SLACK_APP_TOKEN"
	if !strings.HasPrefix(s.opts.AppToken, "xapp-") {
		return bot.Failed(name, "not set, or not an app-level token (xapp-…)", fix)
	}
	_, _, err := s.api.StartSocketModeContext(ctx)
	if err == nil {
		return bot.Passed(name, "valid (apps.connections.open)")
	}
	err = s.scrub(err)
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		if se.Err == "missing_scope" {
			return bot.Failed(name, "lacks connections:write (missing_scope)", fix)
		}
		return bot.Failed(name, "Slack refused it ("+se.Err+")", fix)
	}
	return bot.Failed(name, "could not be checked: "+err.Error(), "try again in a minute")
}
