package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// mode returns the permission bits of path.
func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// The database, its -wal and -shm, and a backup are owner-only whatever
// the umask (here none at all: SQLite alone would make them 0644, and a
// plain create 0666). Not parallel: the umask is the process's.
func TestFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	db := openPath(t, path)
	if _, err := db.SaveList(t.Context(), day1, []bot.Paper{samplePaper("2406.00001", 3, day1)}, at(1)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := db.Backup(t.Context(), copyPath, BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, copyPath); m != 0o600 {
		t.Errorf("backup: mode %o, want 600", m)
	}
	// A database created by hand (or by an older paperboy) keeps its mode:
	// paperboy does not take rights from whoever set them.
	shared := filepath.Join(dir, "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	openPath(t, shared)
	if m := mode(t, shared); m != 0o640 {
		t.Errorf("an existing database's mode changed to %o", m)
	}
}

// tableRows returns every row of every table of the database at path, by
// table, as text, in a fixed order.
func tableRows(t *testing.T, path string) map[string][]string {
	t.Helper()
	raw := openRaw(t, path, "mode=ro")
	names, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for names.Next() {
		var n string
		names.Scan(&n)
		tables = append(tables, n)
	}
	names.Close()
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := raw.Query(`SELECT * FROM "` + tb + `" ORDER BY 1, 2`)
		if err != nil {
			// Virtual tables (FTS5) sort on their own columns only.
			rows, err = raw.Query(`SELECT * FROM "` + tb + `"`)
		}
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[tb] = append(out[tb], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

// A backup is the whole database, checked, in one file that opens on its
// own; it never replaces a file unless asked, never the database's own
// files, and leaves nothing behind when it fails.
func TestBackupIsACompleteCheckedCopy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	db, path := openDB(t)
	var papers []bot.Paper
	for i := range 30 {
		papers = append(papers, samplePaper(fmt.Sprintf("2406.%05d", i), i, day1))
	}
	if _, err := db.SaveList(ctx, day1, papers, at(1)); err != nil {
		t.Fatal(err)
	}
	u := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}
	if _, err := db.AddSubscription(ctx, bot.Subscription{User: u, Query: "diffusion"}, 25, at(2)); err != nil {
		t.Fatal(err)
	}

	copyPath := filepath.Join(dir, "copy.db")
	res, err := db.Backup(ctx, copyPath, BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if res.Papers != 30 || res.Size != fi.Size() || res.Size == 0 || res.Path != copyPath {
		t.Errorf("result %+v, want 30 papers, size %d, path %s", res, fi.Size(), copyPath)
	}
	// One self-contained file in rollback-journal mode (file format bytes
	// 18 and 19 are 1; 2 would need a -wal beside it).
	head := make([]byte, 20)
	f, err := os.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	f.Read(head)
	f.Close()
	if head[18] != 1 || head[19] != 1 {
		t.Errorf("the copy's file format bytes are %d, %d; want 1, 1 (not WAL)", head[18], head[19])
	}
	if want, got := tableRows(t, path), tableRows(t, copyPath); !equalRows(want, got) {
		t.Errorf("the copy's rows differ from the database's")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 1 {
		t.Errorf("files beside the copy: %v, want the copy alone", left)
	}
	// The copy opens as a store (in WAL again), and search works on it.
	restored := openPath(t, copyPath)
	hits, err := restored.SearchIDs(ctx, []string{"paper"}, 5)
	if err != nil || len(hits) == 0 {
		t.Errorf("search on the copy: %v, %v", hits, err)
	}
	restored.Close()

	// No overwrite without Replace; the old copy stays as it was.
	before, _ := os.ReadFile(copyPath)
	if _, err := db.SavePapers(ctx, []bot.Paper{samplePaper("2406.99999", 1, day1)}, at(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(ctx, copyPath, BackupOptions{}); !errors.Is(err, os.ErrExist) {
		t.Errorf("backup over an existing file: %v, want an error wrapping os.ErrExist", err)
	}
	if after, _ := os.ReadFile(copyPath); string(after) != string(before) {
		t.Error("a refused backup changed the existing file")
	}
	res, err = db.Backup(ctx, copyPath, BackupOptions{Replace: true})
	if err != nil || res.Papers != 31 {
		t.Errorf("backup with Replace: %+v, %v; want 31 papers", res, err)
	}

	// The database's own files are refused, even with Replace.
	for _, own := range []string{path, path + "-wal", path + "-shm", filepath.Join(filepath.Dir(path), ".", filepath.Base(path))} {
		if _, err := db.Backup(ctx, own, BackupOptions{Replace: true}); err == nil || !strings.Contains(err.Error(), "the database's own file") {
			t.Errorf("backup to %s: %v, want refused", own, err)
		}
	}
	if n := count(t, openRaw(t, path, "mode=ro"), `SELECT count(*) FROM papers`); n != 31 {
		t.Errorf("the database holds %d papers after the refused backups, want 31", n)
	}
	// A folder that does not exist: an error, nothing written.
	if _, err := db.Backup(ctx, filepath.Join(dir, "nope", "b.db"), BackupOptions{}); err == nil {
		t.Error("backup into a missing folder succeeded")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func equalRows(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, ra := range a {
		rb := b[k]
		if len(ra) != len(rb) {
			return false
		}
		for i := range ra {
			if ra[i] != rb[i] {
				return false
			}
		}
	}
	return true
}

// OpenForBackup neither creates, migrates nor converts the file.
func TestOpenForBackupLeavesTheFileAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := OpenForBackup(t.Context(), missing); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("OpenForBackup of a missing file: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("OpenForBackup created the file")
	}
	// A store one migration behind (as an older paperboy left it) is
	// copied as it is.
	db, path := openDB(t)
	db.Close()
	raw := openRaw(t, path, "")
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	src, err := OpenForBackup(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := src.Backup(t.Context(), copyPath, BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	src.Close()
	want := len(migrationNames(t)) - 1
	for _, p := range []string{path, copyPath} {
		if n := count(t, openRaw(t, p, "mode=ro"), `SELECT count(*) FROM schema_migrations`); n != want {
			t.Errorf("%s has %d migrations, want %d (untouched)", filepath.Base(p), n, want)
		}
	}
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 300)), 0o600)
	if _, err := OpenForBackup(t.Context(), notDB); err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("OpenForBackup of a text file: %v", err)
	}
}

// Backups taken while another connection saves lists as fast as it can
// each hold whole transactions only: every list with all its papers, the
// full-text index matching the papers, between the counts before and
// after.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	writer := openPath(t, path)
	reader, err := OpenForBackup(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	const perList = 40
	var (
		mu    sync.Mutex
		saved int // papers committed
	)
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 0; wctx.Err() == nil; n++ {
			day := bot.Date{Year: 2024, Month: time.January, Day: 1}.AddDays(n)
			var ps []bot.Paper
			for i := range perList {
				ps = append(ps, samplePaper(fmt.Sprintf("2401.%03d%02d", n, i), i, day))
			}
			if _, err := writer.SaveList(context.Background(), day, ps, at(n)); err != nil {
				t.Errorf("save list %d: %v", n, err)
				return
			}
			mu.Lock()
			saved += perList
			mu.Unlock()
		}
	})
	committed := func() int {
		mu.Lock()
		defer mu.Unlock()
		return saved
	}
	for committed() < 2*perList {
		time.Sleep(time.Millisecond)
	}
	for i := range 8 {
		before := committed()
		copyPath := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		res, err := reader.Backup(ctx, copyPath, BackupOptions{})
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		after := committed() + perList // one more may be committed, not yet counted
		raw := openRaw(t, copyPath, "")
		papers := count(t, raw, `SELECT count(*) FROM papers`)
		if papers != res.Papers || papers < before || papers > after || papers%perList != 0 {
			t.Errorf("backup %d: %d papers (result %d), want a multiple of %d between %d and %d", i, papers, res.Papers, perList, before, after)
		}
		if n := count(t, raw, `SELECT count(*) FROM lists WHERE papers <> (SELECT count(*) FROM list_papers lp WHERE lp.list_date = lists.list_date) OR papers <> ?`, perList); n != 0 {
			t.Errorf("backup %d: %d lists without all their papers", i, n)
		}
		if n := count(t, raw, `SELECT count(*) FROM search_rank`); n != papers {
			t.Errorf("backup %d: %d search_rank rows for %d papers", i, n, papers)
		}
		for _, fts := range []string{"papers_fts", "authors_fts"} {
			if _, err := raw.Exec(`INSERT INTO ` + fts + ` (` + fts + `) VALUES ('integrity-check')`); err != nil {
				t.Errorf("backup %d: %s integrity-check: %v", i, fts, err)
			}
		}
		raw.Close()
	}
	stop()
	wg.Wait()
	if committed() < 4*perList {
		t.Errorf("the writer committed only %d papers during the backups", committed())
	}
}
