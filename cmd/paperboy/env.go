package main

// What a command runs with, and how it builds the parts it needs from the
// configuration: the source, the store, the platforms and the bot.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/adapters/console"
	"github.com/paperboy-bot/paperboy/adapters/discord"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// env is what a command runs with.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	flags  *globalFlags
	conf   *resolvedConfig // the configuration, resolved (setup)
	log    *slog.Logger
	redact *redactor     // hides the secrets in stdout and stderr
	arxiv  *arxiv.Client // the process's one arXiv client (arxivClient)
	ops    *opsServer    // run's /metrics, /healthz and /readyz (httpops.go); nil when off

	// From Main's Options, the real ones unless a test gave others.
	clock                           bot.Clock // the time the bot runs on
	diskSpace                       diskProbe // doctor's measure of free space
	arxivPageSize, arxivResultLimit int       // the export API's paging (backfill)
}

// setup loads the config, applies the flags over it and builds the logger.
func (e *env) setup() error {
	path, explicit := e.flags.config, e.flags.config != ""
	if !explicit {
		path = "paperboy.yaml"
	}
	cfg, err := loadConfig(path, explicit, e.getenv)
	if err != nil {
		return err
	}
	if e.flags.db != "" {
		cfg.Database = e.flags.db
	}
	if len(e.flags.sources) > 0 {
		cfg.Source = e.flags.sources
	}
	if err := checkLog(or(e.flags.logLevel, "info"), or(e.flags.logFormat, "text"), "--log-level", "--log-format"); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "config: "))
	}
	if e.flags.logLevel != "" {
		cfg.Log.Level = e.flags.logLevel
	}
	if e.flags.logFormat != "" {
		cfg.Log.Format = e.flags.logFormat
	}
	conf, err := cfg.resolve(localZone(e.getenv), e.getenv)
	if err != nil {
		return err
	}
	e.conf = conf
	if e.redact != nil {
		e.redact.add(conf.secrets()...)
	}
	e.log = newLogger(e.stderr, conf.LogLevel, conf.LogFormat)
	return nil
}

// newLogger builds the process's one logger, on w.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// userAgent names paperboy and its version to Hugging Face.
func userAgent() string {
	return fmt.Sprintf("paperboy/%s (+https://github.com/paperboy-bot/paperboy)", version)
}

// openSource builds the configured source.
func (e *env) openSource() (bot.Source, error) {
	s := e.conf
	switch {
	case s.Source == "sample":
		return huggingface.NewSample(), nil
	case strings.HasPrefix(s.Source, "file:"):
		return huggingface.OpenFile(strings.TrimPrefix(s.Source, "file:"))
	}
	opts := huggingface.Options{
		BaseURL:     s.HFBaseURL,
		Token:       s.HFToken,
		UserAgent:   userAgent(),
		Timeout:     s.HFTimeout,
		MaxRetries:  s.HFMaxRetries,
		MinInterval: s.HFInterval,
		Logger:      e.log,
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = -1 // the client's "none"
	}
	if opts.MinInterval == 0 {
		opts.MinInterval = -1
	}
	return huggingface.New(opts)
}

// openStore opens the database.
func (e *env) openStore() (*store.DB, error) {
	return store.Open(e.ctx, e.conf.Database)
}

// openReadOnly opens the database for a command that only reads (search,
// status): it never waits for the write lock another process holds.
func (e *env) openReadOnly() (*store.DB, error) {
	return store.OpenReadOnly(e.ctx, e.conf.Database)
}

// newConsole builds the console platform writing to stdout.
func (e *env) newConsole() *console.Console {
	color := false
	switch e.conf.ConsoleColor {
	case "always":
		color = true
	case "auto":
		color = console.IsTerminal(e.stdout) && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
	}
	c := console.New(e.stdout, color)
	c.Pace = e.conf.ConsolePace
	return c
}

// newDiscord builds the Discord platform, or nil when no token is set.
func (e *env) newDiscord() (*discord.Discord, error) {
	ds := e.conf.Discord
	if ds.Token == "" {
		return nil, nil
	}
	return discord.New(discord.Options{Token: ds.Token, APIURL: ds.APIURL, ApplicationID: ds.ApplicationID,
		GuildIDs: ds.GuildIDs, AllowedGuilds: ds.AllowedGuilds, Timeout: ds.Timeout, ShutdownGrace: e.conf.ShutdownGrace, Logger: e.log,
		Metrics: e.requestMetrics()})
}

// newSlack builds the Slack platform, or nil when no bot token is set.
func (e *env) newSlack() (*slack.Slack, error) {
	ss := e.conf.Slack
	if ss.BotToken == "" {
		return nil, nil
	}
	return slack.New(slack.Options{BotToken: ss.BotToken, AppToken: ss.AppToken, SigningSecret: ss.SigningSecret,
		APIURL: ss.APIURL, Admins: ss.Admins, Timeout: ss.Timeout, Logger: e.log, Context: context.WithoutCancel(e.ctx),
		Metrics: e.requestMetrics()})
}

// newBot wires the bot. A platform the adapter refuses (a malformed token
// or URL) is a configuration error: it never silently goes missing.
func (e *env) newBot(db *store.DB, src bot.Source) (*bot.Bot, error) {
	platforms := map[string]bot.Platform{console.Name: e.newConsole()}
	d, err := e.newDiscord()
	if err != nil {
		return nil, &configError{msg: err.Error()}
	}
	if d != nil {
		platforms[discord.Name] = d
	}
	sl, err := e.newSlack()
	if err != nil {
		return nil, &configError{msg: err.Error()}
	}
	if sl != nil {
		platforms[slack.Name] = sl
	}
	// One client for every request to arXiv, so its spacing holds
	// process-wide; building it sends nothing.
	ax, err := e.arxivClient()
	if err != nil {
		return nil, &configError{msg: err.Error()}
	}
	return &bot.Bot{
		Store:  db,
		Source: src,
		Arxiv:  ax,
		// Only arXiv sources given: the daily lists are fetched only for
		// the channels that follow them.
		ListsOnDemand: !e.conf.Sources.Lists,
		Platforms:     platforms,
		Clock:         e.clock,
		Log:           e.log,
		ListReady:     e.conf.ListReady,
		PollInterval:  e.conf.PollInterval,
		RetryDelay:    e.conf.RetryDelay,
		CatchUp:       e.conf.CatchUp,
		Followups:     e.followups(src, ax),
	}, nil
}
