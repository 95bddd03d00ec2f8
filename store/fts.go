package store

// The FTS5 expression compiler: the full-text part of a query as an FTS5
// MATCH expression, every word quoted so that nothing typed is FTS5 syntax.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

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

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (db *DB) matchAll(ctx context.Context, q *bot.Query) (map[string]bool, error) {
	out := map[string]bool{}
	if q.ID != "" {
		if _, err := db.GetPaper(ctx, q.ID); err == nil {
			out[q.ID] = true
		}
		return out, nil
	}
	query, args := matchQuery(q)
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

// matchQuery selects the ids of the papers matching q's words and filters.
func matchQuery(q *bot.Query) (string, []any) {
	pl := planFilters(q)
	if q.Expr == nil {
		where, args := pl.where("r.rid", -1)
		return `SELECT p.id FROM search_rank r JOIN papers p ON p.pk = r.pk WHERE ` + where, args
	}
	where, args := pl.where("papers_fts.rowid", -1)
	return `SELECT p.id FROM papers_fts JOIN search_rank r ON r.rid = papers_fts.rowid JOIN papers p ON p.pk = r.pk
		WHERE papers_fts MATCH ? AND ` + where, append([]any{matchExpr(q.Expr)}, args...)
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
	base, args := matchQuery(q)
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		query := base + ` AND p.id IN (?` + strings.Repeat(",?", len(batch)-1) + `)`
		a := append([]any{}, args...)
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
