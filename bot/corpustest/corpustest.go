// Package corpustest finds, for tests, the corpus of real Hugging Face daily
// papers: the shared one beside the repository, or the slice of it that the
// repository carries, so that the corpus tests also run in a fresh clone.
//
// The shared corpus is ../shared/data/hf_daily_corpus.jsonl.gz next to the
// repository root: 9,881 elements of /api/daily_papers?date=D, 2024-05-27 to
// 2026-08-21, one JSON object per line, as Hugging Face served them. They
// come from the daily archive of the public repository
// 2404589803/hf-daily-paper-newsletter-chinese (Apache-2.0, commit 7cffe8b);
// the content is Hugging Face API output (arXiv metadata and Hugging Face's
// fields).
//
// The slice is testdata/hf_daily_corpus_slice.jsonl.gz in this package's
// directory: every 30th line of the shared corpus, starting with the first
// (330 elements spread over its whole period), unchanged. TestSlice checks
// that it still is; it was made, from the repository root, with
//
//	gzip -dc ../shared/data/hf_daily_corpus.jsonl.gz | awk 'NR % 30 == 1' |
//		gzip -9n > bot/corpustest/testdata/hf_daily_corpus_slice.jsonl.gz
//
// CI has ../shared. Where the environment variable CI is set, a missing
// shared corpus fails the test that wants it instead of skipping it, so that
// CI cannot pass without the tests that need it.
package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// SliceElements is the number of elements in the slice.
const SliceElements = 330

// RepoRoot returns the repository root: the nearest directory above the
// test's working directory that holds go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Full returns the path of the shared corpus. Where it is absent, it skips
// the test, or fails it when CI is set.
func Full(tb testing.TB) string {
	tb.Helper()
	path, err := full(tb)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI is set but the shared corpus is missing (CI must have ../shared beside the repository): %v", err)
		}
		tb.Skipf("shared corpus not found (it lives in ../shared/data next to the repository): %v", err)
	}
	return path
}

// FullOrSlice returns the path of the shared corpus and true or, where it
// is absent, the path of the committed slice and false. When CI is set the
// shared corpus must be there: the test fails without it.
func FullOrSlice(tb testing.TB) (path string, isFull bool) {
	tb.Helper()
	path, err := full(tb)
	if err == nil {
		return path, true
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("CI is set but the shared corpus is missing (CI must have ../shared beside the repository): %v", err)
	}
	return Slice(tb), false
}

// Slice returns the path of the committed slice of the shared corpus.
func Slice(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(RepoRoot(tb), "bot", "corpustest", "testdata", "hf_daily_corpus_slice.jsonl.gz")
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("the corpus slice is missing: %v", err)
	}
	return path
}

func full(tb testing.TB) (string, error) {
	tb.Helper()
	path := filepath.Join(RepoRoot(tb), "..", "shared", "data", "hf_daily_corpus.jsonl.gz")
	_, err := os.Stat(path)
	return path, err
}
