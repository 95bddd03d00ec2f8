package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Backfill bookkeeping (migration 0011): the slices of a backfill that are
// finished, so that a stopped run resumes without fetching them again.
// key names what was fetched (the source and its categories); day is the
// slice.

// BackfillDone reports whether the slice day of key is finished, and how
// many papers it had then.
func (db *DB) BackfillDone(ctx context.Context, key string, day bot.Date) (papers int, done bool, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT papers FROM backfill_slices WHERE source = ? AND day = ?`, key, day.String()).Scan(&papers)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: backfill slice %s %s: %w", key, day, mapErr(err))
	}
	return papers, true, nil
}

// MarkBackfilled records the slice day of key as finished with papers
// papers at now. Call it only once the slice's papers are saved: a crash
// before it repeats the slice, which saving again makes no worse. Marking
// a slice again replaces the record.
func (db *DB) MarkBackfilled(ctx context.Context, key string, day bot.Date, papers int, now time.Time) error {
	if key == "" || day.IsZero() {
		return fmt.Errorf("store: mark backfilled: empty key or day")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO backfill_slices (source, day, papers, finished_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (source, day) DO UPDATE SET papers = excluded.papers, finished_at = excluded.finished_at`,
		key, day.String(), papers, fmtTime(now))
	if err != nil {
		return fmt.Errorf("store: mark backfilled %s %s: %w", key, day, mapErr(err))
	}
	return nil
}
