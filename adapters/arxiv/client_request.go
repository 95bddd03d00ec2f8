// One request to arXiv: get waits its turn (client_limiter.go), sends it
// within the timeout, retries a 429, a 5xx or a network failure as the
// Client's comment (client.go) says, and returns the errors below, which
// name the Client method and the route, never the query string.

package arxiv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

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
			wait = bot.Backoff(attempt-1, firstBackoff, maxBackoff)
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
