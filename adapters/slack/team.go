package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	slackgo "github.com/slack-go/slack"
)

// notEnabledText answers a request from a workspace paperboy is not
// installed in.
const notEnabledText = "This bot is not enabled in this workspace."

// unknownTeamText answers a command while the installed workspace is not
// known yet (auth.test has not succeeded).
const unknownTeamText = "paperboy cannot reach Slack right now; try again in a minute."

// adminEntry is one slack.admins entry: "U456" (a user of the installed
// workspace) or "T123/U456" (that user of that workspace only).
var adminEntry = regexp.MustCompile(`^(?:(T[A-Z0-9]+)/)?([UW][A-Z0-9]+)$`)

// checkAdmins validates the configured admin entries.
func checkAdmins(admins []string) error {
	for i, a := range admins {
		if !adminEntry.MatchString(a) {
			return fmt.Errorf("slack: admins[%d]: %q is not a Slack user id (U…) or team/user pair (T…/U…)", i, a)
		}
	}
	return nil
}

// listedAdmin reports whether slack.admins names the user of that team.
// An entry with a team matches only that team; a plain user id matches
// only in the installed workspace (installed is auth.test's team_id).
func listedAdmin(admins []string, installed, team, user string) bool {
	for _, a := range admins {
		m := adminEntry.FindStringSubmatch(a)
		if m == nil || m[2] != user {
			continue
		}
		if m[1] != "" && m[1] == team {
			return true
		}
		if m[1] == "" && installed != "" && team == installed {
			return true
		}
	}
	return false
}

// installedTeam returns the workspace the bot token belongs to (auth.test,
// called until it succeeds once, then cached).
func (s *Slack) installedTeam(ctx context.Context) (string, error) {
	s.mu.Lock()
	team := s.team
	s.mu.Unlock()
	if team != "" {
		return team, nil
	}
	var resp *slackgo.AuthTestResponse
	err := s.call(ctx, "auth.test", func() error {
		var err error
		resp, err = s.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	if resp.TeamID == "" {
		return "", fmt.Errorf("slack: auth.test: no team_id in the answer")
	}
	s.mu.Lock()
	s.team = resp.TeamID
	s.mu.Unlock()
	return resp.TeamID, nil
}

// teamRefusal says why a request from team may not be handled, or "" when
// it may: refused unless it is the installed workspace. Enterprise Grid
// installs across several workspaces are not supported.
func (s *Slack) teamRefusal(ctx context.Context, team string) string {
	installed, err := s.installedTeam(ctx)
	if err != nil {
		s.log.Warn("slack: could not learn the installed workspace (auth.test); refusing the command", "error", err.Error())
		return unknownTeamText
	}
	if strings.TrimSpace(team) != installed {
		s.rejects.add(s.log, RejectTeam)
		return notEnabledText
	}
	return ""
}
