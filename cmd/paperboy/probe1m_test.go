package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestProbe1M(t *testing.T) {
	if os.Getenv("PAPERBOY_PROBE") == "" {
		t.Skip()
	}
	real := loadCorpus(t)
	t0 := time.Now()
	db, _ := open1M(t, real)
	t.Logf("open %v", time.Since(t0))
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	for _, shape := range benchShapes {
		for _, s := range benchQueries(real, shape, 2) {
			q, _ := bot.ParseQuery(s, now)
			t0 := time.Now()
			res, err := db.Search(context.Background(), bot.SearchRequest{Query: q, Limit: 10, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-14s %-40q %8.1f ms total=%d partial=%d", shape, s, float64(time.Since(t0).Microseconds())/1000, res.Total, res.PartialTotal)
		}
	}
}
