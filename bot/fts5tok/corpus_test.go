package fts5tok

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The shared corpus of Hugging Face daily papers.

type tokCorpusPaper struct {
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	AISummary  string   `json:"ai_summary"`
	AIKeywords []string `json:"ai_keywords"`
	Authors    []struct {
		Name string `json:"name"`
	} `json:"authors"`
}

var tokCorpus struct {
	once   sync.Once
	papers []tokCorpusPaper
	path   string
	err    error
}

// loadTokCorpus reads ../shared/data/hf_daily_corpus.jsonl.gz next to the
// repository root, skipping the test if it is absent.
func loadTokCorpus(tb testing.TB) []tokCorpusPaper {
	tb.Helper()
	tokCorpus.once.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			tokCorpus.err = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				tokCorpus.err = fmt.Errorf("no go.mod above the working directory")
				return
			}
			dir = parent
		}
		tokCorpus.path = filepath.Join(dir, "..", "shared", "data", "hf_daily_corpus.jsonl.gz")
		f, err := os.Open(tokCorpus.path)
		if err != nil {
			tokCorpus.err = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			tokCorpus.err = err
			return
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var line struct {
				Paper tokCorpusPaper `json:"paper"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				tokCorpus.err = fmt.Errorf("%s: line %d: %v", tokCorpus.path, len(tokCorpus.papers)+1, err)
				return
			}
			tokCorpus.papers = append(tokCorpus.papers, line.Paper)
		}
		tokCorpus.err = sc.Err()
	})
	if os.IsNotExist(tokCorpus.err) {
		tb.Skipf("shared corpus absent (%v): skipping the comparison with SQLite on real papers", tokCorpus.err)
	}
	if tokCorpus.err != nil {
		tb.Fatalf("reading the shared corpus: %v", tokCorpus.err)
	}
	return tokCorpus.papers
}

var tokCorpusFields = [...]string{"title", "abstract", "ai_summary", "ai_keywords", "authors"}

// TestTokenizeCorpus compares Tokens with SQLite on every title, abstract,
// AI summary, AI keyword and author name of the shared corpus, one document
// per paper and field (keywords and names one per line).
func TestTokenizeCorpus(t *testing.T) {
	papers := loadTokCorpus(t)
	o := openFTSOracle(t)
	defer o.close()

	start := time.Now()
	var docs []string
	strs := 0
	for _, p := range papers {
		names := make([]string, len(p.Authors))
		for i, a := range p.Authors {
			names[i] = a.Name
		}
		docs = append(docs, p.Title, p.Summary, p.AISummary,
			strings.Join(p.AIKeywords, "\n"), strings.Join(names, "\n"))
		strs += 3 + len(p.AIKeywords) + len(names)
	}
	n, terms := compareTokenize(t, o, docs, func(i int) string {
		return fmt.Sprintf("paper %d %s", i/len(tokCorpusFields), tokCorpusFields[i%len(tokCorpusFields)])
	})
	t.Logf("%s: %d papers × %d fields = %d documents (%d strings), %d terms compared in %v: %d mismatching documents",
		filepath.Base(tokCorpus.path), len(papers), len(tokCorpusFields), len(docs), strs, terms, time.Since(start).Round(time.Millisecond), n)
	if n > 0 {
		t.Errorf("%d of %d documents differ from SQLite", n, len(docs))
	}
}

func BenchmarkTokenize(b *testing.B) {
	papers := loadTokCorpus(b)
	var size int64
	for _, p := range papers {
		size += int64(len(p.Summary))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var dst []string
	for b.Loop() {
		for _, p := range papers {
			dst = AppendTokens(dst[:0], p.Summary)
		}
	}
}
