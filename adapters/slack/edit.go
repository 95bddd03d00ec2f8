package slack

// chat.update: https://docs.slack.dev/reference/methods/chat.update
// chat.postMessage (the follow-up reply): https://docs.slack.dev/reference/methods/chat.postMessage
//
// Follow-ups (issue 17): an item's card updated to show what changed about
// its paper (a code button, its stars, a new title) with an "Updated"
// line, or a short reply in the thread. Every message is checked against
// Slack's limits like a post (Slack.checked).

import (
	"context"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

var _ bot.Editor = (*Slack)(nil)

// goneErrors mean the message to update is not there any more (deleted),
// or no longer the bot's to update.
var goneErrors = map[string]bool{"message_not_found": true, "cant_update_message": true, "thread_not_found": true}

// editStops are errors of chat.update that stop a channel's follow-ups
// until someone acts, besides the posting ones (stopErrors).
var editStops = map[string]string{
	"edit_window_closed": "the workspace does not let apps edit messages this old (edit_window_closed): use on_update reply",
}

// noteBlock is the context block of the update line: the follow-ups the
// message shows, newest day first. The oldest notes are left out when
// they would not fit; nil when there are none.
func noteBlock(m *bot.FollowupMessage) slackgo.Block {
	loc := m.Channel.Location()
	for n := len(m.Notes); n > 0; n-- {
		if t := renderLine(bot.NoteLine(m.Notes[:n], loc)); t != "" && bot.Length(t) <= maxContextText {
			return &slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
				Elements: []slackgo.MixedElement{mrkdwnText(t)}}}
		}
	}
	return nil
}

// renderEditedItem is the item message as it reads after a follow-up: the
// card as its thread posts it now (renderThreadItem: the same metadata,
// the closing line on the last item) with the update line under the
// card, fitted so that the whole stays within maxBlocksJSON.
func renderEditedItem(m *bot.FollowupMessage) message {
	note := noteBlock(m)
	closing := closingBlock(m.Digest, *m.Item)
	reserved := 0
	var tail []slackgo.Block
	for _, b := range []slackgo.Block{note, closing} {
		if b != nil {
			tail = append(tail, b)
		}
	}
	if len(tail) > 0 {
		reserved = blocksSize(tail)
	}
	msg := message{Blocks: append(itemCard(*m.Item, reserved), tail...)}
	msg.Text = withClosingText(m.Digest, *m.Item, func(max int) string { return itemTextWithin(m.Item.Paper, m.Item.Rank, max) })
	msg.Metadata = metadataFor(m.ItemKey)
	return msg
}

// minimalEditedItem is the update sent when renderEditedItem's would break
// a limit: the minimal card with the update line.
func minimalEditedItem(m *bot.FollowupMessage) message {
	msg := minimalThreadItem(m.Digest, *m.Item, m.ItemKey)
	if note := noteBlock(m); note != nil {
		msg.Blocks = append(msg.Blocks, note)
	}
	return msg
}

// renderFollowupReply is the short reply about follow-ups: the paper's
// title linked to its page, the update line, its link buttons (so a code
// button comes with "code released"), and the batch's key in the
// metadata, which a later attempt looks for.
func renderFollowupReply(m *bot.FollowupMessage) message {
	p := m.Item.Paper
	text := "*" + titleLink(p, 0, 200) + "*"
	blocks := []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(text)}}
	if note := noteBlock(m); note != nil {
		blocks = append(blocks, note)
	}
	if buttons := linkButtons(p, 1000); len(buttons) > 0 {
		blocks = append(blocks, &slackgo.ActionBlock{Type: slackgo.MBTAction, Elements: &slackgo.BlockElements{ElementSet: buttons}})
	}
	fallback := truncateText(bot.PlainNote(m.Notes, m.Channel.Location())+": "+p.DisplayTitle(), maxText)
	return message{Text: orEllipsis(fallback), Blocks: blocks, Metadata: metadataFor(m.Key)}
}

// minimalFollowupReply is the reply sent when renderFollowupReply's would
// break a limit.
func minimalFollowupReply(m *bot.FollowupMessage) message {
	msg := minimalItem(bot.Item{Paper: m.Item.Paper}, m.Key)
	msg.Blocks = append([]slackgo.Block{&slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
		Elements: []slackgo.MixedElement{mrkdwnText("*Updated*")}}}}, msg.Blocks...)
	return msg
}

// EditItem updates the item message to show the paper as it is now and
// its follow-ups (chat.update is idempotent: a retry gives the same
// message). A deleted message is bot.ErrMessageGone; a missing permission
// a *bot.StopError.
func (s *Slack) EditItem(ctx context.Context, m *bot.FollowupMessage) error {
	msg, err := s.checked("update item", renderEditedItem(m), func() message { return minimalEditedItem(m) })
	if err != nil {
		return err
	}
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(msg.Text, false), slackgo.MsgOptionBlocks(msg.Blocks...)}
	if msg.Metadata != nil {
		opts = append(opts, slackgo.MsgOptionMetadata(*msg.Metadata))
	}
	err = s.call(ctx, "update message", func() error {
		_, _, _, err := s.api.UpdateMessageContext(ctx, m.Channel.ID, m.Posted.MessageID, opts...)
		return err
	})
	return followupError(err)
}

// ReplyItem posts the follow-up reply in the item's thread.
func (s *Slack) ReplyItem(ctx context.Context, m *bot.FollowupMessage) (bot.Sent, error) {
	ts, err := s.post(ctx, m.Channel.ID, m.Posted.ThreadID, renderFollowupReply(m), func() message { return minimalFollowupReply(m) })
	if err != nil {
		return bot.Sent{}, followupError(err)
	}
	return bot.Sent{MessageID: ts, ThreadID: m.Posted.ThreadID}, nil
}

// FindReply looks for a follow-up reply an earlier, unconfirmed attempt
// posted, by the key in its metadata.
func (s *Slack) FindReply(ctx context.Context, m *bot.FollowupMessage) (bot.Sent, bool, error) {
	ts, found, err := s.find(ctx, m.Channel.ID, m.Posted.ThreadID, m.Key)
	if err != nil || !found {
		return bot.Sent{}, false, followupError(err)
	}
	return bot.Sent{MessageID: ts, ThreadID: m.Posted.ThreadID}, true, nil
}

// followupError says what a failed update or reply means to the bot.
func followupError(err error) error {
	if err == nil {
		return nil
	}
	e := slackError(err)
	switch {
	case goneErrors[e]:
		return fmt.Errorf("%w (%s): %w", bot.ErrMessageGone, e, err)
	case editStops[e] != "":
		return &bot.StopError{Reason: editStops[e], Err: err}
	}
	return err // a *bot.StopError of posting's (not_in_channel …), or one to retry
}
