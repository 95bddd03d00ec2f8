package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary's daemon with its operations endpoints
// and look at them as Prometheus, a load balancer or an operator would.

var servingLine = regexp.MustCompile(`msg="http: serving /metrics, /healthz and /readyz" listen=(\S+)`)

// opsAddr waits for the daemon to say where it serves the endpoints.
func opsAddr(t *testing.T, stderr *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon does not serve the endpoints:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// samples scrapes /metrics and returns each series' value.
func samples(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	code, body := httpGet(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func stopBinary(t *testing.T, cmd *exec.Cmd, stderr *syncBuffer) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("daemon still running 15 s after SIGTERM:\n%s", stderr.String())
	}
}

const (
	postedConsole = `paperboy_digests_total{outcome="posted",platform="console"}`
	itemsConsole  = `paperboy_items_sent_total{platform="console"}`
)

// TestOpsEndpoints (issue 16, points 1 and 8): `run` with --listen serves
// /metrics whose counters move when the console channel's digest is
// posted, /healthz, and /readyz, which turns 503 naming the database when
// its file is made read-only and 200 again when it is writable; the
// endpoints stop with the daemon.
func TestOpsEndpoints(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	// Monday, five seconds before the default channel's 09:00: it posts
	// Friday's list (the sample's), ten papers.
	start := time.Date(2026, 8, 24, 8, 59, 55, 0, time.UTC)
	cmd, stdout, stderr := startBinaryEnv(t, []string{"PAPERBOY_TEST_NOW=" + start.Format(time.RFC3339)},
		"run", "--source", "sample", "--db", db, "--listen", "127.0.0.1:0")
	var printed syncBuffer
	go io.Copy(&printed, stdout)
	addr := opsAddr(t, stderr)
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("serving on %q, want 127.0.0.1 and the port it got", addr)
	}

	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	before := samples(t, addr)
	for _, s := range []string{postedConsole, itemsConsole, `paperboy_digests_total{outcome="failed",platform="console"}`} {
		if v, ok := before[s]; !ok || v != 0 {
			t.Errorf("before 09:00: %s = %v (present %v), want 0", s, v, ok)
		}
	}

	var after map[string]float64
	deadline := time.Now().Add(30 * time.Second)
	for {
		after = samples(t, addr)
		if after[postedConsole] >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no digest posted 30 s after 09:00:\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for series, v := range map[string]float64{
		postedConsole: 1,
		itemsConsole:  10,
		`paperboy_digests_total{outcome="failed",platform="console"}`: 0,
		// The start's poll stored the 17 papers of Friday's list.
		`paperboy_papers_stored_total{kind="new",source="sample"}`:     17,
		`paperboy_source_fetch_errors_total{source="sample"}`:          0,
		`paperboy_delivery_backlog{kind="channel",platform="console"}`: 0,
	} {
		if got, ok := after[series]; !ok || got != v {
			t.Errorf("after the digest: %s = %v (present %v), want %v", series, got, ok, v)
		}
	}
	if n := after[`paperboy_source_fetches_total{source="sample"}`]; n < 2 {
		t.Errorf("%v fetches from the sample, want the poll's and the digest's", n)
	}
	if n := after[`paperboy_source_fetch_duration_seconds_count{source="sample"}`]; n != after[`paperboy_source_fetches_total{source="sample"}`] {
		t.Errorf("%v fetch durations for %v fetches", n, after[`paperboy_source_fetches_total{source="sample"}`])
	}
	last := after[`paperboy_last_digest_timestamp_seconds{channel="stdout",platform="console"}`]
	nine := float64(time.Date(2026, 8, 24, 9, 0, 0, 0, time.UTC).Unix())
	if last < nine || last > nine+60 {
		t.Errorf("last digest at %v, want just after %v (09:00 on the bot's clock)", last, nine)
	}
	if fi, err := os.Stat(db); err != nil || after["paperboy_database_size_bytes"] < float64(fi.Size()) {
		t.Errorf("database size %v, the file alone has %d bytes (%v)", after["paperboy_database_size_bytes"], fi.Size(), err)
	}
	if _, ok := after["process_resident_memory_bytes"]; !ok {
		t.Errorf("no process metrics")
	}
	if !strings.Contains(printed.String(), "Daily Papers · Fri 21 Aug 2026 · 10 papers") {
		t.Errorf("the thread was not printed:\n%s", printed.String())
	}

	ready := func() (int, readiness) {
		t.Helper()
		code, body := httpGet(t, "http://"+addr+"/readyz")
		var r readiness
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("/readyz body %q: %v", body, err)
		}
		return code, r
	}
	if code, r := ready(); code != 200 || r.Status != "ready" || r.Checks["database"] != "ok" || r.Checks["sources"] != "ok" || len(r.Failed) != 0 {
		t.Errorf("/readyz: %d %+v", code, r)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	code, r := ready()
	if code != 503 || r.Status != "not ready" || len(r.Failed) != 1 || r.Failed[0] != "database" ||
		!strings.Contains(r.Checks["database"], "p.db is read-only (mode 0444)") || r.Checks["sources"] != "ok" {
		t.Errorf("/readyz with the database read-only: %d %+v", code, r)
	}
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, r := ready(); code != 200 || r.Checks["database"] != "ok" {
		t.Errorf("/readyz with the database writable again: %d %+v", code, r)
	}

	stopBinary(t, cmd, stderr)
	if _, err := (&http.Client{Timeout: time.Second}).Get("http://" + addr + "/healthz"); err == nil {
		t.Errorf("the endpoints still answer after the daemon stopped")
	}
	if strings.Contains(stderr.String(), "non-loopback") {
		t.Errorf("a warning about a non-loopback address for 127.0.0.1:\n%s", stderr.String())
	}
}

// readiness is /readyz's JSON body.
type readiness struct {
	Status string            `json:"status"`
	Failed []string          `json:"failed"`
	Checks map[string]string `json:"checks"`
}

// TestOpsNonLoopbackWarns: http.listen on every interface serves the
// endpoints and logs one warning at start saying so; without http.listen
// or --listen, nothing is served.
func TestOpsNonLoopbackWarns(t *testing.T) {
	cfg := writeConfig(t, "http:\n  listen: \"0.0.0.0:0\"\n")
	db := filepath.Join(t.TempDir(), "p.db")
	cmd, stdout, stderr := startBinary(t, "run", "--source", "sample", "--db", db, "--config", cfg)
	go io.Copy(io.Discard, stdout)
	addr := opsAddr(t, stderr)
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := httpGet(t, "http://127.0.0.1:"+port+"/healthz"); code != 200 {
		t.Errorf("/healthz on 0.0.0.0: %d", code)
	}
	samples(t, "127.0.0.1:"+port)
	stopBinary(t, cmd, stderr)
	logs := stderr.String()
	if n := strings.Count(logs, "non-loopback address"); n != 1 || !strings.Contains(logs, "level=WARN msg=\"http: /metrics, /healthz and /readyz are served on a non-loopback address") {
		t.Errorf("%d warnings about the non-loopback address, want one:\n%s", n, logs)
	}

	// Off by default.
	cmd, stdout, stderr = startBinary(t, "run", "--source", "sample", "--db", filepath.Join(t.TempDir(), "q.db"))
	go io.Copy(io.Discard, stdout)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "daemon started") {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopBinary(t, cmd, stderr)
	if strings.Contains(stderr.String(), "http: serving") {
		t.Errorf("the endpoints are served without http.listen:\n%s", stderr.String())
	}
}

// TestListenRefused: a listen address that is not host:port, or that is
// Slack's HTTP-mode address, stops paperboy at start naming the key or
// flag (exit code 2).
func TestListenRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	for _, tc := range []struct {
		cfg  string
		args []string
		want string
	}{
		{"http:\n  listen: \"9090\"\n", nil, `config: http.listen: "9090" is not host:port (e.g. 127.0.0.1:9090)`},
		{"http:\n  listen: \"127.0.0.1:99999\"\n", nil, `config: http.listen: "127.0.0.1:99999": the port "99999" is not a number from 0 to 65535`},
		{"http:\n  lisen: \"127.0.0.1:9090\"\n", nil, `config: http.lisen: unknown key (line 2); did you mean "listen"?`},
		{"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  signing_secret: ${SLACK_SIGNING_SECRET}\n  mode: http\n  listen: \":3000\"\nhttp:\n  listen: \"127.0.0.1:3000\"\n", nil,
			`config: http.listen: "127.0.0.1:3000" is also slack.listen`},
		{"", []string{"--listen", "localhost"}, `invalid value "localhost" for flag -listen: "localhost" is not host:port`},
	} {
		args := append([]string{"run", "--source", "sample", "--db", db, "--config", writeConfig(t, tc.cfg)}, tc.args...)
		r := runMain(t, testEnv("SLACK_BOT_TOKEN", fakeSlackBot, "SLACK_SIGNING_SECRET", "s3cret-signing"), args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q %v: exit %d\n%s\nwant %q", tc.cfg, tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestOpsWithSlack: with Slack in HTTP mode, /readyz checks that Slack
// receives commands, the Slack series are there from the start, and the
// endpoints are on their own listener, not on Slack's public one.
func TestOpsWithSlack(t *testing.T) {
	d := startSlackHTTPDaemon(t, testEnv("SLACK_BOT_TOKEN", fakeSlackBot, "SLACK_SIGNING_SECRET", "s3cret-signing"), "", "--listen", "127.0.0.1:0")
	addr := opsAddr(t, d.errb)
	var r readiness
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := httpGet(t, "http://"+addr+"/readyz")
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("/readyz body %q: %v", body, err)
		}
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 10 s after the start: %d %s", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r.Checks["platform:slack"] != "ok" || r.Checks["database"] != "ok" {
		t.Errorf("/readyz: %+v, want the Slack check", r)
	}
	s := samples(t, addr)
	for _, series := range []string{`paperboy_dms_sent_total{platform="slack"}`, `paperboy_platform_rate_limited_total{platform="slack"}`,
		`paperboy_digests_total{outcome="posted",platform="slack"}`, `paperboy_delivery_backlog{kind="dm",platform="slack"}`} {
		if v, ok := s[series]; !ok || v != 0 {
			t.Errorf("%s = %v (present %v), want 0", series, v, ok)
		}
	}
	if code, _ := httpGet(t, "http://"+d.addr+"/metrics"); code != 404 {
		t.Errorf("Slack's public listener answers /metrics: %d", code)
	}
}
