package slack

import (
	"context"

	slackgo "github.com/slack-go/slack"
)

// How far a lookup for an unconfirmed message reads: Slack pages history
// and replies with a cursor (`has_more`, `response_metadata.next_cursor`).
// A restart can come after people went on talking in the channel, thread
// or DM, so one page is not enough; the bound keeps a lookup in a busy
// channel to a few requests. History is read only here, in recovery.
const (
	lookupPage  = 200
	lookupLimit = 1000
)

// find looks for the message carrying key: in the thread's replies when
// threadTS is set (oldest first, as Slack returns them), else in the
// channel's history from the newest back; up to lookupLimit messages.
func (s *Slack) find(ctx context.Context, channel, threadTS, key string) (string, bool, error) {
	cursor := ""
	for read := 0; read < lookupLimit; {
		var msgs []slackgo.Message
		var more bool
		next := ""
		err := s.call(ctx, "read history", func() error {
			var err error
			if threadTS != "" {
				msgs, more, next, err = s.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
					ChannelID: channel, Timestamp: threadTS, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true})
				return err
			}
			resp, err := s.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
				ChannelID: channel, Cursor: cursor, Limit: lookupPage, IncludeAllMetadata: true})
			if err == nil {
				msgs, more, next = resp.Messages, resp.HasMore, resp.ResponseMetaData.NextCursor
			}
			return err
		})
		if err != nil {
			return "", false, err
		}
		for _, m := range msgs {
			if keyOf(m) == key {
				return m.Timestamp, true, nil
			}
		}
		read += len(msgs)
		if !more || next == "" || len(msgs) == 0 {
			return "", false, nil
		}
		cursor = next
	}
	return "", false, nil
}
