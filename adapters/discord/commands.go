package discord

// Answering interactions (slash commands and button presses): deferred,
// run by the bot's command handling, answered only to the user; the
// commands themselves are registered in register.go.
// https://discord.com/developers/docs/interactions/receiving-and-responding

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// SetCommands sets what answers slash commands.
func (d *Discord) SetCommands(c *bot.Commands) { d.cmds = c }

// Open connects to the gateway (minimal intents: interactions need none)
// and registers the commands. Interactions arrive through HandleInteraction;
// their handlers start from ctx's values, and only Shutdown (or Close)
// ends them.
func (d *Discord) Open(ctx context.Context, gateway bool) error {
	d.life.setBase(ctx)
	if d.guilds.open() {
		d.log.Warn(OpenGuildsWarning)
	}
	d.s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { d.HandleInteraction(ic) })
	if err := d.RegisterCommands(ctx); err != nil {
		return err
	}
	if gateway {
		if err := d.s.Open(); err != nil {
			return fmt.Errorf("discord: connect to the gateway: %s", cause(err))
		}
	}
	return nil
}

// Close shuts the command handlers down (Shutdown, with Options.
// ShutdownGrace for the running ones to finish) and then disconnects from
// the gateway. When it returns, no handler uses the store.
func (d *Discord) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.ShutdownGrace)
	d.Shutdown(ctx)
	cancel()
	return d.s.Close()
}

// HandleInteraction answers one interaction: slash commands are deferred
// (ephemerally) unless instant, run by the shared command handling in bot,
// and answered only to the user. It returns when the answer is sent.
// During a shutdown it answers "restarting"; after one it does nothing.
// An interaction from a server not in Options.AllowedGuilds is answered
// "not enabled here" and changes nothing.
func (d *Discord) HandleInteraction(ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil || d.cmds == nil {
		return
	}
	i := ic.Interaction
	if i.Type != discordgo.InteractionApplicationCommand && i.Type != discordgo.InteractionMessageComponent {
		return
	}
	end, state := d.life.begin()
	if state == lifeClosed {
		d.log.Info("discord: an interaction after shutdown; not answered")
		return
	}
	defer end()
	if state == lifeDraining {
		d.refuse(i, restartingText)
		return
	}
	if !d.guildAllowed(i) {
		d.refuse(i, notEnabledText)
		return
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d.handleCommand(i)
	case discordgo.InteractionMessageComponent:
		d.handleComponent(i)
	}
}

// refuse answers an interaction at once, ephemerally, with one line,
// checked first like every body (see Discord.checked).
func (d *Discord) refuse(i *discordgo.Interaction, text string) {
	p, err := d.checked("refuse interaction", createMessage{Content: escapeMarkdown(text), AllowedMentions: noMentions(),
		Flags: discordgo.MessageFlagsSuppressEmbeds}, replyFallback)
	if err != nil {
		d.log.Error("could not answer an interaction", "error", err.Error())
		return
	}
	if err := d.answerNow(i, p); err != nil {
		d.log.Warn("could not answer an interaction", "route", failedRoute(routeInteractionRespond, err).String(), "error", cause(err))
	}
}

// answerNow answers an interaction with p, checked by the caller, as its
// one response (not deferred), ephemerally, within Discord's 3 seconds.
func (d *Discord) answerNow(i *discordgo.Interaction, p createMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	return d.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		// Checked as a message; an interaction's answer may be ephemeral.
		Data: &discordgo.InteractionResponseData{Content: p.Content, Embeds: p.Embeds, Components: p.Components,
			AllowedMentions: p.AllowedMentions, Flags: discordgo.MessageFlagsEphemeral | p.Flags},
	}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
}

// handlerContext is a command's context: the lifetime's, for the 14
// minutes an interaction's token lives (follow-ups live 15).
func (d *Discord) handlerContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(d.life.context(), 14*time.Minute)
}

func (d *Discord) handleCommand(i *discordgo.Interaction) {
	cmd, err := commandFrom(i)
	if err != nil {
		d.log.Info("discord: an interaction that is not a paperboy command", "reason", err.Error())
		d.refuse(i, "paperboy cannot run this: "+err.Error()+".")
		return
	}
	ctx, cancel := d.handlerContext()
	defer cancel()
	// Everything but help reads the database or the network: defer first,
	// so Discord's 3-second deadline is never missed.
	deferred := cmd.Sub != "help"
	if deferred {
		if err := d.deferReply(i); err != nil {
			d.log.Warn("could not defer an interaction", "command", cmd.Name+" "+cmd.Sub, "route", failedRoute(routeInteractionRespond, err).String(), "error", cause(err))
			return
		}
	}
	if cmd.Name == bot.CmdAdmin && cmd.Sub == "channel set" {
		cmd.BotMissing = d.botMissing(ctx, i)
	}
	reply := d.cmds.Handle(ctx, cmd)
	d.respond(i, deferred, d.unlessCut(reply))
}

// unlessCut is the reply to send: r, or "restarting" when Shutdown
// cancelled the command before it finished.
func (d *Discord) unlessCut(r bot.Reply) createMessage {
	if d.life.cut() {
		d.life.told.Add(1)
		return renderReply(bot.Reply{Lines: []bot.Line{{bot.Text(restartingText)}}})
	}
	return renderReply(r)
}

// handleComponent answers a click on one of paperboy's buttons. The
// answer to a button of an ephemeral reply (search paging, the watch
// list) replaces that reply; the answer to a post's Watch button comes as
// a new ephemeral message, and the post (everyone's) is never edited
// (bot.ActionReplaces).
func (d *Discord) handleComponent(i *discordgo.Interaction) {
	data, ok := i.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return
	}
	ctx, cancel := d.handlerContext()
	defer cancel()
	var err error
	if bot.ActionReplaces(data.CustomID) {
		rctx, rcancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		err = d.s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate},
			discordgo.WithContext(rctx), discordgo.WithRetryOnRatelimit(false))
		rcancel()
	} else {
		err = d.deferReply(i)
	}
	if err != nil {
		d.log.Warn("could not acknowledge a button", "route", failedRoute(routeInteractionRespond, err).String(), "error", cause(err))
		return
	}
	user := bot.UserRef{Platform: Name}
	if i.Member != nil && i.Member.User != nil {
		user.ID = i.Member.User.ID
	} else if i.User != nil {
		user.ID = i.User.ID
	}
	r := d.cmds.HandleAction(ctx, user, data.CustomID)
	if d.life.cut() {
		// The message the button is on (a page of results) stays; the
		// user is told in an ephemeral follow-up.
		d.life.told.Add(1)
		d.followup(i, restartingText)
		return
	}
	d.respond(i, true, renderReply(r))
}

// followup sends an ephemeral follow-up message of one line.
func (d *Discord) followup(i *discordgo.Interaction, text string) {
	p, err := d.checked("follow up", renderReply(bot.Reply{Lines: []bot.Line{{bot.Text("%s", text)}}}), replyFallback)
	if err != nil {
		d.log.Error("could not follow up an interaction", "error", err.Error())
		return
	}
	p.Flags |= discordgo.MessageFlagsEphemeral // checked as a message; a follow-up may be ephemeral
	ctx, cancel := context.WithTimeout(context.Background(), answerWaitCut)
	defer cancel()
	endpoint := discordgo.EndpointWebhookToken(i.AppID, i.Token)
	err = d.do(ctx, "follow up", routeFollowup, func(opts ...discordgo.RequestOption) error {
		_, err := d.s.RequestWithBucketID("POST", endpoint, p, discordgo.EndpointWebhookToken("", ""), opts...)
		return err
	})
	if err != nil {
		d.log.Warn("could not follow up an interaction", "error", err.Error())
	}
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
	err := d.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: data.AllowedMentions},
	}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	if err != nil {
		return failure("defer interaction", routeInteractionRespond, err)
	}
	return nil
}

// webhookEdit is the body of an edit of an interaction's reply.
// discordgo's WebhookEdit (v0.28.1) has no flags, and an edit must carry
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

// answerWait bounds an answer's edit; after Shutdown cancelled the
// command, the "restarting" edit gets answerWaitCut.
const (
	answerWait    = 30 * time.Second
	answerWaitCut = 5 * time.Second
)

// respond sends the answer, checked first (see Discord.checked): an edit
// of the deferred reply, or the reply.
func (d *Discord) respond(i *discordgo.Interaction, deferred bool, p createMessage) {
	p, err := d.checked("answer command", p, replyFallback)
	if err != nil {
		d.log.Error("could not answer an interaction", "error", err.Error())
		return
	}
	if deferred {
		wait := answerWait
		if d.life.cut() {
			wait = answerWaitCut
		}
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		edit := webhookEdit{Content: p.Content, Embeds: p.Embeds, Components: p.Components, AllowedMentions: p.AllowedMentions, Flags: p.Flags}
		if edit.Embeds == nil {
			edit.Embeds = []*discordgo.MessageEmbed{}
		}
		if edit.Components == nil {
			edit.Components = []discordgo.MessageComponent{}
		}
		endpoint := discordgo.EndpointWebhookMessage(i.AppID, i.Token, "@original")
		err = d.do(ctx, "answer command", routeEditOriginal, func(opts ...discordgo.RequestOption) error {
			// The bucket discordgo's own InteractionResponseEdit uses.
			_, err := d.s.RequestWithBucketID("PATCH", endpoint, edit, discordgo.EndpointWebhookToken("", ""), opts...)
			return err
		})
	} else if err = d.answerNow(i, p); err != nil {
		err = failure("answer command", routeInteractionRespond, err)
	}
	if err != nil {
		d.log.Warn("could not answer an interaction", "error", err.Error())
	}
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
