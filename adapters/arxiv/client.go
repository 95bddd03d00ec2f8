// Client for arXiv's three interfaces (shared/docs/data-sources.md section
// 2): the announcement feeds (GET {RSSURL}/rss/{cat+cat}, 2.2), the export
// API (GET {APIURL}?search_query=…, 2.1) and OAI-PMH harvesting (GET
// {OAIURL}?verb=ListRecords…, 2.2b). It returns raw bodies; the parsers of
// this package read them.
//
// arXiv's terms are enforced here, for every request of a Client, whatever
// the interface: at most one request per MinInterval (3 s toward arXiv's
// own hosts, never less), counted from the start of the previous request
// and shared by all goroutines; a User-Agent naming paperboy, its version
// and a contact; a timeout on every request; 503 and 429 with Retry-After
// honoured (no request of the Client goes out before the time asked for);
// bounded retries with backoff. A process should build one Client and
// share it, so that the spacing holds for the whole process.

package arxiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Defaults for Options fields left zero.
const (
	DefaultRSSURL      = "https://rss.arxiv.org"
	DefaultAPIURL      = "https://export.arxiv.org/api/query"
	DefaultOAIURL      = "https://oaipmh.arxiv.org/oai"
	DefaultMinInterval = 3 * time.Second // arXiv's rule, and the least allowed toward its hosts
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 4
	DefaultMaxBytes    = 64 << 20 // the busiest feed (2,000 items) is about 4 MB
	// MaxResultsPerQuery is the export API's largest page; MaxQueryResults
	// its bound on start+max_results (more is an HTTP 400).
	MaxResultsPerQuery = 2000
	MaxQueryResults    = 30000
	// ProjectURL is named in the User-Agent.
	ProjectURL = "https://github.com/paperboy-bot/paperboy"
)

const (
	maxBackoff    = time.Minute
	maxRetryAfter = 10 * time.Minute // a longer Retry-After fails the request instead
)

// Clock is the time source of a Client: Now for the spacing and HTTP-date
// Retry-After values, Sleep for every wait (spacing, Retry-After, backoff).
// Sleep returns ctx.Err() if ctx ends first. Tests inject one so that the
// spacing is checked without waiting for the wall clock.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Options configure a Client. All fields are optional.
type Options struct {
	// RSSURL is the feeds' base (default DefaultRSSURL): feeds are read
	// from {RSSURL}/rss/{cats}. Config key arxiv.rss_url.
	RSSURL string
	// APIURL is the export API's endpoint (default DefaultAPIURL). Config
	// key arxiv.api_url.
	APIURL string
	// OAIURL is the OAI-PMH endpoint (default DefaultOAIURL). Config key
	// arxiv.oai_url.
	OAIURL string
	// MinInterval is the least time between the starts of two requests of
	// the Client (config key arxiv.min_interval). Zero means
	// DefaultMinInterval. If any of the three URLs is on one of arXiv's own
	// hosts (arxiv.org or a subdomain), a smaller value is raised to
	// DefaultMinInterval; only a Client talking to other hosts alone (a
	// test server) may go lower, negative meaning no spacing at all.
	MinInterval time.Duration
	// Timeout bounds each request, body included; default DefaultTimeout.
	// It cannot be turned off.
	Timeout time.Duration
	// MaxRetries is how many times a request is retried after a 429, a
	// 5xx, a network error or a timeout; default DefaultMaxRetries,
	// negative for none.
	MaxRetries int
	// MaxBytes caps a response body; default DefaultMaxBytes. A larger
	// body is an error, not retried.
	MaxBytes int64
	// Contact is an e-mail address for arXiv to reach the operator (config
	// key arxiv.contact), put in the User-Agent as mailto:<contact>.
	Contact string
	// Version is paperboy's version, for the User-Agent; default "dev".
	Version string
	// HTTPClient sends the requests; default a new http.Client. Its own
	// Timeout, if any, applies on top of Timeout.
	HTTPClient *http.Client
	// Clock is the time source; default the wall clock.
	Clock Clock
	// Logger receives a debug record per request and a warning per retry;
	// default: discard.
	Logger *slog.Logger
}

// Client fetches from arXiv. It is safe for concurrent use; all its
// requests share one limiter.
type Client struct {
	rss, api, oai *url.URL
	userAgent     string
	http          *http.Client
	timeout       time.Duration
	maxRetries    int
	maxBytes      int64
	clock         Clock
	log           *slog.Logger
	lim           *limiter
}

// New returns a Client for opts. It fails when a URL is not an absolute
// http(s) URL without credentials, or the contact cannot go in a header.
func New(opts Options) (*Client, error) {
	rss, err := baseURL("RSS", opts.RSSURL, DefaultRSSURL, true)
	if err != nil {
		return nil, err
	}
	api, err := baseURL("API", opts.APIURL, DefaultAPIURL, false)
	if err != nil {
		return nil, err
	}
	oai, err := baseURL("OAI-PMH", opts.OAIURL, DefaultOAIURL, false)
	if err != nil {
		return nil, err
	}
	ua, err := UserAgent(opts.Version, opts.Contact)
	if err != nil {
		return nil, err
	}
	c := &Client{
		rss: rss, api: api, oai: oai,
		userAgent:  ua,
		http:       opts.HTTPClient,
		timeout:    opts.Timeout,
		maxRetries: opts.MaxRetries,
		maxBytes:   opts.MaxBytes,
		clock:      opts.Clock,
		log:        opts.Logger,
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.clock == nil {
		c.clock = bot.SystemClock{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	interval := opts.MinInterval
	if interval == 0 {
		interval = DefaultMinInterval
	}
	if interval < DefaultMinInterval && (IsArxivHost(rss.Hostname()) || IsArxivHost(api.Hostname()) || IsArxivHost(oai.Hostname())) {
		c.log.Warn("arxiv: min_interval raised to arXiv's 3 seconds",
			slog.Duration("asked", interval), slog.Duration("used", DefaultMinInterval))
		interval = DefaultMinInterval
	}
	c.lim = &limiter{interval: max(interval, 0), clock: c.clock}
	return c, nil
}

// IsArxivHost reports whether host (without port) is arxiv.org or one of
// its subdomains, toward which the 3-second rule holds.
func IsArxivHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "arxiv.org" || strings.HasSuffix(h, ".arxiv.org")
}

func baseURL(what, v, def string, trimSlash bool) (*url.URL, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		v = def
	}
	if trimSlash {
		v = strings.TrimRight(v, "/")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		// URLs go into errors and logs, so they may not carry a password.
		return nil, fmt.Errorf("arxiv: %s URL %q is not an http(s) URL without query or credentials", what, redactURL(v))
	}
	return u, nil
}

// redactURL keeps a bad URL readable in an error without its userinfo or
// query.
func redactURL(v string) string {
	if i := strings.IndexAny(v, "?#"); i >= 0 {
		v = v[:i]
	}
	if i := strings.Index(v, "@"); i >= 0 {
		if j := strings.Index(v, "://"); j >= 0 && j < i {
			v = v[:j+3] + "…" + v[i:]
		}
	}
	return v
}

// UserAgent returns the User-Agent a Client sends:
// "paperboy/<version> (+https://github.com/paperboy-bot/paperboy; mailto:<contact>)",
// without the mailto part when contact is empty.
func UserAgent(version, contact string) (string, error) {
	version = strings.TrimSpace(version)
	if version == "" {
		version = "dev"
	}
	contact = strings.TrimPrefix(strings.TrimSpace(contact), "mailto:")
	for _, s := range []string{version, contact} {
		if strings.ContainsAny(s, "()\r\n\t;") || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return "", fmt.Errorf("arxiv: %q cannot go in a User-Agent (no parentheses, semicolons or control characters)", s)
		}
	}
	if strings.ContainsRune(version, ' ') || strings.ContainsRune(contact, ' ') {
		return "", errors.New("arxiv: version and contact may not contain spaces")
	}
	ua := "paperboy/" + version + " (+" + ProjectURL
	if contact != "" {
		ua += "; mailto:" + contact
	}
	return ua + ")", nil
}

// UserAgent returns the User-Agent the Client sends.
func (c *Client) UserAgent() string { return c.userAgent }

// MinInterval returns the spacing in force (after raising it for arXiv's
// hosts).
func (c *Client) MinInterval() time.Duration { return c.lim.interval }

var catPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.-]*$`)

// FetchFeed returns the announcement feed (RSS 2.0) of cats, joined with
// "+" as arXiv wants (GET {RSSURL}/rss/cs.CL+cs.LG; a whole archive such as
// "cs" works too). The categories are not checked against arXiv's list
// here, only for characters that could not be one.
func (c *Client) FetchFeed(ctx context.Context, cats []string) ([]byte, error) {
	if len(cats) == 0 {
		return nil, errors.New("arxiv: FetchFeed: no category given")
	}
	for _, cat := range cats {
		if !catPattern.MatchString(cat) {
			return nil, fmt.Errorf("arxiv: FetchFeed: %q is not a category name", cat)
		}
	}
	u := *c.rss
	u.Path = strings.TrimRight(u.Path, "/") + "/rss/" + strings.Join(cats, "+")
	u.RawPath = ""
	return c.get(ctx, "FetchFeed", &u, "")
}

// APIQuery is one call of the export API (data-sources.md 2.1). Zero
// fields are left out of the request (arXiv's defaults: start 0, 10
// results, relevance, descending).
type APIQuery struct {
	SearchQuery string   // e.g. "cat:cs.LG AND submittedDate:[202411280000 TO 202411290000]"
	IDList      []string // bare or versioned ids
	Start       int      // 0-based
	MaxResults  int      // at most MaxResultsPerQuery
	SortBy      string   // relevance | lastUpdatedDate | submittedDate
	SortOrder   string   // ascending | descending
}

// Values returns q's URL parameters, or an error naming what is wrong.
func (q APIQuery) Values() (url.Values, error) {
	v := url.Values{}
	if strings.TrimSpace(q.SearchQuery) == "" && len(q.IDList) == 0 {
		return nil, errors.New("neither a search query nor ids given")
	}
	if q.Start < 0 || q.MaxResults < 0 {
		return nil, errors.New("start and max_results may not be negative")
	}
	if q.MaxResults > MaxResultsPerQuery {
		return nil, fmt.Errorf("max_results %d is more than arXiv's %d", q.MaxResults, MaxResultsPerQuery)
	}
	if q.Start+q.MaxResults > MaxQueryResults {
		return nil, fmt.Errorf("start+max_results %d is past arXiv's %d results", q.Start+q.MaxResults, MaxQueryResults)
	}
	switch q.SortBy {
	case "", "relevance", "lastUpdatedDate", "submittedDate":
	default:
		return nil, fmt.Errorf("sortBy %q is not relevance, lastUpdatedDate or submittedDate", q.SortBy)
	}
	switch q.SortOrder {
	case "", "ascending", "descending":
	default:
		return nil, fmt.Errorf("sortOrder %q is not ascending or descending", q.SortOrder)
	}
	if s := strings.TrimSpace(q.SearchQuery); s != "" {
		v.Set("search_query", s)
	}
	if len(q.IDList) > 0 {
		for _, id := range q.IDList {
			if strings.TrimSpace(id) == "" || strings.Contains(id, ",") {
				return nil, fmt.Errorf("id %q is empty or holds a comma", id)
			}
		}
		v.Set("id_list", strings.Join(q.IDList, ","))
	}
	if q.Start > 0 {
		v.Set("start", strconv.Itoa(q.Start))
	}
	if q.MaxResults > 0 {
		v.Set("max_results", strconv.Itoa(q.MaxResults))
	}
	if q.SortBy != "" {
		v.Set("sortBy", q.SortBy)
	}
	if q.SortOrder != "" {
		v.Set("sortOrder", q.SortOrder)
	}
	return v, nil
}

// Query returns one page of the export API (Atom 1.0). An HTTP 400 (a bad
// query, a malformed id: arXiv answers with an error feed) returns that
// body together with a *StatusError, so the parser can name arXiv's
// message.
func (c *Client) Query(ctx context.Context, q APIQuery) ([]byte, error) {
	v, err := q.Values()
	if err != nil {
		return nil, fmt.Errorf("arxiv: Query: %w", err)
	}
	return c.get(ctx, "Query", c.api, v.Encode())
}

// ListRecords returns one page of OAI-PMH ListRecords in the arXiv
// metadata format. With a resumption token, only the verb and the token
// are sent (OAI-PMH allows nothing else); otherwise set (e.g. "cs:cs:LG",
// "cs"; empty for all), from and until (either may be zero). An empty
// result is an OAI error element noRecordsMatch in a 200 answer, for the
// parser to read.
func (c *Client) ListRecords(ctx context.Context, set string, from, until bot.Date, token string) ([]byte, error) {
	v := url.Values{}
	v.Set("verb", "ListRecords")
	if token != "" {
		v.Set("resumptionToken", token)
	} else {
		v.Set("metadataPrefix", "arXiv")
		if set != "" {
			v.Set("set", set)
		}
		if !from.IsZero() {
			v.Set("from", from.String())
		}
		if !until.IsZero() {
			v.Set("until", until.String())
		}
		if !from.IsZero() && !until.IsZero() && until.Before(from) {
			return nil, fmt.Errorf("arxiv: ListRecords: until %s is before from %s", until, from)
		}
	}
	return c.get(ctx, "ListRecords", c.oai, v.Encode())
}

// get sends GET base?query, retrying as the package comment says, and
// returns the body of a 2xx answer; a 4xx other than 429 returns its body
// with a *StatusError.
func (c *Client) get(ctx context.Context, method string, base *url.URL, query string) ([]byte, error) {
	u := *base
	u.RawQuery = query
	fail := func(err error, attempts int) error {
		return &RequestError{Method: method, Route: u.Host + u.EscapedPath(), Err: err, Attempts: attempts}
	}
	for attempt := 1; ; attempt++ {
		if err := c.lim.wait(ctx); err != nil {
			return nil, fail(err, 0)
		}
		start := c.clock.Now()
		status, header, body, err := c.do(ctx, &u)
		if ctx.Err() != nil {
			return nil, fail(ctx.Err(), 0) // the caller gave up: no retry
		}
		retry := true
		wait := time.Duration(-1) // backoff, unless the server says
		if err == nil {
			c.log.Debug("arxiv: GET", slog.String("method", method), slog.String("route", u.Host+u.EscapedPath()),
				slog.Int("status", status), slog.Int("attempt", attempt), slog.Duration("duration", c.clock.Now().Sub(start)))
			if status >= 200 && status < 300 {
				return body, nil
			}
			se := &StatusError{StatusCode: status, Body: body}
			err = se
			retry = status == http.StatusTooManyRequests || status >= 500
			if !retry {
				return body, fail(err, 0)
			}
			if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
				if d, ok := retryAfter(header.Get("Retry-After"), c.clock.Now()); ok {
					se.RetryAfter = d
					if d > maxRetryAfter {
						// Honour it by not asking again: the whole Client
						// stays quiet until then.
						c.lim.block(c.clock.Now().Add(d))
						return nil, fail(fmt.Errorf("%w; arXiv asked to wait %v, longer than %v", err, d, maxRetryAfter), attempt)
					}
					wait = d
				}
			}
		} else if errors.Is(err, errTooLarge) {
			return nil, fail(err, 0)
		}
		if !retry || attempt > c.maxRetries {
			return nil, fail(err, attempt)
		}
		if wait < 0 {
			wait = backoff(attempt)
		}
		c.log.Warn("arxiv: retrying", slog.String("method", method), slog.String("route", u.Host+u.EscapedPath()),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		// Every request of the Client waits, not only this one: arXiv is
		// one service, and a Retry-After is a promise not to call before.
		c.lim.block(c.clock.Now().Add(wait))
	}
}

var errTooLarge = errors.New("response too large")

// do sends one request and reads its body, within the per-request timeout.
func (c *Client) do(ctx context.Context, u *url.URL) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/xml, text/xml;q=0.9, */*;q=0.1")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, fmt.Errorf("HTTP %d, body cut short after %d bytes: %w", resp.StatusCode, len(body), err))
	}
	if int64(len(body)) > c.maxBytes {
		return 0, nil, nil, fmt.Errorf("%w: HTTP %d, body larger than %s", errTooLarge, resp.StatusCode, byteSize(c.maxBytes))
	}
	return resp.StatusCode, resp.Header, body, nil
}

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// transportError turns the end of the per-request context into a timeout
// message, and unwraps *url.Error, which repeats the full URL (the error
// names the route already).
func (c *Client) transportError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{After: c.timeout}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// RequestError is every error of a request: one line,
// "arxiv: Query export.arxiv.org/api/query: HTTP 503 Service Unavailable (gave up after 5 attempts)".
// It names the Client method and the host and path, never the query
// string.
type RequestError struct {
	Method   string // FetchFeed, Query or ListRecords
	Route    string // host and path
	Err      error
	Attempts int // set when it gave up retrying
}

func (e *RequestError) Error() string {
	s := "arxiv: " + e.Method + " " + e.Route + ": " + oneLine(e.Err.Error())
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (gave up after %d attempts)", e.Attempts)
	}
	return s
}

func (e *RequestError) Unwrap() error { return e.Err }

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// StatusError is an HTTP error status from arXiv. Body is the answer's
// body: for a 400 from the export API it is an Atom feed whose one entry
// has the title "Error" and arXiv's message as summary (the parser reads
// it; Query and the other methods also return it as their []byte).
type StatusError struct {
	StatusCode int
	RetryAfter time.Duration // what a 429 or 503 asked for, 0 if nothing
	Body       []byte
}

// Error reads "HTTP 400 Bad Request"; the route is added by RequestError.
func (e *StatusError) Error() string {
	s := "HTTP " + strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (Retry-After %v)", e.RetryAfter)
	}
	return s
}

// TimeoutError is a request cut off by Options.Timeout.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string { return fmt.Sprintf("no complete response within %v", e.After) }

// Timeout reports true, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }
