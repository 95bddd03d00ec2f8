package arxiv_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

var (
	fri = bot.Date{Year: 2024, Month: time.November, Day: 29}
	tue = bot.Date{Year: 2024, Month: time.December, Day: 3}
)

// idsAndTypes lists an announcement's items as "id type".
func idsAndTypes(items []bot.Announced) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Paper.ID + " " + it.Type
	}
	return out
}

func dayItems(d arxivfake.Day, keep func(string) bool) []string {
	var out []string
	for _, it := range d.Items {
		if keep(it.AnnounceType) {
			out = append(out, it.ID+" "+it.AnnounceType)
		}
	}
	return out
}

func oneLineError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one with %q", want)
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("error of several lines: %q", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestLatest(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO", "cs.LG"}, Date: fri, N: 300, Seed: 4})
	ax.SetDay(day)
	c := newClient(t, ax, clock, nil)
	ctx := context.Background()

	a, err := c.Latest(ctx, []string{"cs.RO", "cs.LG"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Day != fri || len(a.Skipped) != 0 {
		t.Errorf("day %s, skipped %v", a.Day, a.Skipped)
	}
	if diff := cmp.Diff(dayItems(day, func(string) bool { return true }), idsAndTypes(a.Items)); diff != "" {
		t.Errorf("items (-feed +Latest):\n%s", diff)
	}
	for _, it := range a.Items {
		if it.Paper.AnnouncedOn != fri || it.Paper.Title == "" || len(it.Paper.Categories) == 0 {
			t.Fatalf("%s: announced %s, title %q, categories %v", it.Paper.ID, it.Paper.AnnouncedOn, it.Paper.Title, it.Paper.Categories)
		}
	}
	if got := ax.Requests()[0].Path; got != "/rss/cs.RO+cs.LG" {
		t.Errorf("asked for %s", got)
	}

	// Saturday: arXiv's empty weekend feed, dated Saturday.
	clock.now = t0.Add(24 * time.Hour)
	a, err = c.Latest(ctx, []string{"cs.RO", "cs.LG"})
	if err != nil || a.Day != fri.AddDays(1) || len(a.Items) != 0 {
		t.Errorf("Saturday: day %s, %d items, %v", a.Day, len(a.Items), err)
	}

	// A broken item is skipped, the rest kept.
	broken := strings.Replace(string(arxivfake.FeedXML(day)), "oai:arXiv.org:"+day.Items[1].ID+"v1", "oai:arXiv.org:nonsense", 1)
	ax.SetFeed("cs.RO", []byte(broken))
	a, err = c.Latest(ctx, []string{"cs.RO"})
	if err != nil || a.Day != fri || len(a.Items) != 299 || len(a.Skipped) != 1 || a.Skipped[0].Where != "item 1" {
		t.Errorf("broken item: day %s, %d items, skipped %+v, %v", a.Day, len(a.Items), a.Skipped, err)
	}
	if slices.ContainsFunc(a.Items, func(it bot.Announced) bool { return it.Paper.ID == day.Items[1].ID }) {
		t.Error("the broken item is in the announcement")
	}

	// No date anywhere.
	undated := strings.ReplaceAll(broken, "<pubDate>Fri, 29 Nov 2024 00:00:00 -0500</pubDate>", "")
	ax.SetFeed("cs.RO", []byte(undated))
	_, err = c.Latest(ctx, []string{"cs.RO"})
	if err == nil || err.Error() != "arxiv: the feed of cs.RO gives no announcement date" {
		t.Errorf("undated feed: %v", err)
	}

	// arXiv's error feed.
	_, err = c.Latest(ctx, []string{"cs.RO", "astroph"})
	oneLineError(t, err, "arxiv: the feed of cs.RO+astroph: arXiv rss error: Bad archive 'astroph'. Valid archive names are: ")
	var ae *arxiv.ErrorResponse
	if !errors.As(err, &ae) || ae.Service != "rss" {
		t.Errorf("not an *ErrorResponse: %#v", err)
	}

	// Not a feed, and a failing server.
	ax.SetFeed("cs.RO", []byte("<html>maintenance</html>"))
	_, err = c.Latest(ctx, []string{"cs.RO"})
	oneLineError(t, err, "arxiv: the feed of cs.RO: not an RSS feed")
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteRSS, Status: 500})
	_, err = c.Latest(ctx, []string{"cs.LG"})
	oneLineError(t, err, "arxiv: FetchFeed ", "/rss/cs.LG: HTTP 500 Internal Server Error (gave up after 5 attempts)")
	noViolations(t, ax)
}

// The recorded feeds: the busiest real one and an empty holiday one.
func TestLatestRecordedFeeds(t *testing.T) {
	clock := &stepClock{now: t0}
	ax := newFake(t, clock.Now)
	ax.LoadFixtures()
	c := newClient(t, ax, clock, nil)
	thu := bot.Date{Year: 2024, Month: time.November, Day: 28}
	a, err := c.Latest(context.Background(), strings.Split(arxivfake.AllArchivesFeed, "+"))
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, it := range a.Items {
		types[it.Type]++
	}
	if a.Day != thu || len(a.Items)+len(a.Skipped) != 1504 || types[bot.AnnounceNew] == 0 || types[bot.AnnounceCross] == 0 || types[bot.AnnounceReplace] == 0 {
		t.Errorf("day %s, %d items (%v), %d skipped", a.Day, len(a.Items), types, len(a.Skipped))
	}
	a, err = c.Latest(context.Background(), []string{"test"})
	if err != nil || a.Day != thu || len(a.Items) != 0 || a.Items == nil {
		t.Errorf("empty feed: day %s, items %v, %v", a.Day, a.Items, err)
	}
}

func TestAnnouncementWindow(t *testing.T) {
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		day      bot.Date
		from, to time.Time
	}{
		// Monday: Thursday 14:00 to Friday 14:00 (EST, UTC-5).
		{bot.Date{Year: 2024, Month: 12, Day: 2}, utc(2024, 11, 28, 19), utc(2024, 11, 29, 19)},
		// Tuesday: Friday 14:00 to Monday 14:00.
		{tue, utc(2024, 11, 29, 19), utc(2024, 12, 2, 19)},
		// Wednesday, Thursday, Friday: the day before the day before.
		{bot.Date{Year: 2024, Month: 12, Day: 4}, utc(2024, 12, 2, 19), utc(2024, 12, 3, 19)},
		{bot.Date{Year: 2024, Month: 12, Day: 6}, utc(2024, 12, 4, 19), utc(2024, 12, 5, 19)},
		// Daylight saving time begins on Sunday 9 March 2025: 71 hours.
		{bot.Date{Year: 2025, Month: 3, Day: 11}, utc(2025, 3, 7, 19), utc(2025, 3, 10, 18)},
		// And ends on Sunday 2 November 2025: 73 hours.
		{bot.Date{Year: 2025, Month: 11, Day: 3}, utc(2025, 10, 30, 18), utc(2025, 10, 31, 18)},
		{bot.Date{Year: 2025, Month: 11, Day: 4}, utc(2025, 10, 31, 18), utc(2025, 11, 3, 19)},
		// Across a month and a year.
		{bot.Date{Year: 2025, Month: 1, Day: 1}, utc(2024, 12, 30, 19), utc(2024, 12, 31, 19)},
	} {
		from, to, ok := arxiv.AnnouncementWindow(tc.day)
		if !ok || !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("%s (%s): %v to %v, %v; want %v to %v", tc.day, tc.day.Weekday(), from, to, ok, tc.from, tc.to)
		}
		// The fake keeps the same schedule.
		ffrom, fto := arxivfake.SubmissionWindow(tc.day)
		if !ffrom.Equal(from) || !fto.Equal(to) {
			t.Errorf("%s: the fake's window is %v to %v", tc.day, ffrom, fto)
		}
	}
	for _, d := range []bot.Date{fri.AddDays(1), fri.AddDays(2), {}} {
		if _, _, ok := arxiv.AnnouncementWindow(d); ok {
			t.Errorf("%s (%s) has a window", d, d.Weekday())
		}
	}
}

func TestCategoryQuery(t *testing.T) {
	for _, tc := range []struct {
		cats []string
		want string
	}{
		{[]string{"cs.CL"}, "cat:cs.CL"},
		{[]string{"cs.CL", "cs.LG"}, "(cat:cs.CL OR cat:cs.LG)"},
		{[]string{"cs.CL", "cs"}, "(cat:cs.CL OR cat:cs.*)"},
		{[]string{"cs.*"}, "cat:cs.*"},
		{[]string{"math"}, "cat:math.*"},
		// An archive that is a category too: its old papers have no subcategory.
		{[]string{"hep-th"}, "(cat:hep-th OR cat:hep-th.*)"},
		{[]string{"math.OC", "astro-ph"}, "(cat:math.OC OR cat:astro-ph OR cat:astro-ph.*)"},
		{nil, ""},
	} {
		if got := arxiv.CategoryQuery(tc.cats); got != tc.want {
			t.Errorf("CategoryQuery(%q) = %q, want %q", tc.cats, got, tc.want)
		}
	}
}

func searchQuery(t *testing.T, r arxivfake.Request) url.Values {
	t.Helper()
	if r.Route != arxivfake.RouteAPI {
		t.Fatalf("request %d is %s %s", r.Seq, r.Route, r.Path)
	}
	v, err := url.ParseQuery(r.Query)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Past on a day of 2,000 items finds exactly the feed's new and cross
// items of that day, typed as the feed types them, and none of the days
// around it.
func TestPastMatchesFeed(t *testing.T) {
	clock := &stepClock{now: tue.In(time.UTC, 12, 0)}
	ax := newFake(t, clock.Now)
	cats := []string{"cs.RO", "cs.LG"}
	for _, d := range []bot.Date{fri, tue.AddDays(-1), tue.AddDays(1)} {
		ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: cats, Date: d, N: 2000, Seed: 9}))
	}
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: cats, Date: tue, N: 2000, Seed: 9})
	ax.SetDay(day)
	c := newClient(t, ax, clock, nil)

	latest, err := c.Latest(context.Background(), cats)
	if err != nil || latest.Day != tue {
		t.Fatalf("Latest: %s, %v", latest.Day, err)
	}
	ax.ClearRequests()
	past, err := c.Past(context.Background(), cats, tue)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, it := range latest.Items {
		if bot.IsNewAnnouncement(it.Type) {
			want = append(want, it.Paper.ID+" "+it.Type)
		}
	}
	if len(want) != 1500 {
		t.Fatalf("the feed has %d new and cross items", len(want))
	}
	got := idsAndTypes(past.Items)
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Past (+) against the feed's new and cross items (-):\n%s", diff)
	}
	if past.Day != tue || len(past.Skipped) != 0 {
		t.Errorf("day %s, skipped %v", past.Day, past.Skipped)
	}
	// New first, then cross-lists, each in order of submission; all with
	// the export API's facts and the day.
	seenCross := false
	for i, it := range past.Items {
		p := it.Paper
		if it.Type == bot.AnnounceCross {
			seenCross = true
		} else if seenCross {
			t.Fatalf("item %d: new after a cross-list", i)
		}
		if i > 0 && it.Type == past.Items[i-1].Type && p.PublishedAt.Before(past.Items[i-1].Paper.PublishedAt) {
			t.Fatalf("item %d submitted before item %d", i, i-1)
		}
		if p.AnnouncedOn != tue || p.PublishedAt.IsZero() || p.Version != 1 || p.Title == "" {
			t.Fatalf("%s: announced %s, published %v, v%d", p.ID, p.AnnouncedOn, p.PublishedAt, p.Version)
		}
	}

	// One page, in order of submission, over Friday 14:00 to Monday 13:59
	// New York time.
	reqs := ax.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	q := searchQuery(t, reqs[0])
	wantQ := url.Values{
		"search_query": {"(cat:cs.RO OR cat:cs.LG) AND submittedDate:[202411291900 TO 202412021859]"},
		"max_results":  {"2000"}, "sortBy": {"submittedDate"}, "sortOrder": {"ascending"},
	}
	if diff := cmp.Diff(wantQ, q); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	checkSpacing(t, ax.Requests(), 3*time.Second)
	noViolations(t, ax)
}

// Whole archives, several pages, empty pages asked for again.
func TestPastPagesArchives(t *testing.T) {
	clock := &stepClock{now: tue.In(time.UTC, 12, 0)}
	ax := newFake(t, clock.Now)
	// 2,000 new and cross items in cs, 750 in math: more than one page.
	cs := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs"}, Date: tue, N: 2000, Seed: 1, Replace: -1, ReplaceCross: -1})
	math := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"math"}, Date: tue, N: 1000, Seed: 2, FirstNumber: 20000})
	ax.SetDay(cs)
	ax.SetDay(math)
	c := newClient(t, ax, clock, nil)
	cats := []string{"cs", "math"}

	want := map[string]string{}
	for _, d := range []arxivfake.Day{cs, math} {
		for _, it := range d.Items {
			if it.AnnounceType == arxivfake.AnnounceNew || it.AnnounceType == arxivfake.AnnounceCross {
				// New in the two archives when the primary category is in
				// either, whichever feed listed the paper: an archive's
				// categories, and those arXiv lists in it under another
				// name (eess.SY is cs.SY, math-ph is math.MP).
				typ := bot.AnnounceCross
				primary := it.Categories[0]
				if a, _, _ := strings.Cut(primary, "."); a == "cs" || a == "math" || primary == "eess.SY" || primary == "math-ph" {
					typ = bot.AnnounceNew
				}
				want[it.ID] = typ
			}
		}
	}
	if len(want) != 2750 {
		t.Fatalf("%d new and cross papers generated", len(want))
	}

	// The first page comes back empty twice.
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, EmptyPage: true, Times: 2})
	a, err := c.Past(context.Background(), cats, tue)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range a.Items {
		got[it.Paper.ID] = it.Type
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Past (-want +got):\n%s", diff)
	}
	var pages []string
	for _, r := range ax.Requests() {
		q := searchQuery(t, r)
		if q.Get("search_query") != "(cat:cs.* OR cat:math.*) AND submittedDate:[202411291900 TO 202412021859]" {
			t.Errorf("search_query %q", q.Get("search_query"))
		}
		pages = append(pages, fmt.Sprintf("%s:%s", q.Get("start"), r.Fault))
	}
	if got := strings.Join(pages, " "); got != ":empty-page :empty-page : 2000:" {
		t.Errorf("pages (start:fault) %q", got)
	}

	// An empty page every time: three more tries, then an error.
	ax.ClearRequests()
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, EmptyPage: true})
	_, err = c.Past(context.Background(), cats, tue)
	oneLineError(t, err, "arxiv: the announcement of cs+math on 2024-12-03: the export API answered 4 empty pages at result 0 of 2750")
	if n := len(ax.Requests()); n != 1+arxiv.PastEmptyPageRetries {
		t.Errorf("%d requests", n)
	}
	checkSpacing(t, ax.Requests(), 3*time.Second)
	noViolations(t, ax)
}

// Weekends send nothing; bad arguments send nothing; arXiv's errors and a
// failing server come back in one line naming the day.
func TestPastErrorsAndWeekends(t *testing.T) {
	clock := &stepClock{now: tue.In(time.UTC, 12, 0)}
	ax := newFake(t, clock.Now)
	ax.LoadFixtures()
	c := newClient(t, ax, clock, func(o *arxiv.Options) { o.MaxRetries = 1 })
	ctx := context.Background()
	for _, d := range []bot.Date{fri.AddDays(1), fri.AddDays(2)} {
		a, err := c.Past(ctx, []string{"cs.LG"}, d)
		if err != nil || a.Day != d || len(a.Items) != 0 || a.Items == nil {
			t.Errorf("%s: day %s, items %v, %v", d.Weekday(), a.Day, a.Items, err)
		}
	}
	for _, tc := range []struct {
		cats []string
		day  bot.Date
		want string
	}{
		{nil, tue, "arxiv: Past: no category given"},
		{[]string{"cs.LG) OR (all:x"}, tue, `arxiv: Past: "cs.LG) OR (all:x" is not a category name`},
		{[]string{"cs.LG"}, bot.Date{}, "arxiv: Past: no day given"},
	} {
		if _, err := c.Past(ctx, tc.cats, tc.day); err == nil || err.Error() != tc.want {
			t.Errorf("Past(%q, %s): %v, want %s", tc.cats, tc.day, err, tc.want)
		}
	}
	if n := len(ax.Requests()); n != 0 {
		t.Fatalf("%d requests for weekends and bad arguments", n)
	}

	sq := "cat:cs.LG AND submittedDate:[202411291900 TO 202412021859]"
	ax.SetAPIAnswer("search_query", sq, 400, arxivfake.Fixture("query_error_400.atom"))
	_, err := c.Past(ctx, []string{"cs.LG"}, tue)
	oneLineError(t, err, "arxiv: the announcement of cs.LG on 2024-12-03: arXiv api error incorrect_id_format_for_abc: incorrect id format for abc (HTTP 400 Bad Request)")
	var ae *arxiv.ErrorResponse
	var se *arxiv.StatusError
	if !errors.As(err, &ae) || !errors.As(err, &se) || se.StatusCode != 400 {
		t.Errorf("error %#v", err)
	}

	// More results than the export API pages through.
	huge := strings.Replace(string(arxivfake.Fixture("query_empty.atom")), "<opensearch:totalResults>0<", "<opensearch:totalResults>31000<", 1)
	ax.SetAPIAnswer("search_query", sq, 200, []byte(huge))
	_, err = c.Past(ctx, []string{"cs.LG"}, tue)
	oneLineError(t, err, "arxiv: the announcement of cs.LG on 2024-12-03: 31000 papers submitted from 2024-11-29 19:00 to 2024-12-02 19:00 UTC, more than the export API pages through (30000)")

	ax.SetAPIAnswer("search_query", sq, 0, nil)
	ax.AddRule(arxivfake.Rule{Route: arxivfake.RouteAPI, Status: 500})
	_, err = c.Past(ctx, []string{"cs.LG"}, tue)
	oneLineError(t, err, "arxiv: the announcement of cs.LG on 2024-12-03: Query ", "/api/query: HTTP 500 Internal Server Error (gave up after 2 attempts)")
	if strings.Count(err.Error(), "arxiv:") != 1 || strings.Contains(err.Error(), "submittedDate") {
		t.Errorf("error %q", err)
	}

	// The caller gives up.
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Past(ctx, []string{"cs.LG"}, tue); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	noViolations(t, ax)
}
