package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/corpustest"
)

// The document frequencies the store keeps equal FTS5's own counts after
// ingesting real papers in batches (with repeats inside a batch), after
// updates that change, add and blank indexed text, and after live lists.
// The papers are the first 3,000 of the shared corpus, or in a fresh
// clone the 330 of its slice: three batches either way, the first sixth
// of the papers updated.
func TestSearchTermsFollowCorpus(t *testing.T) {
	t.Parallel()
	path, _ := corpustest.FullOrSlice(t)
	a, err := huggingface.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var papers []bot.Paper
	if err := a.All(context.Background(), func(p bot.Paper) error {
		if len(papers) < 3000 {
			papers = append(papers, p)
		}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	db, dbPath := openDB(t)
	size := (len(papers) + 2) / 3 // 1,000 papers a batch on the shared corpus
	for i := 0; i < len(papers); i += size {
		batch := append([]bot.Paper{}, papers[i:min(i+size, len(papers))]...)
		// A paper repeated in its batch, with other text the second time.
		again := batch[10]
		again.Title += " revisited with graphs"
		batch = append(batch, again)
		if _, err := db.SavePapers(ctx, batch, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	checkFTS(t, dbPath)

	// Updates: new words in titles and summaries, keywords replaced, an
	// abstract changed to words no other paper has.
	var changed []bot.Paper
	for i, p := range papers[:len(papers)/6] {
		switch i % 4 {
		case 0:
			p.Title = "Quokka " + p.Title
		case 1:
			p.AISummary = "A summary about zyzzyva beetles and " + strings.ToLower(p.Title)
		case 2:
			p.AIKeywords = []string{"xylophone tuning", "graphs"}
		case 3:
			p.Abstract = "Completely rewritten: qwertyuiop asdfghjkl."
		}
		changed = append(changed, p)
	}
	if _, err := db.SavePapers(ctx, changed, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveLiveList(ctx, bot.Date{Year: 2026, Month: 11, Day: 26}, changed[:50], time.Now()); err != nil {
		t.Fatal(err)
	}
	checkFTS(t, dbPath)
}
