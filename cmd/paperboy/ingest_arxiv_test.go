package main

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// TestIngestArxivFiles: ingest --source file:X reads arXiv's export-API
// Atom (100 papers, with categories, primary first) and an announcement
// feed (every new and cross-listed item stored, the day's announcements
// recorded; a new version updates a paper already stored and is left out
// otherwise); arXiv's error answers are one line naming arXiv's message,
// exit 1, nothing stored; an empty feed is an empty day, exit 0.
func TestIngestArxivFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	ingest := func(file string) result {
		t.Helper()
		return runMain(t, testEnv(), "ingest", "--source", "file:"+filepath.Join("testdata", file), "--db", db)
	}
	papers := func() int {
		t.Helper()
		s, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.Papers
	}

	// The errors first: nothing may be stored.
	for file, msg := range map[string]string{
		"query_error_400.atom":      "incorrect id format for abc",
		"rss_error_bad_archive.rss": "Bad archive 'astroph'",
	} {
		r := ingest(file)
		if r.code != 1 || !strings.Contains(r.stderr, msg) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and one line naming arXiv's message", file, r.code, r.stderr)
		}
	}
	if r := ingest("rss_empty_2024-11-28.rss"); r.code != 0 || !strings.Contains(r.stdout, "arXiv announced nothing on Thu 28 Nov 2024") {
		t.Errorf("empty feed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := papers(); n != 0 {
		t.Fatalf("%d papers stored from error and empty files", n)
	}

	r := ingest("query_testing_100.atom")
	if r.code != 0 || !strings.Contains(r.stdout, "100 new papers") {
		t.Fatalf("Atom: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", "query_testing_100.atom"))
	if err != nil {
		t.Fatal(err)
	}
	atom, err := arxiv.ParseAtom(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range atom.Papers[:10] {
		got, err := s.GetPaper(context.Background(), want.ID)
		if err != nil || len(got.Categories) == 0 || got.Categories[0] != want.Categories[0] || got.Title == "" {
			t.Errorf("%s: %+v, %v; want its categories, %s first", want.ID, got.Categories, err, want.Categories[0])
		}
	}

	// A paper the feed replaces (a new version), stored before as v1.
	zf, err := os.Open(filepath.Join("testdata", "rss_all_archives_2024-11-28.rss.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := arxiv.ParseFeed(zr)
	zf.Close()
	if err != nil {
		t.Fatal(err)
	}
	var replaced arxiv.Item
	newOrCross := 0
	for _, it := range feed.Items {
		switch it.AnnounceType {
		case "new", "cross":
			newOrCross++
		case "replace":
			if replaced.Paper.ID == "" && it.Paper.Version > 1 {
				replaced = it
			}
		}
	}
	old := replaced.Paper
	old.Version, old.Title = 1, "An old title"
	if _, err := s.SaveAnnounced(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 1}, []store.Announced{{Paper: old, Type: "new"}}, false, old.FetchedAt); err != nil {
		t.Fatal(err)
	}
	s.Close()

	r = ingest("rss_all_archives_2024-11-28.rss.gz")
	m := regexp.MustCompile(`ingested 1504 elements .* \(arXiv announcements of 2024-11-28\): (\d+) new papers, 1 updated`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || m[1] != strconv.Itoa(newOrCross) || !strings.Contains(r.stdout, "new versions of papers not stored left out") {
		t.Fatalf("feed: exit %d, want %d new and the replaced paper updated\n%s%s", r.code, newOrCross, r.stdout, r.stderr)
	}
	s, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetPaper(context.Background(), replaced.Paper.ID)
	if err != nil || got.Version != replaced.Paper.Version || got.Title != replaced.Paper.Title {
		t.Errorf("the replaced paper: v%d %q, %v; want v%d %q", got.Version, got.Title, err, replaced.Paper.Version, replaced.Paper.Title)
	}
	if n := papers(); n != 100+newOrCross+1 {
		t.Errorf("%d papers stored, want %d", n, 100+newOrCross+1)
	}
	// Searchable by category, dated by the announcement day.
	r = runMain(t, testEnv(), "search", "cat:cs.RO", "--db", db, "--limit", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "papers match") || !strings.Contains(r.stdout, "2024-11-28") {
		t.Errorf("search cat:cs.RO: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
