package main

import (
	"fmt"
	"io"

	"github.com/paperboy-bot/paperboy/bot"
)

// printFollowups writes a channel's follow-ups line of status (the last 7
// days on the bot's clock).
func printFollowups(e *env, w io.Writer, b *bot.Bot, ch bot.Channel) error {
	line, err := b.FollowupStatus(e.ctx, ch, e.clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %-12s %s\n", "follow-ups", line)
	return nil
}
