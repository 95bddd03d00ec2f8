package huggingface

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// FuzzParseDaily feeds ParseDaily arbitrary bodies: it must not panic,
// every paper it returns must have an arXiv id and a clean title to show,
// and every skipped element a place and a reason.
func FuzzParseDaily(f *testing.F) {
	for _, path := range []string{
		"testdata/daily_papers_2024-10-25.json",
		"testdata/daily_papers_2025-05-22.json",
		"sample/daily_papers_2026-08-21.json",
		"testdata/papers_search_kazakh.json",
		"testdata/papers_search_llama-3-herd.json",
	} {
		f.Add(smallSeed(f, path), true)
	}
	for _, s := range []string{
		"", "[]", "[", "]", "null", "{}", `{"error":"x"}`, "<html></html>", "[null]", "[1,2]", `[""]`,
		"[" + smallElements[0] + "," + smallElements[1][:60],
		"[" + smallElements[1] + "]",
		`[{"paper":{"id":"2401.001","title":"\u00ff\ud800 \n x"},"publishedAt":"2024-01-06T23:00:00Z"}]`,
		`[{"paper":null,"id":"2401.00001v9","title":"flat","submittedOnDailyAt":"2024-01-01T00:00:00Z"}]`,
		`[{"paper":{"id":"hep-th/9901001","authors":[{"name":"\xff\xfe"}],"ai_keywords":[1]}}]`,
		`[{"paper":{"id":"2401.00001","publishedAt":"2024-13-45T99:00:00Z"}}]`,
		"[{\"paper\":{\"id\":\"2401.00001\",\"title\":\"\xc3\x28\"},\"publishedAt\":\"2024-01-01T00:00:00Z\"}]",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, known bool) {
		var day bot.Date
		if known {
			day = bot.Date{Year: 2026, Month: 8, Day: 21}
		}
		list, err := ParseDaily(body, day)
		papers := list.Papers
		if err != nil {
			if papers != nil || list.Skipped != nil {
				t.Errorf("list %+v with error %v", list, err)
			}
			return
		}
		for _, s := range list.Skipped {
			if s.Where == "" || s.Reason == "" || !utf8.ValidString(s.String()) {
				t.Errorf("skip %+v", s)
			}
		}
		for i, p := range papers {
			if p.ID == "" {
				t.Errorf("paper %d without an id", i)
			}
			if _, ok := bot.NormalizeID(p.ID); !ok {
				t.Errorf("paper %d: id %q is not an arXiv id", i, p.ID)
			}
			if dt := p.DisplayTitle(); dt == "" || !utf8.ValidString(dt) || dt != bot.CleanText(dt) {
				t.Errorf("paper %d: title %q shown as %q", i, p.Title, dt)
			}
			if c := bot.CleanText(p.Title); c != "" && c != p.Title {
				t.Errorf("paper %d: title %q not cleaned", i, p.Title)
			}
			if known && p.ListDate.IsZero() {
				t.Errorf("paper %d: no list date", i)
			}
		}
	})
}

// smallSeed keeps the first two elements of a fixture that are under 8 KB:
// the fuzzer minimizes every input that finds new coverage, which takes
// minutes for a 150 KB response.
func smallSeed(f *testing.F, path string) []byte {
	var elems []json.RawMessage
	if err := json.Unmarshal(readFile(f, path), &elems); err != nil {
		f.Fatal(err)
	}
	var keep []json.RawMessage
	for _, e := range elems {
		if len(e) < 8<<10 && len(keep) < 2 {
			keep = append(keep, e)
		}
	}
	b, err := json.Marshal(keep)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
