package slack

// Direct messages: whether one fits, opening the DM channel, sending, and
// finding one an earlier attempt sent.
//
// API page: https://api.slack.com/methods/conversations.open.

import (
	"context"
	"errors"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// FitsDM reports whether a direct message fits in one Slack message
// (blocks, section and payload limits) without leaving a line out; alert
// batches are split where it does not.
func (s *Slack) FitsDM(r bot.Reply) bool {
	fixed, entries := replyText(r)
	_, rest := packSections(entries, fixed, nil)
	return len(rest) == 0
}

// FindDM looks for a direct message carrying key (in its metadata) in the
// user's DM channel (cached, or opened: Slack returns the same one every
// time), sent by an earlier attempt that was never confirmed.
func (s *Slack) FindDM(ctx context.Context, u bot.UserRef, cached, key string) (bot.Sent, bool, error) {
	channel, err := s.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, false, err
	}
	ts, found, err := s.find(ctx, channel, "", key)
	if err != nil || !found {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: ts, ThreadID: channel}, true, nil
}

// dmClosed are errors that mean the user cannot get direct messages from
// the app.
var dmClosed = map[string]bool{"messages_tab_disabled": true, "cannot_dm_bot": true, "user_disabled": true,
	"user_not_found": true, "cannot_dm_user": true}

// openDM returns the user's DM channel: cached, or opened.
func (s *Slack) openDM(ctx context.Context, u bot.UserRef, cached string) (string, error) {
	if cached != "" {
		return cached, nil
	}
	var ch *slackgo.Channel
	err := s.call(ctx, "open DM", func() error {
		var err error
		ch, _, _, err = s.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{u.ID}})
		return err
	})
	if dmClosed[slackError(errors.Unwrap(err))] || dmClosed[slackError(err)] {
		return "", fmt.Errorf("%w (%s)", bot.ErrDMsClosed, slackError(err))
	}
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// SendDM opens (or reuses the cached) direct-message channel and posts; the
// returned Sent's ThreadID is the DM channel, for the cache.
func (s *Slack) SendDM(ctx context.Context, u bot.UserRef, cached string, m *bot.DirectMessage) (bot.Sent, error) {
	channel, err := s.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, err
	}
	msg := renderReply(m.Reply)
	msg.Metadata = metadataFor(m.Key)
	ts, err := s.post(ctx, channel, "", msg, func() message {
		f := minimalReply()
		f.Metadata = metadataFor(m.Key)
		return f
	})
	if e := slackError(err); dmClosed[e] {
		return bot.Sent{}, fmt.Errorf("%w (%s)", bot.ErrDMsClosed, e)
	}
	if _, ok := bot.IsStop(err); ok && cached != "" {
		return s.SendDM(ctx, u, "", m) // the cached DM channel is gone
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: ts, ThreadID: channel}, nil
}
