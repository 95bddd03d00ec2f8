package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Ranking. Relevance is FTS5's BM25 over the five indexed columns with
// these weights (title highest, then keywords and ai_summary, then the
// abstract, then the authors), times two small boosts, each saturating:
//
//	upvotes: 1 + 0.5·u/(u+20)      (at most ×1.5; 20 upvotes give ×1.25)
//	recency: 1 + 0.3·30/(30+age)   (at most ×1.3; a month old gives ×1.15)
//
// where age is in days from the paper's daily-list date (else its arXiv
// date) to the time of the search. So a better text match wins unless the
// two are close. Ties go to the newer paper.
//
// How the top results are found without scoring every match (exact, not
// approximate): the indexes' rowids are band<<36 | day<<20 | n (migration
// 0005), so each upvotes band is a rowid range whose matches are read
// newest first. FTS5's BM25 gives each phrase of the query at most
// idf·(k1+1), so no paper of a band can score more than Σ idf·(k1+1) × the
// band's largest upvotes boost × its recency boost, and that bound only
// shrinks as the papers get older. Bands are read most upvoted first, each
// only from the oldest day whose papers could still enter the page, and a
// band stops as soon as the bound for the next paper's day is below the
// page's lowest score. The idf of each term comes from the document
// frequencies the store keeps (search_terms, terms.go; the number of papers
// is bounded by the highest pk), and a phrase of several terms gets the
// sum of its terms' idfs; the scans score with paperboy_bm25 (bm25_cgo.go),
// which is bm25() taking those counts instead of counting them in every
// statement. ExhaustiveSearch is the reference the tests compare this with.
const (
	weightTitle    = 10.0
	weightSummary  = 4.0
	weightKeywords = 4.0
	weightAbstract = 2.0
	weightAuthors  = 1.0

	bm25K1 = 1.2 // FTS5's bm25() k1
)

// effDate is a paper's date for since:, before:, sort:date and recency:
// its daily-list date, else its arXiv date.
const effDate = `coalesce(nullif(p.list_date, ''), nullif(substr(p.published_at, 1, 10), ''), p.announced_on)`

// julian converts t to a Julian day number, as SQLite's julianday().
func julian(t time.Time) float64 {
	return float64(t.UTC().UnixNano())/float64(24*time.Hour) + 2440587.5
}

// boost is the product of the upvotes and recency boosts of a paper with
// u upvotes on day (days since 1970-01-01), searched at the Julian day now.
func boost(u int64, day int64, now float64) float64 {
	return upBoost(u) * recencyBoost(day, now)
}

func upBoost(u int64) float64 {
	f := float64(max(u, 0))
	return 1 + 0.5*f/(f+20)
}

func recencyBoost(day int64, now float64) float64 {
	age := max(0, now-(float64(day)+2440587.5))
	return 1 + 0.3*30/(30+age)
}

// candidate is one match during ranking.
type candidate struct {
	rid     int64
	day     int64
	upvotes int64
	score   float64
}

// order is how results are sorted.
type order int

const (
	byScore   order = iota // score, then newer
	byDate                 // day, then score (upvotes for filter-only), then newer
	byUpvotes              // upvotes, then score, then newer
)

func orderOf(q *bot.Query) order {
	switch q.Sort {
	case bot.SortDate:
		return byDate
	case bot.SortUpvotes:
		return byUpvotes
	}
	if q.Expr == nil {
		return byDate // no words, no relevance: newest first
	}
	return byScore
}

// before reports whether a ranks above b.
func (o order) before(a, b candidate) bool {
	switch o {
	case byDate:
		if a.day != b.day {
			return a.day > b.day
		}
	case byUpvotes:
		if a.upvotes != b.upvotes {
			return a.upvotes > b.upvotes
		}
	}
	if a.score != b.score {
		return a.score > b.score
	}
	if o == byDate && a.upvotes != b.upvotes {
		return a.upvotes > b.upvotes
	}
	return a.rid > b.rid
}

// compare orders a before b (-1) or after it (1), as before does.
func (o order) compare(a, b candidate) int {
	switch {
	case o.before(a, b):
		return -1
	case o.before(b, a):
		return 1
	}
	return 0
}

// topK keeps the best k candidates in order.
type topK struct {
	k    int
	o    order
	best []candidate
}

func (t *topK) full() bool { return len(t.best) >= t.k }

func (t *topK) last() candidate { return t.best[len(t.best)-1] }

func (t *topK) add(c candidate) {
	if t.full() && !t.o.before(c, t.last()) {
		return
	}
	i := len(t.best)
	for i > 0 && t.o.before(c, t.best[i-1]) {
		i--
	}
	if len(t.best) < t.k {
		t.best = append(t.best, candidate{})
	}
	copy(t.best[i+1:], t.best[i:len(t.best)-1])
	t.best[i] = c
}

// ranker runs the statements of one search in one read transaction.
type ranker struct {
	// ctx is the search's deadline (bot.SearchRequest.Timeout) until it
	// is reached, then base, the caller's (see stop).
	ctx, base context.Context
	// stopped: the deadline was reached; the stages that read matches
	// are then skipped.
	stopped bool
	// top is the ranking a scan is filling (matches, filtered): what a
	// search that stops answers with.
	top *topK
	// rowsLeft and stopNow: DB.stopAfterRows.
	rowsLeft *atomic.Int64
	stopNow  func()
	tx       *sql.Tx
	q        *bot.Query
	pl       plan
	now      float64
	o        order
	n        int64 // upper bound of the number of papers, 0 until needed
	// df holds the document frequencies of each phrase's terms, read
	// once per search.
	df map[string][]int64
	// tally, when set, counts the matches the scans read.
	tally *tally
	// db gives parallel its second transactions; mu guards what the two
	// share (the best candidates and the tally).
	db *DB
	mu sync.Mutex
}

func (r *ranker) err(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: search: %w", mapErr(err))
}

// idfBound returns an upper bound of the idf a phrase gets (see
// phraseIDFs), 0 when no paper can have the phrase (it then adds nothing
// to any score).
func (r *ranker) idfBound(phrase string) (float64, error) {
	n, err := r.papers()
	if err != nil {
		return 0, err
	}
	counts, err := r.termCounts(phrase)
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for _, hits := range counts {
		if hits == 0 {
			return 0, nil
		}
		sum += max(math.Log((float64(n)-float64(hits)+0.5)/(float64(hits)+0.5)), 1e-6)
	}
	return sum, nil
}

// termCounts returns the number of papers having each term of a phrase
// (an FTS5 quoted string), from search_terms.
func (r *ranker) termCounts(phrase string) ([]int64, error) {
	if c, ok := r.df[phrase]; ok {
		return c, nil
	}
	c, err := termCounts(r.ctx, r.tx, phrase)
	if err != nil {
		return nil, r.err(err)
	}
	if r.df == nil {
		r.df = map[string][]int64{}
	}
	r.df[phrase] = c
	return c, nil
}

// phraseHits bounds the number of papers that have a phrase: those of its
// rarest term.
func (r *ranker) phraseHits(phrase string) (int64, error) {
	counts, err := r.termCounts(phrase)
	if err != nil || len(counts) == 0 {
		return 0, err
	}
	return slices.Min(counts), nil
}

// bm25 returns the text score expression for an FTS5 expression and its
// arguments: paperboy_bm25 (store/bm25_cgo.go), FTS5's bm25() given the
// document frequencies the store keeps instead of counting them (see
// phraseIDFs for phrases of several terms).
//
// The first ignore phrases of the expression only narrow the rows (a
// prefix "(rare words) AND"): they are left out of the score.
func (r *ranker) bm25(match string, ignore int) (string, []any, error) {
	phrases := phrasesOf(match)
	args := make([]any, len(phrases))
	for i, ph := range phrases {
		if i < ignore {
			args[i] = -1
			continue
		}
		counts, err := r.termCounts(ph)
		if err != nil {
			return "", nil, err
		}
		args[i] = hitsArg(counts)
	}
	return bm25Call(len(phrases)), args, nil
}

// bm25Call is the paperboy_bm25 expression with one argument per phrase.
func bm25Call(phrases int) string {
	return fmt.Sprintf(`-paperboy_bm25(papers_fts, %g, %g, %g, %g, %g%s)`,
		weightTitle, weightSummary, weightKeywords, weightAbstract, weightAuthors,
		strings.Repeat(", ?", phrases))
}

// textBound bounds the BM25 part of any score for an expression: each
// phrase gives at most idf·(k1+1). Papers of the any-word fill lack at
// least one of the words of a query without OR, so the smallest of those
// can be left out (missing).
func (r *ranker) textBound(match string, missing bool) (float64, error) {
	var sum, least float64
	least = math.Inf(1)
	for _, ph := range phrasesOf(match) {
		idf, err := r.idfBound(ph)
		if err != nil {
			return 0, err
		}
		if idf == 0 {
			// No paper has it: it adds nothing, and it is the word every
			// paper of the fill may miss, so none can be left out.
			missing = false
			continue
		}
		sum += idf * (bm25K1 + 1)
		least = min(least, idf*(bm25K1+1))
	}
	if missing && !math.IsInf(least, 1) {
		sum -= least
	}
	// Room for rounding: the bound must never be below a real score.
	return sum*(1+1e-9) + 1e-12, nil
}

// matches ranks the papers matching an FTS5 expression and the filters
// and returns the best k in order, leaving out skip. It reads each upvotes
// band newest first, most upvoted band first. Sorted by score, a band is
// read only from the days whose papers could still enter the best k (the
// bound: see the top of this file) and stops as soon as none can; sorted
// by date, it stops once the page's days are complete; sorted by upvotes,
// bands below the page's lowest upvotes are not read.
func (r *ranker) matches(match string, k int, skip map[int64]bool, missing bool) ([]candidate, error) {
	top := &topK{k: k, o: r.o}
	r.top = top
	var bound float64
	if r.o == byScore {
		var err error
		if bound, err = r.textBound(match, missing && len(r.q.PositiveTerms()) > 1); err != nil {
			return nil, err
		}
	}
	if r.o == byScore && missing && !hasOr(r.q.Expr) {
		return r.fill(match, top, skip, bound)
	}
	if err := r.scanBands(match, top, skip, bound, 0); err != nil {
		return nil, err
	}
	return top.best, nil
}

// phrasesOf returns the quoted strings of an FTS5 expression made by
// matchExpr: the phrases bm25() scores.
func phrasesOf(match string) []string {
	var out []string
	for i := 0; i < len(match); i++ {
		if match[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(match) {
			if match[j] == '"' {
				if j+1 < len(match) && match[j+1] == '"' {
					j += 2
					continue
				}
				break
			}
			j++
		}
		out = append(out, match[i:min(j+1, len(match))])
		i = j
	}
	return out
}

// hasOr reports whether an expression has an OR anywhere.
func hasOr(e bot.Expr) bool {
	switch x := e.(type) {
	case bot.Or, *bot.Or:
		return true
	case bot.And:
		for _, it := range x.Items {
			if hasOr(it) {
				return true
			}
		}
	case *bot.And:
		for _, it := range x.Items {
			if hasOr(it) {
				return true
			}
		}
	case bot.Not:
		return hasOr(x.Item)
	case *bot.Not:
		return hasOr(x.Item)
	}
	return false
}
