package bot

// The fields of the query language (author:, org:, cat:, upvotes:,
// has:, since:, before:, sort:, id:): how each value is read and checked.
// A new field also needs the per-paper matcher (match.go), the batch
// topic matcher (topics_compile.go), the SQL compiler (store) and the
// oracle (store/exhaustive.go).

import (
	"strconv"
	"strings"
	"time"
)

// queryFields are the filter names, in the order String writes them.
var queryFields = []string{"author", "org", "cat", "upvotes", "has", "since", "before", "sort", "id"}

func (p *queryParser) applyField(t qtoken) error {
	v := t.value
	q := p.q
	if v == "" {
		return queryError("%s: needs a value right after the colon, e.g. %s", t.name, fieldExample(t.name))
	}
	switch t.name {
	case "author":
		q.Authors = append(q.Authors, v)
	case "org":
		q.Orgs = append(q.Orgs, v)
	case "cat":
		alts, ok := parseCategories(v)
		if !ok {
			return queryError("cat: takes arXiv categories or archives, e.g. cat:cs.CL, cat:cs.* or cat:cs.CL,cs.LG (not %s)", qshow(t.text))
		}
		q.Categories = append(q.Categories, alts)
	case "upvotes":
		c, ok := parseCompare(v)
		if !ok {
			return queryError("%s is not a number of upvotes: write upvotes:>=20 (also >, <, <=, =)", qshow(t.text))
		}
		q.Upvotes = append(q.Upvotes, c)
	case "has":
		switch strings.ToLower(v) {
		case "code":
			q.HasCode = true
		case "project":
			q.HasProject = true
		default:
			return queryError("has: takes code or project, e.g. has:code (not %s)", qshow(t.text))
		}
	case "since":
		if p.sinceSet {
			return queryError("use since: only once, e.g. since:7d")
		}
		p.sinceSet = true
		d, ok := parseSince(v, p.today)
		if !ok {
			return queryError("%s is not a start date: write days, weeks or months back (since:7d, since:4w, since:6m) or a date (since:2025-01-01)", qshow(t.text))
		}
		q.Since = d
	case "before":
		if p.beforeSet {
			return queryError("use before: only once, e.g. before:2025-01-01")
		}
		p.beforeSet = true
		d, ok := parseQueryDate(v)
		if !ok {
			return queryError("%s is not a date: write before:YYYY-MM-DD, e.g. before:2025-01-01", qshow(t.text))
		}
		q.Before = d
	case "sort":
		if p.sortSet {
			return queryError("use sort: only once, e.g. sort:date")
		}
		p.sortSet = true
		switch strings.ToLower(v) {
		case "relevance":
			q.Sort = SortRelevance
		case "date":
			q.Sort = SortDate
		case "upvotes":
			q.Sort = SortUpvotes
		default:
			return queryError("sort: takes relevance, date or upvotes, e.g. sort:date (not %s)", qshow(t.text))
		}
	}
	return nil
}

func fieldExample(name string) string {
	switch name {
	case "author":
		return `author:"Yann LeCun"`
	case "org":
		return "org:meta"
	case "cat":
		return "cat:cs.CL"
	case "upvotes":
		return "upvotes:>=20"
	case "has":
		return "has:code"
	case "since":
		return "since:7d"
	case "before":
		return "before:2025-01-01"
	case "sort":
		return "sort:date"
	}
	return "id:2405.15738"
}

// parseCompare parses [op]N for upvotes:.
func parseCompare(v string) (Compare, bool) {
	op := ">="
	for _, o := range []string{">=", "<=", ">", "<", "="} {
		if rest, ok := strings.CutPrefix(v, o); ok {
			op, v = o, rest
			break
		}
	}
	if v == "" || len(v) > 9 || strings.Trim(v, "0123456789") != "" {
		return Compare{}, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return Compare{}, false
	}
	return Compare{Op: op, N: n}, true
}

// maxSinceCount bounds since:Nd|Nw|Nm.
const maxSinceCount = 10000

// parseSince parses Nd, Nw, Nm (back from today) or YYYY-MM-DD.
func parseSince(v string, today Date) (Date, bool) {
	v = strings.ToLower(v)
	if d, ok := parseQueryDate(v); ok {
		return d, true
	}
	if len(v) < 2 || len(v) > 6 || strings.Trim(v[:len(v)-1], "0123456789") != "" {
		return Date{}, false
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n < 1 || n > maxSinceCount {
		return Date{}, false
	}
	var d Date
	switch v[len(v)-1] {
	case 'd':
		d = today.AddDays(-n)
	case 'w':
		d = today.AddDays(-7 * n)
	case 'm':
		d = monthsBack(today, n)
	default:
		return Date{}, false
	}
	if d.Year < 1 || d.Year > 9999 {
		return Date{}, false
	}
	return d, true
}

// monthsBack returns the date n calendar months before d, the day clamped
// to the month's length (31 March minus one month is 28 or 29 February).
func monthsBack(d Date, n int) Date {
	m := d.Year*12 + int(d.Month) - 1 - n
	y, mon := m/12, time.Month(m%12+1)
	if m < 0 {
		y, mon = (m-11)/12, time.Month((m%12+12)%12+1)
	}
	last := time.Date(y, mon+1, 0, 12, 0, 0, 0, time.UTC).Day()
	return Date{y, mon, min(d.Day, last)}
}

// parseQueryDate parses YYYY-MM-DD exactly.
func parseQueryDate(v string) (Date, bool) {
	if len(v) != 10 {
		return Date{}, false
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}
