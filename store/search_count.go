package store

// Counting a search's matches: the total shown under the results, by
// band, bounded so that a common word costs no more than needed.

import (
	"database/sql"
	"sync/atomic"

	"github.com/paperboy-bot/paperboy/bot"
)

// count counts the papers matching an FTS5 expression and the filters, up
// to limit, band by band (each a range the index seeks to).
func (r *ranker) count(match string, limit int) (int, error) {
	total := 0
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi || total >= limit {
			break
		}
		lo, hi := r.pl.ridRange(band)
		n, err := r.countIn(r.tx, match, lo, hi, limit-total)
		if err != nil {
			return total, err // what it counted, for a search that stops
		}
		total += n
	}
	return total, nil
}

// countIn counts the papers matching an FTS5 expression and the filters
// in the rowids lo to hi, up to limit.
func (r *ranker) countIn(tx *sql.Tx, match string, lo, hi int64, limit int) (int, error) {
	join := ""
	if r.pl.rank {
		join = " JOIN search_rank r ON r.rid = papers_fts.rowid"
	}
	where, args := r.pl.whereRange("papers_fts.rowid", lo, hi)
	var n int
	err := tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (SELECT 1 FROM papers_fts`+join+` WHERE papers_fts MATCH ? AND `+where+` LIMIT ?)`,
		append(append([]any{match}, args...), limit)...).Scan(&n)
	return n, r.err(err)
}

// knownTotal returns the number of papers matching a query of a single
// term and no filters, up to bot.CountCap, which the store keeps counted;
// -1 for any other query, whose matches are counted as they are ranked
// (tally).
func (r *ranker) knownTotal(all string) (int, error) {
	ph := phrasesOf(all)
	if len(ph) != 1 || ph[0] != all || len(r.pl.conds) > 0 || r.pl.lo != 0 || r.pl.hi != ridDayMask {
		return -1, nil
	}
	counts, err := r.termCounts(all)
	if err != nil || len(counts) != 1 {
		return -1, err
	}
	return int(min(counts[0], bot.CountCap)), nil
}

// A tally counts the matches the scans of one expression read, and notes
// the rowid ranges they left unread (older days, or bands they skipped):
// counting those afterwards (countRest) gives the total without a pass of
// its own over the matches the scans already read. When a query's words
// are common but seldom together (or in a phrase), finding the matches is
// most of a search's cost, and it is then paid once instead of twice.
type tally struct {
	n      int
	unread [][2]int64 // inclusive rowid ranges
}

// countRest returns the tally's matches plus those in the ranges it did
// not read, up to bot.CountCap.
func (r *ranker) countRest(match string) (int, error) {
	t := r.tally
	r.tally = nil
	var total atomic.Int64
	total.Store(int64(t.n))
	err := r.parallel(len(t.unread), func(tx *sql.Tx, i int) error {
		limit := bot.CountCap - total.Load()
		if limit <= 0 {
			return nil
		}
		n, err := r.countIn(tx, match, t.unread[i][0], t.unread[i][1], int(limit))
		total.Add(int64(n))
		return err
	})
	return int(min(total.Load(), bot.CountCap)), err
}

// ids returns the rowids of the papers matching an expression and the
// filters (used for small sets only).
func (r *ranker) ids(match string) (map[int64]bool, error) {
	join := ""
	if r.pl.rank {
		join = " JOIN search_rank r ON r.rid = papers_fts.rowid"
	}
	out := map[int64]bool{}
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi {
			break
		}
		where, args := r.pl.where("papers_fts.rowid", band)
		rows, err := r.tx.QueryContext(r.ctx, `SELECT papers_fts.rowid FROM papers_fts`+join+` WHERE papers_fts MATCH ? AND `+where,
			append([]any{match}, args...)...)
		if err != nil {
			return nil, r.err(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, r.err(err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, r.err(err)
		}
	}
	return out, nil
}

// papers bounds the number of indexed papers (BM25's N) from above.
func (r *ranker) papers() (int64, error) {
	if r.n == 0 {
		if err := r.tx.QueryRowContext(r.ctx, `SELECT coalesce(max(pk), 0) FROM papers`).Scan(&r.n); err != nil {
			return 0, r.err(err)
		}
	}
	return r.n, nil
}
