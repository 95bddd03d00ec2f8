package discord

// The slash commands paperboy registers and the permissions it asks for.
// https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// What the bot needs in a channel to post its digest there.
var needed = []struct {
	perm  int64
	name  string
	forum bool // needed in forum channels too
}{
	{discordgo.PermissionViewChannel, "View Channel", true},
	{discordgo.PermissionSendMessages, "Send Messages", true},
	{discordgo.PermissionCreatePublicThreads, "Create Public Threads", false},
	{discordgo.PermissionSendMessagesInThreads, "Send Messages in Threads", true},
	{discordgo.PermissionEmbedLinks, "Embed Links", true},
	{discordgo.PermissionReadMessageHistory, "Read Message History", true},
}

// manageChannels is the permission /papers-admin requires.
const manageChannels = discordgo.PermissionManageChannels

// CommandDefinitions are the slash commands the bot registers.
func CommandDefinitions() []*discordgo.ApplicationCommand {
	str := func(name, desc string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: required, MaxLength: 500}
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	minZero, one := 0.0, 1.0
	perm := int64(manageChannels)
	noDM := false
	return []*discordgo.ApplicationCommand{
		{
			Name:        bot.CmdPapers,
			Description: "Research papers: search, today's list, topic alerts, watched papers",
			Options: []*discordgo.ApplicationCommandOption{
				sub("help", "What each command does, with examples"),
				sub("search", "Search every paper paperboy has seen", str("query", "Words, \"a phrase\", -exclude, author:, since:30d …", true)),
				sub("today", "This channel's digest for today, only for you"),
				sub("paper", "One paper's card", str("id", "arXiv id or Hugging Face / arXiv link", true)),
				sub("subscribe", "Get a direct message when a matching paper appears", str("query", "A search query", true),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "label", Description: "A short name for the topic (optional)", MaxLength: 80}),
				sub("subscriptions", "Your topics"),
				sub("unsubscribe", "Remove a topic", str("id", "Topic number, or all", true)),
				sub("watching", "The papers you watch (press Watch under a posted paper)"),
				sub("unwatch", "Stop watching a paper", str("id", "arXiv id or link", true)),
				sub("pause", "Pause your alerts"),
				sub("resume", "Resume your alerts"),
				sub("alerts", "How your alerts arrive",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "mode", Description: "instant or daily", Required: true,
						Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "instant", Value: "instant"}, {Name: "daily", Value: "daily"}}},
					str("time", "For daily: HH:MM", false), str("zone", "For daily: time zone, e.g. Europe/Berlin", false)),
				sub("forget-me", "Delete everything paperboy keeps about you"),
				sub("status", "This channel's next post, last post and why a day was empty"),
			},
		},
		{
			Name:                     bot.CmdAdmin,
			Description:              "Set up paperboy's daily digest in this channel",
			DefaultMemberPermissions: &perm,
			DMPermission:             &noDM,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "channel", Description: "This channel's daily digest",
				Options: []*discordgo.ApplicationCommandOption{
					sub("set", "Post the daily digest here (or change its settings)",
						str("source", "huggingface and/or arxiv:CATEGORIES, e.g. arxiv:cs.RO,cs.LG or huggingface,arxiv:cs", false),
						str("time", "Local time of the post, HH:MM (default 09:00)", false),
						str("zone", "IANA time zone, e.g. Europe/Berlin", false),
						str("weekdays", "Days to post, e.g. mon-fri or mon,wed,fri", false),
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "count", Description: "Papers per day (1-50, default 10)", MinValue: &one, MaxValue: bot.MaxMaxPapers},
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "min_upvotes", Description: "Leave out papers with fewer upvotes", MinValue: &minZero},
						str("filter", "Only papers matching this search query (none to clear)", false),
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "cross_lists", Description: "arXiv: also post papers cross-listed into the categories (default on)"},
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "rank", Description: "Order of the papers (default upvotes)",
							Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "upvotes", Value: "upvotes"}, {Name: "relevance", Value: "relevance"}, {Name: "newest", Value: "newest"}}},
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "on_update", Description: "When a posted paper changes (code, stars, new version): edit its card, reply, or off",
							Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "edit", Value: "edit"}, {Name: "reply", Value: "reply"}, {Name: "off", Value: "off"}}}),
					sub("show", "This channel's settings and where each came from"),
					sub("remove", "Stop the daily digest here"),
				},
			}},
		},
	}
}

// RegisterCommands overwrites the application's commands, per configured
// guild (instant) or globally.
func (d *Discord) RegisterCommands(ctx context.Context) error {
	if d.appID == "" {
		var app *discordgo.Application
		err := d.do(ctx, "look up application", routeGetApplication, func(opts ...discordgo.RequestOption) error {
			var err error
			app, err = d.s.Application("@me")
			return err
		})
		if err != nil {
			return fmt.Errorf("%w (or set discord.application_id)", err)
		}
		d.appID = app.ID
	}
	guilds := d.opts.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	defs := CommandDefinitions()
	for _, g := range guilds {
		r := routeGuildCommands
		if g == "" {
			r = routeGlobalCommands
		}
		if err := d.do(ctx, "register commands", r, func(opts ...discordgo.RequestOption) error {
			_, err := d.s.ApplicationCommandBulkOverwrite(d.appID, g, defs, opts...)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
