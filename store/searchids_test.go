package store

import (
	"context"
	"fmt"
	"strings"
)

// SearchIDs is a minimal full-text lookup for the store's tests, which
// check the FTS5 index itself (the product searches with Search): the ids
// of papers whose indexed text holds every word, most upvoted first. Words are passed to FTS5 as quoted
// strings, never as query syntax. A NUL byte (which FTS5 reads as the end
// of the query, failing with "unterminated string") separates words.
func (db *DB) SearchIDs(ctx context.Context, words []string, limit int) ([]string, error) {
	var terms []string
	for _, w := range words {
		if w = strings.TrimSpace(strings.ReplaceAll(w, "\x00", " ")); w != "" {
			terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT p.id FROM papers_fts f JOIN papers p ON p.rid = f.rowid
		WHERE papers_fts MATCH ? ORDER BY p.upvotes DESC, p.id LIMIT ?`, strings.Join(terms, " "), limit)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}
