package store

// Saving papers: the entry points (an archive, a daily list, a live list,
// an arXiv announcement day) and save, which runs the transaction again
// without the rows the database refused.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/paperboy-bot/paperboy/bot"
)

// SavePapers upserts papers read from an archive (a file, the sample): a
// paper seen before is refreshed, never duplicated, and its counters never
// go down because of an older snapshot. Each paper is recorded on the list
// of its ListDate. It is one transaction. Papers are saved cleaned
// (bot.CleanPaper); one that cannot be saved (an id that is not an arXiv
// id, a row the database refuses) is left out and named in the result's
// Skipped, and the others are saved. A failure of the database itself
// (disk full, a read-only file) is an error, and nothing is saved.
func (db *DB) SavePapers(ctx context.Context, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, bot.Date{}, saveOpts{}, now)
}

// SaveList saves a freshly fetched daily list: papers are upserted with the
// current counters, the list's membership is replaced by the fresh one (an
// empty fetch keeps what was there) and the fetch is recorded.
func (db *DB) SaveList(ctx context.Context, day bot.Date, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, day, saveOpts{live: true}, now)
}

// SaveLiveList is SaveList for a live fetch of a recent list: the papers
// the store had not seen are also queued for alert matching, in the same
// transaction.
func (db *DB) SaveLiveList(ctx context.Context, day bot.Date, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, day, saveOpts{live: true, queue: true}, now)
}

// Announced is one paper of an arXiv announcement day, with how it was
// announced (new, cross, replace, replace-cross).
type Announced = bot.Announced

// SaveAnnounced saves the papers of an arXiv announcement day: each is
// upserted with arXiv's facts, filling in what the store lacks and keeping
// what Hugging Face gave (counters, code, summary); it is recorded on the
// day's announcements with its type (an earlier save of the same day
// keeps its position; a "new" or "cross" announcement is not turned into
// a "replace" by a later feed). With queue, the papers the store had not
// seen are queued for alert matching (a backfill passes false: its
// papers never alert). One transaction, as SavePapers.
//
// A replacement (replace, replace-cross: a new version) of a paper the
// store does not have is left out: it is an old paper, and storing it
// would queue it for alerts; Replaced counts those left out. A
// replacement of a known paper updates it (its version) and never queues.
func (db *DB) SaveAnnounced(ctx context.Context, day bot.Date, items []Announced, queue bool, now time.Time) (res AnnouncedResult, err error) {
	return db.saveAnnounced(ctx, "", day, items, queue, now)
}

func (db *DB) saveAnnounced(ctx context.Context, feed string, day bot.Date, items []Announced, queue bool, now time.Time) (res AnnouncedResult, err error) {
	var papers []bot.Paper
	var types []string
	for _, it := range items {
		if it.Type == "replace" || it.Type == "replace-cross" {
			id, ok := bot.NormalizeID(it.Paper.ID)
			var known int
			if ok {
				if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM papers WHERE id = ?`, id).Scan(&known); err != nil {
					return res, fmt.Errorf("store: save announcements of %s: %w", day, mapErr(err))
				}
			}
			if known == 0 {
				res.Unknown++
				continue
			}
		}
		papers, types = append(papers, it.Paper), append(types, it.Type)
	}
	res.SaveResult, err = db.save(ctx, papers, day, saveOpts{arxiv: true, queue: queue, types: types, feed: feed}, now)
	return res, err
}

// AnnouncedResult is what SaveAnnounced changed: the papers saved, and
// the replacements left out because the store does not have their paper.
type AnnouncedResult struct {
	bot.SaveResult
	Unknown int
}

// saveOpts says how save saves: a live Hugging Face list (live: current
// counters, the list's membership replaced and the fetch recorded), an
// arXiv announcement day (arxiv: arXiv's upsert, the announcements of
// day with types), or an archive (neither); queue queues new papers for
// alert matching.
type saveOpts struct {
	live, queue, arxiv bool
	types              []string
	// feed, with arxiv, also records the papers as the items of that
	// feed's day (arxiv_feed_items) and the fetch (arxiv_feed_days).
	feed string
	// refresh saves papers refreshed one by one (follow-ups): current
	// counters as a live list, but no list membership and no list fetch.
	refresh bool
}

// save saves papers in one transaction. A paper whose row the database
// refuses (rowError) is left out and the transaction tried again without
// it; such refusals are rare (only a driver limit can cause one once the
// paper is clean), so the papers that are fine pay nothing for the check.
func (db *DB) save(ctx context.Context, papers []bot.Paper, day bot.Date, o saveOpts, now time.Time) (bot.SaveResult, error) {
	drop := map[int]string{} // position -> why the database refused it
	for {
		res, err := db.saveTx(ctx, papers, drop, day, o, now)
		var re *rowError
		if errors.As(err, &re) {
			if _, again := drop[re.index]; !again {
				drop[re.index] = "the database refused it: " + re.err.Error()
				continue
			}
		}
		if err != nil {
			return bot.SaveResult{}, err
		}
		for i, why := range drop {
			res.Skipped = append(res.Skipped, bot.Skip{Where: fmt.Sprintf("paper %d", i), ID: papers[i].ID, Reason: why})
		}
		slices.SortFunc(res.Skipped, func(a, b bot.Skip) int { return cmp.Compare(skipIndex(a), skipIndex(b)) })
		return res, nil
	}
}

// skipIndex is the position in a "paper N" Skip.Where.
func skipIndex(s bot.Skip) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(s.Where, "paper "))
	return n
}

// rowError is a statement about one paper that the database refused
// because of that paper's data, not because the database is unwell.
type rowError struct {
	index int
	err   error
}

func (e *rowError) Error() string { return e.err.Error() }

// rowErr wraps err as a rowError for paper index when the database refused
// the row for what it holds (a constraint, a value too big or of the wrong
// kind); any other error (I/O, disk full, read-only, locked) is returned
// as it is, and fails the whole save.
func rowErr(index int, id string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint, sqlite3.ErrTooBig, sqlite3.ErrMismatch, sqlite3.ErrRange:
			return &rowError{index: index, err: mapErr(err)}
		}
	}
	return fmt.Errorf("store: save paper %s: %w", id, mapErr(err))
}
