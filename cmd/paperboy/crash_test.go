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
//	PAPERBOY_CRASH=1 PAPERBOY_KILLS=1000 go test -tags sqlite_fts5 -run TestCrashKill9 -v -timeout 60m ./cmd/paperboy
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

// TestCrashKill9 runs 30 weekdays or more of digests (5 channels on
// Discord, one a forum, 5 on Slack) and topic alerts (5 users on each, 2 of
// them daily, one with every topic: DMs in several parts) through the real
// binary, killed with SIGKILL at random moments (at least PAPERBOY_KILLS
// times with work outstanding, default 200; the run adds weeks until then)
// and restarted until each day's work is done, every claimed message buried
// under other people's messages after each kill; then every header, thread
// item and alert DM line must be on the fakes exactly once.
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	days, minKills := 3, 3
	if os.Getenv("PAPERBOY_CRASH") != "" {
		days, minKills = 30, 200
		if v := os.Getenv("PAPERBOY_KILLS"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				t.Fatalf("PAPERBOY_KILLS: want a number of kills, got %q", v)
			}
			minKills = n
		}
	}
	seed := rigSeed(t)
	t.Logf("seed %d (PAPERBOY_SEED=%d repeats the kill moments), %d days or more, until %d kills with work outstanding", seed, seed, days, minKills)
	// A network's latency on every platform request, so that the kills
	// land while requests are in flight, also after Discord or Slack
	// applied them (on loopback a day's work takes a tenth of a second,
	// most of it the process starting).
	r := newRig(t, days, rigListLen, seed, rigLatency)
	// Discord remembers nonces for minutes; a real restart can come later.
	// Without that memory only the delivery log and the lookups protect.
	r.dc.SetNonceTTL(time.Nanosecond)
	r.run(true, 350*time.Millisecond, 3*time.Minute, minKills)
	rep := r.check()
	t.Logf("%d weekdays and a Saturday; %d processes started, %d killed (SIGKILL) with work outstanding, %d killed after their day's work was done, %d exited by themselves; wall time %s",
		len(r.days), r.starts, r.kills, r.idleKills, r.exits, r.wall.Round(time.Second))
	t.Logf("%s", faultSummary("discord", r.dc.Stats()))
	t.Logf("%s", faultSummary("slack", r.sl.Stats()))
	t.Logf("requests the kills cut: %d before they reached the fakes, %d after the fakes applied them (the answer lost)", r.cut.Load(), r.lost.Load())
	r.logRecoveries()
	r.logChatter()
	r.assert(rep)
	if r.kills < minKills {
		t.Errorf("only %d kills with work outstanding, want at least %d", r.kills, minKills)
	}
}

// TestFaults runs the same days without kills, with 20% of the requests to
// each platform failing (429 with Retry-After, 500, timeouts, connections
// dropped after the request was applied, and on Discord forgotten nonces)
// and 30% of the requests to Hugging Face (500, 429, timeouts, bodies cut
// short). Every header, item and alert DM line must still be there exactly
// once, and no request may come before an earlier 429's Retry-After ended.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	days, papers := 1, rigShortListLen
	if os.Getenv("PAPERBOY_FAULTS") != "" {
		days, papers = 30, rigListLen
	}
	seed := rigSeed(t)
	t.Logf("seed %d (PAPERBOY_SEED=%d repeats the faults: Discord seed %d, Slack %d, Hugging Face %d), %d days",
		seed, seed, seed, seed+1, seed+2, days)
	r := newRig(t, days, papers, seed, 0)
	// Timeouts: the fakes answer after 1 s, the clients give up after
	// 500 ms. 429s ask for 1 s (Slack's Retry-After counts whole seconds).
	r.dc.Seed(int64(seed))
	r.dc.AddMix(discordfake.Rule{}, 0.2, discordfake.MixedFaults(time.Second, time.Second)...)
	r.sl.Seed(int64(seed + 1))
	r.sl.AddMix(slackfake.Rule{}, 0.2, slackfake.MixedFaults(time.Second, time.Second)...)
	r.hf.SetFailureRate(0.3, int64(seed+2), time.Second, time.Second)
	r.run(false, 0, 5*time.Minute, 0)
	rep := r.check()
	t.Logf("%d processes started, %d exited by themselves; wall time %s", r.starts, r.exits, r.wall.Round(time.Second))
	dc, sl, hf := r.dc.Stats(), r.sl.Stats(), r.hf.Stats()
	t.Logf("%s", faultSummary("discord", dc))
	t.Logf("%s", faultSummary("slack", sl))
	t.Logf("%s", faultSummary("huggingface", hf))
	r.logRecoveries()
	r.assert(rep)
	for _, v := range r.dc.Violations() {
		t.Errorf("discord: sent before Retry-After ended: %+v", v)
	}
	for _, v := range r.sl.Violations() {
		t.Errorf("slack: sent before Retry-After ended: %+v", v)
	}
}
