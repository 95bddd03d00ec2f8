package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// The refresh schedule of followed papers: which are due for Hugging
// Face's document (paper_refresh) and for arXiv's record (arxiv_checks,
// see arxiv_check.go), and what a refresh stores.

// DueRefreshes returns the papers whose refresh is due: see
// bot.FollowupStore.
func (db *DB) DueRefreshes(ctx context.Context, platforms []string, since, now time.Time, limit int) ([]string, error) {
	ids, err := db.duePapers(ctx, "paper_refresh", `p.list_date <> ''`, platforms, since, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due refreshes: %w", err)
	}
	return ids, nil
}

// duePapers returns the followed papers (followedItems) that also meet
// cond (on p, papers) whose row in schedule (paper_refresh or
// arxiv_checks: a table with paper_id and next_at) is missing or due at
// now, the most overdue first, each once.
func (db *DB) duePapers(ctx context.Context, schedule, cond string, platforms []string, since, now time.Time, limit int) ([]string, error) {
	args := append([]any{fmtTime(since)}, stringArgs(platforms)...)
	args = append(args, fmtTime(now), limit)
	rows, err := db.r.QueryContext(ctx, `SELECT d.paper_id, min(coalesce(r.next_at, '')) AS due
		FROM deliveries d
		JOIN followup_shown f ON f.item_id = d.id
		JOIN channels c ON c.platform = d.platform AND c.channel_id = d.target
		JOIN papers p ON p.id = d.paper_id
		LEFT JOIN `+schedule+` r ON r.paper_id = d.paper_id
		WHERE `+followedItems(len(platforms))+` AND `+cond+`
			AND (r.next_at IS NULL OR r.next_at <= ?)
		GROUP BY d.paper_id ORDER BY due, d.paper_id LIMIT ?`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, due string
		if err := rows.Scan(&id, &due); err != nil {
			return nil, mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}

// SaveRefreshed stores a refreshed paper and its links: see
// bot.FollowupStore.
func (db *DB) SaveRefreshed(ctx context.Context, p bot.Paper, l bot.Linked, next, now time.Time) error {
	id, ok := bot.NormalizeID(p.ID)
	if !ok {
		return fmt.Errorf("store: save refreshed paper: %q is not an arXiv id", shortID(p.ID))
	}
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM papers WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("store: save refreshed paper %s: %w", id, mapErr(err))
	}
	if n == 0 {
		return fmt.Errorf("store: save refreshed paper %s: %w", id, bot.ErrNotFound)
	}
	p.ID = id
	if p.FetchedAt.IsZero() {
		p.FetchedAt = now
	}
	res, err := db.save(ctx, []bot.Paper{p}, bot.Date{}, saveOpts{refresh: true}, now)
	if err != nil {
		return err
	}
	if len(res.Skipped) > 0 {
		return fmt.Errorf("store: save refreshed paper %s: %s", id, res.Skipped[0].Reason)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO paper_refresh (paper_id, refreshed_at, next_at, failures, error, models, datasets, spaces)
		VALUES (?, ?, ?, 0, '', ?, ?, ?)
		ON CONFLICT (paper_id) DO UPDATE SET refreshed_at = excluded.refreshed_at, next_at = excluded.next_at,
			failures = 0, error = '', models = excluded.models, datasets = excluded.datasets, spaces = excluded.spaces`,
		id, fmtTime(now), fmtTime(next), max(l.Models, 0), max(l.Datasets, 0), max(l.Spaces, 0)); err != nil {
		return fmt.Errorf("store: save refresh of %s: %w", id, mapErr(err))
	}
	return nil
}

// RefreshFailed records a failed refresh: see bot.FollowupStore.
func (db *DB) RefreshFailed(ctx context.Context, id, errText string, next, now time.Time) error {
	if _, err := db.w.ExecContext(ctx, `INSERT INTO paper_refresh (paper_id, refreshed_at, next_at, failures, error)
		SELECT id, ?, ?, 1, ? FROM papers WHERE id = ?
		ON CONFLICT (paper_id) DO UPDATE SET refreshed_at = excluded.refreshed_at, next_at = excluded.next_at,
			failures = failures + 1, error = excluded.error`,
		fmtTime(now), fmtTime(next), bot.Truncate(errText, 500), id); err != nil {
		return fmt.Errorf("store: record failed refresh of %s: %w", id, mapErr(err))
	}
	return nil
}
