package fts5tok

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/mattn/go-sqlite3"
)

// The oracle: an in-memory FTS5 table with the tokenizer Tokens
// reimplements, and an fts5vocab table listing each document's terms with
// their positions.

type ftsOracle struct {
	db              *sql.DB
	del, ins, vocab *sql.Stmt
	intern          map[string]string
}

// openFTSOracle opens the oracle, skipping the test where SQLite has no FTS5
// (built without -tags sqlite_fts5) or where there is no SQLite at all
// (built without cgo, go-sqlite3 is a stub).
func openFTSOracle(tb testing.TB) *ftsOracle {
	tb.Helper()
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	for _, q := range []string{
		`CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')`,
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			if strings.Contains(err.Error(), "no such module") {
				tb.Skipf("SQLite built without FTS5 (use -tags sqlite_fts5): %v", err)
			}
			if strings.Contains(err.Error(), "requires cgo") {
				tb.Skipf("no SQLite to compare with (go-sqlite3 needs cgo): %v", err)
			}
			tb.Fatal(err)
		}
	}
	o := &ftsOracle{db: db, intern: map[string]string{}}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&o.del, `DELETE FROM t`},
		{&o.ins, `INSERT INTO t(rowid, x) VALUES (?, ?)`},
		{&o.vocab, `SELECT term, doc, "offset" FROM v`},
	} {
		if *p.stmt, err = db.Prepare(p.sql); err != nil {
			db.Close()
			tb.Fatal(err)
		}
	}
	return o
}

// terms indexes docs (replacing whatever was indexed before) and returns, for
// each, the terms SQLite stored, in position order.
func (o *ftsOracle) terms(tb testing.TB, docs []string) [][]string {
	tb.Helper()
	tx, err := o.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Stmt(o.del).Exec(); err != nil {
		tb.Fatal(err)
	}
	ins := tx.Stmt(o.ins)
	for i, d := range docs {
		if _, err := ins.Exec(i+1, d); err != nil {
			tb.Fatalf("insert %q: %v", d, err)
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}

	const gap = "\x00<no term at this position>"
	out := make([][]string, len(docs))
	rows, err := o.vocab.Query()
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var term sql.RawBytes
	var doc, off int
	for rows.Next() {
		if err := rows.Scan(&term, &doc, &off); err != nil {
			tb.Fatal(err)
		}
		s, ok := o.intern[string(term)]
		if !ok {
			s = string(term)
			if len(o.intern) > 1<<20 {
				clear(o.intern)
			}
			o.intern[s] = s
		}
		ts := out[doc-1]
		for len(ts) <= off {
			ts = append(ts, gap)
		}
		if ts[off] != gap {
			tb.Fatalf("doc %d: two terms at position %d: %q and %q", doc, off, ts[off], s)
		}
		ts[off] = s
		out[doc-1] = ts
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func (o *ftsOracle) close() {
	o.del.Close()
	o.ins.Close()
	o.vocab.Close()
	o.db.Close()
}

// compareTokenize compares Tokens with SQLite for each doc, reporting the
// first few mismatches (labelled by label(i)) and returning the number of
// mismatching docs and the number of terms compared.
func compareTokenize(tb testing.TB, o *ftsOracle, docs []string, label func(i int) string) (mismatches, terms int) {
	tb.Helper()
	want := o.terms(tb, docs)
	var dst []string
	for i, d := range docs {
		dst = AppendTokens(dst[:0], d)
		terms += len(want[i])
		if equalTerms(dst, want[i]) {
			continue
		}
		mismatches++
		if mismatches <= 5 {
			tb.Errorf("%s: Tokens(%s) differs from SQLite (-sqlite +go):\n%s", label(i), tokQuote(d), cmp.Diff(want[i], dst))
		}
	}
	return mismatches, terms
}

func equalTerms(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func tokQuote(s string) string {
	if len(s) > 300 {
		return fmt.Sprintf("%+q…(%d bytes)", s[:300], len(s))
	}
	return fmt.Sprintf("%+q", s)
}
