package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzConfig: whatever the file holds, reading and resolving it either
// works or fails with one line that starts with "config:" (or names the
// setting), never a panic; a secret written into the file is never echoed
// back in the error.
func FuzzConfig(f *testing.F) {
	example, err := os.ReadFile(filepath.Join(repoRoot(f), "config.example.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	for _, s := range []string{
		"", "database: x.db\n", "schedule:\n  poll_interval: 1m\n  poll_interval: 2m\n",
		"database: ${UNSET}\n", "discord:\n  token: xoxb-in-file\n", "channels:\n  - platform: slack\n    id: C123\n",
		"a: &x [*x]\n", "channels: [{platform: console, id: stdout, time: \"25:00\"}]\n", "log: {level: loud}\n",
		"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  mode: http\n", "? [a, b]\n: c\n", "database: !!binary aGVsbG8=\n",
		"channels:\n  - platform: console\n    id: stdout\n    filter: \"(((\"\n", "alerts: {max_topics: 99999999999999999999}\n",
	} {
		f.Add(s)
	}
	env := testEnv("SET", "value", "SLACK_BOT_TOKEN", "xoxb-1-2-fuzz", "DISCORD_BOT_TOKEN", "fuzz.discord.token")
	f.Fuzz(func(t *testing.T, data string) {
		cfg := &Config{}
		err := parseConfig([]byte(data), cfg, env)
		if err == nil {
			_, err = cfg.resolve("UTC", env)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if msg == "" || strings.Contains(msg, "\n") {
			t.Fatalf("error is not one line: %q", msg)
		}
		for _, secret := range []string{"xoxb-1-2-fuzz", "fuzz.discord.token"} {
			if strings.Contains(msg, secret) && !strings.Contains(data, secret) {
				t.Fatalf("the error shows a secret from the environment: %q", msg)
			}
		}
	})
}
