// Waiting between requests to the Hugging Face API
// (https://huggingface.co/docs/hub/en/api): pacing under its rate limit
// (about 500 requests per 5 minutes), exponential backoff, and the waits a
// server asks for with Retry-After or RateLimit headers.

package huggingface

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pace waits until MinInterval has passed since the previous request
// started, reserving the slot first so concurrent callers queue up.
func (c *Client) pace(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.minInterval <= 0 {
		return nil
	}
	c.mu.Lock()
	now := c.now()
	start := now
	if c.next.After(now) {
		start = c.next
	}
	c.next = start.Add(c.minInterval)
	c.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		return c.sleep(ctx, wait)
	}
	return nil
}

// serverWait returns the wait the server asked for with Retry-After (delay
// in seconds or an HTTP date), RateLimit-Reset, or the reset ("t=" or
// "reset=") of a RateLimit header, capped at 5 minutes; -1 when it asked
// for none.
func (c *Client) serverWait(h http.Header) time.Duration {
	d, ok := time.Duration(0), false
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			d, ok = seconds(n), true
		} else if t, err := http.ParseTime(v); err == nil {
			d, ok = t.Sub(c.now()), true
		}
	}
	if !ok {
		if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				d, ok = seconds(n), true
			}
		}
	}
	if !ok {
		d, ok = rateLimitReset(h.Get("RateLimit"))
	}
	if !ok {
		return -1
	}
	return min(max(d, 0), maxRetryAfter)
}

func seconds(n int64) time.Duration {
	if n > int64(maxRetryAfter/time.Second) {
		return maxRetryAfter
	}
	return time.Duration(n) * time.Second
}

// rateLimitReset reads the reset time from a RateLimit header, either the
// structured-field form Hugging Face sends (`"api";r=0;t=55`) or the older
// draft's (`limit=500, remaining=0, reset=55`).
func rateLimitReset(v string) (time.Duration, bool) {
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || (k != "t" && k != "reset") {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64); err == nil {
			return seconds(n), true
		}
	}
	return 0, false
}
