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
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // channel zones must work on machines without a zone database

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2 // bad config, flags or arguments
)

func main() {
	os.Exit(runProcess(Options{}))
}

// runProcess runs Main as the process: on its arguments, environment and
// standard streams, until SIGINT or SIGTERM. o gives the rest (the test
// binary's TestMain passes its stand-ins).
func runProcess(o Options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.Getenv, o.Stdout, o.Stderr = os.Getenv, os.Stdout, os.Stderr
	return Main(ctx, os.Args[1:], o)
}

// Options is what Main takes from what runs it. A nil or zero field of
// the last group means the real thing.
type Options struct {
	Getenv         func(string) string
	Stdout, Stderr io.Writer

	// Clock is the time the bot runs on. Only the test binary, standing in
	// for paperboy in end-to-end tests, gives another (TestMain,
	// PAPERBOY_TEST_NOW), so a test can run a month of days in minutes; the
	// paperboy binary has no such override.
	Clock bot.Clock
	// DiskSpace measures the filesystem holding a path (doctor); statDisk.
	DiskSpace diskProbe
	// ArxivPageSize and ArxivResultLimit are the export API's page size and
	// its bound on start+max_results (arxiv.MaxResultsPerQuery,
	// arxiv.MaxQueryResults); tests give small ones to page and split with
	// a small corpus.
	ArxivPageSize, ArxivResultLimit int
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

// commands are the commands, in the order help lists them.
var commands = []command{
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

// withDefaults fills in the real clock, disk probe and paging where o
// gives none.
func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = bot.SystemClock{}
	}
	if o.DiskSpace == nil {
		o.DiskSpace = statDisk
	}
	if o.ArxivPageSize == 0 {
		o.ArxivPageSize = arxiv.MaxResultsPerQuery
	}
	if o.ArxivResultLimit == 0 {
		o.ArxivResultLimit = arxiv.MaxQueryResults
	}
	return o
}

// Main runs paperboy with args (without the program name) and o, and
// returns the exit code.
func Main(ctx context.Context, args []string, o Options) int {
	o = o.withDefaults()
	getenv, stdout, stderr := o.Getenv, o.Stdout, o.Stderr
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
	e := &env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr, flags: g, redact: red,
		clock: o.Clock, diskSpace: o.DiskSpace, arxivPageSize: o.ArxivPageSize, arxivResultLimit: o.ArxivResultLimit}
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

// usageError is a bad flag or argument: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func isUsage(err error) bool {
	var u *usageError
	var c *configError
	return errors.As(err, &u) || errors.As(err, &c) || bot.ErrorCode(err) == bot.EInvalid
}
