package store

// Search, the store's search entry point: the exact-title stage, the
// full-text ranking (rank.go) and the page of hits.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/paperboy-bot/paperboy/bot"
)

// Search runs a query; see bot.Searcher.
func (db *DB) Search(ctx context.Context, req bot.SearchRequest) (res bot.SearchResults, err error) {
	q := req.Query
	if q == nil {
		return res, errors.New("store: search: no query")
	}
	if req.Limit <= 0 {
		req.Limit = bot.SearchPageSize
	}
	if req.Now.IsZero() {
		// The recency boost is relative to the caller's clock; the store
		// never reads the wall clock for it.
		return res, errors.New("store: search: no reference time (SearchRequest.Now)")
	}
	if q.ID != "" {
		p, err := db.GetPaper(ctx, q.ID)
		if errors.Is(err, bot.ErrNotFound) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		if req.Offset == 0 {
			res.Hits = []bot.SearchHit{{Paper: p, Score: 1}}
		}
		res.Total = 1
		return res, nil
	}
	// The transaction lives on ctx; the statements run under the
	// search's deadline (see ranker.stop).
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return res, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer tx.Rollback()
	sctx := ctx
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		sctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	r := &ranker{ctx: sctx, base: ctx, tx: tx, q: q, pl: planFilters(q), now: julian(req.Now), o: orderOf(q), db: db}
	if db.stopAfterRows > 0 {
		var cancel context.CancelFunc
		r.ctx, cancel = context.WithCancel(r.ctx)
		defer cancel()
		r.rowsLeft = &atomic.Int64{}
		r.rowsLeft.Store(db.stopAfterRows)
		r.stopNow = cancel
	}
	defer func() { res.Stopped = r.stopped }()
	if q, res.Words, err = r.capWords(q); err != nil {
		return res, err
	}
	if res.Words > 0 {
		res.WordsSearched = exprWords(q.Expr)
		r.q = q
	}
	k := req.Offset + req.Limit
	// The papers titled exactly as the query come first (positions 0 to
	// nt-1); the ranking below leaves them out and fills the positions
	// after them.
	titled, err := r.titled()
	if r.stop(err) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	nt := len(titled)
	var skipTitled map[int64]bool
	if nt > 0 {
		skipTitled = map[int64]bool{}
		for _, c := range titled {
			skipTitled[c.rid] = true
		}
		if res.Hits, err = r.hits(titled[:min(nt, k)], req.Offset, false); err != nil {
			return res, err
		}
		for i := range res.Hits {
			res.Hits[i].TitleMatch = true
		}
	}
	if q.Expr == nil {
		if !q.HasFilter() { // only a Title
			res.Total = nt
			return res, nil
		}
		best, err := r.filtered(k)
		if r.stop(err) {
			best = r.partial()
		} else if err != nil {
			return res, err
		}
		if !r.stopped {
			if res.Total, err = r.countFiltered(); r.stop(err) {
				res.Total = max(res.Total, len(best))
			} else if err != nil {
				return res, err
			}
		} else {
			res.Total = len(best)
		}
		res.Hits, err = r.hits(best, req.Offset, false)
		return res, err
	}
	all := matchExpr(q.Expr)
	known, err := r.knownTotal(all)
	if err != nil {
		return res, err
	}
	if known < 0 {
		r.tally = &tally{}
	}
	// At least one, so that the scans run and count (tally) even when the
	// title matches fill the page.
	best, err := r.matches(all, max(1, k-nt), skipTitled, false)
	if r.stop(err) {
		best = r.partial()
	} else if err != nil {
		return res, err
	}
	switch {
	case known >= 0:
		res.Total = known
	case r.stopped:
		// The matches the scans read by then.
		res.Total = max(r.tally.n, len(best))
	default:
		if res.Total, err = r.countRest(all); r.stop(err) {
			res.Total = max(res.Total, len(best))
		} else if err != nil {
			return res, err
		}
	}
	if nt > 0 {
		// The count has the title matches that have all the words too.
		in, err := r.titledMatching(all)
		if err != nil {
			return res, err
		}
		if res.Total < bot.CountCap {
			res.Total = min(bot.CountCap, res.Total-len(in)+nt)
		}
	}
	more, err := r.hits(best[:max(0, min(len(best), k-nt))], max(0, req.Offset-nt), false)
	if err != nil {
		return res, err
	}
	res.Hits = append(res.Hits, more...)
	anyExpr := anyWordExpr(q)
	// The any-word fill: papers matching some words, after all the
	// all-words ones, when the page reaches past those. Counted only then
	// (counting is a large part of a search). With a single word or
	// phrase, the any-word matches are the all-words ones.
	if anyExpr == "" || anyExpr == all || len(q.PositiveTerms()) < 2 || k <= res.Total || r.stopped {
		return res, nil
	}
	// The all-words matches are fewer than k: leave them out of the fill.
	skip, err := r.ids(all)
	if r.stop(err) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	n, err := r.count(anyExpr, bot.CountCap+len(skip))
	if r.stop(err) {
		// What it counted by then; the fill below would stop at once.
		res.PartialTotal = max(0, n-len(skip))
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.PartialTotal = n - len(skip)
	if nt > 0 {
		// Nor the title matches, which the count has when they have some
		// of the words but not all.
		in, err := r.titledMatching(anyExpr)
		if err != nil {
			return res, err
		}
		for rid := range in {
			if !skip[rid] && n < bot.CountCap+len(skip) {
				res.PartialTotal--
			}
		}
		for rid := range skipTitled {
			skip[rid] = true
		}
	}
	if res.PartialTotal <= 0 || len(res.Hits) >= req.Limit {
		return res, nil
	}
	offset := max(0, req.Offset-res.Total)
	best, err = r.matches(anyExpr, offset+req.Limit-len(res.Hits), skip, !hasOr(q.Expr))
	if r.stop(err) {
		best = r.partial()
	} else if err != nil {
		return res, err
	}
	more, err = r.hits(best, offset, true)
	res.Hits = append(res.Hits, more...)
	return res, err
}

// titledSQL selects the search rowids of the papers titled exactly ?.
const titledSQL = `SELECT rid FROM papers WHERE title = ? AND rid IS NOT NULL`

// titled returns the papers whose title is exactly the query's Title
// (index papers_title, migration 0008), in the query's order, each scored
// for the query's words as the ranking scores them, or 0 when it lacks
// them. Their filters do not apply: the text is a title, so what reads as
// a filter is part of it. A query of filters only has no title stage.
func (r *ranker) titled() ([]candidate, error) {
	q := r.q
	if q.Title == "" || q.Expr == nil && q.HasFilter() {
		return nil, nil
	}
	rows, err := r.tx.QueryContext(r.ctx, `SELECT r.rid, r.upvotes FROM search_rank r WHERE r.rid IN (`+titledSQL+`)`, q.Title)
	if err != nil {
		return nil, r.err(err)
	}
	var out []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.rid, &c.upvotes); err != nil {
			rows.Close()
			return nil, r.err(err)
		}
		c.day = ridDay(c.rid)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 || q.Expr == nil {
		slices.SortFunc(out, func(a, b candidate) int { return r.o.compare(a, b) })
		return out, r.err(err)
	}
	all := matchExpr(q.Expr)
	score, sargs, err := r.bm25(all, 0)
	if err != nil {
		return nil, err
	}
	text := map[int64]float64{}
	rows, err = r.tx.QueryContext(r.ctx, `SELECT papers_fts.rowid, `+score+` FROM papers_fts
		WHERE papers_fts MATCH ? AND papers_fts.rowid IN (`+titledSQL+`)`, append(sargs, all, q.Title)...)
	if err != nil {
		return nil, r.err(err)
	}
	for rows.Next() {
		var rid int64
		var t float64
		if err := rows.Scan(&rid, &t); err != nil {
			rows.Close()
			return nil, r.err(err)
		}
		text[rid] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, r.err(err)
	}
	for i, c := range out {
		out[i].score = text[c.rid] * boost(c.upvotes, c.day, r.now)
	}
	slices.SortFunc(out, func(a, b candidate) int { return r.o.compare(a, b) })
	return out, nil
}

// titledMatching returns which papers titled exactly as the query match
// an FTS5 expression and the filters.
func (r *ranker) titledMatching(match string) (map[int64]bool, error) {
	join := ""
	if r.pl.rank {
		join = " JOIN search_rank r ON r.rid = papers_fts.rowid"
	}
	where, args := r.pl.where("papers_fts.rowid", -1)
	rows, err := r.tx.QueryContext(r.ctx, `SELECT papers_fts.rowid FROM papers_fts`+join+`
		WHERE papers_fts MATCH ? AND papers_fts.rowid IN (`+titledSQL+`) AND `+where,
		append([]any{match, r.q.Title}, args...)...)
	if err != nil {
		return nil, r.err(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, r.err(err)
		}
		out[rid] = true
	}
	return out, r.err(rows.Err())
}

// hits loads the papers of best[offset:] with their snippets.
func (r *ranker) hits(best []candidate, offset int, partial bool) ([]bot.SearchHit, error) {
	if offset >= len(best) {
		return nil, nil
	}
	var out []bot.SearchHit
	for _, c := range best[offset:] {
		p, err := scanPaper(r.tx.QueryRowContext(r.ctx, `SELECT `+paperColumns+` FROM papers p WHERE p.rid = ?`, c.rid))
		if err != nil {
			return nil, r.err(err)
		}
		h := bot.SearchHit{Paper: p, Score: c.score, Partial: partial}
		if r.q.Expr != nil {
			// Snippets are made in Go for the page only.
			h.Snippet = bot.Snippet(p.Abstract, r.q, bot.SnippetWords)
		} else {
			h.Snippet = bot.Line{bot.Text("%s", bot.FirstSentences(p.Abstract, 200))}
		}
		out = append(out, h)
	}
	return out, nil
}
