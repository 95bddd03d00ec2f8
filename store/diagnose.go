package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"slices"
	"strings"
)

// Diagnosis is what Diagnose found in a database file.
type Diagnosis struct {
	// Exists is false when there is no file yet (the first run creates
	// it); the other fields are then empty.
	Exists bool
	// Size is the file's size in bytes (without its -wal).
	Size int64
	// Problems are what PRAGMA quick_check reported, at most ten; none
	// when it answered "ok".
	Problems []string
	// Migrations are the migrations of this binary, by file name, in
	// order; Pending those of them the file lacks.
	Migrations, Pending []string
	// Unknown are the versions the file records that this binary does not
	// have: a newer paperboy wrote it.
	Unknown []int
}

// Diagnose looks at the database at path without changing it, creating
// it or waiting for a writer: it opens the file read-only, runs PRAGMA
// quick_check and compares the migrations the file records with this
// binary's. An error is a file that cannot be read as a database, in one
// line with what to do about it.
func Diagnose(ctx context.Context, path string) (Diagnosis, error) {
	var d Diagnosis
	if path == "" {
		return d, errors.New("store: no database path")
	}
	if registerErr != nil {
		return d, registerErr
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return d, openErr(path, err)
	}
	d.Exists, d.Size = true, fi.Size()
	conn, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro&_busy_timeout=10000&_query_only=1")
	if err != nil {
		return d, openErr(path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	rows, err := conn.QueryContext(ctx, `PRAGMA quick_check(10)`)
	if err != nil {
		return d, openErr(path, err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return d, openErr(path, err)
		}
		if line != "ok" {
			d.Problems = append(d.Problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return d, openErr(path, err)
	}
	rows.Close()
	all, err := embeddedMigrations()
	if err != nil {
		return d, err
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return d, openErr(path, mapErr(err))
	}
	known := map[int]bool{}
	for _, m := range all {
		known[m.version] = true
		d.Migrations = append(d.Migrations, m.name)
		if !applied[m.version] {
			d.Pending = append(d.Pending, m.name)
		}
	}
	for v := range applied {
		if !known[v] {
			d.Unknown = append(d.Unknown, v)
		}
	}
	slices.Sort(d.Unknown)
	return d, nil
}
