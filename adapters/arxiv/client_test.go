package arxiv_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

var t0 = time.Date(2024, 11, 29, 15, 0, 0, 0, time.UTC) // Friday 10:00 in New York

// stepClock is a single-goroutine clock: Sleep moves it forward at once
// and records the wait.
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

// simClock is a discrete-event clock for many goroutines: time stands
// still while any of them runs (an HTTP request included) and moves, when
// all of them sleep, to the earliest wake-up. So the fake records each
// request at exactly the time the limiter let it start.
type simClock struct {
	mu       sync.Mutex
	cond     *sync.Cond
	now      time.Time
	running  int
	sleepers []*sleeper
}

type sleeper struct {
	at time.Time
	ch chan struct{}
}

func newSimClock(t time.Time) *simClock {
	c := &simClock{now: t}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	s := &sleeper{at: c.now.Add(d), ch: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.running--
	c.cond.Broadcast()
	c.mu.Unlock()
	select {
	case <-s.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if i := slices.Index(c.sleepers, s); i >= 0 {
			c.sleepers = slices.Delete(c.sleepers, i, i+1)
			c.running++
		}
		return ctx.Err()
	}
}

// run runs f(0) … f(n-1) in goroutines on the clock and returns when all
// are done.
func (c *simClock) run(n int, f func(i int)) {
	c.mu.Lock()
	c.running = n
	c.mu.Unlock()
	done := 0
	for i := range n {
		go func() {
			f(i)
			c.mu.Lock()
			c.running--
			done++
			c.cond.Broadcast()
			c.mu.Unlock()
		}()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for c.running > 0 {
			c.cond.Wait()
		}
		if done == n {
			return
		}
		slices.SortStableFunc(c.sleepers, func(a, b *sleeper) int { return a.at.Compare(b.at) })
		s := c.sleepers[0]
		c.sleepers = c.sleepers[1:]
		if s.at.After(c.now) {
			c.now = s.at
		}
		c.running++
		close(s.ch)
	}
}

func newFake(t *testing.T, now func() time.Time) *arxivfake.Server {
	t.Helper()
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	ax.SetClock(now)
	ax.SetMinInterval(3*time.Second, 0)
	ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.LG"}, Date: arxivfake.AnnouncementDay(t0), N: 200}))
	return ax
}

func newClient(t *testing.T, ax *arxivfake.Server, clock arxiv.Clock, mod func(*arxiv.Options)) *arxiv.Client {
	t.Helper()
	o := arxiv.Options{
		RSSURL: ax.URL(), APIURL: ax.APIURL(), OAIURL: ax.OAIURL(),
		MinInterval: 3 * time.Second, Timeout: 5 * time.Second,
		Contact: "ops@example.org", Version: "1.2.3",
		HTTPClient: ax.Client(), Clock: clock,
	}
	if mod != nil {
		mod(&o)
	}
	c, err := arxiv.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func noViolations(t *testing.T, ax *arxivfake.Server) {
	t.Helper()
	for _, v := range ax.Violations() {
		t.Errorf("violation: request %d %s: %s", v.Seq, v.Kind, v.Detail)
	}
}

// checkSpacing fails if two requests the fake saw are closer than d.
func checkSpacing(t *testing.T, reqs []arxivfake.Request, d time.Duration) {
	t.Helper()
	times := make([]time.Time, len(reqs))
	for i, r := range reqs {
		times[i] = r.Time
	}
	slices.SortFunc(times, time.Time.Compare)
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < d {
			t.Errorf("requests %d and %d %v apart", i, i+1, gap)
		}
	}
}

// Requests from many goroutines, to all three interfaces, start at least
// MinInterval apart: one limiter for the whole Client.
func TestSpacingAcrossGoroutines(t *testing.T) {
	clock := newSimClock(t0)
	ax := newFake(t, clock.Now)
	c := newClient(t, ax, clock, nil)
	const n = 15
	errs := make([]error, n)
	clock.run(n, func(i int) {
		ctx := context.Background()
		switch i % 3 {
		case 0:
			_, errs[i] = c.FetchFeed(ctx, []string{"cs.LG"})
		case 1:
			_, errs[i] = c.Query(ctx, arxiv.APIQuery{SearchQuery: "cat:cs.LG", MaxResults: 50})
		default:
			_, errs[i] = c.ListRecords(ctx, "cs:cs:LG", bot.Date{}, bot.Date{}, "")
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	reqs := ax.Requests()
	if len(reqs) != n {
		t.Fatalf("%d requests, want %d", len(reqs), n)
	}
	checkSpacing(t, reqs, 3*time.Second)
	noViolations(t, ax)
	// Back to back: the last started (n-1)*3 s after the first.
	if got := clock.Now().Sub(t0); got != (n-1)*3*time.Second {
		t.Errorf("took %v, want %v", got, (n-1)*3*time.Second)
	}
}

// Toward arXiv's own hosts the spacing cannot go below 3 s; elsewhere it
// can.
func TestMinIntervalFloorForArxivHosts(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts arxiv.Options
		want time.Duration
	}{
		{"defaults", arxiv.Options{}, 3 * time.Second},
		{"arxiv hosts, 10ms", arxiv.Options{MinInterval: 10 * time.Millisecond}, 3 * time.Second},
		{"arxiv hosts, none", arxiv.Options{MinInterval: -1}, 3 * time.Second},
		{"one arxiv host", arxiv.Options{RSSURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1/api/query", OAIURL: "https://OAIPMH.arXiv.org./oai", MinInterval: time.Millisecond}, 3 * time.Second},
		{"arxiv hosts, 5s", arxiv.Options{MinInterval: 5 * time.Second}, 5 * time.Second},
		{"local, 10ms", arxiv.Options{RSSURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1/api/query", OAIURL: "http://127.0.0.1:1/oai", MinInterval: 10 * time.Millisecond}, 10 * time.Millisecond},
		{"local, none", arxiv.Options{RSSURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1/api/query", OAIURL: "http://localhost:1/oai", MinInterval: -1}, 0},
		{"lookalike host", arxiv.Options{RSSURL: "http://notarxiv.org", APIURL: "http://127.0.0.1:1/api/query", OAIURL: "http://127.0.0.1:1/oai", MinInterval: time.Second}, time.Second},
	} {
		c, err := arxiv.New(tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := c.MinInterval(); got != tc.want {
			t.Errorf("%s: MinInterval %v, want %v", tc.name, got, tc.want)
		}
	}

	// With arXiv's real URLs (the fake's client takes any host), asking
	// for 1 ms still spaces requests 3 s apart.
	clock := newSimClock(t0)
	ax := newFake(t, clock.Now)
	c, err := arxiv.New(arxiv.Options{MinInterval: time.Millisecond, HTTPClient: ax.Client(), Clock: clock, Contact: "ops@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	clock.run(6, func(i int) {
		if _, err := c.FetchFeed(context.Background(), []string{"cs.LG"}); err != nil {
			t.Error(err)
		}
	})
	checkSpacing(t, ax.Requests(), 3*time.Second)
	noViolations(t, ax)
}

// A 503 with Retry-After stops every request of the Client, not only the
// retried one, until the time asked for (seconds or an HTTP date).
func TestRetryAfterHonoured(t *testing.T) {
	for _, date := range []bool{false, true} {
		t.Run(fmt.Sprintf("date=%v", date), func(t *testing.T) {
			clock := newSimClock(t0)
			ax := newFake(t, clock.Now)
			ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, RetryAfter: 20 * time.Second, RetryAfterDate: date, Times: 1})
			c := newClient(t, ax, clock, nil)
			var apiErr error
			clock.run(5, func(i int) {
				ctx := context.Background()
				if i == 0 {
					_, apiErr = c.Query(ctx, arxiv.APIQuery{SearchQuery: "cat:cs.LG"})
					return
				}
				// Let the API call go first.
				if err := clock.Sleep(ctx, time.Second); err != nil {
					t.Error(err)
				}
				if _, err := c.FetchFeed(ctx, []string{"cs.LG"}); err != nil {
					t.Error(err)
				}
			})
			if apiErr != nil {
				t.Fatal(apiErr)
			}
			reqs := ax.Requests()
			if len(reqs) != 6 || reqs[0].Status != 503 {
				t.Fatalf("%d requests, first %d", len(reqs), reqs[0].Status)
			}
			for _, r := range reqs[1:] {
				if r.Time.Sub(reqs[0].Time) < 20*time.Second {
					t.Errorf("request %d (%s) %v after the 503", r.Seq, r.Route, r.Time.Sub(reqs[0].Time))
				}
			}
			checkSpacing(t, reqs, 3*time.Second)
			noViolations(t, ax)
		})
	}
}

// Failures are retried a bounded number of times, then reported in one
// line naming the method and route, without the query string.
func TestBoundedRetries(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, Status: 500})
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.MaxRetries = 2 })
	body, err := c.Query(context.Background(), arxiv.APIQuery{SearchQuery: "cat:cs.LG AND ti:secret", MaxResults: 10})
	if err == nil || body != nil {
		t.Fatalf("body %d bytes, error %v", len(body), err)
	}
	u, _ := url.Parse(ax.APIURL())
	want := "arxiv: Query " + u.Host + "/api/query: HTTP 500 Internal Server Error (gave up after 3 attempts)"
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
	var se *arxiv.StatusError
	if !errors.As(err, &se) || se.StatusCode != 500 {
		t.Errorf("not a *StatusError 500: %#v", err)
	}
	if n := len(ax.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	// Backoff waits grow and are never shorter than the spacing.
	var backoffs []time.Duration
	for _, d := range clock.slept {
		if d > 3*time.Second {
			backoffs = append(backoffs, d)
		}
	}
	if len(backoffs) != 2 || backoffs[1] <= backoffs[0] {
		t.Errorf("waits %v", clock.slept)
	}
	noViolations(t, ax)

	// A 503 recovers within the retries.
	ax.ClearRules()
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteRSS, RetryAfter: 4 * time.Second, Times: 2})
	if _, err := c.FetchFeed(context.Background(), []string{"cs.LG"}); err != nil {
		t.Errorf("after two 503s: %v", err)
	}
	noViolations(t, ax)
}

// An HTTP 400 is not retried; its body (arXiv's error feed) comes back
// with a *StatusError.
func TestBadRequestBodyReturned(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.LoadFixtures()
	c := newClient(t, ax, clock, nil)
	body, err := c.Query(context.Background(), arxiv.APIQuery{IDList: []string{"abc"}})
	var se *arxiv.StatusError
	if !errors.As(err, &se) || se.StatusCode != 400 {
		t.Fatalf("error %v", err)
	}
	if string(body) != string(arxivfake.Fixture("query_error_400.atom")) || string(se.Body) != string(body) {
		t.Errorf("body %q", body)
	}
	if !strings.Contains(string(body), "incorrect id format for abc") || len(ax.Requests()) != 1 {
		t.Errorf("%d requests", len(ax.Requests()))
	}
	if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q", err)
	}
}

func TestTimeout(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteOAI, Delay: 3 * time.Second})
	// A limit well above a loaded machine's answer time, well below the
	// 3 s delay.
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.Timeout = 600 * time.Millisecond; o.MaxRetries = 1 })
	start := time.Now()
	_, err := c.ListRecords(context.Background(), "cs", bot.Date{Year: 2024, Month: 11, Day: 1}, bot.Date{}, "")
	var te *arxiv.TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "no complete response within 600ms (gave up after 2 attempts)") {
		t.Fatalf("error %v", err)
	}
	// Two attempts cut at the limit: less than the two delays they would
	// have waited.
	if el := time.Since(start); el >= 6*time.Second {
		t.Errorf("took %v: the limit did not cut the slow answers", el)
	}
	// A slow answer once, then a quick one.
	ax.ClearRules()
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteOAI, Delay: 3 * time.Second, Times: 1})
	if _, err := c.ListRecords(context.Background(), "cs", bot.Date{}, bot.Date{}, ""); err != nil {
		t.Errorf("after one slow answer: %v", err)
	}
}

func TestTruncatedBody(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteRSS, Truncate: true})
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.MaxRetries = 1 })
	body, err := c.FetchFeed(context.Background(), []string{"cs.LG"})
	if err == nil || body != nil || !strings.Contains(err.Error(), "body cut short") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("body %d bytes, error %v", len(body), err)
	}
	ax.ClearRules()
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteRSS, Truncate: true, Times: 1})
	body, err = c.FetchFeed(context.Background(), []string{"cs.LG"})
	if err != nil || !strings.HasSuffix(string(body), "</rss>\n") {
		t.Errorf("after one truncated body: %v", err)
	}
}

func TestResponseCap(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.MaxBytes = 4096 })
	_, err := c.FetchFeed(context.Background(), []string{"cs.LG"})
	if err == nil || !strings.Contains(err.Error(), "body larger than 4096 bytes") {
		t.Fatalf("error %v", err)
	}
	if n := len(ax.Requests()); n != 1 {
		t.Errorf("%d requests: a too large body was retried", n)
	}
	if arxiv.DefaultMaxBytes != 64<<20 {
		t.Error("default cap")
	}
}

func TestUserAgent(t *testing.T) {
	for _, tc := range []struct{ version, contact, want string }{
		{"1.2.3", "ops@example.org", "paperboy/1.2.3 (+https://github.com/paperboy-bot/paperboy; mailto:ops@example.org)"},
		{"1.2.3", "mailto:ops@example.org", "paperboy/1.2.3 (+https://github.com/paperboy-bot/paperboy; mailto:ops@example.org)"},
		{"1.2.3", "", "paperboy/1.2.3 (+https://github.com/paperboy-bot/paperboy)"},
		{"", "", "paperboy/dev (+https://github.com/paperboy-bot/paperboy)"},
	} {
		clock := &stepClock{now: t0}
		ax := newFake(t, clock.Now)
		c := newClient(t, ax, clock, func(o *arxiv.Options) { o.Version, o.Contact = tc.version, tc.contact })
		if _, err := c.FetchFeed(context.Background(), []string{"cs.LG"}); err != nil {
			t.Fatal(err)
		}
		if got := ax.Requests()[0].UserAgent; got != tc.want || c.UserAgent() != tc.want {
			t.Errorf("User-Agent %q, want %q", got, tc.want)
		}
		noViolations(t, ax)
	}
	for _, bad := range []string{"ops@example.org\r\nX-Evil: 1", "a (b)", "a;b"} {
		if _, err := arxiv.New(arxiv.Options{Contact: bad}); err == nil {
			t.Errorf("contact %q accepted", bad)
		}
	}
}

// The requests are the ones arXiv documents; a resumption token is sent
// alone with the verb.
func TestRequestsBuilt(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	c := newClient(t, ax, clock, nil)
	ctx := context.Background()
	if _, err := c.FetchFeed(ctx, []string{"cs.LG", "cs.AI"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, arxiv.APIQuery{SearchQuery: "cat:cs.LG AND submittedDate:[202411270000 TO 202411282359]", Start: 100, MaxResults: 2000, SortBy: "submittedDate", SortOrder: "ascending"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, arxiv.APIQuery{IDList: []string{"2411.17700", "hep-th/9901001v2"}}); err != nil {
		t.Fatal(err)
	}
	from, until := bot.Date{Year: 2024, Month: 11, Day: 1}, bot.Date{Year: 2024, Month: 11, Day: 30}
	if _, err := c.ListRecords(ctx, "cs:cs:LG", from, until, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListRecords(ctx, "cs:cs:LG", from, until, "tok/en+1"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range ax.Requests() {
		q, _ := url.ParseQuery(r.Query)
		got = append(got, r.Path+" "+fmt.Sprint(q))
	}
	want := []string{
		"/rss/cs.LG+cs.AI map[]",
		"/api/query map[max_results:[2000] search_query:[cat:cs.LG AND submittedDate:[202411270000 TO 202411282359]] sortBy:[submittedDate] sortOrder:[ascending] start:[100]]",
		"/api/query map[id_list:[2411.17700,hep-th/9901001v2]]",
		"/oai map[from:[2024-11-01] metadataPrefix:[arXiv] set:[cs:cs:LG] until:[2024-11-30] verb:[ListRecords]]",
		"/oai map[resumptionToken:[tok/en+1] verb:[ListRecords]]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Refused before any request.
	for _, q := range []arxiv.APIQuery{
		{SearchQuery: "cat:cs.LG", MaxResults: 2001},
		{SearchQuery: "cat:cs.LG", Start: 29000, MaxResults: 2000},
		{},
		{SearchQuery: "x", SortBy: "date"},
		{IDList: []string{"a,b"}},
	} {
		if _, err := c.Query(ctx, q); err == nil || !strings.HasPrefix(err.Error(), "arxiv: Query: ") {
			t.Errorf("%+v: %v", q, err)
		}
	}
	for _, cats := range [][]string{nil, {"cs.LG/../x"}, {"cs LG"}, {"a+b"}} {
		if _, err := c.FetchFeed(ctx, cats); err == nil {
			t.Errorf("cats %q accepted", cats)
		}
	}
	if n := len(ax.Requests()); n != 5 {
		t.Errorf("%d requests after refused calls", n)
	}
	noViolations(t, ax)
}

// A caller's context ends a wait for the limiter at once.
func TestContextEndsWait(t *testing.T) {
	ax := newFake(t, nil)
	ax.SetMinInterval(0, 0)
	c := newClient(t, ax, nil, func(o *arxiv.Options) { o.MinInterval = time.Hour })
	if _, err := c.FetchFeed(context.Background(), []string{"cs.LG"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.FetchFeed(ctx, []string{"cs.LG"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("error %v after %v", err, time.Since(start))
	}
}

var tokenRE = regexp.MustCompile(`<resumptionToken cursor="(\d+)" completeListSize="(\d+)"(?:/>|>([^<]*)</resumptionToken>)`)

// Harvesting through the client: resumption tokens chain to an empty
// one, pages spaced, every record once.
func TestHarvestChain(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.SetOAIPageSize(40)
	c := newClient(t, ax, clock, nil)
	ids := map[string]bool{}
	token, pages := "", 0
	idRE := regexp.MustCompile(`<identifier>oai:arXiv.org:([^<]+)</identifier>`)
	for {
		body, err := c.ListRecords(context.Background(), "cs", bot.Date{}, bot.Date{}, token)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range idRE.FindAllStringSubmatch(string(body), -1) {
			if ids[m[1]] {
				t.Fatalf("%s twice", m[1])
			}
			ids[m[1]] = true
		}
		m := tokenRE.FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("page %d has no token element", pages)
		}
		if m[3] == "" {
			if m[2] != fmt.Sprint(len(ids)) {
				t.Errorf("completeListSize %s, got %d records", m[2], len(ids))
			}
			break
		}
		token = m[3]
	}
	if len(ids) != 200 || pages != 5 {
		t.Errorf("%d records in %d pages", len(ids), pages)
	}
	checkSpacing(t, ax.Requests(), 3*time.Second)
	noViolations(t, ax)
}

// Under a mix of faults (500, 503 with Retry-After, slow answers, cut
// bodies) and dropped connections, every call succeeds within its retries
// and no request breaks arXiv's terms.
func TestFailureMix(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.SetFailureRate("", 0.3, 5, 4*time.Second, 300*time.Millisecond)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, DropBeforeApply: true, Prob: 0.1})
	// The limit cuts the 4 s faults, not a loaded machine's answers.
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.Timeout = 800 * time.Millisecond; o.MaxRetries = 6 })
	ctx := context.Background()
	for i := range 30 {
		var err error
		switch i % 3 {
		case 0:
			_, err = c.FetchFeed(ctx, []string{"cs.LG"})
		case 1:
			_, err = c.Query(ctx, arxiv.APIQuery{SearchQuery: "cat:cs.LG", MaxResults: 20})
		default:
			_, err = c.ListRecords(ctx, "cs:cs:LG", bot.Date{}, bot.Date{}, "")
		}
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	st := ax.Stats()
	if st.Injected() < 5 || st.Requests <= 30 {
		t.Errorf("only %d faults in %d requests", st.Injected(), st.Requests)
	}
	checkSpacing(t, ax.Requests(), 3*time.Second)
	noViolations(t, ax)
}
