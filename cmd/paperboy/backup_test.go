package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// gatedChat is a chat platform with direct messages that can hold a send
// (hold returns only when the test lets it), so a backup can be taken in
// the middle of a thread or of a round of alert DMs.
type gatedChat struct {
	mu    sync.Mutex
	n     int
	items int // thread messages sent (headers and items)
	dms   int
	hold  func(kind string, n int)
}

func (c *gatedChat) Name() string { return "chat" }

func (c *gatedChat) next(kind string) int {
	c.mu.Lock()
	c.n++
	n := c.n
	if kind == "dm" {
		c.dms++
		n = c.dms
	} else {
		c.items++
		n = c.items
	}
	hold := c.hold
	c.mu.Unlock()
	if hold != nil {
		hold(kind, n)
	}
	return n
}

func (c *gatedChat) Send(_ context.Context, m *bot.Message) (bot.Sent, error) {
	n := c.next("thread")
	if m.IsHeader() {
		return bot.Sent{MessageID: fmt.Sprintf("m%d", n), ThreadID: fmt.Sprintf("t%d", n)}, nil
	}
	return bot.Sent{MessageID: fmt.Sprintf("m%d", n), ThreadID: m.Thread.ThreadID}, nil
}

func (c *gatedChat) Find(context.Context, *bot.Message) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}

func (c *gatedChat) SendDM(_ context.Context, u bot.UserRef, _ string, _ *bot.DirectMessage) (bot.Sent, error) {
	n := c.next("dm")
	return bot.Sent{MessageID: fmt.Sprintf("dm%d", n), ThreadID: "D" + u.ID}, nil
}

func (c *gatedChat) dmCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dms
}

func (c *gatedChat) setHold(h func(kind string, n int)) {
	c.mu.Lock()
	c.hold = h
	c.mu.Unlock()
}

// dumpTables returns every row of every table of the database at path, as
// text, by table, in a fixed order.
func dumpTables(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, tb := range tables {
		rs, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[tb] = append(out[tb], fmt.Sprintf("%v", vals))
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameRows reports the first difference between two dumps ("" if none).
func sameRows(want, got map[string][]string) string {
	for tb, w := range want {
		g := got[tb]
		if len(g) != len(w) {
			return fmt.Sprintf("table %s: %d rows in the copy, %d in the database", tb, len(g), len(w))
		}
		for i := range w {
			if w[i] != g[i] {
				return fmt.Sprintf("table %s row %d: copy %s, database %s", tb, i, g[i], w[i])
			}
		}
	}
	for tb := range got {
		if _, ok := want[tb]; !ok {
			return "table " + tb + " only in the copy"
		}
	}
	return ""
}

// queryInt runs a query returning one number on the database at path.
func queryInt(t *testing.T, path, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s on %s: %v", query, filepath.Base(path), err)
	}
	return n
}

var backupLine = regexp.MustCompile(`^backed up (\S+) to (\S+): [0-9.]+ (B|kB|MB), (\d+) papers?, in [0-9.]+ (ms|s) \(quick_check ok\)\n$`)

// backupTo runs `paperboy backup` in its own process and checks what it
// says; it returns the papers count it printed.
func backupTo(t *testing.T, dbPath, to string) int {
	t.Helper()
	r := runBinary(t, nil, "backup", "--db", dbPath, "--to", to)
	m := backupLine.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || r.stderr != "" {
		t.Fatalf("backup: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	var n int
	fmt.Sscan(m[4], &n)
	return n
}

// checkCopy opens a copy as a restore would: quick_check and both
// full-text indexes' own checks pass, and it is owner-only.
func checkCopy(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("%s: mode %o, want 600", filepath.Base(path), m)
	}
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var qc string
	if err := db.QueryRow(`PRAGMA quick_check`).Scan(&qc); err != nil || qc != "ok" {
		t.Errorf("%s: quick_check %q, %v", filepath.Base(path), qc, err)
	}
	for _, fts := range []string{"papers_fts", "authors_fts"} {
		if _, err := db.Exec(`INSERT INTO ` + fts + ` (` + fts + `) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s: %s integrity-check: %v", filepath.Base(path), fts, err)
		}
	}
}

// What backup refuses, and how it says so.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	if r := runMain(t, testEnv(), "digest", "--source", "sample", "--db", db); r.code != 0 {
		t.Fatalf("digest: %d %s", r.code, r.stderr)
	}
	to := filepath.Join(dir, "b.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"backup", "--db", db}, 2, "paperboy backup: --to FILE is required"},
		{[]string{"backup", "--db", db, to}, 2, "unexpected arguments: " + to},
		{[]string{"backup", "--db", filepath.Join(dir, "none.db"), "--to", to}, 1, "none.db: no such file"},
		{[]string{"backup", "--db", db, "--to", to}, 0, ""},
		{[]string{"backup", "--db", db, "--to", to}, 1, "paperboy backup: " + to + " already exists: give another --to, or add --force to replace it"},
		{[]string{"backup", "--db", db, "--to", to, "--force"}, 0, ""},
		{[]string{"backup", "--db", db, "--to", db, "--force"}, 1, "that is the database's own file (p.db)"},
		{[]string{"backup", "--db", db, "--to", db + "-wal", "--force"}, 1, "that is the database's own file (p.db-wal)"},
		{[]string{"backup", "--db", db, "--to", db + ".lock", "--force"}, 2, "is the daemon's lock file"},
		{[]string{"backup", "--db", db, "--to", dir}, 1, "is a directory"},
	} {
		r := runMain(t, testEnv(), c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") > 1 {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and one line with %q", strings.Join(c.args, " "), r.code, r.stderr, c.code, c.want)
		}
		if c.code == 0 && !backupLine.MatchString(r.stdout) {
			t.Errorf("%s: printed %q", strings.Join(c.args, " "), r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Error("backup of a missing database created it")
	}
	if r := runMain(t, testEnv(), "status", "--db", db, "--source", "sample"); r.code != 0 || !strings.Contains(r.stdout, "17 papers") {
		t.Errorf("the database after the refused backups: %d %s%s", r.code, r.stdout, r.stderr)
	}
}
