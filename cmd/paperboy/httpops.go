package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/console"
	"github.com/paperboy-bot/paperboy/adapters/discord"
	"github.com/paperboy-bot/paperboy/adapters/metrics"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// The operations endpoints of `paperboy run`: /metrics (Prometheus),
// /healthz and /readyz, off unless http.listen or --listen gives an
// address, on a listener of their own (never Slack's public HTTP-mode
// server).

// opsServer serves the operations endpoints.
type opsServer struct {
	listen  string
	metrics *metrics.Metrics

	mu     sync.Mutex
	opened map[string]bool // platforms whose Open succeeded
}

// newOps returns the endpoints' metrics, or nil when they are off. Built
// before the platforms, which count their retries into it.
func (e *env) newOps(db *store.DB) *opsServer {
	if e.conf.HTTPListen == "" {
		return nil
	}
	var chats []string
	if e.conf.Discord.Token != "" {
		chats = append(chats, discord.Name)
	}
	if e.conf.Slack.BotToken != "" {
		chats = append(chats, slack.Name)
	}
	platforms := append([]string{console.Name}, chats...)
	var sources []string
	if e.conf.Sources.Lists {
		sources = append(sources, bot.SourceLabel(e.conf.Source))
	}
	if len(e.conf.ArxivCategories) > 0 || len(e.conf.Sources.Arxiv) > 0 {
		sources = append(sources, "arxiv")
	}
	m := metrics.New(metrics.Options{Store: db, Platforms: platforms, Chats: chats, Sources: sources, Now: e.clock.Now, Log: e.log})
	return &opsServer{listen: e.conf.HTTPListen, metrics: m, opened: map[string]bool{}}
}

// requestMetrics is what the platforms count their retries into (nil:
// nothing).
func (e *env) requestMetrics() bot.RequestMetrics {
	if e.ops == nil {
		return nil
	}
	return e.ops.metrics
}

// platformOpened records that a platform connected, for /readyz.
func (o *opsServer) platformOpened(name string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.opened[name] = true
	o.mu.Unlock()
}

func (o *opsServer) isOpened(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.opened[name]
}

// serve makes b count into the metrics and starts serving the endpoints;
// the returned stop shuts the server down (requests in flight may finish
// for a few seconds). A nil server serves nothing.
func (o *opsServer) serve(e *env, db *store.DB, b *bot.Bot) (stop func(), err error) {
	if o == nil {
		return func() {}, nil
	}
	b.Metrics = o.metrics
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return nil, fmt.Errorf("http: listen on %s: %w", o.listen, err)
	}
	addr := ln.Addr().String()
	if !isLoopback(o.listen) {
		e.log.Warn("http: /metrics, /healthz and /readyz are served on a non-loopback address: anyone who can reach it can read them (http.listen: 127.0.0.1:9090 keeps them on this machine)",
			"listen", addr)
	}
	srv := &http.Server{
		Handler:           o.metrics.Mux(o.checks(e, db, b)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("http: stopped serving /metrics, /healthz and /readyz", "error", err.Error())
		}
	}()
	e.log.Info("http: serving /metrics, /healthz and /readyz", "listen", addr)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	}, nil
}

// checks are /readyz's: the database takes writes, each chat platform is
// connected, and the sources answered in the last 3 poll intervals.
func (o *opsServer) checks(e *env, db *store.DB, b *bot.Bot) []metrics.Check {
	checks := []metrics.Check{{Name: "database", Run: db.CheckWritable}}
	if d, ok := b.Platforms[discord.Name].(*discord.Discord); ok {
		gateway := e.conf.Discord.Gateway
		checks = append(checks, metrics.Check{Name: "platform:discord", Run: func(context.Context) error {
			switch {
			case !o.isOpened(discord.Name):
				return errors.New("not connected yet")
			case gateway && !d.GatewayReady():
				return errors.New("the gateway connection is down; reconnecting")
			}
			return nil
		}})
	}
	if sl, ok := b.Platforms[slack.Name].(*slack.Slack); ok {
		checks = append(checks, metrics.Check{Name: "platform:slack", Run: func(context.Context) error {
			up, reason, _ := sl.State()
			switch {
			case up:
				return nil
			case reason == "not started" || reason == "":
				return errors.New("not connected yet")
			}
			return errors.New(reason)
		}})
	}
	return append(checks, metrics.Check{Name: "sources", Run: o.metrics.SourcesCheck(3 * e.conf.PollInterval)})
}
