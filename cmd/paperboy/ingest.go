package main

import (
	"context"
	"fmt"
	"strings"
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
	return nil
}

type ingestStats struct {
	bot.SaveResult
	elements int
}

// ingest saves every element of an archive, in batches. Reading the next
// batch (gzip and JSON) overlaps with saving the last one.
func ingest(e *env, db *store.DB, a bot.Archive) (ingestStats, error) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	batches := make(chan []bot.Paper, 2)
	readErr := make(chan error, 1)
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
	var st ingestStats
	for batch := range batches {
		res, err := db.SavePapers(ctx, batch, time.Now())
		if err != nil {
			cancel()
			for range batches {
			}
			<-readErr
			return st, err
		}
		st.elements += len(batch)
		st.New += res.New
		st.Updated += res.Updated
	}
	return st, <-readErr
}
