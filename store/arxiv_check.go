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
	ids, err := db.duePapers(ctx, "arxiv_checks", "1", platforms, since, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due arXiv look-ups: %w", err)
	}
	return ids, nil
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
