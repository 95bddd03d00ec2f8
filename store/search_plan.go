package store

// Filter planning of a search: which rows a query's filters (dates,
// upvotes, authors, categories, code) allow, as conditions on the rowid
// bands, and the search of a query that has only filters.

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// plan is a query compiled for the indexes.
type plan struct {
	lo, hi int64    // days (since:, before:), inclusive
	conds  []string // further conditions, with {rowid} for the rowid
	args   []any
	rank   bool // conditions use the search_rank row r
}

// authorCond is the condition of an author: filter of 3 characters or
// more, answered by the trigram index.
const authorCond = `+{rowid} IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH ?{range})`

// planFilters compiles the query's filters. The rowid of the scanned
// index is written {rowid} in conds.
func planFilters(q *bot.Query) plan {
	pl := plan{lo: 0, hi: ridDayMask}
	if !q.Since.IsZero() {
		pl.lo = max(0, min(dayNumber(q.Since), ridDayMask+1))
	}
	if !q.Before.IsZero() {
		pl.hi = min(ridDayMask, dayNumber(q.Before)-1)
	}
	for _, a := range q.Authors {
		f := fts5tok.Fold(a)
		if utf8.RuneCountInString(f) >= 3 {
			// The trigram index finds substrings of 3 characters or more.
			// The unary + keeps SQLite from handing the list to the
			// full-text index as one rowid lookup per author match (a
			// word and a common name took 46 s at 1M); the list is built
			// once per statement, for its rowid range only, and each
			// match is checked against it.
			pl.conds = append(pl.conds, authorCond)
			pl.args = append(pl.args, quote(f))
		} else {
			pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND p.authors_fold LIKE ? ESCAPE '\')`)
			pl.args = append(pl.args, "%"+likeEscape(f)+"%")
		}
	}
	for _, o := range q.Orgs {
		pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND
			(lower(p.org_name) LIKE ? ESCAPE '\' OR lower(p.org_fullname) LIKE ? ESCAPE '\'))`)
		pat := "%" + likeEscape(strings.ToLower(o)) + "%"
		pl.args = append(pl.args, pat, pat)
	}
	for _, alts := range q.Categories {
		cond, args := categoryCond(alts)
		pl.conds = append(pl.conds, `EXISTS (SELECT 1 FROM papers p WHERE p.rid = {rowid} AND `+cond+`)`)
		pl.args = append(pl.args, args...)
	}
	for _, c := range q.Upvotes {
		op := map[string]string{">=": ">=", ">": ">", "<": "<", "<=": "<=", "=": "="}[c.Op]
		if op == "" {
			op = ">="
		}
		pl.conds = append(pl.conds, "r.upvotes "+op+" ?")
		pl.args = append(pl.args, c.N)
		pl.rank = true
	}
	if q.HasCode {
		pl.conds = append(pl.conds, "r.flags & 1 <> 0")
		pl.rank = true
	}
	if q.HasProject {
		pl.conds = append(pl.conds, "r.flags & 2 <> 0")
		pl.rank = true
	}
	return pl
}

func dayNumber(d bot.Date) int64 {
	return d.In(time.UTC, 0, 0).Unix() / 86400
}

// where writes the plan's conditions for an index whose rowid is x, in
// one upvotes band (a rowid range the index seeks to), or in all bands
// (band -1: the days are then checked row by row).
func (pl plan) where(x string, band int64) (string, []any) {
	if band >= 0 {
		lo, hi := pl.ridRange(band)
		return pl.whereRange(x, lo, hi)
	}
	return pl.conditions(fmt.Sprintf("(%s >> %d & %d) BETWEEN ? AND ?", x, ridDayShift, ridDayMask), x, "", []any{pl.lo, pl.hi})
}

// ridRange returns the first and last rowid of the plan's days in a band.
func (pl plan) ridRange(band int64) (lo, hi int64) {
	return ridBase(band, pl.lo), ridBase(band, pl.hi) | (1<<ridDayShift - 1)
}

// whereRange writes the plan's conditions for the rowids lo to hi of an
// index whose rowid is x.
func (pl plan) whereRange(x string, lo, hi int64) (string, []any) {
	// The range is written into the author subqueries as numbers: they
	// come from the plan, never from the user.
	return pl.conditions(x+" BETWEEN ? AND ?", x, fmt.Sprintf(" AND rowid BETWEEN %d AND %d", lo, hi), []any{lo, hi})
}

// conditions adds the plan's further conditions to s and args, the rowid
// written x and the rowid range rng.
func (pl plan) conditions(s, x, rng string, args []any) (string, []any) {
	for _, c := range pl.conds {
		s += " AND " + strings.NewReplacer("{rowid}", x, "{range}", rng).Replace(c)
	}
	return s, append(args, pl.args...)
}

// bands returns the upvotes bands to read, most upvoted first.
func bands() []int64 {
	out := make([]int64, len(upvoteBands))
	for i := range out {
		out[i] = int64(len(upvoteBands) - 1 - i)
	}
	return out
}

// filterSource is where the papers of a query without words are read
// from: the first author's trigram matches when there is one (rather than
// every paper), else the ranking table; with the remaining conditions.
func (r *ranker) filterSource(pl plan, band int64) (from, rowid string, where string, args []any) {
	if len(r.q.Authors) > 0 && pl.conds[0] == authorCond {
		first := pl.args[0]
		pl.conds, pl.args = pl.conds[1:], pl.args[1:]
		w, a := pl.where("authors_fts.rowid", band)
		return `authors_fts JOIN search_rank r ON r.rid = authors_fts.rowid`, "authors_fts.rowid",
			"authors_fts MATCH ? AND " + w, append([]any{first}, a...)
	}
	w, a := pl.where("r.rid", band)
	return "search_rank r", "r.rid", w, a
}

// filtered ranks the papers matching the filters of a query without words:
// newest first (then most upvoted), or most upvoted first; band by band,
// each read newest first and only as far as it can still reach the page.
func (r *ranker) filtered(k int) ([]candidate, error) {
	top := &topK{k: k, o: r.o}
	r.top = top
	for _, band := range bands() {
		pl := r.pl
		if top.full() {
			if r.o == byUpvotes && upvoteBands[band].hi < top.last().upvotes {
				break
			}
			if r.o == byDate {
				pl.lo = max(pl.lo, top.last().day)
			}
		}
		if pl.lo > pl.hi {
			continue
		}
		from, rowid, where, args := r.filterSource(pl, band)
		rows, err := r.tx.QueryContext(r.ctx, `SELECT `+rowid+`, r.upvotes FROM `+from+` WHERE `+where+` ORDER BY `+rowid+` DESC`, args...)
		if err != nil {
			return nil, r.err(err)
		}
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.rid, &c.upvotes); err != nil {
				rows.Close()
				return nil, r.err(err)
			}
			c.day = ridDay(c.rid)
			if r.o == byDate && top.full() && c.day < top.last().day {
				break
			}
			top.add(c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, r.err(err)
		}
	}
	return top.best, nil
}

// countFiltered counts the papers matching the filters of a query without
// words, up to bot.CountCap.
func (r *ranker) countFiltered() (int, error) {
	total := 0
	for _, band := range bands() {
		if r.pl.lo > r.pl.hi || total >= bot.CountCap {
			break
		}
		from, _, where, args := r.filterSource(r.pl, band)
		var n int
		if err := r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM (SELECT 1 FROM `+from+` WHERE `+where+` LIMIT ?)`,
			append(args, bot.CountCap-total)...).Scan(&n); err != nil {
			return total, r.err(err)
		}
		total += n
	}
	return total, nil
}
