package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// Diagnose reads a store without changing it: a missing file stays
// missing, a current store has no problem and nothing pending, one that
// lacks a migration or carries a newer paperboy's says so, and a file that
// is not a database is named with what to do.
func TestDiagnose(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()

	missing := filepath.Join(dir, "missing.db")
	d, err := Diagnose(ctx, missing)
	if err != nil || d.Exists {
		t.Fatalf("missing file: %+v, %v", d, err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("Diagnose created the file: %v", err)
	}

	p := filepath.Join(dir, "p.db")
	db := openPath(t, p)
	if _, err := db.SavePapers(ctx, []bot.Paper{samplePaper("2406.00001", 3, day1)}, at(1)); err != nil {
		t.Fatal(err)
	}
	d, err = Diagnose(ctx, p)
	if err != nil || !d.Exists || len(d.Problems) > 0 || len(d.Pending) > 0 || len(d.Unknown) > 0 || len(d.Migrations) == 0 {
		t.Fatalf("current store: %+v, %v", d, err)
	}
	last := d.Migrations[len(d.Migrations)-1]

	// Diagnose beside an open store, which holds the write lock.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if _, err := Diagnose(ctx, p); err != nil {
		t.Errorf("Diagnose while another connection writes: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	// The last migration not recorded, and one of a newer paperboy.
	if _, err := db.w.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', '2030-01-01')`); err != nil {
		t.Fatal(err)
	}
	d, err = Diagnose(ctx, p)
	if err != nil || !slices.Equal(d.Pending, []string{last}) || !slices.Equal(d.Unknown, []int{9999}) {
		t.Fatalf("pending %v unknown %v (%v); want [%s] and [9999]", d.Pending, d.Unknown, err, last)
	}
	// Nothing was applied by looking.
	d, _ = Diagnose(ctx, p)
	if len(d.Pending) != 1 {
		t.Errorf("a second look: pending %v", d.Pending)
	}

	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database at all\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Diagnose(ctx, garbage); err == nil || !strings.Contains(err.Error(), "file is not a database: restore it from a backup") {
		t.Errorf("garbage: %v", err)
	}
}
