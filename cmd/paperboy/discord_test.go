package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
)

const fakeDiscordToken = "MTEST.fake-discord-token.for-tests-only"

func fakeDiscord(t *testing.T) *discordfake.Server {
	t.Helper()
	srv := discordfake.New()
	t.Cleanup(srv.Close)
	srv.SetToken(fakeDiscordToken)
	srv.SetBotUser("9001", "paperboy")
	all := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionCreatePublicThreads |
		discordgo.PermissionSendMessagesInThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory)
	srv.AddGuild(discordfake.Guild{ID: "9000", OwnerID: "1", Roles: []discordfake.Role{{ID: "9000", Permissions: all}},
		Members: []discordfake.Member{{UserID: "9001"}}})
	srv.AddChannel(discordfake.Channel{ID: "100", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	return srv
}

func discordConfig(t *testing.T, url string) string {
	return writeConfig(t, fmt.Sprintf(`
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: ["9000"]
  gateway: false
channels:
  - platform: discord
    id: "100"
    name: "#papers"
`, url))
}

// The real binary's Main posts a digest to (fake) Discord.
func TestDigestToDiscord(t *testing.T) {
	srv := fakeDiscord(t)
	cfg := discordConfig(t, srv.URL())
	db := filepath.Join(t.TempDir(), "p.db")
	env := testEnv("DISCORD_BOT_TOKEN", fakeDiscordToken)
	r := runMain(t, env, "digest", "--source", "sample", "--config", cfg, "--db", db, "--log-level", "debug")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r.stdout != "discord:100: posted 10 papers from the list for Fri 21 Aug 2026\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	threads := srv.Threads("100")
	if len(srv.Messages("100")) != 1 || len(threads) != 1 || len(srv.Messages(threads[0].ID)) != 10 {
		t.Fatalf("on Discord: %d headers, %d threads", len(srv.Messages("100")), len(threads))
	}
	if strings.Contains(r.stderr+r.stdout, fakeDiscordToken) {
		t.Error("the token appears in the output")
	}
	// Again: nothing twice.
	r = runMain(t, env, "digest", "--source", "sample", "--config", cfg, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "already posted") || len(srv.Messages(threads[0].ID)) != 10 {
		t.Fatalf("second digest: %q", r.stdout)
	}
	// Without the token in the environment the config is refused.
	r = runMain(t, testEnv(), "status", "--config", cfg, "--db", db)
	if r.code != 2 || !strings.Contains(r.stderr, "DISCORD_BOT_TOKEN") {
		t.Fatalf("no token: exit %d %q", r.code, r.stderr)
	}
	// A token written into the file is refused.
	bad := writeConfig(t, "discord:\n  token: "+fakeDiscordToken+"\n")
	r = runMain(t, testEnv(), "status", "--config", bad, "--db", db)
	if r.code != 2 || !strings.Contains(r.stderr, "discord.token: write ${DISCORD_BOT_TOKEN}") || strings.Contains(r.stderr, fakeDiscordToken) {
		t.Fatalf("token in the file: exit %d %q", r.code, r.stderr)
	}
}

// The daemon registers the slash commands and stops cleanly.
func TestRunRegistersDiscordCommands(t *testing.T) {
	srv := fakeDiscord(t)
	cfg := discordConfig(t, srv.URL())
	db := filepath.Join(t.TempDir(), "p.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "--source", "sample", "--config", cfg, "--db", db}, Options{Getenv: testEnv("DISCORD_BOT_TOKEN", fakeDiscordToken), Stdout: &out, Stderr: &errb})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "daemon started") {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	if n := len(srv.Commands("9100", "9000")); n != 2 {
		t.Fatalf("%d commands registered in the guild, want 2", n)
	}
}
