package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Follow-ups (issue 17, migration 0013): the papers' refreshes
// (paper_refresh), what each posted item shows (followup_shown, written
// by a trigger when the item is confirmed), the follow-up delivery log
// (followup_deliveries) and the channels whose follow-ups stopped
// (followup_stops).

var _ bot.FollowupStore = (*DB)(nil)

// onUpdateColumn is a channel's on_update as stored ("" is edit).
func onUpdateColumn(s string) string {
	m, err := bot.ParseOnUpdate(s)
	if err != nil {
		return bot.OnUpdateEdit
	}
	return m
}

// onUpdateSetting is a stored on_update as the setting holds it: the
// default, edit, is "".
func onUpdateSetting(s string) string {
	if s == bot.OnUpdateEdit {
		return ""
	}
	return s
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func stringArgs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// followedItems is the condition of the items follow-ups look at: items
// confirmed since ?, on an existing channel of one of the platforms whose
// follow-ups are not off, whose message is not gone. It expects d
// (deliveries), f (followup_shown) and c (channels).
func followedItems(platforms int) string {
	return `d.kind = 'item' AND d.state = 'sent' AND d.sent_at >= ? AND f.gone_at = ''
		AND c.on_update <> 'off' AND c.stopped = '' AND d.platform IN (` + placeholders(platforms) + `)`
}

// itemColumns are the columns scanItem reads: an item, what it shows,
// what is linked to its paper now, its paper's last change and the paper.
const itemColumns = `d.id, d.key, d.platform, d.target, d.list_date, d.rank, d.message_id, d.thread_id, coalesce(d.sent_at, ''),
	f.github_repo, f.github_stars, f.version, f.title, f.arxiv_comment, f.journal_ref, f.models, f.datasets, f.spaces,
	f.gone_at, coalesce(r.models, 0), coalesce(r.datasets, 0), coalesce(r.spaces, 0), coalesce(pc.seq, 0), ` + paperColumns

const itemFrom = `FROM deliveries d
	JOIN followup_shown f ON f.item_id = d.id
	JOIN papers p ON p.id = d.paper_id
	LEFT JOIN paper_refresh r ON r.paper_id = d.paper_id
	LEFT JOIN paper_changes pc ON pc.paper_id = d.paper_id`

func scanItem(sc interface{ Scan(...any) error }) (bot.FollowItem, error) {
	var it bot.FollowItem
	var listDate, sentAt, gone string
	var pr paperRow
	s := &it.Shown
	dest := append([]any{&it.ItemID, &it.ItemKey, &it.Channel.Platform, &it.Channel.ID, &listDate, &it.Rank,
		&it.Posted.MessageID, &it.Posted.ThreadID, &sentAt,
		&s.GitHubRepo, &s.Stars, &s.Version, &s.Title, &s.Comment, &s.JournalRef, &s.Models, &s.Datasets, &s.Spaces,
		&gone, &it.Linked.Models, &it.Linked.Datasets, &it.Linked.Spaces, &it.Seq}, pr.dest()...)
	if err := sc.Scan(dest...); err != nil {
		return it, mapErr(err)
	}
	it.ListDate, it.SentAt, it.Gone = parseDate(listDate), parseTime(sentAt), gone != ""
	it.Paper = pr.paper()
	return it, nil
}

// ChangedItems returns the items whose paper changed since they were
// last checked: see bot.FollowupStore.
func (db *DB) ChangedItems(ctx context.Context, platforms []string, since time.Time, limit int) ([]bot.FollowItem, error) {
	args := append([]any{fmtTime(since)}, stringArgs(platforms)...)
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemColumns+` `+itemFrom+`
		JOIN channels c ON c.platform = d.platform AND c.channel_id = d.target
		WHERE `+followedItems(len(platforms))+` AND pc.seq > f.checked_seq
		ORDER BY d.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: changed items: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.FollowItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("store: changed items: %w", err)
		}
		out = append(out, it)
	}
	return out, mapErr(rows.Err())
}

// PlanFollowups records an item's changes: see bot.FollowupStore.
func (db *DB) PlanFollowups(ctx context.Context, it bot.FollowItem, changes []bot.Change, shown bot.Shown, now time.Time) (int, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: plan follow-ups: %w", mapErr(err))
	}
	defer tx.Rollback()
	created := 0
	for _, c := range changes {
		res, err := tx.ExecContext(ctx, `INSERT INTO followup_deliveries (key, item_id, platform, target, paper_id, kind, value, detail, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?) ON CONFLICT (key) DO NOTHING`,
			bot.FollowupKey(it.Channel, it.Paper.ID, c), it.ItemID, it.Channel.Platform, it.Channel.ID, it.Paper.ID,
			c.Kind, c.Value, bot.Truncate(c.Detail, 500), fmtTime(now))
		if err != nil {
			return 0, fmt.Errorf("store: plan follow-up %s of %s: %w", c.Suffix(), it.ItemKey, mapErr(err))
		}
		if n, _ := res.RowsAffected(); n > 0 {
			created++
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO paper_followups (paper_id, suffix, kind, value, detail, detected_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, suffix) DO NOTHING`,
			it.Paper.ID, c.Suffix(), c.Kind, c.Value, bot.Truncate(c.Detail, 500), fmtTime(now))
		if err != nil {
			return 0, fmt.Errorf("store: record change %s of %s: %w", c.Suffix(), it.Paper.ID, mapErr(err))
		}
		if n, _ := res.RowsAffected(); n > 0 {
			// The first channel to see this change: its watchers are told
			// once, whatever the channels that show the paper.
			fid, err := res.LastInsertId()
			if err != nil {
				return 0, fmt.Errorf("store: record change %s of %s: %w", c.Suffix(), it.Paper.ID, err)
			}
			if err := queueWatchers(ctx, tx, it.Paper.ID, fid, now); err != nil {
				return 0, err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE followup_shown SET github_repo = ?, github_stars = ?, version = ?, title = ?,
			arxiv_comment = ?, journal_ref = ?, models = ?, datasets = ?, spaces = ?, checked_seq = max(checked_seq, ?)
		WHERE item_id = ?`, shown.GitHubRepo, shown.Stars, shown.Version, shown.Title, shown.Comment, shown.JournalRef,
		shown.Models, shown.Datasets, shown.Spaces, it.Seq, it.ItemID); err != nil {
		return 0, fmt.Errorf("store: plan follow-ups of %s: %w", it.ItemKey, mapErr(err))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: plan follow-ups: %w", mapErr(err))
	}
	return created, nil
}

// MarkChecked records that items were compared and nothing changed: see
// bot.FollowupStore.
func (db *DB) MarkChecked(ctx context.Context, items []bot.FollowItem) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mark items checked: %w", mapErr(err))
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `UPDATE followup_shown SET checked_seq = max(checked_seq, ?) WHERE item_id = ?`)
	if err != nil {
		return fmt.Errorf("store: mark items checked: %w", mapErr(err))
	}
	defer st.Close()
	for _, it := range items {
		if _, err := st.ExecContext(ctx, it.Seq, it.ItemID); err != nil {
			return fmt.Errorf("store: mark %s checked: %w", it.ItemKey, mapErr(err))
		}
	}
	return mapErr(tx.Commit())
}

// OpenFollowupItems returns the items with follow-ups to send: see
// bot.FollowupStore.
func (db *DB) OpenFollowupItems(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT u.item_id FROM followup_deliveries u
		JOIN channels c ON c.platform = u.platform AND c.channel_id = u.target
		WHERE u.state IN ('planned', 'sending') AND u.next_at <= ? AND c.stopped = '' AND c.on_update <> 'off'
			AND NOT EXISTS (SELECT 1 FROM followup_stops s WHERE s.platform = u.platform AND s.target = u.target)
		GROUP BY u.item_id ORDER BY min(u.id) LIMIT ?`, fmtTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: open follow-ups: %w", mapErr(err))
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}

const followupColumns = `id, key, item_id, platform, target, paper_id, kind, value, detail, state, mode, batch, attempts,
	error, message_id, thread_id, created_at, coalesce(done_at, '')`

func scanFollowup(sc interface{ Scan(...any) error }) (bot.Followup, error) {
	var f bot.Followup
	var state, created, done string
	err := sc.Scan(&f.ID, &f.Key, &f.ItemID, &f.Channel.Platform, &f.Channel.ID, &f.PaperID, &f.Kind, &f.Value, &f.Detail,
		&state, &f.Mode, &f.Batch, &f.Attempts, &f.Error, &f.Sent.MessageID, &f.Sent.ThreadID, &created, &done)
	f.State, f.Created, f.Done = bot.FollowupState(state), parseTime(created), parseTime(done)
	return f, mapErr(err)
}

func collectFollowups(rows *sql.Rows) ([]bot.Followup, error) {
	defer rows.Close()
	var out []bot.Followup
	for rows.Next() {
		f, err := scanFollowup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// FollowupsOf returns an item and its follow-up rows: see
// bot.FollowupStore.
func (db *DB) FollowupsOf(ctx context.Context, itemID int64) (bot.FollowItem, []bot.Followup, error) {
	it, err := scanItem(db.r.QueryRowContext(ctx, `SELECT `+itemColumns+` `+itemFrom+` WHERE d.id = ?`, itemID))
	if err != nil {
		return it, nil, fmt.Errorf("store: follow-ups of item %d: %w", itemID, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+followupColumns+` FROM followup_deliveries WHERE item_id = ? ORDER BY id`, itemID)
	if err != nil {
		return it, nil, fmt.Errorf("store: follow-ups of item %d: %w", itemID, mapErr(err))
	}
	fs, err := collectFollowups(rows)
	return it, fs, err
}

// ClaimFollowups marks rows as being sent: see bot.FollowupStore.
func (db *DB) ClaimFollowups(ctx context.Context, keys []string, batch, mode string, now time.Time) ([]string, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: claim follow-ups: %w", mapErr(err))
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT key FROM followup_deliveries
		WHERE key IN (`+placeholders(len(keys))+`) AND state NOT IN ('planned', 'sending')`, stringArgs(keys)...)
	if err != nil {
		return nil, fmt.Errorf("store: claim follow-ups: %w", mapErr(err))
	}
	var done []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		done = append(done, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if len(done) > 0 {
		return done, nil
	}
	args := append([]any{batch, mode, fmtTime(now)}, stringArgs(keys)...)
	if _, err := tx.ExecContext(ctx, `UPDATE followup_deliveries SET state = 'sending', attempts = attempts + 1,
		batch = ?, mode = ?, claimed_at = ? WHERE key IN (`+placeholders(len(keys))+`)`, args...); err != nil {
		return nil, fmt.Errorf("store: claim follow-ups: %w", mapErr(err))
	}
	return nil, mapErr(tx.Commit())
}

// ConfirmFollowups records that rows went out: see bot.FollowupStore.
func (db *DB) ConfirmFollowups(ctx context.Context, keys []string, s bot.Sent, now time.Time) error {
	args := append([]any{s.MessageID, s.ThreadID, fmtTime(now)}, stringArgs(keys)...)
	res, err := db.w.ExecContext(ctx, `UPDATE followup_deliveries SET state = 'sent', message_id = ?, thread_id = ?,
		done_at = ?, error = '' WHERE key IN (`+placeholders(len(keys))+`) AND state = 'sending'`, args...)
	if err != nil {
		return fmt.Errorf("store: confirm follow-ups: %w", mapErr(err))
	}
	if n, _ := res.RowsAffected(); int(n) != len(keys) {
		return fmt.Errorf("store: confirm follow-ups: %d of %d rows were claimed: %w", n, len(keys), bot.ErrNotFound)
	}
	return nil
}

// FollowupsFailed records a failed attempt: see bot.FollowupStore.
func (db *DB) FollowupsFailed(ctx context.Context, keys []string, errText string, next time.Time, final bool, now time.Time) error {
	state := "state"
	done := "done_at"
	if final {
		state, done = "'failed'", "?"
	}
	args := []any{bot.Truncate(errText, 500), fmtTime(next)}
	if final {
		args = append(args, fmtTime(now))
	}
	args = append(args, stringArgs(keys)...)
	if _, err := db.w.ExecContext(ctx, `UPDATE followup_deliveries SET error = ?, next_at = ?, state = `+state+`, done_at = `+done+`
		WHERE key IN (`+placeholders(len(keys))+`) AND state IN ('planned', 'sending')`, args...); err != nil {
		return fmt.Errorf("store: record failed follow-ups: %w", mapErr(err))
	}
	return nil
}

// FollowupsGone records that an item's message was deleted: see
// bot.FollowupStore.
func (db *DB) FollowupsGone(ctx context.Context, itemID int64, errText string, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: follow-ups gone: %w", mapErr(err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE followup_deliveries SET state = 'gone', error = ?, done_at = ?
		WHERE item_id = ? AND state IN ('planned', 'sending')`, bot.Truncate(errText, 500), fmtTime(now), itemID); err != nil {
		return fmt.Errorf("store: follow-ups gone: %w", mapErr(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE followup_shown SET gone_at = ? WHERE item_id = ?`, fmtTime(now), itemID); err != nil {
		return fmt.Errorf("store: follow-ups gone: %w", mapErr(err))
	}
	return mapErr(tx.Commit())
}

// StopFollowups stops a channel's follow-ups: see bot.FollowupStore.
func (db *DB) StopFollowups(ctx context.Context, ch bot.ChannelRef, keys []string, reason string, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: stop follow-ups: %w", mapErr(err))
	}
	defer tx.Rollback()
	if len(keys) > 0 {
		args := append([]any{bot.Truncate(reason, 500)}, stringArgs(keys)...)
		if _, err := tx.ExecContext(ctx, `UPDATE followup_deliveries SET state = 'planned', error = ?
			WHERE key IN (`+placeholders(len(keys))+`) AND state = 'sending'`, args...); err != nil {
			return fmt.Errorf("store: stop follow-ups: %w", mapErr(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO followup_stops (platform, target, reason, since) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, target) DO UPDATE SET reason = excluded.reason`,
		ch.Platform, ch.ID, bot.Truncate(reason, 500), fmtTime(now)); err != nil {
		return fmt.Errorf("store: stop follow-ups: %w", mapErr(err))
	}
	return mapErr(tx.Commit())
}

// ResumeFollowups lets a channel's follow-ups go on: see
// bot.FollowupStore.
func (db *DB) ResumeFollowups(ctx context.Context, ch bot.ChannelRef) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM followup_stops WHERE platform = ? AND target = ?`, ch.Platform, ch.ID); err != nil {
		return fmt.Errorf("store: resume follow-ups: %w", mapErr(err))
	}
	return nil
}

// FollowupReport returns a channel's recent follow-ups and why they
// stopped: see bot.FollowupStore.
func (db *DB) FollowupReport(ctx context.Context, ch bot.ChannelRef, since time.Time) ([]bot.Followup, string, time.Time, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+followupColumns+` FROM followup_deliveries
		WHERE platform = ? AND target = ? AND created_at >= ? ORDER BY id DESC`, ch.Platform, ch.ID, fmtTime(since))
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("store: follow-up report: %w", mapErr(err))
	}
	fs, err := collectFollowups(rows)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	var reason, at string
	err = db.r.QueryRowContext(ctx, `SELECT reason, since FROM followup_stops WHERE platform = ? AND target = ?`,
		ch.Platform, ch.ID).Scan(&reason, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", time.Time{}, fmt.Errorf("store: follow-up report: %w", mapErr(err))
	}
	return fs, reason, parseTime(at), nil
}
