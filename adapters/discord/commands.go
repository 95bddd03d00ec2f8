package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// InvitePermissions is the permission integer of the invite URL: exactly
// what the bot uses.
func InvitePermissions() int64 {
	var p int64
	for _, n := range needed {
		p |= n.perm
	}
	return p
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
			Description: "Hugging Face Daily Papers: search, today's list, topic alerts",
			Options: []*discordgo.ApplicationCommandOption{
				sub("help", "What each command does, with examples"),
				sub("search", "Search every paper paperboy has seen", str("query", "Words, \"a phrase\", -exclude, author:, since:30d …", true)),
				sub("today", "This channel's digest for today, only for you"),
				sub("paper", "One paper's card", str("id", "arXiv id or Hugging Face / arXiv link", true)),
				sub("subscribe", "Get a direct message when a matching paper appears", str("query", "A search query", true),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "label", Description: "A short name for the topic (optional)", MaxLength: 80}),
				sub("subscriptions", "Your topics"),
				sub("unsubscribe", "Remove a topic", str("id", "Topic number, or all", true)),
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
						str("time", "Local time of the post, HH:MM (default 09:00)", false),
						str("zone", "IANA time zone, e.g. Europe/Berlin", false),
						str("weekdays", "Days to post, e.g. mon-fri or mon,wed,fri", false),
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "count", Description: "Papers per day (1-50, default 10)", MinValue: &one, MaxValue: bot.MaxMaxPapers},
						&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "min_upvotes", Description: "Leave out papers with fewer upvotes", MinValue: &minZero},
						str("filter", "Only papers matching this search query (none to clear)", false)),
					sub("show", "This channel's settings and where each came from"),
					sub("remove", "Stop the daily digest here"),
				},
			}},
		},
	}
}

// SetCommands sets what answers slash commands.
func (d *Discord) SetCommands(c *bot.Commands) { d.cmds = c }

// RegisterCommands overwrites the application's commands, per configured
// guild (instant) or globally.
func (d *Discord) RegisterCommands(ctx context.Context) error {
	if d.appID == "" {
		var app *discordgo.Application
		err := d.do(ctx, "look up application", func(opts ...discordgo.RequestOption) error {
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
		if err := d.do(ctx, "register commands", func(opts ...discordgo.RequestOption) error {
			_, err := d.s.ApplicationCommandBulkOverwrite(d.appID, g, defs, opts...)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// Open connects to the gateway (minimal intents: interactions need none)
// and registers the commands. Interactions arrive through HandleInteraction.
func (d *Discord) Open(ctx context.Context, gateway bool) error {
	d.s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { d.HandleInteraction(ic) })
	if err := d.RegisterCommands(ctx); err != nil {
		return err
	}
	if gateway {
		if err := d.s.Open(); err != nil {
			return fmt.Errorf("discord: connect to the gateway: %s", describe(err))
		}
	}
	return nil
}

// Close disconnects from the gateway.
func (d *Discord) Close() error { return d.s.Close() }

// HandleInteraction answers one interaction: slash commands are deferred
// (ephemerally) unless instant, run by the shared command handling in bot,
// and answered only to the user.
func (d *Discord) HandleInteraction(ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if i == nil || d.cmds == nil {
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d.handleCommand(i)
	case discordgo.InteractionMessageComponent:
		d.handleComponent(i)
	}
}

func (d *Discord) handleCommand(i *discordgo.Interaction) {
	ctx, cancel := context.WithTimeout(context.Background(), 14*time.Minute) // follow-ups live 15 minutes
	defer cancel()
	cmd := toCommand(i)
	// Everything but help reads the database or the network: defer first,
	// so Discord's 3-second deadline is never missed.
	deferred := cmd.Sub != "help"
	if deferred {
		if err := d.deferReply(i); err != nil {
			d.log.Warn("could not defer an interaction", "command", cmd.Name+" "+cmd.Sub, "error", describe(err))
			return
		}
	}
	if cmd.Name == bot.CmdAdmin && cmd.Sub == "channel set" {
		cmd.BotMissing = d.botMissing(ctx, i)
	}
	d.respond(i, deferred, renderReply(d.cmds.Handle(ctx, cmd)))
}

// handleComponent answers a click on one of paperboy's buttons (search
// paging): the reply replaces the message the button was on.
func (d *Discord) handleComponent(i *discordgo.Interaction) {
	ctx, cancel := context.WithTimeout(context.Background(), 14*time.Minute)
	defer cancel()
	rctx, rcancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	err := d.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate},
		discordgo.WithContext(rctx), discordgo.WithRetryOnRatelimit(false))
	rcancel()
	if err != nil {
		d.log.Warn("could not acknowledge a button", "error", describe(err))
		return
	}
	user := bot.UserRef{Platform: Name}
	if i.Member != nil && i.Member.User != nil {
		user.ID = i.Member.User.ID
	} else if i.User != nil {
		user.ID = i.User.ID
	}
	d.respond(i, true, renderReply(d.cmds.HandleAction(ctx, user, i.MessageComponentData().CustomID)))
}

// deferReply acknowledges an interaction with an ephemeral "thinking…"
// reply, to be edited by respond. Its data is checked like every body.
func (d *Discord) deferReply(i *discordgo.Interaction) error {
	data := createMessage{AllowedMentions: noMentions()}
	if err := data.check(false); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	return d.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: data.AllowedMentions},
	}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
}

// webhookEdit is the body of an edit of an interaction's reply.
// discordgo's WebhookEdit (v0.29.0) has no flags, and an edit must carry
// SUPPRESS_EMBEDS (set or cleared) like the message it replaces. Every
// field is sent: an empty list clears the embeds or buttons of the page
// before.
type webhookEdit struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags            `json:"flags"`
}

// respond sends the answer, checked first (see Discord.checked): an edit
// of the deferred reply, or the reply.
func (d *Discord) respond(i *discordgo.Interaction, deferred bool, p createMessage) {
	p, err := d.checked("answer command", p, replyFallback)
	if err != nil {
		d.log.Error("could not answer an interaction", "error", err.Error())
		return
	}
	if deferred {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		edit := webhookEdit{Content: p.Content, Embeds: p.Embeds, Components: p.Components, AllowedMentions: p.AllowedMentions, Flags: p.Flags}
		if edit.Embeds == nil {
			edit.Embeds = []*discordgo.MessageEmbed{}
		}
		if edit.Components == nil {
			edit.Components = []discordgo.MessageComponent{}
		}
		endpoint := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
		err = d.do(ctx, "answer command", func(opts ...discordgo.RequestOption) error {
			// The bucket discordgo's own InteractionResponseEdit uses.
			_, err := d.s.RequestWithBucketID("PATCH", endpoint, edit, discordgo.EndpointWebhookToken("", ""), opts...)
			return err
		})
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		err = d.s.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: p.Content, Embeds: p.Embeds, Components: p.Components,
				AllowedMentions: p.AllowedMentions, Flags: discordgo.MessageFlagsEphemeral | p.Flags},
		}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	}
	if err != nil {
		d.log.Warn("could not answer an interaction", "error", describe(err))
	}
}

// toCommand translates an interaction into the platform-neutral command.
func toCommand(i *discordgo.Interaction) bot.Command {
	data := i.ApplicationCommandData()
	cmd := bot.Command{Platform: Name, TeamID: i.GuildID, ChannelID: i.ChannelID, Name: data.Name, Args: map[string]string{}}
	switch {
	case i.Member != nil && i.Member.User != nil:
		cmd.User = bot.UserRef{Platform: Name, ID: i.Member.User.ID}
		cmd.CanManage = i.Member.Permissions&(manageChannels|discordgo.PermissionAdministrator) != 0
	case i.User != nil:
		cmd.User = bot.UserRef{Platform: Name, ID: i.User.ID}
	}
	opts := data.Options
	var path []string
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	cmd.Sub = strings.Join(path, " ")
	for _, o := range opts {
		switch v := o.Value.(type) {
		case string:
			cmd.Args[o.Name] = v
		case float64:
			cmd.Args[o.Name] = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			cmd.Args[o.Name] = strconv.FormatBool(v)
		case nil:
		default:
			cmd.Args[o.Name] = fmt.Sprint(v)
		}
	}
	return cmd
}

// botMissing lists the permissions the bot lacks in the interaction's
// channel, from the app_permissions Discord sends with it.
func (d *Discord) botMissing(ctx context.Context, i *discordgo.Interaction) []string {
	perms := i.AppPermissions
	if perms&discordgo.PermissionAdministrator != 0 {
		return nil
	}
	forum := false
	if ch, err := d.channel(ctx, i.ChannelID); err == nil {
		forum = ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia
	} else if _, stop := errors.AsType[*bot.StopError](err); stop {
		return []string{"View Channel"}
	}
	var missing []string
	for _, n := range needed {
		if forum && !n.forum {
			continue
		}
		if perms&n.perm == 0 {
			missing = append(missing, n.name)
		}
	}
	return missing
}
