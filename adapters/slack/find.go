package slack

// Finding a message an earlier, unconfirmed attempt posted (after a crash or
// a lost answer), by the delivery-log key in its metadata; lookup.go pages
// the history.
//
// API pages: https://api.slack.com/methods/conversations.history,
// https://api.slack.com/methods/conversations.replies.

import (
	"context"

	"github.com/paperboy-bot/paperboy/bot"
)

// Find looks for a message an earlier, unconfirmed attempt posted, by the
// delivery-log key in its metadata.
func (s *Slack) Find(ctx context.Context, m *bot.Message) (bot.Sent, bool, error) {
	thread := ""
	if !m.IsHeader() {
		thread = m.Thread.ThreadID
	}
	ts, found, err := s.find(ctx, m.Channel.ID, thread, m.Key)
	if err != nil || !found {
		return bot.Sent{}, false, err
	}
	if m.IsHeader() {
		return bot.Sent{MessageID: ts, ThreadID: ts}, true, nil
	}
	return bot.Sent{MessageID: ts, ThreadID: thread}, true, nil
}
