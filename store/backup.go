package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/paperboy-bot/paperboy/bot"
)

// OpenForBackup opens the database at path only to copy it: read-only, and
// without creating the file, applying migrations or changing its journal
// mode, so that a backup taken before an upgrade (by the new binary) or
// beside a running daemon leaves the file exactly as it was. Only Backup
// and Close may be used on the returned store.
func OpenForBackup(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: no database path")
	}
	if registerErr != nil {
		return nil, registerErr
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("store: open %s: no such file: there is no database to copy", path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("store: open %s: is a directory, not a database file", path)
	}
	r, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro&_busy_timeout=10000&_query_only=1")
	if err != nil {
		return nil, openErr(path, err)
	}
	r.SetMaxOpenConns(1)
	db := &DB{path: path, r: r}
	var n int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		db.Close()
		return nil, openErr(path, err)
	}
	return db, nil
}

// BackupOptions says how Backup may write its copy.
type BackupOptions struct {
	// Replace allows replacing an existing file at the copy's path. The
	// old file stays as it was until the new copy is complete and checked.
	Replace bool
}

// BackupResult is what Backup wrote.
type BackupResult struct {
	Path   string // the copy, as an absolute path
	Size   int64  // its size in bytes
	Papers int    // the papers it holds
}

// Backup writes a copy of the database to path as it was at one moment,
// while other connections and other processes go on writing to it. It uses
// SQLite's online backup in a single step, inside one read transaction: in
// WAL mode writers never wait for it, and the copy holds every transaction
// committed before that moment and nothing of any later one.
//
// The copy is written to a temporary file beside path, created with
// FileMode; it is switched to rollback-journal mode (one self-contained
// file, with no -wal beside it: Open switches it back to WAL), checked
// with PRAGMA quick_check, synced to disk, and only then renamed to path.
// An existing file at path is an error wrapping os.ErrExist unless
// opts.Replace; the database's
// own files (the database, its -wal, -shm and -journal) are always
// refused. On any error nothing is left at path that was not there before.
func (db *DB) Backup(ctx context.Context, path string, opts BackupOptions) (BackupResult, error) {
	res := BackupResult{}
	if db.r == nil {
		return res, errors.New("store: backup: the store is closed")
	}
	dst, err := filepath.Abs(path)
	if err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	res.Path = dst
	if err := db.refuseOwnFile(dst); err != nil {
		return res, err
	}
	if fi, err := os.Stat(dst); err == nil {
		if fi.IsDir() {
			return res, fmt.Errorf("store: backup to %s: is a directory; name the file to write", dst)
		}
		if !opts.Replace {
			return res, fmt.Errorf("store: backup to %s: %w", dst, os.ErrExist)
		}
	}
	tmpf, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	tmp := tmpf.Name()
	err = tmpf.Chmod(FileMode)
	if cerr := tmpf.Close(); err == nil {
		err = cerr
	}
	done := false
	defer func() {
		if !done {
			for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
				os.Remove(tmp + suffix)
			}
		}
	}()
	if err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	if err := db.copyTo(ctx, tmp); err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	papers, err := checkCopy(ctx, tmp)
	if err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	res.Papers = papers
	if err := syncFile(tmp); err != nil {
		return res, fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	if err := place(tmp, dst, opts.Replace); err != nil {
		return res, err
	}
	done = true
	syncDir(filepath.Dir(dst))
	if fi, err := os.Stat(dst); err == nil {
		res.Size = fi.Size()
	}
	return res, nil
}

// refuseOwnFile refuses a copy that would land on one of the database's
// own files: with --force it would replace the live database or its log.
func (db *DB) refuseOwnFile(dst string) error {
	src, err := filepath.Abs(db.path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		own := src + suffix
		same := own == dst
		if a, err := os.Stat(own); err == nil {
			if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
				same = true
			}
		}
		if same {
			return fmt.Errorf("store: backup to %s: that is the database's own file (%s); write the copy elsewhere", dst, filepath.Base(own))
		}
	}
	return nil
}

// copyTo copies the database into the empty file tmp with SQLite's online
// backup, all pages in one step.
func (db *DB) copyTo(ctx context.Context, tmp string) error {
	out, err := sql.Open("sqlite3", "file:"+escapePath(tmp)+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer out.Close()
	out.SetMaxOpenConns(1)
	dconn, err := out.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := db.r.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		dc, ok := d.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", d)
		}
		return sconn.Raw(func(s any) error {
			sc, ok := s.(*sqlite3.SQLiteConn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", s)
			}
			return stepBackup(ctx, dc, sc)
		})
	})
	if err != nil {
		return fmt.Errorf("copy: %w", openErr(db.path, err))
	}
	// One self-contained file: no -wal to carry along with it.
	var mode string
	if err := dconn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return fmt.Errorf("copy: set the journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "delete") {
		return fmt.Errorf("copy: journal mode is %q, want delete", mode)
	}
	return nil
}

// stepBackup runs the backup from src into dst. A step of -1 copies every
// page under one read lock of the source: a copy in several steps would
// start again each time another process writes, and might never finish
// beside a busy daemon. SQLITE_BUSY (the source's lock could not be taken
// at once) is waited out.
func stepBackup(ctx context.Context, dst, src *sqlite3.SQLiteConn) error {
	b, err := dst.Backup("main", src, "main")
	if err != nil {
		return err
	}
	delay := time.Millisecond
	deadline := time.Now().Add(busyTimeout)
	for {
		finished, err := b.Step(-1)
		if err != nil {
			b.Close()
			return err
		}
		if finished {
			return b.Finish()
		}
		if time.Now().After(deadline) {
			b.Close()
			return errors.New("the database stayed locked for " + busyTimeout.String())
		}
		if err := bot.Sleep(ctx, delay); err != nil {
			b.Close()
			return err
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// checkCopy opens the copy read-only, as a restore would find it, runs
// PRAGMA quick_check and counts its papers.
func checkCopy(ctx context.Context, path string) (int, error) {
	c, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	rows, err := c.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return 0, fmt.Errorf("quick_check of the copy: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, fmt.Errorf("quick_check of the copy: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("quick_check of the copy: %w", err)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("quick_check of the copy: %w", err)
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		return 0, fmt.Errorf("the copy failed quick_check: %s", strings.Join(problems, "; "))
	}
	var papers int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM papers`).Scan(&papers); err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0, errors.New("the copy has no papers table: is this paperboy's database?")
		}
		return 0, fmt.Errorf("count the copy's papers: %w", err)
	}
	return papers, nil
}

// place moves the finished copy tmp to dst: over an existing file only
// when replace; otherwise with a hard link, which fails rather than
// replace a file that appeared meanwhile.
func place(tmp, dst string, replace bool) error {
	if replace {
		if err := os.Rename(tmp, dst); err != nil {
			return fmt.Errorf("store: backup to %s: %w", dst, err)
		}
		return nil
	}
	err := os.Link(tmp, dst)
	switch {
	case err == nil:
		os.Remove(tmp)
		return nil
	case errors.Is(err, os.ErrExist):
		return fmt.Errorf("store: backup to %s: %w", dst, os.ErrExist)
	}
	// A file system without hard links: check, then rename.
	if _, serr := os.Lstat(dst); serr == nil {
		return fmt.Errorf("store: backup to %s: %w", dst, os.ErrExist)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable; some file systems cannot sync a
// directory, and the copy is complete either way.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	f.Close()
}
