package store

import (
	"math"
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

// A phrase of several terms gets the sum of its terms' idfs: the score
// with the counts "n1,n2" is the score with one count n scaled by
// (idf(n1)+idf(n2))/idf(n), row by row.
func TestPaperboyBM25PhraseIDF(t *testing.T) {
	db := searchFixture(t)
	var rowsN int64
	if err := db.r.QueryRow(`SELECT count(*) FROM papers_fts`).Scan(&rowsN); err != nil {
		t.Fatal(err)
	}
	idf := func(n int64) float64 {
		return max(math.Log((float64(rowsN)-float64(n)+0.5)/(float64(n)+0.5)), 1e-6)
	}
	rows, err := db.r.Query(`SELECT rowid, paperboy_bm25(papers_fts, 10, 4, 4, 2, 1, '1,2'),
		paperboy_bm25(papers_fts, 10, 4, 4, 2, 1, 3) FROM papers_fts WHERE papers_fts MATCH '"mixture of experts"'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var phrase, single float64
		if err := rows.Scan(&id, &phrase, &single); err != nil {
			t.Fatal(err)
		}
		want := single * (idf(1) + idf(2)) / idf(3)
		if math.Abs(phrase-want) > 1e-9*math.Abs(want) || phrase == 0 {
			t.Errorf("row %d: score with counts 1,2 is %v, want %v", id, phrase, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no rows")
	}
}
