package huggingface

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// corpusPath finds ../shared/data/hf_daily_corpus.jsonl.gz beside the
// repository root (the directory holding go.mod). Without it the test is
// skipped, or fails when the environment variable CI is set: CI has
// ../shared, and there a missing corpus must not pass as skipped tests
// (bot/corpustest.Full).
func corpusPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			if os.Getenv("CI") != "" {
				t.Fatal("CI is set but there is no go.mod above the test directory, so no shared corpus to read")
			}
			t.Skip("no go.mod above the test directory, so no shared corpus to read")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", "hf_daily_corpus.jsonl.gz")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the shared corpus is missing (CI must have shared/data beside the repository): %v", err)
		}
		t.Skipf("shared corpus not found at %s (it lives in shared/data beside the repository): %v", path, err)
	}
	return path
}

// Every element Hugging Face served from 2024-05-27 to 2026-08-21 must read
// cleanly through the file source.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 48 MB of JSON")
	}
	src, err := OpenFile(corpusPath(t))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := 0
	ids := make(map[string]bool)
	days := make(map[bot.Date]int)
	err = src.All(context.Background(), func(p bot.Paper) error {
		n++
		ids[p.ID] = true
		days[p.ListDate]++
		switch {
		case p.ID == "" || p.Title == "" || p.Abstract == "" || len(p.Authors) == 0 || p.PublishedAt.IsZero():
			t.Errorf("paper %d (%s): incomplete: title %q, %d authors, published %v", n, p.ID, p.Title, len(p.Authors), p.PublishedAt)
		case p.ListDate.IsZero() || p.ListDate.IsWeekend():
			t.Errorf("paper %d (%s): list date %s (%s)", n, p.ID, p.ListDate, p.ListDate.Weekday())
		}
		for _, s := range []string{p.Title, p.Abstract} {
			if strings.Contains(s, "\n") || strings.Contains(s, "  ") {
				t.Errorf("paper %d (%s): not collapsed: %.60q", n, p.ID, s)
			}
		}
		for _, a := range p.Authors {
			if a == "" || a != strings.TrimSpace(a) {
				t.Errorf("paper %d (%s): author %q", n, p.ID, a)
			}
		}
		return nil
	}, nil)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if n != 9881 || len(ids) != 9877 {
		t.Errorf("%d elements with %d unique ids, want 9881 and 9877", n, len(ids))
	}
	t.Logf("streamed %d elements (%d unique ids, %d list dates) in %v", n, len(ids), len(days), elapsed.Round(time.Millisecond))
}

func TestCorpusDays(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 48 MB of JSON")
	}
	src, err := OpenFile(corpusPath(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dates, err := src.Dates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(dates) < 570 || dates[0].String() != "2024-05-27" || dates[len(dates)-1].String() != "2026-08-21" {
		t.Fatalf("%d dates from %s to %s", len(dates), dates[0], dates[len(dates)-1])
	}
	for i := 1; i < len(dates); i++ {
		if !dates[i-1].Before(dates[i]) {
			t.Fatalf("dates not sorted: %s then %s", dates[i-1], dates[i])
		}
	}
	// The last list is the embedded sample's day.
	last, err := papersOf(src.Day(ctx, SampleDate))
	if err != nil || len(last) != 17 || last[0].ID != "2608.19880" {
		t.Errorf("Day(%s): %d papers, %v", SampleDate, len(last), err)
	}
	// 2604.07429 was listed twice, about six days apart (Q7): once per day.
	total := 0
	for _, d := range dates {
		papers, err := papersOf(src.Day(ctx, d))
		if err != nil {
			t.Fatal(err)
		}
		total += len(papers)
	}
	if total != 9881 {
		t.Errorf("days hold %d papers, want 9881", total)
	}
	t.Logf("%d list dates, %s to %s", len(dates), dates[0], dates[len(dates)-1])
}

// smallElements are three list elements in three eras: derived list date,
// submittedOnDailyAt, and a second paper on the same day.
var smallElements = []string{
	`{"paper":{"id":"2410.17243","title":"Breaking the\n  Barrier","summary":"A b.","authors":[{"name":"Zesen Cheng","hidden":false}],"publishedAt":"2024-10-22T17:59:30.000Z","upvotes":39},"publishedAt":"2024-10-25T22:57:09.392Z","title":"x","numComments":1}`,
	`{"paper":{"id":"2608.20335","title":"4DAnyone","summary":"We present.","authors":[{"name":"Yudong Jin"}],"publishedAt":"2026-08-20T00:00:00.000Z","submittedOnDailyAt":"2026-08-21T00:00:00.000Z","upvotes":38},"publishedAt":"2026-08-19T20:00:00.000Z","numComments":3}`,
	`{"paper":{"id":"2608.19880","title":"EnvHarness","summary":"S.","authors":[{"name":"C"}],"publishedAt":"2026-08-20T00:00:00.000Z","submittedOnDailyAt":"2026-08-21T00:00:00.000Z","upvotes":163},"publishedAt":"2026-08-19T20:00:00.000Z","numComments":1}`,
}

func writeFile(t *testing.T, name string, data []byte, gz bool) string {
	t.Helper()
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		data = buf.Bytes()
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFileFormats(t *testing.T) {
	array := []byte("\ufeff [\n" + strings.Join(smallElements, ",\n") + "\n]\n")
	lines := []byte("\n" + smallElements[0] + "\n\n" + smallElements[1] + "\r\n" + smallElements[2]) // no final newline
	for _, tt := range []struct {
		name string
		data []byte
		gz   bool
	}{
		// Names that lie about the content: the format is sniffed.
		{"array.jsonl.gz", array, false},
		{"lines.json", lines, false},
		{"array.json", array, true},
		{"lines.txt", lines, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.data, tt.gz)
			src, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if src.Name() != "file:"+path {
				t.Errorf("Name() = %q", src.Name())
			}
			ctx := context.Background()
			var ids []string
			if err := src.All(ctx, func(p bot.Paper) error {
				ids = append(ids, p.ID+"@"+p.ListDate.String())
				return nil
			}, nil); err != nil {
				t.Fatal(err)
			}
			want := "2410.17243@2024-10-28 2608.20335@2026-08-21 2608.19880@2026-08-21"
			if got := strings.Join(ids, " "); got != want {
				t.Errorf("All: %s, want %s", got, want)
			}
			dates, err := src.Dates(ctx)
			if err != nil || len(dates) != 2 || dates[0].String() != "2024-10-28" || dates[1] != SampleDate {
				t.Errorf("Dates: %v, %v", dates, err)
			}
			day, err := papersOf(src.Day(ctx, SampleDate))
			if err != nil || len(day) != 2 || day[0].ID != "2608.20335" || day[0].Title != "4DAnyone" {
				t.Errorf("Day: %+v, %v", day, err)
			}
			none, err := papersOf(src.Day(ctx, date(t, "2026-08-22")))
			if err != nil || len(none) != 0 {
				t.Errorf("Day of a date not held: %v, %v", none, err)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		gz         bool
		err        string
	}{
		{"truncated.json", "[" + smallElements[0] + "," + smallElements[1][:40], true, "element 1: truncated JSON"},
		{"not-json.txt", "hello", false, `neither a JSON array nor JSON lines (starts with "h")`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, []byte(tt.data), tt.gz)
			src, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			err = src.All(context.Background(), func(bot.Paper) error { seen++; return nil }, nil)
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "huggingface: file:"+path+": ") {
				t.Fatalf("error %v, want one containing %q", err, tt.err)
			}
			if _, err := src.Dates(context.Background()); err == nil {
				t.Error("Dates: no error")
			}
		})
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing.jsonl")); err == nil || !strings.HasPrefix(err.Error(), "huggingface: ") {
		t.Errorf("OpenFile of a missing file: %v", err)
	}
}

// TestFileSkips: elements that cannot be papers are skipped one by one
// with their line or position; the others are read.
func TestFileSkips(t *testing.T) {
	bad := `{"paper":{"title":"no id"},"publishedAt":"2024-10-25T00:00:00.000Z"}`
	for _, tt := range []struct {
		name, data string
		gz         bool
		papers     int
		skipped    string
	}{
		{"bad-line.jsonl", smallElements[0] + "\n\n" + bad + "\n" + smallElements[1], false, 2, "line 3: no paper id"},
		{"broken-line.jsonl.gz", "\n" + smallElements[0] + "\n{\"paper\":\n" + smallElements[1], true, 2, "line 3: truncated JSON: unexpected end of JSON input"},
		{"bad-element.json", "[" + smallElements[0] + "," + bad + ",42]", false, 1, "element 1: no paper id|element 2: a JSON number, not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, []byte(tt.data), tt.gz)
			src, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			var skips []string
			err = src.All(context.Background(), func(bot.Paper) error { seen++; return nil }, func(s bot.Skip) { skips = append(skips, s.String()) })
			if err != nil {
				t.Fatal(err)
			}
			if seen != tt.papers || strings.Join(skips, "|") != tt.skipped {
				t.Errorf("%d papers, skipped %q; want %d, %q", seen, strings.Join(skips, "|"), tt.papers, tt.skipped)
			}
			if _, err := src.Dates(context.Background()); err != nil {
				t.Errorf("Dates: %v", err)
			}
		})
	}
}

func TestFileStops(t *testing.T) {
	path := writeFile(t, "lines.jsonl", []byte(strings.Join(smallElements, "\n")), false)
	src, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("enough")
	n := 0
	err = src.All(context.Background(), func(bot.Paper) error { n++; return stop }, nil)
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn error: %v after %d calls", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n = 0
	err = src.All(ctx, func(bot.Paper) error { n++; return nil }, nil)
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("canceled: %v after %d calls", err, n)
	}
}

func TestSample(t *testing.T) {
	s := NewSample()
	var _ bot.Archive = s
	ctx := context.Background()
	if s.Name() != "sample" {
		t.Errorf("Name() = %q", s.Name())
	}
	dates, err := s.Dates(ctx)
	if err != nil || len(dates) != 1 || dates[0] != SampleDate {
		t.Errorf("Dates: %v, %v", dates, err)
	}
	papers, err := papersOf(s.Day(ctx, SampleDate))
	if err != nil || len(papers) != 17 || papers[0].ID != "2608.19880" || papers[2].ID != "2608.20335" {
		t.Fatalf("Day: %d papers, %v", len(papers), err)
	}
	papers[0].ID = "changed" // callers own what they get
	again, _ := papersOf(s.Day(ctx, SampleDate))
	if again[0].ID != "2608.19880" {
		t.Error("Day returned shared storage")
	}
	other, err := papersOf(s.Day(ctx, SampleDate.AddDays(1)))
	if err != nil || len(other) != 0 {
		t.Errorf("Day of another date: %v, %v", other, err)
	}
	n := 0
	if err := s.All(ctx, func(p bot.Paper) error {
		n++
		if p.ListDate != SampleDate {
			t.Errorf("%s: list date %s", p.ID, p.ListDate)
		}
		return nil
	}, nil); err != nil || n != 17 {
		t.Errorf("All: %d papers, %v", n, err)
	}
}
