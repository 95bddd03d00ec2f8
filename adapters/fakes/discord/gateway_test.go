package discordfake

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordgo connects through the fake gateway, receives an interaction and
// answers it before the deadline; heartbeats are acknowledged.
func TestGatewayDeliversInteractions(t *testing.T) {
	srv, dg := newFake(t)
	srv.SetToken("gw_test_token")
	dg.Token, dg.Identify.Token = "Bot gw_test_token", ""
	dg.Identify.Intents = discordgo.IntentsGuilds
	srv.AddGuild(Guild{ID: guildID})
	g := srv.StartGateway()
	g.SetHeartbeatInterval(50 * time.Millisecond)

	got := make(chan *discordgo.InteractionCreate, 1)
	var ready *discordgo.Ready
	readyCh := make(chan struct{})
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready = r; close(readyCh) })
	dg.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got <- ic })
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	defer dg.Close()
	<-readyCh
	if ready.SessionID == "" || ready.User == nil || ready.User.ID != srv.BotUser().ID || len(ready.Guilds) != 1 || ready.Guilds[0].ID != guildID {
		t.Fatalf("READY: %+v", ready)
	}
	if ids := g.Identifies(); len(ids) != 1 || ids[0].Intents != int(discordgo.IntentsGuilds) {
		t.Fatalf("identifies: %+v", ids)
	}

	i := &discordgo.Interaction{ID: "5001", AppID: "9100", Type: discordgo.InteractionApplicationCommand, GuildID: guildID,
		ChannelID: channelID, Token: "itok_1", AppPermissions: discordgo.PermissionSendMessages,
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: discordgo.PermissionManageChannels},
		Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "search", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "query", Type: discordgo.ApplicationCommandOptionString, Value: "diffusion"}}}}}}
	if err := g.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	var ic *discordgo.InteractionCreate
	select {
	case ic = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no INTERACTION_CREATE")
	}
	data := ic.ApplicationCommandData()
	if ic.ID != "5001" || ic.Token != "itok_1" || ic.AppID != "9100" || ic.Member.User.ID != "42" || data.Name != "papers" ||
		data.Options[0].Name != "search" || data.Options[0].Options[0].StringValue() != "diffusion" ||
		ic.AppPermissions != discordgo.PermissionSendMessages {
		t.Fatalf("interaction as received: %+v", ic.Interaction)
	}
	if err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	if r := srv.InteractionResponses(); len(r) != 1 || r[0].InteractionID != "5001" || r[0].Type != 5 {
		t.Fatalf("responses: %+v", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for g.Heartbeats() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d heartbeats", g.Heartbeats())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if g.Sessions() != 1 {
		t.Fatalf("%d sessions", g.Sessions())
	}
}

// A late answer to a dispatched interaction is refused, as on Discord.
func TestGatewayInteractionDeadline(t *testing.T) {
	srv, dg := newFake(t)
	g := srv.StartGateway()
	got := make(chan *discordgo.InteractionCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got <- ic })
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	defer dg.Close()
	i := &discordgo.Interaction{ID: "5002", AppID: "9100", Type: discordgo.InteractionApplicationCommand, Token: "itok_2",
		Data: discordgo.ApplicationCommandInteractionData{Name: "papers"}}
	if err := g.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	ic := <-got
	srv.RegisterInteraction(ic.ID, time.Now().Add(-4*time.Second)) // as if it had waited 4 s
	err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if status, code := restErr(t, err); status != 404 || code != CodeUnknownInteraction {
		t.Fatalf("late answer: %d %d", status, code)
	}
}

// A wrong token is refused with close code 4004, and nothing is dispatched.
func TestGatewayRefusesWrongToken(t *testing.T) {
	srv, dg := newFake(t)
	srv.SetToken("gw_right_token")
	dg.Token, dg.Identify.Token = "Bot gw_wrong_token", ""
	g := srv.StartGateway()
	err := dg.Open()
	if err == nil {
		dg.Close()
		t.Fatal("Open succeeded with a wrong token")
	}
	if g.Sessions() != 0 || len(g.Identifies()) != 0 {
		t.Fatalf("%d sessions, %d identifies", g.Sessions(), len(g.Identifies()))
	}
	if err := g.Dispatch("INTERACTION_CREATE", map[string]any{}); err != ErrNoSession {
		t.Fatalf("dispatch without a session: %v", err)
	}
}
