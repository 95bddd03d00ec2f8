package store

// Reading the matches of a search: the upvotes bands newest first, in
// parallel on the read connections, each stopped as soon as the score
// bound of its next paper is below the page's lowest (see rank.go).

import (
	"database/sql"
	"math"
	"strings"
	"sync/atomic"
)

// rareHits is the document frequency up to which fill splits a word off
// as rare.
const rareHits = 20000

// fill ranks the any-word matches of a query without OR in two parts
// (the idea of MaxScore): first the papers with one of its rare words
// (few: the expression "(rare words) AND (query)", whose leading rare
// phrases paperboy_bm25 leaves out of the score), with the bound of the
// whole query; then the papers with only common words, whose bound leaves
// the rare words out and is so much lower that the scan usually stops at
// once. The expression of the second part adds NOT (the rare words), whose
// phrases those papers do not have, so their scores are unchanged.
func (r *ranker) fill(match string, top *topK, skip map[int64]bool, bound float64) ([]candidate, error) {
	// Rare: the words in at most rareHits papers, and the rarest word in
	// any case (its papers are read first; the others' bound leaves it out).
	type word struct {
		ph  string
		n   int64
		idf float64
	}
	var words []word
	for _, t := range r.q.PositiveTerms() {
		w := word{ph: quote(strings.Join(t.Words, " "))}
		var err error
		if w.n, err = r.phraseHits(w.ph); err != nil {
			return nil, err
		}
		if w.idf, err = r.idfBound(w.ph); err != nil {
			return nil, err
		}
		if w.n > 0 {
			words = append(words, w)
		}
	}
	rarest := -1
	for i, w := range words {
		if rarest < 0 || w.n < words[rarest].n {
			rarest = i
		}
	}
	var rare []string
	common := 0.0
	for i, w := range words {
		if i == rarest || w.n <= rareHits {
			rare = append(rare, w.ph)
		} else {
			common += w.idf * (bm25K1 + 1)
		}
	}
	if len(rare) == len(words) {
		rare = nil // nothing left to bound separately
	}
	if len(rare) == 0 {
		if err := r.scanBands(match, top, skip, bound, 0); err != nil {
			return nil, err
		}
		return top.best, nil
	}
	anyRare := strings.Join(rare, " OR ")
	withRare := "((" + anyRare + ") AND " + match + ")"
	if err := r.scanBands(withRare, top, skip, bound, len(rare)); err != nil {
		return nil, err
	}
	rest := "(" + match + " NOT (" + anyRare + "))"
	common = common*(1+1e-9) + 1e-12
	if err := r.scanBands(rest, top, skip, common, 0); err != nil {
		return nil, err
	}
	return top.best, nil
}

// scanBands scans every upvotes band, most upvoted first (two at a time:
// see parallel); bound is the text bound, which each band multiplies by
// its largest upvotes boost.
func (r *ranker) scanBands(match string, top *topK, skip map[int64]bool, bound float64, ignore int) error {
	score, sargs, err := r.bm25(match, ignore)
	if err != nil {
		return err
	}
	bs := bands()
	return r.parallel(len(bs), func(tx *sql.Tx, i int) error {
		band := bs[i]
		return r.scan(tx, match, score, sargs, top, skip, band, bound*upBoost(upvoteBands[band].hi))
	})
}

// parallel runs n tasks, in order of i, on the search's transaction and
// on a second read transaction (the store's aux pool) in another
// goroutine, so a search uses both cores of a small machine: a task takes
// the next i when its transaction is free. The two transactions may see
// different commits when a write lands between their starts; only a paper
// saved during the search can then be counted or ranked in one band and
// not another. The aux pool is used by these second transactions only,
// and they wait for nothing else, so searches never wait on each other
// for connections. Without an aux pool, or for a single task, the tasks
// run in turn on the search's transaction, as they do when both second
// readers are busy with other searches.
func (r *ranker) parallel(n int, task func(tx *sql.Tx, i int) error) error {
	if n <= 1 || r.db.aux == nil {
		for i := 0; i < n; i++ {
			if err := task(r.tx, i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	run := func(tx *sql.Tx) error {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return nil
			}
			if err := task(tx, i); err != nil {
				return err
			}
		}
	}
	select {
	case r.db.auxFree <- struct{}{}:
	default:
		// Every second reader is busy: no waiting, this search's own
		// transaction does all the tasks.
		return run(r.tx)
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-r.db.auxFree }()
		tx, err := r.db.aux.BeginTx(r.ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			done <- nil // the search's own transaction does all the tasks
			return
		}
		defer tx.Rollback()
		done <- run(tx)
	}()
	err := run(r.tx)
	if err2 := <-done; err == nil {
		err = err2
	}
	return err
}

// oldestUseful returns the oldest day on which a paper whose text score
// times upvotes boost is at most bound can still reach the score theta,
// given that the recency boost 1 + 9/(30+age) falls with age; a day after
// the plan's range when no day can.
func (r *ranker) oldestUseful(bound, theta float64) int64 {
	x := theta/bound - 1 // needed: 9/(30+age) >= x
	if x <= 0 {
		return r.pl.lo
	}
	maxAge := 9/x - 30
	if maxAge < 0 {
		return r.pl.hi + 1
	}
	// A day early, for rounding: the scan itself stops exactly.
	return max(r.pl.lo, int64(math.Ceil(r.now-2440587.5-maxAge))-1)
}

// scan reads the matches of one upvotes band newest first into top. With
// a bound (sorted by score: the largest text score times upvotes boost a
// paper of the band can have), it reads only days whose papers can still
// reach the page and stops when the bound times a paper's recency boost
// falls below the page's lowest score.
func (r *ranker) scan(tx *sql.Tx, match, score string, sargs []any, top *topK, skip map[int64]bool, band int64, bound float64) error {
	// With a tally, the rowids from first (the band's range) to next-1 are
	// left unread unless the scan reads them.
	first, _ := r.pl.ridRange(band)
	var next int64
	read := 0
	if r.tally != nil && r.pl.lo <= r.pl.hi {
		_, last := r.pl.ridRange(band)
		next = last + 1
		defer func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.tally.n += read
			if next > first {
				r.tally.unread = append(r.tally.unread, [2]int64{first, next - 1})
			}
		}()
	}
	pl := r.pl
	r.mu.Lock()
	if top.full() {
		switch r.o {
		case byScore:
			pl.lo = max(pl.lo, r.oldestUseful(bound, top.last().score))
		case byDate:
			pl.lo = max(pl.lo, top.last().day)
		case byUpvotes:
			if upvoteBands[band].hi < top.last().upvotes {
				r.mu.Unlock()
				return nil
			}
		}
	}
	r.mu.Unlock()
	if pl.lo > pl.hi {
		return nil
	}
	where, args := pl.where("papers_fts.rowid", band)
	rows, err := tx.QueryContext(r.ctx, `SELECT papers_fts.rowid, `+score+`, r.upvotes
		FROM papers_fts JOIN search_rank r ON r.rid = papers_fts.rowid
		WHERE papers_fts MATCH ? AND `+where+` ORDER BY papers_fts.rowid DESC`, append(append(sargs[:len(sargs):len(sargs)], match), args...)...)
	if err != nil {
		return r.err(err)
	}
	defer rows.Close()
	lastDay, dayBound := int64(math.MinInt64), 0.0
	for rows.Next() {
		var c candidate
		var text float64
		if err := rows.Scan(&c.rid, &text, &c.upvotes); err != nil {
			return r.err(err)
		}
		c.day = ridDay(c.rid)
		read++
		next = c.rid
		if r.rowsLeft != nil && r.rowsLeft.Add(-1) == 0 {
			r.stopNow()
		}
		if c.day != lastDay {
			lastDay, dayBound = c.day, bound*recencyBoost(c.day, r.now)
		}
		if skip[c.rid] {
			continue
		}
		c.score = text * boost(c.upvotes, c.day, r.now)
		if !r.offer(top, c, dayBound) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return r.err(err)
	}
	// Read to the end of its range: only the days before it are left.
	next, _ = pl.ridRange(band)
	return nil
}

// offer adds c to top, or reports false when the scan it comes from can
// stop: no paper of its band from c's day on can enter top (dayBound
// bounds their scores), or, sorted by date, c is older than the page.
func (r *ranker) offer(top *topK, c candidate, dayBound float64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if top.full() {
		switch r.o {
		case byScore:
			if dayBound < top.last().score {
				return false
			}
		case byDate:
			if c.day < top.last().day {
				return false
			}
		}
	}
	top.add(c)
	return true
}
