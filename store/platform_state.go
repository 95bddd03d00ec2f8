package store

import (
	"context"
	"fmt"

	"github.com/paperboy-bot/paperboy/bot"
)

// RecordPlatformState keeps what the daemon saw of a platform's
// connection. A state equal to the one recorded (connected and reason)
// keeps its first Since.
func (db *DB) RecordPlatformState(ctx context.Context, s bot.PlatformState) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO platform_state (platform, connected, reason, since) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform) DO UPDATE SET connected = excluded.connected, reason = excluded.reason, since = excluded.since
		WHERE connected <> excluded.connected OR reason <> excluded.reason`,
		s.Platform, s.Connected, s.Reason, fmtTime(s.Since))
	if err != nil {
		return fmt.Errorf("store: record platform state: %w", mapErr(err))
	}
	return nil
}

// PlatformStates returns the recorded state of each platform, by name.
func (db *DB) PlatformStates(ctx context.Context) (map[string]bot.PlatformState, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT platform, connected, reason, since FROM platform_state`)
	if err != nil {
		return nil, fmt.Errorf("store: platform states: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[string]bot.PlatformState{}
	for rows.Next() {
		var s bot.PlatformState
		var since string
		if err := rows.Scan(&s.Platform, &s.Connected, &s.Reason, &since); err != nil {
			return nil, fmt.Errorf("store: platform states: %w", mapErr(err))
		}
		s.Since = parseTime(since)
		out[s.Platform] = s
	}
	return out, mapErr(rows.Err())
}
