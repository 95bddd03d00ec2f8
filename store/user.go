package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// GetUser returns a user, or bot.ErrNotFound.
func (db *DB) GetUser(ctx context.Context, u bot.UserRef) (bot.User, error) {
	usr := bot.User{Ref: u}
	var daily, zone string
	err := db.r.QueryRowContext(ctx, `SELECT dm_channel_id, paused_reason, notice, daily_time, daily_zone FROM users
		WHERE platform = ? AND team_id = ? AND user_id = ?`, u.Platform, u.TeamID, u.ID).
		Scan(&usr.DMChannelID, &usr.PausedReason, &usr.Notice, &daily, &zone)
	usr.Mode = alertMode(daily, zone)
	return usr, mapErr(err)
}

// alertMode reads a delivery mode as stored ("" is instant).
func alertMode(daily, zone string) bot.AlertMode {
	if daily == "" {
		return bot.AlertMode{}
	}
	t, err := bot.ParseTimeOfDay(daily)
	if err != nil {
		return bot.AlertMode{}
	}
	return bot.AlertMode{Daily: true, Time: t, Zone: zone}
}

// upsertUser creates the user row if needed and sets one column.
func (db *DB) upsertUser(ctx context.Context, u bot.UserRef, set string, now time.Time, args ...any) error {
	q := `INSERT INTO users (platform, team_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform, team_id, user_id) DO UPDATE SET updated_at = excluded.updated_at`
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, q, u.Platform, u.TeamID, u.ID, fmtTime(now), fmtTime(now)); err != nil {
		return mapErr(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET `+set+` WHERE platform = ? AND team_id = ? AND user_id = ?`,
		append(args, u.Platform, u.TeamID, u.ID)...); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// SetDMChannel caches the user's direct-message channel.
func (db *DB) SetDMChannel(ctx context.Context, u bot.UserRef, channelID string, now time.Time) error {
	if err := db.upsertUser(ctx, u, `dm_channel_id = ?`, now, channelID); err != nil {
		return fmt.Errorf("store: dm channel of %s: %w", u, err)
	}
	return nil
}

// PauseAlerts pauses the user's alerts and leaves a notice for them.
func (db *DB) PauseAlerts(ctx context.Context, u bot.UserRef, reason, notice string, now time.Time) error {
	if err := db.upsertUser(ctx, u, `paused_reason = ?, notice = ?`, now, reason, notice); err != nil {
		return fmt.Errorf("store: pause alerts of %s: %w", u, err)
	}
	return nil
}

// TakeNotice returns the user's pending notice and clears it.
//
// Every command calls it, and almost never is there a notice: that is
// looked up on the read pool, so a command takes the write lock only to
// clear a notice. Otherwise each command would queue for the writer, and
// /papers help, which Discord gets answered at once, would miss Discord's
// 3 seconds while another process (a backfill) holds the lock.
func (db *DB) TakeNotice(ctx context.Context, u bot.UserRef, now time.Time) (string, error) {
	var pending string
	err := db.r.QueryRowContext(ctx, `SELECT notice FROM users WHERE platform = ? AND team_id = ? AND user_id = ?`,
		u.Platform, u.TeamID, u.ID).Scan(&pending)
	if err != nil || pending == "" {
		if err = mapErr(err); err == bot.ErrNotFound {
			err = nil
		}
		return "", err
	}
	// Read again under the lock: of two commands at once, one shows it.
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", mapErr(err)
	}
	defer tx.Rollback()
	var notice string
	err = tx.QueryRowContext(ctx, `SELECT notice FROM users WHERE platform = ? AND team_id = ? AND user_id = ?`,
		u.Platform, u.TeamID, u.ID).Scan(&notice)
	if err != nil || notice == "" {
		if err = mapErr(err); err == bot.ErrNotFound {
			err = nil
		}
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET notice = '', updated_at = ? WHERE platform = ? AND team_id = ? AND user_id = ?`,
		fmtTime(now), u.Platform, u.TeamID, u.ID); err != nil {
		return "", mapErr(err)
	}
	return notice, mapErr(tx.Commit())
}
