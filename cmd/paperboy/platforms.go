package main

import (
	"fmt"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// platformState is whether a platform is on, as the configuration decides,
// and why.
type platformState struct {
	Name string
	On   bool
	Why  string // "socket mode", "DISCORD_BOT_TOKEN is not set (discord.token)", ...
	// Expected is set when the configuration names a token for the
	// platform but it is off: run warns about it.
	Expected bool
}

// platformStates says, for each platform, whether this configuration
// turns it on.
func (s *resolvedConfig) platformStates() []platformState {
	// A channel on a platform without a token is refused when the
	// configuration is read, so an off platform has none.
	off := func(name, key, env string) platformState {
		ref, inFile := s.TokenRefs[key]
		why := fmt.Sprintf("no token (set %s: ${%s} and %s in the environment)", key, env, env)
		if inFile {
			why = fmt.Sprintf("%s is not set in the environment (%s)", ref, key)
		}
		return platformState{Name: name, Why: why, Expected: inFile}
	}
	out := []platformState{{Name: "console", On: true, Why: "always"}}
	if s.Discord.Token != "" {
		why := "gateway (slash commands)"
		if !s.Discord.Gateway {
			why = "REST only (no slash commands)"
		}
		out = append(out, platformState{Name: "discord", On: true, Why: why})
	} else {
		out = append(out, off("discord", "discord.token", "DISCORD_BOT_TOKEN"))
	}
	if s.Slack.BotToken != "" {
		why := "Socket Mode"
		if s.Slack.Mode == "http" {
			why = "HTTP mode on " + s.Slack.Listen
		}
		out = append(out, platformState{Name: "slack", On: true, Why: why})
	} else {
		out = append(out, off("slack", "slack.bot_token", "SLACK_BOT_TOKEN"))
	}
	return out
}

// warnPlatforms logs one WARN per platform the configuration asks for but
// leaves off, and one when no chat platform is on at all.
func (e *env) warnPlatforms() {
	chat := false
	for _, p := range e.conf.platformStates() {
		switch {
		case p.On && p.Name != "console":
			chat = true
		case !p.On && p.Expected:
			e.log.Warn(p.Name+" is off: "+p.Why, "platform", p.Name)
		}
	}
	if !chat {
		e.log.Warn("no chat platform is on: digests go to the console only (set DISCORD_BOT_TOKEN or SLACK_BOT_TOKEN)")
	}
}

// platformLine is status's summary of the platforms: on or off and why,
// from the configuration and (when a daemon has recorded it) from what the
// daemon saw.
func platformLine(states []platformState, seen map[string]bot.PlatformState) string {
	var parts []string
	for _, p := range states {
		part := p.Name + " "
		if p.On {
			part += "on (" + p.Why
		} else {
			part += "off (" + p.Why
		}
		if st, ok := seen[p.Name]; ok {
			part += "; the daemon: " + st.Describe()
		}
		parts = append(parts, part+")")
	}
	return "platforms: " + strings.Join(parts, " · ")
}
