package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

func (c *Config) resolveSlack(s *resolvedConfig) error {
	sc := c.Slack
	s.Slack = resolvedSlack{BotToken: sc.BotToken, AppToken: sc.AppToken, SigningSecret: sc.SigningSecret,
		Mode: or(sc.Mode, "socket"), Listen: or(sc.Listen, ":3000"), APIURL: or(sc.APIURL, "https://slack.com/api/"),
		Admins: sc.Admins, Timeout: 15 * time.Second}
	if sc.Timeout.Set {
		if sc.Timeout.Duration <= 0 {
			return cfgErr("slack.timeout", "must be more than 0")
		}
		s.Slack.Timeout = sc.Timeout.Duration
	}
	if !strings.HasPrefix(s.Slack.APIURL, "http://") && !strings.HasPrefix(s.Slack.APIURL, "https://") {
		return cfgErr("slack.api_url", "%q is not an http(s) URL", s.Slack.APIURL)
	}
	if s.Slack.BotToken == "" {
		return nil
	}
	if !strings.HasPrefix(s.Slack.BotToken, "xoxb-") {
		return cfgErr("slack.bot_token", "SLACK_BOT_TOKEN is not a bot token (it starts with xoxb-)")
	}
	switch s.Slack.Mode {
	case "socket":
		if !strings.HasPrefix(s.Slack.AppToken, "xapp-") {
			return cfgErr("slack.app_token", "Socket Mode needs an app-level token: set slack.app_token: ${SLACK_APP_TOKEN} and SLACK_APP_TOKEN (xapp-…) in the environment, or use mode: http")
		}
	case "http":
		if s.Slack.SigningSecret == "" {
			return cfgErr("slack.signing_secret", "HTTP mode needs the signing secret: set slack.signing_secret: ${SLACK_SIGNING_SECRET} and SLACK_SIGNING_SECRET in the environment")
		}
	default:
		return cfgErr("slack.mode", "%q is not socket or http", s.Slack.Mode)
	}
	for i, a := range s.Slack.Admins {
		if !strings.HasPrefix(a, "U") && !strings.HasPrefix(a, "W") {
			return cfgErr(fmt.Sprintf("slack.admins[%d]", i), "%q is not a Slack user id (U…)", a)
		}
	}
	return nil
}

func (c *Config) resolveDiscord(s *resolvedConfig, getenv func(string) string) error {
	d := c.Discord
	s.Discord = resolvedDiscord{Token: d.Token, APIURL: or(d.APIURL, "https://discord.com"), ApplicationID: d.ApplicationID,
		GuildIDs: d.GuildIDs, Gateway: true, Timeout: 15 * time.Second}
	if d.Gateway != nil {
		s.Discord.Gateway = *d.Gateway
	}
	if d.Timeout.Set {
		if d.Timeout.Duration <= 0 {
			return cfgErr("discord.timeout", "must be more than 0")
		}
		s.Discord.Timeout = d.Timeout.Duration
	}
	if !strings.HasPrefix(s.Discord.APIURL, "http://") && !strings.HasPrefix(s.Discord.APIURL, "https://") {
		return cfgErr("discord.api_url", "%q is not an http(s) URL", s.Discord.APIURL)
	}
	for i, g := range d.GuildIDs {
		if _, err := strconv.ParseUint(g, 10, 64); err != nil {
			return cfgErr(fmt.Sprintf("discord.guild_ids[%d]", i), "%q is not a Discord id (a number)", g)
		}
	}
	// Only these servers may use the bot; by default the ones its
	// commands are registered in.
	s.Discord.AllowedGuilds = append([]string(nil), d.AllowedGuilds...)
	if len(s.Discord.AllowedGuilds) == 0 {
		s.Discord.AllowedGuilds = append([]string(nil), d.GuildIDs...)
	}
	for i, g := range d.AllowedGuilds {
		if _, err := strconv.ParseUint(g, 10, 64); err != nil {
			return cfgErr(fmt.Sprintf("discord.allowed_guilds[%d]", i), "%q is not a Discord id (a number: right-click the server, Copy Server ID)", g)
		}
	}
	if d.ApplicationID != "" {
		if _, err := strconv.ParseUint(d.ApplicationID, 10, 64); err != nil {
			return cfgErr("discord.application_id", "%q is not a Discord id (a number)", d.ApplicationID)
		}
	}
	return nil
}
