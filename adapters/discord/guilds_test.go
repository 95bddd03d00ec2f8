package discord

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

const foreignGuild = "7777"

// interactionFrom feeds a slash command from guild (empty: a DM from
// userID) and returns what the user saw.
func (e *env) interactionFrom(guild, userID string, perms int64, name string, o *discordgo.ApplicationCommandInteractionDataOption) answer {
	e.t.Helper()
	interactionSeq++
	i := &discordgo.Interaction{ID: "44" + itoa(interactionSeq), AppID: appID, Type: discordgo.InteractionApplicationCommand, GuildID: guild,
		ChannelID: "555", Token: "gtoken-" + itoa(interactionSeq), AppPermissions: allPerms,
		Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: name, Options: []*discordgo.ApplicationCommandInteractionDataOption{o}}}
	if guild != "" {
		i.Member = &discordgo.Member{User: &discordgo.User{ID: userID}, Permissions: perms}
	} else {
		i.User = &discordgo.User{ID: userID}
	}
	before := len(e.srv.InteractionResponses())
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: i})
	var a answer
	for _, r := range e.srv.InteractionResponses()[before:] {
		a.Raw += r.Kind + ":" + string(r.Data) + "\n"
		if r.Kind == "callback" {
			a.Type = discordgo.InteractionResponseType(r.Type)
		}
		if c := responseContent(r); c != "" {
			a.Content = c
		}
	}
	return a
}

func memberLookups(e *env) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, "/api/v9/guilds/"+guildID+"/members/") {
			n++
		}
	}
	return n
}

// Issue 14, point 8: a server not in allowed_guilds (by default the
// guild_ids) gets one ephemeral "This bot is not enabled here." for every
// command and button, and nothing reaches the store: here it is closed
// first, and any use would fail the command.
func TestForeignGuildRefused(t *testing.T) {
	e := newEnv(t, allPerms)
	e.db.Close()
	for _, o := range []struct {
		name string
		o    *discordgo.ApplicationCommandInteractionDataOption
	}{
		{"papers-admin", group("channel", sub("set", opt("time", "08:00")))},
		{"papers", sub("subscribe", opt("query", "diffusion"))},
		{"papers", sub("search", opt("query", "diffusion"))},
		{"papers", sub("help")},
	} {
		before := len(e.srv.Requests())
		a := e.interactionFrom(foreignGuild, adminID, discordgo.PermissionAdministrator, o.name, o.o)
		if a.Type != discordgo.InteractionResponseChannelMessageWithSource || a.Content != "This bot is not enabled here." {
			t.Errorf("%s: answered %+v", o.name, a)
		}
		if !strings.Contains(a.Raw, `"flags":`+itoa(int(discordgo.MessageFlagsEphemeral|discordgo.MessageFlagsSuppressEmbeds))) {
			t.Errorf("%s: the refusal is not ephemeral: %s", o.name, a.Raw)
		}
		if n := len(e.srv.Requests()) - before; n != 1 {
			t.Errorf("%s: %d requests, want the one answer", o.name, n)
		}
	}
	interactionSeq++
	before := len(e.srv.InteractionResponses())
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: "45" + itoa(interactionSeq), AppID: appID,
		Type: discordgo.InteractionMessageComponent, GuildID: foreignGuild, ChannelID: "555", Token: "gtoken-" + itoa(interactionSeq),
		Member: &discordgo.Member{User: &discordgo.User{ID: memberID}},
		Data:   discordgo.MessageComponentInteractionData{CustomID: "s:0000000000000000:1", ComponentType: discordgo.ButtonComponent}}})
	if rs := e.srv.InteractionResponses()[before:]; len(rs) != 1 || responseContent(rs[0]) != "This bot is not enabled here." {
		t.Errorf("a button in a foreign server: %+v", rs)
	}
	if logs := e.logs.String(); strings.Contains(logs, "database is closed") || strings.Contains(logs, "command failed") {
		t.Errorf("a foreign server's command reached the store:\n%s", logs)
	}
}

// The allowed server works as before, and a direct message runs for a
// member of an allowed server (looked up once, then remembered) but not
// for anyone else.
func TestAllowedGuildAndDirectMessages(t *testing.T) {
	e := newEnv(t, allPerms)
	if a := e.interactionFrom(guildID, memberID, discordgo.PermissionViewChannel, "papers", sub("status")); !strings.Contains(a.Content, "gets no daily digest") {
		t.Fatalf("the allowed server: %+v", a)
	}
	if memberLookups(e) != 0 {
		t.Fatal("a member lookup for a server's interaction")
	}
	for n := 0; n < 2; n++ {
		a := e.interactionFrom("", memberID, 0, "papers", sub("subscriptions"))
		if a.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || strings.Contains(a.Content, "not enabled") {
			t.Fatalf("a member's DM: %+v", a)
		}
	}
	if n := memberLookups(e); n != 1 {
		t.Errorf("%d member lookups for two DMs of one member, want 1", n)
	}
	const stranger = "9666"
	for n := 0; n < 2; n++ {
		a := e.interactionFrom("", stranger, 0, "papers", sub("subscribe", opt("query", "diffusion")))
		if a.Content != "This bot is not enabled here." {
			t.Fatalf("a stranger's DM: %+v", a)
		}
	}
	if n := memberLookups(e); n != 2 {
		t.Errorf("%d member lookups, want 2 (the stranger's remembered)", n)
	}
	if _, err := e.db.GetUser(context.Background(), bot.UserRef{Platform: Name, ID: stranger}); err == nil {
		t.Error("the stranger's subscription was stored")
	}
}

// Without allowed_guilds and guild_ids every server is accepted, and Open
// says so once; with either, it does not.
func TestOpenWarnsWhenEveryGuildAccepted(t *testing.T) {
	e := newEnv(t, allPerms)
	for _, c := range []struct {
		guilds, allowed []string
		warn            bool
	}{
		{nil, nil, true},
		{[]string{guildID}, nil, false},
		{nil, []string{guildID}, false},
	} {
		var logs testsupport.Logs
		d, err := New(Options{Token: testToken, APIURL: e.srv.URL(), ApplicationID: appID, GuildIDs: c.guilds, AllowedGuilds: c.allowed,
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Open(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(logs.String(), OpenGuildsWarning); got != map[bool]int{true: 1}[c.warn] || (c.warn && !strings.Contains(logs.String(), "level=WARN")) {
			t.Errorf("guild_ids %v, allowed_guilds %v: %d warnings:\n%s", c.guilds, c.allowed, got, logs.String())
		}
		d.Close()
	}
	if _, err := New(Options{Token: testToken, AllowedGuilds: []string{"my server"}}); err == nil || !strings.Contains(err.Error(), `allowed_guilds[0]: "my server" is not a Discord id`) {
		t.Errorf("a bad id: %v", err)
	}
}
