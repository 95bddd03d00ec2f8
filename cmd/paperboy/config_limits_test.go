package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// The limits: section: defaults when absent, each key read, and every bad
// value one line naming the key (exit 2).
func TestLimitsConfig(t *testing.T) {
	resolve := resolveYAML
	s := resolve(t, "")
	if diff := cmp.Diff(bot.Limits{SearchesPerMinute: 10, SubscriptionChangesPerMinute: 5, ConcurrentSearches: 3}, s.Limits); diff != "" || s.SearchTimeout != 3*time.Second {
		t.Errorf("defaults: limits (-want +got):\n%s search_timeout %v, want 3s", diff, s.SearchTimeout)
	}
	if s.ShutdownGrace != 10*time.Second {
		t.Errorf("default shutdown_grace %v, want 10s", s.ShutdownGrace)
	}
	s = resolve(t, "limits:\n  searches_per_minute: 30\n  subscription_changes_per_minute: 2\n  concurrent_searches: 1\n  search_timeout: 1500ms\n  shutdown_grace: 2s\n")
	if diff := cmp.Diff(bot.Limits{SearchesPerMinute: 30, SubscriptionChangesPerMinute: 2, ConcurrentSearches: 1}, s.Limits); diff != "" || s.SearchTimeout != 1500*time.Millisecond {
		t.Errorf("set: limits (-want +got):\n%s search_timeout %v, want 1.5s", diff, s.SearchTimeout)
	}
	if s.ShutdownGrace != 2*time.Second {
		t.Errorf("shutdown_grace %v, want 2s", s.ShutdownGrace)
	}

	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"zero searches", "limits:\n  searches_per_minute: 0\n", []string{"config: limits.searches_per_minute: 0 is not a positive number"}},
		{"negative changes", "limits:\n  subscription_changes_per_minute: -1\n", []string{"config: limits.subscription_changes_per_minute: -1 is not a positive number"}},
		{"zero concurrent", "limits:\n  concurrent_searches: 0\n", []string{"config: limits.concurrent_searches: 0 is not a positive number"}},
		{"concurrent = read pool", "limits:\n  concurrent_searches: 4\n", []string{"config: limits.concurrent_searches: 4 is not below the 4 read connections", "at most 3"}},
		{"not a number", "limits:\n  searches_per_minute: lots\n", []string{"limits.searches_per_minute", `"lots" is not a whole number`}},
		{"zero timeout", "limits:\n  search_timeout: 0s\n", []string{"config: limits.search_timeout: must be more than 0"}},
		{"bad timeout", "limits:\n  search_timeout: soon\n", []string{"limits.search_timeout", `"soon" is not a duration`}},
		{"zero grace", "limits:\n  shutdown_grace: 0s\n", []string{"config: limits.shutdown_grace: must be more than 0"}},
		{"misspelt key", "limits:\n  searches_per_minut: 5\n", []string{"limits.searches_per_minut: unknown key", `did you mean "searches_per_minute"?`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runMain(t, testEnv(), "status", "--config", writeConfig(t, c.yaml), "--db", filepath.Join(t.TempDir(), "p.db"))
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if strings.Contains(line, "\n") {
				t.Errorf("error is not one line:\n%s", r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("error %q does not contain %q", line, w)
				}
			}
		})
	}
}

// resolveYAML parses and resolves a config file's text, with an empty
// environment.
func resolveYAML(t *testing.T, body string) *resolvedConfig {
	t.Helper()
	cfg := &Config{}
	if err := parseConfig([]byte(body), cfg, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	s, err := cfg.resolve("UTC", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return s
}
