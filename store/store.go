// Package store keeps paperboy's state in one SQLite file: papers and their
// full-text index, daily lists, channels, the delivery log, runs and
// subscriptions. It implements bot.Store.
//
// It needs cgo and the sqlite_fts5 build tag (mattn/go-sqlite3).
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNoFTS5 is returned when the binary was built without full-text search.
var ErrNoFTS5 = errors.New("store: built without FTS5: use -tags sqlite_fts5")

// DB is the SQLite store. Writes go through a pool that takes the write
// lock at BEGIN (_txlock=immediate), so concurrent read-then-write
// transactions wait for each other instead of failing with "database is
// locked"; reads go through a second, read-only pool, so a search never
// waits behind a write.
type DB struct {
	path string
	w    *sql.DB // one connection: writes are serialised in-process
	r    *sql.DB // read-only
	// aux holds the second read transactions of searches, auxFree one
	// token per connection it may open.
	aux     *sql.DB
	auxFree chan struct{}
	// stopAfterRows, when more than 0, makes every search stop (as at its
	// deadline) once its scans have read that many matches: the tests of
	// searches that stop, without a clock.
	stopAfterRows int64
	// commonFloor, when more than 0, replaces minCommonHits: the tests of
	// the bound on common words, on a small store.
	commonFloor int64
}

// auxReaders is the number of searches that may use a second core at once.
const auxReaders = 2

var _ bot.Store = (*DB)(nil)

// escapePath makes a file path safe inside a SQLite URI.
func escapePath(p string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return r.Replace(p)
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.aux != nil {
		errs = append(errs, db.aux.Close())
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

func (db *DB) init(ctx context.Context) error {
	var fts int
	if err := db.w.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&fts); err != nil {
		return fmt.Errorf("store: open %s: %w", db.path, mapErr(err))
	}
	if fts == 0 {
		return ErrNoFTS5
	}
	if err := db.walMode(ctx); err != nil {
		return err
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	if err := db.fillAuthorsFold(ctx); err != nil {
		return err
	}
	return db.indexUnindexed(ctx)
}

// fillAuthorsFold fills authors_fold for rows saved before migration 0003.
func (db *DB) fillAuthorsFold(ctx context.Context) error {
	rows, err := db.w.QueryContext(ctx, `SELECT pk, authors FROM papers WHERE authors_fold = '' AND authors <> ''`)
	if err != nil {
		return fmt.Errorf("store: fold authors: %w", mapErr(err))
	}
	type row struct {
		pk      int64
		authors string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.pk, &r.authors); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if len(todo) == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE papers SET authors_fold = ? WHERE pk = ?`, fts5tok.Fold(r.authors), r.pk); err != nil {
			return fmt.Errorf("store: fold authors: %w", mapErr(err))
		}
	}
	return mapErr(tx.Commit())
}

// busyTimeout is how long a statement waits for a lock another connection
// holds (the DSNs' _busy_timeout).
const busyTimeout = 10 * time.Second

// walMode switches the file to WAL. Switching needs the file to itself and
// SQLite answers SQLITE_BUSY at once instead of waiting the busy timeout,
// so two programs opening a new file together would fail with "database is
// locked" (as _journal_mode=WAL in the DSN did): retry for as long as the
// busy timeout. WAL is stored in the file, so once it is set this is a
// single read.
func (db *DB) walMode(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	delay := time.Millisecond
	for {
		var mode string
		err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			// SQLite keeps the old mode when the file cannot be WAL.
			return fmt.Errorf("store: open %s: journal mode is %q, want wal", db.path, mode)
		case !isBusy(err) || time.Now().After(deadline):
			return fmt.Errorf("store: open %s: set WAL mode: %w", db.path, mapErr(err))
		}
		if err := bot.Sleep(ctx, delay); err != nil {
			return fmt.Errorf("store: open %s: set WAL mode: %w", db.path, err)
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite saying another connection holds a
// lock.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// migrationHooks are the parts of migrations written in Go: run after the
// migration's SQL, in its transaction.
var migrationHooks = map[string]func(context.Context, *sql.Tx) error{
	"0007_clean_text.sql": recleanPapers,
}

// migrate applies the embedded migrations that have not been applied yet,
// each in its own transaction, in order of their number.
func (db *DB) migrate(ctx context.Context) error {
	applied, err := appliedVersions(ctx, db.w)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("store: migrations: %w", mapErr(err))
		}
		applied, err = map[int]bool{}, nil
	}
	if err != nil {
		return fmt.Errorf("store: migrations: %w", mapErr(err))
	}
	todo, err := embeddedMigrations()
	if err != nil {
		return err
	}
	for _, m := range todo {
		if applied[m.version] {
			continue // no write transaction, so no wait for another writer
		}
		if err := db.apply(ctx, m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}

// migration is one embedded migration file.
type migration struct {
	version int
	name    string
}

// embeddedMigrations lists the migrations in the binary, in order.
func embeddedMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var todo []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with a number", base)
		}
		todo = append(todo, migration{v, base})
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].version < todo[j].version })
	return todo, nil
}

// appliedVersions reads which migrations the file has.
func appliedVersions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

func (db *DB) apply(ctx context.Context, version int, name string) error {
	body, err := migrations.ReadFile("migrations/" + name)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, mapErr(err))
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, mapErr(err))
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, mapErr(err))
	}
	if hook := migrationHooks[name]; hook != nil {
		if err := hook(ctx, tx); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, fmtTime(time.Now())); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, mapErr(err))
	}
	return tx.Commit()
}

// Migrations returns the names of the applied migrations, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// mapErr turns driver errors into the errors callers act on.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bot.ErrNotFound
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) {
		return &bot.Error{Code: bot.EConflict, Message: "already exists: " + se.Error()}
	}
	if strings.Contains(err.Error(), "no such module: fts5") {
		return ErrNoFTS5
	}
	return err
}

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseNullTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return parseTime(s.String)
}

func parseDate(s string) bot.Date {
	d, err := bot.ParseDate(s)
	if err != nil {
		return bot.Date{}
	}
	return d
}

// joinLines stores a list as one value per line.
func joinLines(xs []string) string { return strings.Join(xs, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
