package store

// Daily lists: the papers on a day's list, when it was fetched and what
// that fetch skipped.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/paperboy-bot/paperboy/bot"
)

// ListPapers returns the papers on day's list, most upvoted first.
func (db *DB) ListPapers(ctx context.Context, day bot.Date) ([]bot.Paper, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+paperColumns+`
		FROM list_papers l JOIN papers p ON p.id = l.paper_id
		WHERE l.list_date = ?
		ORDER BY p.upvotes DESC, p.comments DESC, l.position`, day.String())
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", day, mapErr(err))
	}
	return collectPapers(rows)
}

// ListInfo returns when day's list was last fetched, or bot.ErrNotFound.
func (db *DB) ListInfo(ctx context.Context, day bot.Date) (bot.ListInfo, error) {
	return scanListInfo(db.r.QueryRowContext(ctx, `SELECT list_date, fetched_at, papers, skipped FROM lists WHERE list_date = ?`, day.String()))
}

// LastFetch returns the list fetched most recently, or bot.ErrNotFound.
func (db *DB) LastFetch(ctx context.Context) (bot.ListInfo, error) {
	return scanListInfo(db.r.QueryRowContext(ctx, `SELECT list_date, fetched_at, papers, skipped FROM lists
		ORDER BY fetched_at DESC, list_date DESC LIMIT 1`))
}

func scanListInfo(row *sql.Row) (bot.ListInfo, error) {
	var day, fetched, skipped string
	var info bot.ListInfo
	if err := row.Scan(&day, &fetched, &info.Papers, &skipped); err != nil {
		return info, mapErr(err)
	}
	info.Date, info.FetchedAt = parseDate(day), parseTime(fetched)
	info.Skipped = decodeSkipped(skipped)
	return info, nil
}

// RecordSkipped records what the last fetch of day's list skipped (lists.skipped,
// migration 0007), once SaveList or SaveLiveList has recorded the fetch.
func (db *DB) RecordSkipped(ctx context.Context, day bot.Date, skipped []bot.Skip) (bool, error) {
	enc := encodeSkipped(skipped)
	res, err := db.w.ExecContext(ctx, `UPDATE lists SET skipped = ? WHERE list_date = ? AND skipped <> ?`, enc, day.String(), enc)
	if err != nil {
		return false, fmt.Errorf("store: record skipped elements of %s: %w", day, mapErr(err))
	}
	n, err := res.RowsAffected()
	return n > 0, mapErr(err)
}

// storedSkip is a bot.Skip as lists.skipped holds it (a JSON array).
type storedSkip struct {
	Where  string `json:"where"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

func encodeSkipped(skipped []bot.Skip) string {
	if len(skipped) == 0 {
		return ""
	}
	out := make([]storedSkip, len(skipped))
	for i, s := range skipped {
		out[i] = storedSkip{Where: s.Where, ID: s.ID, Reason: s.Reason}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return ""
	}
	return string(b)
}

func decodeSkipped(s string) []bot.Skip {
	if s == "" {
		return nil
	}
	var in []storedSkip
	if json.Unmarshal([]byte(s), &in) != nil {
		return []bot.Skip{{Where: "?", Reason: "unreadable record of skipped elements"}}
	}
	out := make([]bot.Skip, len(in))
	for i, x := range in {
		out[i] = bot.Skip{Where: x.Where, ID: x.ID, Reason: x.Reason}
	}
	return out
}
