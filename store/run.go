package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// RecordRun appends a run of a channel's digest.
func (db *DB) RecordRun(ctx context.Context, r bot.Run) error {
	if _, err := db.w.ExecContext(ctx, `INSERT INTO runs (platform, channel_id, slot_at, ran_at, list_date, outcome, reason, papers, retry_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Channel.Platform, r.Channel.ID, nullTime(r.Slot), fmtTime(r.At),
		r.ListDate.String(), string(r.Outcome), r.Reason, r.Papers, nullTime(r.RetryAt)); err != nil {
		return fmt.Errorf("store: record run: %w", mapErr(err))
	}
	return nil
}

const runColumns = `platform, channel_id, slot_at, ran_at, list_date, outcome, reason, papers, retry_at`

func scanRun(sc interface{ Scan(...any) error }) (bot.Run, error) {
	var r bot.Run
	var slot, retry sql.NullString
	var at, day, outcome string
	if err := sc.Scan(&r.Channel.Platform, &r.Channel.ID, &slot, &at, &day, &outcome, &r.Reason, &r.Papers, &retry); err != nil {
		return r, mapErr(err)
	}
	r.Slot, r.At, r.RetryAt = parseNullTime(slot), parseTime(at), parseNullTime(retry)
	r.ListDate, r.Outcome = parseDate(day), bot.Outcome(outcome)
	return r, nil
}

// LastRun returns the channel's newest run, or bot.ErrNotFound.
func (db *DB) LastRun(ctx context.Context, ch bot.ChannelRef) (bot.Run, error) {
	return scanRun(db.r.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE platform = ? AND channel_id = ? ORDER BY id DESC LIMIT 1`, ch.Platform, ch.ID))
}

// LastPosted returns the channel's newest run that posted, or
// bot.ErrNotFound.
func (db *DB) LastPosted(ctx context.Context, ch bot.ChannelRef) (bot.Run, error) {
	return scanRun(db.r.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE platform = ? AND channel_id = ? AND outcome = 'posted' ORDER BY id DESC LIMIT 1`, ch.Platform, ch.ID))
}

// LastSlot returns the newest scheduled slot of the channel whose run was
// final, or the zero time.
func (db *DB) LastSlot(ctx context.Context, ch bot.ChannelRef) (time.Time, error) {
	var s sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT max(slot_at) FROM runs
		WHERE platform = ? AND channel_id = ? AND slot_at IS NOT NULL AND outcome <> 'waiting'`, ch.Platform, ch.ID).Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("store: last slot: %w", mapErr(err))
	}
	return parseNullTime(s), nil
}
