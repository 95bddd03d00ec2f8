package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

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

// plan is a query compiled for the indexes.
type plan struct {
	lo, hi int64    // days (since:, before:), inclusive
	conds  []string // further conditions, with {rowid} for the rowid
	args   []any
	rank   bool // conditions use the search_rank row r
}

// authorCond is the condition of an author: filter of 3 characters or
// more, answered by the trigram index.
const authorCond = `+{rowid} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH ?{range})`

// planFilters compiles the query's filters. The rowid of the scanned
// index is written {rowid} in conds.
func planFilters(q *bot.Query) plan {
	pl := plan{lo: 0, hi: ridDayMask}
	if !q.Since.IsZero() {
		pl.lo = max(0, min(dayNumber(q.Since), ridDayMask+1))
	}
	if !q.Before.IsZero() {
		pl.hi = min(ridDayMask, dayNumber(q.Before)-1)
	}
	for _, a := range q.Authors {
		f := bot.FoldText(a)
		if utf8.RuneCountInString(f) >= 3 {
			// The trigram index finds substrings of 3 characters or more.
			// The unary + keeps SQLite from handing the list to the
			// full-text index as one rowid lookup per author match (a
			// word and a common name took 46 s at 1M); the list is built
			// once per statement, for its rowid range only, and each
			// match is checked against it.
			pl.conds = append(pl.conds, authorCond)
			pl.args = append(pl.args, quote(f))
		} else {
			pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND p.authors_fold LIKE ? ESCAPE '\')`)
			pl.args = append(pl.args, "%"+likeEscape(f)+"%")
		}
	}
	for _, o := range q.Orgs {
		pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND
			(lower(p.org_name) LIKE ? ESCAPE '\' OR lower(p.org_fullname) LIKE ? ESCAPE '\'))`)
		pat := "%" + likeEscape(strings.ToLower(o)) + "%"
		pl.args = append(pl.args, pat, pat)
	}
	for _, alts := range q.Categories {
		cond, args := categoryCond(alts)
		pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND `+cond+`)`)
		pl.args = append(pl.args, args...)
	}
	for _, c := range q.Upvotes {
		op := map[string]string{">=": ">=", ">": ">", "<": "<", "<=": "<=", "=": "="}[c.Op]
		if op == "" {
			op = ">="
		}
		pl.conds = append(pl.conds, "r.upvotes "+op+" ?")
		pl.args = append(pl.args, c.N)
		pl.rank = true
	}
	if q.HasCode {
		pl.conds = append(pl.conds, "r.flags & 1 <> 0")
		pl.rank = true
	}
	if q.HasProject {
		pl.conds = append(pl.conds, "r.flags & 2 <> 0")
		pl.rank = true
	}
	return pl
}

func dayNumber(d bot.Date) int64 {
	return d.In(time.UTC, 0, 0).Unix() / 86400
}

// where writes the plan's conditions for an index whose rowid is x, in
// one upvotes band (a rowid range the index seeks to), or in all bands
// (band -1: the days are then checked row by row).
func (pl plan) where(x string, band int64) (string, []any) {
	if band >= 0 {
		lo, hi := pl.ridRange(band)
		return pl.whereRange(x, lo, hi)
	}
	return pl.conditions(fmt.Sprintf("(%s >> %d & %d) BETWEEN ? AND ?", x, ridDayShift, ridDayMask), x, "", []any{pl.lo, pl.hi})
}

// ridRange returns the first and last rowid of the plan's days in a band.
func (pl plan) ridRange(band int64) (lo, hi int64) {
	return ridBase(band, pl.lo), ridBase(band, pl.hi) | (1<<ridDayShift - 1)
}

// whereRange writes the plan's conditions for the rowids lo to hi of an
// index whose rowid is x.
func (pl plan) whereRange(x string, lo, hi int64) (string, []any) {
	// The range is written into the author subqueries as numbers: they
	// come from the plan, never from the user.
	return pl.conditions(x+" BETWEEN ? AND ?", x, fmt.Sprintf(" AND rowid BETWEEN %d AND %d", lo, hi), []any{lo, hi})
}

// conditions adds the plan's further conditions to s and args, the rowid
// written x and the rowid range rng.
func (pl plan) conditions(s, x, rng string, args []any) (string, []any) {
	for _, c := range pl.conds {
		s += " AND " + strings.NewReplacer("{rowid}", x, "{range}", rng).Replace(c)
	}
	return s, append(args, pl.args...)
}

// bands returns the upvotes bands to read, most upvoted first.
func bands() []int64 {
	out := make([]int64, len(upvoteBands))
	for i := range out {
		out[i] = int64(len(upvoteBands) - 1 - i)
	}
	return out
}

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
		req.Now = time.Now()
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

// count counts the papers matching an FTS5 expression and the filters, up
// to limit, band by band (each a range the index seeks to).
func (r *ranker) count(match string, limit int) (int, error) {
	total := 0
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi || total >= limit {
			break
		}
		lo, hi := r.pl.ridRange(band)
		n, err := r.countIn(r.tx, match, lo, hi, limit-total)
		if err != nil {
			return total, err // what it counted, for a search that stops
		}
		total += n
	}
	return total, nil
}

// countIn counts the papers matching an FTS5 expression and the filters
// in the rowids lo to hi, up to limit.
func (r *ranker) countIn(tx *sql.Tx, match string, lo, hi int64, limit int) (int, error) {
	join := ""
	if r.pl.rank {
		join = " JOIN search_rank r ON r.rid = papers_fts.rowid"
	}
	where, args := r.pl.whereRange("papers_fts.rowid", lo, hi)
	var n int
	err := tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (SELECT 1 FROM papers_fts`+join+` WHERE papers_fts MATCH ? AND `+where+` LIMIT ?)`,
		append(append([]any{match}, args...), limit)...).Scan(&n)
	return n, r.err(err)
}

// knownTotal returns the number of papers matching a query of a single
// term and no filters, up to bot.CountCap, which the store keeps counted;
// -1 for any other query, whose matches are counted as they are ranked
// (tally).
func (r *ranker) knownTotal(all string) (int, error) {
	ph := phrasesOf(all)
	if len(ph) != 1 || ph[0] != all || len(r.pl.conds) > 0 || r.pl.lo != 0 || r.pl.hi != ridDayMask {
		return -1, nil
	}
	counts, err := r.termCounts(all)
	if err != nil || len(counts) != 1 {
		return -1, err
	}
	return int(min(counts[0], bot.CountCap)), nil
}

// A tally counts the matches the scans of one expression read, and notes
// the rowid ranges they left unread (older days, or bands they skipped):
// counting those afterwards (countRest) gives the total without a pass of
// its own over the matches the scans already read. When a query's words
// are common but seldom together (or in a phrase), finding the matches is
// most of a search's cost, and it is then paid once instead of twice.
type tally struct {
	n      int
	unread [][2]int64 // inclusive rowid ranges
}

// countRest returns the tally's matches plus those in the ranges it did
// not read, up to bot.CountCap.
func (r *ranker) countRest(match string) (int, error) {
	t := r.tally
	r.tally = nil
	var total atomic.Int64
	total.Store(int64(t.n))
	err := r.parallel(len(t.unread), func(tx *sql.Tx, i int) error {
		limit := bot.CountCap - total.Load()
		if limit <= 0 {
			return nil
		}
		n, err := r.countIn(tx, match, t.unread[i][0], t.unread[i][1], int(limit))
		total.Add(int64(n))
		return err
	})
	return int(min(total.Load(), bot.CountCap)), err
}

// ids returns the rowids of the papers matching an expression and the
// filters (used for small sets only).
func (r *ranker) ids(match string) (map[int64]bool, error) {
	join := ""
	if r.pl.rank {
		join = " JOIN search_rank r ON r.rid = papers_fts.rowid"
	}
	out := map[int64]bool{}
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi {
			break
		}
		where, args := r.pl.where("papers_fts.rowid", band)
		rows, err := r.tx.QueryContext(r.ctx, `SELECT papers_fts.rowid FROM papers_fts`+join+` WHERE papers_fts MATCH ? AND `+where,
			append([]any{match}, args...)...)
		if err != nil {
			return nil, r.err(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, r.err(err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, r.err(err)
		}
	}
	return out, nil
}

// papers bounds the number of indexed papers (BM25's N) from above.
func (r *ranker) papers() (int64, error) {
	if r.n == 0 {
		if err := r.tx.QueryRowContext(r.ctx, `SELECT coalesce(max(pk), 0) FROM papers`).Scan(&r.n); err != nil {
			return 0, r.err(err)
		}
	}
	return r.n, nil
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

// rareHits is the document frequency up to which fill splits a word off
// as rare.
const rareHits = 20000

// fill ranks the any-word matches of a query without OR in two parts
// (the idea of MaxScore): first the papers with one of its rare words
// (few: the expression "(rare words) AND (query)", whose leading rare
// phrases paperboy_bm25 leaves out of the score), with the bound of the
// whole query; then the papers with only common words, whose bound leaves
// the rare words out and is so much lower that the scan usually stops at
// once. The expression of the second part adds NOT (the rare words), whose
// phrases those papers do not have, so their scores are unchanged.
func (r *ranker) fill(match string, top *topK, skip map[int64]bool, bound float64) ([]candidate, error) {
	// Rare: the words in at most rareHits papers, and the rarest word in
	// any case (its papers are read first; the others' bound leaves it out).
	type word struct {
		ph  string
		n   int64
		idf float64
	}
	var words []word
	for _, t := range r.q.PositiveTerms() {
		w := word{ph: quote(strings.Join(t.Words, " "))}
		var err error
		if w.n, err = r.phraseHits(w.ph); err != nil {
			return nil, err
		}
		if w.idf, err = r.idfBound(w.ph); err != nil {
			return nil, err
		}
		if w.n > 0 {
			words = append(words, w)
		}
	}
	rarest := -1
	for i, w := range words {
		if rarest < 0 || w.n < words[rarest].n {
			rarest = i
		}
	}
	var rare []string
	common := 0.0
	for i, w := range words {
		if i == rarest || w.n <= rareHits {
			rare = append(rare, w.ph)
		} else {
			common += w.idf * (bm25K1 + 1)
		}
	}
	if len(rare) == len(words) {
		rare = nil // nothing left to bound separately
	}
	if len(rare) == 0 {
		if err := r.scanBands(match, top, skip, bound, 0); err != nil {
			return nil, err
		}
		return top.best, nil
	}
	anyRare := strings.Join(rare, " OR ")
	withRare := "((" + anyRare + ") AND " + match + ")"
	if err := r.scanBands(withRare, top, skip, bound, len(rare)); err != nil {
		return nil, err
	}
	rest := "(" + match + " NOT (" + anyRare + "))"
	common = common*(1+1e-9) + 1e-12
	if err := r.scanBands(rest, top, skip, common, 0); err != nil {
		return nil, err
	}
	return top.best, nil
}

// scanBands scans every upvotes band, most upvoted first (two at a time:
// see parallel); bound is the text bound, which each band multiplies by
// its largest upvotes boost.
func (r *ranker) scanBands(match string, top *topK, skip map[int64]bool, bound float64, ignore int) error {
	score, sargs, err := r.bm25(match, ignore)
	if err != nil {
		return err
	}
	bs := bands()
	return r.parallel(len(bs), func(tx *sql.Tx, i int) error {
		band := bs[i]
		return r.scan(tx, match, score, sargs, top, skip, band, bound*upBoost(upvoteBands[band].hi))
	})
}

// parallel runs n tasks, in order of i, on the search's transaction and
// on a second read transaction (the store's aux pool) in another
// goroutine, so a search uses both cores of a small machine: a task takes
// the next i when its transaction is free. The two transactions may see
// different commits when a write lands between their starts; only a paper
// saved during the search can then be counted or ranked in one band and
// not another. The aux pool is used by these second transactions only,
// and they wait for nothing else, so searches never wait on each other
// for connections. Without an aux pool, or for a single task, the tasks
// run in turn on the search's transaction, as they do when both second
// readers are busy with other searches.
func (r *ranker) parallel(n int, task func(tx *sql.Tx, i int) error) error {
	if n <= 1 || r.db.aux == nil {
		for i := 0; i < n; i++ {
			if err := task(r.tx, i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	run := func(tx *sql.Tx) error {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return nil
			}
			if err := task(tx, i); err != nil {
				return err
			}
		}
	}
	select {
	case r.db.auxFree <- struct{}{}:
	default:
		// Every second reader is busy: no waiting, this search's own
		// transaction does all the tasks.
		return run(r.tx)
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-r.db.auxFree }()
		tx, err := r.db.aux.BeginTx(r.ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			done <- nil // the search's own transaction does all the tasks
			return
		}
		defer tx.Rollback()
		done <- run(tx)
	}()
	err := run(r.tx)
	if err2 := <-done; err == nil {
		err = err2
	}
	return err
}

// oldestUseful returns the oldest day on which a paper whose text score
// times upvotes boost is at most bound can still reach the score theta,
// given that the recency boost 1 + 9/(30+age) falls with age; a day after
// the plan's range when no day can.
func (r *ranker) oldestUseful(bound, theta float64) int64 {
	x := theta/bound - 1 // needed: 9/(30+age) >= x
	if x <= 0 {
		return r.pl.lo
	}
	maxAge := 9/x - 30
	if maxAge < 0 {
		return r.pl.hi + 1
	}
	// A day early, for rounding: the scan itself stops exactly.
	return max(r.pl.lo, int64(math.Ceil(r.now-2440587.5-maxAge))-1)
}

// scan reads the matches of one upvotes band newest first into top. With
// a bound (sorted by score: the largest text score times upvotes boost a
// paper of the band can have), it reads only days whose papers can still
// reach the page and stops when the bound times a paper's recency boost
// falls below the page's lowest score.
func (r *ranker) scan(tx *sql.Tx, match, score string, sargs []any, top *topK, skip map[int64]bool, band int64, bound float64) error {
	// With a tally, the rowids from first (the band's range) to next-1 are
	// left unread unless the scan reads them.
	first, _ := r.pl.ridRange(band)
	var next int64
	read := 0
	if r.tally != nil && r.pl.lo <= r.pl.hi {
		_, last := r.pl.ridRange(band)
		next = last + 1
		defer func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.tally.n += read
			if next > first {
				r.tally.unread = append(r.tally.unread, [2]int64{first, next - 1})
			}
		}()
	}
	pl := r.pl
	r.mu.Lock()
	if top.full() {
		switch r.o {
		case byScore:
			pl.lo = max(pl.lo, r.oldestUseful(bound, top.last().score))
		case byDate:
			pl.lo = max(pl.lo, top.last().day)
		case byUpvotes:
			if upvoteBands[band].hi < top.last().upvotes {
				r.mu.Unlock()
				return nil
			}
		}
	}
	r.mu.Unlock()
	if pl.lo > pl.hi {
		return nil
	}
	where, args := pl.where("papers_fts.rowid", band)
	rows, err := tx.QueryContext(r.ctx, `SELECT papers_fts.rowid, `+score+`, r.upvotes
		FROM papers_fts JOIN search_rank r ON r.rid = papers_fts.rowid
		WHERE papers_fts MATCH ? AND `+where+` ORDER BY papers_fts.rowid DESC`, append(append(sargs[:len(sargs):len(sargs)], match), args...)...)
	if err != nil {
		return r.err(err)
	}
	defer rows.Close()
	lastDay, dayBound := int64(math.MinInt64), 0.0
	for rows.Next() {
		var c candidate
		var text float64
		if err := rows.Scan(&c.rid, &text, &c.upvotes); err != nil {
			return r.err(err)
		}
		c.day = ridDay(c.rid)
		read++
		next = c.rid
		if r.rowsLeft != nil && r.rowsLeft.Add(-1) == 0 {
			r.stopNow()
		}
		if c.day != lastDay {
			lastDay, dayBound = c.day, bound*recencyBoost(c.day, r.now)
		}
		if skip[c.rid] {
			continue
		}
		c.score = text * boost(c.upvotes, c.day, r.now)
		if !r.offer(top, c, dayBound) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return r.err(err)
	}
	// Read to the end of its range: only the days before it are left.
	next, _ = pl.ridRange(band)
	return nil
}

// offer adds c to top, or reports false when the scan it comes from can
// stop: no paper of its band from c's day on can enter top (dayBound
// bounds their scores), or, sorted by date, c is older than the page.
func (r *ranker) offer(top *topK, c candidate, dayBound float64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if top.full() {
		switch r.o {
		case byScore:
			if dayBound < top.last().score {
				return false
			}
		case byDate:
			if c.day < top.last().day {
				return false
			}
		}
	}
	top.add(c)
	return true
}

// filterSource is where the papers of a query without words are read
// from: the first author's trigram matches when there is one (rather than
// every paper), else the ranking table; with the remaining conditions.
func (r *ranker) filterSource(pl plan, band int64) (from, rowid string, where string, args []any) {
	if len(r.q.Authors) > 0 && pl.conds[0] == authorCond {
		first := pl.args[0]
		pl.conds, pl.args = pl.conds[1:], pl.args[1:]
		w, a := pl.where("authors_fts.rowid", band)
		return `authors_fts JOIN search_rank r ON r.rid = authors_fts.rowid`, "authors_fts.rowid",
			"authors_fts MATCH ? AND " + w, append([]any{first}, a...)
	}
	w, a := pl.where("r.rid", band)
	return "search_rank r", "r.rid", w, a
}

// filtered ranks the papers matching the filters of a query without words:
// newest first (then most upvoted), or most upvoted first; band by band,
// each read newest first and only as far as it can still reach the page.
func (r *ranker) filtered(k int) ([]candidate, error) {
	top := &topK{k: k, o: r.o}
	r.top = top
	for _, band := range bands() {
		pl := r.pl
		if top.full() {
			if r.o == byUpvotes && upvoteBands[band].hi < top.last().upvotes {
				break
			}
			if r.o == byDate {
				pl.lo = max(pl.lo, top.last().day)
			}
		}
		if pl.lo > pl.hi {
			continue
		}
		from, rowid, where, args := r.filterSource(pl, band)
		rows, err := r.tx.QueryContext(r.ctx, `SELECT `+rowid+`, r.upvotes FROM `+from+` WHERE `+where+` ORDER BY `+rowid+` DESC`, args...)
		if err != nil {
			return nil, r.err(err)
		}
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.rid, &c.upvotes); err != nil {
				rows.Close()
				return nil, r.err(err)
			}
			c.day = ridDay(c.rid)
			if r.o == byDate && top.full() && c.day < top.last().day {
				break
			}
			top.add(c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, r.err(err)
		}
	}
	return top.best, nil
}

// countFiltered counts the papers matching the filters of a query without
// words, up to bot.CountCap.
func (r *ranker) countFiltered() (int, error) {
	total := 0
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi || total >= bot.CountCap {
			break
		}
		from, _, where, args := r.filterSource(r.pl, band)
		var n int
		if err := r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (SELECT 1 FROM `+from+` WHERE `+where+` LIMIT ?)`,
			append(args, bot.CountCap-total)...).Scan(&n); err != nil {
			return total, r.err(err)
		}
		total += n
	}
	return total, nil
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
