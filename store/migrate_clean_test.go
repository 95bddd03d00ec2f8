package store

import (
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestMigrationCleansStoredPapers builds a store as it was before
// migration 0007 (papers saved with invisible characters, indexed as they
// were) and opens it: the papers are cleaned and re-indexed, the document
// frequencies stay exact, and a search for "tokenization" finds
// "Token\u00adization".
func TestMigrationCleansStoredPapers(t *testing.T) {
	ctx := t.Context()
	_, path := openDB(t)
	{
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SavePapers(ctx, []bot.Paper{samplePaper("2603.00001", 5, day1), samplePaper("2603.00002", 5, day1)}, t0); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	raw := openRaw(t, path, "")
	for _, q := range []string{
		// What an older paperboy stored (the update triggers re-index it).
		`UPDATE papers SET title = 'Token' || char(173) || 'ization for Trans' || char(173) || 'formers at ' || char(8238) || 'scale',
			abstract = 'zero' || char(8203) || 'width', authors = 'Ann' || char(8288) || ' Lee' || char(10) || char(8203)
			WHERE id = '2603.00001'`,
		`UPDATE papers SET title = char(8203) || char(8204) WHERE id = '2603.00002'`,
		// Its document frequencies were exact for that text.
		`DELETE FROM search_terms`,
		`CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, papers_fts, row)`,
		`INSERT INTO search_terms (term, docs) SELECT term, doc FROM temp.v`,
		`DROP TABLE temp.v`,
		`ALTER TABLE lists DROP COLUMN skipped`,
		`DELETE FROM schema_migrations WHERE version = 7`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	// (The Porter stem of "tokenization" is "token", so that word is found
	// either way; "transformers" is not found in "Trans\u00adformers".)
	if ids, _ := searchIDsOf(t, path, "transformers"); len(ids) != 0 {
		t.Fatalf("before the migration the soft hyphen splits the word, yet search finds %v", ids)
	}

	db := openPath(t, path)
	p, err := db.GetPaper(ctx, "2603.00001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Tokenization for Transformers at scale" || p.Abstract != "zero width" || len(p.Authors) != 1 || p.Authors[0] != "Ann Lee" {
		t.Errorf("after the migration: %q / %q / %q", p.Title, p.Abstract, p.Authors)
	}
	if u, _ := db.GetPaper(ctx, "2603.00002"); u.Title != "\u200b\u200c" || u.DisplayTitle() != "Untitled (arXiv:2603.00002)" {
		t.Errorf("a title with nothing left is kept as it was: %q, shown %q", u.Title, u.DisplayTitle())
	}
	for _, w := range []string{"tokenization", "transformers"} {
		ids, err := db.SearchIDs(ctx, []string{w}, 10)
		if err != nil || len(ids) != 1 || ids[0] != "2603.00001" {
			t.Errorf("search for %s after the migration: %v, %v", w, ids, err)
		}
	}
	checkFTS(t, path)
}

// searchIDsOf runs SearchIDs on a store opened without migrating (a raw
// full-text query), to see the index as it stands.
func searchIDsOf(t *testing.T, path, word string) ([]string, error) {
	t.Helper()
	raw := openRaw(t, path, "mode=ro")
	rows, err := raw.Query(`SELECT p.id FROM papers_fts f JOIN papers p ON p.rid = f.rowid WHERE papers_fts MATCH ?`, `"`+word+`"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
