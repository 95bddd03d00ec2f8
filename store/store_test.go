package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-sqlite3"

	"github.com/paperboy-bot/paperboy/bot"
)

// Fixed dates and times: tests never depend on the wall clock.
var (
	day1 = bot.Date{Year: 2026, Month: time.March, Day: 2}
	day2 = bot.Date{Year: 2026, Month: time.March, Day: 3}
	day3 = bot.Date{Year: 2026, Month: time.March, Day: 4}

	t0 = time.Date(2026, time.March, 2, 14, 0, 0, 0, time.UTC)
)

// at returns t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

// openDB opens a fresh store in a temporary directory and closes it when
// the test ends. It returns the database file's path too.
func openDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	return openPath(t, path), path
}

func openPath(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// openRaw opens the database file with plain database/sql, the way another
// program would, bypassing the store. params are extra DSN parameters.
func openRaw(t *testing.T, path, params string) *sql.DB {
	t.Helper()
	dsn := "file:" + escapePath(path) + "?_busy_timeout=10000"
	if params != "" {
		dsn += "&" + params
	}
	raw, err := sql.Open("sqlite3", dsn)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// count runs a count(*) query on a raw connection.
func count(t *testing.T, raw *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// samplePaper returns a paper with every field set, distinct per id.
func samplePaper(id string, upvotes int, listDate bot.Date) bot.Paper {
	return bot.Paper{
		ID:          id,
		Title:       "Paper " + id + " on sparse attention",
		Abstract:    "We study " + id + ". It works.",
		Authors:     []string{"Zed Last", "Amy First", "Mia Middle"},
		PublishedAt: time.Date(2026, time.February, 27, 17, 59, 59, 123456789, time.FixedZone("CET", 3600)),
		ListDate:    listDate,
		Upvotes:     upvotes,
		Comments:    upvotes / 3,
		GitHubRepo:  "https://github.com/example/" + id,
		GitHubStars: 10 * upvotes,
		ProjectPage: "https://example.org/" + id,
		Thumbnail:   "https://cdn.example.org/" + id + ".png",
		AISummary:   "A summary of " + id + ".",
		AIKeywords:  []string{"sparse attention", "long context"},
		OrgName:     "AntResearch",
		OrgFullName: "Ant Research",
		FetchedAt:   at(-30),
	}
}

func ids(papers []bot.Paper) []string {
	out := make([]string, 0, len(papers))
	for _, p := range papers {
		out = append(out, p.ID)
	}
	return out
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	got, err := db.Migrations(ctx)
	if err != nil {
		t.Fatalf("Migrations: %v", err)
	}
	if diff := cmp.Diff(migrationNames(t), got); diff != "" {
		t.Fatalf("Migrations (-want +got):\n%s", diff)
	}
	if _, err := db.SaveList(ctx, day1, []bot.Paper{samplePaper("2603.00001", 5, day1)}, t0); err != nil {
		t.Fatalf("SaveList: %v", err)
	}
	raw := openRaw(t, path, "")
	var applied string
	if err := raw.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&applied); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Reopening the same file twice: nothing applied again, data kept.
	for i := 0; i < 2; i++ {
		db2 := openPath(t, path)
		got, err := db2.Migrations(ctx)
		if err != nil {
			t.Fatalf("reopen %d: Migrations: %v", i, err)
		}
		if diff := cmp.Diff(migrationNames(t), got); diff != "" {
			t.Fatalf("reopen %d: Migrations (-want +got):\n%s", i, diff)
		}
		papers, err := db2.ListPapers(ctx, day1)
		if err != nil {
			t.Fatalf("reopen %d: ListPapers: %v", i, err)
		}
		if diff := cmp.Diff([]string{"2603.00001"}, ids(papers)); diff != "" {
			t.Fatalf("reopen %d: data lost (-want +got):\n%s", i, diff)
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM schema_migrations`); n != len(migrationNames(t)) {
		t.Errorf("schema_migrations has %d rows after reopening, want %d", n, len(migrationNames(t)))
	}
	var applied2 string
	if err := raw.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&applied2); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	if applied2 != applied {
		t.Errorf("migration 1 re-applied: applied_at %s, then %s", applied, applied2)
	}
}

func TestOpenPragmas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)

	// journal_mode is stored in the file: any connection sees it.
	var mode string
	if err := openRaw(t, path, "").QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatalf("journal_mode: %v", err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	// foreign_keys and busy_timeout are per connection: ask both pools.
	for name, pool := range map[string]*sql.DB{"write": db.w, "read": db.r} {
		var fk, busy int
		if err := pool.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatalf("%s pool: foreign_keys: %v", name, err)
		}
		if fk != 1 {
			t.Errorf("%s pool: foreign_keys = %d, want 1", name, fk)
		}
		if err := pool.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatalf("%s pool: busy_timeout: %v", name, err)
		}
		if busy < 1000 {
			t.Errorf("%s pool: busy_timeout = %d ms, want at least 1000", name, busy)
		}
	}
	// The read pool cannot write.
	if _, err := db.r.ExecContext(ctx, `INSERT INTO lists (list_date, fetched_at, papers) VALUES ('2026-01-01', '', 0)`); err == nil {
		t.Errorf("insert through the read pool succeeded, want a read-only error")
	}

	// Foreign keys are enforced where it matters: an item for a paper the
	// store does not have is refused.
	ch := bot.ChannelRef{Platform: "console", ID: "stdout"}
	d := &bot.Digest{ListDate: day1, Items: []bot.Item{{Rank: 1, Paper: bot.Paper{ID: "2603.99999", Title: "ghost"}}}}
	if _, _, err := db.PlanDigest(ctx, ch, d, t0); err == nil {
		t.Errorf("PlanDigest with an unknown paper succeeded, want a foreign key error")
	}
	if _, err := db.GetPlan(ctx, ch, day1); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetPlan after a failed plan: err = %v, want ErrNotFound", err)
	}
}

func TestMapErr(t *testing.T) {
	t.Parallel()
	other := errors.New("disk I/O error")
	tests := []struct {
		name string
		in   error
		want func(error) bool
	}{
		{"nil", nil, func(err error) bool { return err == nil }},
		{"no rows", fmt.Errorf("scan: %w", sql.ErrNoRows), func(err error) bool { return errors.Is(err, bot.ErrNotFound) }},
		{"unique", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintUnique},
			func(err error) bool { return bot.ErrorCode(err) == bot.EConflict }},
		{"primary key", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintPrimaryKey},
			func(err error) bool { return bot.ErrorCode(err) == bot.EConflict }},
		{"check is not a conflict", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintCheck},
			func(err error) bool { return bot.ErrorCode(err) == "" }},
		{"fts5 missing", errors.New("vtable constructor failed: no such module: fts5"),
			func(err error) bool { return errors.Is(err, ErrNoFTS5) }},
		{"other", other, func(err error) bool { return errors.Is(err, other) }},
	}
	for _, tt := range tests {
		if got := mapErr(tt.in); !tt.want(got) {
			t.Errorf("%s: mapErr(%v) = %#v", tt.name, tt.in, got)
		}
	}
	err := mapErr(errors.New("no such module: fts5"))
	if !strings.Contains(err.Error(), "built without FTS5: use -tags sqlite_fts5") {
		t.Errorf("fts5 error says %q, want it to tell how to build", err)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	sub := filepath.Join(dir, "my papers?mode=ro#frag %41")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(sub, "paper boy?.db")
	db := openPath(t, path)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{samplePaper("2603.00001", 5, day1)}, t0); err != nil {
		t.Fatalf("SaveList: %v", err)
	}
	got, err := db.ListPapers(ctx, day1)
	if err != nil {
		t.Fatalf("ListPapers: %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("ListPapers = %d papers, want 1", len(got))
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// The file is exactly where asked, and nowhere else.
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at %q: %v", path, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(sub) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("stray files next to the database directory: %q", names)
	}
	db2 := openPath(t, path)
	got, err = db2.ListPapers(ctx, day1)
	if err != nil || len(got) != 1 {
		t.Errorf("after reopen: ListPapers = %d papers, %v; want 1, nil", len(got), err)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	t.Parallel()
	if db, err := Open(context.Background(), ""); err == nil {
		db.Close()
		t.Fatal("Open(\"\") succeeded, want an error")
	}
}

// migrationNames lists the embedded migrations, in order.
func migrationNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %v %v", names, err)
	}
	for i, n := range names {
		names[i] = path.Base(n)
	}
	sort.Strings(names)
	return names
}
