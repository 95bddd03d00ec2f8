package discord

// Posting the daily thread: the header message and the thread started from
// it (or a forum post), then one card per paper in the thread.
//
// API pages: https://discord.com/developers/docs/resources/message#create-message,
// https://discord.com/developers/docs/resources/channel#start-thread-from-message,
// https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel,
// https://discord.com/developers/docs/resources/channel#modify-channel.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// post creates a message with our own payload (nonce, enforce_nonce),
// which carries ref. After a failure that may have posted it (a 5xx, a
// timeout, a dropped connection), each retry first looks for ref among the
// channel's recent messages: the nonce stops a second copy only while
// Discord remembers it.
func (d *Discord) post(ctx context.Context, channelID string, payload createMessage, ref string) (*discordgo.Message, error) {
	var msg *discordgo.Message
	unsure := false
	err := d.do(ctx, "create message", routeCreateMessage, func(opts ...discordgo.RequestOption) error {
		if unsure {
			found, err := d.recent(channelID, ref, opts...)
			if err != nil {
				return err
			}
			if found != nil {
				d.log.Info("the failed post had gone through; not posting again", "channel", channelID)
				msg = found
				return nil
			}
		}
		endpoint := discordgo.EndpointChannelMessages(channelID)
		body, err := d.s.RequestWithBucketID("POST", endpoint, payload, endpoint, opts...)
		if err != nil {
			unsure = unsure || mayHavePosted(err)
			return err
		}
		msg = &discordgo.Message{}
		return json.Unmarshal(body, msg)
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// Send posts a digest's header (and starts its thread) or one of its items.
func (d *Discord) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	var sent bot.Sent
	var err error
	if m.IsHeader() {
		sent, err = d.sendHeader(ctx, m)
	} else {
		sent, err = d.sendItem(ctx, m)
	}
	return sent, d.explainStop(ctx, m.Channel.ID, err)
}

func (d *Discord) sendHeader(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	ch, err := d.channel(ctx, m.Channel.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	payload, err := d.checked("post header", renderHeader(m.Digest, m.Key),
		func() createMessage { return minimalHeader(m.Digest, m.Key) }, "channel", ch.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	if ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia {
		return d.startForumPost(ctx, ch, m.Digest, payload)
	}
	msg, err := d.post(ctx, ch.ID, payload, refFor(m.Key))
	if err != nil {
		return bot.Sent{}, err
	}
	return d.ensureThread(ctx, ch.ID, msg, m.Digest)
}

// ensureThread starts the digest's thread on its header message, or finds
// the one an earlier attempt started.
func (d *Discord) ensureThread(ctx context.Context, channelID string, msg *discordgo.Message, dg *bot.Digest) (bot.Sent, error) {
	if msg.Thread != nil {
		return bot.Sent{MessageID: msg.ID, ThreadID: msg.Thread.ID}, nil
	}
	name := threadName(dg)
	if err := checkThreadName(name); err != nil {
		return bot.Sent{}, fmt.Errorf("discord: start thread: %w", err)
	}
	var th *discordgo.Channel
	err := d.do(ctx, "start thread", routeThreadFromMessage, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = d.s.MessageThreadStartComplex(channelID, msg.ID, &discordgo.ThreadStart{
			Name: name, AutoArchiveDuration: threadArchiveMinute, Type: discordgo.ChannelTypeGuildPublicThread}, opts...)
		return err
	})
	if restCode(err) == codeThreadExists {
		// An earlier attempt started it and its answer was lost.
		var got *discordgo.Message
		err = d.do(ctx, "get header", routeGetMessage, func(opts ...discordgo.RequestOption) error {
			var err error
			got, err = d.s.ChannelMessage(channelID, msg.ID, opts...)
			return err
		})
		if err == nil && got.Thread != nil {
			return bot.Sent{MessageID: msg.ID, ThreadID: got.Thread.ID}, nil
		}
		if err == nil {
			err = fmt.Errorf("discord: header %s has a thread Discord does not return", msg.ID)
		}
	}
	if err != nil {
		// The header is posted; the row stays claimed, and the next attempt
		// finds the header and starts the thread.
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: th.ID}, nil
}

// startForumPost opens the day's post in a forum channel: the thread's
// first message is the header (checked by the caller).
func (d *Discord) startForumPost(ctx context.Context, ch *discordgo.Channel, dg *bot.Digest, payload createMessage) (bot.Sent, error) {
	name := threadName(dg)
	if err := checkThreadName(name); err != nil {
		return bot.Sent{}, fmt.Errorf("discord: start forum post: %w", err)
	}
	var th *discordgo.Channel
	unsure := false
	err := d.do(ctx, "start forum post", routeStartForumPost, func(opts ...discordgo.RequestOption) error {
		if unsure {
			// A post carries no nonce: after a failure that may have
			// started it, look for it before starting another.
			found, err := d.activePost(ch, name, opts...)
			if err != nil || found != nil {
				th = found
				return err
			}
		}
		var err error
		th, err = d.s.ForumThreadStartComplex(ch.ID, &discordgo.ThreadStart{Name: name, AutoArchiveDuration: threadArchiveMinute},
			&discordgo.MessageSend{Content: payload.Content, Embeds: payload.Embeds, Components: payload.Components,
				AllowedMentions: payload.AllowedMentions, Flags: payload.Flags}, opts...)
		unsure = unsure || (err != nil && mayHavePosted(err))
		return err
	})
	if err != nil {
		return bot.Sent{}, err
	}
	// The first message of a forum post has the post's id.
	return bot.Sent{MessageID: th.ID, ThreadID: th.ID}, nil
}

func (d *Discord) sendItem(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	thread := m.Thread.ThreadID
	// One bad item must not stop the thread: an invalid card is replaced
	// by a minimal one.
	payload, err := d.checked("post item", renderThreadItem(m.Digest, *m.Item, m.Key),
		func() createMessage { return minimalThreadItem(m.Digest, *m.Item, m.Key) }, "paper_id", m.Item.Paper.ID, "channel", thread)
	if err != nil {
		return bot.Sent{}, err
	}
	msg, err := d.post(ctx, thread, payload, refFor(m.Key))
	if restCode(err) == codeThreadArchived {
		// Threads archive themselves after a day without messages.
		if err = d.unarchive(ctx, thread); err == nil {
			msg, err = d.post(ctx, thread, payload, refFor(m.Key))
		}
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: thread}, nil
}

func (d *Discord) unarchive(ctx context.Context, thread string) error {
	archived := false
	return d.do(ctx, "unarchive thread", routeEditChannel, func(opts ...discordgo.RequestOption) error {
		_, err := d.s.ChannelEditComplex(thread, &discordgo.ChannelEdit{Archived: &archived}, opts...)
		return err
	})
}
