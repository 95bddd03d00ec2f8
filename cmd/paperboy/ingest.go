package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// ingestBatch is how many papers go into one transaction.
const ingestBatch = 5000

func cmdIngest(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments: %s", strings.Join(args, " "))
	}
	if path, ok := strings.CutPrefix(e.conf.Source, "file:"); ok {
		kind, err := sniffArxiv(path)
		if err != nil && kind == notArxiv && !os.IsNotExist(err) && !os.IsPermission(err) {
			return fmt.Errorf("ingest: %w", err)
		}
		if kind != notArxiv {
			return ingestArxiv(e, path, kind)
		}
	}
	src, err := e.openSource()
	if err != nil {
		return err
	}
	a, ok := src.(bot.Archive)
	if !ok {
		return usagef("ingest reads a whole source: use --source file:PATH or --source sample (for Hugging Face history, use backfill --from D --to D)")
	}
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	st, err := ingest(e, db, a)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(e.stdout, "ingested %d elements from %s: %d new papers, %d updated, in %s (%.0f elements/s)\n",
		st.elements, a.Name(), st.New, st.Updated, took.Round(time.Millisecond), float64(st.elements)/took.Seconds())
	fmt.Fprintf(e.stdout, "stored %d, skipped %d\n", st.New+st.Updated, len(st.skipped))
	for _, s := range st.skipped {
		fmt.Fprintf(e.stdout, "skipped %s\n", s)
	}
	return nil
}

type ingestStats struct {
	bot.SaveResult
	elements int
	skipped  []bot.Skip
}

// ingest saves every element of an archive, in batches. Reading the next
// batch (gzip and JSON) overlaps with saving the last one. Elements the
// source or the store skip are counted and named; they never stop the
// others.
func ingest(e *env, db *store.DB, a bot.Archive) (ingestStats, error) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	batches := make(chan []bot.Paper, 2)
	readErr := make(chan error, 1)
	var mu sync.Mutex
	var st ingestStats
	go func() {
		defer close(batches)
		batch := make([]bot.Paper, 0, ingestBatch)
		err := a.All(ctx, func(p bot.Paper) error {
			batch = append(batch, p)
			if len(batch) < ingestBatch {
				return nil
			}
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]bot.Paper, 0, ingestBatch)
			return nil
		}, func(s bot.Skip) {
			mu.Lock()
			st.elements++
			st.skipped = append(st.skipped, s)
			mu.Unlock()
		})
		if err == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		readErr <- err
	}()
	for batch := range batches {
		res, err := db.SavePapers(ctx, batch, time.Now())
		if err != nil {
			cancel()
			for range batches {
			}
			<-readErr
			return st, err
		}
		mu.Lock()
		st.elements += len(batch)
		st.New += res.New
		st.Updated += res.Updated
		for _, s := range res.Skipped {
			// The store names a paper by its place in the batch; its id
			// says more.
			st.skipped = append(st.skipped, bot.Skip{Where: "a paper", ID: s.ID, Reason: s.Reason})
		}
		mu.Unlock()
	}
	err := <-readErr
	return st, err
}
