package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// The week backfilled: submission days Mon 18 to Sun 24 Nov 2024 (UTC),
// long final.
var (
	bfFrom = bot.Date{Year: 2024, Month: time.November, Day: 18}
	bfTo   = bot.Date{Year: 2024, Month: time.November, Day: 24}
)

const bfInterval = 40 * time.Millisecond

// newBackfillArxiv starts a fake arXiv whose corpus covers the week for
// cs.CL and cs.LG (the announcement days from the 18th to the 26th, each
// holding the papers submitted in its window: from 14:00 New York time
// two weekdays before to 14:00 the weekday before), checking arXiv's
// terms at interval, the client's min_interval. It returns the fake and
// a config pointing at it.
func newBackfillArxiv(t *testing.T, interval time.Duration, retries int) (*arxivfake.Server, string) {
	t.Helper()
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	// The fake times arrivals, the client spaces starts: on a loaded
	// machine a request can arrive tens of milliseconds late, so the next
	// one seems early. Half the interval of slack still catches any
	// request sent without waiting (the client's spacing itself is tested
	// with an injected clock in adapters/arxiv); TestBackfillArxivWeek
	// also checks the run's total time.
	ax.SetMinInterval(interval, interval/2)
	ax.GenerateDays(arxivfake.GenOptions{Cats: []string{"cs.CL", "cs.LG"}, N: 60, Seed: 7}, bfFrom, bfTo.AddDays(2))
	cfg := writeConfig(t, fmt.Sprintf(`
arxiv:
  contact: ops@example.org
  rss_url: %s
  api_url: %s
  oai_url: %s
  min_interval: %s
  max_retries: %d
`, ax.URL(), ax.APIURL(), ax.OAIURL(), interval, retries))
	return ax, cfg
}

// wantPapers returns the ids of the fake's papers submitted from from to
// to (UTC days) in one of cats (a category, or an archive with ".*").
func wantPapers(ax *arxivfake.Server, from, to bot.Date, cats ...string) map[string][]string {
	out := map[string][]string{}
	for _, p := range ax.Papers() {
		d := bot.DateOf(p.Submitted.UTC())
		if p.Deleted || d.Before(from) || d.After(to) {
			continue
		}
		if slices.ContainsFunc(p.Categories, func(c string) bool {
			return slices.ContainsFunc(cats, func(w string) bool {
				pre, wild := strings.CutSuffix(w, ".*")
				return c == w || wild && strings.HasPrefix(c, pre+".")
			})
		}) {
			out[p.ID] = p.Categories
		}
	}
	return out
}

// submittedDays returns the first day of the submittedDate range of each
// API request, in order.
func submittedDays(t *testing.T, reqs []arxivfake.Request) []string {
	t.Helper()
	re := regexp.MustCompile(`submittedDate:\[(\d{8})`)
	var out []string
	for _, r := range reqs {
		v, _ := url.ParseQuery(r.Query)
		m := re.FindStringSubmatch(v.Get("search_query"))
		if r.Route != arxivfake.RouteAPI || m == nil {
			t.Fatalf("request %d is not a day query: %s %s", r.Seq, r.Path, r.Query)
		}
		out = append(out, m[1])
	}
	return out
}

// tableRows counts the rows of a table of the store at dbPath.
func tableRows(t *testing.T, dbPath, table string) int {
	t.Helper()
	n := countRows(t, dbPath, "SELECT count(*) FROM "+table)
	if n < 0 {
		t.Fatalf("cannot count %s", table)
	}
	return n
}

func noViolations(t *testing.T, ax *arxivfake.Server) {
	t.Helper()
	for _, v := range ax.Violations() {
		t.Errorf("violation of arXiv's terms: request %d %s: %s", v.Seq, v.Kind, v.Detail)
	}
}

func TestBackfillArxivWeek(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, bfInterval, 0)
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db}
	want := wantPapers(ax, bfFrom, bfTo, "cs.CL", "cs.LG")
	if len(want) < 100 {
		t.Fatalf("the fake has only %d papers for the week", len(want))
	}

	began := time.Now()
	r := runMain(t, testEnv(), args...)
	took := time.Since(began)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	days := submittedDays(t, ax.Requests())
	if got := strings.Join(days, " "); got != "20241118 20241119 20241120 20241121 20241122 20241123 20241124" {
		t.Fatalf("asked for days %q, want one request per day", got)
	}
	q, _ := url.ParseQuery(ax.Requests()[0].Query)
	if got := q.Get("search_query"); got != "(cat:cs.CL OR cat:cs.LG) AND submittedDate:[202411180000 TO 202411182359]" {
		t.Errorf("search_query %q", got)
	}
	if q.Get("max_results") != "2000" || q.Get("sortBy") != "submittedDate" || q.Get("sortOrder") != "ascending" {
		t.Errorf("paging parameters %v", q)
	}
	noViolations(t, ax)
	if min := 6 * bfInterval; took < min {
		t.Errorf("7 requests in %v: less than 6 intervals", took)
	}
	if n := len(regexp.MustCompile(`msg=backfilled`).FindAllString(r.stderr, -1)); n != 7 {
		t.Errorf("%d log lines, want one per day:\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, "eta=") {
		t.Errorf("the log lines give no ETA:\n%s", r.stderr)
	}
	wantOut := fmt.Sprintf("backfill arxiv:cs.CL,cs.LG 2024-11-18 to 2024-11-24: 7 days, %d papers stored (%d new), 0 entries skipped, 0 days already complete, 7 requests\n", len(want), len(want))
	if r.stdout != wantOut {
		t.Errorf("stdout %q\nwant   %q", r.stdout, wantOut)
	}

	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(context.Background())
	if st.Papers != len(want) {
		t.Errorf("store holds %d papers, want %d", st.Papers, len(want))
	}
	checked := 0
	for id, cats := range want {
		p, err := s.GetPaper(context.Background(), id)
		if err != nil {
			t.Fatalf("paper %s: %v", id, err)
		}
		if !slices.Equal(p.Categories, cats) {
			t.Errorf("paper %s: categories %v, want %v", id, p.Categories, cats)
		}
		if checked++; checked == 20 {
			break
		}
	}
	s.Close()
	// Never alerts, never posted: nothing queued for alerts, no
	// announcement day, no list, no delivery.
	for _, table := range []string{"alert_queue", "announcements", "lists", "deliveries"} {
		if n := tableRows(t, db, table); n != 0 {
			t.Errorf("%s has %d rows after a backfill", table, n)
		}
	}
	if n := tableRows(t, db, "backfill_slices"); n != 7 {
		t.Errorf("%d finished slices recorded, want 7", n)
	}

	// Again: no request, nothing new.
	ax.ClearRequests()
	r = runMain(t, testEnv(), args...)
	if r.code != 0 || len(ax.Requests()) != 0 {
		t.Fatalf("second run: exit %d, %d requests\n%s", r.code, len(ax.Requests()), r.stderr)
	}
	wantOut = "backfill arxiv:cs.CL,cs.LG 2024-11-18 to 2024-11-24: 7 days, 0 papers stored (0 new), 0 entries skipped, 7 days already complete, 0 requests\n"
	if r.stdout != wantOut {
		t.Errorf("second run: stdout %q\nwant %q", r.stdout, wantOut)
	}

	// The categories in another order are the same slices; a whole
	// archive is other slices, asked as cat:cs.*.
	r = runMain(t, testEnv(), "backfill", "--source", "arxiv:cs.LG,cs.CL", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db)
	if r.code != 0 || len(ax.Requests()) != 0 {
		t.Fatalf("reordered categories: exit %d, %d requests\n%s", r.code, len(ax.Requests()), r.stderr)
	}
	time.Sleep(bfInterval)
	r = runMain(t, testEnv(), "backfill", "--source", "arxiv:cs", "--from", "2024-11-20", "--to", "2024-11-20", "--config", cfg, "--db", db)
	if r.code != 0 || len(ax.Requests()) != 1 {
		t.Fatalf("archive: exit %d, %d requests\n%s", r.code, len(ax.Requests()), r.stderr)
	}
	q, _ = url.ParseQuery(ax.Requests()[0].Query)
	if got := q.Get("search_query"); got != "cat:cs.* AND submittedDate:[202411200000 TO 202411202359]" {
		t.Errorf("archive search_query %q", got)
	}
	day := bot.Date{Year: 2024, Month: time.November, Day: 20}
	if n := len(wantPapers(ax, day, day, "cs.*")); !strings.Contains(r.stdout, fmt.Sprintf(": 1 days, %d papers stored", n)) {
		t.Errorf("archive: stdout %q, want %d papers", r.stdout, n)
	}
	noViolations(t, ax)
}

// TestBackfillArxivResumesAfterFailure: the third request fails, the run
// stops saying how to resume, and the same command fetches only the days
// not finished.
func TestBackfillArxivResumesAfterFailure(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, bfInterval, 0)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, Skip: 2, Times: 1, Status: http.StatusInternalServerError})
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db}
	r := runMain(t, testEnv(), args...)
	if r.code != 1 || !strings.Contains(r.stderr, "paperboy backfill: arxiv:cs.CL,cs.LG day 2024-11-20: ") ||
		!strings.Contains(r.stderr, "HTTP 500") || !strings.HasSuffix(r.stderr, "(run the same command again to resume)\n") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := tableRows(t, db, "backfill_slices"); n != 2 {
		t.Fatalf("%d slices recorded, want the 2 before the failure", n)
	}
	ax.ClearRequests()
	r = runMain(t, testEnv(), args...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if got := strings.Join(submittedDays(t, ax.Requests()), " "); got != "20241120 20241121 20241122 20241123 20241124" {
		t.Errorf("resume asked for %q, want only the 5 unfinished days", got)
	}
	if !strings.Contains(r.stdout, ", 2 days already complete, 5 requests\n") {
		t.Errorf("resume: stdout %q", r.stdout)
	}
	noViolations(t, ax)
	want := wantPapers(ax, bfFrom, bfTo, "cs.CL", "cs.LG")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(context.Background()); st.Papers != len(want) {
		t.Errorf("store holds %d papers, want %d", st.Papers, len(want))
	}
}

// TestBackfillArxivCancelled: Ctrl-C (the context ends) mid-run stops with
// how to resume; the next run does not fetch the finished days again.
func TestBackfillArxivCancelled(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, 100*time.Millisecond, 0)
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(ax.Requests()) < 3 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // the third answered, the fourth waiting for its turn
		cancel()
	}()
	var out, errb bytes.Buffer
	code := Main(ctx, args, Options{Getenv: testEnv(), Stdout: &out, Stderr: &errb})
	if code != 1 || !strings.Contains(errb.String(), "stopped at 2024-11-2") || !strings.HasSuffix(errb.String(), "; run the same command again to resume\n") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	done := tableRows(t, db, "backfill_slices")
	if done < 2 || done > 4 {
		t.Fatalf("%d slices recorded after 3 requests", done)
	}
	first := len(ax.Requests())
	time.Sleep(100 * time.Millisecond)
	r := runMain(t, testEnv(), args...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	days := submittedDays(t, ax.Requests()[first:])
	if len(days) != 7-done || days[0] != strings.ReplaceAll(bfFrom.AddDays(done).String(), "-", "") {
		t.Errorf("resume after %d finished days asked for %v", done, days)
	}
	noViolations(t, ax)
}

// TestBackfillArxivKilled kills the real process (SIGKILL) mid-run; the
// same command then fetches only the days not recorded as finished.
func TestBackfillArxivKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary")
	}
	ax, cfg := newBackfillArxiv(t, 150*time.Millisecond, 0)
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db}
	cmd, _, stderr := startBinary(t, args...)
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(stderr.String(), "msg=backfilled") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no progress:\n%s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	done := tableRows(t, db, "backfill_slices")
	if done < 2 || done == 7 {
		t.Fatalf("%d slices recorded when killed", done)
	}
	first := len(ax.Requests())
	time.Sleep(150 * time.Millisecond)
	r := runMain(t, testEnv(), args...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	days := submittedDays(t, ax.Requests()[first:])
	if len(days) != 7-done {
		t.Errorf("resume after %d finished days asked for %v", done, days)
	}
	finished := map[string]bool{}
	for _, d := range submittedDays(t, ax.Requests()[:done]) {
		finished[d] = true
	}
	for _, d := range days {
		if finished[d] {
			t.Errorf("day %s fetched again after it was recorded as finished", d)
		}
	}
	noViolations(t, ax)
	want := wantPapers(ax, bfFrom, bfTo, "cs.CL", "cs.LG")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(context.Background()); st.Papers != len(want) {
		t.Errorf("store holds %d papers, want %d", st.Papers, len(want))
	}
}

// TestBackfillArxivRetryAfter: a 503 with Retry-After is waited out (no
// request before its end), then the run completes.
func TestBackfillArxivRetryAfter(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, bfInterval, 2)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, Skip: 1, Times: 1, RetryAfter: time.Second})
	db := filepath.Join(t.TempDir(), "p.db")
	began := time.Now()
	r := runMain(t, testEnv(), "backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", bfFrom.String(), "--to", bfFrom.AddDays(2).String(), "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if took := time.Since(began); took < time.Second {
		t.Errorf("done in %v: the Retry-After of 1s was not waited for", took)
	}
	reqs := ax.Requests()
	if len(reqs) != 4 || reqs[1].Status != http.StatusServiceUnavailable {
		t.Errorf("%d requests, the second answered %d; want 4 with one 503", len(reqs), reqs[1].Status)
	}
	noViolations(t, ax)
}

// TestBackfillArxivError: arXiv's error answer (HTTP 400) is one line
// naming arXiv's message, exit 1, and the slice is not recorded.
func TestBackfillArxivError(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, bfInterval, 0)
	ax.SetAPIAnswer("search_query", "cat:cs.CL AND submittedDate:[202411190000 TO 202411192359]", http.StatusBadRequest, arxivfake.Fixture("query_error_400.atom"))
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "backfill", "--source", "arxiv:cs.CL", "--from", bfFrom.String(), "--to", bfTo.String(), "--config", cfg, "--db", db)
	want := "paperboy backfill: arxiv:cs.CL day 2024-11-19: arXiv api error incorrect_id_format_for_abc: incorrect id format for abc\n"
	if r.code != 1 || r.stderr[strings.LastIndex(r.stderr[:len(r.stderr)-1], "\n")+1:] != want {
		t.Fatalf("exit %d, stderr:\n%s\nwant last line %q", r.code, r.stderr, want)
	}
	if strings.Count(r.stderr, "arXiv api error") != 1 {
		t.Errorf("the error is not one line:\n%s", r.stderr)
	}
	if n := tableRows(t, db, "backfill_slices"); n != 1 {
		t.Errorf("%d slices recorded, want only the day before the error", n)
	}
}

// TestBackfillArxivSplitsLargeDays: a day with more results than the
// export API pages through is split by time of submission, and still
// stored whole; pages follow start.
func TestBackfillArxivSplitsLargeDays(t *testing.T) {
	ax, cfg := newBackfillArxiv(t, 5*time.Millisecond, 0)
	day := bot.Date{Year: 2024, Month: time.November, Day: 20}
	want := wantPapers(ax, day, day, "cs.CL", "cs.LG")
	if len(want) <= 20 {
		t.Fatalf("only %d papers on %s: no split needed", len(want), day)
	}
	db := filepath.Join(t.TempDir(), "p.db")
	// The export API's paging made small: 7 a page, 20 results a query.
	r := runMainWith(t, Options{Getenv: testEnv(), ArxivPageSize: 7, ArxivResultLimit: 20},
		"backfill", "--source", "arxiv:cs.CL,cs.LG", "--from", day.String(), "--to", day.String(), "--config", cfg, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("1 days, %d papers stored", len(want))) {
		t.Fatalf("exit %d\nstdout %s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "splitting a slice") {
		t.Errorf("no split logged:\n%s", r.stderr)
	}
	for _, rq := range ax.Requests() {
		q, _ := url.ParseQuery(rq.Query)
		start, _ := strconv.Atoi(q.Get("start"))
		n, _ := strconv.Atoi(q.Get("max_results"))
		if n < 1 || n > 7 || start+n > 20 {
			t.Errorf("request %d: start %d, max_results %d: past the page size 7 or the limit 20", rq.Seq, start, n)
		}
		if rq.Status != http.StatusOK {
			t.Errorf("request %d answered %d", rq.Seq, rq.Status)
		}
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(context.Background()); st.Papers != len(want) {
		t.Errorf("store holds %d papers, want %d", st.Papers, len(want))
	}
}

func TestBackfillArxivCatQuery(t *testing.T) {
	for _, tt := range []struct {
		cats []string
		want string
	}{
		{[]string{"cs.CL"}, "cat:cs.CL"},
		{[]string{"cs.CL", "cs.LG"}, "(cat:cs.CL OR cat:cs.LG)"},
		{[]string{"cs"}, "cat:cs.*"},
		{[]string{"math", "q-bio.BM"}, "(cat:math.* OR cat:q-bio.BM)"},
	} {
		if got := arxiv.CategoryQuery(tt.cats); got != tt.want {
			t.Errorf("CategoryQuery(%v) = %q, want %q", tt.cats, got, tt.want)
		}
	}
	if arxivBackfillKey([]string{"cs.LG", "cs.CL"}) != arxivBackfillKey([]string{"cs.CL", "cs.LG"}) {
		t.Error("the key depends on the order of the categories")
	}
}

// TestBackfillProgressETA: on a terminal the bar shows the count and an
// ETA from the fetched slices only.
func TestBackfillProgressETA(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, tty: true, total: 10}
	d := bot.Date{Year: 2024, Month: time.November, Day: 18}
	p.count = 50
	p.step(1, d, "50 papers (already fetched)", 9)
	if strings.Contains(b.String(), "ETA") {
		t.Errorf("an ETA before any slice was fetched: %q", b.String())
	}
	p.took(2 * time.Second)
	p.took(4 * time.Second)
	p.count = 250
	b.Reset()
	p.step(3, d.AddDays(2), "100 papers", 7)
	if got, want := b.String(), "\r\x1b[K[=========                     ] 3/10 2024-11-20 100 papers · 250 papers · ETA 21s"; got != want {
		t.Errorf("bar %q\nwant %q", got, want)
	}
	if eta, _ := p.eta(60); formatETA(eta) != "3m00s" {
		t.Errorf("ETA for 60 slices: %s", formatETA(eta))
	}
}
