package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// newFakeHF serves testdata/hf through the shared Hugging Face fake: an
// empty list for other days.
func newFakeHF(t *testing.T) *hffake.Server {
	t.Helper()
	hf := hffake.New()
	t.Cleanup(hf.Close)
	if _, err := hf.LoadDir(filepath.Join("testdata", "hf")); err != nil {
		t.Fatal(err)
	}
	return hf
}

// askedDates returns the dates the fake was asked for, in order.
func askedDates(hf *hffake.Server) []string {
	var out []string
	for _, r := range hf.Requests() {
		out = append(out, r.Date)
	}
	return out
}

func hfConfig(t *testing.T, url string) string {
	return writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  max_retries: 0
  min_interval: 0s
`, url))
}

func TestBackfillFillsStoreAndResumes(t *testing.T) {
	hf := newFakeHF(t)
	hf.AddRule(hffake.Rule{Date: "2024-10-28", Status: http.StatusInternalServerError})
	cfg := hfConfig(t, hf.URL())
	db := filepath.Join(t.TempDir(), "p.db")
	args := []string{"backfill", "--from", "2024-10-24", "--to", "2024-10-28", "--config", cfg, "--db", db}

	// Monday's list fails: the command stops there and says how to resume.
	r := runMain(t, testEnv(), args...)
	if r.code != 1 || !strings.Contains(r.stderr, "list 2024-10-28") || !strings.Contains(r.stderr, "run the same command again to resume") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if got := strings.Join(askedDates(hf), " "); got != "2024-10-24 2024-10-25 2024-10-28" {
		t.Fatalf("asked for %q: weekends must be skipped", got)
	}
	if ua := hf.Requests()[0].UserAgent; !strings.HasPrefix(ua, "paperboy/"+version) {
		t.Errorf("User-Agent %q does not name paperboy and its version", ua)
	}
	// One log line per day when not on a terminal.
	if n := len(regexp.MustCompile(`msg=backfilled`).FindAllString(r.stderr, -1)); n != 2 {
		t.Errorf("%d progress lines, want 2:\n%s", n, r.stderr)
	}

	// Fixed: the same command fetches only what is missing.
	hf.ClearRules()
	hf.ClearRequests()
	r = runMain(t, testEnv(), args...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if got := strings.Join(askedDates(hf), " "); got != "2024-10-28" {
		t.Fatalf("resume asked for %q, want only the missing day", got)
	}
	want := "backfill 2024-10-24 to 2024-10-28: 3 days, 0 papers stored (0 new), 0 elements skipped, 2 days already complete\n"
	if r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.Stats(context.Background())
	if st.Papers != 25 {
		t.Errorf("store holds %d papers, want the 25 of 2024-10-25", st.Papers)
	}
}

func TestDigestFromHuggingFace(t *testing.T) {
	hf := newFakeHF(t)
	cfg := hfConfig(t, hf.URL())
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "digest", "--date", "2025-05-22", "--config", cfg, "--db", db)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Daily Papers · Thu 22 May 2025 · 10 papers\n") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A weekend day: Hugging Face has no list, said in one line.
	r = runMain(t, testEnv(), "digest", "--date", "2025-05-24", "--config", cfg, "--db", db)
	want := "console:stdout: nothing posted: huggingface has no list for Sat 24 May 2025 yet\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("weekend: exit %d, stdout %q, want %q", r.code, r.stdout, want)
	}
}

func TestIngestCorpus(t *testing.T) {
	corpus := corpusPath(t)
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "ingest", "--source", "file:"+corpus, "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "ingested 9881 elements from file:"+corpus+": 9877 new papers, 4 updated, in ") {
		t.Fatalf("stdout %q", r.stdout)
	}
	// Ingesting history posts nothing and a second ingest adds nothing.
	r = runMain(t, testEnv(), "ingest", "--source", "file:"+corpus, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, ": 0 new papers, 9881 updated") {
		t.Fatalf("second ingest: %q %s", r.stdout, r.stderr)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.Stats(context.Background())
	if st.Papers != 9877 || st.Deliveries != 0 {
		t.Fatalf("papers %d, deliveries %d; want 9877 and 0", st.Papers, st.Deliveries)
	}
	// 580 weekday lists in the corpus.
	if st.Lists != 580 {
		t.Errorf("lists = %d, want 580", st.Lists)
	}
	q, err := bot.ParseQuery("mixture experts", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(context.Background(), bot.SearchRequest{Query: q, Limit: 5, Now: time.Now()})
	if err != nil || len(res.Hits) == 0 {
		t.Errorf("full-text index after ingest: %+v, %v", res.Hits, err)
	}
}

func TestStatusAfterDigest(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	runMain(t, testEnv(), "digest", "--source", "sample", "--db", db)
	runMain(t, testEnv(), "digest", "--source", "sample", "--db", db)
	r := runMain(t, testEnv(), "status", "--source", "sample", "--db", db)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"17 papers on 1 list",
		"console:stdout\n",
		"zone         UTC                      from default",
		"next run     ",
		"last post    list of Fri 21 Aug 2026, 10 papers",
		"last run     ",
		"nothing posted: the list for Fri 21 Aug 2026 was already posted to this channel (10 papers)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
}
