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
	"log/slog"
	"net/http"
	"net/url"
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
	// The backoff when the server names no wait (bot.Backoff): 5 s, 10 s,
	// 20 s … a minute. It starts above the 3-second spacing, or it would
	// change nothing.
	firstBackoff  = 5 * time.Second
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

// MinInterval returns the spacing in force (after raising it for arXiv's
// hosts).
func (c *Client) MinInterval() time.Duration { return c.lim.interval }
