package store

import (
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestBackfillSlices(t *testing.T) {
	t.Parallel()
	db, path := openDB(t)
	ctx := t.Context()
	day := bot.Date{Year: 2024, Month: time.November, Day: 27}
	key := "arxiv-api:cs.CL,cs.LG"
	if _, done, err := db.BackfillDone(ctx, key, day); err != nil || done {
		t.Fatalf("fresh store: done %v, err %v", done, err)
	}
	if err := db.MarkBackfilled(ctx, key, day, 412, at(1)); err != nil {
		t.Fatal(err)
	}
	if n, done, err := db.BackfillDone(ctx, key, day); err != nil || !done || n != 412 {
		t.Fatalf("after mark: %d papers, done %v, err %v", n, done, err)
	}
	// Another day, another key: not done.
	if _, done, _ := db.BackfillDone(ctx, key, day.AddDays(1)); done {
		t.Error("the next day is done without being marked")
	}
	if _, done, _ := db.BackfillDone(ctx, "arxiv-api:cs.CL", day); done {
		t.Error("a slice of other categories is done")
	}
	// Marking again replaces; the record survives reopening.
	if err := db.MarkBackfilled(ctx, key, day, 413, at(2)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkBackfilled(ctx, "", day, 1, at(2)); err == nil {
		t.Error("an empty key was accepted")
	}
	db.Close()
	db = openPath(t, path)
	if n, done, err := db.BackfillDone(ctx, key, day); err != nil || !done || n != 413 {
		t.Fatalf("after reopening: %d papers, done %v, err %v", n, done, err)
	}
}
