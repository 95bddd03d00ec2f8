package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain lets the test binary act as the paperboy binary: with
// PAPERBOY_TEST_MAIN=1 it runs Main on its arguments, so end-to-end tests
// can start, kill and restart real processes, with the stand-ins of
// testBinaryOptions (the paperboy binary itself has no such overrides).
func TestMain(m *testing.M) {
	if os.Getenv("PAPERBOY_TEST_MAIN") == "1" {
		o, err := testBinaryOptions(os.Getenv)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(exitConfig)
		}
		os.Exit(runProcess(o))
	}
	os.Exit(m.Run())
}

// testBinaryOptions are what the test binary acting as paperboy runs on:
// PAPERBOY_TEST_NOW (RFC 3339) sets the bot's clock, which starts at that
// instant and runs at the normal speed; PAPERBOY_TEST_DISK stands in for
// the filesystem's figures (testDiskProbe).
func testBinaryOptions(getenv func(string) string) (Options, error) {
	var o Options
	if v := getenv("PAPERBOY_TEST_NOW"); v != "" {
		at, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return o, fmt.Errorf("PAPERBOY_TEST_NOW: %v", err)
		}
		o.Clock = startedClock{at: at, started: time.Now()}
	}
	if v := getenv("PAPERBOY_TEST_DISK"); v != "" {
		disk, err := testDiskProbe(v)
		if err != nil {
			return o, err
		}
		o.DiskSpace = disk
	}
	return o, nil
}

// startedClock is the time since at, as if the process had started then.
type startedClock struct {
	bot.SystemClock
	at, started time.Time
}

// Now returns at plus the time since the process started.
func (c startedClock) Now() time.Time { return c.at.Add(time.Since(c.started)) }

// result is what one run of Main printed.
type result struct {
	code           int
	stdout, stderr string
}

// testEnv is the environment Main sees in tests: nothing but what is set.
func testEnv(vars ...string) func(string) string {
	m := map[string]string{"TZ": "UTC"}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

func runMain(t *testing.T, getenv func(string) string, args ...string) result {
	t.Helper()
	return runMainWith(t, Options{Getenv: getenv}, args...)
}

// runMainWith runs Main with o, its output captured.
func runMainWith(t *testing.T, o Options, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	o.Stdout, o.Stderr = &out, &errb
	code := Main(context.Background(), args, o)
	return result{code, out.String(), errb.String()}
}

// repoRoot walks up to the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// corpusPath returns the shared corpus, or skips the test, or fails it
// when the environment variable CI is set: CI has ../shared, and there a
// missing corpus must not pass as skipped tests (bot/corpustest.Full).
func corpusPath(t testing.TB) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", "data", "hf_daily_corpus.jsonl.gz")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the shared corpus is missing (CI must have ../shared beside the repository): %v", err)
		}
		t.Skipf("shared corpus not found at %s (it lives in ../shared/data next to the repository): %v", p, err)
	}
	return p
}

func writeConfig(t testing.TB, body string) string {
	t.Helper()
	if !hasTopKey(body, "arxiv") {
		// Follow-ups look posted papers up in arXiv's export API: a test
		// that configured no arXiv gets a fake one that knows no paper,
		// so that nothing reaches export.arxiv.org.
		body += "\narxiv: {api_url: " + arxivGuard() + "}\n"
	}
	p := filepath.Join(t.TempDir(), "paperboy.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// arxivGuard is the URL of the fake arXiv export API of tests that
// configured none, started on first use.
var arxivGuard = sync.OnceValue(func() string { return arxivfake.New().APIURL() })

// hasTopKey reports whether the YAML text has key at its top level.
func hasTopKey(body, key string) bool {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, key+":") {
			return true
		}
	}
	return false
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -tags sqlite_fts5 ./cmd/paperboy -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended)\n--- got ---\n%s", p, got)
	}
}

func TestDigestSampleGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "digest", "--source", "sample", "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	golden(t, "digest_sample.golden", r.stdout)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	// Run again: nothing is posted twice, and the reason is one line.
	r = runMain(t, testEnv(), "digest", "--source", "sample", "--db", db)
	want := "console:stdout: nothing posted: the list for Fri 21 Aug 2026 was already posted to this channel (10 papers)\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("second digest: exit %d, stdout %q, want %q", r.code, r.stdout, want)
	}
}

func TestDigestDryRunRecordsNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "digest", "--dry-run", "--source", "sample", "--db", db)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Daily Papers · Fri 21 Aug 2026 · 10 papers\n") {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The real digest afterwards still posts everything.
	r = runMain(t, testEnv(), "digest", "--source", "sample", "--db", db)
	if r.code != 0 || strings.Count(r.stdout, "Hugging Face https://") != 10 {
		t.Fatalf("digest after dry run posted %d papers (exit %d)\n%s", strings.Count(r.stdout, "Hugging Face https://"), r.code, r.stderr)
	}
}

func TestDigestRespectsChannelSettings(t *testing.T) {
	cfg := writeConfig(t, `
channels:
  - platform: console
    id: papers
    max_papers: 3
    min_upvotes: 30
`)
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "digest", "--config", cfg, "--source", "sample", "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "Daily Papers · Fri 21 Aug 2026 · 3 papers\n") {
		t.Fatalf("header: %q", strings.SplitN(r.stdout, "\n", 2)[0])
	}
	// The next day's digest, with the minimum: the remaining papers of the
	// sample have fewer than 30 upvotes except two (32 and 30).
	r = runMain(t, testEnv(), "digest", "--config", cfg, "--source", "sample", "--db", db, "--date", "2026-08-21")
	if r.code != 0 || !strings.Contains(r.stdout, "already posted") {
		t.Fatalf("second: exit %d: %s", r.code, r.stdout)
	}
	r = runMain(t, testEnv(), "digest", "--config", cfg, "--source", "sample", "--db", db, "--channel", "nope")
	if r.code != 2 || !strings.Contains(r.stderr, `no channel "nope"`) {
		t.Fatalf("unknown channel: exit %d: %s", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := runMain(t, testEnv(), "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "paperboy "+version) {
		t.Fatalf("version: %d %q", r.code, r.stdout)
	}
}

func TestUsage(t *testing.T) {
	r := runMain(t, testEnv(), "frobnicate")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", r.code, r.stderr)
	}
	r = runMain(t, testEnv(), "help")
	for _, c := range []string{"run", "digest", "backfill", "ingest", "status", "backup", "version"} {
		if !strings.Contains(r.stdout, "\n  "+c+" ") {
			t.Errorf("help does not list %s", c)
		}
	}
	r = runMain(t, testEnv(), "digest", "--date", "2026-02-30", "--source", "sample", "--db", filepath.Join(t.TempDir(), "x.db"))
	if r.code != 2 || !strings.Contains(r.stderr, `"2026-02-30" is not a date`) {
		t.Fatalf("bad date: %d %q", r.code, r.stderr)
	}
}

func TestRunStopsCleanlyOnSignal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "--source", "sample", "--db", db}, Options{Getenv: testEnv(), Stdout: &out, Stderr: &errb})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "daemon started") {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after a stop signal:\n%s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop")
	}
	if !strings.Contains(errb.String(), "paperboy stopped") {
		t.Errorf("no stop line in the log:\n%s", errb.String())
	}
}
