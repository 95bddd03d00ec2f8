package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Open opens (creating if needed) the database at path and applies any
// pending migrations. A store whose migrations are all applied opens
// without taking the write lock, so it does not wait for another process
// that is writing.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: no database path")
	}
	if registerErr != nil {
		return nil, registerErr
	}
	// SQLite would create the file with its own mode, readable by all.
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	base := "file:" + escapePath(path)
	// No _journal_mode=WAL here: see walMode.
	w, err := sql.Open("sqlite3", base+"?_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate&_cache_size=-65536")
	if err != nil {
		return nil, openErr(path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{path: path, w: w}
	if err := db.init(ctx); err != nil {
		w.Close()
		return nil, openErr(path, err)
	}
	if err := db.openReaders(ctx, base); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenReadOnly opens the database at path for reading (search, status):
// it never takes the write lock and never waits for a process that holds
// it. A file that does not exist yet, is not in WAL mode or lacks
// migrations this binary has is opened with Open instead (creating or
// upgrading it needs the write lock). Writes through the returned store
// fail with SQLite's "attempt to write a readonly database".
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: no database path")
	}
	if registerErr != nil {
		return nil, registerErr
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return Open(ctx, path)
	}
	base := "file:" + escapePath(path)
	w, err := sql.Open("sqlite3", base+"?mode=ro&_busy_timeout=10000&_foreign_keys=on&_query_only=1")
	if err != nil {
		return nil, openErr(path, err)
	}
	w.SetMaxOpenConns(1)
	db := &DB{path: path, w: w} // w is read-only too
	current, err := db.current(ctx)
	if err != nil {
		db.Close()
		return nil, openErr(path, err)
	}
	if !current {
		db.Close()
		return Open(ctx, path)
	}
	if err := db.openReaders(ctx, base); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// current reports whether the file is in WAL mode and has every migration
// of this binary.
func (db *DB) current(ctx context.Context) (bool, error) {
	var mode string
	if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return false, mapErr(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return false, nil
	}
	applied, err := appliedVersions(ctx, db.w)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return false, nil
		}
		return false, mapErr(err)
	}
	all, err := embeddedMigrations()
	if err != nil {
		return false, err
	}
	for _, m := range all {
		if !applied[m.version] {
			return false, nil
		}
	}
	return true, nil
}

// openReaders opens the read-only pools.
func (db *DB) openReaders(ctx context.Context, base string) error {
	r, err := sql.Open("sqlite3", base+"?mode=ro&_busy_timeout=10000&_foreign_keys=on&_query_only=1")
	if err != nil {
		return openErr(db.path, err)
	}
	r.SetMaxOpenConns(ReadConns)
	db.r = r
	if err := r.PingContext(ctx); err != nil {
		return openErr(db.path, err)
	}
	// The second readers of searches (see ranker.parallel): a search uses
	// one only when one is free at once.
	aux, err := sql.Open("sqlite3", base+"?mode=ro&_busy_timeout=10000&_query_only=1")
	if err != nil {
		return openErr(db.path, err)
	}
	aux.SetMaxOpenConns(auxReaders)
	db.aux, db.auxFree = aux, make(chan struct{}, auxReaders)
	return nil
}

// ReadConns is the size of the read pool every read (searches, status,
// command lookups) shares; interactive searches should be capped below it
// so that digests and alert runs always find a connection.
const ReadConns = 4

// openErr names what is wrong with a database that cannot be opened, in
// one line, with what to do about it.
func openErr(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB:
			return fmt.Errorf("store: open %s: file is not a database: restore it from a backup (README, \"Backup and restore\") or move it away to start an empty one", path)
		case sqlite3.ErrCorrupt:
			return fmt.Errorf("store: open %s: database disk image is malformed: restore it from a backup (README, \"Backup and restore\")", path)
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("store: open %s: the database is locked by another process: wait for it to finish (or stop it) and try again", path)
		case sqlite3.ErrCantOpen:
			return fmt.Errorf("store: open %s: cannot open the file: check that its folder exists and is writable", path)
		case sqlite3.ErrReadonly:
			return fmt.Errorf("store: open %s: the file is read-only: paperboy needs to write to it (and to its folder, for the -wal and -shm files)", path)
		}
	}
	if strings.HasPrefix(err.Error(), "store:") || errors.Is(err, ErrNoFTS5) {
		return err
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}
