package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// A search rowid is band<<36 | day<<20 | n (see migration 0005): the
// paper's upvotes band, its day (days since 1970-01-01, 16 bits: until
// 2149) and a count within the day and band.
const (
	ridDayShift  = 20
	ridBandShift = 36
	ridDayMask   = 1<<16 - 1
)

// upvoteBands are the upvotes bands of search rowids, lowest first: a
// paper moves to another band (and rowid) when its upvotes cross a limit.
var upvoteBands = []struct{ lo, hi int64 }{
	{math.MinInt64, 4}, {5, 14}, {15, 39}, {40, 99}, {100, math.MaxInt64},
}

func bandOf(upvotes int64) int64 {
	for i, b := range upvoteBands {
		if upvotes <= b.hi {
			return int64(i)
		}
	}
	return int64(len(upvoteBands) - 1)
}

// ridDay returns the day a search rowid belongs to.
func ridDay(rid int64) int64 { return rid >> ridDayShift & ridDayMask }

// ridBase is the first rowid of a band and day.
func ridBase(band, day int64) int64 { return band<<ridBandShift | day<<ridDayShift }

// effDay is the day number of a paper's daily-list date, else its arXiv
// submission date, else its arXiv announcement day (the effDate of a row),
// 0 when it has none.
func effDay(listDate, publishedAt, announcedOn string) int64 {
	s := listDate
	if s == "" && len(publishedAt) >= 10 {
		s = publishedAt[:10]
	}
	if s == "" {
		s = announcedOn
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Unix() < 0 {
		return 0
	}
	return min(t.Unix()/86400, ridDayMask)
}

// rids hands out search rowids within one write transaction, and gathers
// the transaction's changes of document frequencies (terms.go).
type rids struct {
	next  map[int64]int64 // base (band and day) -> next free rid
	terms termCounter
}

func (r *rids) alloc(ctx context.Context, tx *sql.Tx, band, day int64) (int64, error) {
	base := ridBase(band, day)
	if n, ok := r.next[base]; ok {
		r.next[base] = n + 1
		return n, nil
	}
	var top sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(rid) FROM papers WHERE rid BETWEEN ? AND ?`,
		base, base|(1<<ridDayShift-1)).Scan(&top); err != nil {
		return 0, fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	n := base
	if top.Valid {
		n = top.Int64 + 1
	}
	if n-base >= 1<<ridDayShift {
		return 0, fmt.Errorf("store: index papers: more than %d papers on day %d", 1<<ridDayShift, day)
	}
	r.next[base] = n + 1
	return n, nil
}

// rekey gives an indexed paper whose date or upvotes band changed a rowid
// of its new day and band; the triggers of migration 0005 move its index
// entries.
func (r *rids) rekey(ctx context.Context, tx *sql.Tx, pk int64) error {
	var rid sql.NullInt64
	var listDate, published, announced string
	var upvotes int64
	if err := tx.QueryRowContext(ctx, `SELECT rid, list_date, published_at, announced_on, upvotes FROM papers WHERE pk = ?`, pk).
		Scan(&rid, &listDate, &published, &announced, &upvotes); err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	day, band := effDay(listDate, published, announced), bandOf(upvotes)
	if !rid.Valid || ridDay(rid.Int64) == day && rid.Int64>>ridBandShift == band {
		return nil
	}
	n, err := r.alloc(ctx, tx, band, day)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE papers SET rid = ? WHERE pk = ?`, n, pk); err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	return nil
}

// indexNew adds the papers with a pk above indexed (inserted in this
// transaction, with their rowids) to the full-text, author and ranking
// indexes, in one INSERT ... SELECT per index, and their terms to the
// transaction's document frequencies (counted on another core while the
// indexes are written), and returns the new highest pk. Doing this once
// per transaction instead of in a per-row trigger halves ingest time: FTS5
// flushes its pending terms at the end of every statement that writes to
// it, so per-row inserts build and merge thousands of tiny segments.
func (r *rids) indexNew(ctx context.Context, tx *sql.Tx, indexed int64) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+indexedColumns+` FROM papers WHERE pk > ?`, indexed)
	if err != nil {
		return indexed, fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	var texts []indexedText
	for rows.Next() {
		var t indexedText
		if err := rows.Scan(t.dest()...); err != nil {
			rows.Close()
			return indexed, fmt.Errorf("store: index papers: %w", mapErr(err))
		}
		texts = append(texts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return indexed, fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	counted := countTerms(texts)
	defer func() { r.terms.merge(<-counted) }()
	for _, q := range []string{
		`INSERT INTO papers_fts (rowid, title, ai_summary, ai_keywords, abstract, authors)
		SELECT rid, title, ai_summary, ai_keywords, abstract, authors FROM papers WHERE pk > ? ORDER BY rid`,
		`INSERT INTO authors_fts (rowid, authors_fold) SELECT rid, authors_fold FROM papers WHERE pk > ? ORDER BY rid`,
		`INSERT INTO search_rank (rid, pk, upvotes, flags)
		SELECT rid, pk, upvotes, (github_repo <> '') | ((project_page <> '') << 1) FROM papers WHERE pk > ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, indexed); err != nil {
			return indexed, fmt.Errorf("store: index papers: %w", mapErr(err))
		}
	}
	var top int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(pk), 0) FROM papers`).Scan(&top); err != nil {
		return indexed, fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	return top, nil
}

// indexUnindexed gives the papers of a store upgraded by migration 0005
// (rid NULL) their search rowids and indexes them.
func (db *DB) indexUnindexed(ctx context.Context) error {
	// Read first: a store with nothing to index opens without the write
	// lock.
	var any int
	if err := db.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM papers WHERE rid IS NULL)`).Scan(&any); err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	if any == 0 {
		return nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT pk, list_date, published_at, announced_on, upvotes FROM papers WHERE rid IS NULL ORDER BY pk`)
	if err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	type row struct{ pk, day, band int64 }
	var todo []row
	for rows.Next() {
		var x row
		var listDate, published, announced string
		var upvotes int64
		if err := rows.Scan(&x.pk, &listDate, &published, &announced, &upvotes); err != nil {
			rows.Close()
			return fmt.Errorf("store: index papers: %w", mapErr(err))
		}
		x.day, x.band = effDay(listDate, published, announced), bandOf(upvotes)
		todo = append(todo, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	if len(todo) == 0 {
		return nil
	}
	// Only a whole store is ever upgraded; indexNew below indexes all.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM papers WHERE rid IS NOT NULL`).Scan(&done); err != nil {
		return fmt.Errorf("store: index papers: %w", mapErr(err))
	}
	if done > 0 {
		return fmt.Errorf("store: index papers: %d papers have no search rowid but %d do", len(todo), done)
	}
	r := &rids{next: map[int64]int64{}}
	for _, x := range todo {
		n, err := r.alloc(ctx, tx, x.band, x.day)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE papers SET rid = ? WHERE pk = ?`, n, x.pk); err != nil {
			return fmt.Errorf("store: index papers: %w", mapErr(err))
		}
	}
	if _, err := r.indexNew(ctx, tx, 0); err != nil {
		return err
	}
	if err := r.terms.flush(ctx, tx); err != nil {
		return err
	}
	return mapErr(tx.Commit())
}

// retext counts the terms lost and gained by the known papers of a
// transaction whose indexed text it changed (before: pk -> the text
// before; only the first one is kept when a paper is saved twice).
func (r *rids) retext(ctx context.Context, tx *sql.Tx, before map[int64]indexedText) error {
	if len(before) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `SELECT `+indexedColumns+` FROM papers WHERE pk = ?`)
	if err != nil {
		return fmt.Errorf("store: index terms: %w", mapErr(err))
	}
	defer stmt.Close()
	for pk, old := range before {
		var now indexedText
		if err := stmt.QueryRowContext(ctx, pk).Scan(now.dest()...); err != nil {
			return fmt.Errorf("store: index terms: %w", mapErr(err))
		}
		if now != old {
			r.terms.add(old, -1)
			r.terms.add(now, 1)
		}
	}
	return nil
}
