package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// PlanDigest records a digest in the delivery log in one transaction: the
// header row for (channel, list date) and one row per item. The schema's
// unique indexes make a second header for the same list, or a paper
// planned twice for a channel, impossible.
func (db *DB) PlanDigest(ctx context.Context, ch bot.ChannelRef, d *bot.Digest, now time.Time) (*bot.Plan, bool, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", mapErr(err))
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE kind = 'header' AND platform = ? AND target = ? AND list_date = ?`,
		ch.Platform, ch.ID, d.ListDate.String()).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", mapErr(err))
	}
	if n > 0 {
		tx.Rollback()
		p, err := db.GetPlan(ctx, ch, d.ListDate)
		return p, false, err
	}
	nowS := fmtTime(now)
	meta, err := encodeMeta(d)
	if err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (key, kind, platform, target, list_date, state, created_at, meta)
		VALUES (?, 'header', ?, ?, ?, 'planned', ?, ?)`, bot.HeaderKey(ch, d.ListDate), ch.Platform, ch.ID, d.ListDate.String(), nowS, meta)
	if err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", mapErr(err))
	}
	headerID, err := res.LastInsertId()
	if err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", err)
	}
	for _, it := range d.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (key, kind, platform, target, list_date, paper_id, rank, header_id, state, created_at)
			VALUES (?, 'item', ?, ?, ?, ?, ?, ?, 'planned', ?)`, bot.ItemKey(ch, it.Paper.ID), ch.Platform, ch.ID,
			d.ListDate.String(), it.Paper.ID, it.Rank, headerID, nowS); err != nil {
			err = mapErr(err)
			if bot.ErrorCode(err) == bot.EConflict {
				return nil, false, &bot.Error{Code: bot.EConflict, Message: fmt.Sprintf("paper %s was already planned for %s", it.Paper.ID, ch)}
			}
			return nil, false, fmt.Errorf("store: plan: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("store: plan: %w", mapErr(err))
	}
	p, err := db.GetPlan(ctx, ch, d.ListDate)
	return p, true, err
}

const deliveryColumns = `id, key, kind, state, coalesce(paper_id, ''), rank, message_id, thread_id, attempts, error, created_at, meta`

func scanDelivery(sc interface{ Scan(...any) error }) (int64, bot.Delivery, time.Time, string, error) {
	var d bot.Delivery
	var id int64
	var state, created, meta string
	err := sc.Scan(&id, &d.Key, &d.Kind, &state, &d.PaperID, &d.Rank, &d.Sent.MessageID, &d.Sent.ThreadID,
		&d.Attempts, &d.Error, &created, &meta)
	d.State = bot.DeliveryState(state)
	return id, d, parseTime(created), meta, mapErr(err)
}

// headerMeta is what a header row's meta column holds (JSON).
type headerMeta struct {
	Arxiv *bot.ArxivPart `json:"arxiv,omitempty"`
}

func encodeMeta(d *bot.Digest) (string, error) {
	if d.Arxiv == nil {
		return "", nil
	}
	b, err := json.Marshal(headerMeta{Arxiv: d.Arxiv})
	return string(b), err
}

// decodeMeta fills in what meta says of d; a value that does not parse
// (a hand-edited database) leaves d as it is.
func decodeMeta(meta string, d *bot.Digest) {
	if meta == "" {
		return
	}
	var m headerMeta
	if json.Unmarshal([]byte(meta), &m) == nil {
		d.Arxiv = m.Arxiv
	}
}

// GetPlan returns the plan of a channel's list, or bot.ErrNotFound.
func (db *DB) GetPlan(ctx context.Context, ch bot.ChannelRef, day bot.Date) (*bot.Plan, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: plan: %w", mapErr(err))
	}
	defer tx.Rollback()
	row := tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE kind = 'header' AND platform = ? AND target = ? AND list_date = ?`, ch.Platform, ch.ID, day.String())
	return loadPlan(ctx, tx, ch, day, row)
}

func loadPlan(ctx context.Context, tx *sql.Tx, ch bot.ChannelRef, day bot.Date, header *sql.Row) (*bot.Plan, error) {
	id, h, created, meta, err := scanDelivery(header)
	if err != nil {
		return nil, err
	}
	p := &bot.Plan{Channel: ch, Header: h, Created: created, Digest: &bot.Digest{ListDate: day}}
	decodeMeta(meta, p.Digest)
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.key, d.kind, d.state, d.paper_id, d.rank, d.message_id, d.thread_id,
			d.attempts, d.error, d.created_at, `+paperColumns+`
		FROM deliveries d JOIN papers p ON p.id = d.paper_id
		WHERE d.header_id = ? ORDER BY d.rank`, id)
	if err != nil {
		return nil, fmt.Errorf("store: plan items: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var d bot.Delivery
		var rowID int64
		var state, created string
		var pr paperRow
		dest := append([]any{&rowID, &d.Key, &d.Kind, &state, &d.PaperID, &d.Rank, &d.Sent.MessageID,
			&d.Sent.ThreadID, &d.Attempts, &d.Error, &created}, pr.dest()...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: plan items: %w", mapErr(err))
		}
		d.State = bot.DeliveryState(state)
		p.Items = append(p.Items, d)
		p.Digest.Items = append(p.Digest.Items, bot.Item{Rank: d.Rank, Paper: pr.paper()})
	}
	return p, mapErr(rows.Err())
}

// OpenPlans returns the channel's plans that have rows not yet confirmed,
// oldest first.
func (db *DB) OpenPlans(ctx context.Context, ch bot.ChannelRef) ([]*bot.Plan, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT h.list_date FROM deliveries d
		JOIN deliveries h ON h.id = coalesce(d.header_id, d.id)
		WHERE d.platform = ? AND d.target = ? AND d.state <> 'sent' ORDER BY h.id`, ch.Platform, ch.ID)
	if err != nil {
		return nil, fmt.Errorf("store: open plans: %w", mapErr(err))
	}
	var days []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		days = append(days, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	var plans []*bot.Plan
	for _, s := range days {
		p, err := db.GetPlan(ctx, ch, parseDate(s))
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// PlannedPapers returns which of ids were ever planned for the channel.
func (db *DB) PlannedPapers(ctx context.Context, ch bot.ChannelRef, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := []any{ch.Platform, ch.ID}
		for _, id := range batch {
			args = append(args, id)
		}
		rows, err := db.r.QueryContext(ctx, `SELECT paper_id FROM deliveries
			WHERE kind = 'item' AND platform = ? AND target = ? AND paper_id IN (?`+strings.Repeat(",?", len(batch)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: planned papers: %w", mapErr(err))
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// Claim marks a row as being sent and returns its state before the claim.
// A sent row is left alone.
func (db *DB) Claim(ctx context.Context, key string, now time.Time) (bot.DeliveryState, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("store: claim: %w", mapErr(err))
	}
	defer tx.Rollback()
	var state string
	if err := tx.QueryRowContext(ctx, `SELECT state FROM deliveries WHERE key = ?`, key).Scan(&state); err != nil {
		return "", fmt.Errorf("store: claim %s: %w", key, mapErr(err))
	}
	if bot.DeliveryState(state) == bot.StateSent {
		return bot.StateSent, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, claimed_at = ?
		WHERE key = ?`, fmtTime(now), key); err != nil {
		return "", fmt.Errorf("store: claim %s: %w", key, mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("store: claim %s: %w", key, mapErr(err))
	}
	return bot.DeliveryState(state), nil
}

// Confirm records that a row's message was sent, with its ids.
func (db *DB) Confirm(ctx context.Context, key string, s bot.Sent, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE deliveries SET state = 'sent', message_id = ?, thread_id = ?, sent_at = ?, error = ''
		WHERE key = ?`, s.MessageID, s.ThreadID, fmtTime(now), key)
	if err != nil {
		return fmt.Errorf("store: confirm %s: %w", key, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: confirm %s: %w", key, bot.ErrNotFound)
	}
	return nil
}

// Failed records the error of a row's last attempt. The row stays claimed,
// so the next attempt looks for the message before sending it again.
func (db *DB) Failed(ctx context.Context, key, errText string, now time.Time) error {
	if len(errText) > 500 {
		errText = bot.Truncate(errText, 500)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE deliveries SET error = ? WHERE key = ? AND state <> 'sent'`, errText, key); err != nil {
		return fmt.Errorf("store: record failure %s: %w", key, mapErr(err))
	}
	return nil
}

// DeliveryCounts counts a channel's rows by state, for status.
func (db *DB) DeliveryCounts(ctx context.Context, ch bot.ChannelRef) (map[bot.DeliveryState]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT state, count(*) FROM deliveries WHERE platform = ? AND target = ? AND kind = 'item' GROUP BY state`,
		ch.Platform, ch.ID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[bot.DeliveryState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[bot.DeliveryState(s)] = n
	}
	return out, mapErr(rows.Err())
}
