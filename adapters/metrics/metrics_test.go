package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paperboy-bot/paperboy/bot"
)

// scrape fetches /metrics as Prometheus does and returns each sample by
// its series ("name{label="v",...}", labels as served), and the body.
func scrape(t *testing.T, h http.Handler) (map[string]float64, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "version=0.0.4") {
		t.Errorf("Content-Type %q, want Prometheus's text format", ct)
	}
	return parseSamples(t, rec.Body.String()), rec.Body.String()
}

func parseSamples(t *testing.T, body string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func want(t *testing.T, samples map[string]float64, series string, v float64) {
	t.Helper()
	got, ok := samples[series]
	if !ok {
		t.Errorf("no series %s", series)
		return
	}
	if got != v {
		t.Errorf("%s = %v, want %v", series, got, v)
	}
}

// TestCountersMove: every series of the configured platforms and sources
// is there at zero before anything happens, and each event moves its own
// counter or histogram.
func TestCountersMove(t *testing.T) {
	m := New(Options{Platforms: []string{"console", "slack"}, Chats: []string{"slack"}, Sources: []string{"huggingface", "arxiv"}})
	h := m.Handler()
	s, body := scrape(t, h)
	for _, series := range []string{
		`paperboy_digests_total{outcome="posted",platform="console"}`,
		`paperboy_digests_total{outcome="failed",platform="slack"}`,
		`paperboy_digests_total{outcome="empty",platform="slack"}`,
		`paperboy_items_sent_total{platform="console"}`,
		`paperboy_dms_sent_total{platform="slack"}`,
		`paperboy_platform_retries_total{platform="slack"}`,
		`paperboy_platform_rate_limited_total{platform="slack"}`,
		`paperboy_platform_retry_wait_seconds_total{platform="slack"}`,
		`paperboy_source_fetches_total{source="huggingface"}`,
		`paperboy_source_fetch_errors_total{source="arxiv"}`,
		`paperboy_source_fetch_duration_seconds_count{source="arxiv"}`,
		`paperboy_papers_stored_total{kind="new",source="huggingface"}`,
		`paperboy_elements_skipped_total{source="huggingface"}`,
		`paperboy_search_duration_seconds_count`,
		`paperboy_alert_matching_duration_seconds_count`,
	} {
		want(t, s, series, 0)
	}
	// The Go runtime's and the process's own metrics come along.
	for _, series := range []string{"go_goroutines", "process_start_time_seconds"} {
		if _, ok := s[series]; !ok {
			t.Errorf("no %s:\n%s", series, body)
		}
	}
	for name := range s {
		if !strings.HasPrefix(name, "paperboy_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("metric %s is not named paperboy_…", name)
		}
	}

	m.DigestDone("console", bot.DigestPosted)
	m.DigestDone("slack", bot.DigestFailed)
	m.DigestDone("slack", bot.DigestFailed)
	for range 10 {
		m.ItemSent("console")
	}
	m.DMSent("slack")
	m.RateLimited("slack")
	m.Retried("slack", 1500*time.Millisecond)
	m.Retried("slack", 500*time.Millisecond)
	m.Fetched("huggingface", 300*time.Millisecond, nil)
	m.Fetched("huggingface", 3*time.Second, errors.New("HTTP 503"))
	m.Fetched("arxiv", 40*time.Millisecond, nil)
	m.Stored("huggingface", 17, 3)
	m.Skipped("huggingface", 2)
	m.SearchDone(20 * time.Millisecond)
	m.CommandDone("papers search", 30*time.Millisecond)
	m.CommandDone("papers search", 2*time.Second)
	m.AlertsMatched(7 * time.Millisecond)

	s, _ = scrape(t, h)
	want(t, s, `paperboy_digests_total{outcome="posted",platform="console"}`, 1)
	want(t, s, `paperboy_digests_total{outcome="failed",platform="slack"}`, 2)
	want(t, s, `paperboy_digests_total{outcome="posted",platform="slack"}`, 0)
	want(t, s, `paperboy_items_sent_total{platform="console"}`, 10)
	want(t, s, `paperboy_dms_sent_total{platform="slack"}`, 1)
	if _, ok := s[`paperboy_dms_sent_total{platform="console"}`]; ok {
		t.Errorf("direct messages counted for the console, which sends none")
	}
	want(t, s, `paperboy_platform_rate_limited_total{platform="slack"}`, 1)
	want(t, s, `paperboy_platform_retries_total{platform="slack"}`, 2)
	want(t, s, `paperboy_platform_retry_wait_seconds_total{platform="slack"}`, 2)
	want(t, s, `paperboy_source_fetches_total{source="huggingface"}`, 2)
	want(t, s, `paperboy_source_fetch_errors_total{source="huggingface"}`, 1)
	want(t, s, `paperboy_source_fetch_errors_total{source="arxiv"}`, 0)
	want(t, s, `paperboy_source_fetch_duration_seconds_bucket{source="huggingface",le="0.5"}`, 1)
	want(t, s, `paperboy_source_fetch_duration_seconds_bucket{source="huggingface",le="5"}`, 2)
	want(t, s, `paperboy_source_fetch_duration_seconds_sum{source="huggingface"}`, 3.3)
	want(t, s, `paperboy_papers_stored_total{kind="new",source="huggingface"}`, 17)
	want(t, s, `paperboy_papers_stored_total{kind="updated",source="huggingface"}`, 3)
	want(t, s, `paperboy_elements_skipped_total{source="huggingface"}`, 2)
	want(t, s, `paperboy_search_duration_seconds_count`, 1)
	want(t, s, `paperboy_search_duration_seconds_bucket{le="0.025"}`, 1)
	want(t, s, `paperboy_search_duration_seconds_bucket{le="0.01"}`, 0)
	want(t, s, `paperboy_command_duration_seconds_count{command="papers search"}`, 2)
	want(t, s, `paperboy_command_duration_seconds_bucket{command="papers search",le="1"}`, 1)
	want(t, s, `paperboy_alert_matching_duration_seconds_count`, 1)
	if _, ok := s[`paperboy_source_last_success_timestamp_seconds{source="huggingface"}`]; !ok {
		t.Errorf("no time of the last successful fetch")
	}
}

// TestPrivateRegistry: two sets of metrics live side by side (no
// duplicate registration), and nothing lands in client_golang's global
// registry.
func TestPrivateRegistry(t *testing.T) {
	a := New(Options{Platforms: []string{"console"}})
	b := New(Options{Platforms: []string{"console"}})
	a.ItemSent("console")
	sa, _ := scrape(t, a.Handler())
	sb, _ := scrape(t, b.Handler())
	want(t, sa, `paperboy_items_sent_total{platform="console"}`, 1)
	want(t, sb, `paperboy_items_sent_total{platform="console"}`, 0)
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "paperboy_") {
			t.Errorf("%s is in the global registry", f.GetName())
		}
	}
}

// opsStore is a bot.OpsStore with fixed answers.
type opsStore struct {
	mu      sync.Mutex
	backlog []bot.Backlog
	last    map[bot.ChannelRef]time.Time
	size    int64
	err     error
}

func (s *opsStore) DeliveryBacklog(context.Context) ([]bot.Backlog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.backlog, s.err
}
func (s *opsStore) LastPosts(context.Context) (map[bot.ChannelRef]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.err
}
func (s *opsStore) Size() (int64, error)                    { return s.size, nil }
func (s *opsStore) CheckWritable(ctx context.Context) error { return nil }

// TestStoreGauges: the backlog, the size and each channel's last digest
// are read from the store at each scrape; a store that fails leaves its
// gauges out of that scrape (with a warning) and the rest is served.
func TestStoreGauges(t *testing.T) {
	posted := time.Date(2026, 8, 21, 9, 0, 1, 500_000_000, time.UTC)
	st := &opsStore{
		backlog: []bot.Backlog{{Platform: "slack", Kind: "channel", Rows: 3}, {Platform: "slack", Kind: "dm", Rows: 1}},
		last:    map[bot.ChannelRef]time.Time{{Platform: "slack", ID: "C0123"}: posted},
		size:    123456,
	}
	var logs bytes.Buffer
	m := New(Options{Store: st, Platforms: []string{"console", "slack"}, Chats: []string{"slack"}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	s, _ := scrape(t, m.Handler())
	want(t, s, `paperboy_delivery_backlog{kind="channel",platform="slack"}`, 3)
	want(t, s, `paperboy_delivery_backlog{kind="dm",platform="slack"}`, 1)
	want(t, s, `paperboy_delivery_backlog{kind="channel",platform="console"}`, 0)
	want(t, s, `paperboy_database_size_bytes`, 123456)
	want(t, s, `paperboy_last_digest_timestamp_seconds{channel="C0123",platform="slack"}`, 1787302801.5)

	st.mu.Lock()
	st.backlog, st.size = nil, 200000
	st.mu.Unlock()
	s, _ = scrape(t, m.Handler())
	want(t, s, `paperboy_delivery_backlog{kind="channel",platform="slack"}`, 0)
	want(t, s, `paperboy_database_size_bytes`, 200000)

	st.mu.Lock()
	st.err = errors.New("store: database is locked")
	st.mu.Unlock()
	m.ItemSent("slack")
	s, _ = scrape(t, m.Handler())
	want(t, s, `paperboy_items_sent_total{platform="slack"}`, 1)
	want(t, s, `paperboy_database_size_bytes`, 200000)
	if _, ok := s[`paperboy_last_digest_timestamp_seconds{channel="C0123",platform="slack"}`]; ok {
		t.Errorf("a gauge the store could not read is served")
	}
	if !strings.Contains(logs.String(), "database is locked") || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the failed read is not logged: %q", logs.String())
	}
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestSourcesCheck: the source check fails when a source that is still
// fetched has not answered for 3 poll intervals, and names it.
func TestSourcesCheck(t *testing.T) {
	const poll = 30 * time.Minute
	c := &clock{t: time.Date(2026, 8, 24, 8, 0, 0, 0, time.UTC)}
	m := New(Options{Now: c.now})
	check := m.SourcesCheck(3 * poll)
	ok := func(what string) {
		t.Helper()
		if err := check(context.Background()); err != nil {
			t.Errorf("%s: %v, want ready", what, err)
		}
	}
	fails := func(what string, words ...string) {
		t.Helper()
		err := check(context.Background())
		if err == nil {
			t.Errorf("%s: ready, want not", what)
			return
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", what, err, w)
			}
		}
	}
	ok("just started, nothing fetched yet")
	m.Fetched("huggingface", time.Second, errors.New("HTTP 503"))
	ok("the first fetch failed, 0 s after the start")
	c.add(poll)
	m.Fetched("huggingface", time.Second, nil)
	m.Fetched("arxiv", time.Second, nil)
	ok("both answered")
	for range 3 {
		c.add(poll)
		m.Fetched("huggingface", time.Second, errors.New("HTTP 503: Service Unavailable"))
		m.Fetched("arxiv", time.Second, nil)
	}
	ok("Hugging Face failing for exactly 3 poll intervals")
	c.add(time.Minute)
	m.Fetched("huggingface", time.Second, errors.New("HTTP 503: Service Unavailable"))
	fails("Hugging Face failing for longer", "huggingface: last successful fetch 1h31m0s ago", "HTTP 503", "1h30m0s")
	if err := check(context.Background()); err != nil && strings.Contains(err.Error(), "arxiv") {
		t.Errorf("the source that answers is named: %v", err)
	}
	m.Fetched("huggingface", time.Second, nil)
	ok("Hugging Face answers again")

	// A source no longer fetched (its channels left) does not count; no
	// fetch at all for 3 poll intervals does.
	c.add(2 * poll)
	m.Fetched("arxiv", time.Second, nil)
	c.add(2 * poll)
	ok("Hugging Face no longer fetched, arXiv fetched an hour ago")
	c.add(2 * poll)
	fails("nothing fetched for 2 hours", "no source was fetched in the last 1h30m0s")

	// A process whose first fetches all fail: ready during the first 3
	// poll intervals only.
	c2 := &clock{t: time.Date(2026, 8, 24, 8, 0, 0, 0, time.UTC)}
	m2 := New(Options{Now: c2.now})
	for range 4 {
		m2.Fetched("arxiv", time.Second, errors.New("connection refused"))
		if err := m2.SourcesCheck(3 * poll)(context.Background()); err != nil {
			t.Errorf("failing since %s after the start: %v", c2.now().Sub(time.Date(2026, 8, 24, 8, 0, 0, 0, time.UTC)), err)
		}
		c2.add(poll)
	}
	m2.Fetched("arxiv", time.Second, errors.New("connection refused"))
	if err := m2.SourcesCheck(3 * poll)(context.Background()); err == nil ||
		!strings.Contains(err.Error(), "arxiv: no successful fetch since paperboy started 2h0m0s ago; the last one failed: connection refused") {
		t.Errorf("never answered in 2 hours: %v", err)
	}
}

// TestReadyz: 200 with every check "ok"; 503 naming the failed checks,
// each with its reason; a check that hangs fails on time.
func TestReadyz(t *testing.T) {
	var dbErr error
	var mu sync.Mutex
	checks := []Check{
		{Name: "database", Run: func(context.Context) error { mu.Lock(); defer mu.Unlock(); return dbErr }},
		{Name: "platform:slack", Run: func(context.Context) error { return nil }},
	}
	m := New(Options{})
	srv := httptest.NewServer(m.Mux(checks))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, body := get("/readyz")
	if code != 200 || !strings.Contains(body, `"status": "ready"`) || !strings.Contains(body, `"database": "ok"`) || strings.Contains(body, "failed") {
		t.Errorf("/readyz, all well: %d %s", code, body)
	}
	mu.Lock()
	dbErr = errors.New("store: /data/paperboy.db is read-only (mode 0444)")
	mu.Unlock()
	code, body = get("/readyz")
	if code != 503 || !strings.Contains(body, `"failed": [
    "database"
  ]`) || !strings.Contains(body, `"database": "store: /data/paperboy.db is read-only (mode 0444)"`) ||
		!strings.Contains(body, `"platform:slack": "ok"`) {
		t.Errorf("/readyz, database read-only: %d %s", code, body)
	}
	if code, _ := get("/nothing"); code != 404 {
		t.Errorf("/nothing: %d", code)
	}

	hang := Check{Name: "platform:discord", Run: func(ctx context.Context) error { <-ctx.Done(); time.Sleep(time.Second); return nil }}
	start := time.Now()
	r := Ready(context.Background(), []Check{checks[1], hang}, 200*time.Millisecond)
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Errorf("Ready waited %s for a check that hangs, want about 200ms", took)
	}
	if r.Status != "not ready" || len(r.Failed) != 1 || r.Failed[0] != "platform:discord" ||
		r.Checks["platform:discord"] != "no answer within 200ms" || r.Checks["platform:slack"] != "ok" {
		t.Errorf("a check that hangs: %+v", r)
	}
}
