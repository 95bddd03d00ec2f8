// The Client's three interfaces (data-sources.md section 2): FetchFeed reads
// an announcement feed, Query one page of the export API, ListRecords one
// page of an OAI-PMH harvest. Each builds its URL and sends it through get
// (client_request.go).

package arxiv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

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
