package main

// `paperboy run`: the daemon, with its chat platforms receiving commands.

import (
	"context"
	"flag"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/discord"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// runFlags registers run's flags: --listen.
func runFlags(fs *flag.FlagSet) func(*env, []string) error {
	var listen *string
	fs.Func("listen", "serve /metrics, /healthz and /readyz on `ADDR` (host:port, e.g. 127.0.0.1:9090; overrides http.listen, \"\" turns them off)",
		func(v string) error {
			if v != "" {
				if err := checkListen(v); err != nil {
					return err
				}
			}
			listen = &v
			return nil
		})
	return func(e *env, args []string) error {
		if listen != nil {
			e.conf.HTTPListen = *listen
		}
		return cmdRun(e, args)
	}
}

// cmdRun runs the daemon until ctx ends: it stores the config's channels,
// opens the platforms and runs the bot, then stops the platforms together.
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
	if _, err := e.applySeeds(db, e.clock.Now()); err != nil {
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
	st := bot.PlatformState{Platform: name, Connected: connected, Reason: reason, Since: e.clock.Now()}
	if err := db.RecordPlatformState(context.WithoutCancel(e.ctx), st); err != nil {
		e.log.Warn("could not record the platform's state", "platform", name, "error", err.Error())
	}
}
