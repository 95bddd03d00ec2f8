package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
)

// The document frequencies the store keeps equal FTS5's own counts after
// ingesting real papers in batches (with repeats inside a batch), after
// updates that change, add and blank indexed text, and after live lists.
func TestSearchTermsFollowCorpus(t *testing.T) {
	t.Parallel()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "..", "..", "shared", "data", "hf_daily_corpus.jsonl.gz")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared corpus not found at %s (it lives in ../shared/data next to the repository): %v", path, err)
	}
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
	for i := 0; i < len(papers); i += 1000 {
		batch := append([]bot.Paper{}, papers[i:min(i+1000, len(papers))]...)
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
	for i, p := range papers[:500] {
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
