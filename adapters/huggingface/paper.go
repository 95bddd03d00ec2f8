// One paper from the Hugging Face Hub API: GET /api/papers/{arxiv_id}, a
// flat Paper document (the keys of a daily element's "paper", plus
// linkedModels/numTotalModels, linkedDatasets/numTotalDatasets and
// linkedSpaces/numTotalSpaces; see shared/docs/data-sources.md §1.5).
// An unknown paper is a 404.

package huggingface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

var _ bot.PaperRefresher = (*Client)(nil)

// wireLinked is what the single-paper document says is linked to the
// paper: the counts, else the lengths of the lists.
type wireLinked struct {
	LinkedModels     []json.RawMessage `json:"linkedModels"`
	NumTotalModels   *int              `json:"numTotalModels"`
	LinkedDatasets   []json.RawMessage `json:"linkedDatasets"`
	NumTotalDatasets *int              `json:"numTotalDatasets"`
	LinkedSpaces     []json.RawMessage `json:"linkedSpaces"`
	NumTotalSpaces   *int              `json:"numTotalSpaces"`
}

func total(n *int, list []json.RawMessage) int {
	if n != nil {
		return max(*n, 0)
	}
	return len(list)
}

func parsePaper(body []byte) (bot.Paper, bot.Linked, error) {
	if t := bytes.TrimLeft(body, " \t\r\n\ufeff"); len(t) == 0 || t[0] != '{' {
		return bot.Paper{}, bot.Linked{}, fmt.Errorf("expected a JSON object, got %s", describeBody(body))
	}
	p, err := parseElement(body, bot.Date{})
	if err != nil {
		return bot.Paper{}, bot.Linked{}, err
	}
	// parseElement falls back on the outer publishedAt for old files; in
	// a flat document that is the arXiv time, not a list's date.
	var dates struct {
		SubmittedOnDailyAt string `json:"submittedOnDailyAt"`
	}
	_ = json.Unmarshal(body, &dates)
	if t, err := parseTime(dates.SubmittedOnDailyAt); err != nil || t.IsZero() {
		p.ListDate = bot.Date{}
	}
	var l wireLinked
	if err := json.Unmarshal(body, &l); err != nil {
		// A field of the wrong type: counted as nothing linked.
		l = wireLinked{}
	}
	return p, bot.Linked{Models: total(l.NumTotalModels, l.LinkedModels), Datasets: total(l.NumTotalDatasets, l.LinkedDatasets),
		Spaces: total(l.NumTotalSpaces, l.LinkedSpaces)}, nil
}

// Refresh implements bot.PaperRefresher: one request, paced and retried
// like every other (MinInterval, Retry-After). A 404 wraps bot.ErrNotFound.
func (c *Client) Refresh(ctx context.Context, id string) (bot.Paper, bot.Linked, error) {
	bare, ok := bot.NormalizeID(id)
	if !ok {
		return bot.Paper{}, bot.Linked{}, fmt.Errorf("huggingface: %q is not an arXiv id", excerpt([]byte(id), 40))
	}
	u := strings.TrimSuffix(c.endpoint, "/api/daily_papers") + "/api/papers/" + url.PathEscape(bare)
	resp, err := c.get(ctx, u)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
			return bot.Paper{}, bot.Linked{}, fmt.Errorf("%w: %w", bot.ErrNotFound, err)
		}
		return bot.Paper{}, bot.Linked{}, err
	}
	p, l, err := parsePaper(resp.body)
	if err != nil {
		return bot.Paper{}, bot.Linked{}, &requestError{url: u, err: err}
	}
	if p.ID != bare {
		return bot.Paper{}, bot.Linked{}, &requestError{url: u, err: fmt.Errorf("answered paper %q", p.ID)}
	}
	p.FetchedAt = c.now().UTC()
	return p, l, nil
}
