package hffake

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
)

const fixture = "../../huggingface/testdata/daily_papers_2024-10-25.json"

func newClient(t *testing.T, s *Server, retries int, timeout time.Duration) *huggingface.Client {
	t.Helper()
	c, err := huggingface.New(huggingface.Options{
		BaseURL: s.URL(), UserAgent: "paperboy/test", MaxRetries: retries, MinInterval: -1, Timeout: timeout,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, // no real waits
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fixtureLen(t *testing.T) int {
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		t.Fatal(err)
	}
	return len(elems)
}

// The real client reads a day's list through the fake, pages and all; a
// day without a list is empty.
func TestServesLists(t *testing.T) {
	s := New()
	defer s.Close()
	dates, err := s.LoadDir("../../huggingface/testdata")
	if err != nil || len(dates) == 0 {
		t.Fatalf("LoadDir: %v %v", dates, err)
	}
	c := newClient(t, s, -1, time.Second)
	papers, err := papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 25}))
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtureLen(t); len(papers) != want {
		t.Errorf("%d papers, want %d", len(papers), want)
	}
	papers, err = papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 26}))
	if err != nil || len(papers) != 0 {
		t.Errorf("a day without a list: %d papers, %v", len(papers), err)
	}
	reqs := s.Requests()
	if len(reqs) < 2 || reqs[0].Date != "2024-10-25" || reqs[0].UserAgent != "paperboy/test" {
		t.Errorf("requests %+v", reqs)
	}
	// Pages are slices of limit elements.
	if err := s.SetList("2026-01-05", []byte(`[{"paper":{"id":"2601.00001"}},{"paper":{"id":"2601.00002"}},{"paper":{"id":"2601.00003"}}]`)); err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Get(s.URL() + Path + "?date=2026-01-05&limit=2&p=1")
	if err != nil {
		t.Fatal(err)
	}
	var page []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page) != 1 {
		t.Errorf("page 1 of 2: %d elements, %v", len(page), err)
	}
	resp.Body.Close()
}

// A 30% failure rate fails about that share of requests, in every way,
// the same requests for the same seed; a client with retries still gets
// every list.
func TestFailureRate(t *testing.T) {
	run := func(seed int64) (faults.Stats, []string) {
		s := New()
		defer s.Close()
		if _, err := s.LoadDir("../../huggingface/testdata"); err != nil {
			t.Fatal(err)
		}
		s.SetFailureRate(0.3, seed, time.Millisecond, 5*time.Second)
		c := newClient(t, s, 20, 50*time.Millisecond)
		for range 40 {
			papers, err := papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 25}))
			if err != nil || len(papers) != fixtureLen(t) {
				t.Fatalf("with retries: %d papers, %v", len(papers), err)
			}
		}
		var kinds []string
		for _, r := range s.Requests() {
			k := r.Fault
			if k == faults.KindDelay { // a timeout answered before the client gave up (a loaded machine)
				k = faults.KindCanceled
			}
			kinds = append(kinds, k)
		}
		return s.Stats(), kinds
	}
	st, kinds := run(3)
	failed := st.Faults[faults.KindSourceFailure]
	if rate := float64(failed) / float64(st.Requests); rate < 0.2 || rate > 0.4 {
		t.Errorf("%d of %d requests failed, want about 30%%: %v", failed, st.Requests, st.Faults)
	}
	if st.Faults[faults.KindCanceled]+st.Faults[faults.KindDelay] == 0 {
		t.Errorf("no timeout in %v", st.Faults)
	}
	for _, k := range []string{faults.KindStatus, faults.KindRateLimit, faults.KindTruncated} {
		if st.Faults[k] == 0 {
			t.Errorf("no %s in %v", k, st.Faults)
		}
	}
	_, again := run(3)
	if len(again) != len(kinds) {
		t.Fatalf("seed 3 twice: %d, then %d requests", len(kinds), len(again))
	}
	for i := range kinds {
		if kinds[i] != again[i] {
			t.Fatalf("request %d: %q, then %q", i, kinds[i], again[i])
		}
	}
}

func TestRuleByDate(t *testing.T) {
	s := New()
	defer s.Close()
	s.AddRule(Rule{Date: "2024-10-28", Status: 500})
	c := newClient(t, s, -1, time.Second)
	if _, err := papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 28})); err == nil {
		t.Error("the failing day did not fail")
	}
	if _, err := papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 25})); err != nil {
		t.Errorf("another day failed: %v", err)
	}
	s.ClearRules()
	if _, err := papersOf(c.Day(context.Background(), bot.Date{Year: 2024, Month: 10, Day: 28})); err != nil {
		t.Errorf("after ClearRules: %v", err)
	}
}

// papersOf keeps the papers of a list.
func papersOf(l bot.DayList, err error) ([]bot.Paper, error) { return l.Papers, err }
