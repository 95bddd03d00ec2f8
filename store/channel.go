package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

const channelColumns = `platform, channel_id, name, time_of_day, zone, weekdays, max_papers, min_upvotes,
	filter, origins, from_config, stopped, created_at, updated_at, sources, cross_lists, rank, on_update`

func scanChannel(sc interface{ Scan(...any) error }) (bot.Channel, error) {
	var c bot.Channel
	var origins, created, updated, sources string
	var tod, weekdays int
	err := sc.Scan(&c.Platform, &c.ID, &c.Name, &tod, &c.Settings.Zone, &weekdays, &c.Settings.MaxPapers,
		&c.Settings.MinUpvotes, &c.Settings.Filter, &origins, &c.FromConfig, &c.Stopped, &created, &updated,
		&sources, &c.Settings.CrossLists, &c.Settings.Rank, &c.Settings.OnUpdate)
	if err != nil {
		return c, mapErr(err)
	}
	if sources != "" {
		// Validated when saved; a hand-edited value that does not parse
		// leaves the default.
		c.Settings.Sources, _ = bot.ParseSources([]string{sources}, func(s string) (string, error) { return s, nil })
	}
	c.Settings.OnUpdate = onUpdateSetting(c.Settings.OnUpdate)
	c.Settings.Time = bot.TimeOfDay(tod)
	c.Settings.Weekdays = bot.Weekdays(weekdays)
	c.Created, c.Updated = parseTime(created), parseTime(updated)
	if err := json.Unmarshal([]byte(origins), &c.Origins); err != nil {
		c.Origins = nil
	}
	return c, nil
}

// Channels returns every channel, ordered by platform and id.
func (db *DB) Channels(ctx context.Context) ([]bot.Channel, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+channelColumns+` FROM channels ORDER BY platform, channel_id`)
	if err != nil {
		return nil, fmt.Errorf("store: channels: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// GetChannel returns one channel, or bot.ErrNotFound.
func (db *DB) GetChannel(ctx context.Context, ref bot.ChannelRef) (bot.Channel, error) {
	return scanChannel(db.r.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM channels
		WHERE platform = ? AND channel_id = ?`, ref.Platform, ref.ID))
}

// SaveChannel creates or replaces a channel's settings and origins. The
// creation time and any stop reason are kept.
func (db *DB) SaveChannel(ctx context.Context, c bot.Channel, now time.Time) error {
	if err := c.Settings.Validate(); err != nil {
		return err
	}
	origins, err := json.Marshal(c.Origins)
	if err != nil {
		return fmt.Errorf("store: save channel %s: %w", c.ChannelRef, err)
	}
	created := c.Created
	if created.IsZero() {
		created = now
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO channels (`+channelColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, channel_id) DO UPDATE SET name = excluded.name, time_of_day = excluded.time_of_day,
			zone = excluded.zone, weekdays = excluded.weekdays, max_papers = excluded.max_papers,
			min_upvotes = excluded.min_upvotes, filter = excluded.filter, origins = excluded.origins,
			from_config = excluded.from_config, updated_at = excluded.updated_at, sources = excluded.sources,
			cross_lists = excluded.cross_lists, rank = excluded.rank, on_update = excluded.on_update`,
		c.Platform, c.ID, c.Name, int(c.Settings.Time), c.Settings.Zone, int(c.Settings.Weekdays),
		c.Settings.MaxPapers, c.Settings.MinUpvotes, c.Settings.Filter, string(origins), c.FromConfig,
		fmtTime(created), fmtTime(now), strings.Join(c.Settings.Sources.Specs(), " "), c.Settings.CrossLists, c.Settings.Rank, onUpdateColumn(c.Settings.OnUpdate))
	if err != nil {
		return fmt.Errorf("store: save channel %s: %w", c.ChannelRef, mapErr(err))
	}
	return nil
}

// DeleteChannel removes a channel's settings. Its delivery log stays, so
// papers posted there are never posted there again.
func (db *DB) DeleteChannel(ctx context.Context, ref bot.ChannelRef) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM channels WHERE platform = ? AND channel_id = ?`,
		ref.Platform, ref.ID); err != nil {
		return fmt.Errorf("store: delete channel %s: %w", ref, mapErr(err))
	}
	return nil
}

// StopChannel records why posting to the channel stopped; an empty reason
// resumes it.
func (db *DB) StopChannel(ctx context.Context, ref bot.ChannelRef, reason string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE channels SET stopped = ?, updated_at = ? WHERE platform = ? AND channel_id = ?`,
		reason, fmtTime(now), ref.Platform, ref.ID)
	if err != nil {
		return fmt.Errorf("store: stop channel %s: %w", ref, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return bot.ErrNotFound
	}
	return nil
}
