package main

import (
	"os"
	"strconv"
	"testing"
	"time"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

// rigLatency is the fakes' answer time in the crash test.
const rigLatency = 15 * time.Millisecond

// The crash and fault tests of docs/RELIABILITY.md. By default they run a
// short version (3 days, a handful of kills); the full runs:
//
//	PAPERBOY_CRASH=1 go test -tags sqlite_fts5 -run TestCrashKill9 -v -timeout 20m ./cmd/paperboy
//	PAPERBOY_FAULTS=1 go test -tags sqlite_fts5 -run TestFaults -v -timeout 20m ./cmd/paperboy
//
// PAPERBOY_SEED=n repeats a run's random choices (kill moments, faults).

// rigSeed is PAPERBOY_SEED, else a new seed; the tests print it.
func rigSeed(t *testing.T) uint64 {
	if v := os.Getenv("PAPERBOY_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PAPERBOY_SEED: %v", err)
		}
		return n
	}
	return uint64(time.Now().UnixNano() % 1_000_000_000)
}

// TestCrashKill9 runs 30 weekdays of digests (5 channels on Discord, 5 on
// Slack) and topic alerts (4 users on each) through the real binary,
// killed with SIGKILL at random moments (at least 200 times with work
// outstanding) and restarted until each day's work is done; then every
// header, thread item and alert DM line must be on the fakes exactly once.
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	days, minKills := 3, 3
	if os.Getenv("PAPERBOY_CRASH") != "" {
		days, minKills = 30, 200
	}
	seed := rigSeed(t)
	t.Logf("seed %d (PAPERBOY_SEED=%d repeats the kill moments), %d days", seed, seed, days)
	r := newRig(t, days, seed)
	// A network's latency on every platform request, so that the kills
	// land while requests are in flight (on loopback a day's work takes a
	// tenth of a second, most of it the process starting).
	r.dc.AddRule(discordfake.Rule{Delay: rigLatency})
	r.sl.AddRule(slackfake.Rule{Delay: rigLatency})
	r.run(true, 350*time.Millisecond, 3*time.Minute)
	rep := r.check()
	t.Logf("%d processes started, %d killed (SIGKILL) with work outstanding, %d killed after their day's work was done, %d exited by themselves; wall time %s",
		r.starts, r.kills, r.idleKills, r.exits, r.wall.Round(time.Second))
	t.Logf("%s", faultSummary("discord", r.dc.Stats()))
	t.Logf("%s", faultSummary("slack", r.sl.Stats()))
	r.assert(rep)
	if r.kills < minKills {
		t.Errorf("only %d kills with work outstanding, want at least %d", r.kills, minKills)
	}
}
