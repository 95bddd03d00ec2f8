package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// QueuedPapers returns the papers waiting to be matched against the
// subscriptions.
func (db *DB) QueuedPapers(ctx context.Context) ([]bot.Paper, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+paperColumns+` FROM alert_queue q JOIN papers p ON p.id = q.paper_id ORDER BY p.pk`)
	if err != nil {
		return nil, fmt.Errorf("store: queued papers: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.Paper
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			return nil, fmt.Errorf("store: queued papers: %w", err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// alertsPerInsert is how many alerts one INSERT statement writes.
// Alerts are for known users (a row in users, which subscribing creates).
const alertsPerInsert = 200

// SaveAlerts writes the alerts in one transaction with a prepared
// statement of alertsPerInsert rows, in key order (appends to the table's
// B-tree); a (user, paper) the table has already is left alone. done
// leaves the matching queue in the same transaction.
func (db *DB) SaveAlerts(ctx context.Context, alerts []bot.Alert, done []string, now time.Time) (int, error) {
	slices.SortFunc(alerts, func(a, b bot.Alert) int {
		if c := strings.Compare(a.User.Platform, b.User.Platform); c != 0 {
			return c
		}
		if c := strings.Compare(a.User.TeamID, b.User.TeamID); c != 0 {
			return c
		}
		if c := strings.Compare(a.User.ID, b.User.ID); c != 0 {
			return c
		}
		return strings.Compare(a.PaperID, b.PaperID)
	})
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
	}
	defer tx.Rollback()
	// Many rows per statement: the cost of a row is then SQLite's, not
	// the driver's round trip.
	insert := func(rows int) string {
		return `INSERT INTO alerts (platform, team_id, user_id, paper_id, topics, created_at) VALUES (?, ?, ?, ?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?, ?, ?, ?)`, rows-1) + ` ON CONFLICT DO NOTHING`
	}
	var full *sql.Stmt
	if len(alerts) >= alertsPerInsert {
		if full, err = tx.PrepareContext(ctx, insert(alertsPerInsert)); err != nil {
			return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
		}
		defer full.Close()
	}
	nowS := any(fmtTime(now))
	added := 0
	args := make([]any, 0, 6*alertsPerInsert)
	// Values boxed once per user and per paper, not once per row: a poll
	// can write hundreds of thousands of rows.
	var plat, team, user any
	var last bot.UserRef
	papers := map[string]any{}
	var buf []byte
	for start := 0; start < len(alerts); start += alertsPerInsert {
		chunk := alerts[start:min(start+alertsPerInsert, len(alerts))]
		args = args[:0]
		for i := range chunk {
			a := &chunk[i]
			if plat == nil || a.User != last {
				last, plat, team, user = a.User, a.User.Platform, a.User.TeamID, a.User.ID
			}
			pid, ok := papers[a.PaperID]
			if !ok {
				pid = a.PaperID
				papers[a.PaperID] = pid
			}
			buf = buf[:0]
			for i, id := range a.Topics {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendInt(buf, id, 10)
			}
			args = append(args, plat, team, user, pid, string(buf), nowS)
		}
		var res sql.Result
		if len(chunk) == alertsPerInsert {
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, insert(len(chunk)), args...)
		}
		if err != nil {
			return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	// Mark each user (alerts are sorted by user) as having alerts waiting.
	// A user who ran forget-me while these alerts were being matched has
	// no row in users any more: their alerts are deleted again here, in
	// the same transaction, so nothing of them is left.
	mark, err := tx.PrepareContext(ctx, `INSERT INTO alert_pending (platform, team_id, user_id)
		SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM users WHERE platform = ?1 AND team_id = ?2 AND user_id = ?3)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
	}
	defer mark.Close()
	for i, a := range alerts {
		if i > 0 && alerts[i-1].User == a.User {
			continue
		}
		res, err := mark.ExecContext(ctx, a.User.Platform, a.User.TeamID, a.User.ID)
		if err != nil {
			return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
		}
		if n, _ := res.RowsAffected(); n > 0 {
			continue
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM alerts WHERE platform = ?1 AND team_id = ?2 AND user_id = ?3
			AND NOT EXISTS (SELECT 1 FROM users WHERE platform = ?1 AND team_id = ?2 AND user_id = ?3)`,
			a.User.Platform, a.User.TeamID, a.User.ID)
		if err != nil {
			return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
		}
		n, _ := res.RowsAffected()
		added -= int(n)
	}
	if len(done) > 0 {
		del, err := tx.PrepareContext(ctx, `DELETE FROM alert_queue WHERE paper_id = ?`)
		if err != nil {
			return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
		}
		defer del.Close()
		for _, id := range done {
			if _, err := del.ExecContext(ctx, id); err != nil {
				return 0, fmt.Errorf("store: unqueue %s: %w", id, mapErr(err))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: save alerts: %w", mapErr(err))
	}
	return added, nil
}

// AlertUsers returns the users who have alerts not yet sent.
func (db *DB) AlertUsers(ctx context.Context) ([]bot.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT u.platform, u.team_id, u.user_id, u.dm_channel_id, u.paused_reason, u.notice,
			u.daily_time, u.daily_zone
		FROM users u
		WHERE EXISTS (SELECT 1 FROM alert_pending a WHERE a.platform = u.platform AND a.team_id = u.team_id AND a.user_id = u.user_id)
			OR EXISTS (SELECT 1 FROM alert_batches b WHERE b.platform = u.platform AND b.team_id = u.team_id AND b.user_id = u.user_id
				AND b.state <> 'sent')
		ORDER BY u.platform, u.team_id, u.user_id`)
	if err != nil {
		return nil, fmt.Errorf("store: alert users: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.User
	for rows.Next() {
		var u bot.User
		var daily, zone string
		if err := rows.Scan(&u.Ref.Platform, &u.Ref.TeamID, &u.Ref.ID, &u.DMChannelID, &u.PausedReason, &u.Notice, &daily, &zone); err != nil {
			return nil, mapErr(err)
		}
		u.Mode = alertMode(daily, zone)
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// TakeBatch claims the user's open batch, or makes and claims a new one of
// the alerts created at or before cutoff (zero: all), most upvoted first.
// An open batch whose retry time has not come returns nil.
func (db *DB) TakeBatch(ctx context.Context, u bot.UserRef, cutoff, now time.Time) (*bot.AlertBatch, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: take batch: %w", mapErr(err))
	}
	defer tx.Rollback()
	b := &bot.AlertBatch{User: u}
	var state, retry string
	err = tx.QueryRowContext(ctx, `SELECT id, state, parts_sent, attempts, retry_at FROM alert_batches
		WHERE platform = ? AND team_id = ? AND user_id = ? AND state <> 'sent'`, u.Platform, u.TeamID, u.ID).
		Scan(&b.ID, &state, &b.PartsSent, &b.Attempts, &retry)
	switch {
	case err == nil:
		if retry != "" && retry > fmtTime(now) {
			return nil, nil
		}
		b.Prev = bot.DeliveryState(state)
	case err == sql.ErrNoRows:
		b.Prev = bot.StatePlanned
		if b.ID, err = newBatch(ctx, tx, u, cutoff, now); err != nil || b.ID == 0 {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("store: take batch: %w", mapErr(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE alert_batches SET state = 'sending', attempts = attempts + 1 WHERE id = ?`, b.ID); err != nil {
		return nil, fmt.Errorf("store: claim batch: %w", mapErr(err))
	}
	b.Attempts++
	if b.Items, err = batchItems(ctx, tx, b.ID); err != nil {
		return nil, err
	}
	if b.Watched, err = watchedItems(ctx, tx, b.ID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions s
		WHERE s.platform = ? AND s.team_id = ? AND s.user_id = ?`, u.Platform, u.TeamID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: take batch: %w", mapErr(err))
	}
	subs, err := scanSubscriptions(rows)
	if err != nil {
		return nil, fmt.Errorf("store: take batch: %w", err)
	}
	b.Topics = map[int64]bot.Subscription{}
	for _, s := range subs {
		b.Topics[s.ID] = s
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: take batch: %w", mapErr(err))
	}
	return b, nil
}

// newBatch makes a batch of the user's pending alerts and returns its id
// (0 when there are none).
func newBatch(ctx context.Context, tx *sql.Tx, u bot.UserRef, cutoff, now time.Time) (int64, error) {
	q := `SELECT a.paper_id FROM alerts a JOIN papers p ON p.id = a.paper_id
		WHERE a.platform = ? AND a.team_id = ? AND a.user_id = ? AND a.batch_id IS NULL`
	args := []any{u.Platform, u.TeamID, u.ID}
	if !cutoff.IsZero() {
		q += ` AND a.created_at <= ?`
		args = append(args, fmtTime(cutoff))
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY p.upvotes DESC, p.comments DESC, p.id`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: new batch: %w", mapErr(err))
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, mapErr(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapErr(err)
	}
	// Clear the user's pending mark when no alert is left waiting after
	// this batch (the daily cutoff may leave some for the next one).
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts WHERE platform = ? AND team_id = ? AND user_id = ?
		AND batch_id IS NULL`, u.Platform, u.TeamID, u.ID).Scan(&left); err != nil {
		return 0, mapErr(err)
	}
	watchedDue, watchedLeft, err := waitingWatched(ctx, tx, u, cutoff)
	if err != nil {
		return 0, err
	}
	if left == len(ids) && watchedLeft == watchedDue {
		if _, err := tx.ExecContext(ctx, `DELETE FROM alert_pending WHERE platform = ? AND team_id = ? AND user_id = ?`,
			u.Platform, u.TeamID, u.ID); err != nil {
			return 0, mapErr(err)
		}
	}
	if len(ids) == 0 && watchedDue == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO alert_batches (platform, team_id, user_id, state, created_at)
		VALUES (?, ?, ?, 'planned', ?)`, u.Platform, u.TeamID, u.ID, fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: new batch: %w", mapErr(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for rank, pid := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET batch_id = ?, rank = ?
			WHERE platform = ? AND team_id = ? AND user_id = ? AND paper_id = ?`, id, rank+1, u.Platform, u.TeamID, u.ID, pid); err != nil {
			return 0, fmt.Errorf("store: new batch: %w", mapErr(err))
		}
	}
	if _, err := batchWatched(ctx, tx, u, id, cutoff); err != nil {
		return 0, err
	}
	return id, nil
}

func batchItems(ctx context.Context, tx *sql.Tx, id int64) ([]bot.AlertItem, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.topics, `+paperColumns+` FROM alerts a JOIN papers p ON p.id = a.paper_id
		WHERE a.batch_id = ? ORDER BY a.rank`, id)
	if err != nil {
		return nil, fmt.Errorf("store: batch items: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.AlertItem
	for rows.Next() {
		var topics string
		var pr paperRow
		if err := rows.Scan(append([]any{&topics}, pr.dest()...)...); err != nil {
			return nil, fmt.Errorf("store: batch items: %w", mapErr(err))
		}
		it := bot.AlertItem{Paper: pr.paper()}
		for _, s := range strings.Split(topics, ",") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				it.Topics = append(it.Topics, n)
			}
		}
		out = append(out, it)
	}
	return out, mapErr(rows.Err())
}

// ConfirmPart records that a part of the batch was sent; last marks the
// batch sent.
func (db *DB) ConfirmPart(ctx context.Context, batchID int64, part int, s bot.Sent, last bool, now time.Time) error {
	state := "sending"
	var sentAt any
	if last {
		state, sentAt = "sent", fmtTime(now)
	}
	res, err := db.w.ExecContext(ctx, `UPDATE alert_batches SET parts_sent = ?, message_id = ?, channel_id = ?, error = '',
		retry_at = '', state = ?, sent_at = ? WHERE id = ?`, part+1, s.MessageID, s.ThreadID, state, sentAt, batchID)
	if err != nil {
		return fmt.Errorf("store: confirm batch %d: %w", batchID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: confirm batch %d: %w", batchID, bot.ErrNotFound)
	}
	return nil
}

// FailBatch records the error of an attempt and when to try again.
func (db *DB) FailBatch(ctx context.Context, batchID int64, errText string, retryAt, now time.Time) error {
	if len(errText) > 500 {
		errText = bot.Truncate(errText, 500)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE alert_batches SET error = ?, retry_at = ? WHERE id = ? AND state <> 'sent'`,
		errText, fmtTime(retryAt), batchID); err != nil {
		return fmt.Errorf("store: batch %d failed: %w", batchID, mapErr(err))
	}
	return nil
}
