package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/paperboy-bot/paperboy/bot"
)

// handleSlash answers one slash command. The caller has acknowledged it
// already (Slack wants that within 3 seconds); the answer goes to the
// command's response_url, visible only to the user, or through
// chat.postEphemeral when that fails.
func (s *Slack) handleSlash(sc slackgo.SlashCommand) {
	if s.cmds == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute) // response_url lives 30 minutes
	defer cancel()
	cmd := bot.ParseCommand(sc.Command, sc.Text)
	cmd.Platform, cmd.TeamID, cmd.ChannelID, cmd.ChannelName = Name, sc.TeamID, sc.ChannelID, sc.ChannelName
	cmd.User = bot.UserRef{Platform: Name, TeamID: sc.TeamID, ID: sc.UserID}
	if cmd.Name == bot.CmdAdmin {
		cmd.CanManage = s.isAdmin(ctx, sc.UserID)
		if cmd.CanManage && cmd.Sub == "channel set" {
			cmd.BotMissing = s.botMissing(ctx, sc.ChannelID)
		}
	}
	s.reply(ctx, sc.ResponseURL, sc.ChannelID, sc.UserID, renderReply(s.cmds.Handle(ctx, cmd)))
}

// handleAction answers a click on one of paperboy's buttons (search
// paging) by replacing the message it was on.
func (s *Slack) handleAction(cb slackgo.InteractionCallback) {
	if s.cmds == nil || cb.Type != slackgo.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	if !strings.HasPrefix(a.ActionID, actionPrefix) || cb.ResponseURL == "" {
		return // a link button: Slack opened the link
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	user := bot.UserRef{Platform: Name, TeamID: cb.Team.ID, ID: cb.User.ID}
	m, err := s.checked("answer a button", renderReply(s.cmds.HandleAction(ctx, user, a.Value)), minimalReply)
	if err == nil {
		err = slackgo.PostWebhookCustomHTTPContext(ctx, cb.ResponseURL, s.http, &slackgo.WebhookMessage{
			ResponseType: slackgo.ResponseTypeEphemeral, ReplaceOriginal: true, Text: m.Text, Blocks: &slackgo.Blocks{BlockSet: m.Blocks},
			UnfurlLinks: &no, UnfurlMedia: &no})
	}
	if err != nil {
		s.log.Warn("could not answer a button", "user", cb.User.ID, "error", describe(err))
	}
}

// isAdmin reports whether the user may use /papers-admin: listed in the
// config, or a workspace admin or owner (checked with users.info on every
// call).
func (s *Slack) isAdmin(ctx context.Context, user string) bool {
	for _, a := range s.opts.Admins {
		if a == user {
			return true
		}
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

// reply sends an ephemeral answer.
func (s *Slack) reply(ctx context.Context, responseURL, channel, user string, m message) {
	m, err := s.checked("answer a command", m, minimalReply)
	if err != nil {
		s.log.Warn("could not answer a command", "user", user, "error", err.Error())
		return
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

// SocketHandler returns the Socket Mode dispatcher with paperboy's handlers
// registered. RunSocketMode runs it; tests feed it events with
// DispatchEvent.
func (s *Slack) SocketHandler() *socketmode.SocketmodeHandler {
	client := socketmode.New(s.api)
	h := socketmode.NewSocketmodeHandler(client)
	h.Handle(socketmode.EventTypeSlashCommand, func(evt *socketmode.Event, c *socketmode.Client) {
		ack(evt, c)
		sc, ok := evt.Data.(slackgo.SlashCommand)
		if !ok {
			return
		}
		s.handleSlash(sc)
	})
	h.Handle(socketmode.EventTypeInteractive, func(evt *socketmode.Event, c *socketmode.Client) {
		ack(evt, c) // link buttons send a block action too
		if cb, ok := evt.Data.(slackgo.InteractionCallback); ok {
			s.handleAction(cb)
		}
	})
	h.HandleDefault(func(evt *socketmode.Event, c *socketmode.Client) {
		if evt.Request != nil {
			ack(evt, c)
		}
	})
	return h
}

func ack(evt *socketmode.Event, c *socketmode.Client) {
	if evt.Request == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.AckCtx(ctx, evt.Request.EnvelopeID, nil)
}

// RunSocketMode receives slash commands over Socket Mode until ctx ends.
func (s *Slack) RunSocketMode(ctx context.Context) error {
	if !strings.HasPrefix(s.opts.AppToken, "xapp-") {
		return errors.New("slack: Socket Mode needs an app-level token (xapp-…) in SLACK_APP_TOKEN")
	}
	err := s.SocketHandler().RunEventLoopContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Paths of HTTP mode, both on one listen address.
const (
	CommandsPath      = "/slack/commands"
	InteractivityPath = "/slack/interactivity"
)

// maxBody bounds a request body in HTTP mode.
const maxBody = 64 << 10

// HTTPHandler serves slash commands and interactivity over HTTP: every
// request must carry a valid signature made with the signing secret and a
// timestamp less than 5 minutes old (and a signature is accepted once),
// else it gets 401 and changes nothing.
func (s *Slack) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+CommandsPath, func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.verified(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		sc := slackgo.SlashCommand{TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
			UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
			ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id")}
		w.WriteHeader(http.StatusOK) // the acknowledgement; the answer follows on response_url
		go s.handleSlash(sc)
	})
	mux.HandleFunc("POST "+InteractivityPath, func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.verified(w, r)
		if !ok {
			return
		}
		form, _ := url.ParseQuery(string(body))
		var cb slackgo.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		go s.handleAction(cb)
	})
	return mux
}

// verified checks the request's signature and age and returns its body.
func (s *Slack) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	sv, err := slackgo.NewSecretsVerifier(r.Header, s.opts.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err == nil && !s.firstUse(r.Header.Get("X-Slack-Signature")) {
		err = errors.New("replayed request")
	}
	if err != nil || s.opts.SigningSecret == "" {
		s.log.Warn("rejected an unsigned, wrongly signed, old or replayed Slack request", "path", r.URL.Path, "reason", fmt.Sprint(err))
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// firstUse remembers a signature for 5 minutes (the timestamp window) and
// reports whether it is new.
func (s *Slack) firstUse(sig string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, t := range s.replay {
		if now.Sub(t) > 6*time.Minute {
			delete(s.replay, k)
		}
	}
	if _, seen := s.replay[sig]; seen {
		return false
	}
	s.replay[sig] = now
	return true
}

// no is the false that WebhookMessage's unfurl fields point to.
var no = false

// describe is an error's text without the URL a transport error names
// (*url.Error): for a response_url that is a credential.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " (response URL): " + ue.Err.Error()
	}
	return err.Error()
}
