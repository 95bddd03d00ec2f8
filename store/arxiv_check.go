package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// DueArxivChecks returns the papers whose arXiv look-up is due: see
// bot.ArxivCheckStore.
func (db *DB) DueArxivChecks(ctx context.Context, platforms []string, since, now time.Time, limit int) ([]string, error) {
	args := append([]any{fmtTime(since)}, stringArgs(platforms)...)
	args = append(args, fmtTime(now), limit)
	rows, err := db.r.QueryContext(ctx, `SELECT d.paper_id, min(coalesce(a.next_at, '')) AS due
		FROM deliveries d
		JOIN followup_shown f ON f.item_id = d.id
		JOIN channels c ON c.platform = d.platform AND c.channel_id = d.target
		LEFT JOIN arxiv_checks a ON a.paper_id = d.paper_id
		WHERE `+followedItems(len(platforms))+`
			AND (a.next_at IS NULL OR a.next_at <= ?)
		GROUP BY d.paper_id ORDER BY due, d.paper_id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: due arXiv look-ups: %w", mapErr(err))
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

// SaveArxivChecked stores arXiv's records of the papers asked: see
// bot.ArxivCheckStore. Only papers asked are saved (a record of another
// paper is ignored), with arXiv's upsert: its fields filled in or
// replaced, Hugging Face's counters, code and summary kept.
func (db *DB) SaveArxivChecked(ctx context.Context, asked []string, got []bot.Paper, next, now time.Time) error {
	want := map[string]bool{}
	for _, id := range asked {
		want[id] = true
	}
	var papers []bot.Paper
	found := map[string]bool{}
	for _, p := range got {
		id, ok := bot.NormalizeID(p.ID)
		if !ok || !want[id] || found[id] {
			continue
		}
		p.ID, p.ListDate, p.AnnouncedOn = id, bot.Date{}, bot.Date{}
		if p.FetchedAt.IsZero() {
			p.FetchedAt = now
		}
		found[id] = true
		papers = append(papers, p)
	}
	if len(papers) > 0 {
		if _, err := db.save(ctx, papers, bot.Date{}, saveOpts{arxiv: true}, now); err != nil {
			return err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save arXiv look-ups: %w", mapErr(err))
	}
	defer tx.Rollback()
	for _, id := range asked {
		errText := ""
		if !found[id] {
			errText = "arXiv has no record of it"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO arxiv_checks (paper_id, checked_at, next_at, failures, error)
			SELECT id, ?, ?, 0, ? FROM papers WHERE id = ?
			ON CONFLICT (paper_id) DO UPDATE SET checked_at = excluded.checked_at, next_at = excluded.next_at,
				failures = 0, error = excluded.error`, fmtTime(now), fmtTime(next), errText, id); err != nil {
			return fmt.Errorf("store: save arXiv look-up of %s: %w", id, mapErr(err))
		}
	}
	return mapErr(tx.Commit())
}

// ArxivCheckFailed records a failed look-up: see bot.ArxivCheckStore.
func (db *DB) ArxivCheckFailed(ctx context.Context, ids []string, errText string, next, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: record failed arXiv look-ups: %w", mapErr(err))
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO arxiv_checks (paper_id, checked_at, next_at, failures, error)
			SELECT id, ?, ?, 1, ? FROM papers WHERE id = ?
			ON CONFLICT (paper_id) DO UPDATE SET checked_at = excluded.checked_at, next_at = excluded.next_at,
				failures = failures + 1, error = excluded.error`, fmtTime(now), fmtTime(next), bot.Truncate(errText, 500), id); err != nil {
			return fmt.Errorf("store: record failed arXiv look-up of %s: %w", id, mapErr(err))
		}
	}
	return mapErr(tx.Commit())
}
