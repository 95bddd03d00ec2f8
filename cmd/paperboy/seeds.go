package main

// The channels of the config file, stored (run, digest) or merged in
// memory (dry runs, status) over the ones changed in chat.

import (
	"errors"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// applySeeds stores the channels of the config file: a new channel is
// created, a known one takes the file's values except for settings changed
// in chat, and a channel created from the file that has left it is removed
// (unless it was changed in chat).
func (e *env) applySeeds(db *store.DB, now time.Time) ([]bot.Channel, error) {
	ctx := e.ctx
	inConfig := map[bot.ChannelRef]bool{}
	for _, seed := range e.conf.Channels {
		inConfig[seed.ChannelRef] = true
		stored, err := db.GetChannel(ctx, seed.ChannelRef)
		var merged bot.Channel
		switch {
		case errors.Is(err, bot.ErrNotFound):
			merged = bot.MergeSeed(nil, seed)
		case err != nil:
			return nil, err
		default:
			merged = bot.MergeSeed(&stored, seed)
		}
		if err := db.SaveChannel(ctx, merged, now); err != nil {
			return nil, err
		}
	}
	all, err := db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var out []bot.Channel
	for _, ch := range all {
		if ch.FromConfig && !inConfig[ch.ChannelRef] && !changedInChat(ch) {
			e.log.Info("channel left the config file; removing its settings", "platform", ch.Platform, "channel", ch.ID)
			if err := db.DeleteChannel(ctx, ch.ChannelRef); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, ch)
	}
	return out, nil
}

func changedInChat(ch bot.Channel) bool {
	for _, o := range ch.Origins {
		if o == bot.FromChat {
			return true
		}
	}
	return false
}

// seedsInMemory returns the channels as applySeeds would store them,
// without writing anything (for dry runs and status).
func seedsInMemory(e *env, db *store.DB) ([]bot.Channel, error) {
	stored, err := db.Channels(e.ctx)
	if err != nil {
		return nil, err
	}
	byRef := map[bot.ChannelRef]int{}
	for i, ch := range stored {
		byRef[ch.ChannelRef] = i
	}
	inConfig := map[bot.ChannelRef]bool{}
	for _, seed := range e.conf.Channels {
		inConfig[seed.ChannelRef] = true
		if i, ok := byRef[seed.ChannelRef]; ok {
			stored[i] = bot.MergeSeed(&stored[i], seed)
			continue
		}
		stored = append(stored, bot.MergeSeed(nil, seed))
	}
	out := stored[:0]
	for _, ch := range stored {
		if ch.FromConfig && !inConfig[ch.ChannelRef] && !changedInChat(ch) {
			continue // applySeeds removes it
		}
		out = append(out, ch)
	}
	return out, nil
}
