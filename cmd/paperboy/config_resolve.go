package main

// The configuration resolved: the file's sections checked and combined
// with the environment, defaults filled in.

import (
	"os"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// resolvedConfig is the configuration resolved: the file, the flags and
// the environment checked and combined, defaults filled in; everything the
// commands need. (A channel's own settings are bot.Settings.)
type resolvedConfig struct {
	Database     string
	Source       string
	LogLevel     string
	LogFormat    string
	HFBaseURL    string
	HFToken      string
	HFTimeout    time.Duration
	HFMaxRetries int
	HFInterval   time.Duration
	ListReady    time.Duration
	PollInterval time.Duration
	RetryDelay   time.Duration
	CatchUp      bool
	MaxTopics    int
	ConsoleColor string
	ConsolePace  time.Duration
	Discord      resolvedDiscord
	Slack        resolvedSlack
	Channels     []bot.Channel
	LocalZone    string
	// TokenRefs names the variable each token key of the file refers to
	// ("discord.token" → "DISCORD_BOT_TOKEN").
	TokenRefs map[string]string

	// Limits, SearchTimeout and ShutdownGrace are the limits: section.
	Limits        bot.Limits
	SearchTimeout time.Duration
	ShutdownGrace time.Duration

	// Arxiv is the arxiv: section; ArxivCategories the categories of the
	// arxiv:CATS sources (canonical), nil when none is given.
	Arxiv           resolvedArxiv
	ArxivCategories []string
	// Sources is what a channel follows unless it says otherwise: the
	// sources given (source: or --source), Hugging Face when none is.
	Sources bot.Sources
	// SourcesGiven is true when source: or --source set Sources.
	SourcesGiven bool
	// HTTPListen is where `run` serves /metrics, /healthz and /readyz
	// (http.listen, --listen); "" when they are off.
	HTTPListen string
	// Followups is the followups: section.
	Followups resolvedFollowups
}

// resolvedDiscord is the resolved discord: section; Token empty means
// Discord is off.
type resolvedDiscord struct {
	Token, APIURL, ApplicationID string
	GuildIDs                     []string
	AllowedGuilds                []string // empty: every server (a WARN at start)
	Gateway                      bool
	Timeout                      time.Duration
}

// resolvedSlack is the resolved slack: section; BotToken empty means
// Slack is off.
type resolvedSlack struct {
	BotToken, AppToken, SigningSecret string
	Mode, Listen, APIURL              string
	Admins                            []string
	Timeout                           time.Duration
}

// resolve validates the config and fills in defaults. localZone is the
// zone channels use when they set none.
func (c *Config) resolve(localZone string, getenv func(string) string) (*resolvedConfig, error) {
	s := &resolvedConfig{
		Database:     or(c.Database, defaultDatabase),
		Source:       defaultSource,
		LogLevel:     or(c.Log.Level, "info"),
		LogFormat:    or(c.Log.Format, "text"),
		HFBaseURL:    or(c.HuggingFace.BaseURL, defaultHFURL),
		HFToken:      c.HuggingFace.Token,
		HFTimeout:    20 * time.Second,
		HFMaxRetries: 4,
		HFInterval:   600 * time.Millisecond,
		ListReady:    bot.DefaultListReady,
		PollInterval: bot.DefaultPollInterval,
		RetryDelay:   time.Minute,
		CatchUp:      true,
		MaxTopics:    bot.DefaultMaxTopics,
		ConsoleColor: or(c.Console.Color, "auto"),
		ConsolePace:  c.Console.Pace.Duration,
	}
	s.LocalZone = localZone
	s.TokenRefs = c.tokenRefs
	if s.HFToken == "" {
		s.HFToken = getenv("HF_TOKEN")
	}
	if err := c.resolveDiscord(s, getenv); err != nil {
		return nil, err
	}
	if err := c.resolveSlack(s); err != nil {
		return nil, err
	}
	if c.HuggingFace.Timeout.Set {
		if c.HuggingFace.Timeout.Duration == 0 {
			return nil, cfgErr("huggingface.timeout", "must be more than 0")
		}
		s.HFTimeout = c.HuggingFace.Timeout.Duration
	}
	if c.HuggingFace.MaxRetries != nil {
		if *c.HuggingFace.MaxRetries < 0 {
			return nil, cfgErr("huggingface.max_retries", "%d is negative", *c.HuggingFace.MaxRetries)
		}
		s.HFMaxRetries = *c.HuggingFace.MaxRetries
	}
	if c.HuggingFace.MinInterval.Set {
		s.HFInterval = c.HuggingFace.MinInterval.Duration
	}
	if !strings.HasPrefix(s.HFBaseURL, "http://") && !strings.HasPrefix(s.HFBaseURL, "https://") {
		return nil, cfgErr("huggingface.base_url", "%q is not an http(s) URL", s.HFBaseURL)
	}
	if c.HuggingFace.ListReady != "" {
		t, err := bot.ParseTimeOfDay(c.HuggingFace.ListReady)
		if err != nil {
			return nil, cfgErr("huggingface.list_ready_utc", "%v", err)
		}
		s.ListReady = time.Duration(t) * time.Minute
	}
	if c.Schedule.PollInterval.Set {
		if c.Schedule.PollInterval.Duration < time.Second {
			return nil, cfgErr("schedule.poll_interval", "must be at least 1s")
		}
		s.PollInterval = c.Schedule.PollInterval.Duration
	}
	if c.Schedule.RetryDelay.Set {
		if c.Schedule.RetryDelay.Duration < time.Second {
			return nil, cfgErr("schedule.retry_delay", "must be at least 1s")
		}
		s.RetryDelay = c.Schedule.RetryDelay.Duration
	}
	if c.Schedule.CatchUp != nil {
		s.CatchUp = *c.Schedule.CatchUp
	}
	if err := c.resolveArxiv(s); err != nil {
		return nil, err
	}
	if err := resolveSources(s, c.Source); err != nil {
		return nil, err
	}
	if err := c.resolveLimits(s); err != nil {
		return nil, err
	}
	if err := c.resolveHTTP(s); err != nil {
		return nil, err
	}
	if err := c.resolveFollowups(s); err != nil {
		return nil, err
	}
	if c.Alerts.MaxTopics != nil {
		if *c.Alerts.MaxTopics < 1 || *c.Alerts.MaxTopics > 1000 {
			return nil, cfgErr("alerts.max_topics", "%d is not from 1 to 1000", *c.Alerts.MaxTopics)
		}
		s.MaxTopics = *c.Alerts.MaxTopics
	}
	switch s.ConsoleColor {
	case "auto", "always", "never":
	default:
		return nil, cfgErr("console.color", "%q is not auto, always or never", s.ConsoleColor)
	}
	if err := checkLog(s.LogLevel, s.LogFormat, "log.level", "log.format"); err != nil {
		return nil, err
	}
	if err := c.resolveChannels(s, localZone); err != nil {
		return nil, err
	}
	return s, nil
}

func checkLog(level, format, levelKey, formatKey string) error {
	switch level {
	case "debug", "info", "warn", "error":
	default:
		return cfgErr(levelKey, "%q is not debug, info, warn or error", level)
	}
	switch format {
	case "text", "json":
	default:
		return cfgErr(formatKey, "%q is not text or json", format)
	}
	return nil
}

// or returns a, or b when a is empty.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// localZone returns the machine's IANA zone name: $TZ, else the target of
// /etc/localtime, else UTC.
func localZone(getenv func(string) string) string {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			name := target[i+len("zoneinfo/"):]
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	return "UTC"
}
