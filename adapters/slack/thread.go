package slack

// Posting the daily thread: the header message, then one reply per paper
// in its thread; every message is checked against Slack's limits before it
// is sent (Slack.checked, in validate.go).
//
// API page: https://api.slack.com/methods/chat.postMessage.

import (
	"context"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// post posts a message, as a reply in threadTS when set. After a failure
// that may have posted it (a 5xx, a timeout, a dropped connection), it
// first looks for the message's key in the channel's history or the
// thread's replies, so a retry never posts a second copy.
func (s *Slack) post(ctx context.Context, channel, threadTS string, m message, fallback func() message) (string, error) {
	m, err := s.checked("post", m, fallback)
	if err != nil {
		return "", err
	}
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...),
		slackgo.MsgOptionDisableLinkUnfurl(), slackgo.MsgOptionDisableMediaUnfurl()}
	key := ""
	if m.Metadata != nil {
		opts = append(opts, slackgo.MsgOptionMetadata(*m.Metadata))
		key, _ = m.Metadata.EventPayload["key"].(string)
	}
	if threadTS != "" {
		opts = append(opts, slackgo.MsgOptionTS(threadTS))
	}
	for attempt := 0; ; attempt++ {
		_, ts, err := s.api.PostMessageContext(ctx, channel, opts...)
		err = s.scrub(err)
		if err == nil {
			return ts, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("slack: post: %w", ctx.Err())
		}
		kind := classify(err)
		if kind == rateLimited {
			s.opts.Metrics.RateLimited(Name)
		}
		switch {
		case kind == stop:
			return "", &bot.StopError{Reason: stopErrors[slackError(err)], Err: fmt.Errorf("slack: post to %s: %w", channel, err)}
		case kind == permanent:
			return "", fmt.Errorf("slack: post to %s: %w", channel, err)
		case attempt >= s.opts.Retries:
			return "", fmt.Errorf("slack: post to %s (after %d attempts): %w", channel, attempt+1, err)
		}
		s.log.Warn("slack post failed; retrying", "channel", channel, "attempt", attempt+1, "error", err.Error())
		if serr := s.sleep(ctx, s.wait(err, attempt)); serr != nil {
			return "", fmt.Errorf("slack: post: %w", serr)
		}
		if kind == ambiguous && key != "" {
			if ts, found, ferr := s.find(ctx, channel, threadTS, key); ferr == nil && found {
				s.log.Info("the failed post had gone through; not posting again", "channel", channel, "key", key)
				return ts, nil
			}
		}
	}
}

// Send posts a digest's header or one of its items (a reply in the
// header's thread).
func (s *Slack) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	if m.IsHeader() {
		ts, err := s.post(ctx, m.Channel.ID, "", renderHeader(m.Digest, m.Key), func() message { return minimalHeader(m.Digest, m.Key) })
		if err != nil {
			return bot.Sent{}, err
		}
		return bot.Sent{MessageID: ts, ThreadID: ts}, nil
	}
	ts, err := s.post(ctx, m.Channel.ID, m.Thread.ThreadID, renderThreadItem(m.Digest, *m.Item, m.Key), func() message { return minimalThreadItem(m.Digest, *m.Item, m.Key) })
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: ts, ThreadID: m.Thread.ThreadID}, nil
}
