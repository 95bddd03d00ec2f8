package discord

// What `paperboy doctor` asks Discord, one request each, without retries:
// https://discord.com/developers/docs/resources/user#get-current-user,
// https://discord.com/developers/docs/resources/application#get-current-application,
// https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands,
// https://discord.com/developers/docs/resources/channel#get-channel,
// https://discord.com/developers/docs/topics/permissions (the bot's
// permissions in a channel, from the guild's roles, the bot's member roles
// and the channel's overwrites).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// The routes only the doctor reads.
var (
	routeReadGlobalCommands = route{"GET", "/applications/{app}/commands"}
	routeReadGuildCommands  = route{"GET", "/applications/{app}/guilds/{guild}/commands"}
)

// Doctor checks what paperboy needs from Discord: the token (the current
// user), the application's slash commands as this version registers them
// (per configured guild, or global), and in each of channels on Discord
// the permissions the daily thread needs, each missing one named. Every
// check is one line; none names the token. After a refused token nothing
// else is asked.
func (d *Discord) Doctor(ctx context.Context, channels []bot.Channel) []bot.Check {
	me, err := d.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return []bot.Check{d.failedToken(err)}
	}
	checks := []bot.Check{bot.Passed("Discord token", fmt.Sprintf("valid (bot %s, id %s)", me.Username, me.ID))}
	checks = append(checks, d.doctorCommands(ctx)...)
	for _, ch := range channels {
		if ch.Platform != Name {
			continue
		}
		checks = append(checks, d.doctorChannel(ctx, me.ID, ch))
	}
	return checks
}

// failedToken explains a failed GET /users/@me.
func (d *Discord) failedToken(err error) bot.Check {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return bot.Failed("Discord token", "could not be checked ("+cause(err)+")", "try again in a minute")
	}
	switch httpStatus(err) {
	case http.StatusUnauthorized:
		return bot.Failed("Discord token", "Discord refused it ("+cause(err)+")",
			"copy the bot's token (Developer Portal → your application → Bot → Reset Token) into DISCORD_BOT_TOKEN")
	case 0:
		return bot.Failed("Discord API "+d.opts.APIURL, "unreachable: "+cause(err),
			"check the network and discord.api_url (default "+DefaultAPIURL+")")
	}
	return bot.Failed("Discord token", "could not be checked ("+cause(err)+")", "try again in a minute; if it persists, check "+d.opts.APIURL)
}

// httpStatus returns the HTTP status of a failed REST call, or 0.
func httpStatus(err error) int {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return rest.Response.StatusCode
	}
	return 0
}

// doctorCommands compares the registered commands with CommandDefinitions.
func (d *Discord) doctorCommands(ctx context.Context) []bot.Check {
	appID := d.appID
	if appID == "" {
		var app discordgo.Application
		endpoint := discordgo.EndpointOAuth2Application("@me")
		body, err := d.s.RequestWithBucketID("GET", endpoint, nil, endpoint, discordgo.WithContext(ctx))
		if err == nil {
			err = json.Unmarshal(body, &app)
		}
		if err != nil {
			return []bot.Check{bot.Failed("Discord application", "could not be looked up ("+cause(err)+")",
				"set discord.application_id (Developer Portal → your application → General Information → Application ID)")}
		}
		appID = app.ID
	}
	guilds := d.opts.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	fix := "start `paperboy run` once: it registers them (in a server at once; globally Discord may take up to an hour to show them)"
	var out []bot.Check
	for _, g := range guilds {
		name := "Discord commands (global)"
		r := routeReadGlobalCommands
		if g != "" {
			name = "Discord commands in server " + g
			r = routeReadGuildCommands
		}
		got, err := d.s.ApplicationCommands(appID, g, discordgo.WithContext(ctx))
		if err != nil {
			hint := "try again in a minute"
			if code := restCode(err); code == codeMissingAccess || httpStatus(err) == http.StatusForbidden {
				hint = "invite the bot to server " + g + " with the bot and applications.commands scopes (README, Discord)"
			}
			out = append(out, bot.Failed(name, "could not be read ("+failedRoute(r, err).String()+": "+cause(err)+")", hint))
			continue
		}
		missing, stale := compareCommands(CommandDefinitions(), got)
		var problems []string
		if len(missing) > 0 {
			problems = append(problems, slashList(missing)+" not registered")
		}
		if len(stale) > 0 {
			problems = append(problems, slashList(stale)+" registered by another version")
		}
		if len(problems) > 0 {
			out = append(out, bot.Failed(name, strings.Join(problems, "; "), fix))
			continue
		}
		var names []string
		for _, c := range CommandDefinitions() {
			names = append(names, c.Name)
		}
		out = append(out, bot.Passed(name, slashList(names)+" registered as this version defines them"))
	}
	return out
}

func slashList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "/" + n
	}
	return strings.Join(out, ", ")
}

// compareCommands returns the commands of want that got lacks, and those
// whose shape (description, who may use it, options) differs.
func compareCommands(want, got []*discordgo.ApplicationCommand) (missing, stale []string) {
	byName := map[string]*discordgo.ApplicationCommand{}
	for _, c := range got {
		if c != nil && (c.Type == 0 || c.Type == discordgo.ChatApplicationCommand) {
			byName[c.Name] = c
		}
	}
	for _, w := range want {
		g, ok := byName[w.Name]
		switch {
		case !ok:
			missing = append(missing, w.Name)
		case commandShape(w) != commandShape(g):
			stale = append(stale, w.Name)
		}
	}
	return missing, stale
}

// commandShape renders what a user of a command sees of it and who may
// use it by default; fields Discord fills in itself (ids, versions) are
// left out.
func commandShape(c *discordgo.ApplicationCommand) string {
	var b strings.Builder
	perm := "everyone"
	if c.DefaultMemberPermissions != nil {
		perm = fmt.Sprint(*c.DefaultMemberPermissions)
	}
	// dm_permission is left out: Discord ignores it for a server's
	// commands and may not send it back.
	fmt.Fprintf(&b, "%s|%s|%s", c.Name, c.Description, perm)
	var opts func(os []*discordgo.ApplicationCommandOption)
	opts = func(os []*discordgo.ApplicationCommandOption) {
		b.WriteString("(")
		for _, o := range os {
			fmt.Fprintf(&b, "%d:%s|%s|%v|%d;", o.Type, o.Name, o.Description, o.Required, len(o.Choices))
			for _, ch := range o.Choices {
				fmt.Fprintf(&b, "%s=%v;", ch.Name, ch.Value)
			}
			opts(o.Options)
		}
		b.WriteString(")")
	}
	opts(c.Options)
	return b.String()
}

// doctorChannel checks one configured channel: that paperboy sees it, and
// which of the permissions the daily thread needs it lacks.
func (d *Discord) doctorChannel(ctx context.Context, botID string, c bot.Channel) bot.Check {
	name := "Discord channel " + c.ID
	if c.Name != "" {
		name += " (" + c.Name + ")"
	}
	ch, err := d.s.Channel(c.ID, discordgo.WithContext(ctx))
	if err != nil {
		switch restCode(err) {
		case codeUnknownChannel:
			return bot.Failed(name, "does not exist (Discord error 10003)",
				"check its id in channels[] (right-click the channel, Copy Channel ID) or remove it")
		case codeMissingAccess:
			return bot.Failed(name, "paperboy cannot see it: lacks View Channel (Discord error 50001)",
				"add paperboy to the server, then allow View Channel for it in the channel's permissions (Edit Channel → Permissions)")
		}
		return bot.Failed(name, "could not be read ("+cause(err)+")", "try again in a minute")
	}
	if c.Name == "" && ch.Name != "" {
		name += " (#" + ch.Name + ")"
	}
	if ch.GuildID == "" {
		return bot.Failed(name, "is not a server channel", "give the id of a text, announcement or forum channel of a server")
	}
	perms, err := d.s.UserChannelPermissions(botID, c.ID, discordgo.WithContext(ctx))
	if err != nil {
		return bot.Failed(name, "paperboy's permissions could not be read ("+failedRoute(routeGetMember, err).String()+": "+cause(err)+")",
			"check that paperboy is still a member of the server")
	}
	forum := ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia
	var missing []string
	count := 0
	for _, n := range needed {
		if forum && !n.forum {
			continue
		}
		count++
		if perms&discordgo.PermissionAdministrator == 0 && perms&n.perm == 0 {
			missing = append(missing, n.name)
		}
	}
	if len(missing) > 0 {
		list := joinAnd(missing)
		it := "it"
		if len(missing) > 1 {
			it = "them"
		}
		return bot.Failed(name, "paperboy lacks "+list,
			"allow "+it+" for paperboy in the channel's permissions (Edit Channel → Permissions) or on its role")
	}
	return bot.Passed(name, fmt.Sprintf("paperboy has the %d permissions the daily thread needs", count))
}

// joinAnd joins names as a sentence: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(slices.Clip(names[:len(names)-1]), ", ") + " and " + names[len(names)-1]
}
