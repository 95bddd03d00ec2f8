package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Engine is the SQLite library compiled into the binary.
type Engine struct {
	Version string // sqlite_version(), e.g. "3.54.1"
	FTS5    bool   // full-text search is compiled in (the sqlite_fts5 tag)
}

// SQLiteEngine asks the SQLite library linked into the binary what it is,
// on an in-memory database: no file is opened.
func SQLiteEngine(ctx context.Context) (Engine, error) {
	var e Engine
	c, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return e, fmt.Errorf("store: sqlite: %w", err)
	}
	defer c.Close()
	var fts int
	if err := c.QueryRowContext(ctx, `SELECT sqlite_version(), sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&e.Version, &fts); err != nil {
		return e, fmt.Errorf("store: sqlite: %w", err)
	}
	e.FTS5 = fts == 1
	return e, nil
}
