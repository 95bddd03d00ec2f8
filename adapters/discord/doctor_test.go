package discord

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/bot"
)

// The doctor tells commands this version registers from commands an older
// one left (a subcommand fewer, /papers-admin open to everyone), and in a
// forum does not ask for Create Public Threads.
func TestDoctorCommandsAndForum(t *testing.T) {
	e := newEnv(t, allPerms)
	ctx := context.Background()
	channels := []bot.Channel{
		{ChannelRef: bot.ChannelRef{Platform: Name, ID: textID}},
		{ChannelRef: bot.ChannelRef{Platform: Name, ID: forumID}},
		{ChannelRef: bot.ChannelRef{Platform: "slack", ID: "C100"}}, // not Discord's: not looked at
	}
	show := func(cs []bot.Check) string {
		var b strings.Builder
		for _, c := range cs {
			b.WriteString(c.Name + ": " + c.Detail + "\n")
		}
		return b.String()
	}

	old := CommandDefinitions()
	old[0].Options = old[0].Options[:len(old[0].Options)-1]
	old[1].DefaultMemberPermissions = nil
	if _, err := e.d.s.ApplicationCommandBulkOverwrite(appID, guildID, old); err != nil {
		t.Fatal(err)
	}
	checks := e.d.Doctor(ctx, channels)
	if len(checks) != 4 {
		t.Fatalf("%d checks:\n%s", len(checks), show(checks))
	}
	if c := checks[1]; c.OK || c.Detail != "/papers, /papers-admin registered by another version" {
		t.Errorf("old commands: %+v", c)
	}

	if err := e.d.RegisterCommands(ctx); err != nil {
		t.Fatal(err)
	}
	checks = e.d.Doctor(ctx, channels)
	for _, c := range checks {
		if !c.OK {
			t.Errorf("failed: %+v", c)
		}
	}
	if got := checks[3].Detail; got != "paperboy has the 5 permissions the daily thread needs" {
		t.Errorf("forum: %q", got)
	}

	// A forum missing Create Public Threads is fine; missing Send Messages
	// in Threads is not.
	e.srv.AddChannel(channelWithDeny(forumID, discordgo.ChannelTypeGuildForum, discordgo.PermissionCreatePublicThreads|discordgo.PermissionSendMessagesInThreads))
	checks = e.d.Doctor(ctx, channels)
	if c := checks[3]; c.OK || c.Detail != "paperboy lacks Send Messages in Threads" {
		t.Errorf("forum without threads: %+v", c)
	}
}

func channelWithDeny(id string, typ discordgo.ChannelType, deny int64) discordfake.Channel {
	return discordfake.Channel{ID: id, GuildID: guildID, Type: typ, Name: "papers-forum",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9200", Type: discordgo.PermissionOverwriteTypeRole, Deny: deny}}}
}
