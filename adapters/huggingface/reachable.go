package huggingface

import (
	"context"
	"net/url"

	"github.com/paperboy-bot/paperboy/bot"
)

// Reachable asks Hugging Face for the first paper of day's list (GET
// /api/daily_papers?date=D&limit=1): one request, never retried, for
// `paperboy doctor`. It returns how many papers came (0 for a weekend or a
// list not begun, else 1), or the request's error ("huggingface: GET
// <url>: HTTP 401 Unauthorized: …"), which never holds the token.
func (c *Client) Reachable(ctx context.Context, day bot.Date) (int, error) {
	q := url.Values{}
	q.Set("date", day.String())
	q.Set("limit", "1")
	u := c.endpoint + "?" + q.Encode()
	if err := c.pace(ctx); err != nil {
		return 0, &requestError{url: u, err: err}
	}
	resp, err := c.do(ctx, u)
	if err != nil {
		return 0, &requestError{url: u, err: err}
	}
	if resp.status < 200 || resp.status > 299 {
		return 0, &requestError{url: u, err: c.statusError(resp)}
	}
	list, _, err := c.decode(resp, day)
	if err != nil {
		return 0, &requestError{url: u, err: err}
	}
	return len(list.Papers) + len(list.Skipped), nil
}
