package arxivfake

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The export API (data-sources.md 2.1) over the fake's corpus:
// search_query with cat: (a trailing * matches a prefix: cat:cs.*),
// submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM] (UTC, inclusive; 8 or 14
// digits work too), lastUpdatedDate:[…], id:, ti:, abs:, au:, all: (a
// case-insensitive substring), joined by AND, OR, ANDNOT and parentheses
// (adjacent terms mean AND); id_list; start and max_results (default 10,
// at most 2,000, start+max_results at most 30,000, else HTTP 400); sortBy
// relevance (the corpus order) | submittedDate | lastUpdatedDate and
// sortOrder (default descending). A malformed id or query is an HTTP 400
// with arXiv's error feed.

var (
	newID = regexp.MustCompile(`^\d{4}\.\d{4,5}(v\d+)?$`)
	oldID = regexp.MustCompile(`^[a-z]+(-[a-z]+)?(\.[A-Z]{2})?/\d{7}(v\d+)?$`)
)

func stripVersion(id string) string {
	if i := strings.LastIndexByte(id, 'v'); i > 0 {
		if _, err := strconv.Atoi(id[i+1:]); err == nil && !strings.Contains(id[i:], "/") {
			return id[:i]
		}
	}
	return id
}

type apiError struct {
	anchor, msg string
}

// apiAnswer evaluates an export API query: the status and Atom body; with
// emptyPage, the page comes without its entries (Rule.EmptyPage).
func apiAnswer(corpus []Paper, q url.Values, now time.Time, emptyPage bool) (int, []byte) {
	fail := func(anchor, msg string) (int, []byte) { return 400, apiErrorFeed(anchor, msg, now) }
	start, max := 0, 10
	if v := q.Get("start"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fail("start_must_be_an_integer", "start must be an integer")
		}
		start = n
	}
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fail("max_results_must_be_an_integer", "max_results must be an integer")
		}
		max = n
	}
	if start+max > 30000 {
		return fail("start_plus_max_results_too_large", "start + max_results must be at most 30000")
	}
	max = min(max, 2000)
	var ids []string
	if v := q.Get("id_list"); v != "" {
		for _, id := range strings.Split(v, ",") {
			id = strings.TrimSpace(id)
			if !newID.MatchString(id) && !oldID.MatchString(id) {
				return fail("incorrect_id_format_for_"+id, "incorrect id format for "+id)
			}
			ids = append(ids, stripVersion(id))
		}
	}
	var match func(Paper) bool
	if s := strings.TrimSpace(q.Get("search_query")); s != "" {
		m, err := parseQuery(s)
		if err != nil {
			var ae *apiError
			if errors.As(err, &ae) {
				return fail(ae.anchor, ae.msg)
			}
			return fail("invalid_query", err.Error())
		}
		match = m
	} else if len(ids) == 0 {
		return fail("missing_search_query", "either search_query or id_list is required")
	}
	var hits []Paper
	if len(ids) > 0 {
		byID := map[string]Paper{}
		for _, p := range corpus {
			byID[p.ID] = p
		}
		for _, id := range ids {
			if p, ok := byID[id]; ok && !p.Deleted && (match == nil || match(p)) {
				hits = append(hits, p)
			}
		}
	} else {
		for _, p := range corpus {
			if !p.Deleted && match(p) {
				hits = append(hits, p)
			}
		}
	}
	desc := q.Get("sortOrder") != "ascending"
	switch q.Get("sortBy") {
	case "submittedDate":
		slices.SortStableFunc(hits, func(a, b Paper) int { return cmpTime(a.Submitted, b.Submitted, desc) })
	case "lastUpdatedDate":
		slices.SortStableFunc(hits, func(a, b Paper) int { return cmpTime(a.updated(), b.updated(), desc) })
	case "", "relevance":
	default:
		return fail("unknown_sort_by", "unknown sortBy "+q.Get("sortBy"))
	}
	total := len(hits)
	page := []Paper{}
	if start < len(hits) && !emptyPage {
		page = hits[start:min(start+max, len(hits))]
	}
	return 200, apiFeed(q, page, total, start, max, now)
}

func cmpTime(a, b time.Time, desc bool) int {
	c := a.Compare(b)
	if desc {
		return -c
	}
	return c
}

const atomOpen = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
`

func atomTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func apiFeed(q url.Values, page []Paper, total, start, max int, now time.Time) []byte {
	var b bytes.Buffer
	title := fmt.Sprintf("search_query=%s&id_list=%s&start=%d&max_results=%d", q.Get("search_query"), q.Get("id_list"), start, max)
	link := fmt.Sprintf("https://arxiv.org/api/query?search_query=%s&start=%d&max_results=%d&id_list=%s",
		url.QueryEscape(q.Get("search_query")), start, max, q.Get("id_list"))
	sum := sha1.Sum([]byte(title))
	b.WriteString(atomOpen)
	b.WriteString("  <id>https://arxiv.org/api/" + base64.RawURLEncoding.EncodeToString(sum[:])[:27] + "</id>\n")
	b.WriteString("  <title>arXiv Query: " + textEsc.Replace(title) + "</title>\n")
	b.WriteString("  <updated>" + atomTime(now) + "</updated>\n")
	b.WriteString(`  <link href="` + attrEsc.Replace(link) + `" type="application/atom+xml"/>` + "\n")
	b.WriteString("  <opensearch:itemsPerPage>" + itoa(max) + "</opensearch:itemsPerPage>\n")
	b.WriteString("  <opensearch:totalResults>" + itoa(total) + "</opensearch:totalResults>\n")
	b.WriteString("  <opensearch:startIndex>" + itoa(start) + "</opensearch:startIndex>\n")
	for _, p := range page {
		vid := p.ID + "v" + itoa(p.version())
		b.WriteString("  <entry>\n")
		b.WriteString("    <id>http://arxiv.org/abs/" + vid + "</id>\n")
		b.WriteString("    <title>" + textEsc.Replace(p.Title) + "</title>\n")
		b.WriteString("    <updated>" + atomTime(p.updated()) + "</updated>\n")
		b.WriteString(`    <link href="https://arxiv.org/abs/` + vid + `" rel="alternate" type="text/html"/>` + "\n")
		b.WriteString(`    <link href="https://arxiv.org/pdf/` + vid + `" rel="related" type="application/pdf" title="pdf"/>` + "\n")
		if p.DOI != "" {
			b.WriteString(`    <link href="https://doi.org/` + attrEsc.Replace(p.DOI) + `" rel="related" title="doi"/>` + "\n")
		}
		b.WriteString("    <summary>" + textEsc.Replace(p.Abstract) + "</summary>\n")
		for _, c := range p.Categories {
			b.WriteString(`    <category term="` + attrEsc.Replace(c) + `" scheme="http://arxiv.org/schemas/atom"/>` + "\n")
		}
		b.WriteString("    <published>" + atomTime(p.Submitted) + "</published>\n")
		if p.Comment != "" {
			b.WriteString("    <arxiv:comment>" + textEsc.Replace(p.Comment) + "</arxiv:comment>\n")
		}
		if len(p.Categories) > 0 {
			b.WriteString(`    <arxiv:primary_category term="` + attrEsc.Replace(p.Categories[0]) + `"/>` + "\n")
		}
		if p.JournalRef != "" {
			b.WriteString("    <arxiv:journal_ref>" + textEsc.Replace(p.JournalRef) + "</arxiv:journal_ref>\n")
		}
		if p.DOI != "" {
			b.WriteString("    <arxiv:doi>" + textEsc.Replace(p.DOI) + "</arxiv:doi>\n")
		}
		for _, a := range p.Authors {
			b.WriteString("    <author>\n      <name>" + textEsc.Replace(a.Name()) + "</name>\n")
			if a.Affiliation != "" {
				b.WriteString("      <arxiv:affiliation>" + textEsc.Replace(a.Affiliation) + "</arxiv:affiliation>\n")
			}
			b.WriteString("    </author>\n")
		}
		b.WriteString("  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// apiErrorFeed is arXiv's error answer (query_error_400.atom).
func apiErrorFeed(anchor, msg string, now time.Time) []byte {
	var b bytes.Buffer
	u := "https://arxiv.org/api/errors#" + attrEsc.Replace(anchor)
	b.WriteString(atomOpen)
	b.WriteString("  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n")
	b.WriteString("  <updated>" + atomTime(now) + "</updated>\n")
	b.WriteString("  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n  <opensearch:totalResults>1</opensearch:totalResults>\n  <opensearch:startIndex>0</opensearch:startIndex>\n")
	b.WriteString("  <entry>\n    <id>" + u + "</id>\n    <title>Error</title>\n")
	b.WriteString("    <updated>" + atomTime(now) + "</updated>\n")
	b.WriteString(`    <link href="` + u + `" rel="alternate" type="text/html"/>` + "\n")
	b.WriteString("    <summary>" + textEsc.Replace(msg) + "</summary>\n")
	b.WriteString("    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n")
	return b.Bytes()
}

// parseQuery compiles a search_query into a predicate.
func parseQuery(s string) (func(Paper) bool, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &qparser{toks: toks}
	m, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, &apiError{"invalid_query", "unexpected " + p.toks[p.i] + " in search_query"}
	}
	return m, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '+':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '+' && s[j] != '(' && s[j] != ')' {
				if s[j] == '[' {
					k := strings.IndexByte(s[j:], ']')
					if k < 0 {
						return nil, &apiError{"invalid_query", "unclosed [ in search_query"}
					}
					j += k
				} else if s[j] == '"' {
					k := strings.IndexByte(s[j+1:], '"')
					if k < 0 {
						return nil, &apiError{"invalid_query", "unclosed quote in search_query"}
					}
					j += k + 1
				}
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type qparser struct {
	toks []string
	i    int
}

func (p *qparser) expr() (func(Paper) bool, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.i < len(p.toks) && p.toks[p.i] != ")" {
		op := "AND"
		if t := p.toks[p.i]; t == "AND" || t == "OR" || t == "ANDNOT" {
			op = t
			p.i++
		}
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		l := left
		switch op {
		case "AND":
			left = func(x Paper) bool { return l(x) && right(x) }
		case "OR":
			left = func(x Paper) bool { return l(x) || right(x) }
		case "ANDNOT":
			left = func(x Paper) bool { return l(x) && !right(x) }
		}
	}
	return left, nil
}

func (p *qparser) term() (func(Paper) bool, error) {
	if p.i >= len(p.toks) {
		return nil, &apiError{"invalid_query", "search_query ends early"}
	}
	t := p.toks[p.i]
	p.i++
	if t == "(" {
		m, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.toks) || p.toks[p.i] != ")" {
			return nil, &apiError{"invalid_query", "unclosed ( in search_query"}
		}
		p.i++
		return m, nil
	}
	field, val, ok := strings.Cut(t, ":")
	if !ok {
		field, val = "all", t
	}
	val = strings.Trim(val, `"`)
	switch field {
	case "cat":
		if pre, wild := strings.CutSuffix(val, "*"); wild {
			return func(x Paper) bool {
				return slices.ContainsFunc(x.Categories, func(c string) bool { return strings.HasPrefix(c, pre) })
			}, nil
		}
		return func(x Paper) bool { return slices.Contains(x.Categories, val) }, nil
	case "id":
		id := stripVersion(val)
		return func(x Paper) bool { return x.ID == id }, nil
	case "submittedDate", "lastUpdatedDate":
		from, to, err := dateRange(val)
		if err != nil {
			return nil, err
		}
		get := func(x Paper) time.Time { return x.Submitted }
		if field == "lastUpdatedDate" {
			get = func(x Paper) time.Time { return x.updated() }
		}
		return func(x Paper) bool { t := get(x).UTC(); return !t.Before(from) && !t.After(to) }, nil
	case "ti", "abs", "au", "all", "co", "jr":
		v := strings.ToLower(val)
		return func(x Paper) bool {
			var hay []string
			if field == "ti" || field == "all" {
				hay = append(hay, x.Title)
			}
			if field == "abs" || field == "all" {
				hay = append(hay, x.Abstract)
			}
			if field == "au" || field == "all" {
				for _, a := range x.Authors {
					hay = append(hay, a.Name())
				}
			}
			if field == "co" || field == "all" {
				hay = append(hay, x.Comment)
			}
			if field == "jr" || field == "all" {
				hay = append(hay, x.JournalRef)
			}
			return slices.ContainsFunc(hay, func(h string) bool { return strings.Contains(strings.ToLower(h), v) })
		}, nil
	}
	return nil, &apiError{"invalid_query", "unknown field " + field + " in search_query"}
}

// dateRange reads "[202411270000 TO 202411282359]", inclusive to the end
// of the last unit given.
func dateRange(v string) (time.Time, time.Time, error) {
	bad := &apiError{"invalid_date_range", "submittedDate must be [YYYYMMDDHHMM TO YYYYMMDDHHMM]"}
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return time.Time{}, time.Time{}, bad
	}
	a, b, ok := strings.Cut(v[1:len(v)-1], " TO ")
	if !ok {
		return time.Time{}, time.Time{}, bad
	}
	parse := func(s string, end bool) (time.Time, bool) {
		s = strings.TrimSpace(s)
		layouts := map[int]struct {
			layout string
			unit   time.Duration
		}{8: {"20060102", 24 * time.Hour}, 12: {"200601021504", time.Minute}, 14: {"20060102150405", time.Second}}
		l, ok := layouts[len(s)]
		if !ok {
			return time.Time{}, false
		}
		t, err := time.Parse(l.layout, s)
		if err != nil {
			return time.Time{}, false
		}
		if end {
			t = t.Add(l.unit - time.Nanosecond)
		}
		return t, true
	}
	from, ok1 := parse(a, false)
	to, ok2 := parse(b, true)
	if !ok1 || !ok2 {
		return time.Time{}, time.Time{}, bad
	}
	return from, to, nil
}

func (e *apiError) Error() string { return e.msg }

func itoa(n int) string { return strconv.Itoa(n) }
