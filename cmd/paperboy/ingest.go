package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// ingestBatch is how many papers go into one transaction.
const ingestBatch = 2000

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

// ingest saves every element of an archive, in batches.
func ingest(e *env, db *store.DB, a bot.Archive) (ingestStats, error) {
	var st ingestStats
	batch := make([]bot.Paper, 0, ingestBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := db.SavePapers(e.ctx, batch, time.Now())
		if err != nil {
			return err
		}
		st.New += res.New
		st.Updated += res.Updated
		batch = batch[:0]
		return nil
	}
	err := a.All(e.ctx, func(p bot.Paper) error {
		st.elements++
		batch = append(batch, p)
		if len(batch) == ingestBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return st, err
}
