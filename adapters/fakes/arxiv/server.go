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

// DefaultMinInterval is arXiv's rule: one request every 3 seconds.
const DefaultMinInterval = 3 * time.Second

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

// SetOAIPageSize sets the records per ListRecords page (default 1000).
func (s *Server) SetOAIPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}
