package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/bot"
)

// The concurrency tests are not parallel: they measure time and load the
// machine, so they run alone.

// errList collects errors from goroutines.
type errList struct {
	mu   sync.Mutex
	errs []error
}

func (l *errList) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) < 20 {
		l.errs = append(l.errs, err)
	}
}

func (l *errList) report(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, err := range l.errs {
		t.Error(err)
	}
}

// writer saves a list, plans and delivers a digest and records a run, over
// and over, on its own channel and days, until ctx ends. It returns how
// many rounds it completed.
func writer(ctx context.Context, db *DB, w int, errs *errList) int {
	ch := bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(w)}
	base := bot.Date{Year: 2026 + w, Month: time.January, Day: 1}
	rounds := 0
	for i := 0; ctx.Err() == nil; i++ {
		day := base.AddDays(i)
		var papers []bot.Paper
		for j := 0; j < 5; j++ {
			papers = append(papers, samplePaper(fmt.Sprintf("26%02d.%05d", w+1, i*5+j), i+j, day))
		}
		now := t0.Add(time.Duration(i) * time.Minute)
		// context.Background: the work of a round is not cut short by the
		// deadline, so a cancelled context never shows up as an error.
		bg := context.Background()
		if _, err := db.SaveList(bg, day, papers, now); err != nil {
			errs.add(fmt.Errorf("writer %d: SaveList: %w", w, err))
			return rounds
		}
		plan, _, err := db.PlanDigest(bg, ch, digestOf(day, papers[:2]...), now)
		if err != nil {
			errs.add(fmt.Errorf("writer %d: PlanDigest: %w", w, err))
			return rounds
		}
		for _, d := range append([]bot.Delivery{plan.Header}, plan.Items...) {
			if _, err := db.Claim(bg, d.Key, now); err != nil {
				errs.add(fmt.Errorf("writer %d: Claim: %w", w, err))
				return rounds
			}
			if err := db.Confirm(bg, d.Key, bot.Sent{MessageID: d.Key}, now); err != nil {
				errs.add(fmt.Errorf("writer %d: Confirm: %w", w, err))
				return rounds
			}
		}
		if err := db.RecordRun(bg, bot.Run{Channel: ch, Slot: now, At: now, ListDate: day,
			Outcome: bot.OutcomePosted, Papers: 2}); err != nil {
			errs.add(fmt.Errorf("writer %d: RecordRun: %w", w, err))
			return rounds
		}
		rounds++
	}
	return rounds
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	ctx := t.Context()
	db, _ := openDB(t)
	for i := 0; i < 8; i++ {
		if err := db.SaveChannel(ctx, sampleChannel("discord", fmt.Sprint(i)), t0); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	var (
		wg           sync.WaitGroup
		errs         errList
		rounds, read atomic.Int64
	)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rounds.Add(int64(writer(runCtx, db, w, &errs)))
		}()
	}
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bg := context.Background()
			ch := bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(r)}
			day := bot.Date{Year: 2026 + r, Month: time.January, Day: 1}
			for runCtx.Err() == nil {
				if _, err := db.ListPapers(bg, day); err != nil {
					errs.add(fmt.Errorf("reader %d: ListPapers: %w", r, err))
					return
				}
				chans, err := db.Channels(bg)
				if err != nil {
					errs.add(fmt.Errorf("reader %d: Channels: %w", r, err))
					return
				}
				if len(chans) != 8 {
					errs.add(fmt.Errorf("reader %d: Channels = %d, want 8", r, len(chans)))
					return
				}
				if _, err := db.GetPlan(bg, ch, day); err != nil && !errors.Is(err, bot.ErrNotFound) {
					errs.add(fmt.Errorf("reader %d: GetPlan: %w", r, err))
					return
				}
				read.Add(1)
			}
		}()
	}
	wg.Wait()
	errs.report(t)
	if rounds.Load() < 8 || read.Load() < 8 {
		t.Errorf("only %d write rounds and %d read rounds: the test did not exercise anything", rounds.Load(), read.Load())
	}
	t.Logf("%d write rounds, %d read rounds", rounds.Load(), read.Load())

	// Every round that finished is whole.
	for w := 0; w < 8; w++ {
		ch := bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(w)}
		plans, err := db.OpenPlans(ctx, ch)
		if err != nil || len(plans) != 0 {
			t.Errorf("OpenPlans(%v) = %d plans, %v; want none", ch, len(plans), err)
		}
	}
}

func TestTwoHandlesWriteConcurrently(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "p.db")
	// Two processes starting at once on a new file.
	var handles [2]*DB
	var openErrs [2]error
	var wg sync.WaitGroup
	for i := range handles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handles[i], openErrs[i] = Open(ctx, path)
		}()
	}
	wg.Wait()
	for i, err := range openErrs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { handles[i].Close() })
	}
	for i, db := range handles {
		got, err := db.Migrations(ctx)
		if err != nil || !cmp.Equal(got, migrationNames(t)) {
			t.Errorf("handle %d: Migrations = %v, %v; want each applied once", i, got, err)
		}
	}

	runCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var errs errList
	var rounds [4]int
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rounds[w] = writer(runCtx, handles[w%2], w, &errs)
		}()
	}
	wg.Wait()
	errs.report(t)

	// Each handle sees what the other wrote.
	for w := 0; w < 4; w++ {
		if rounds[w] == 0 {
			t.Errorf("writer %d completed no round", w)
			continue
		}
		ch := bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(w)}
		reader := handles[(w+1)%2]
		last, err := reader.LastRun(ctx, ch)
		if err != nil {
			t.Errorf("LastRun(%v) through the other handle: %v", ch, err)
			continue
		}
		want := bot.Date{Year: 2026 + w, Month: time.January, Day: 1}.AddDays(rounds[w] - 1)
		if last.ListDate != want {
			t.Errorf("LastRun(%v).ListDate = %v, want %v", ch, last.ListDate, want)
		}
	}
}

func TestReadNotBlockedByWrite(t *testing.T) {
	ctx := t.Context()
	db, path := openDB(t)
	p := samplePaper("2603.00001", 5, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{p}, t0); err != nil {
		t.Fatal(err)
	}

	// Another program holds the write lock for a while.
	raw := openRaw(t, path, "_txlock=immediate")
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE papers SET upvotes = 1000`); err != nil {
		t.Fatal(err)
	}
	const hold = 300 * time.Millisecond
	var released atomic.Bool
	begun := time.Now()
	commitDone := make(chan error, 1)
	time.AfterFunc(hold, func() {
		released.Store(true)
		commitDone <- tx.Commit()
	})

	// A write through the store waits for the lock (this is what makes the
	// read below meaningful)...
	writeDone := make(chan time.Duration, 1)
	go func() {
		q := p
		q.Upvotes = 7
		if _, err := db.SaveList(context.Background(), day1, []bot.Paper{q}, at(1)); err != nil {
			t.Errorf("SaveList during the other program's transaction: %v", err)
		}
		writeDone <- time.Since(begun)
	}()
	time.Sleep(50 * time.Millisecond) // the store's write is now waiting for the lock

	// ...while a read answers at once, from the last committed state: it
	// neither waits for the other program nor queues behind the store's
	// own waiting write.
	start := time.Now()
	got, err := db.ListPapers(ctx, day1)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("ListPapers during a write transaction: %v", err)
	}
	if released.Load() {
		t.Errorf("ListPapers returned after the write transaction ended (%v): it waited for the writer", elapsed)
	}
	if elapsed > hold/2 {
		t.Errorf("ListPapers took %v during a write transaction, want well under %v", elapsed, hold)
	}
	if len(got) != 1 || got[0].Upvotes != 5 {
		t.Errorf("ListPapers during the transaction = %+v, want the committed paper with 5 upvotes", got)
	}

	if err := <-commitDone; err != nil {
		t.Fatalf("commit: %v", err)
	}
	waited := <-writeDone
	if waited < hold*9/10 {
		t.Errorf("SaveList finished after %v, before the other program released the lock at %v", waited, hold)
	}
	got, err = db.ListPapers(ctx, day1)
	if err != nil || len(got) != 1 || got[0].Upvotes != 7 {
		t.Errorf("ListPapers after both writes = %+v, %v; want 7 upvotes (the later write)", got, err)
	}
}

// Switching a new file to WAL needs it to itself, and SQLite answers
// "database is locked" at once instead of waiting the busy timeout: Open
// must wait, or a program starting while another one writes the new file
// (a second paperboy, the sqlite3 shell) fails.
func TestOpenWaitsForWALSwitch(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "p.db")
	raw := openRaw(t, path, "_txlock=immediate") // a rollback-journal file, as sqlite3 makes it
	if _, err := raw.Exec(`CREATE TABLE other_program (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO other_program VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	const hold = 300 * time.Millisecond
	time.AfterFunc(hold, func() { tx.Commit() })
	start := time.Now()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open while another program writes the new file: %v", err)
	}
	defer db.Close()
	if waited := time.Since(start); waited < hold*9/10 {
		t.Errorf("Open returned after %v, before the other program's write ended at %v", waited, hold)
	}
	var mode string
	if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if got, err := db.Migrations(ctx); err != nil || !cmp.Equal(got, migrationNames(t)) {
		t.Errorf("Migrations = %v, %v; want each applied once", got, err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM other_program`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the other program's row: %d, %v; want 1 (its write kept)", n, err)
	}
}
