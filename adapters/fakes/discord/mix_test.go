package discordfake

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// TestMixedFaultsCounted: a 20% mix on message posts fails about a fifth of
// them, in every way of MixedFaults, the same way for the same seed, and
// Stats and Stored agree with what the requests and channels show.
func TestMixedFaultsCounted(t *testing.T) {
	run := func(seed int64) (faults.Stats, faults.Stored, []string) {
		srv, dg := newFake(t)
		srv.Seed(seed)
		srv.SetRateLimit(10000, time.Second) // only the mix limits
		srv.AddMix(Rule{Method: "POST", PathPrefix: "/channels/"}, 0.2, MixedFaults(5*time.Millisecond, 5*time.Second)...)
		dg.Client.Timeout = 100 * time.Millisecond
		dg.MaxRestRetries = 0
		dg.ShouldRetryOnRateLimit = false
		for i := 0; i < 200; i++ {
			_, _ = postNonce(dg, channelID, "p", "n"+string(rune('a'+i%26))+string(rune('a'+i/26)), true)
		}
		var kinds []string
		applied := 0
		for _, r := range srv.Requests() {
			// A timeout ends as "canceled" (the client gave up first) or,
			// on a loaded machine, "delay" (the answer came first).
			k := r.Fault
			if k == faults.KindDelay {
				k = faults.KindCanceled
			}
			kinds = append(kinds, k)
			if r.Applied {
				applied++
			}
		}
		if got := srv.Stored().Messages; got != applied {
			t.Errorf("stored %d messages, %d requests applied", got, applied)
		}
		return srv.Stats(), srv.Stored(), kinds
	}
	st, stored, kinds := run(11)
	if st.Requests != 200 {
		t.Fatalf("%d requests, want 200", st.Requests)
	}
	for _, k := range []string{faults.KindRateLimit, faults.KindStatus, faults.KindDropAfter, faults.KindForgetNonce} {
		if st.Faults[k] == 0 {
			t.Errorf("no %s fault in %v", k, st.Faults)
		}
	}
	if st.Violations != 0 || st.Faults[faults.KindEnforced] != 0 {
		t.Errorf("discordgo waited out every 429, yet %d violations: %v", st.Violations, st.Faults)
	}
	if n := st.Injected() + st.Faults[faults.KindDelay]; n < 25 || n > 55 {
		t.Errorf("%d faults injected in 200 requests, want about 40: %v", n, st.Faults)
	}
	if stored.Threads != 0 || stored.DMs != 0 || stored.Replies != 0 {
		t.Errorf("stored %+v", stored)
	}
	st2, _, kinds2 := run(11)
	if len(kinds2) != len(kinds) {
		t.Fatalf("seed 11 twice: %v, then %v", st.Faults, st2.Faults)
	}
	for i := range kinds {
		if kinds[i] != kinds2[i] {
			t.Fatalf("request %d: %q, then %q", i, kinds[i], kinds2[i])
		}
	}
}

// TestForgetNonceRule: a rule that forgets nonces makes a retried message
// with the same nonce a duplicate, as Discord does once minutes have
// passed.
func TestForgetNonceRule(t *testing.T) {
	srv, dg := newFake(t)
	a, err := postNonce(dg, channelID, "x", "k1", true)
	if err != nil {
		t.Fatal(err)
	}
	srv.AddRule(Rule{ForgetNonce: true, Times: 1})
	b, err := postNonce(dg, channelID, "x", "k1", true)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID || len(srv.Messages(channelID)) != 2 {
		t.Fatalf("forgotten nonce: ids %s %s, %d messages", a.ID, b.ID, len(srv.Messages(channelID)))
	}
	if st := srv.Stats(); st.Faults[faults.KindForgetNonce] != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestStoredCounts counts channel messages, threads, thread messages and
// DMs.
func TestStoredCounts(t *testing.T) {
	srv, dg := newFake(t)
	m, err := dg.ChannelMessageSend(channelID, "header")
	if err != nil {
		t.Fatal(err)
	}
	th, err := dg.MessageThreadStartComplex(channelID, m.ID, &discordgo.ThreadStart{Name: "Daily"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := dg.ChannelMessageSend(th.ID, "item"); err != nil {
			t.Fatal(err)
		}
	}
	srv.AddUser("u1", "ann")
	dm, err := dg.UserChannelCreate("u1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dg.ChannelMessageSend(dm.ID, "alert"); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Stored(), (faults.Stored{Messages: 1, Threads: 1, Replies: 3, DMs: 1}); got != want {
		t.Errorf("Stored() = %+v, want %+v", got, want)
	}
}

// TestGuildAndMemberRoutes: discordgo computes, from GET /guilds/{id},
// GET /guilds/{id}/members/{user} and the channel's overwrites, the same
// permissions the fake enforces.
func TestGuildAndMemberRoutes(t *testing.T) {
	srv, dg := newFake(t)
	bot := srv.BotUser().ID
	srv.AddGuild(Guild{ID: guildID, OwnerID: "999",
		Roles:   []Role{{ID: guildID, Permissions: discordgo.PermissionViewChannel}, {ID: "500", Permissions: discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks}},
		Members: []Member{{UserID: bot, Roles: []string{"500"}}}})
	srv.AddChannel(Channel{ID: channelID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "500", Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionEmbedLinks}}})
	perms, err := dg.UserChannelPermissions(bot, channelID)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages); perms != want {
		t.Errorf("permissions %b, want %b", perms, want)
	}
	if _, err := dg.GuildMember(guildID, "nobody"); err == nil {
		t.Error("an unknown member was found")
	}
	if _, err := dg.Guild("404"); err == nil {
		t.Error("an unknown guild was found")
	}
}
