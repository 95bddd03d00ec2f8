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

func (e *apiError) Error() string { return e.msg }

func itoa(n int) string { return strconv.Itoa(n) }
