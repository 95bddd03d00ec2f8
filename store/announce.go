package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// The arXiv feeds channels follow (migration 0012): each fetch of a feed's
// announcement day, and its items typed as that feed announced them.

// SaveAnnouncement saves one fetch of feed's announcement day (see
// bot.AnnouncementStore): SaveAnnounced's upsert and announcement day,
// plus the feed's items and the fetch, in one transaction. An empty
// announcement records a day arXiv announced nothing.
func (db *DB) SaveAnnouncement(ctx context.Context, feed string, a bot.Announcement, queue bool, now time.Time) (bot.SaveResult, error) {
	if feed == "" || a.Day.IsZero() {
		return bot.SaveResult{}, errors.New("store: save announcement: no feed or no day")
	}
	res, err := db.saveAnnounced(ctx, feed, a.Day, a.Items, queue, now)
	return res.SaveResult, err
}

// Announcement returns feed's items of day in feed order with their
// papers, and whether the day was fetched.
func (db *DB) Announcement(ctx context.Context, feed string, day bot.Date) ([]bot.Announced, bool, error) {
	var items int
	err := db.r.QueryRowContext(ctx, `SELECT items FROM arxiv_feed_days WHERE feed = ? AND day = ?`, feed, day.String()).Scan(&items)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: announcement %s of %s: %w", feed, day, mapErr(err))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT a.announce_type, `+paperColumns+`
		FROM arxiv_feed_items a JOIN papers p ON p.id = a.paper_id
		WHERE a.feed = ? AND a.day = ? ORDER BY a.position`, feed, day.String())
	if err != nil {
		return nil, true, fmt.Errorf("store: announcement %s of %s: %w", feed, day, mapErr(err))
	}
	defer rows.Close()
	out := make([]bot.Announced, 0, items)
	for rows.Next() {
		var a bot.Announced
		var pr paperRow
		if err := rows.Scan(append([]any{&a.Type}, pr.dest()...)...); err != nil {
			return nil, true, fmt.Errorf("store: announcement %s of %s: %w", feed, day, mapErr(err))
		}
		a.Paper = pr.paper()
		out = append(out, a)
	}
	return out, true, mapErr(rows.Err())
}

// LastAnnouncement returns the newest day fetched for feed, or the zero
// date.
func (db *DB) LastAnnouncement(ctx context.Context, feed string) (bot.Date, error) {
	var s sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT max(day) FROM arxiv_feed_days WHERE feed = ?`, feed).Scan(&s); err != nil {
		return bot.Date{}, fmt.Errorf("store: last announcement of %s: %w", feed, mapErr(err))
	}
	return parseDate(s.String), nil
}

// FeedFetch is the newest fetch of one arXiv feed.
type FeedFetch struct {
	Feed      string
	Day       bot.Date
	Items     int
	FetchedAt time.Time
}

// LastFeedFetches returns the newest fetched day of every arXiv feed, by
// feed name.
func (db *DB) LastFeedFetches(ctx context.Context) ([]FeedFetch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT feed, day, items, fetched_at FROM arxiv_feed_days d
		WHERE day = (SELECT max(day) FROM arxiv_feed_days e WHERE e.feed = d.feed) ORDER BY feed`)
	if err != nil {
		return nil, fmt.Errorf("store: feed fetches: %w", mapErr(err))
	}
	defer rows.Close()
	var out []FeedFetch
	for rows.Next() {
		var f FeedFetch
		var day, at string
		if err := rows.Scan(&f.Feed, &day, &f.Items, &at); err != nil {
			return nil, fmt.Errorf("store: feed fetches: %w", mapErr(err))
		}
		f.Day, f.FetchedAt = parseDate(day), parseTime(at)
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}
