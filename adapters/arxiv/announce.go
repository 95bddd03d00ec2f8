// arXiv as a bot.ArxivSource: the latest announcement day from the
// announcement feeds (https://info.arxiv.org/help/rss.html), earlier ones
// from the export API (https://info.arxiv.org/help/api/user-manual.html)
// by the submission window each day announced
// (https://info.arxiv.org/help/availability.html).

package arxiv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

var _ bot.ArxivSource = (*Client)(nil)

// PastEmptyPageRetries is how often Past asks again for a page that came
// back empty although the query has more results (the export API does
// this now and then) before it fails.
const PastEmptyPageRetries = 3

// submissionDeadline is arXiv's daily cut-off, US Eastern: a paper
// submitted before it on a weekday is announced that evening.
const submissionDeadline = 14

// Latest fetches the announcement feed of cats (canonical categories or
// archives, as ParseCategories returns them) and returns its day (the US
// Eastern date of its pubDate) and its items in feed order, each paper's
// AnnouncedOn set to that day. An empty feed (a weekend, a holiday) is
// the day with no items. arXiv's error feed (a bad archive) is an error
// quoting arXiv's message, as is a feed that gives no date at all; every
// error is one line.
func (c *Client) Latest(ctx context.Context, cats []string) (bot.Announcement, error) {
	path := FeedPath(cats)
	body, err := c.FetchFeed(ctx, cats)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && len(body) > 0 {
			// An error status may still carry arXiv's error feed, which
			// says what is wrong better than the status does.
			var ae *ErrorResponse
			if _, perr := parseFeed(bytes.NewReader(body)); errors.As(perr, &ae) {
				return bot.Announcement{}, fmt.Errorf("arxiv: the feed of %s: %w (%w)", path, ae, se)
			}
		}
		return bot.Announcement{}, err
	}
	f, err := parseFeed(bytes.NewReader(body))
	if err != nil {
		return bot.Announcement{}, fmt.Errorf("arxiv: the feed of %s: %w", path, err)
	}
	if f.Day.IsZero() {
		return bot.Announcement{}, fmt.Errorf("arxiv: the feed of %s gives no announcement date", path)
	}
	a := bot.Announcement{Day: f.Day, Items: make([]bot.Announced, 0, len(f.Items)), Skipped: f.Skipped}
	for _, it := range f.Items {
		p := it.Paper
		p.AnnouncedOn = f.Day
		a.Items = append(a.Items, bot.Announced{Paper: p, Type: it.AnnounceType})
	}
	return a, nil
}

// AnnouncementWindow returns the submission times whose new papers arXiv
// announces in the feed dated day: from 14:00 US Eastern on the second
// weekday before day (included) to 14:00 on the weekday before it
// (excluded). arXiv announces at 20:00 on weekdays the papers submitted
// before 14:00 that day, and the feed dated the next weekday lists them:
// Monday's feed holds Thursday 14:00 to Friday 14:00, Tuesday's Friday
// 14:00 to Monday 14:00, Wednesday's Monday 14:00 to Tuesday 14:00. The
// times are instants in UTC (the window is 23, 25, 71 or 73 hours long
// across a change of daylight saving time). ok is false for a Saturday or
// a Sunday, which have no announcement. arXiv's holidays are not known
// here: see Past.
func AnnouncementWindow(day bot.Date) (from, to time.Time, ok bool) {
	if day.IsZero() || day.IsWeekend() {
		return time.Time{}, time.Time{}, false
	}
	p1 := weekdayBefore(day)
	p2 := weekdayBefore(p1)
	et := bot.Eastern()
	return p2.In(et, submissionDeadline, 0).UTC(), p1.In(et, submissionDeadline, 0).UTC(), true
}

func weekdayBefore(d bot.Date) bot.Date {
	d = d.AddDays(-1)
	for d.IsWeekend() {
		d = d.AddDays(-1)
	}
	return d
}

// CategoryQuery is the cat: part of an export API search_query for
// canonical categories or archives (as ParseCategories returns them): a
// category as cat:cs.CL, an archive ("cs", or written "cs.*") as cat:cs.*,
// and an archive that is also a category of its own (hep-th, astro-ph) as
// both, joined with OR in parentheses: (cat:cs.CL OR cat:cs.*). A single
// term stands alone (cat:cs.CL), so that "CategoryQuery(cats) AND …"
// reads the same either way. It does not check the names; nil gives "".
func CategoryQuery(cats []string) string {
	var terms []string
	for _, c := range cats {
		c = strings.TrimSpace(c)
		if name := strings.TrimSuffix(c, ".*"); IsArchive(name) {
			if _, isCat := Canonical(name); isCat {
				terms = append(terms, "cat:"+name)
			}
			terms = append(terms, "cat:"+name+".*")
			continue
		}
		terms = append(terms, "cat:"+c)
	}
	if len(terms) <= 1 {
		return strings.Join(terms, "")
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// queryCatPattern is what Past lets into a search_query: a category or
// archive name, or an archive written with ".*".
var queryCatPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.-]*(\.\*)?$`)

// Past returns the new papers of announcement day day (a feed date, US
// Eastern) for cats (canonical categories or archives) from the export
// API: the papers submitted in the day's AnnouncementWindow
//
//	search_query=(cat:cs.CL OR cat:cs.*) AND submittedDate:[FROM TO UNTIL]
//
// with FROM and UNTIL in UTC, UNTIL the window's last minute (the range
// is inclusive), paged MaxResultsPerQuery at a time in order of
// submission until the query's totalResults are read. A page that comes
// back empty although results remain is asked for again up to
// PastEmptyPageRetries times, then Past fails. Each paper is typed
// bot.AnnounceNew if its primary category (the API's, first in
// Categories) matches one of cats (MatchesCategory), else
// bot.AnnounceCross; new papers come first, each type in order of
// submission, all with AnnouncedOn set to day. A Saturday or a Sunday is
// an Announcement without items, and no request is sent.
//
// It is an approximation of the feed of that day: it holds no
// replacements, no papers cross-listed after their announcement, and
// knows nothing of arXiv's holidays. On a holiday arXiv announces nothing
// and the day's papers come with the next announcement, but Past gives
// them for the holiday (its window) and gives the next day only its own
// window's papers; over consecutive days every paper comes once. A paper
// held for moderation comes on the day of its submission window, not the
// day arXiv announced it. A day arXiv has not announced yet gives the
// papers the API already lists, usually none. A window with more results
// than the API pages through (MaxQueryResults, far above any day's) is an
// error. Errors are one line.
func (c *Client) Past(ctx context.Context, cats []string, day bot.Date) (bot.Announcement, error) {
	if len(cats) == 0 {
		return bot.Announcement{}, errors.New("arxiv: Past: no category given")
	}
	for _, cat := range cats {
		if !queryCatPattern.MatchString(cat) {
			return bot.Announcement{}, fmt.Errorf("arxiv: Past: %q is not a category name", cat)
		}
	}
	if day.IsZero() {
		return bot.Announcement{}, errors.New("arxiv: Past: no day given")
	}
	a := bot.Announcement{Day: day, Items: []bot.Announced{}}
	from, to, ok := AnnouncementWindow(day)
	if !ok {
		return a, nil
	}
	prefix := fmt.Sprintf("arxiv: the announcement of %s on %s", FeedPath(cats), day)
	q := APIQuery{
		SearchQuery: CategoryQuery(cats) + " AND submittedDate:[" + apiMinute(from) + " TO " + apiMinute(to.Add(-time.Minute)) + "]",
		SortBy:      "submittedDate",
		SortOrder:   "ascending",
	}
	var papers []bot.Paper
	seen := map[string]bool{}
	total, empty := -1, 0
	for total < 0 || q.Start < total {
		q.MaxResults = min(MaxResultsPerQuery, MaxQueryResults-q.Start)
		f, err := c.queryPage(ctx, q)
		if err != nil {
			return bot.Announcement{}, prefixed(prefix, err)
		}
		total = f.TotalResults
		if total > MaxQueryResults {
			return bot.Announcement{}, fmt.Errorf("%s: %d papers submitted from %s to %s UTC, more than the export API pages through (%d)",
				prefix, total, from.Format("2006-01-02 15:04"), to.Format("2006-01-02 15:04"), MaxQueryResults)
		}
		entries := len(f.Papers) + len(f.Skipped)
		if entries == 0 {
			if q.Start >= total {
				break
			}
			if empty++; empty > PastEmptyPageRetries {
				return bot.Announcement{}, fmt.Errorf("%s: the export API answered %d empty pages at result %d of %d",
					prefix, empty, q.Start, total)
			}
			continue
		}
		empty = 0
		for _, p := range f.Papers {
			// Results that move between pages while arXiv updates come
			// twice; the first is kept.
			if !seen[p.ID] {
				seen[p.ID] = true
				papers = append(papers, p)
			}
		}
		for _, s := range f.Skipped {
			s.Where = shiftEntry(s.Where, q.Start)
			a.Skipped = append(a.Skipped, s)
		}
		q.Start += entries
	}
	for _, p := range papers {
		p.AnnouncedOn = day
		typ := bot.AnnounceCross
		if len(p.Categories) > 0 && slices.ContainsFunc(cats, func(pattern string) bool { return MatchesCategory(pattern, p.Categories[0]) }) {
			typ = bot.AnnounceNew
		}
		a.Items = append(a.Items, bot.Announced{Paper: p, Type: typ})
	}
	// The feed's order: new, then cross-lists.
	slices.SortStableFunc(a.Items, func(x, y bot.Announced) int {
		return cmpBool(x.Type != bot.AnnounceNew, y.Type != bot.AnnounceNew)
	})
	return a, nil
}

// queryPage asks for one page of the export API and parses it. An error
// status with arXiv's error feed is that feed's message.
func (c *Client) queryPage(ctx context.Context, q APIQuery) (AtomFeed, error) {
	body, err := c.Query(ctx, q)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && len(body) > 0 {
			var ae *ErrorResponse
			if _, perr := parseAtom(bytes.NewReader(body)); errors.As(perr, &ae) {
				return AtomFeed{}, fmt.Errorf("%w (%w)", ae, se)
			}
		}
		return AtomFeed{}, err
	}
	f, err := parseAtom(bytes.NewReader(body))
	if err != nil {
		return AtomFeed{}, fmt.Errorf("export API: %w", err)
	}
	return f, nil
}

// apiMinute formats t as the export API's submittedDate bound, UTC.
func apiMinute(t time.Time) string { return t.UTC().Format("200601021504") }

// shiftEntry renumbers a page's "entry N" as the query's "entry start+N".
func shiftEntry(where string, start int) string {
	if s, ok := strings.CutPrefix(where, "entry "); ok {
		if n, err := strconv.Atoi(s); err == nil {
			return "entry " + strconv.Itoa(start+n)
		}
	}
	return where
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// prefixedError puts what was asked for before an error of this package,
// without repeating its "arxiv: ".
type prefixedError struct {
	prefix string
	err    error
}

func prefixed(prefix string, err error) error { return &prefixedError{prefix, err} }

func (e *prefixedError) Error() string {
	return e.prefix + ": " + strings.TrimPrefix(e.err.Error(), "arxiv: ")
}

func (e *prefixedError) Unwrap() error { return e.err }
