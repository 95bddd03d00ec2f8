package store

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// A file that is not a database, or a damaged one, is named as such with
// what to do, never SQLite's "automatic extension loading failed: ".
func TestOpenNamesDamagedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database at all\n", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	// A real store whose header was overwritten, and one cut after its
	// first page.
	overwritten := filepath.Join(dir, "overwritten.db")
	truncated := filepath.Join(dir, "truncated.db")
	for _, p := range []string{overwritten, truncated} {
		db := openPath(t, p)
		if _, err := db.SavePapers(t.Context(), []bot.Paper{samplePaper("2406.00001", 3, day1)}, at(1)); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(overwritten, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, 100), 0)
	f.Close()
	if err := os.Truncate(truncated, 4096); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{garbage, "file is not a database"},
		{overwritten, "file is not a database"},
		{truncated, "database disk image is malformed"},
	} {
		for name, open := range map[string]func() (*DB, error){
			"Open":         func() (*DB, error) { return Open(t.Context(), c.path) },
			"OpenReadOnly": func() (*DB, error) { return OpenReadOnly(t.Context(), c.path) },
		} {
			db, err := open()
			if err == nil {
				db.Close()
				t.Errorf("%s(%s) opened a damaged file", name, filepath.Base(c.path))
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, "backup") || strings.Contains(msg, "extension") || strings.Contains(msg, "\n") {
				t.Errorf("%s(%s): %q, want one line saying %q and pointing to a backup", name, filepath.Base(c.path), msg, c.want)
			}
		}
	}
}

// A store with every migration applied opens, for reading and for
// writing, while another process holds the write lock, and reads what is
// committed; one that needs a migration says the database is locked by
// another process.
func TestOpenWhileAnotherProcessWrites(t *testing.T) {
	t.Parallel()
	db, path := openDB(t)
	ctx := t.Context()
	if _, err := db.SavePapers(ctx, []bot.Paper{samplePaper("2406.00002", 3, day1)}, at(1)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw := openRaw(t, path, "")
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE papers SET upvotes = 99`); err != nil {
		t.Fatal(err)
	}

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly while another process writes: %v", err)
	}
	p, err := ro.GetPaper(ctx, "2406.00002")
	if err != nil || p.Upvotes != 3 {
		t.Errorf("read while another process writes: %+v, %v; want the committed paper (3 upvotes)", p.Upvotes, err)
	}
	if err := ro.SetDMChannel(ctx, bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}, "D1", at(2)); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write through the read-only store: %v, want SQLite's readonly error", err)
	}
	ro.Close()
	rw, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a current store while another process writes: %v", err)
	}
	rw.Close()

	// A store that lacks a migration needs the lock (this waits the busy
	// timeout, 10 s).
	if _, err := conn.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	var wg sync.WaitGroup
	for name, open := range map[string]func() (*DB, error){
		"Open":         func() (*DB, error) { return Open(ctx, path) },
		"OpenReadOnly": func() (*DB, error) { return OpenReadOnly(ctx, path) },
	} {
		wg.Go(func() {
			db, err := open()
			if err == nil {
				db.Close()
				t.Errorf("%s migrated a store another process holds locked", name)
				return
			}
			if !strings.Contains(err.Error(), "the database is locked by another process") || strings.Contains(err.Error(), "migration 0") {
				t.Errorf("%s: %q, want \"the database is locked by another process\" and what to do", name, err)
			}
		})
	}
	wg.Wait()
}
