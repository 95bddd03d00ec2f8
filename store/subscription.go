package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// AddSubscription stores a new topic of a user (creating the user), unless
// the user has max topics already.
func (db *DB) AddSubscription(ctx context.Context, s bot.Subscription, max int, now time.Time) (bot.Subscription, error) {
	u := s.User
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return s, fmt.Errorf("store: subscribe: %w", mapErr(err))
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM subscriptions WHERE platform = ? AND team_id = ? AND user_id = ?`,
		u.Platform, u.TeamID, u.ID).Scan(&n); err != nil {
		return s, fmt.Errorf("store: subscribe: %w", mapErr(err))
	}
	if n >= max {
		return s, bot.Errorf(bot.EInvalid, "You have %d topics, the most one person may have. Remove one with /papers unsubscribe <id> first (/papers subscriptions lists them).", n)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (platform, team_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform, team_id, user_id) DO NOTHING`, u.Platform, u.TeamID, u.ID, fmtTime(now), fmtTime(now)); err != nil {
		return s, fmt.Errorf("store: subscribe: %w", mapErr(err))
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (platform, team_id, user_id, query, label, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.Platform, u.TeamID, u.ID, s.Query, s.Label, fmtTime(now))
	if err != nil {
		return s, fmt.Errorf("store: subscribe: %w", mapErr(err))
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return s, fmt.Errorf("store: subscribe: %w", err)
	}
	s.Created = now
	return s, mapErr(tx.Commit())
}

const subscriptionColumns = `s.id, s.platform, s.team_id, s.user_id, s.query, s.label, s.paused, s.paused_reason, s.created_at`

func scanSubscriptions(rows *sql.Rows) ([]bot.Subscription, error) {
	defer rows.Close()
	var out []bot.Subscription
	for rows.Next() {
		var s bot.Subscription
		var created string
		if err := rows.Scan(&s.ID, &s.User.Platform, &s.User.TeamID, &s.User.ID, &s.Query, &s.Label, &s.Paused,
			&s.PausedReason, &created); err != nil {
			return nil, mapErr(err)
		}
		s.Created = parseTime(created)
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// Subscriptions returns the user's topics, oldest first.
func (db *DB) Subscriptions(ctx context.Context, u bot.UserRef) ([]bot.Subscription, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions s
		WHERE s.platform = ? AND s.team_id = ? AND s.user_id = ? ORDER BY s.id`, u.Platform, u.TeamID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", mapErr(err))
	}
	return scanSubscriptions(rows)
}

// ActiveSubscriptions returns the topics that are not paused, of users
// whose alerts are not paused.
func (db *DB) ActiveSubscriptions(ctx context.Context) ([]bot.Subscription, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions s
		LEFT JOIN users u ON u.platform = s.platform AND u.team_id = s.team_id AND u.user_id = s.user_id
		WHERE s.paused = 0 AND coalesce(u.paused_reason, '') = '' ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("store: active subscriptions: %w", mapErr(err))
	}
	return scanSubscriptions(rows)
}

// DeleteSubscriptions removes one topic of the user, or all (id 0).
func (db *DB) DeleteSubscriptions(ctx context.Context, u bot.UserRef, id int64) (int, error) {
	q := `DELETE FROM subscriptions WHERE platform = ? AND team_id = ? AND user_id = ?`
	args := []any{u.Platform, u.TeamID, u.ID}
	if id > 0 {
		q += ` AND id = ?`
		args = append(args, id)
	}
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: unsubscribe: %w", mapErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// SetAlertMode sets how the user's alerts arrive.
func (db *DB) SetAlertMode(ctx context.Context, u bot.UserRef, m bot.AlertMode, now time.Time) error {
	daily, zone := "", ""
	if m.Daily {
		daily, zone = m.Time.String(), m.Zone
	}
	if err := db.upsertUser(ctx, u, `daily_time = ?, daily_zone = ?`, now, daily, zone); err != nil {
		return fmt.Errorf("store: alert mode of %s: %w", u, err)
	}
	return nil
}

// ForgetUser deletes every row about the user, in one transaction.
func (db *DB) ForgetUser(ctx context.Context, u bot.UserRef) (bot.ForgetResult, error) {
	var res bot.ForgetResult
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("store: forget: %w", mapErr(err))
	}
	defer tx.Rollback()
	for _, d := range []struct {
		table string
		n     *int
	}{{"alerts", &res.Alerts}, {"watch_alerts", new(int)}, {"alert_batches", &res.Batches}, {"alert_pending", new(int)},
		{"subscriptions", &res.Subscriptions}, {"watches", &res.Watches}, {"users", &res.Users}} {
		r, err := tx.ExecContext(ctx, `DELETE FROM `+d.table+` WHERE platform = ? AND team_id = ? AND user_id = ?`,
			u.Platform, u.TeamID, u.ID)
		if err != nil {
			return res, fmt.Errorf("store: forget %s: %w", d.table, mapErr(err))
		}
		n, _ := r.RowsAffected()
		*d.n = int(n)
	}
	return res, mapErr(tx.Commit())
}
