package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Ranking. Relevance is BM25 over the five indexed columns with these
// weights (title highest, then keywords and ai_summary, then the abstract,
// then the authors), times two small boosts, each saturating:
//
//	upvotes: 1 + 0.5·u/(u+20)      (at most ×1.5; 20 upvotes give ×1.25)
//	recency: 1 + 0.3·30/(30+age)   (at most ×1.3; a month old gives ×1.15)
//
// where age is in days since the paper's daily-list date (else its arXiv
// date) at the time of the search. So a better text match wins unless the
// two are close.
const (
	weightTitle    = 10.0
	weightSummary  = 4.0
	weightKeywords = 4.0
	weightAbstract = 2.0
	weightAuthors  = 1.0
)

// effDate is a paper's date for since:, before:, sort:date and recency:
// its daily-list date, else its arXiv date.
const effDate = `coalesce(nullif(p.list_date, ''), substr(p.published_at, 1, 10))`

// scoreSQL is the relevance score; the first parameter is the search's
// reference time as a Julian day.
var scoreSQL = fmt.Sprintf(`(-bm25(papers_fts, %g, %g, %g, %g, %g)) * (1.0 + 0.5 * p.upvotes / (p.upvotes + 20.0))
	* (1.0 + 0.3 * 30.0 / (30.0 + max(0.0, ? - julianday(%s))))`,
	weightTitle, weightSummary, weightKeywords, weightAbstract, weightAuthors, effDate)

// matchExpr compiles the full-text part of a query into an FTS5 MATCH
// expression. Every word is a quoted FTS5 string (quotes doubled), so
// nothing a user types is ever FTS5 syntax.
func matchExpr(e bot.Expr) string {
	switch x := e.(type) {
	case bot.Term:
		return quote(strings.Join(x.Words, " "))
	case *bot.Term:
		return quote(strings.Join(x.Words, " "))
	case bot.And:
		return andExpr(x.Items)
	case *bot.And:
		return andExpr(x.Items)
	case bot.Or:
		return joinExpr(x.Items, " OR ")
	case *bot.Or:
		return joinExpr(x.Items, " OR ")
	case bot.Not:
		// A lone Not is not valid FTS5; the parser never produces one
		// outside an And.
		return matchExpr(x.Item)
	case *bot.Not:
		return matchExpr(x.Item)
	}
	return `""`
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func joinExpr(items []bot.Expr, op string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = matchExpr(it)
	}
	return "(" + strings.Join(parts, op) + ")"
}

// andExpr writes positives joined by AND, then NOT (the negatives).
func andExpr(items []bot.Expr) string {
	var pos, neg []bot.Expr
	for _, it := range items {
		switch n := it.(type) {
		case bot.Not:
			neg = append(neg, n.Item)
		case *bot.Not:
			neg = append(neg, n.Item)
		default:
			pos = append(pos, it)
		}
	}
	s := joinExpr(pos, " AND ")
	if len(neg) > 0 {
		s = "(" + s + " NOT " + joinExpr(neg, " OR ") + ")"
	}
	return s
}

// anyWordExpr is the fallback of a query: any of its positive terms, still
// excluding its negatives.
func anyWordExpr(q *bot.Query) string {
	terms := q.PositiveTerms()
	if len(terms) == 0 {
		return ""
	}
	items := make([]bot.Expr, len(terms))
	for i, t := range terms {
		items[i] = t
	}
	s := joinExpr(items, " OR ")
	if neg := negatives(q.Expr); len(neg) > 0 {
		s = "(" + s + " NOT " + joinExpr(neg, " OR ") + ")"
	}
	return s
}

// negatives returns the top-level exclusions of an expression.
func negatives(e bot.Expr) []bot.Expr {
	var items []bot.Expr
	switch x := e.(type) {
	case bot.And:
		items = x.Items
	case *bot.And:
		items = x.Items
	}
	var neg []bot.Expr
	for _, it := range items {
		switch n := it.(type) {
		case bot.Not:
			neg = append(neg, n.Item)
		case *bot.Not:
			neg = append(neg, n.Item)
		}
	}
	return neg
}

// filters compiles the query's filters into SQL conditions on p with bound
// parameters.
func filters(q *bot.Query) (string, []any) {
	var conds []string
	var args []any
	for _, a := range q.Authors {
		conds = append(conds, `p.authors_fold LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(bot.FoldText(a))+"%")
	}
	for _, o := range q.Orgs {
		conds = append(conds, `(lower(p.org_name) LIKE ? ESCAPE '\' OR lower(p.org_fullname) LIKE ? ESCAPE '\')`)
		pat := "%" + likeEscape(strings.ToLower(o)) + "%"
		args = append(args, pat, pat)
	}
	for _, c := range q.Upvotes {
		op := map[string]string{">=": ">=", ">": ">", "<": "<", "<=": "<=", "=": "="}[c.Op]
		if op == "" {
			op = ">="
		}
		conds = append(conds, "p.upvotes "+op+" ?")
		args = append(args, c.N)
	}
	if q.HasCode {
		conds = append(conds, "p.github_repo <> ''")
	}
	if q.HasProject {
		conds = append(conds, "p.project_page <> ''")
	}
	if !q.Since.IsZero() {
		conds = append(conds, effDate+" >= ?")
		args = append(args, q.Since.String())
	}
	if !q.Before.IsZero() {
		conds = append(conds, effDate+" < ?")
		args = append(args, q.Before.String())
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func orderBy(q *bot.Query) string {
	switch q.Sort {
	case bot.SortDate:
		return effDate + " DESC, score DESC, p.id"
	case bot.SortUpvotes:
		return "p.upvotes DESC, score DESC, p.id"
	}
	return "score DESC, p.id"
}

// julian converts t to a Julian day number, as SQLite's julianday().
func julian(t time.Time) float64 {
	return float64(t.UTC().UnixNano())/float64(24*time.Hour) + 2440587.5
}

// Search runs a query; see bot.Searcher.
func (db *DB) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResults, error) {
	q := req.Query
	var res bot.SearchResults
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
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return res, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer tx.Rollback()
	where, args := filters(q)
	if q.Expr == nil {
		return db.filterOnly(ctx, tx, q, where, args, req)
	}
	all := matchExpr(q.Expr)
	if res.Total, err = countMatches(ctx, tx, all, "", where, args); err != nil {
		return res, err
	}
	if req.Offset < res.Total {
		hits, err := db.rank(ctx, tx, q, all, "", where, args, req.Limit, req.Offset, req.Now, false)
		if err != nil {
			return res, err
		}
		res.Hits = hits
	}
	anyExpr := anyWordExpr(q)
	if anyExpr == "" || anyExpr == all {
		return res, nil
	}
	// The any-word fill: papers matching some words, after all the
	// all-words ones. Counted only once the page reaches past the
	// all-words results (counting them is the costly part of a search).
	if req.Offset+req.Limit <= res.Total {
		return res, nil
	}
	if res.PartialTotal, err = countMatches(ctx, tx, anyExpr, all, where, args); err != nil {
		return res, err
	}
	if len(res.Hits) < req.Limit && res.PartialTotal > 0 {
		offset := max(0, req.Offset-res.Total)
		hits, err := db.rank(ctx, tx, q, anyExpr, all, where, args, req.Limit-len(res.Hits), offset, req.Now, true)
		if err != nil {
			return res, err
		}
		res.Hits = append(res.Hits, hits...)
	}
	return res, nil
}

func countMatches(ctx context.Context, tx *sql.Tx, match, exclude, where string, args []any) (int, error) {
	q := `SELECT count(*) FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ? AND ` + where
	a := append([]any{match}, args...)
	if exclude != "" {
		q += ` AND p.pk NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)`
		a = append(a, exclude)
	}
	var n int
	if err := tx.QueryRowContext(ctx, q, a...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: search: %w", mapErr(err))
	}
	return n, nil
}

func (db *DB) rank(ctx context.Context, tx *sql.Tx, q *bot.Query, match, exclude, where string, args []any,
	limit, offset int, now time.Time, partial bool) ([]bot.SearchHit, error) {
	query := `SELECT ` + paperColumns + `, ` + scoreSQL + ` AS score
		FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid
		WHERE papers_fts MATCH ? AND ` + where
	a := append([]any{julian(now), match}, args...)
	if exclude != "" {
		query += ` AND p.pk NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)`
		a = append(a, exclude)
	}
	query += ` ORDER BY ` + orderBy(q) + ` LIMIT ? OFFSET ?`
	a = append(a, limit, offset)
	rows, err := tx.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer rows.Close()
	var hits []bot.SearchHit
	for rows.Next() {
		var pr paperRow
		var h bot.SearchHit
		if err := rows.Scan(append(pr.dest(), &h.Score)...); err != nil {
			return nil, fmt.Errorf("store: search: %w", mapErr(err))
		}
		// Snippets are made in Go for the page only: FTS5's snippet() would
		// run for every match before the sort.
		h.Paper, h.Partial = pr.paper(), partial
		h.Snippet = bot.Snippet(h.Paper.Abstract, q, bot.SnippetWords)
		hits = append(hits, h)
	}
	return hits, mapErr(rows.Err())
}

// filterOnly lists the papers matching the filters alone (no words), most
// upvoted first unless sorted otherwise.
func (db *DB) filterOnly(ctx context.Context, tx *sql.Tx, q *bot.Query, where string, args []any, req bot.SearchRequest) (bot.SearchResults, error) {
	var res bot.SearchResults
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM papers p WHERE `+where, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("store: search: %w", mapErr(err))
	}
	order := "p.upvotes DESC, p.id"
	if q.Sort == bot.SortDate {
		order = effDate + " DESC, p.upvotes DESC, p.id"
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+paperColumns+` FROM papers p WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, req.Limit, req.Offset)...)
	if err != nil {
		return res, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			return res, err
		}
		res.Hits = append(res.Hits, bot.SearchHit{Paper: p, Snippet: bot.Line{bot.Text("%s", bot.FirstSentences(p.Abstract, 200))}})
	}
	return res, mapErr(rows.Err())
}

func (db *DB) matchAll(ctx context.Context, q *bot.Query) (map[string]bool, error) {
	out := map[string]bool{}
	if q.ID != "" {
		if _, err := db.GetPaper(ctx, q.ID); err == nil {
			out[q.ID] = true
		}
		return out, nil
	}
	where, args := filters(q)
	query := `SELECT p.id FROM papers p WHERE ` + where
	if q.Expr != nil {
		query = `SELECT p.id FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid WHERE papers_fts MATCH ? AND ` + where
		args = append([]any{matchExpr(q.Expr)}, args...)
	}
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: match: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, mapErr(rows.Err())
}

// SavePage stores a search's paging state under a short key and deletes
// states older than a day.
func (db *DB) SavePage(ctx context.Context, key, query string, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_pages WHERE created_at < ?`, fmtTime(now.Add(-48*time.Hour))); err != nil {
		return mapErr(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_pages (key, query, created_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, key, query, fmtTime(now)); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// LoadPage returns the query stored under key, or bot.ErrNotFound.
func (db *DB) LoadPage(ctx context.Context, key string) (string, error) {
	var q string
	err := db.r.QueryRowContext(ctx, `SELECT query FROM search_pages WHERE key = ?`, key).Scan(&q)
	return q, mapErr(err)
}

// MatchIDs returns which of ids match the query (its words and filters;
// its sort is ignored), exactly as Search would find them. A nil ids
// checks every paper.
func (db *DB) MatchIDs(ctx context.Context, q *bot.Query, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if q == nil || ids != nil && len(ids) == 0 {
		return out, nil
	}
	if ids == nil {
		return db.matchAll(ctx, q)
	}
	if q.ID != "" {
		for _, id := range ids {
			if id == q.ID {
				out[id] = true
			}
		}
		return out, nil
	}
	where, args := filters(q)
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		in := "?" + strings.Repeat(",?", len(batch)-1)
		var query string
		var a []any
		if q.Expr == nil {
			query = `SELECT p.id FROM papers p WHERE ` + where + ` AND p.id IN (` + in + `)`
			a = args
		} else {
			query = `SELECT p.id FROM papers_fts JOIN papers p ON p.pk = papers_fts.rowid
				WHERE papers_fts MATCH ? AND ` + where + ` AND p.id IN (` + in + `)`
			a = append([]any{matchExpr(q.Expr)}, args...)
		}
		for _, id := range batch {
			a = append(a, id)
		}
		rows, err := db.r.QueryContext(ctx, query, a...)
		if err != nil {
			return nil, fmt.Errorf("store: match: %w", mapErr(err))
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
