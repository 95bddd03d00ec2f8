package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// backupWorld is a store with channels and subscribers on the gated chat
// platform, written to by a bot in this process while backups are taken
// by another.
type backupWorld struct {
	path  string
	db    *store.DB
	chat  *gatedChat
	src   *daySource
	clock *setClock
	bot   *bot.Bot
	chans []bot.Channel
}

const (
	backupChannels = 4
	backupUsers    = 12
)

func newBackupWorld(t *testing.T) *backupWorld {
	t.Helper()
	ctx := context.Background()
	w := &backupWorld{path: filepath.Join(t.TempDir(), "paperboy.db"), chat: &gatedChat{},
		src: &daySource{lists: map[bot.Date][]bot.Paper{}}, clock: &setClock{t: time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)}}
	db, err := store.Open(ctx, w.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	now := w.clock.Now()
	for i := range backupChannels {
		ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: "chat", ID: fmt.Sprintf("C%d", i)}, Settings: bot.DefaultSettings("UTC")}
		if err := db.SaveChannel(ctx, ch, now); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetChannel(ctx, ch.ChannelRef)
		if err != nil {
			t.Fatal(err)
		}
		w.chans = append(w.chans, got)
	}
	for i := range backupUsers {
		u := bot.UserRef{Platform: "chat", ID: fmt.Sprintf("U%d", i)}
		if _, err := db.AddSubscription(ctx, bot.Subscription{User: u, Query: "diffusion"}, 25, now); err != nil {
			t.Fatal(err)
		}
	}
	w.bot = &bot.Bot{Store: db, Source: w.src, Platforms: map[string]bot.Platform{"chat": w.chat}, Clock: w.clock,
		Log: slog.New(slog.DiscardHandler)}
	return w
}

// day makes the n-th weekday after the world's start the current day,
// with a list of ten papers about diffusion, and returns its date.
func (w *backupWorld) day(n int) bot.Date {
	d := bot.Date{Year: 2026, Month: 11, Day: 2}
	for i := 0; i < n; {
		d = d.AddDays(1)
		if !d.IsWeekend() {
			i++
		}
	}
	w.clock.mu.Lock()
	w.clock.t = d.In(time.UTC, 15, 0)
	w.clock.mu.Unlock()
	var ps []bot.Paper
	for i := range 10 {
		ps = append(ps, testPaper(fmt.Sprintf("2611.%02d%03d", n%100, i), fmt.Sprintf("Diffusion study %d of day %d", i, n), 10+i))
	}
	w.src.add(d, ps...)
	return d
}

// digests posts the day's digest in every channel.
func (w *backupWorld) digests(t *testing.T, d bot.Date) {
	for _, ch := range w.chans {
		res, err := w.bot.Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: d})
		if err != nil || res.Run.Outcome != bot.OutcomePosted {
			t.Errorf("digest %s %s: %+v, %v", ch.ChannelRef, d, res.Run, err)
		}
	}
}

// alerts matches the day's new papers and sends the DMs.
func (w *backupWorld) alerts(t *testing.T) {
	ctx := context.Background()
	if _, err := w.bot.MatchAlerts(ctx); err != nil {
		t.Error(err)
	}
	if err := w.bot.SendAlerts(ctx); err != nil {
		t.Error(err)
	}
}

// A backup taken in the middle of a thread, and one taken in the middle of
// a round of alert DMs, hold exactly the rows the database held then: a
// restore finds the thread half-posted and the round half-sent, as they
// were, and the daemon finishes them.
func TestBackupMidDigestAndMidAlerts(t *testing.T) {
	w := newBackupWorld(t)
	ctx := context.Background()
	// Hold the daemon's lock, as `paperboy run` does: backup needs none.
	unlock, err := lockDatabase(w.path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	// holdAt holds the n-th send of a kind until the returned open is
	// called; held is told when it holds.
	held := make(chan struct{}, 1)
	holdAt := func(kind string, at int) (hold func(string, int), open func()) {
		release := make(chan struct{})
		var once sync.Once
		return func(k string, n int) {
				if k == kind && n == at {
					held <- struct{}{}
					<-release
				}
			}, func() {
				once.Do(func() { close(release) })
			}
	}

	// Mid-thread: the header and four items are confirmed, the fifth is
	// claimed and being sent, five more are planned.
	d := w.day(1)
	w.bot.Poll(ctx)
	hold, open := holdAt("thread", 6)
	defer open()
	w.chat.setHold(hold)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.digests(t, d)
	}()
	<-held
	copyPath := filepath.Join(filepath.Dir(w.path), "mid-digest.db")
	papers := backupTo(t, w.path, copyPath)
	checkCopy(t, copyPath)
	if diff := sameRows(dumpTables(t, w.path), dumpTables(t, copyPath)); diff != "" {
		t.Errorf("the mid-thread copy differs from the database: %s", diff)
	}
	if papers != 10 {
		t.Errorf("backup printed %d papers, want 10", papers)
	}
	states := func(path string) string {
		db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s string
		db.QueryRow(`SELECT group_concat(kind || ':' || state, ' ') FROM (SELECT kind, state FROM deliveries ORDER BY id)`).Scan(&s)
		return s
	}
	want := "header:sent" + strings.Repeat(" item:sent", 4) + " item:sending" + strings.Repeat(" item:planned", 5)
	if got := states(copyPath); got != want {
		t.Errorf("the copy's delivery log: %s\nwant %s", got, want)
	}
	open()
	<-done

	// Mid-alerts: the next day's papers are matched; two users' DMs are
	// confirmed, the third is being sent.
	d = w.day(2)
	w.bot.Poll(ctx)
	w.chat.setHold(nil)
	w.digests(t, d)
	if _, err := w.bot.MatchAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	dmsBefore := w.chat.dmCount()
	hold, open = holdAt("dm", dmsBefore+3)
	defer open()
	w.chat.setHold(hold)
	done = make(chan struct{})
	go func() {
		defer close(done)
		if err := w.bot.SendAlerts(ctx); err != nil {
			t.Error(err)
		}
	}()
	<-held
	copyPath = filepath.Join(filepath.Dir(w.path), "mid-alerts.db")
	backupTo(t, w.path, copyPath)
	checkCopy(t, copyPath)
	if diff := sameRows(dumpTables(t, w.path), dumpTables(t, copyPath)); diff != "" {
		t.Errorf("the mid-alerts copy differs from the database: %s", diff)
	}
	sent := queryInt(t, copyPath, `SELECT count(*) FROM alert_batches WHERE state = 'sent'`)
	sending := queryInt(t, copyPath, `SELECT count(*) FROM alert_batches WHERE state = 'sending'`)
	if sent != dmsBefore+2 || sending != 1 {
		t.Errorf("the copy has %d batches sent and %d sending, want %d and 1", sent, sending, dmsBefore+2)
	}
	open()
	<-done
}

// Backups taken by another process while this one posts digests and sends
// alerts as fast as it can: each copy passes quick_check and the full-text
// checks, is owner-only, holds whole transactions only (every thread with
// all its planned items, every list with all its papers), lies between
// the database before and after it, and holds nothing the database does
// not.
func TestBackupUnderLoad(t *testing.T) {
	w := newBackupWorld(t)
	unlock, err := lockDatabase(w.path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var days sync.WaitGroup
	var rounds int
	var mu sync.Mutex
	days.Go(func() {
		for n := 1; ctx.Err() == nil && n < 400; n++ {
			d := w.day(n)
			w.bot.Poll(context.Background())
			w.digests(t, d)
			w.alerts(t)
			mu.Lock()
			rounds++
			mu.Unlock()
		}
	})
	// Checkpoints too, as a daemon makes every 1000 pages or so: the
	// database file itself changes under the backup, not only the -wal.
	days.Go(func() {
		raw, err := sql.Open("sqlite3", "file:"+w.path+"?_busy_timeout=10000")
		if err != nil {
			t.Error(err)
			return
		}
		defer raw.Close()
		for ctx.Err() == nil {
			if _, err := raw.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	})
	// On a failure too, the writers stop before the store closes.
	defer func() {
		stop()
		days.Wait()
	}()
	countsOf := func(path string) [4]int {
		return [4]int{
			queryInt(t, path, `SELECT count(*) FROM papers`),
			queryInt(t, path, `SELECT count(*) FROM deliveries`),
			queryInt(t, path, `SELECT count(*) FROM alerts`),
			queryInt(t, path, `SELECT count(*) FROM alert_batches WHERE state = 'sent'`),
		}
	}
	type taken struct {
		path          string
		before, after [4]int
		printed       int
	}
	var copies []taken
	overlapped := 0
	for i := 0; i < 6 || (overlapped == 0 && i < 20); i++ {
		c := taken{path: filepath.Join(filepath.Dir(w.path), fmt.Sprintf("load-%d.db", i))}
		c.before = countsOf(w.path)
		c.printed = backupTo(t, w.path, c.path)
		c.after = countsOf(w.path)
		if c.before != c.after {
			overlapped++
		}
		copies = append(copies, c)
	}
	stop()
	days.Wait()
	if overlapped == 0 {
		t.Fatalf("the database did not change during any of %d backups (%d rounds of writes)", len(copies), rounds)
	}

	t.Logf("%d backups, %d taken while the database changed, over %d rounds of digests and alerts", len(copies), overlapped, rounds)
	for _, c := range copies {
		t.Logf("%s: before %v, after %v", filepath.Base(c.path), c.before, c.after)
	}
	final := dumpTables(t, w.path)
	inFinal := map[string]map[string]bool{}
	keyed := map[string]string{ // a row's identity, which later updates keep
		"papers":        `SELECT id FROM papers`,
		"deliveries":    `SELECT key || ' ' || kind || ' ' || coalesce(header_id, '') FROM deliveries`,
		"alerts":        `SELECT platform || ' ' || user_id || ' ' || paper_id FROM alerts`,
		"alert_batches": `SELECT id || ' ' || user_id FROM alert_batches`,
		"list_papers":   `SELECT list_date || ' ' || paper_id || ' ' || position FROM list_papers`,
	}
	keys := func(path, query string) []string {
		db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var k string
			rows.Scan(&k)
			out = append(out, k)
		}
		return out
	}
	for tb, q := range keyed {
		inFinal[tb] = map[string]bool{}
		for _, k := range keys(w.path, q) {
			inFinal[tb][k] = true
		}
	}
	// How many items each thread planned, in the database after the load.
	plannedItems := func(path string) map[string]int {
		out := map[string]int{}
		for _, k := range keys(path, `SELECT h.key || '=' || (SELECT count(*) FROM deliveries i WHERE i.header_id = h.id) FROM deliveries h WHERE h.kind = 'header'`) {
			key, n, _ := strings.Cut(k, "=")
			var v int
			fmt.Sscan(n, &v)
			out[key] = v
		}
		return out
	}
	finalThreads := plannedItems(w.path)
	for _, c := range copies {
		name := filepath.Base(c.path)
		checkCopy(t, c.path)
		got := countsOf(c.path)
		for i, what := range []string{"papers", "deliveries", "alerts", "DMs sent"} {
			if got[i] < c.before[i] || got[i] > c.after[i] {
				t.Errorf("%s: %d %s, want between %d (before) and %d (after)", name, got[i], what, c.before[i], c.after[i])
			}
		}
		if c.printed != got[0] {
			t.Errorf("%s: backup printed %d papers, the copy holds %d", name, c.printed, got[0])
		}
		for tb, q := range keyed {
			for _, k := range keys(c.path, q) {
				if !inFinal[tb][k] {
					t.Errorf("%s: %s row %q is not in the database", name, tb, k)
					break
				}
			}
		}
		for key, n := range plannedItems(c.path) {
			if n != finalThreads[key] || n != 10 {
				t.Errorf("%s: thread %s has %d items, the database %d (want all 10: one transaction)", name, key, n, finalThreads[key])
			}
		}
		if n := queryInt(t, c.path, `SELECT count(*) FROM lists WHERE papers <> (SELECT count(*) FROM list_papers lp WHERE lp.list_date = lists.list_date)`); n != 0 {
			t.Errorf("%s: %d lists without all their papers", name, n)
		}
	}
	// The last copy, used as a database: search finds its papers.
	last := copies[len(copies)-1].path
	r := runMain(t, testEnv(), "search", "diffusion study", "--db", last, "--source", "sample", "--limit", "3")
	if r.code != 0 || !strings.Contains(r.stdout, "Diffusion study") {
		t.Errorf("search on a copy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if len(final["papers"]) == 0 {
		t.Error("no papers written")
	}
}
