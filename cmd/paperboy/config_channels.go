package main

// The channels: section: each channel's settings as the file seeds them.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// ChannelConfig seeds a channel's settings.
type ChannelConfig struct {
	Platform   string   `yaml:"platform"`
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Time       string   `yaml:"time"`
	Zone       string   `yaml:"zone"`
	Weekdays   []string `yaml:"weekdays"`
	MaxPapers  *int     `yaml:"max_papers"`
	MinUpvotes *int     `yaml:"min_upvotes"`
	Filter     *string  `yaml:"filter"`
	Source     []string `yaml:"source"`
	CrossLists *bool    `yaml:"cross_lists"`
	Rank       string   `yaml:"rank"`
	OnUpdate   string   `yaml:"on_update"`
}

// platforms are the platforms this build can post to.
var platforms = []string{"console", "discord", "slack"}

// slackChannelID is the form of a Slack channel id (public C…, private G…).
var slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)

// resolveChannels checks the channels: section into s.Channels (one
// console channel when it lists none).
func (c *Config) resolveChannels(s *resolvedConfig, localZone string) error {
	if len(c.Channels) == 0 {
		// No channels configured: one console channel at 09:00 local time.
		def := bot.DefaultSettings(localZone)
		def.Sources = s.Sources
		s.Channels = []bot.Channel{{ChannelRef: bot.ChannelRef{Platform: "console", ID: "stdout"}, Settings: def}}
	}
	seen := map[bot.ChannelRef]bool{}
	for i, cc := range c.Channels {
		ch, err := cc.channel(fmt.Sprintf("channels[%d]", i), localZone, s)
		if err != nil {
			return err
		}
		if seen[ch.ChannelRef] {
			return cfgErr(fmt.Sprintf("channels[%d].id", i), "%s is listed twice", ch.ChannelRef)
		}
		seen[ch.ChannelRef] = true
		if ch.Platform == "slack" && s.Slack.BotToken == "" {
			return cfgErr(fmt.Sprintf("channels[%d].platform", i), "slack needs a bot token: set slack.bot_token: ${SLACK_BOT_TOKEN} and SLACK_BOT_TOKEN in the environment")
		}
		if ch.Platform == "discord" && s.Discord.Token == "" {
			return cfgErr(fmt.Sprintf("channels[%d].platform", i), "discord needs a bot token: set discord.token: ${DISCORD_BOT_TOKEN} and DISCORD_BOT_TOKEN in the environment")
		}
		s.Channels = append(s.Channels, ch)
	}
	return nil
}

// channel checks one entry of channels: (key names it in errors) and
// returns the channel it seeds, each setting's origin recorded.
func (cc ChannelConfig) channel(key, localZone string, s *resolvedConfig) (bot.Channel, error) {
	ch := bot.Channel{
		ChannelRef: bot.ChannelRef{Platform: strings.ToLower(cc.Platform), ID: cc.ID},
		Name:       cc.Name,
		Settings:   bot.DefaultSettings(localZone),
		Origins:    map[string]bot.Origin{},
	}
	if !contains(platforms, ch.Platform) {
		if cc.Platform == "" {
			return ch, cfgErr(key+".platform", "missing (use %s)", strings.Join(platforms, ", "))
		}
		return ch, cfgErr(key+".platform", "unknown platform %q (use %s)", cc.Platform, strings.Join(platforms, ", "))
	}
	if strings.TrimSpace(cc.ID) == "" {
		return ch, cfgErr(key+".id", "missing: the channel's id")
	}
	if ch.Platform == "slack" && !slackChannelID.MatchString(cc.ID) {
		return ch, cfgErr(key+".id", "%q is not a Slack channel id (C… or G…: open the channel's details, the id is at the bottom)", cc.ID)
	}
	if ch.Platform == "discord" {
		if _, err := strconv.ParseUint(cc.ID, 10, 64); err != nil {
			return ch, cfgErr(key+".id", "%q is not a Discord channel id (a number: right-click the channel, Copy Channel ID)", cc.ID)
		}
	}
	for _, name := range bot.SettingNames {
		ch.Origins[name] = bot.FromDefault
	}
	set := func(name string) { ch.Origins[name] = bot.FromConfig }
	ch.Settings.Sources = s.Sources
	if s.SourcesGiven {
		set(bot.SetSource)
	}
	if len(cc.Source) > 0 {
		src, err := bot.ParseSources(cc.Source, arxivCanonical)
		if err != nil {
			return ch, cfgErr(key+".source", "%s", strings.TrimPrefix(err.Error(), "source: "))
		}
		ch.Settings.Sources = src
		set(bot.SetSource)
	}
	if cc.CrossLists != nil {
		ch.Settings.CrossLists = *cc.CrossLists
		set(bot.SetCrossLists)
	}
	if cc.Rank != "" {
		r, err := bot.ParseRank(cc.Rank)
		if err != nil {
			return ch, cfgErr(key+".rank", "%s", strings.TrimPrefix(err.Error(), "rank: "))
		}
		ch.Settings.Rank = r
		set(bot.SetRank)
	}
	if err := cc.onUpdate(key, &ch); err != nil {
		return ch, err
	}
	if cc.Time != "" {
		t, err := bot.ParseTimeOfDay(cc.Time)
		if err != nil {
			return ch, cfgErr(key+".time", "%v", err)
		}
		ch.Settings.Time = t
		set(bot.SetTime)
	}
	if cc.Zone != "" {
		if _, err := time.LoadLocation(cc.Zone); err != nil || strings.EqualFold(cc.Zone, "local") {
			return ch, cfgErr(key+".zone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", cc.Zone)
		}
		ch.Settings.Zone = cc.Zone
		set(bot.SetZone)
	}
	if len(cc.Weekdays) > 0 {
		w, err := bot.ParseWeekdays(strings.Join(cc.Weekdays, ","))
		if err != nil {
			return ch, cfgErr(key+".weekdays", "%v", err)
		}
		ch.Settings.Weekdays = w
		set(bot.SetWeekdays)
	}
	if cc.MaxPapers != nil {
		if *cc.MaxPapers < 1 || *cc.MaxPapers > bot.MaxMaxPapers {
			return ch, cfgErr(key+".max_papers", "%d is out of range (1 to %d)", *cc.MaxPapers, bot.MaxMaxPapers)
		}
		ch.Settings.MaxPapers = *cc.MaxPapers
		set(bot.SetMaxPapers)
	}
	if cc.MinUpvotes != nil {
		if *cc.MinUpvotes < 0 {
			return ch, cfgErr(key+".min_upvotes", "%d is negative", *cc.MinUpvotes)
		}
		ch.Settings.MinUpvotes = *cc.MinUpvotes
		set(bot.SetMinUpvotes)
	}
	if cc.Filter != nil {
		ch.Settings.Filter = strings.TrimSpace(*cc.Filter)
		if ch.Settings.Filter != "" {
			if _, err := bot.ParseQuery(ch.Settings.Filter, time.Now()); err != nil {
				return ch, cfgErr(key+".filter", "%v", err)
			}
		}
		set(bot.SetFilter)
	}
	if err := ch.Settings.Validate(); err != nil {
		return ch, cfgErr(key, "%v", err)
	}
	return ch, nil
}

// contains reports whether xs holds x.
func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
