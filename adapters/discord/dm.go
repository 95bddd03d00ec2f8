package discord

// Direct messages: opening the DM channel, sending, and finding one an
// earlier attempt sent.
//
// API page: https://discord.com/developers/docs/resources/user#create-dm.

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// openDM returns the user's DM channel: cached, or opened (Discord returns
// the same channel every time).
func (d *Discord) openDM(ctx context.Context, u bot.UserRef, cached string) (string, error) {
	if cached != "" {
		return cached, nil
	}
	var ch *discordgo.Channel
	err := d.do(ctx, "open DM channel", routeCreateDM, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = d.s.UserChannelCreate(u.ID, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// FindDM looks for a direct message carrying key (the reference on its last
// line) among the DM channel's recent messages, sent by an earlier attempt
// that was never confirmed. Discord forgets nonces after a few minutes;
// this is what prevents a second copy after a restart.
func (d *Discord) FindDM(ctx context.Context, u bot.UserRef, cached, key string) (bot.Sent, bool, error) {
	channelID, err := d.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, false, err
	}
	msg, err := d.findIn(ctx, channelID, refFor(key))
	if err != nil || msg == nil {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: channelID}, true, nil
}

// SendDM sends a direct message, opening the DM channel unless cached; the
// returned Sent's ThreadID is the DM channel, for the cache.
func (d *Discord) SendDM(ctx context.Context, u bot.UserRef, cached string, m *bot.DirectMessage) (bot.Sent, error) {
	channelID, err := d.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, err
	}
	payload, err := d.checked("send direct message", renderDM(m.Reply, m.Key),
		func() createMessage { return dmFallback(m.Key) }, "user", u.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	msg, err := d.post(ctx, channelID, payload, refFor(m.Key))
	if restCode(err) == codeCannotDMUser {
		return bot.Sent{}, fmt.Errorf("%w (Discord error 50007)", bot.ErrDMsClosed)
	}
	var stop *bot.StopError
	if errors.As(err, &stop) && cached != "" {
		// A cached DM channel that is gone: open a new one once.
		return d.SendDM(ctx, u, "", m)
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: channelID}, nil
}
