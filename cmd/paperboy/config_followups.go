package main

import (
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// FollowupsConfig is the followups: section (issue 17): how long posted
// papers are followed and how often each is refreshed.
type FollowupsConfig struct {
	Days       *int     `yaml:"days"`
	Interval   Duration `yaml:"interval"`
	MaxWatches *int     `yaml:"max_watches"`
	Arxiv      *bool    `yaml:"arxiv"`
}

// resolvedFollowups is the resolved followups: section; Days 0 turns
// follow-ups off.
type resolvedFollowups struct {
	Days       int
	Interval   time.Duration
	MaxWatches int  // papers one user may watch
	Arxiv      bool // look followed papers up in arXiv's export API
}

// Bounds of the followups: keys.
const (
	maxFollowupDays     = 90
	minFollowupInterval = time.Minute
	maxMaxWatches       = 1000
)

func (c *Config) resolveFollowups(s *resolvedConfig) error {
	s.Followups = resolvedFollowups{Days: bot.DefaultFollowupDays, Interval: bot.DefaultFollowupInterval, MaxWatches: bot.DefaultMaxWatches, Arxiv: true}
	if a := c.Followups.Arxiv; a != nil {
		s.Followups.Arxiv = *a
	}
	if w := c.Followups.MaxWatches; w != nil {
		if *w < 1 || *w > maxMaxWatches {
			return cfgErr("followups.max_watches", "%d is not from 1 to %d", *w, maxMaxWatches)
		}
		s.Followups.MaxWatches = *w
	}
	if d := c.Followups.Days; d != nil {
		if *d < 0 || *d > maxFollowupDays {
			return cfgErr("followups.days", "%d is not from 0 to %d (0 turns follow-ups off)", *d, maxFollowupDays)
		}
		s.Followups.Days = *d
	}
	if c.Followups.Interval.Set {
		if c.Followups.Interval.Duration < minFollowupInterval {
			return cfgErr("followups.interval", "must be at least %s", minFollowupInterval)
		}
		s.Followups.Interval = c.Followups.Interval.Duration
	}
	return nil
}

// onUpdate reads a channel's on_update key.
func (cc ChannelConfig) onUpdate(key string, ch *bot.Channel) error {
	if cc.OnUpdate == "" {
		return nil
	}
	m, err := bot.ParseOnUpdate(cc.OnUpdate)
	if err != nil {
		return cfgErr(key+".on_update", "%q is not edit, reply or off", cc.OnUpdate)
	}
	if m == bot.OnUpdateEdit {
		m = "" // the default, as the store reads it back
	}
	ch.Settings.OnUpdate = m
	ch.Origins[bot.SetOnUpdate] = bot.FromConfig
	return nil
}

// followups is the bot's follow-up configuration: nil when followups.days
// is 0. The source refreshes papers when it can (Hugging Face's live API;
// sample and file: sources cannot).
func (e *env) followups(src bot.Source, ax bot.ArxivDescriber) *bot.Followups {
	if e.conf == nil || e.conf.Followups.Days == 0 {
		return nil
	}
	f := &bot.Followups{Days: e.conf.Followups.Days, Interval: e.conf.Followups.Interval}
	if r, ok := src.(bot.PaperRefresher); ok {
		f.Refresher = r
	}
	if e.conf.Followups.Arxiv {
		f.Arxiv = ax
	}
	return f
}
