package discord

// Finding a message an earlier, unconfirmed attempt posted (after a crash or
// a lost answer), by the reference it carries; lookup.go pages the history.
//
// API pages: https://discord.com/developers/docs/resources/message#get-channel-messages,
// https://discord.com/developers/docs/resources/guild#list-active-guild-threads.

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// Find looks for a message an earlier, unconfirmed attempt posted, by the
// reference its embed footer carries: for an item in the thread's recent
// messages, for a header in the channel's (or the forum's active posts).
// Discord forgets nonces after a few minutes, so this is what prevents a
// second copy after a restart.
func (d *Discord) Find(ctx context.Context, m *bot.Message) (bot.Sent, bool, error) {
	ref := refFor(m.Key)
	if !m.IsHeader() {
		msg, err := d.findIn(ctx, m.Thread.ThreadID, ref)
		if err != nil || msg == nil {
			if restCode(err) == codeThreadArchived {
				err = nil
			}
			return bot.Sent{}, false, err
		}
		return bot.Sent{MessageID: msg.ID, ThreadID: m.Thread.ThreadID}, true, nil
	}
	ch, err := d.channel(ctx, m.Channel.ID)
	if err != nil {
		return bot.Sent{}, false, err
	}
	if ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia {
		return d.findForumPost(ctx, ch, m)
	}
	msg, err := d.findIn(ctx, ch.ID, ref)
	if err != nil || msg == nil {
		return bot.Sent{}, false, err
	}
	s, err := d.ensureThread(ctx, ch.ID, msg, m.Digest)
	if err != nil {
		return bot.Sent{}, false, err
	}
	return s, true, nil
}

// findIn returns the recent message of channelID that carries ref, or nil.
func (d *Discord) findIn(ctx context.Context, channelID, ref string) (*discordgo.Message, error) {
	var msg *discordgo.Message
	err := d.do(ctx, "read recent messages", routeListMessages, func(opts ...discordgo.RequestOption) error {
		var err error
		msg, err = d.recent(channelID, ref, opts...)
		return err
	})
	return msg, err
}

func (d *Discord) findForumPost(ctx context.Context, forum *discordgo.Channel, m *bot.Message) (bot.Sent, bool, error) {
	var th *discordgo.Channel
	err := d.do(ctx, "list active threads", routeActiveThreads, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = d.activePost(forum, threadName(m.Digest), opts...)
		return err
	})
	if err != nil || th == nil {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: th.ID, ThreadID: th.ID}, true, nil
}

// activePost lists the guild's active threads once and returns the forum's
// post named name, or nil.
func (d *Discord) activePost(forum *discordgo.Channel, name string, opts ...discordgo.RequestOption) (*discordgo.Channel, error) {
	list, err := d.s.GuildThreadsActive(forum.GuildID, opts...)
	if err != nil {
		return nil, err
	}
	for _, th := range list.Threads {
		if th.ParentID == forum.ID && th.Name == name {
			return th, nil
		}
	}
	return nil, nil
}
