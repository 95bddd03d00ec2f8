package store

import (
	"errors"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// changeCode gives the posted paper p code and plans the follow-up in
// every channel showing it, at minute n.
func changeCode(t *testing.T, db *DB, p bot.Paper, n int) {
	t.Helper()
	ctx := t.Context()
	p.GitHubRepo = "https://github.com/a/" + p.ID
	if err := db.SaveRefreshed(ctx, p, bot.Linked{}, at(n+1000), at(n)); err != nil {
		t.Fatal(err)
	}
	items, err := db.ChangedItems(ctx, []string{"discord", "slack"}, at(-60), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if _, err := db.PlanFollowups(ctx, it, bot.Detect(it.Shown, it.Now()), it.Now(), at(n)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWatchStoreToggleAndLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ps := codelessPapers(t, db, 3)
	ann, bob := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}, bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U2"}
	for i, want := range []bool{true, false, true} {
		watching, p, err := db.ToggleWatch(ctx, ann, ps[0].ID, 2, at(i))
		if err != nil || watching != want || p.ID != ps[0].ID {
			t.Fatalf("press %d: watching %v (want %v), paper %q, %v", i+1, watching, want, p.ID, err)
		}
	}
	if _, _, err := db.ToggleWatch(ctx, ann, ps[1].ID, 2, at(3)); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.ToggleWatch(ctx, ann, ps[2].ID, 2, at(4))
	if bot.ErrorCode(err) != bot.EInvalid {
		t.Errorf("a third watch with at most 2: %v", err)
	}
	// Pressing again still unwatches at the limit.
	if watching, _, err := db.ToggleWatch(ctx, ann, ps[1].ID, 2, at(5)); err != nil || watching {
		t.Errorf("unwatching at the limit: %v %v", watching, err)
	}
	if _, _, err := db.ToggleWatch(ctx, ann, "2603.99999", 2, at(6)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("watching a paper the store does not have: %v", err)
	}
	if _, _, err := db.ToggleWatch(ctx, bob, ps[0].ID, 2, at(7)); err != nil {
		t.Fatal(err)
	}
	ws, err := db.Watches(ctx, ann)
	if err != nil || len(ws) != 1 || ws[0].Paper.ID != ps[0].ID || !ws[0].Created.Equal(at(2)) || !ws[0].LastPosted.IsZero() {
		t.Fatalf("ann's watches %+v %v", ws, err)
	}
	// Unwatching one user's watch leaves the other's.
	if removed, err := db.Unwatch(ctx, bob, ps[0].ID); err != nil || !removed {
		t.Fatalf("bob unwatch: %v %v", removed, err)
	}
	if removed, _ := db.Unwatch(ctx, bob, ps[0].ID); removed {
		t.Error("a second unwatch removed something")
	}
	if ws, _ := db.Watches(ctx, ann); len(ws) != 1 {
		t.Errorf("bob's unwatch removed ann's watch: %+v", ws)
	}
}

func TestWatchStoreTellsWatchersThroughBatches(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	ps := codelessPapers(t, db, 3)
	postItems(t, db, ps, bot.ChannelRef{Platform: "discord", ID: "1"})
	ann := bot.UserRef{Platform: "discord", ID: "501"}
	cat := bot.UserRef{Platform: "discord", ID: "503"}
	eve := bot.UserRef{Platform: "discord", ID: "505"}
	for _, u := range []bot.UserRef{ann, cat, eve} {
		for _, p := range ps[:2] {
			if _, _, err := db.ToggleWatch(ctx, u, p.ID, 10, at(2)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ws, err := db.Watches(ctx, ann); err != nil || len(ws) != 2 || !ws[0].LastPosted.Equal(at(1)) {
		t.Fatalf("watches of a posted paper: %+v %v", ws, err)
	}
	if err := db.PauseAlerts(ctx, cat, "paused", "", at(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Unwatch(ctx, eve, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	changeCode(t, db, ps[0], 10)
	changeCode(t, db, ps[1], 20)

	users, err := db.AlertUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Ref.ID)
	}
	if len(names) != 2 || names[0] != "501" || names[1] != "505" {
		t.Errorf("users with alerts waiting: %v, want ann and eve (cat is paused)", names)
	}
	// A daily cutoff between the two changes takes only the first.
	b, err := db.TakeBatch(ctx, ann, at(15), at(30))
	if err != nil || b == nil || len(b.Watched) != 1 || b.Watched[0].Paper.ID != ps[0].ID || b.Watched[0].Paper.GitHubRepo == "" {
		t.Fatalf("ann's first batch %+v %v", b, err)
	}
	if err := db.ConfirmPart(ctx, b.ID, 0, bot.Sent{MessageID: "dm1", ThreadID: "dmc"}, true, at(31)); err != nil {
		t.Fatal(err)
	}
	b, err = db.TakeBatch(ctx, ann, time.Time{}, at(40))
	if err != nil || b == nil || len(b.Watched) != 1 || b.Watched[0].Paper.ID != ps[1].ID {
		t.Fatalf("ann's second batch %+v %v", b, err)
	}
	if err := db.ConfirmPart(ctx, b.ID, 0, bot.Sent{MessageID: "dm2", ThreadID: "dmc"}, true, at(41)); err != nil {
		t.Fatal(err)
	}
	if b, err := db.TakeBatch(ctx, ann, time.Time{}, at(50)); err != nil || b != nil {
		t.Errorf("a third batch: %+v %v", b, err)
	}
	// eve stopped watching the second paper before it changed.
	b, err = db.TakeBatch(ctx, eve, time.Time{}, at(40))
	if err != nil || b == nil || len(b.Watched) != 1 || b.Watched[0].Paper.ID != ps[0].ID {
		t.Fatalf("eve's batch %+v %v", b, err)
	}
	res, err := db.ForgetUser(ctx, eve)
	if err != nil || res.Watches != 1 {
		t.Fatalf("forget eve: %+v %v", res, err)
	}
	if n := count(t, openRaw(t, path, ""), `SELECT count(*) FROM watch_alerts WHERE user_id = '505'`); n != 0 {
		t.Errorf("%d watch alerts of eve left after forget-me", n)
	}
}
