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

	"github.com/paperboy-bot/paperboy/bot/corpustest"
)

// The corpus of real Hugging Face daily papers.

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

// loadTokCorpus reads the papers of the shared corpus or, where it is
// absent (a fresh clone), of the committed slice of it
// (corpustest.FullOrSlice).
func loadTokCorpus(tb testing.TB) []tokCorpusPaper {
	tb.Helper()
	path, _ := corpustest.FullOrSlice(tb)
	tokCorpus.once.Do(func() {
		tokCorpus.path = path
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
	if tokCorpus.err != nil {
		tb.Fatalf("reading the corpus: %v", tokCorpus.err)
	}
	return tokCorpus.papers
}

var tokCorpusFields = [...]string{"title", "abstract", "ai_summary", "ai_keywords", "authors"}

// TestTokenizeCorpus compares Tokens with SQLite on every title, abstract,
// AI summary, AI keyword and author name of the corpus (the shared one, or
// in a fresh clone its slice), one document per paper and field (keywords
// and names one per line).
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

// BenchmarkTokenize tokenizes the abstracts of the shared corpus (not of
// the slice: without the shared corpus it skips, or fails under CI).
func BenchmarkTokenize(b *testing.B) {
	corpustest.Full(b)
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
