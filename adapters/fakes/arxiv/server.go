// Package arxivfake is an in-process fake of arXiv for tests: the
// announcement feeds (GET /rss/{cat+cat}), the export API (GET /api/query)
// and OAI-PMH (GET /oai?verb=ListRecords…), on one loopback server, with
// the fault rules of package faults and a check of arXiv's terms on every
// request.
//
// What it serves (shared/docs/data-sources.md section 2):
//   - feeds: SetFeed sets raw bytes for a feed path ("cs.LG+cs.AI"; the
//     real captures in testdata through Fixture and LoadFixtures); SetDay
//     sets the feed of one announcement day, usually from Generate (N
//     items of mixed announce types, shaped like the real feed), and adds
//     its papers to the corpus. A request is answered as arXiv answers at
//     the fake clock's date in US Eastern time: the feed set by SetFeed,
//     else the Day of that date, else, on a Saturday, a Sunday or a date
//     given to SetHoliday, an empty feed of that date (arXiv's weekend
//     feed has the weekend day's pubDate), else (a weekday whose Day is
//     not set: its feed is not out yet) the latest earlier Day of the
//     path, else an empty feed of that date. A path naming an unknown
//     archive gets arXiv's error feed.
//   - the export API over the corpus (AddPapers, SetDay): see api.go for
//     the query language; SetAPIAnswer answers a fixed body for one
//     parameter value (LoadFixtures installs the recorded ones). Generated
//     new and cross-listed papers were submitted in the window arXiv
//     announces on their Day (see Generate), so a submittedDate query of
//     that window finds exactly them.
//   - OAI-PMH ListRecords over the corpus, paged with resumption tokens
//     (SetOAIPageSize); see oai.go.
//
// Faults (AddRule, SetFailureRate): a 503 (or 429) with Retry-After in
// seconds or as an HTTP date, any status, a slow answer, a dropped
// connection, a 200 whose body is cut short, an export API page without
// its entries (EmptyPage); each rule matches a route
// (RouteRSS, RouteAPI, RouteOAI) and a path prefix.
//
// Terms: every request is recorded (Requests) with the fake's clock
// (SetClock; default time.Now), and Violations lists each request that
// came less than the minimum interval after the previous one (SetMinInterval,
// default 3 s), had no descriptive User-Agent (DescriptiveUserAgent), or
// came before a Retry-After the fake sent had passed.
//
//	ax := arxivfake.New()
//	defer ax.Close()
//	ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.LG"}, Date: day, N: 2000}))
//	// arxiv: rss_url: ax.URL(), api_url: ax.APIURL(), oai_url: ax.OAIURL()
//
// A Server is safe for concurrent use.
package arxivfake

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
	"github.com/paperboy-bot/paperboy/bot"
)

// Routes, as rules and requests name them.
const (
	RouteRSS = "rss"
	RouteAPI = "api"
	RouteOAI = "oai"
)

// Paths the fake answers (APIPath and OAIPath exactly, feeds under
// RSSPrefix).
const (
	RSSPrefix = "/rss/"
	APIPath   = "/api/query"
	OAIPath   = "/oai"
)

// Violation kinds.
const (
	ViolationInterval   = "interval"    // less than the minimum interval after the previous request
	ViolationUserAgent  = "user-agent"  // no descriptive User-Agent
	ViolationRetryAfter = "retry-after" // a request before a Retry-After's end
)

// FaultEmptyPage is the Request.Fault of an answer emptied by a rule with
// EmptyPage.
const FaultEmptyPage = "empty-page"

// DefaultMinInterval is arXiv's rule: one request every 3 seconds.
const DefaultMinInterval = 3 * time.Second

// Rule injects a fault into matching requests (see faults.Rules for the
// order and the gate). A zero field matches or does nothing.
type Rule struct {
	// Route matches RouteRSS, RouteAPI or RouteOAI (empty = any).
	Route string
	// Path matches requests whose path starts with it (empty = any), e.g.
	// "/rss/cs.LG".
	Path string
	// Skip, Times and Prob gate the rule as in the other fakes.
	Skip  int
	Times int
	Prob  float64
	// Status answers with this HTTP status. With RetryAfter and Status 0
	// it is 503 (arXiv's way of saying "wait").
	Status int
	// RetryAfter is sent as Retry-After, rounded up to whole seconds (at
	// least 1); with RetryAfterDate as an HTTP date instead. Until it
	// passes, any request is a ViolationRetryAfter.
	RetryAfter     time.Duration
	RetryAfterDate bool
	// Delay answers late (in real time); a client that gives up first sees
	// a timeout.
	Delay time.Duration
	// DropBeforeApply closes the connection without an answer.
	DropBeforeApply bool
	// Truncate answers 200 with the full Content-Length and breaks the
	// connection halfway through the body.
	Truncate bool
	// EmptyPage answers an export API request with its totalResults but
	// none of its entries, as the real API now and then does (a client
	// should ask for the page again). Other routes ignore it (with Route
	// RouteAPI, they do not use up Times either).
	EmptyPage bool
}

// Request is one request as the fake saw it.
type Request struct {
	Seq       int
	Route     string // RouteRSS, RouteAPI, RouteOAI, or "" for an unknown path
	Path      string
	Query     string // the raw query string
	UserAgent string
	Time      time.Time // by the fake's clock
	// Status is the status sent, 0 if the connection was dropped or the
	// client went away.
	Status int
	// Fault names the fault applied (the faults.Kind constants), "" if none.
	Fault string
}

// Violation is a request that broke arXiv's terms.
type Violation struct {
	Seq    int    // the request's Seq
	Kind   string // ViolationInterval, ViolationUserAgent or ViolationRetryAfter
	Detail string
}

// Server is a fake arXiv. Create it with New.
type Server struct {
	http  *faults.Server
	rules *faults.Rules[Rule]
	tally faults.Tally
	waits *faults.Backoffs

	mu          sync.Mutex
	now         func() time.Time
	minInterval time.Duration
	slack       time.Duration
	pageSize    int
	feeds       map[string][]byte              // SetFeed
	days        map[string]map[bot.Date][]byte // SetDay, rendered
	holidays    map[bot.Date]bool              // SetHoliday
	corpus      []Paper
	index       map[string]int // id → position in corpus
	answers     map[string]apiFixed
	requests    []*Request
	violations  []Violation
	last        time.Time // time of the previous request
}

type apiFixed struct {
	status int
	body   []byte
}

// New starts a fake on a loopback httptest server.
func New() *Server {
	s := &Server{
		rules:       faults.NewRules(func(r Rule) faults.Gate { return faults.Gate{Skip: r.Skip, Times: r.Times, Prob: r.Prob} }),
		waits:       faults.NewBackoffs(),
		now:         time.Now,
		minInterval: DefaultMinInterval,
		slack:       10 * time.Millisecond,
		pageSize:    DefaultOAIPageSize,
		feeds:       map[string][]byte{},
		days:        map[string]map[bot.Date][]byte{},
		holidays:    map[bot.Date]bool{},
		index:       map[string]int{},
		answers:     map[string]apiFixed{},
	}
	s.http = faults.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL, also the feeds' base (config key
// arxiv.rss_url).
func (s *Server) URL() string { return s.http.URL() }

// APIURL returns the export API's endpoint (arxiv.api_url).
func (s *Server) APIURL() string { return s.http.URL() + APIPath }

// OAIURL returns the OAI-PMH endpoint (arxiv.oai_url).
func (s *Server) OAIURL() string { return s.http.URL() + OAIPath }

// Client returns a client that sends requests for any host to the fake
// (so a Client may keep arXiv's real URLs).
func (s *Server) Client() *http.Client { return s.http.Client() }

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// SetClock sets the clock requests are timed by (nil: time.Now). It also
// picks the day whose feed is served.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetMinInterval sets the least time between two requests' arrivals
// below which the later one is a ViolationInterval (default 3 s; 0 checks
// nothing), and the slack allowed for a real-time clock's jitter (default
// 10 ms; use 0 with an injected clock).
func (s *Server) SetMinInterval(d, slack time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minInterval, s.slack = d, slack
}

// SetOAIPageSize sets the records per ListRecords page (default 1000).
func (s *Server) SetOAIPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// SetFeed sets the body served for a feed path, the categories joined
// with "+" as in the URL ("cs.LG+cs.AI"), whatever the day. A nil body
// removes it.
func (s *Server) SetFeed(cats string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		delete(s.feeds, cats)
		return
	}
	s.feeds[cats] = body
}

// SetDay sets the feed of d.Cats on d.Date (served while the fake's clock
// is on that date in US Eastern time, and on later weekdays until the next
// Day of the same path) and adds d's papers to the corpus.
func (s *Server) SetDay(d Day) {
	body := FeedXML(d)
	s.AddPapers(d.Papers()...)
	key := strings.Join(d.Cats, "+")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.days[key] == nil {
		s.days[key] = map[bot.Date][]byte{}
	}
	s.days[key][d.Date] = body
}

// SetHoliday makes d a day arXiv announces nothing: every feed without a
// Day set for d is empty on d, with d's pubDate, as on a weekend.
func (s *Server) SetHoliday(d bot.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holidays[d] = true
}

// GenerateDays calls SetDay with Generate(o) for every day from from to
// to (inclusive) on which arXiv announces (not a weekend, not one of
// holidays, which it passes to SetHoliday); o.Date is set per day, o.Seed
// is kept. It returns those days.
func (s *Server) GenerateDays(o GenOptions, from, to bot.Date, holidays ...bot.Date) []Day {
	for _, h := range holidays {
		s.SetHoliday(h)
	}
	var out []Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		if IsWeekendOrHoliday(d, holidays) {
			continue
		}
		o.Date = d
		day := Generate(o)
		s.SetDay(day)
		out = append(out, day)
	}
	return out
}

// AddPapers adds papers to the corpus of the export API and OAI-PMH; a
// paper with an id already there replaces it.
func (s *Server) AddPapers(ps ...Paper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		if i, ok := s.index[p.ID]; ok {
			s.corpus[i] = p
			continue
		}
		s.index[p.ID] = len(s.corpus)
		s.corpus = append(s.corpus, p)
	}
}

// Papers returns the corpus, in the order added.
func (s *Server) Papers() []Paper {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Paper(nil), s.corpus...)
}

// SetAPIAnswer makes every export API request whose parameter param
// ("id_list", "search_query") equals value answer status and body instead
// of a search of the corpus. A nil body removes it.
func (s *Server) SetAPIAnswer(param, value string, status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := param + "=" + value
	if body == nil {
		delete(s.answers, k)
		return
	}
	s.answers[k] = apiFixed{status, body}
}

// AllArchivesFeed is the feed path of the recorded all-archives feed.
const AllArchivesFeed = "astro-ph+cond-mat+physics+quant-ph+math+cs+econ+eess+gr-qc+hep-ex+hep-lat+hep-ph+hep-th+math-ph+nlin+nucl-ex+nucl-th+q-bio+q-fin+stat"

// LoadFixtures serves the recorded captures of testdata: the feeds
// AllArchivesFeed (rss_all_archives_2024-11-28.rss, 1,504 items), math.OC
// (the assembled one), test (the empty one) and astroph (the bad-archive
// error feed); and the API answers of id_list=abc (HTTP 400 error feed),
// id_list=0000.0000 (no results), id_list=astro-ph/0601001 and
// search_query=all:testing (the 100-entry page).
func (s *Server) LoadFixtures() {
	s.SetFeed(AllArchivesFeed, Fixture("rss_all_archives_2024-11-28.rss"))
	s.SetFeed("math.OC", Fixture("rss_math.OC_assembled_from_spec.rss"))
	s.SetFeed("test", Fixture("rss_empty_2024-11-28.rss"))
	s.SetFeed("astroph", Fixture("rss_error_bad_archive.rss"))
	s.SetAPIAnswer("id_list", "abc", http.StatusBadRequest, Fixture("query_error_400.atom"))
	s.SetAPIAnswer("id_list", "0000.0000", http.StatusOK, Fixture("query_empty.atom"))
	s.SetAPIAnswer("id_list", "astro-ph/0601001", http.StatusOK, Fixture("query_id_list_affiliation.atom"))
	s.SetAPIAnswer("search_query", "all:testing", http.StatusOK, Fixture("query_testing_100.atom"))
}

// AddRule installs a fault rule and returns a function that removes it.
func (s *Server) AddRule(r Rule) (remove func()) { return s.rules.Add(r) }

// ClearRules removes every rule, SetFailureRate's included.
func (s *Server) ClearRules() { s.rules.Clear() }

// SetFailureRate makes a share rate of the requests of route ("" = all)
// fail, each with one of: 500, 503 with a Retry-After of retry, an answer
// slower than timeout (set it above the client's timeout), a truncated
// body, chosen by a generator seeded with seed. It returns a function
// that removes it.
func (s *Server) SetFailureRate(route string, rate float64, seed int64, retry, timeout time.Duration) (remove func()) {
	s.rules.Seed(seed)
	return s.rules.AddMix(Rule{Route: route}, rate,
		Rule{Status: http.StatusInternalServerError},
		Rule{RetryAfter: retry},
		Rule{Delay: timeout},
		Rule{Truncate: true})
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// Violations returns the violations of arXiv's terms so far, in order.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// ClearRequests forgets the recorded requests and violations (not a
// pending Retry-After).
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.violations, s.last = nil, nil, time.Time{}
}

// Stats counts the requests, the faults injected and the violations
// (a failed request counts once under its kind and once as
// faults.KindSourceFailure).
func (s *Server) Stats() faults.Stats {
	st := s.tally.Stats()
	st.Violations = len(s.Violations())
	return st
}

var descriptiveUA = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*/[^\s/]+ \((.*; )?\+?(https?://[^\s;()]+|mailto:[^\s;()@]+@[^\s;()]+)(; [^()]*)?\)$`)

// DescriptiveUserAgent reports whether ua names a product and version and
// a way to reach its operator (a URL or a mailto: address), like
// "paperboy/1.2.0 (+https://github.com/paperboy-bot/paperboy; mailto:ops@example.org)".
// Go's default "Go-http-client/1.1" is not descriptive.
func DescriptiveUserAgent(ua string) bool {
	return descriptiveUA.MatchString(ua) && !strings.HasPrefix(ua, "Go-http-client/")
}

func routeOf(path string) string {
	switch {
	case strings.HasPrefix(path, RSSPrefix) && len(path) > len(RSSPrefix):
		return RouteRSS
	case path == APIPath:
		return RouteAPI
	case path == OAIPath:
		return RouteOAI
	}
	return ""
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Request{Route: routeOf(r.URL.Path), Path: r.URL.Path, Query: r.URL.RawQuery, UserAgent: r.UserAgent()}
	s.tally.Request()
	s.mu.Lock()
	now := s.now()
	rec.Time = now
	rec.Seq = len(s.requests) + 1
	s.requests = append(s.requests, rec)
	var vs []Violation
	if !DescriptiveUserAgent(rec.UserAgent) {
		vs = append(vs, Violation{rec.Seq, ViolationUserAgent, strconv.Quote(rec.UserAgent)})
	}
	if !s.last.IsZero() && s.minInterval > 0 {
		if gap := now.Sub(s.last); gap < s.minInterval-s.slack {
			vs = append(vs, Violation{rec.Seq, ViolationInterval, "after " + gap.String() + ", less than " + s.minInterval.String()})
		}
	}
	s.last = now
	s.mu.Unlock()
	if early, at := s.waits.Check("", now); early > 0 {
		vs = append(vs, Violation{rec.Seq, ViolationRetryAfter, early.String() + " before the Retry-After end " + at.UTC().Format(time.RFC3339Nano)})
	}
	if len(vs) > 0 {
		s.mu.Lock()
		s.violations = append(s.violations, vs...)
		s.mu.Unlock()
	}

	finish := func(status int, fault string) {
		if fault != "" && fault != faults.KindDelay {
			s.tally.Fault(fault)
			s.tally.Fault(faults.KindSourceFailure)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		rec.Status, rec.Fault = status, fault
	}
	if rec.Route == "" {
		finish(http.StatusNotFound, "")
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	rule, hit := s.rules.Pick(func(x Rule) bool {
		return (x.Route == "" || x.Route == rec.Route) && strings.HasPrefix(rec.Path, x.Path)
	})
	if hit && rule.Delay > 0 {
		if !s.http.Sleep(r.Context(), rule.Delay) {
			finish(0, faults.KindCanceled)
			if r.Context().Err() == nil {
				faults.Drop(w)
			}
			return
		}
	}
	switch {
	case hit && rule.DropBeforeApply:
		finish(0, faults.KindDropBefore)
		faults.Drop(w)
		return
	case hit && (rule.RetryAfter > 0 || rule.Status != 0):
		status := rule.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		kind := faults.KindStatus
		if rule.RetryAfter > 0 {
			secs := max(1, (faults.CeilMS(rule.RetryAfter)+999)/1000)
			until := now.Add(time.Duration(secs) * time.Second)
			if rule.RetryAfterDate {
				// An HTTP date has whole seconds: round up.
				until = until.Add(time.Second - time.Nanosecond).Truncate(time.Second)
				w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
			} else {
				w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			}
			s.waits.Wait("", until)
			kind = faults.KindRateLimit
		}
		finish(status, kind)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
		return
	}
	emptyPage := hit && rule.EmptyPage && rec.Route == RouteAPI
	status, ctype, body := s.answer(rec, r.URL.Query(), now, emptyPage)
	fault := ""
	switch {
	case emptyPage:
		fault = FaultEmptyPage
	case hit && rule.Delay > 0:
		fault = faults.KindDelay
	}
	w.Header().Set("Content-Type", ctype)
	if hit && rule.Truncate {
		finish(http.StatusOK, faults.KindTruncated)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	finish(status, fault)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answer builds the body of a request that meets no fault (with
// emptyPage, an export API page without its entries).
func (s *Server) answer(rec *Request, q url.Values, now time.Time, emptyPage bool) (int, string, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch rec.Route {
	case RouteRSS:
		key := strings.TrimPrefix(rec.Path, RSSPrefix)
		if b, ok := s.feeds[key]; ok {
			return http.StatusOK, "application/rss+xml; charset=utf-8", b
		}
		day := AnnouncementDay(now)
		cats := strings.Split(key, "+")
		for _, c := range cats {
			if a := archiveOf(c); !knownArchive(a) {
				return http.StatusOK, "application/rss+xml; charset=utf-8", BadArchiveFeed(key, a, day)
			}
		}
		if b, ok := s.days[key][day]; ok {
			return http.StatusOK, "application/rss+xml; charset=utf-8", b
		}
		if !day.IsWeekend() && !s.holidays[day] {
			if b, ok := s.latestDay(key, day); ok {
				// Today's feed is not out yet: arXiv still shows the last one.
				return http.StatusOK, "application/rss+xml; charset=utf-8", b
			}
		}
		return http.StatusOK, "application/rss+xml; charset=utf-8", EmptyFeed(cats, day)
	case RouteAPI:
		for _, p := range []string{"id_list", "search_query"} {
			if a, ok := s.answers[p+"="+q.Get(p)]; ok && q.Get(p) != "" {
				return a.status, "application/atom+xml; charset=utf-8", a.body
			}
		}
		status, body := apiAnswer(s.corpus, q, now, emptyPage)
		return status, "application/atom+xml; charset=utf-8", body
	default:
		return http.StatusOK, "text/xml; charset=utf-8", oaiAnswer(s.corpus, q, s.pageSize, "https://oaipmh.arxiv.org/oai", now)
	}
}

// latestDay returns the feed of the latest Day of path key before day.
func (s *Server) latestDay(key string, day bot.Date) ([]byte, bool) {
	var best bot.Date
	for d := range s.days[key] {
		if d.Before(day) && d.After(best) {
			best = d
		}
	}
	b, ok := s.days[key][best]
	return b, ok && !best.IsZero()
}

func knownArchive(a string) bool {
	_, ok := archives[a]
	return ok || physicsGroup[a] || a == "test"
}
