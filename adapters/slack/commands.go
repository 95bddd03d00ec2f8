package slack

import (
	"context"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// Handler lifetimes: a slash command's answer may take long (a search), but
// its response_url lives 30 minutes; a button's answer is quick.
const (
	slashTimeout  = 25 * time.Minute
	actionTimeout = 2 * time.Minute
)

// handleSlash answers one slash command (Socket Mode: the caller has
// acknowledged it already, as Slack wants within 3 seconds). It is counted
// by the adapter's lifetime (Shutdown waits for it).
func (s *Slack) handleSlash(sc slackgo.SlashCommand) {
	running := s.life.enter()
	defer s.life.leave()
	s.slash(sc, running)
}

// slash answers a slash command: through its response_url, visible only
// to the user, or through chat.postEphemeral when that fails. When running
// is false (Shutdown has begun) it only tells the user to try again.
func (s *Slack) slash(sc slackgo.SlashCommand, running bool) {
	if s.cmds == nil {
		return
	}
	if !running {
		s.tell(s.life.base, sc.ResponseURL, sc.ChannelID, sc.UserID, restartingText)
		return
	}
	ctx, cancel := s.handlerContext(slashTimeout) // response_url lives 30 minutes
	defer cancel()
	if why := s.teamRefusal(ctx, sc.TeamID); why != "" {
		if s.cancelledByShutdown(ctx) {
			why = restartingText
		}
		s.tell(ctx, sc.ResponseURL, sc.ChannelID, sc.UserID, why)
		return
	}
	cmd := bot.ParseCommand(sc.Command, sc.Text)
	cmd.Platform, cmd.TeamID, cmd.ChannelID, cmd.ChannelName = Name, sc.TeamID, sc.ChannelID, sc.ChannelName
	cmd.User = bot.UserRef{Platform: Name, TeamID: sc.TeamID, ID: sc.UserID}
	if cmd.Name == bot.CmdAdmin {
		cmd.CanManage = s.isAdmin(ctx, sc.TeamID, sc.UserID)
		if cmd.CanManage && cmd.Sub == "channel set" {
			cmd.BotMissing = s.botMissing(ctx, sc.ChannelID)
		}
	}
	r := s.cmds.Handle(ctx, cmd)
	if s.cancelledByShutdown(ctx) {
		s.tell(ctx, sc.ResponseURL, sc.ChannelID, sc.UserID, restartingText)
		return
	}
	// The command is done; only its answer is on its way, and Shutdown
	// cancelling the handlers meanwhile must not lose it.
	actx, acancel := answerContext(ctx)
	defer acancel()
	s.reply(actx, sc.ResponseURL, sc.ChannelID, sc.UserID, renderReply(r))
}

// tell answers a command with one line, under a context Shutdown does not
// cancel (bounded by tellTimeout).
func (s *Slack) tell(ctx context.Context, responseURL, channel, user, text string) {
	tctx, cancel := tellContext(ctx)
	defer cancel()
	s.reply(tctx, responseURL, channel, user, renderReply(bot.Reply{Error: true, Lines: []bot.Line{{bot.Text("%s", text)}}}))
}

// handleAction answers a click on one of paperboy's buttons: search
// paging and the watch list's buttons by replacing the ephemeral message
// they were on, a post's Watch button with a new ephemeral message. It is
// counted like handleSlash.
func (s *Slack) handleAction(cb slackgo.InteractionCallback) {
	running := s.life.enter()
	defer s.life.leave()
	s.action(cb, running)
}

func (s *Slack) action(cb slackgo.InteractionCallback, running bool) {
	if s.cmds == nil || cb.Type != slackgo.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	if a == nil || !strings.HasPrefix(a.ActionID, actionPrefix) || cb.ResponseURL == "" {
		return // a link button: Slack opened the link
	}
	if !s.responseURLAllowed(cb.ResponseURL) {
		s.log.Warn("slack: a button's response_url is not on Slack's hooks host; not answering it", "user", cb.User.ID)
		return
	}
	ctx, cancel := s.handlerContext(actionTimeout)
	defer cancel()
	var r bot.Reply
	switch {
	case !running:
		r = bot.Reply{Error: true, Lines: []bot.Line{{bot.Text("%s", restartingText)}}}
	default:
		if why := s.teamRefusal(ctx, cb.Team.ID); why != "" {
			r = bot.Reply{Error: true, Lines: []bot.Line{{bot.Text("%s", why)}}}
			break
		}
		user := bot.UserRef{Platform: Name, TeamID: cb.Team.ID, ID: cb.User.ID}
		r = s.cmds.HandleAction(ctx, user, a.Value)
	}
	// A post's Watch button is answered with a new ephemeral message:
	// replacing would rewrite the post for the whole channel.
	replace := bot.ActionReplaces(a.Value)
	if s.cancelledByShutdown(ctx) || !running {
		r = bot.Reply{Error: true, Lines: []bot.Line{{bot.Text("%s", restartingText)}}}
		replace = false
	}
	if r.Error && len(r.Papers) == 0 && len(r.Buttons) == 0 {
		replace = false // a refusal: keep the page the user was on
	}
	wctx, wcancel := tellContext(ctx)
	defer wcancel()
	m, err := s.checked("answer a button", renderReply(r), minimalReply)
	if err == nil {
		err = s.scrub(slackgo.PostWebhookCustomHTTPContext(wctx, cb.ResponseURL, s.http, &slackgo.WebhookMessage{
			ResponseType: slackgo.ResponseTypeEphemeral, ReplaceOriginal: replace, Text: m.Text, Blocks: &slackgo.Blocks{BlockSet: m.Blocks},
			UnfurlLinks: &no, UnfurlMedia: &no}))
	}
	if err != nil {
		s.log.Warn("could not answer a button", "user", cb.User.ID, "error", describe(err))
	}
}

// isAdmin reports whether the user may use /papers-admin: listed in the
// config (see listedAdmin: a "T…/U…" entry for that team, a plain "U…" in
// the installed workspace), or an admin or owner of the installed
// workspace (checked with users.info on every call).
func (s *Slack) isAdmin(ctx context.Context, team, user string) bool {
	installed, _ := s.installedTeam(ctx)
	if listedAdmin(s.opts.Admins, installed, team, user) {
		return true
	}
	if installed == "" || team != installed {
		return false
	}
	var u *slackgo.User
	err := s.call(ctx, "users.info", func() error {
		var err error
		u, err = s.api.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		s.log.Warn("could not check whether a user is an admin", "user", user, "error", err.Error())
		return false
	}
	return u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
}

// botMissing says what keeps the bot from posting in the channel.
func (s *Slack) botMissing(ctx context.Context, channel string) []string {
	var ch *slackgo.Channel
	err := s.call(ctx, "conversations.info", func() error {
		var err error
		ch, err = s.api.GetConversationInfoContext(ctx, &slackgo.GetConversationInfoInput{ChannelID: channel})
		return err
	})
	switch {
	case err != nil:
		return []string{"membership in this channel (invite it with /invite @paperboy)"}
	case ch.IsArchived:
		return []string{"an unarchived channel"}
	case !ch.IsMember:
		return []string{"membership in this channel (invite it with /invite @paperboy)"}
	}
	return nil
}

// reply sends an ephemeral answer: through responseURL when it is on
// Slack's hooks host (responseURLAllowed), else, or when that fails,
// through chat.postEphemeral. No log line names the response_url.
func (s *Slack) reply(ctx context.Context, responseURL, channel, user string, m message) {
	m, err := s.checked("answer a command", m, minimalReply)
	if err != nil {
		s.log.Warn("could not answer a command", "user", user, "error", err.Error())
		return
	}
	if responseURL != "" && !s.responseURLAllowed(responseURL) {
		s.log.Warn("slack: a command's response_url is not on Slack's hooks host; answering with chat.postEphemeral", "user", user)
		responseURL = ""
	}
	if responseURL != "" {
		err := slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, s.http, &slackgo.WebhookMessage{
			ResponseType: slackgo.ResponseTypeEphemeral, Text: m.Text, Blocks: &slackgo.Blocks{BlockSet: m.Blocks},
			UnfurlLinks: &no, UnfurlMedia: &no})
		if err == nil {
			return
		}
		// The response_url is a bearer URL: the error's text would show it.
		s.log.Warn("could not answer through response_url; trying chat.postEphemeral", "error", describe(err))
	}
	err = s.call(ctx, "chat.postEphemeral", func() error {
		_, err := s.api.PostEphemeralContext(ctx, channel, user, slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...))
		return err
	})
	if err != nil {
		s.log.Warn("could not answer a command", "user", user, "error", err.Error())
	}
}

// no is the false that WebhookMessage's unfurl fields point to.
var no = false
