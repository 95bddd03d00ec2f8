package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// capWord returns the i-th of many distinct made-up words (letters
// only, so each is one token).
func capWord(i int) string {
	return "w" + string([]byte{'a' + byte(i/676%26), 'a' + byte(i/26%26), 'a' + byte(i%26)})
}

// capStore stores 300 papers that all have the 60 common words in their
// abstracts, and one target whose title is the 60 common words and 10
// words of its own; day is their list date.
func capStore(t *testing.T) (*DB, bot.Paper, []string, []string) {
	t.Helper()
	db, _ := openDB(t)
	ctx := t.Context()
	var common, rare []string
	for i := range 60 {
		common = append(common, capWord(i))
	}
	for i := range 10 {
		rare = append(rare, capWord(100+i))
	}
	day := bot.Date{Year: 2026, Month: 3, Day: 2}
	var papers []bot.Paper
	for i := range 300 {
		p := samplePaper(fmt.Sprintf("2603.%05d", 100+i), i%50, day)
		p.Title = "Paper " + capWord(200+i)
		p.Abstract = strings.Join(common, " ") + "."
		papers = append(papers, p)
	}
	target := samplePaper("2603.00001", 0, day)
	// The rare words are spread among the common ones.
	var words []string
	for i, w := range common {
		words = append(words, w)
		if i%6 == 5 {
			words = append(words, rare[i/6])
		}
	}
	target.Title = strings.Join(words, " ")
	target.Abstract = "A short abstract."
	papers = append(papers, target)
	if _, err := db.SaveList(ctx, day, papers, t0); err != nil {
		t.Fatal(err)
	}
	return db, target, common, rare
}

// TestSearchKeepsRarestWords: a search of 70 words looks for 32 of them,
// the rarest, says so, and still finds the paper a 70-word title names,
// also when the title is pasted with a word changed (so the exact-title
// stage cannot find it) or with its words shuffled.
func TestSearchKeepsRarestWords(t *testing.T) {
	db, target, common, rare := capStore(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	search := func(text string) bot.SearchResults {
		t.Helper()
		q, _, err := bot.ParseSearch(text, now)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		return res
	}
	for name, tc := range map[string]struct {
		text    string
		unknown int // words no paper has: searched, and not counted
	}{
		"pasted":      {target.Title, 0},
		"word typed":  {strings.Replace(target.Title, common[59], "typo", 1), 1},
		"shuffled":    {strings.Join(append(append([]string{}, rare...), common...), " "), 0},
		"cut in half": {strings.Join(rare[:5], " ") + " " + strings.Join(common, " "), 0},
	} {
		text := tc.text
		res := search(text)
		words := len(strings.Fields(text))
		if want := bot.MaxSearchTerms + tc.unknown; res.Words != words || res.WordsSearched != want {
			t.Errorf("%s: searched %d of %d words, want %d of %d", name, res.WordsSearched, res.Words, want, words)
		}
		if len(res.Hits) == 0 || res.Hits[0].Paper.ID != target.ID {
			t.Errorf("%s: the paper is not first: %v", name, hitIDs(res))
		}
		if res.Stopped {
			t.Errorf("%s: stopped", name)
		}
		if note := res.Note(0); !strings.Contains(note, fmt.Sprintf("searched %d of its %d words, leaving out the most common", res.WordsSearched, words)) {
			t.Errorf("%s: note %q", name, note)
		}
	}
	// Within the bound nothing is left out and nothing is said.
	res := search(strings.Join(common[:20], " ") + " " + strings.Join(rare, " "))
	if res.Words != 0 || res.WordsSearched != 0 || res.Note(0) != "" {
		t.Errorf("30 words: searched %d of %d, note %q", res.WordsSearched, res.Words, res.Note(0))
	}
	// The rare words are kept over the common ones: only the target has
	// them, so a query of all 60 common words and one rare word is the
	// target alone, whatever the order.
	res = search(strings.Join(common, " ") + " " + rare[3])
	if res.Total != 1 || len(res.Hits) == 0 || res.Hits[0].Paper.ID != target.ID {
		t.Errorf("60 common words and a rare one: total %d, hits %v, want the target alone", res.Total, hitIDs(res))
	}
	// A phrase of more words than the bound keeps its first ones.
	res = search(`"` + strings.Join(common, " ") + `"`)
	if res.WordsSearched != bot.MaxSearchTerms || res.Total != 300 {
		t.Errorf("long phrase: searched %d words, %d matches, want %d words and the 300 papers that have it", res.WordsSearched, res.Total, bot.MaxSearchTerms)
	}
}

// TestSearchStopsWithBestSoFar: a search that reaches its deadline while
// it reads matches answers with the best it found by then, marked
// Stopped, and no error; one whose caller gave up gets the caller's
// error; a deadline reached before anything was read answers nothing,
// Stopped.
func TestSearchStopsWithBestSoFar(t *testing.T) {
	db, _, common, _ := capStore(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	q, _, err := bot.ParseSearch(common[0]+" "+common[1], now)
	if err != nil {
		t.Fatal(err)
	}
	full, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute})
	if err != nil || full.Stopped || full.Total != 301 || len(full.Hits) != 5 {
		t.Fatalf("without a stop: total %d, %d hits, stopped %v, %v", full.Total, len(full.Hits), full.Stopped, err)
	}
	// The ranking scans stop reading once the page is full and no later
	// match can enter it: stop them before that.
	db.stopAfterRows = 3
	res, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute})
	db.stopAfterRows = 0
	if err != nil {
		t.Fatalf("stopped search: %v", err)
	}
	if !res.Stopped || len(res.Hits) < 3 || len(res.Hits) > 5 {
		t.Fatalf("stopped after 3 matches: stopped %v, %d hits, want the 3 (or, with the second reader, a few more) read", res.Stopped, len(res.Hits))
	}
	if res.Total < len(res.Hits) || res.Total >= 301 {
		t.Errorf("stopped after 3 matches: total %d, want what was read (%d to 300)", res.Total, len(res.Hits))
	}
	for _, h := range res.Hits {
		if h.Paper.ID == "" || h.Partial {
			t.Errorf("stopped: hit %+v", h)
		}
	}
	if note := res.Note(3 * time.Second); !strings.Contains(note, "reached its time limit (3s): these are the best results it found by then") {
		t.Errorf("note %q", note)
	}
	// A deadline that has passed before the first statement.
	res, err = db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Nanosecond})
	if err != nil || !res.Stopped || len(res.Hits) != 0 {
		t.Errorf("1 ns: stopped %v, %d hits, %v; want stopped, no hits, no error", res.Stopped, len(res.Hits), err)
	}
	if note := res.Note(time.Nanosecond); !strings.Contains(note, "before it found anything") {
		t.Errorf("1 ns note %q", note)
	}
	// A query of filters only stops the same way.
	fq, _, err := bot.ParseSearch("author:last", now)
	if err != nil {
		t.Fatal(err)
	}
	if res, err = db.Search(ctx, bot.SearchRequest{Query: fq, Limit: 5, Now: now, Timeout: time.Nanosecond}); err != nil || !res.Stopped {
		t.Errorf("filters only, 1 ns: stopped %v, %v", res.Stopped, err)
	}
	// The caller's own cancellation is an error, not a stop.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if res, err = db.Search(cctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute}); err == nil || res.Stopped {
		t.Errorf("cancelled caller: stopped %v, error %v; want an error", res.Stopped, err)
	}
	// The store still answers in full afterwards (no interrupt left
	// behind on a connection).
	again, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute})
	if err != nil || again.Stopped || again.Total != 301 {
		t.Errorf("after the stops: total %d, stopped %v, %v", again.Total, again.Stopped, err)
	}
}

// TestSearchKeepsFewCommonWords: of the words most papers have, a search
// keeps the 8 rarest (each costs as much as many rare words), and the
// rare words besides; the paper is still found.
func TestSearchKeepsFewCommonWords(t *testing.T) {
	db, target, common, rare := capStore(t)
	db.commonFloor = 100 // the 60 common words are in all 301 papers
	ctx := t.Context()
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		text string
		want int // words searched
	}{
		"60 common, 10 rare": {target.Title, bot.MaxCommonSearchTerms + 10},
		"20 common":          {strings.Join(common[:20], " "), bot.MaxCommonSearchTerms},
		"8 common, 10 rare":  {strings.Join(common[:8], " ") + " " + strings.Join(rare, " "), 0}, // fits: nothing left out
		"a long phrase":      {`"` + strings.Join(common[:12], " ") + `"`, bot.MaxCommonSearchTerms},
	} {
		q, _, err := bot.ParseSearch(tc.text, now)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.Search(ctx, bot.SearchRequest{Query: q, Limit: 5, Now: now, Timeout: time.Minute})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.WordsSearched != tc.want {
			t.Errorf("%s: searched %d of %d words, want %d", name, res.WordsSearched, res.Words, tc.want)
		}
		if strings.Contains(name, "rare") && (len(res.Hits) == 0 || res.Hits[0].Paper.ID != target.ID) {
			t.Errorf("%s: the paper is not first: %v", name, hitIDs(res))
		}
		if tc.want > 0 && !strings.Contains(res.Note(0), "8 of them common ones") {
			t.Errorf("%s: note %q", name, res.Note(0))
		}
	}
}
