package store

import (
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestPaperboyBM25MatchesBM25(t *testing.T) {
	db := searchFixture(t)
	_ = time.Now
	_ = bot.Date{}
	rows, err := db.r.Query(`SELECT rowid, bm25(papers_fts, 10, 4, 4, 2, 1),
		paperboy_bm25(papers_fts, 10, 4, 4, 2, 1, (SELECT count(*) FROM papers_fts WHERE papers_fts MATCH '"routing"'), (SELECT count(*) FROM papers_fts WHERE papers_fts MATCH '"experts"'))
		FROM papers_fts WHERE papers_fts MATCH '"routing" OR "experts"'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var a, b float64
		rows.Scan(&id, &a, &b)
		if a != b {
			t.Errorf("row %d: bm25 %v, paperboy_bm25 %v", id, a, b)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no rows")
	}
}
