package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestAlertsOncePerUserAndPaper(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	day := bot.Date{Year: 2026, Month: 3, Day: 2}
	var ps []bot.Paper
	for i := 0; i < 450; i++ { // more than one multi-row INSERT
		ps = append(ps, bot.Paper{ID: fmt.Sprintf("2603.%05d", i), Title: fmt.Sprintf("P%d", i), Upvotes: i})
	}
	res, err := db.SaveLiveList(ctx, day, ps, t0)
	if err != nil || res.New != 450 {
		t.Fatalf("%+v %v", res, err)
	}
	// A second live save queues nothing new; a plain SaveList never queues.
	if _, err := db.SaveLiveList(ctx, day, ps, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveList(ctx, day, []bot.Paper{{ID: "2603.99999", Title: "x"}}, t0); err != nil {
		t.Fatal(err)
	}
	queued, err := db.QueuedPapers(ctx)
	if err != nil || len(queued) != 450 {
		t.Fatalf("queued %d, %v", len(queued), err)
	}
	u := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U1"}
	if err := db.SetAlertMode(ctx, u, bot.AlertMode{}, t0); err != nil { // creates the user
		t.Fatal(err)
	}
	// Alerts of a user who is not (any more) known are not kept.
	gone := bot.UserRef{Platform: "slack", TeamID: "T1", ID: "U2"}
	if n, err := db.SaveAlerts(ctx, []bot.Alert{{User: gone, PaperID: ps[0].ID, Topics: []int64{9}}}, nil, t0); err != nil || n != 0 {
		t.Fatalf("alerts of an unknown user: %d %v", n, err)
	}
	if r, _ := db.ForgetUser(ctx, gone); r.Alerts != 0 {
		t.Fatalf("an unknown user's alerts were kept: %+v", r)
	}
	var alerts []bot.Alert
	for _, p := range ps {
		alerts = append(alerts, bot.Alert{User: u, PaperID: p.ID, Topics: []int64{1, 2}})
	}
	var done []string
	for _, p := range queued {
		done = append(done, p.ID)
	}
	if n, err := db.SaveAlerts(ctx, alerts, done, t0); err != nil || n != 450 {
		t.Fatalf("saved %d, %v", n, err)
	}
	if q, _ := db.QueuedPapers(ctx); len(q) != 0 {
		t.Fatalf("%d still queued", len(q))
	}
	// The same (user, paper) again, with another topic: nothing new.
	if n, err := db.SaveAlerts(ctx, []bot.Alert{{User: u, PaperID: ps[0].ID, Topics: []int64{3}}}, nil, t0); err != nil || n != 0 {
		t.Fatalf("saved %d again, %v", n, err)
	}
	b, err := db.TakeBatch(ctx, u, time.Time{}, t0)
	if err != nil || b == nil || len(b.Items) != 450 || b.Items[0].Paper.Upvotes != 449 || fmt.Sprint(b.Items[0].Topics) != "[1 2]" || b.Prev != bot.StatePlanned {
		t.Fatalf("batch %+v %v", b, err)
	}
	// Claimed again before it is confirmed: the same batch, marked as
	// possibly sent.
	again, err := db.TakeBatch(ctx, u, time.Time{}, t0)
	if err != nil || again.ID != b.ID || again.Prev != bot.StateSending || again.Attempts != 2 {
		t.Fatalf("again %+v %v", again, err)
	}
	if err := db.ConfirmPart(ctx, b.ID, 0, bot.Sent{MessageID: "m", ThreadID: "D1"}, true, t0); err != nil {
		t.Fatal(err)
	}
	if b, err := db.TakeBatch(ctx, u, time.Time{}, t0); err != nil || b != nil {
		t.Fatalf("nothing left, got %+v %v", b, err)
	}
	if users, err := db.AlertUsers(ctx); err != nil || len(users) != 0 {
		t.Fatalf("alert users %v %v", users, err)
	}
	res2, err := db.ForgetUser(ctx, u)
	if err != nil || res2.Alerts != 450 || res2.Batches != 1 || res2.Users != 1 {
		t.Fatalf("forget %+v %v", res2, err)
	}
}
