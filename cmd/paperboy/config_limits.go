package main

import (
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// LimitsConfig is the fair-use section: how much of paperboy one chat user
// may take (bot.Limits) and how long one search may run.
type LimitsConfig struct {
	SearchesPerMinute            *int     `yaml:"searches_per_minute"`
	SubscriptionChangesPerMinute *int     `yaml:"subscription_changes_per_minute"`
	ConcurrentSearches           *int     `yaml:"concurrent_searches"`
	SearchTimeout                Duration `yaml:"search_timeout"`
	ShutdownGrace                Duration `yaml:"shutdown_grace"`
}

// defaultSearchTimeout is limits.search_timeout when unset.
const defaultSearchTimeout = 3 * time.Second

// defaultShutdownGrace is limits.shutdown_grace when unset: how long the
// commands running at shutdown may finish before they are cancelled and
// their users told to try again.
const defaultShutdownGrace = 10 * time.Second

// resolveLimits fills s.Limits, s.SearchTimeout and s.ShutdownGrace. Every value must be
// positive, and concurrent_searches below the store's read pool, so that
// digests and alert runs always find a read connection.
func (c *Config) resolveLimits(s *resolvedConfig) error {
	s.Limits = bot.DefaultLimits()
	s.SearchTimeout = defaultSearchTimeout
	s.ShutdownGrace = defaultShutdownGrace
	for _, v := range []struct {
		key string
		in  *int
		out *int
	}{
		{"limits.searches_per_minute", c.Limits.SearchesPerMinute, &s.Limits.SearchesPerMinute},
		{"limits.subscription_changes_per_minute", c.Limits.SubscriptionChangesPerMinute, &s.Limits.SubscriptionChangesPerMinute},
		{"limits.concurrent_searches", c.Limits.ConcurrentSearches, &s.Limits.ConcurrentSearches},
	} {
		if v.in == nil {
			continue
		}
		if *v.in < 1 {
			return cfgErr(v.key, "%d is not a positive number", *v.in)
		}
		*v.out = *v.in
	}
	if n := s.Limits.ConcurrentSearches; n >= store.ReadConns {
		return cfgErr("limits.concurrent_searches", "%d is not below the %d read connections of the database; at most %d, so that digests and alerts always find one",
			n, store.ReadConns, store.ReadConns-1)
	}
	if c.Limits.SearchTimeout.Set {
		if c.Limits.SearchTimeout.Duration <= 0 {
			return cfgErr("limits.search_timeout", "must be more than 0")
		}
		s.SearchTimeout = c.Limits.SearchTimeout.Duration
	}
	if c.Limits.ShutdownGrace.Set {
		if c.Limits.ShutdownGrace.Duration <= 0 {
			return cfgErr("limits.shutdown_grace", "must be more than 0")
		}
		s.ShutdownGrace = c.Limits.ShutdownGrace.Duration
	}
	return nil
}
