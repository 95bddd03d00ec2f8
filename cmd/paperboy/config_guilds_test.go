package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// discord.allowed_guilds (issue 14, point 8): by default the guild_ids;
// set, itself; neither, none (every server, which the adapter warns
// about at start). A bad id is one line naming the key.
func TestDiscordAllowedGuilds(t *testing.T) {
	env := testEnv("DISCORD_BOT_TOKEN", "x")
	for _, c := range []struct {
		yaml string
		want []string
	}{
		{"discord:\n  token: ${DISCORD_BOT_TOKEN}\n  guild_ids: [\"111\", \"222\"]\n", []string{"111", "222"}},
		{"discord:\n  token: ${DISCORD_BOT_TOKEN}\n  guild_ids: [\"111\"]\n  allowed_guilds: [\"333\"]\n", []string{"333"}},
		{"discord:\n  token: ${DISCORD_BOT_TOKEN}\n  allowed_guilds: [\"333\"]\n", []string{"333"}},
		{"discord:\n  token: ${DISCORD_BOT_TOKEN}\n", nil},
	} {
		cfg := &Config{}
		if err := parseConfig([]byte(c.yaml), cfg, env); err != nil {
			t.Fatal(err)
		}
		s, err := cfg.resolve("UTC", env)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s.Discord.AllowedGuilds, c.want) {
			t.Errorf("%q: allowed guilds %q, want %q", c.yaml, s.Discord.AllowedGuilds, c.want)
		}
	}
	cfg := writeConfig(t, "discord:\n  allowed_guilds: [\"my server\"]\n")
	r := runMain(t, testEnv(), "status", "--config", cfg, "--db", filepath.Join(t.TempDir(), "p.db"))
	line := strings.TrimSuffix(r.stderr, "\n")
	if r.code != 2 || strings.Contains(line, "\n") || !strings.Contains(line, `discord.allowed_guilds[0]: "my server" is not a Discord id`) {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
}
