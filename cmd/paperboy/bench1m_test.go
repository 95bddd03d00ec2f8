package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
	"github.com/paperboy-bot/paperboy/store/synth"
)

// papers1M is the size of the large synthetic corpus.
const papers1M = 1_000_000

// open1M opens the 1M-paper store of the search benchmarks, generating it
// (deterministically, from the shared corpus with synth.Seed) the first
// time. The file is kept between runs at $PAPERBOY_BENCH_1M_DB, or in the
// system's temporary directory, since building it takes minutes.
func open1M(tb testing.TB, real []bot.Paper) (*store.DB, string) {
	tb.Helper()
	path := os.Getenv("PAPERBOY_BENCH_1M_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), fmt.Sprintf("paperboy-bench-1m-%d.db", synth.Seed))
	}
	ctx := context.Background()
	if _, err := os.Stat(path); err == nil {
		db, err := store.Open(ctx, path)
		if err != nil {
			tb.Fatal(err)
		}
		if st, err := db.Stats(ctx); err == nil && st.Papers == papers1M {
			return db, path
		}
		db.Close()
		tb.Logf("%s is incomplete; building it again", path)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	gen := synth.New(real, bot.Date{Year: 2019, Month: 1, Day: 1}, 2800)
	batch := make([]bot.Paper, 0, ingestBatch)
	t0 := time.Now()
	flush := func() error {
		_, err := db.SavePapers(ctx, batch, t0)
		batch = batch[:0]
		return err
	}
	err = gen.Papers(papers1M, synth.Seed, func(p bot.Paper) error {
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		tb.Fatal(err)
	}
	el := time.Since(t0)
	db.Close()
	fi, _ := os.Stat(path)
	tb.Logf("built %s: %d papers in %.1f s (%.0f papers/s), %.0f MB", path, papers1M, el.Seconds(),
		papers1M/el.Seconds(), float64(fi.Size())/1e6)
	db, err = store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	return db, path
}

func TestBuild1M(t *testing.T) {
	if os.Getenv("PAPERBOY_1M") == "" {
		t.Skip("set PAPERBOY_1M=1 to build the 1M-paper benchmark store")
	}
	db, _ := open1M(t, loadCorpus(t))
	db.Close()
}
