package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// Document frequencies (migration 0006): search_terms holds, per term of
// the full-text index, the number of papers that have it. The store keeps
// it exact in every transaction that changes the index: the terms of the
// papers it adds (indexNew) and, for a paper whose indexed text changed,
// those it lost and gained. Terms come from fts5tok.Tokens, which is FTS5's
// 'porter unicode61 remove_diacritics 2' tokenizer, so a count equals the
// one FTS5 itself would find by reading the term's list of papers
// (TestSearchTermsMatchIndex checks it against fts5vocab).

// indexedText is what the full-text index holds of a paper: its columns
// in papers_fts order.
type indexedText [5]string

// indexedColumns selects an indexedText from papers.
const indexedColumns = `title, ai_summary, ai_keywords, abstract, authors`

func (t *indexedText) dest() []any { return []any{&t[0], &t[1], &t[2], &t[3], &t[4]} }

// termCounter gathers the changes of document frequencies of one
// transaction.
type termCounter struct {
	delta map[string]int64
	seen  map[string]struct{}
	buf   []string
}

// add adds (sign 1) or removes (sign -1) one paper's distinct terms.
func (c *termCounter) add(t indexedText, sign int64) {
	if c.delta == nil {
		c.delta = map[string]int64{}
	}
	if c.seen == nil {
		c.seen = map[string]struct{}{}
	}
	clear(c.seen)
	c.buf = c.buf[:0]
	for _, col := range t {
		c.buf = fts5tok.AppendTokens(c.buf, col)
	}
	for _, term := range c.buf {
		if _, ok := c.seen[term]; ok {
			continue
		}
		c.seen[term] = struct{}{}
		c.delta[term] += sign
	}
}

// merge adds another counter's changes.
func (c *termCounter) merge(o *termCounter) {
	if c.delta == nil {
		c.delta = map[string]int64{}
	}
	for term, n := range o.delta {
		c.delta[term] += n
	}
}

// countTerms counts the distinct terms of texts in a goroutine: the
// result arrives on the channel while the caller writes the index.
func countTerms(texts []indexedText) <-chan *termCounter {
	ch := make(chan *termCounter, 1)
	go func() {
		c := &termCounter{}
		for _, t := range texts {
			c.add(t, 1)
		}
		ch <- c
	}()
	return ch
}

// flush writes the changes to search_terms, in one statement (a JSON
// object of term -> change), and forgets them.
func (c *termCounter) flush(ctx context.Context, tx *sql.Tx) error {
	changes := map[string]int64{}
	removed := false
	for term, n := range c.delta {
		if n != 0 {
			changes[term] = n
			removed = removed || n < 0
		}
	}
	c.delta = nil
	if len(changes) == 0 {
		return nil
	}
	body, err := json.Marshal(changes) // keys sorted: the inserts go in key order
	if err != nil {
		return fmt.Errorf("store: index terms: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_terms (term, docs)
		SELECT key, value FROM json_each(?) WHERE true
		ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs`, string(body)); err != nil {
		return fmt.Errorf("store: index terms: %w", mapErr(err))
	}
	if removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_terms WHERE docs <= 0 AND term IN (SELECT key FROM json_each(?))`,
			string(body)); err != nil {
			return fmt.Errorf("store: index terms: %w", mapErr(err))
		}
	}
	return nil
}

// querier is a transaction or a pool.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// termCounts returns how many papers have each term of phrase (an FTS5
// quoted string), in order.
func termCounts(ctx context.Context, q querier, phrase string) ([]int64, error) {
	terms := fts5tok.Tokens(unquote(phrase))
	out := make([]int64, len(terms))
	for i, term := range terms {
		err := q.QueryRowContext(ctx, `SELECT docs FROM search_terms WHERE term = ?`, term).Scan(&out[i])
		if err != nil && err != sql.ErrNoRows {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// hitsArg is paperboy_bm25's argument for a phrase whose terms are in
// counts papers each: the count of a single term, whose idf is then the
// one bm25() gives it, and for a phrase of several terms the counts
// separated by commas, whose idf is the sum of theirs (as Lucene scores
// phrases). FTS5's bm25() counts the papers having the whole phrase
// instead, which means reading the lists of papers of all its terms, and
// checking positions, in every search: 50 to 130 ms for a phrase of common
// words at a million papers.
func hitsArg(counts []int64) any {
	if len(counts) == 1 {
		return counts[0]
	}
	s := make([]string, len(counts))
	for i, n := range counts {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, ",")
}

// unquote reverses quote.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return strings.ReplaceAll(s, `""`, `"`)
}
