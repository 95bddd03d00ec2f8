package arxiv

import (
	"bytes"
	"context"
	"fmt"

	"github.com/paperboy-bot/paperboy/bot"
)

var _ bot.ArxivDescriber = (*Client)(nil)

// Describe looks papers up in the export API by id, all in one request
// (id_list, with max_results as many as asked: the API's default is 10),
// through the client's limiter: arXiv's current record of each (its
// latest version, title, comments, journal reference). An id arXiv has no
// record of is left out.
func (c *Client) Describe(ctx context.Context, ids []string) ([]bot.Paper, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > bot.ArxivBatch {
		return nil, fmt.Errorf("arxiv: look up %d papers: at most %d a request", len(ids), bot.ArxivBatch)
	}
	body, err := c.Query(ctx, APIQuery{IDList: ids, MaxResults: len(ids)})
	if err != nil {
		return nil, err
	}
	feed, err := ParseAtom(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("arxiv: look up %d papers: %w", len(ids), err)
	}
	return feed.Papers, nil
}
