package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// TestGoMatcherAgreesWithIndex runs queries over the whole shared corpus
// both ways, with the Go matcher (channel filters, topic alerts) and with
// the full-text index (search), and requires the same papers: the Go side
// splits and stems words exactly as the index does.
func TestGoMatcherAgreesWithIndex(t *testing.T) {
	corpus := corpusPath(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := huggingface.OpenFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	seen := map[string]bool{}
	var keywords []string
	var batch []bot.Paper
	err = a.All(ctx, func(p bot.Paper) error {
		if !seen[p.ID] {
			seen[p.ID] = true
			ids = append(ids, p.ID)
		}
		keywords = append(keywords, p.AIKeywords...)
		batch = append(batch, p)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavePapers(ctx, batch, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The papers as stored (a paper listed twice is merged).
	papers := make([]bot.Paper, len(ids))
	toks := make([]bot.PaperTokens, len(ids))
	for i, id := range ids {
		if papers[i], err = db.GetPaper(ctx, id); err != nil {
			t.Fatal(err)
		}
		toks[i] = bot.TokenizePaper(papers[i])
	}
	queries := []string{
		"diffusion", "video generation", `"mixture of experts"`, "routing -survey", `agent -"tool use"`,
		"(video OR audio) generation", "llm OR vlm", `author:"zhang"`, "author:Müller", "org:meta reasoning",
		"upvotes:>=50", "has:code reinforcement", "has:project 3d", "since:2026-01-01 reasoning", "before:2024-09-01 benchmark",
		"gpt-4", "state-of-the-art", "u.s.", "naïve", "résumé", "KV-cache", "3d gaussian splatting", "o1", "x-ray",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for len(queries) < 300 {
		k := keywords[r.IntN(len(keywords))]
		switch r.IntN(4) {
		case 0:
			queries = append(queries, `"`+strings.ReplaceAll(k, `"`, "")+`"`)
		case 1:
			queries = append(queries, k+" -"+strings.Fields(keywords[r.IntN(len(keywords))] + " x")[0])
		case 2:
			queries = append(queries, k+" OR "+keywords[r.IntN(len(keywords))])
		default:
			queries = append(queries, k)
		}
	}
	now := time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)
	checked, matches := 0, 0
	for _, s := range queries {
		q, err := bot.ParseQuery(s, now)
		if err != nil {
			continue // a generated keyword may not be a valid query (e.g. a field-like word)
		}
		fromIndex, err := db.MatchIDs(ctx, q, nil)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var onlyIndex, onlyGo []string
		match := q.Matcher()
		for i, p := range papers {
			goMatch := match(p, &toks[i])
			switch {
			case goMatch && !fromIndex[p.ID]:
				onlyGo = append(onlyGo, p.ID)
			case !goMatch && fromIndex[p.ID]:
				onlyIndex = append(onlyIndex, p.ID)
			}
			if goMatch {
				matches++
			}
		}
		if len(onlyIndex)+len(onlyGo) > 0 {
			sort.Strings(onlyIndex)
			sort.Strings(onlyGo)
			t.Errorf("%q: only the index finds %v; only Go finds %v", s, head(onlyIndex), head(onlyGo))
		}
		checked++
	}
	if checked < 250 {
		t.Fatalf("only %d queries checked", checked)
	}
	t.Logf("%d queries over %d papers agree (%d matches)", checked, len(papers), matches)
}

func head(xs []string) string {
	if len(xs) > 5 {
		return fmt.Sprint(xs[:5]) + fmt.Sprintf(" and %d more", len(xs)-5)
	}
	return fmt.Sprint(xs)
}
