// Command paperboy posts each weekday's Hugging Face Daily Papers to chat
// channels as one thread, keeps every paper it has seen in SQLite, and runs
// the whole pipeline from one binary.
//
// Usage: paperboy <command> [flags]; see `paperboy help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // channel zones must work on machines without a zone database

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/adapters/console"
	"github.com/paperboy-bot/paperboy/adapters/discord"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// botClock is the time the bot runs on. Only the test binary, standing in for
// paperboy in end-to-end tests, replaces it (TestMain, PAPERBOY_TEST_NOW),
// so a test can run a month of days in minutes.
var botClock bot.Clock = bot.SystemClock{}

// Exit codes.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2 // bad config, flags or arguments
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

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
}

type globalFlags struct {
	config, db, logLevel, logFormat string
	// sources are the --source flags, in order (the flag may be repeated).
	sources []string
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", g.config, "YAML config `file` (default ./paperboy.yaml if it exists)")
	fs.StringVar(&g.db, "db", g.db, "SQLite database `path` (default ./paperboy.db)")
	fs.Func("source", "paper `source`: huggingface, sample, file:PATH or arxiv:CATEGORIES (may be repeated)", func(v string) error {
		g.sources = append(g.sources, v)
		return nil
	})
	fs.StringVar(&g.logLevel, "log-level", g.logLevel, "debug, info, warn or error")
	fs.StringVar(&g.logFormat, "log-format", g.logFormat, "text or json")
}

type command struct {
	name, args, help string
	// setup registers the command's flags and returns what runs it.
	setup func(fs *flag.FlagSet) func(e *env, args []string) error
}

func noFlags(run func(e *env, args []string) error) func(*flag.FlagSet) func(*env, []string) error {
	return func(*flag.FlagSet) func(*env, []string) error { return run }
}

var commands []command

func init() {
	commands = []command{
		{"run", "[--listen ADDR]", "run the daemon: poll the sources and post each channel's digest at its time", runFlags},
		{"digest", "[--date D] [--channel C] [--dry-run]", "post one digest now", digestFlags},
		{"backfill", "--from D --to D", "fill the store from the source, day by day (resumable)", backfillFlags},
		{"ingest", "--source SRC", "import every paper a source holds (file:PATH or sample)", noFlags(cmdIngest)},
		{"search", "\"<query>\" [--limit N] [--json]", "search every stored paper, best first", searchFlags},
		{"status", "", "per channel: settings and where they came from, next run, last post, last problem", noFlags(cmdStatus)},
		{"doctor", "", "check the config, database, disk, time zones, sources and chat platforms, one line each", noFlags(cmdDoctor)},
		{"backup", "--to FILE [--force]", "copy the database, safely while the daemon runs, and check the copy", backupFlags},
		{"version", "", "print the version and commit, and the Go and SQLite versions", noFlags(cmdVersion)},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "paperboy %s: Hugging Face Daily Papers in your chat channels\n\nUsage: paperboy <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %-38s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprint(w, "\nFlags (every command): --config FILE, --db PATH, --source huggingface|sample|file:PATH|arxiv:CATEGORIES\n  (repeatable), --log-level debug|info|warn|error, --log-format text|json\n\nRun `paperboy <command> -h` for a command's flags.\n")
}

// Main runs paperboy with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	red := &redactor{}
	red.add(secretEnvValues(getenv)...)
	stdout, stderr = red.writer(stdout), red.writer(stderr)
	g := &globalFlags{}
	// Global flags may come before the command too.
	pre := flag.NewFlagSet("paperboy", flag.ContinueOnError)
	pre.SetOutput(io.Discard)
	g.register(pre)
	if err := pre.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) { // paperboy -h, --help
			usage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "paperboy: %v\n", err)
		usage(stderr)
		return exitConfig
	}
	args = pre.Args()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	name := args[0]
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		if near := closestCommand(name); near != "" {
			fmt.Fprintf(stderr, "paperboy: unknown command %q; did you mean %q?\n", name, near)
		} else {
			fmt.Fprintf(stderr, "paperboy: unknown command %q (commands: %s)\n", name, commandNames())
		}
		return exitConfig
	}
	e := &env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr, flags: g, redact: red}
	fs := flag.NewFlagSet("paperboy "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	run := cmd.setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: paperboy %s %s\n\n%s\n\nFlags:\n", name, cmd.args, cmd.help)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if name != "version" {
		if err := e.setup(); err != nil {
			fmt.Fprintf(stderr, "paperboy: %v\n", err)
			return exitConfig
		}
	}
	err = run(e, positional)
	switch {
	case err == nil:
		return exitOK
	case isUsage(err):
		fmt.Fprintf(stderr, "paperboy %s: %v\n", name, err)
		return exitConfig
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "paperboy %s: interrupted\n", name)
		return exitFail
	default:
		fmt.Fprintf(stderr, "paperboy %s: %v\n", name, err)
		return exitFail
	}
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (`paperboy search "moe routing" --limit 5`); "--"
// ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// usageError is a bad flag or argument: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func isUsage(err error) bool {
	var u *usageError
	var c *configError
	return errors.As(err, &u) || errors.As(err, &c) || bot.ErrorCode(err) == bot.EInvalid
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

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func checkSource(src string) error {
	switch {
	case src == "huggingface", src == "sample":
		return nil
	case strings.HasPrefix(src, "file:") && len(src) > len("file:"):
		return nil
	case strings.HasPrefix(src, "arxiv:"):
		return nil // its categories are checked against arXiv's list next
	}
	return fmt.Errorf("source: %q is not huggingface, sample, file:PATH or arxiv:CATEGORIES", src)
}

// arxivCategories returns the canonical categories of an arxiv:CATS
// source (an alias or an old name as arXiv now calls it, repeats once), nil
// for another source, or one line naming a category arXiv does not have
// and the closest one it does.
func arxivCategories(source string) ([]string, error) {
	spec, ok := strings.CutPrefix(source, "arxiv:")
	if !ok {
		return nil, nil
	}
	cats, err := arxiv.ParseCategories(spec)
	if err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return nil, fmt.Errorf("source: %s", be.Message)
		}
		return nil, fmt.Errorf("source: %v", err)
	}
	return cats, nil
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
		Clock:         botClock,
		Log:           e.log,
		ListReady:     e.conf.ListReady,
		PollInterval:  e.conf.PollInterval,
		RetryDelay:    e.conf.RetryDelay,
		CatchUp:       e.conf.CatchUp,
		Followups:     e.followups(src, ax),
	}, nil
}

// applySeeds stores the channels of the config file: a new channel is
// created, a known one takes the file's values except for settings changed
// in chat, and a channel created from the file that has left it is removed
// (unless it was changed in chat).
func (e *env) applySeeds(db *store.DB, now time.Time) ([]bot.Channel, error) {
	ctx := e.ctx
	inConfig := map[bot.ChannelRef]bool{}
	for _, seed := range e.conf.Channels {
		inConfig[seed.ChannelRef] = true
		stored, err := db.GetChannel(ctx, seed.ChannelRef)
		var merged bot.Channel
		switch {
		case errors.Is(err, bot.ErrNotFound):
			merged = bot.MergeSeed(nil, seed)
		case err != nil:
			return nil, err
		default:
			merged = bot.MergeSeed(&stored, seed)
		}
		if err := db.SaveChannel(ctx, merged, now); err != nil {
			return nil, err
		}
	}
	all, err := db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var out []bot.Channel
	for _, ch := range all {
		if ch.FromConfig && !inConfig[ch.ChannelRef] && !changedInChat(ch) {
			e.log.Info("channel left the config file; removing its settings", "platform", ch.Platform, "channel", ch.ID)
			if err := db.DeleteChannel(ctx, ch.ChannelRef); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, ch)
	}
	return out, nil
}

func changedInChat(ch bot.Channel) bool {
	for _, o := range ch.Origins {
		if o == bot.FromChat {
			return true
		}
	}
	return false
}

// startSlack receives Slack's slash commands: over Socket Mode, or on an
// HTTP listener. It returns a function that stops it.
func (e *env) startSlack(db *store.DB, sl *slack.Slack) (func(), error) {
	ss := e.conf.Slack
	// The receiver lives until the handlers are done: on shutdown, Shutdown
	// first answers new commands "restarting" and lets running ones finish,
	// then the receiver stops.
	rctx, cancel := context.WithCancel(context.WithoutCancel(e.ctx))
	var run func() error
	if ss.Mode == "http" {
		ln, err := net.Listen("tcp", ss.Listen)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("slack: listen on %s: %w", ss.Listen, err)
		}
		e.log.Info("slack: receiving commands over HTTP", "listen", ln.Addr().String(), "commands", slack.CommandsPath, "interactivity", slack.InteractivityPath)
		run = func() error { return sl.RunHTTP(rctx, ss.Listen, ln) }
	} else {
		e.log.Info("slack: receiving commands over Socket Mode")
		run = func() error { return sl.RunSocketMode(rctx) }
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := run(); err != nil {
			e.log.Error("slack: not receiving commands", "error", err.Error())
			e.recordPlatform(db, slack.Name, false, err.Error())
		}
	}()
	// What status shows: each change of the command connection's state.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		var last string
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			up, reason, _ := sl.State()
			if reason == "not started" {
				continue
			}
			if up && reason == "" {
				reason = "receiving commands (" + ss.Mode + " mode)"
			}
			if key := fmt.Sprint(up, reason); key != last {
				last = key
				e.recordPlatform(db, slack.Name, up, reason)
			}
		}
	}()
	return func() {
		sctx, scancel := context.WithTimeout(context.Background(), e.conf.ShutdownGrace)
		_ = sl.Shutdown(sctx)
		scancel()
		cancel()
		<-done
		<-watched
	}, nil
}

// recordPlatform keeps what the daemon saw of a platform for status; a
// failure to record is logged, never fatal.
func (e *env) recordPlatform(db *store.DB, name string, connected bool, reason string) {
	st := bot.PlatformState{Platform: name, Connected: connected, Reason: reason, Since: botClock.Now()}
	if err := db.RecordPlatformState(context.WithoutCancel(e.ctx), st); err != nil {
		e.log.Warn("could not record the platform's state", "platform", name, "error", err.Error())
	}
}

func cmdRun(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments: %s", strings.Join(args, " "))
	}
	unlock, err := lockDatabase(e.conf.Database)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := e.applySeeds(db, botClock.Now()); err != nil {
		return err
	}
	src, err := e.openSource()
	if err != nil {
		return err
	}
	e.ops = e.newOps(db) // before the platforms: they count their retries into it
	b, err := e.newBot(db, src)
	if err != nil {
		return err
	}
	e.log.Info("paperboy starting", "version", version, "database", db.Path(), "source", e.conf.sourceLabel())
	// Registered before the platforms' shutdowns, so it is the last line:
	// it means every command has finished and each platform has closed.
	defer e.log.Info("paperboy stopped")
	// The platforms stop together, each first refusing new commands, then
	// giving the running ones the same grace (limits.shutdown_grace): one
	// platform's draining does not hold the other's, and both have ended
	// before the store closes.
	var stops []func()
	defer func() {
		var wg sync.WaitGroup
		for _, stop := range stops {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stop()
			}()
		}
		wg.Wait()
	}()
	e.warnPlatforms()
	stopOps, err := e.ops.serve(e, db, b)
	if err != nil {
		return err
	}
	stops = append(stops, stopOps)
	e.warnConfigMode()
	// One Limiter for both platforms: the cap on concurrent searches is
	// process-wide.
	lim := bot.NewLimiter(e.conf.Limits)
	commands := func() *bot.Commands {
		return &bot.Commands{
			Bot:            b,
			DefaultZone:    e.conf.LocalZone,
			MaxTopics:      e.conf.MaxTopics,
			MaxWatches:     e.conf.Followups.MaxWatches,
			Limiter:        lim,
			SearchTimeout:  e.conf.SearchTimeout,
			ArxivCategory:  arxivCanonical,
			DefaultSources: e.conf.Sources,
		}
	}
	if d, ok := b.Platforms[discord.Name].(*discord.Discord); ok {
		d.SetCommands(commands())
		if err := d.Open(e.ctx, e.conf.Discord.Gateway); err != nil {
			e.recordPlatform(db, discord.Name, false, err.Error())
			return err
		}
		stops = append(stops, func() {
			d.Close()
			e.recordPlatform(db, discord.Name, false, "the daemon stopped")
		})
		e.log.Info("discord connected", "gateway", e.conf.Discord.Gateway, "guilds", len(e.conf.Discord.GuildIDs))
		e.recordPlatform(db, discord.Name, true, "connected")
		e.ops.platformOpened(discord.Name)
	}
	if sl, ok := b.Platforms[slack.Name].(*slack.Slack); ok {
		sl.SetCommands(commands())
		stopSlack, err := e.startSlack(db, sl)
		if err != nil {
			e.recordPlatform(db, slack.Name, false, err.Error())
			return err
		}
		stops = append(stops, func() {
			stopSlack()
			e.recordPlatform(db, slack.Name, false, "the daemon stopped")
		})
	}
	return b.Run(e.ctx)
}
