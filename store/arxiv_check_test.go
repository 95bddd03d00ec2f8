package store

import (
	"errors"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestArxivChecksSaveWhatArxivSays: posted papers are due for a look-up
// once each (two channels show them); arXiv's records fill in versions
// and comments and keep Hugging Face's counters; a version 1 with arXiv's
// own spelling of the title is no change to compare; a record of a paper
// not asked is ignored; a paper arXiv has no record of is not due again
// until next.
func TestArxivChecksSaveWhatArxivSays(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ps := codelessPapers(t, db, 3)
	postItems(t, db, ps, bot.ChannelRef{Platform: "discord", ID: "1"}, bot.ChannelRef{Platform: "slack", ID: "C1"})
	plats := []string{"discord", "slack"}
	due, err := db.DueArxivChecks(ctx, plats, at(-60), at(2), 10)
	if err != nil || len(due) != 3 {
		t.Fatalf("due %v %v", due, err)
	}
	v1 := ps[0]
	v1.Version, v1.Title, v1.Upvotes = 1, ps[0].Title+": as arXiv writes it", 0
	v2 := bot.Paper{ID: ps[1].ID, Version: 2, Title: "A new title", ArxivComment: "Accepted at ICLR 2027", Categories: []string{"cs.LG"}}
	stray := bot.Paper{ID: "2603.99999", Version: 1, Title: "Not asked"}
	if err := db.SaveArxivChecked(ctx, due, []bot.Paper{v1, v2, stray}, at(400), at(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetPaper(ctx, stray.ID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a record not asked for was stored: %v", err)
	}
	got, _ := db.GetPaper(ctx, ps[1].ID)
	if got.Version != 2 || got.Title != "A new title" || got.ArxivComment != "Accepted at ICLR 2027" || got.Upvotes != ps[1].Upvotes {
		t.Errorf("v2 saved as %+v", got)
	}
	items, err := db.ChangedItems(ctx, plats, at(-60), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Paper.ID != ps[1].ID {
			t.Errorf("%s compared again: only its version 1 (as arXiv spells its title) came", it.Paper.ID)
		}
	}
	if len(items) != 2 {
		t.Errorf("%d items to compare, want the two showing v2", len(items))
	}
	if due, _ := db.DueArxivChecks(ctx, plats, at(-60), at(399), 10); len(due) != 0 {
		t.Errorf("due again before next: %v", due)
	}
	if due, _ := db.DueArxivChecks(ctx, plats, at(-60), at(400), 10); len(due) != 3 {
		t.Errorf("due at next: %v", due)
	}
}
