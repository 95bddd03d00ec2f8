package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// ExhaustiveSearch is the reference ranking that Search must agree with:
// it scores every matching paper in one SQL statement (BM25 times the
// boosts, written in SQL over the papers table, the filters as plain SQL
// conditions, author: as a LIKE over every paper) and sorts them all, with
// no index layout, bound or early exit involved. BM25 is paperboy_bm25
// with the document frequencies of search_terms, which equals FTS5's
// bm25() for queries without phrases of several terms
// (TestPaperboyBM25MatchesBM25, and checkTerms in the tests compares
// search_terms with FTS5's own counts). Only relevance order and
// the filters benchmarks use (author:, org:, upvotes:, has:, since:,
// before:) are supported. A query's Title is looked up as Search does:
// the papers titled exactly so come first (whatever the filters), by their
// score for the words (0 for a paper that lacks them), and the ranking
// below them leaves out every paper of that title. Tests and benchmarks
// compare Search with it; it is far too slow for the product at scale.
func (db *DB) ExhaustiveSearch(ctx context.Context, req bot.SearchRequest) (bot.SearchResults, error) {
	var res bot.SearchResults
	q := req.Query
	if q == nil || q.Expr == nil || q.ID != "" || q.Sort != bot.SortRelevance {
		return res, errors.New("store: exhaustive search: only word queries in relevance order")
	}
	where, args := plainFilters(q)
	var titled []bot.SearchHit
	if q.Title != "" {
		var err error
		if titled, err = db.exhaustiveTitled(ctx, req); err != nil {
			return res, err
		}
		where += " AND p.title IS NOT ?"
		args = append(args, q.Title)
	}
	run := func(match, exclude string, limit int, partial bool) ([]bot.SearchHit, int, error) {
		phrases := phrasesOf(match)
		var a []any
		for _, ph := range phrases {
			counts, err := termCounts(ctx, db.r, ph)
			if err != nil {
				return nil, 0, fmt.Errorf("store: exhaustive search: %w", err)
			}
			a = append(a, hitsArg(counts))
		}
		score := fmt.Sprintf(`%s * (1.0 + 0.5 * max(p.upvotes, 0) / (max(p.upvotes, 0) + 20.0))
			* (1.0 + 0.3 * 30.0 / (30.0 + max(0.0, ? - julianday(%s))))`, bm25Call(len(phrases)), effDate)
		// Scored and sorted by rowid, then the best rows' papers are read
		// (sorting the whole rows would carry every abstract along).
		query := `SELECT p.rid AS rid, ` + score + ` AS score FROM papers_fts
			JOIN papers p ON p.rid = papers_fts.rowid WHERE papers_fts MATCH ? AND ` + where
		a = append(append(a, julian(req.Now), match), args...)
		if exclude != "" {
			query += ` AND p.rid NOT IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)`
			a = append(a, exclude)
		}
		query = `SELECT ` + paperColumns + `, s.score FROM (` + query + ` ORDER BY score DESC, p.rid DESC LIMIT ?) s
			JOIN papers p ON p.rid = s.rid ORDER BY s.score DESC, s.rid DESC`
		a = append(a, limit)
		rows, err := db.r.QueryContext(ctx, query, a...)
		if err != nil {
			return nil, 0, fmt.Errorf("store: exhaustive search: %w", mapErr(err))
		}
		defer rows.Close()
		var hits []bot.SearchHit
		for rows.Next() {
			var pr paperRow
			var h bot.SearchHit
			if err := rows.Scan(append(pr.dest(), &h.Score)...); err != nil {
				return nil, 0, fmt.Errorf("store: exhaustive search: %w", mapErr(err))
			}
			h.Paper, h.Partial = pr.paper(), partial
			hits = append(hits, h)
		}
		if err := rows.Err(); err != nil {
			return nil, 0, mapErr(err)
		}
		var total int
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM papers_fts JOIN papers p ON p.rid = papers_fts.rowid
			WHERE papers_fts MATCH ? AND `+where, append([]any{match}, args...)...).Scan(&total)
		return hits, total, mapErr(err)
	}
	all := matchExpr(q.Expr)
	hits, total, err := run(all, "", max(0, req.Limit-len(titled)), false)
	if err != nil {
		return res, err
	}
	res.Hits, res.Total = append(titled[:min(len(titled), req.Limit)], hits...), total+len(titled)
	anyExpr := anyWordExpr(q)
	if anyExpr == "" || anyExpr == all || len(res.Hits) >= req.Limit {
		return res, nil
	}
	more, _, err := run(anyExpr, all, req.Limit-len(res.Hits), true)
	res.Hits = append(res.Hits, more...)
	return res, err
}

// exhaustiveTitled returns the papers titled exactly as the query, best
// first: by their score for the query's words (0 when they lack them),
// then newer rowid.
func (db *DB) exhaustiveTitled(ctx context.Context, req bot.SearchRequest) ([]bot.SearchHit, error) {
	match := matchExpr(req.Query.Expr)
	phrases := phrasesOf(match)
	var a []any
	for _, ph := range phrases {
		counts, err := termCounts(ctx, db.r, ph)
		if err != nil {
			return nil, fmt.Errorf("store: exhaustive search: %w", err)
		}
		a = append(a, hitsArg(counts))
	}
	score := fmt.Sprintf(`%s * (1.0 + 0.5 * max(p.upvotes, 0) / (max(p.upvotes, 0) + 20.0))
		* (1.0 + 0.3 * 30.0 / (30.0 + max(0.0, ? - julianday(%s))))`, bm25Call(len(phrases)), effDate)
	rows, err := db.r.QueryContext(ctx, `SELECT `+paperColumns+`, coalesce((SELECT `+score+` FROM papers_fts
			WHERE papers_fts MATCH ? AND papers_fts.rowid = p.rid), 0) AS score
		FROM papers p WHERE p.title = ? AND p.rid IS NOT NULL ORDER BY score DESC, p.rid DESC`,
		append(a, julian(req.Now), match, req.Query.Title)...)
	if err != nil {
		return nil, fmt.Errorf("store: exhaustive search: %w", mapErr(err))
	}
	defer rows.Close()
	var hits []bot.SearchHit
	for rows.Next() {
		var pr paperRow
		h := bot.SearchHit{TitleMatch: true}
		if err := rows.Scan(append(pr.dest(), &h.Score)...); err != nil {
			return nil, fmt.Errorf("store: exhaustive search: %w", mapErr(err))
		}
		h.Paper = pr.paper()
		hits = append(hits, h)
	}
	return hits, mapErr(rows.Err())
}

// plainFilters writes a query's filters as SQL conditions on p.
func plainFilters(q *bot.Query) (string, []any) {
	conds := []string{"1"}
	var args []any
	for _, a := range q.Authors {
		conds = append(conds, `p.authors_fold LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(fts5tok.Fold(a))+"%")
	}
	for _, o := range q.Orgs {
		conds = append(conds, `(lower(p.org_name) LIKE ? ESCAPE '\' OR lower(p.org_fullname) LIKE ? ESCAPE '\')`)
		pat := "%" + likeEscape(strings.ToLower(o)) + "%"
		args = append(args, pat, pat)
	}
	for _, alts := range q.Categories {
		cond, cargs := categoryCond(alts)
		conds = append(conds, cond)
		args = append(args, cargs...)
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
	return strings.Join(conds, " AND "), args
}
