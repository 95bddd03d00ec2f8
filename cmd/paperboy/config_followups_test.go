package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestFollowupConfig(t *testing.T) {
	s := resolveYAML(t, "channels:\n  - {platform: console, id: stdout}\n")
	if s.Followups.Days != 14 || s.Followups.Interval != 6*time.Hour || s.Channels[0].Settings.OnUpdate != "" {
		t.Errorf("defaults: %+v, on_update %q", s.Followups, s.Channels[0].Settings.OnUpdate)
	}
	s = resolveYAML(t, "followups: {days: 3, interval: 30m}\nchannels:\n  - {platform: console, id: stdout, on_update: Reply}\n")
	ch := s.Channels[0]
	if s.Followups.Days != 3 || s.Followups.Interval != 30*time.Minute || ch.Settings.OnUpdate != bot.OnUpdateReply ||
		ch.Origin(bot.SetOnUpdate) != bot.FromConfig {
		t.Errorf("set: %+v, %q from %s", s.Followups, ch.Settings.OnUpdate, ch.Origin(bot.SetOnUpdate))
	}
	db := filepath.Join(t.TempDir(), "p.db")
	for body, want := range map[string]string{
		"followups: {days: 91}\n":      "config: followups.days: 91 is not from 0 to 90 (0 turns follow-ups off)",
		"followups: {days: -1}\n":      "config: followups.days: -1 is not from 0 to 90",
		"followups: {interval: 10s}\n": "config: followups.interval: must be at least 1m0s",
		"followups: {dayz: 3}\n":       `followups.dayz: unknown key`,
		"channels:\n  - {platform: console, id: stdout, on_update: sometimes}\n": `config: channels[0].on_update: "sometimes" is not edit, reply or off`,
	} {
		r := runMain(t, testEnv(), "status", "--config", writeConfig(t, body), "--db", db)
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("%q: exit %d, %q; want %q", body, r.code, r.stderr, want)
		}
	}
	// days: 0 turns them off: status says so.
	cfg := writeConfig(t, "followups: {days: 0}\nchannels:\n  - {platform: console, id: stdout}\n")
	if r := runMain(t, testEnv(), "status", "--config", cfg, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "follow-ups   off (followups.days is 0)") {
		t.Errorf("status with days 0: %s %s", r.stdout, r.stderr)
	}
	cfg = writeConfig(t, "channels:\n  - {platform: console, id: stdout}\n")
	if r := runMain(t, testEnv(), "status", "--config", cfg, "--db", db); !strings.Contains(r.stdout, "follow-ups   none on the console") {
		t.Errorf("status of a console channel: %s", r.stdout)
	}
}
