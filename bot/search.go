package bot

import (
	"context"
	"fmt"
	"time"
)

// SearchPageSize is how many results a chat search shows at a time.
const SearchPageSize = 5

// CountCap bounds the result counts of a search: matches are counted up
// to this many (counting every match of a common word in a large store
// would cost more than ranking them), and more are shown as "10000+".
const CountCap = 10000

// countNoun writes a result count with its noun: "1 paper", "12 papers",
// "10000+ papers".
func countNoun(n int, word string) string {
	if n >= CountCap {
		return fmt.Sprintf("%d+ %ss", CountCap, word)
	}
	return plural(n, word)
}

// SearchRequest asks the store for one page of results.
type SearchRequest struct {
	Query  *Query
	Limit  int // results per page
	Offset int // results to skip
	// Now is the reference time of the recency boost.
	Now time.Time
}

// SearchHit is one result.
type SearchHit struct {
	Paper Paper
	Score float64
	// Snippet is a piece of the abstract with the matched words in bold
	// spans (untrusted text: adapters escape it).
	Snippet Line
	// Partial is true for a paper that matches only some of the words
	// (the any-word results that follow the all-words ones).
	Partial bool
	// TitleMatch is true for a paper whose title is exactly the query's
	// Title (the search as typed, cleaned). Such papers come before all
	// the others; their Score is their score for the query's words, 0
	// when they lack them (a title whose NOT or leading "-" reads as an
	// exclusion, a title without letters or digits).
	TitleMatch bool
}

// SearchResults is one page of results and the totals.
type SearchResults struct {
	Hits []SearchHit
	// Total counts the papers matching the whole query; PartialTotal the
	// further papers matching at least one of its words, counted only when
	// the page reaches past the Total (else 0). Both stop at CountCap.
	Total, PartialTotal int
}

// Searcher runs search queries.
type Searcher interface {
	// Search returns one page of results: the papers whose title is
	// exactly the query's Title (marked TitleMatch, whatever the words and
	// filters say), then the papers matching every word, best first, then
	// (when they are fewer than a page) the best papers matching some of
	// the words, marked Partial; a paper comes once. Total counts the
	// title matches and the all-words ones. A query with an ID returns
	// that paper alone (or nothing); a query of only a Title, the papers
	// with that title.
	Search(ctx context.Context, req SearchRequest) (SearchResults, error)
	// MatchIDs returns which of ids (nil: all papers) match the query's
	// words and filters, as Search would find them.
	MatchIDs(ctx context.Context, q *Query, ids []string) (map[string]bool, error)
}

// PageStore keeps the paging state of chat searches, so Prev/Next buttons
// keep working after a restart.
type PageStore interface {
	// SavePage stores a query under a short key (idempotent).
	SavePage(ctx context.Context, key, query string, now time.Time) error
	// LoadPage returns the query stored under key, or ErrNotFound.
	LoadPage(ctx context.Context, key string) (string, error)
}
