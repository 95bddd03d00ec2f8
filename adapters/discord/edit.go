package discord

// Edit Message: https://discord.com/developers/docs/resources/message#edit-message
// Create Message (the follow-up reply): https://discord.com/developers/docs/resources/message#create-message
//
// Follow-ups (issue 17): an item's card edited to show what changed about
// its paper (a code button, its stars, a new title) with an "Updated"
// field, or a short reply in the thread. Every body is checked against
// Discord's limits like a post (Discord.checked).

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

var _ bot.Editor = (*Discord)(nil)

// routeEditMessage is PATCH of a message.
var routeEditMessage = route{"PATCH", "/channels/{channel}/messages/{message}"}

// noteField is the card's "Updated" field: the follow-ups the message
// shows, newest day first ("3 Dec: code released"). The oldest notes are
// left out when they would not fit in a field; nil when there are none.
func noteField(notes []bot.Followup, m *bot.FollowupMessage) *discordgo.MessageEmbedField {
	loc := m.Channel.Location()
	for n := len(notes); n > 0; n-- {
		line := bot.NoteLine(notes[:n], loc)
		// The first span is "Updated": the field's name.
		v := renderLine(line[1:])
		if v != "" && bot.Length(v) <= maxFieldValue {
			return &discordgo.MessageEmbedField{Name: "Updated", Value: v}
		}
	}
	return nil
}

// withNote adds the update field to the card of c (its first embed).
func withNote(c *createMessage, m *bot.FollowupMessage) {
	if len(c.Embeds) == 0 || c.Embeds[0] == nil {
		return
	}
	if f := noteField(m.Notes, m); f != nil && len(c.Embeds[0].Fields) < maxFields {
		c.Embeds[0].Fields = append(c.Embeds[0].Fields, f)
	}
}

// renderEditedItem is the item message as it reads after a follow-up: the
// card as its thread posts it now (renderThreadItem: the same reference,
// the closing line on the last item) with the update field. An edit takes
// no nonce.
func renderEditedItem(m *bot.FollowupMessage) createMessage {
	c := renderThreadItem(m.Digest, *m.Item, m.ItemKey)
	c.Nonce, c.EnforceNonce = "", false
	withNote(&c, m)
	return c
}

// minimalEditedItem is the edit sent when renderEditedItem's would break a
// limit: the minimal card with the update field.
func minimalEditedItem(m *bot.FollowupMessage) createMessage {
	c := minimalThreadItem(m.Digest, *m.Item, m.ItemKey)
	c.Nonce, c.EnforceNonce = "", false
	withNote(&c, m)
	return c
}

// renderFollowupReply is the short reply about follow-ups: the paper's
// title linked to its page, the update line, its link buttons (so a code
// button comes with "code released"), and the reference of the batch's
// key, which a later attempt looks for.
func renderFollowupReply(m *bot.FollowupMessage) createMessage {
	p := m.Item.Paper
	e := titleEmbed(p, 0, refFor(m.Key))
	e.Color = hfYellow
	for n := len(m.Notes); n > 0; n-- {
		if v := renderLine(bot.NoteLine(m.Notes[:n], m.Channel.Location())); bot.Length(v) <= maxDescription {
			e.Description = v
			break
		}
	}
	return createMessage{
		Embeds:          []*discordgo.MessageEmbed{e},
		Components:      linkButtons(p),
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(m.Key),
		EnforceNonce:    true,
	}
}

// minimalFollowupReply is the reply sent when renderFollowupReply's would
// break a limit: "Updated" and the paper's links by its id.
func minimalFollowupReply(m *bot.FollowupMessage) createMessage {
	p := m.Item.Paper
	c := createMessage{
		Embeds:          []*discordgo.MessageEmbed{{Title: "Updated", Color: hfYellow, Footer: &discordgo.MessageEmbedFooter{Text: refFor(m.Key)}}},
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(m.Key),
		EnforceNonce:    true,
	}
	if p.HasArxivID() {
		c.Components = linkButtons(bot.Paper{ID: p.ID, ListDate: p.ListDate, Categories: p.Categories})
	}
	return c
}

// EditItem edits the item message to show the paper as it is now and its
// follow-ups. An archived thread is reopened first. A deleted message (or
// thread) is bot.ErrMessageGone; a missing permission a *bot.StopError.
func (d *Discord) EditItem(ctx context.Context, m *bot.FollowupMessage) error {
	thread := m.Posted.ThreadID
	payload, err := d.checked("edit item", renderEditedItem(m), func() createMessage { return minimalEditedItem(m) },
		"paper_id", m.Item.Paper.ID, "channel", thread)
	if err != nil {
		return err
	}
	err = d.edit(ctx, thread, m.Posted.MessageID, payload)
	if restCode(err) == codeThreadArchived {
		// Threads archive themselves after a day without messages, and
		// an archived thread's messages cannot be edited.
		if err = d.unarchive(ctx, thread); err == nil {
			err = d.edit(ctx, thread, m.Posted.MessageID, payload)
		}
	}
	return d.followupError(ctx, m, err)
}

// edit replaces a message's embeds and components with c's. Repeating it
// gives the same message.
func (d *Discord) edit(ctx context.Context, channelID, messageID string, c createMessage) error {
	embeds := c.Embeds
	comps := c.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{} // "components": [] removes the old buttons
	}
	e := &discordgo.MessageEdit{ID: messageID, Channel: channelID, Embeds: &embeds, Components: &comps,
		AllowedMentions: c.AllowedMentions, Flags: c.Flags}
	return d.do(ctx, "edit message", routeEditMessage, func(opts ...discordgo.RequestOption) error {
		_, err := d.s.ChannelMessageEditComplex(e, opts...)
		return err
	})
}

// ReplyItem posts the follow-up reply in the item's thread.
func (d *Discord) ReplyItem(ctx context.Context, m *bot.FollowupMessage) (bot.Sent, error) {
	thread := m.Posted.ThreadID
	payload, err := d.checked("post follow-up", renderFollowupReply(m), func() createMessage { return minimalFollowupReply(m) },
		"paper_id", m.Item.Paper.ID, "channel", thread)
	if err != nil {
		return bot.Sent{}, err
	}
	msg, err := d.post(ctx, thread, payload, refFor(m.Key))
	if restCode(err) == codeThreadArchived {
		if err = d.unarchive(ctx, thread); err == nil {
			msg, err = d.post(ctx, thread, payload, refFor(m.Key))
		}
	}
	if err != nil {
		return bot.Sent{}, d.followupError(ctx, m, err)
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: thread}, nil
}

// FindReply looks for a follow-up reply an earlier, unconfirmed attempt
// posted, by the reference in its footer.
func (d *Discord) FindReply(ctx context.Context, m *bot.FollowupMessage) (bot.Sent, bool, error) {
	msg, err := d.findIn(ctx, m.Posted.ThreadID, refFor(m.Key))
	if err != nil || msg == nil {
		if restCode(err) == codeThreadArchived {
			err = nil
		}
		return bot.Sent{}, false, d.followupError(ctx, m, err)
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: m.Posted.ThreadID}, true, nil
}

// followupError says what a failed edit or reply means to the bot: a
// message or thread that no longer exists (10008, 10003) is gone; a
// missing permission stops (with the permissions named, computed on the
// channel the thread belongs to); anything else is returned as it is.
func (d *Discord) followupError(ctx context.Context, m *bot.FollowupMessage, err error) error {
	if err == nil {
		return nil
	}
	switch code := restCode(err); code {
	case codeUnknownMessage, codeUnknownChannel:
		var rq *requestError
		msg := ""
		if errors.As(err, &rq) {
			msg = ": " + rq.msg
		}
		return fmt.Errorf("%w (Discord error %d)%s", bot.ErrMessageGone, code, msg)
	}
	return d.explainStop(ctx, m.Channel.ID, err)
}
