package slack

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

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
	// The connection's state, for State (logged once per change).
	h.Handle(socketmode.EventTypeConnectionError, func(evt *socketmode.Event, _ *socketmode.Client) {
		reason := "connection error"
		if ce, ok := evt.Data.(*slackgo.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
			reason = s.scrub(ce.ErrorObj).Error()
		}
		s.setState(ModeSocket, false, reason)
	})
	h.Handle(socketmode.EventTypeInvalidAuth, func(*socketmode.Event, *socketmode.Client) {
		s.setState(ModeSocket, false, "the app-level token was refused (invalid_auth)")
	})
	h.Handle(socketmode.EventTypeConnected, func(*socketmode.Event, *socketmode.Client) {
		s.setState(ModeSocket, true, "")
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

// RunSocketMode receives slash commands over Socket Mode until ctx ends;
// it returns nil then. It first learns the installed workspace
// (auth.test). A failing connection is retried with backoff for as long
// as ctx lasts (slack-go retries a dropped connection itself; an
// app-level token Slack refuses, or auth.test failing, is retried here, up
// to a minute apart); State reports it and each change is logged once. The
// only error is a missing app-level token.
func (s *Slack) RunSocketMode(ctx context.Context) error {
	if !strings.HasPrefix(s.opts.AppToken, "xapp-") {
		return errors.New("slack: Socket Mode needs an app-level token (xapp-…) in SLACK_APP_TOKEN")
	}
	defer s.setState(ModeSocket, false, "stopped")
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if _, err := s.installedTeam(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.setState(ModeSocket, false, err.Error())
		} else {
			runCtx, cancel := context.WithCancel(ctx) // ends the handler's event loop too
			ups := s.ups()
			err := s.SocketHandler().RunEventLoopContext(runCtx)
			cancel()
			if ctx.Err() != nil {
				return nil
			}
			if s.ups() != ups {
				attempt = 0 // it was up: start the backoff over
			}
			reason := "Socket Mode stopped"
			if err != nil {
				reason = s.scrub(err).Error()
			}
			s.setState(ModeSocket, false, reason)
		}
		if s.opts.Sleep(ctx, reconnectDelay(attempt)) != nil {
			return nil
		}
	}
	return nil
}

// reconnectDelay is the wait before reconnection attempt n+1: 1 s,
// doubling up to a minute, with up to 25% jitter.
func reconnectDelay(attempt int) time.Duration { return bot.Backoff(attempt, time.Second, time.Minute) }
