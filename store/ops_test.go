package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestDeliveryBacklog: the rows planned or claimed and not confirmed, per
// platform and kind, go down as messages are confirmed.
func TestDeliveryBacklog(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	backlog := func() []bot.Backlog {
		t.Helper()
		b, err := db.DeliveryBacklog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := backlog(); len(b) != 0 {
		t.Fatalf("an empty store has a backlog: %+v", b)
	}
	papers := savePapers(t, db, day1, "2603", 3)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}
	plan, _, err := db.PlanDigest(ctx, ch, digestOf(day1, papers...), at(1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bot.Backlog{{Platform: "discord", Kind: "channel", Rows: 4}}, backlog()); diff != "" {
		t.Errorf("a planned thread (-want +got):\n%s", diff)
	}
	for _, d := range []bot.Delivery{plan.Header, plan.Items[0]} {
		if _, err := db.Claim(ctx, d.Key, at(2)); err != nil {
			t.Fatal(err)
		}
		if err := db.Confirm(ctx, d.Key, bot.Sent{MessageID: "m", ThreadID: "t"}, at(2)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Claim(ctx, plan.Items[1].Key, at(3)); err != nil { // claimed, never confirmed
		t.Fatal(err)
	}

	// An alert batch waiting for a Slack user.
	u := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}
	if err := db.SetAlertMode(ctx, u, bot.AlertMode{}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveAlerts(ctx, []bot.Alert{{User: u, PaperID: papers[0].ID, Topics: []int64{1}}}, nil, t0); err != nil {
		t.Fatal(err)
	}
	batch, err := db.TakeBatch(ctx, u, time.Time{}, t0)
	if err != nil || batch == nil {
		t.Fatalf("batch %+v %v", batch, err)
	}
	want := []bot.Backlog{{Platform: "discord", Kind: "channel", Rows: 2}, {Platform: "slack", Kind: "dm", Rows: 1}}
	if diff := cmp.Diff(want, backlog()); diff != "" {
		t.Errorf("two items and a batch left (-want +got):\n%s", diff)
	}
	if err := db.ConfirmPart(ctx, batch.ID, 0, bot.Sent{MessageID: "m", ThreadID: "D1"}, true, t0); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[:1], backlog()); diff != "" {
		t.Errorf("the batch confirmed (-want +got):\n%s", diff)
	}
}

// TestLastPosts: per channel, when its newest posted digest ran; runs that
// did not post do not count, and a channel that never posted is absent.
func TestLastPosts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	a := bot.Channel{ChannelRef: bot.ChannelRef{Platform: "slack", ID: "C1"}, Settings: bot.DefaultSettings("UTC")}
	b := bot.Channel{ChannelRef: bot.ChannelRef{Platform: "console", ID: "stdout"}, Settings: bot.DefaultSettings("UTC")}
	for _, ch := range []bot.Channel{a, b} {
		if err := db.SaveChannel(ctx, ch, t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []bot.Run{
		{Channel: a.ChannelRef, At: at(10), Outcome: bot.OutcomePosted, Papers: 3},
		{Channel: a.ChannelRef, At: at(20), Outcome: bot.OutcomePosted, Papers: 3},
		{Channel: a.ChannelRef, At: at(30), Outcome: bot.OutcomeEmpty, Reason: "already posted"},
		{Channel: b.ChannelRef, At: at(40), Outcome: bot.OutcomeWaiting, Reason: "no list yet"},
		// A channel removed since: not reported.
		{Channel: bot.ChannelRef{Platform: "slack", ID: "C9"}, At: at(50), Outcome: bot.OutcomePosted},
	} {
		if err := db.RecordRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.LastPosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[bot.ChannelRef]time.Time{a.ChannelRef: at(20)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LastPosts (-want +got):\n%s", diff)
	}
}

// TestSize: the file and its write-ahead log, growing as papers are saved.
func TestSize(t *testing.T) {
	t.Parallel()
	db, path := openDB(t)
	before, err := db.Size()
	if err != nil || before <= 0 {
		t.Fatalf("Size = %d, %v", before, err)
	}
	savePapers(t, db, day1, "2603", 200)
	after, err := db.Size()
	if err != nil {
		t.Fatal(err)
	}
	main, _ := os.Stat(path)
	wal, _ := os.Stat(path + "-wal")
	if after <= before || after != main.Size()+wal.Size() {
		t.Errorf("Size after saving 200 papers = %d (before %d), want the file (%d) and the WAL (%d) together", after, before, main.Size(), wal.Size())
	}
}

// TestCheckWritable: a database file made read-only (even for root, who
// could still write it) or whose write lock another process holds is not
// writable, in one line saying which; made writable again, it is.
func TestCheckWritable(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	if err := db.CheckWritable(ctx); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	for _, p := range []string{path, path + "-wal"} {
		if err := os.Chmod(p, 0o444); err != nil {
			t.Fatal(err)
		}
		err := db.CheckWritable(ctx)
		if err == nil || !strings.Contains(err.Error(), p+" is read-only (mode 0444)") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s made read-only: %v, want one line saying so", p, err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckWritable(ctx); err != nil {
			t.Errorf("%s writable again: %v", p, err)
		}
	}

	// Another connection holds the write lock: the check gives up when its
	// context ends, long before the busy timeout.
	raw := openRaw(t, path, "")
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = db.CheckWritable(short)
	if err == nil || !strings.Contains(err.Error(), "the write lock was not free") || time.Since(start) > 5*time.Second {
		t.Errorf("with the write lock held elsewhere: %v after %s, want an error", err, time.Since(start).Round(time.Millisecond))
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckWritable(ctx); err != nil {
		t.Errorf("after the lock was let go: %v", err)
	}
}
