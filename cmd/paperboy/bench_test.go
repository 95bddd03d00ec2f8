package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// loadCorpus parses the shared corpus once.
func loadCorpus(b testing.TB) []bot.Paper {
	b.Helper()
	a, err := huggingface.OpenFile(corpusPath(b))
	if err != nil {
		b.Fatal(err)
	}
	var papers []bot.Paper
	if err := a.All(context.Background(), func(p bot.Paper) error {
		papers = append(papers, p)
		return nil
	}, nil); err != nil {
		b.Fatal(err)
	}
	return papers
}

// BenchmarkIngestCorpus ingests the 9,881 elements of the shared corpus into
// a fresh store (papers, list membership, full-text index), in the batches
// `paperboy ingest` uses. The baseline inserts the same rows into a bare
// table with no index, so the ratio is the cost of paperboy's schema.
//
//	go test -tags sqlite_fts5 -run '^$' -bench IngestCorpus -benchtime 5x -count 5 ./cmd/paperboy
func BenchmarkIngestCorpus(b *testing.B) {
	papers := loadCorpus(b)
	ctx := context.Background()
	b.Run("parse", func(b *testing.B) {
		path := corpusPath(b)
		for i := 0; i < b.N; i++ {
			a, err := huggingface.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			if err := a.All(ctx, func(bot.Paper) error { n++; return nil }, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(papers))*float64(b.N)/b.Elapsed().Seconds(), "papers/s")
	})
	b.Run("baseline-bare-table", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db, err := sql.Open("sqlite3", "file:"+filepath.Join(b.TempDir(), "bare.db")+"?_journal_mode=WAL&_synchronous=NORMAL")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE papers (id TEXT, title TEXT, abstract TEXT, authors TEXT, published_at TEXT,
				list_date TEXT, upvotes INTEGER, comments INTEGER, github_repo TEXT, github_stars INTEGER, project_page TEXT,
				thumbnail TEXT, ai_summary TEXT, ai_keywords TEXT, org_name TEXT, org_fullname TEXT)`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for start := 0; start < len(papers); start += ingestBatch {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range papers[start:min(start+ingestBatch, len(papers))] {
					if _, err := tx.Exec(`INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
						p.ID, p.Title, p.Abstract, strings.Join(p.Authors, "\n"), p.PublishedAt.Format(time.RFC3339),
						p.ListDate.String(), p.Upvotes, p.Comments, p.GitHubRepo, p.GitHubStars, p.ProjectPage, p.Thumbnail,
						p.AISummary, strings.Join(p.AIKeywords, "\n"), p.OrgName, p.OrgFullName); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(papers))*float64(b.N)/b.Elapsed().Seconds(), "papers/s")
	})
	b.Run("store", func(b *testing.B) {
		var size int64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), "paperboy.db")
			db, err := store.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			for start := 0; start < len(papers); start += ingestBatch {
				if _, err := db.SavePapers(ctx, papers[start:min(start+ingestBatch, len(papers))], time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			st, err := db.Stats(ctx)
			if err != nil || st.Papers != 9877 {
				b.Fatalf("stored %d papers, %v", st.Papers, err)
			}
			db.Close() // checkpoints the WAL into the file
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			size = fi.Size()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(papers))*float64(b.N)/b.Elapsed().Seconds(), "papers/s")
		b.ReportMetric(float64(size)/1e6, "MB")
	})
}

// BenchmarkSearchCorpus measures search latency over the shared corpus
// (9,877 papers), one sub-benchmark per query shape (50 generated queries
// each, see benchQueries), as the product runs them (top 10, all words
// first, then the any-word fill), and the first 10 queries of each shape
// as a LIKE scan baseline (every word required, ordered by upvotes).
//
//	go test -tags sqlite_fts5 -run '^$' -bench SearchCorpus -benchtime 150x ./cmd/paperboy
func BenchmarkSearchCorpus(b *testing.B) {
	papers := loadCorpus(b)
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "search.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for start := 0; start < len(papers); start += ingestBatch {
		if _, err := db.SavePapers(ctx, papers[start:min(start+ingestBatch, len(papers))], time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	benchSearchShapes(b, db, path, papers, 10)
}

// reportLatency reports the p50, p95 and p99 of lat in milliseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
