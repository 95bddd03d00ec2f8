package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestSearchCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	if r := runMain(t, testEnv(), "ingest", "--source", "sample", "--db", db); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r := runMain(t, testEnv(), "search", "agent environments", "--json", "--limit", "3", "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var hits []struct {
		ID    string  `json:"id"`
		Title string  `json:"title"`
		URL   string  `json:"url"`
		Score float64 `json:"score"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) == 0 || len(hits) > 3 {
		t.Fatalf("json: %v, %d hits\n%s", err, len(hits), r.stdout)
	}
	for i, h := range hits {
		if h.ID == "" || h.Title == "" || h.URL != "https://huggingface.co/papers/"+h.ID || h.Score <= 0 {
			t.Errorf("hit %d: %+v", i, h)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("not best first: %v > %v", h.Score, hits[i-1].Score)
		}
	}
	if hits[0].ID != "2608.19880" {
		t.Errorf("best hit %s %q, want EnvHarness (2608.19880)", hits[0].ID, hits[0].Title)
	}
	// The terminal form.
	r = runMain(t, testEnv(), "search", "agent environments", "--limit", "2", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, " 1. EnvHarness") || !strings.Contains(r.stdout, "https://huggingface.co/papers/2608.19880") {
		t.Fatalf("terminal: %s", r.stdout)
	}
	// A bad query: one line, exit 2.
	r = runMain(t, testEnv(), "search", `"unbalanced`, "--db", db)
	if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "quote") {
		t.Fatalf("bad query: exit %d %q", r.code, r.stderr)
	}
	r = runMain(t, testEnv(), "search", "--db", db)
	if r.code != 2 {
		t.Fatalf("no query: exit %d", r.code)
	}
}
