// Client for the Hugging Face Hub API, https://huggingface.co/docs/hub/en/api
// (endpoint GET /api/daily_papers?date=YYYY-MM-DD&limit=100&p=N, a bare
// JSON array per page, pages linked by a Link rel="next" header; see
// shared/docs/data-sources.md section 1 for the format and its quirks).

package huggingface

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Defaults for Options fields left zero.
const (
	DefaultBaseURL     = "https://huggingface.co"
	DefaultTimeout     = 20 * time.Second
	DefaultMaxRetries  = 4
	DefaultMinInterval = 600 * time.Millisecond // HF allows about 500 requests per 5 minutes
)

const (
	pageSize      = 100              // the API's maximum limit
	maxPages      = 20               // 2,000 papers; the busiest archived day had 50
	maxBodyBytes  = 32 << 20         // a full page is about 1 MB
	firstBackoff  = time.Second      // the exponential backoff's first wait (bot.Backoff)
	maxBackoff    = 30 * time.Second // its cap
	maxRetryAfter = 5 * time.Minute  // cap of a server-requested wait
	excerptBytes  = 100
)

// Options configure a Client. Only UserAgent is required.
type Options struct {
	// BaseURL is the Hub's address; default DefaultBaseURL. A trailing
	// slash is fine.
	BaseURL string
	// Token is an optional Hugging Face access token, sent as
	// "Authorization: Bearer <token>". It is never logged nor put in an
	// error.
	Token string
	// UserAgent identifies the bot to Hugging Face, e.g.
	// "paperboy/0.1.0 (+https://github.com/paperboy-bot/paperboy)".
	UserAgent string
	// HTTPClient sends the requests; default a new http.Client. Its own
	// Timeout, if any, applies on top of Timeout.
	HTTPClient *http.Client
	// Timeout bounds each request, body included; default DefaultTimeout,
	// negative for none.
	Timeout time.Duration
	// MaxRetries is how many times a request is retried after a 429, a 5xx,
	// a network error or a timeout; default DefaultMaxRetries, negative for
	// no retries.
	MaxRetries int
	// MinInterval is the least time between the starts of two requests;
	// default DefaultMinInterval, negative for none.
	MinInterval time.Duration
	// Sleep waits for d or until ctx is done, returning ctx.Err() then. It
	// is used for every wait (backoff, Retry-After, MinInterval), so tests
	// can record the waits instead of sleeping. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock, used for FetchedAt, HTTP-date Retry-After values and
	// MinInterval; default time.Now.
	Now func() time.Time
	// Logger receives a debug record per request and a warning per retry;
	// default: discard.
	Logger *slog.Logger
}

// Client reads daily lists from the Hugging Face API. It implements
// bot.Source and is safe for concurrent use.
type Client struct {
	endpoint    string // {base}/api/daily_papers
	token       string
	userAgent   string
	http        *http.Client
	timeout     time.Duration
	maxRetries  int
	minInterval time.Duration
	sleep       func(context.Context, time.Duration) error
	now         func() time.Time
	log         *slog.Logger

	mu   sync.Mutex
	next time.Time // earliest start of the next request
}

var _ bot.Source = (*Client)(nil)

// New returns a Client for opts. It fails when UserAgent is empty or
// BaseURL is not an absolute http(s) URL.
func New(opts Options) (*Client, error) {
	if strings.TrimSpace(opts.UserAgent) == "" {
		return nil, errors.New("huggingface: a User-Agent is required")
	}
	base := strings.TrimRight(strings.TrimSpace(opts.BaseURL), "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		// The URL goes into errors and logs, so it may not carry a password.
		return nil, errors.New("huggingface: base URL is not an http(s) URL without query or credentials")
	}
	c := &Client{
		endpoint:    base + "/api/daily_papers",
		token:       opts.Token,
		userAgent:   opts.UserAgent,
		http:        opts.HTTPClient,
		timeout:     pick(opts.Timeout, DefaultTimeout),
		maxRetries:  pick(opts.MaxRetries, DefaultMaxRetries),
		minInterval: pick(opts.MinInterval, DefaultMinInterval),
		sleep:       opts.Sleep,
		now:         opts.Now,
		log:         opts.Logger,
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.sleep == nil {
		c.sleep = bot.Sleep
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// pick applies the Options convention: zero means the default, negative
// means none.
func pick[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Name implements bot.Source.
func (c *Client) Name() string { return "huggingface" }

// Day implements bot.Source: it fetches the daily list of day, following
// pages, in Hugging Face's order (upvotes, descending). Weekends are asked
// for like any day; an empty array is an empty list. Papers without
// submittedOnDailyAt get day as their ListDate. Elements that cannot be a
// paper, and repeats of a paper already on the list, are in the list's
// Skipped, named by their position ("element 3"; on later pages "page 2
// element 3").
func (c *Client) Day(ctx context.Context, day bot.Date) (bot.DayList, error) {
	if day.IsZero() {
		return bot.DayList{}, errors.New("huggingface: no date given")
	}
	list := bot.DayList{Papers: []bot.Paper{}}
	seen := make(map[string]string)
	for page := 0; ; page++ {
		if page == maxPages {
			c.log.Warn("huggingface: page limit reached, list cut short",
				slog.String("date", day.String()), slog.Int("pages", maxPages))
			break
		}
		got, pos, more, err := c.page(ctx, day, page)
		if err != nil {
			return bot.DayList{}, err
		}
		at := func(where string) string {
			if page == 0 {
				return where
			}
			return fmt.Sprintf("page %d %s", page+1, where)
		}
		for _, s := range got.Skipped {
			s.Where = at(s.Where)
			list.Skipped = append(list.Skipped, s)
		}
		for i, p := range got.Papers {
			where := at(fmt.Sprintf("element %d", pos[i]))
			if first, dup := seen[p.ID]; dup {
				list.Skipped = append(list.Skipped, bot.Skip{Where: where, ID: p.ID, Reason: "the same paper as " + first})
				continue
			}
			seen[p.ID] = where
			if p.ListDate != day {
				c.log.Warn("huggingface: paper listed under another date",
					slog.String("paper_id", p.ID), slog.String("date", day.String()),
					slog.String("list_date", p.ListDate.String()))
			}
			list.Papers = append(list.Papers, p)
		}
		if len(got.Papers)+len(got.Skipped) == 0 || !more {
			break
		}
	}
	return list, nil
}

// page fetches one page and reports whether the response links a next one.
func (c *Client) page(ctx context.Context, day bot.Date, page int) (bot.DayList, []int, bool, error) {
	q := url.Values{}
	q.Set("date", day.String())
	q.Set("limit", strconv.Itoa(pageSize))
	q.Set("p", strconv.Itoa(page))
	u := c.endpoint + "?" + q.Encode()

	resp, err := c.get(ctx, u)
	if err != nil {
		return bot.DayList{}, nil, false, err
	}
	list, pos, err := c.decode(resp, day)
	if err != nil {
		return bot.DayList{}, nil, false, &requestError{url: u, err: err}
	}
	fetched := c.now().UTC()
	for i := range list.Papers {
		list.Papers[i].FetchedAt = fetched
	}
	return list, pos, hasNext(resp.header.Values("Link")), nil
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends GET u until it gets a response that is not worth retrying, or
// runs out of retries.
func (c *Client) get(ctx context.Context, u string) (*response, error) {
	for attempt := 1; ; attempt++ {
		if err := c.pace(ctx); err != nil {
			return nil, &requestError{url: u, err: err}
		}
		start := c.now()
		resp, err := c.do(ctx, u)
		if ctx.Err() != nil {
			// The caller gave up: no retry, no wait.
			return nil, &requestError{url: u, err: ctx.Err()}
		}
		if err == nil {
			c.log.Debug("huggingface: GET", slog.String("url", u), slog.Int("status", resp.status),
				slog.Int("attempt", attempt), slog.Duration("duration", c.now().Sub(start)))
			if resp.status >= 200 && resp.status < 300 {
				return resp, nil
			}
			err = c.statusError(resp)
		}
		wait := time.Duration(-1) // backoff, unless the server says
		retry := true
		var se *StatusError
		if errors.As(err, &se) {
			retry = se.StatusCode == http.StatusTooManyRequests || se.StatusCode >= 500
			if retry {
				wait = c.serverWait(resp.header)
			}
		}
		if !retry {
			return nil, &requestError{url: u, err: err}
		}
		if attempt > c.maxRetries {
			return nil, &requestError{url: u, err: err, attempts: attempt}
		}
		if wait < 0 {
			wait = bot.Backoff(attempt-1, firstBackoff, maxBackoff) // 1 s, 2 s, 4 s … 30 s
		}
		c.log.Warn("huggingface: retrying", slog.String("url", u), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.String("error", c.redact(err.Error())))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, &requestError{url: u, err: err}
		}
	}
}

// do sends one request and reads its body, all within the per-request
// timeout.
func (c *Client) do(ctx context.Context, u string) (*response, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, c.transportError(ctx, fmt.Errorf("reading body (status %d): %w", resp.StatusCode, err))
	}
	if len(body) > maxBodyBytes {
		return nil, fmt.Errorf("body larger than %d MB (status %d)", maxBodyBytes>>20, resp.StatusCode)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// hasNext reports whether Link header values hold a rel="next" link.
func hasNext(links []string) bool {
	for _, v := range links {
		// Each link is "<uri>; param; param", links separated by commas;
		// skipping over the <uri> keeps commas inside it harmless.
		for v != "" {
			lt := strings.IndexByte(v, '<')
			if lt < 0 {
				break
			}
			gt := strings.IndexByte(v[lt:], '>')
			if gt < 0 {
				break
			}
			v = v[lt+gt+1:]
			params := v
			if next := strings.IndexByte(v, '<'); next >= 0 {
				params = v[:next]
			}
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				val = strings.Trim(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(val), ",")), `"`)
				for _, rel := range strings.Fields(val) {
					if strings.EqualFold(rel, "next") {
						return true
					}
				}
			}
		}
	}
	return false
}

// decode turns a 2xx body into papers, naming what came instead of a JSON
// array: an error object, HTML, nothing, or a truncated array.
func (c *Client) decode(resp *response, day bot.Date) (bot.DayList, []int, error) {
	trimmed := bytes.TrimLeft(resp.body, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		body := c.redactBody(resp.body)
		if msg, ok := errorMessage(body); ok {
			return bot.DayList{}, nil, &StatusError{StatusCode: resp.status, Message: msg}
		}
		return bot.DayList{}, nil, fmt.Errorf("expected a JSON array, got %s (status %d)", describeBody(body), resp.status)
	}
	list, pos, err := parseList(resp.body, day)
	if err != nil {
		return bot.DayList{}, nil, fmt.Errorf("%w (status %d, %d bytes)", err, resp.status, len(resp.body))
	}
	return list, pos, nil
}
