package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// ToggleWatch watches a paper or stops watching it: see bot.WatchStore.
func (db *DB) ToggleWatch(ctx context.Context, u bot.UserRef, paperID string, max int, now time.Time) (bool, bot.Paper, error) {
	id, ok := bot.NormalizeID(paperID)
	if !ok {
		return false, bot.Paper{}, fmt.Errorf("store: watch: %q is not an arXiv id: %w", shortID(paperID), bot.ErrNotFound)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, bot.Paper{}, fmt.Errorf("store: watch: %w", mapErr(err))
	}
	defer tx.Rollback()
	p, err := scanPaper(tx.QueryRowContext(ctx, `SELECT `+paperColumns+` FROM papers p WHERE p.id = ?`, id))
	if err != nil {
		return false, p, fmt.Errorf("store: watch %s: %w", id, err)
	}
	removed, err := unwatch(ctx, tx, u, id)
	if err != nil {
		return false, p, err
	}
	if removed {
		return false, p, mapErr(tx.Commit())
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM watches WHERE platform = ? AND team_id = ? AND user_id = ?`,
		u.Platform, u.TeamID, u.ID).Scan(&n); err != nil {
		return false, p, fmt.Errorf("store: watch: %w", mapErr(err))
	}
	if n >= max {
		what := fmt.Sprintf("%d papers", n)
		if n == 1 {
			what = "1 paper"
		}
		return false, p, bot.Errorf(bot.EInvalid, "You watch %s, the most one person may. Stop watching one first: /papers watching lists them with a button each.", what)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (platform, team_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform, team_id, user_id) DO NOTHING`, u.Platform, u.TeamID, u.ID, fmtTime(now), fmtTime(now)); err != nil {
		return false, p, fmt.Errorf("store: watch: %w", mapErr(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO watches (platform, team_id, user_id, paper_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Platform, u.TeamID, u.ID, id, fmtTime(now)); err != nil {
		return false, p, fmt.Errorf("store: watch %s: %w", id, mapErr(err))
	}
	return true, p, mapErr(tx.Commit())
}

// unwatch deletes a watch and what it had queued and not yet put in a
// direct message.
func unwatch(ctx context.Context, tx *sql.Tx, u bot.UserRef, id string) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE platform = ? AND team_id = ? AND user_id = ? AND paper_id = ?`,
		u.Platform, u.TeamID, u.ID, id)
	if err != nil {
		return false, fmt.Errorf("store: unwatch %s: %w", id, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM watch_alerts WHERE platform = ? AND team_id = ? AND user_id = ? AND batch_id IS NULL
		AND followup_id IN (SELECT id FROM paper_followups WHERE paper_id = ?)`, u.Platform, u.TeamID, u.ID, id); err != nil {
		return false, fmt.Errorf("store: unwatch %s: %w", id, mapErr(err))
	}
	return true, nil
}

// Unwatch stops a watch: see bot.WatchStore.
func (db *DB) Unwatch(ctx context.Context, u bot.UserRef, paperID string) (bool, error) {
	id, ok := bot.NormalizeID(paperID)
	if !ok {
		return false, nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: unwatch: %w", mapErr(err))
	}
	defer tx.Rollback()
	removed, err := unwatch(ctx, tx, u, id)
	if err != nil {
		return false, err
	}
	return removed, mapErr(tx.Commit())
}

// Watches returns the user's watches: see bot.WatchStore.
func (db *DB) Watches(ctx context.Context, u bot.UserRef) ([]bot.Watch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT w.created_at,
			coalesce((SELECT max(d.sent_at) FROM deliveries d JOIN channels c ON c.platform = d.platform AND c.channel_id = d.target
				WHERE d.paper_id = w.paper_id AND d.kind = 'item' AND d.state = 'sent' AND c.on_update <> 'off'), ''), `+paperColumns+`
		FROM watches w JOIN papers p ON p.id = w.paper_id
		WHERE w.platform = ? AND w.team_id = ? AND w.user_id = ?
		ORDER BY w.created_at DESC, w.paper_id`, u.Platform, u.TeamID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: watches: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.Watch
	for rows.Next() {
		var created, posted string
		var pr paperRow
		if err := rows.Scan(append([]any{&created, &posted}, pr.dest()...)...); err != nil {
			return nil, fmt.Errorf("store: watches: %w", mapErr(err))
		}
		out = append(out, bot.Watch{Paper: pr.paper(), Created: parseTime(created), LastPosted: parseTime(posted)})
	}
	return out, mapErr(rows.Err())
}

// queueWatchers writes, in the transaction that recorded a paper's change
// (followupID), one watch alert per watcher whose alerts are not paused,
// and marks them as having alerts waiting.
func queueWatchers(ctx context.Context, tx *sql.Tx, paperID string, followupID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO watch_alerts (platform, team_id, user_id, followup_id, created_at)
		SELECT w.platform, w.team_id, w.user_id, ?, ? FROM watches w
		JOIN users u ON u.platform = w.platform AND u.team_id = w.team_id AND u.user_id = w.user_id
		WHERE w.paper_id = ? AND u.paused_reason = ''
		ON CONFLICT DO NOTHING`, followupID, fmtTime(now), paperID)
	if err != nil {
		return fmt.Errorf("store: tell the watchers of %s: %w", paperID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_pending (platform, team_id, user_id)
		SELECT platform, team_id, user_id FROM watch_alerts WHERE followup_id = ? AND batch_id IS NULL
		ON CONFLICT DO NOTHING`, followupID); err != nil {
		return fmt.Errorf("store: tell the watchers of %s: %w", paperID, mapErr(err))
	}
	return nil
}

// batchWatched puts the user's waiting watch alerts (created at or before
// cutoff, zero: all) into batch id, in the order the changes were
// detected, and returns how many it put.
func batchWatched(ctx context.Context, tx *sql.Tx, u bot.UserRef, id int64, cutoff time.Time) (int, error) {
	q := `UPDATE watch_alerts SET batch_id = ?, rank = followup_id
		WHERE platform = ? AND team_id = ? AND user_id = ? AND batch_id IS NULL`
	args := []any{id, u.Platform, u.TeamID, u.ID}
	if !cutoff.IsZero() {
		q += ` AND created_at <= ?`
		args = append(args, fmtTime(cutoff))
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: batch watched papers: %w", mapErr(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// waitingWatched counts the user's watch alerts not in a batch, created
// at or before cutoff (zero: all); total counts them whatever their time.
func waitingWatched(ctx context.Context, tx *sql.Tx, u bot.UserRef, cutoff time.Time) (due, total int, err error) {
	c := ""
	if !cutoff.IsZero() {
		c = fmtTime(cutoff)
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE ?4 = '' OR created_at <= ?4), count(*) FROM watch_alerts
		WHERE platform = ?1 AND team_id = ?2 AND user_id = ?3 AND batch_id IS NULL`, u.Platform, u.TeamID, u.ID, c).Scan(&due, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("store: waiting watched papers: %w", mapErr(err))
	}
	return due, total, nil
}

// watchedItems returns the follow-ups of watched papers in a batch.
func watchedItems(ctx context.Context, tx *sql.Tx, id int64) ([]bot.WatchedChange, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.kind, f.value, f.detail, f.detected_at, `+paperColumns+`
		FROM watch_alerts a JOIN paper_followups f ON f.id = a.followup_id JOIN papers p ON p.id = f.paper_id
		WHERE a.batch_id = ? ORDER BY a.rank`, id)
	if err != nil {
		return nil, fmt.Errorf("store: batch watched papers: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.WatchedChange
	for rows.Next() {
		var w bot.WatchedChange
		var detected string
		var pr paperRow
		if err := rows.Scan(append([]any{&w.Change.Kind, &w.Change.Value, &w.Change.Detail, &detected}, pr.dest()...)...); err != nil {
			return nil, fmt.Errorf("store: batch watched papers: %w", mapErr(err))
		}
		w.Paper, w.Detected = pr.paper(), parseTime(detected)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, mapErr(err)
	}
	return out, nil
}
