package bot

import (
	"context"
	"fmt"
	"strings"
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
	return Count(n, word)
}

// SearchRequest asks the store for one page of results.
type SearchRequest struct {
	Query  *Query
	Limit  int // results per page
	Offset int // results to skip
	// Now is the reference time of the recency boost.
	Now time.Time
	// Timeout bounds the search (0: only ctx does): when it is reached,
	// the store stops reading and answers with the best results it found
	// by then, marked Stopped. Chat searches use DefaultSearchTimeout
	// (limits.search_timeout).
	Timeout time.Duration
}

// DefaultSearchTimeout is how long a chat search or a subscription's
// preview may run (limits.search_timeout).
const DefaultSearchTimeout = 3 * time.Second

// MaxSearchTerms is how many words (the tokens of its terms, so gpt-4 is
// two) a search looks for at most. The cost of a search grows faster than
// the number of its words; past this many, the store searches the rarest
// ones (a pasted title of 70 words is still found: its rarest 32 words
// are in it, and its exact title comes first anyway), and says so in the
// results (Words, WordsSearched).
const MaxSearchTerms = 32

// MaxCommonSearchTerms is how many of a search's words may be common (in
// more than 1 paper in CommonWordShare): each of those costs as much as
// many rare words together, so past this many the store keeps the rarest
// of them too.
const MaxCommonSearchTerms = 8

// CommonWordShare: a word in more than 1 paper in this many is common
// (and, whatever the store's size, only one in more than 10,000 papers).
const CommonWordShare = 20

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
	// Words is the number of words of a query that had more than
	// MaxSearchTerms, and WordsSearched how many of them (the rarest, and
	// any word no paper has, which costs nothing) were searched; both are
	// 0 when nothing was left out.
	Words, WordsSearched int
	// Stopped is true when the search reached its Timeout: the hits are
	// the best it found by then, and the totals count the matches it had
	// read (at least that many match).
	Stopped bool
}

// Note says, in one line without a final period, how the results differ
// from what the query asked for (empty when they do not): the words left
// out, and a search that stopped at its timeout.
func (r SearchResults) Note(timeout time.Duration) string {
	var notes []string
	if r.Words > 0 {
		notes = append(notes, fmt.Sprintf("searched %d of its %d words, leaving out the most common (a search looks for at most %d, %d of them common ones)",
			r.WordsSearched, r.Words, MaxSearchTerms, MaxCommonSearchTerms))
	}
	if r.Stopped {
		msg := "the search reached its time limit"
		if timeout > 0 {
			msg = fmt.Sprintf("the search reached its time limit (%s)", timeout)
		}
		if len(r.Hits) > 0 {
			msg += ": these are the best results it found by then, and there may be more"
		} else {
			msg += " before it found anything: try fewer or rarer words, or add a filter such as since:30d"
		}
		notes = append(notes, msg)
	}
	return strings.Join(notes, "; ")
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
