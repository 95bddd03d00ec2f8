package arxivfake

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// at is 10:00 in New York on d.
func at(d bot.Date) time.Time { return d.In(eastern(), 10, 0) }

// feedOf fetches the feed of path and returns its pubDate and item count.
func feedOf(t *testing.T, s *Server, path string) (string, int) {
	t.Helper()
	_, _, b := get(t, s, "/rss/"+path)
	doc := parseRSS(t, b)
	return doc.Channel.PubDate, len(doc.Channel.Items)
}

// The feed shows the latest announcement, as arXiv's does: a weekday whose
// day is not set yet still has the last one; weekends and holidays are
// empty and dated that day.
func TestFeedOnDaysNotSet(t *testing.T) {
	mon := bot.Date{Year: 2024, Month: time.November, Day: 25}
	s := newFake(t, at(mon))
	var now time.Time
	s.SetClock(func() time.Time { return now })
	days := s.GenerateDays(GenOptions{Cats: []string{"cs.RO"}, N: 20}, mon, mon.AddDays(2)) // Mon to Wed
	if len(days) != 3 {
		t.Fatalf("%d days", len(days))
	}
	s.SetHoliday(thu)
	s.SetDay(Generate(GenOptions{Cats: []string{"cs.AI"}, Date: mon.AddDays(-4), N: 5})) // Thu 21

	for _, tc := range []struct {
		day     bot.Date
		path    string
		pubDate string
		items   int
	}{
		{mon.AddDays(-3), "cs.RO", "Fri, 22 Nov 2024 00:00:00 -0500", 0}, // before any day of the path
		{mon, "cs.RO", "Mon, 25 Nov 2024 00:00:00 -0500", 20},
		{mon.AddDays(2), "cs.RO", "Wed, 27 Nov 2024 00:00:00 -0500", 20},
		{thu, "cs.RO", "Thu, 28 Nov 2024 00:00:00 -0500", 0},             // the holiday
		{thu.AddDays(1), "cs.RO", "Wed, 27 Nov 2024 00:00:00 -0500", 20}, // Friday's feed is not out yet
		{thu.AddDays(2), "cs.RO", "Sat, 30 Nov 2024 00:00:00 -0500", 0},  // Saturday
		{thu.AddDays(3), "cs.RO", "Sun, 01 Dec 2024 00:00:00 -0500", 0},  // Sunday
		{thu.AddDays(4), "cs.RO", "Wed, 27 Nov 2024 00:00:00 -0500", 20}, // Monday, not out yet
		{mon, "cs.AI", "Thu, 21 Nov 2024 00:00:00 -0500", 5},             // each path its own latest day
		{mon, "cs.CV", "Mon, 25 Nov 2024 00:00:00 -0500", 0},             // a path without days
	} {
		now = at(tc.day)
		if pub, n := feedOf(t, s, tc.path); pub != tc.pubDate || n != tc.items {
			t.Errorf("%s %s: pubDate %q with %d items, want %q with %d", tc.day.Weekday(), tc.path, pub, n, tc.pubDate, tc.items)
		}
	}
	// Once Friday is set, it is the latest, through the weekend's empty
	// feeds, until Monday is set.
	s.SetDay(Generate(GenOptions{Cats: []string{"cs.RO"}, Date: thu.AddDays(1), N: 7}))
	for _, tc := range []struct {
		day     bot.Date
		pubDate string
		items   int
	}{
		{thu.AddDays(1), "Fri, 29 Nov 2024 00:00:00 -0500", 7},
		{thu.AddDays(2), "Sat, 30 Nov 2024 00:00:00 -0500", 0},
		{thu.AddDays(4), "Fri, 29 Nov 2024 00:00:00 -0500", 7},
	} {
		now = at(tc.day)
		if pub, n := feedOf(t, s, "cs.RO"); pub != tc.pubDate || n != tc.items {
			t.Errorf("%s: pubDate %q with %d items, want %q with %d", tc.day.Weekday(), pub, n, tc.pubDate, tc.items)
		}
	}
	// A day set for a holiday is served all the same.
	s.SetDay(Generate(GenOptions{Cats: []string{"cs.RO"}, Date: thu, N: 3}))
	now = at(thu)
	if pub, n := feedOf(t, s, "cs.RO"); n != 3 || pub != "Thu, 28 Nov 2024 00:00:00 -0500" {
		t.Errorf("holiday with a day set: %q, %d items", pub, n)
	}
}

// Generated new and cross-listed papers were submitted in the window their
// day announced, spread over all of it; replacements long before.
func TestGenerateSubmissionWindow(t *testing.T) {
	for _, d := range []bot.Date{
		{Year: 2024, Month: time.December, Day: 2},  // Monday: Thu 14:00 to Fri 14:00
		{Year: 2024, Month: time.December, Day: 3},  // Tuesday: Fri 14:00 to Mon 14:00
		{Year: 2024, Month: time.December, Day: 4},  // Wednesday
		{Year: 2025, Month: time.March, Day: 11},    // Tuesday across the start of summer time
		{Year: 2025, Month: time.November, Day: 4},  // and across its end
		{Year: 2025, Month: time.December, Day: 31}, // the last day of a month, the highest ids
	} {
		from, to := SubmissionWindow(d)
		if from.In(eastern()).Hour() != 14 || to.In(eastern()).Hour() != 14 || !bot.DateIn(to, eastern()).Before(d) {
			t.Fatalf("%s: window %v to %v", d, from.In(eastern()), to.In(eastern()))
		}
		day := Generate(GenOptions{Cats: []string{"cs.LG", "math.OC"}, Date: d, N: 2000, Seed: 3})
		first, last := to, from
		ids := map[string]bool{}
		for _, it := range day.Items {
			if it.AnnounceType == AnnounceNew || it.AnnounceType == AnnounceCross {
				if it.Submitted.Before(from) || !it.Submitted.Before(to) {
					t.Fatalf("%s: %s %s submitted %v, outside %v to %v", d, it.AnnounceType, it.ID, it.Submitted, from, to)
				}
				first, last = minTime(first, it.Submitted), maxTime(last, it.Submitted)
				ids[it.ID] = true
			} else if !it.Submitted.Before(from.AddDate(0, 0, -20)) {
				t.Errorf("%s: %s %s submitted %v", d, it.AnnounceType, it.ID, it.Submitted)
			}
		}
		if first.Sub(from) > time.Hour || to.Sub(last) > time.Hour {
			t.Errorf("%s: submissions from %v to %v only, in %v to %v", d, first, last, from, to)
		}
		// Replacements never take a new id of a generated day.
		for _, it := range day.Items {
			if !bot.IsNewAnnouncement(it.AnnounceType) && ids[it.ID] {
				t.Errorf("%s: %s is new and a replacement", d, it.ID)
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// The export API's answer to the query of an announcement window (whole
// archives, several categories ORed) is exactly the new and cross items
// of the feeds of that day, whatever other days and ids the corpus holds.
func TestAPIAnnouncementQuery(t *testing.T) {
	tue := bot.Date{Year: 2024, Month: time.December, Day: 3}
	s := newFake(t, at(tue))
	var want []string
	for _, d := range []bot.Date{tue.AddDays(-4), tue.AddDays(-1), tue, tue.AddDays(1)} {
		day := Generate(GenOptions{Cats: []string{"cs.RO", "hep-th"}, Date: d, N: 1200, Seed: 5})
		s.SetDay(day)
		if d == tue {
			for _, it := range day.Items {
				if it.AnnounceType == AnnounceNew || it.AnnounceType == AnnounceCross {
					want = append(want, it.ID)
				}
			}
		}
	}
	if n := len(s.Papers()); n < 4*1200-20 {
		t.Fatalf("the days share ids: %d papers in the corpus", n)
	}
	from, to := SubmissionWindow(tue)
	sq := "(cat:cs.RO OR cat:hep-th OR cat:hep-th.*) AND submittedDate:[" + from.UTC().Format("200601021504") + " TO " + to.Add(-time.Minute).UTC().Format("200601021504") + "]"
	if sq != "(cat:cs.RO OR cat:hep-th OR cat:hep-th.*) AND submittedDate:[202411291900 TO 202412021859]" {
		t.Fatalf("query %s", sq)
	}
	var got []string
	var last string
	for start := 0; ; start += 500 {
		q := url.Values{"search_query": {sq}, "start": {itoa(start)}, "max_results": {"500"}, "sortBy": {"submittedDate"}, "sortOrder": {"ascending"}}
		st, _, b := get(t, s, "/api/query?"+q.Encode())
		doc := parseAtom(t, b)
		if st != 200 || doc.Total != len(want) {
			t.Fatalf("start %d: status %d, total %d, want %d", start, st, doc.Total, len(want))
		}
		for _, e := range doc.Entries {
			if e.Published < last {
				t.Fatalf("%s published %s after %s", e.ID, e.Published, last)
			}
			last = e.Published
			got = append(got, strings.TrimSuffix(strings.TrimPrefix(e.ID, "http://arxiv.org/abs/"), "v1"))
		}
		if len(doc.Entries) < 500 {
			break
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("got %d papers, want %d", len(got), len(want))
	}
	// cat:cs.* is every paper with a cs category: the cs.RO items, and
	// hep-th's cross-lists from cs.
	inCS := 0
	for _, p := range s.Papers() {
		if !p.Submitted.Before(from) && p.Submitted.Before(to) && slices.ContainsFunc(p.Categories, func(c string) bool { return strings.HasPrefix(c, "cs.") }) {
			inCS++
		}
	}
	q := url.Values{"search_query": {"cat:cs.* AND submittedDate:[202411291900 TO 202412021859]"}, "max_results": {"2000"}}
	_, _, b := get(t, s, "/api/query?"+q.Encode())
	if doc := parseAtom(t, b); doc.Total != inCS || len(doc.Entries) != inCS || inCS <= len(want)/2 {
		t.Errorf("cat:cs.*: %d results, %d entries, want %d", doc.Total, len(doc.Entries), inCS)
	}
}

// EmptyPage answers the page's totalResults without its entries.
func TestEmptyPageRule(t *testing.T) {
	s := newFake(t, at(thu))
	s.SetDay(Generate(GenOptions{Cats: []string{"cs.LG"}, Date: thu, N: 50}))
	s.AddRule(Rule{Route: RouteAPI, EmptyPage: true, Times: 1})
	_, _, b := get(t, s, "/rss/cs.LG")
	if n := len(parseRSS(t, b).Channel.Items); n != 50 {
		t.Errorf("feed of %d items", n)
	}
	for i, want := range []int{0, 10} {
		_, _, b := get(t, s, "/api/query?search_query=cat:cs.LG")
		if doc := parseAtom(t, b); doc.Total < 50 || len(doc.Entries) != want {
			t.Errorf("request %d: total %d, %d entries, want %d", i, doc.Total, len(doc.Entries), want)
		}
	}
	var faults []string
	for _, r := range s.Requests() {
		faults = append(faults, r.Fault)
	}
	if got := strings.Join(faults, ","); got != ",empty-page," {
		t.Errorf("faults %q", got)
	}
}
