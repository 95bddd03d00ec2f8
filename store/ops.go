package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// What the operations endpoints of `paperboy run` read: the metrics'
// gauges and the readiness check (bot.OpsStore).

var _ bot.OpsStore = (*DB)(nil)

// DeliveryBacklog counts the rows of the delivery log not confirmed as
// sent: digest headers and items (kind "channel") and alert batches (kind
// "dm"), per platform.
func (db *DB) DeliveryBacklog(ctx context.Context) ([]bot.Backlog, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT platform, 'channel', count(*) FROM deliveries WHERE state <> 'sent' GROUP BY platform
		UNION ALL SELECT platform, 'dm', count(*) FROM alert_batches WHERE state <> 'sent' GROUP BY platform`)
	if err != nil {
		return nil, fmt.Errorf("store: delivery backlog: %w", mapErr(err))
	}
	defer rows.Close()
	var out []bot.Backlog
	for rows.Next() {
		var b bot.Backlog
		if err := rows.Scan(&b.Platform, &b.Kind, &b.Rows); err != nil {
			return nil, fmt.Errorf("store: delivery backlog: %w", mapErr(err))
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err())
}

// LastPosts returns when each channel's newest posted run was recorded,
// for the channels the store has that ever posted.
func (db *DB) LastPosts(ctx context.Context) (map[bot.ChannelRef]time.Time, error) {
	// Per channel, the runs index read backwards to its newest posted run.
	rows, err := db.r.QueryContext(ctx, `SELECT c.platform, c.channel_id,
		(SELECT r.ran_at FROM runs r WHERE r.platform = c.platform AND r.channel_id = c.channel_id AND r.outcome = 'posted'
			ORDER BY r.id DESC LIMIT 1)
		FROM channels c`)
	if err != nil {
		return nil, fmt.Errorf("store: last posts: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[bot.ChannelRef]time.Time{}
	for rows.Next() {
		var ref bot.ChannelRef
		var at sql.NullString
		if err := rows.Scan(&ref.Platform, &ref.ID, &at); err != nil {
			return nil, fmt.Errorf("store: last posts: %w", mapErr(err))
		}
		if t := parseNullTime(at); !t.IsZero() {
			out[ref] = t
		}
	}
	return out, mapErr(rows.Err())
}

// Size returns the sizes of the database file and of its write-ahead log
// (absent after a clean close) added up.
func (db *DB) Size() (int64, error) {
	var total int64
	for _, p := range []string{db.path, db.path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) && p != db.path {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("store: size: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

// CheckWritable returns nil when the database can be written: the
// database file and its -wal and -shm files allow this process to write
// them, and the write lock can be taken (and is let go at once) before ctx
// ends. The permissions are read from the files' modes, for root as for
// the file's owner: a file made read-only (chmod a-w) is not writable even
// though root could still write it, as a process that opens it anew
// (paperboy as its service user, after a restart) could not.
func (db *DB) CheckWritable(ctx context.Context) error {
	for _, p := range []string{db.path, db.path + "-wal", db.path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) && p != db.path {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if !modeAllowsWrite(fi) {
			return fmt.Errorf("store: %s is read-only (mode %04o)", p, fi.Mode().Perm())
		}
	}
	return db.tryWriteLock(ctx)
}

// tryWriteLock takes the write lock (BEGIN IMMEDIATE, the write pool's
// _txlock) and lets it go at once. SQLite's busy handler does not see ctx,
// so the connection's busy timeout is lowered to ctx's deadline meanwhile.
func (db *DB) tryWriteLock(ctx context.Context) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: the write connection was not free within the check's time (%w)", err)
	}
	defer conn.Close()
	var busy int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
		return fmt.Errorf("store: %w", mapErr(err))
	}
	if dl, ok := ctx.Deadline(); ok {
		ms := max(time.Until(dl).Milliseconds(), 1)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, min(ms, int64(busy)))); err != nil {
			return fmt.Errorf("store: %w", mapErr(err))
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busy))
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		if isBusy(err) || ctx.Err() != nil {
			return errors.New("store: the write lock was not free within the check's time (another process is writing)")
		}
		return fmt.Errorf("store: cannot write: %w", mapErr(err))
	}
	if err := tx.Rollback(); err != nil {
		return fmt.Errorf("store: cannot write: %w", mapErr(err))
	}
	return nil
}

// modeAllowsWrite reports whether fi's permission bits let this process
// write the file: the owner's bits for its owner and for root, the
// group's for a member of its group, the others' for anyone else.
func modeAllowsWrite(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return perm&0o222 != 0
	}
	uid := os.Geteuid()
	switch {
	case uid == 0 || uint32(uid) == st.Uid:
		return perm&0o200 != 0
	case inGroup(st.Gid):
		return perm&0o020 != 0
	}
	return perm&0o002 != 0
}

func inGroup(gid uint32) bool {
	if uint32(os.Getegid()) == gid {
		return true
	}
	groups, err := os.Getgroups()
	return err == nil && slices.Contains(groups, int(gid))
}
