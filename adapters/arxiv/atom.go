// arXiv's export API, https://info.arxiv.org/help/api/user-manual.html:
// GET https://export.arxiv.org/api/query answers with an Atom 1.0 feed, one
// <entry> per paper, paged with OpenSearch's totalResults, startIndex and
// itemsPerPage.

package arxiv

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// AtomFeed is one page of export API results.
type AtomFeed struct {
	// Papers are the usable entries in feed order, each a different
	// paper: ID, Version, Title, Abstract, Authors, PublishedAt (v1's
	// submission time, UTC), Categories (canonical, the primary one
	// first), ArxivComment, JournalRef and DOI.
	Papers []bot.Paper
	// Skipped are the entries that are not in Papers, and why: "entry N"
	// counts every <entry> of the feed from 0.
	Skipped []bot.Skip
	// TotalResults is how many papers the query matches in all,
	// StartIndex the 0-based position of this page's first entry and
	// ItemsPerPage the page size asked for; each is 0 when absent.
	TotalResults int
	StartIndex   int
	ItemsPerPage int
}

// atomEntry is an <entry>. Tags name no namespace, so that they match in
// both the current format and the 2007 one, which repeats xmlns on every
// element.
type atomEntry struct {
	ID         string       `xml:"id"`
	Title      string       `xml:"title"`
	Summary    string       `xml:"summary"`
	Published  string       `xml:"published"`
	Links      []atomLink   `xml:"link"`
	Categories []atomTerm   `xml:"category"`
	Primary    atomTerm     `xml:"primary_category"`
	Comment    string       `xml:"comment"`
	JournalRef string       `xml:"journal_ref"`
	DOI        string       `xml:"doi"`
	Authors    []atomAuthor `xml:"author"`
}

type atomLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Title string `xml:"title,attr"`
}

type atomTerm struct {
	Term string `xml:"term,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

// ParseAtom reads an export API response, in the current format or the
// 2007 one (xmlns on every element, wrapped titles, times with an offset).
// An entry it cannot use (no arXiv id, a paper already on the page) is
// skipped with a reason. No results is an AtomFeed without papers. It
// fails for a body that is not an Atom feed or is cut off, for an element
// larger than MaxElementBytes, and for arXiv's error feed (an entry titled
// "Error", sent with HTTP 400), with an *ErrorResponse that quotes arXiv's
// message. Errors are one line.
func ParseAtom(r io.Reader) (AtomFeed, error) {
	f, err := parseAtom(r)
	if err != nil {
		return AtomFeed{}, fmt.Errorf("arxiv: export API: %w", err)
	}
	return f, nil
}

func parseAtom(r io.Reader) (AtomFeed, error) {
	s := newStream(r)
	root, err := s.root()
	if err != nil {
		return AtomFeed{}, err
	}
	if root.Name.Local != "feed" {
		return AtomFeed{}, fmt.Errorf("not an Atom feed (the root element is <%s>)", excerpt(root.Name.Local, 40))
	}
	f := AtomFeed{Papers: []bot.Paper{}}
	seen := map[string]int{}
	for n := 0; ; {
		el, ok, err := s.child()
		if err != nil {
			return AtomFeed{}, err
		}
		if !ok {
			break
		}
		var count *int
		switch el.Name.Local {
		case "entry":
			var e atomEntry
			if err := s.decode(&e, el); err != nil {
				return AtomFeed{}, fmt.Errorf("entry %d: %w", n, err)
			}
			if isErrorEntry(e) {
				return AtomFeed{}, errorResponse("api", errorCode(e.ID), firstText(e.Summary, e.ID))
			}
			where := fmt.Sprintf("entry %d", n)
			p, err := parseEntry(e)
			if err != nil {
				f.Skipped = append(f.Skipped, skipOf(where, err))
			} else if first, dup := seen[p.ID]; dup {
				f.Skipped = append(f.Skipped, bot.Skip{Where: where, ID: p.ID,
					Reason: fmt.Sprintf("the same paper as entry %d", first)})
			} else {
				seen[p.ID] = n
				f.Papers = append(f.Papers, p)
			}
			n++
			continue
		case "totalResults":
			count = &f.TotalResults
		case "startIndex":
			count = &f.StartIndex
		case "itemsPerPage":
			count = &f.ItemsPerPage
		}
		if count == nil {
			if err := s.skip(); err != nil {
				return AtomFeed{}, err
			}
			continue
		}
		var text string
		if err := s.decode(&text, el); err != nil {
			return AtomFeed{}, err
		}
		v, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil || v < 0 {
			return AtomFeed{}, fmt.Errorf("opensearch:%s %q is not a count", el.Name.Local, excerpt(text, 40))
		}
		*count = v
	}
	if err := s.end(); err != nil {
		return AtomFeed{}, err
	}
	return f, nil
}

// isErrorEntry reports whether e is the API's error entry: titled "Error",
// with an id that is no paper's (https://arxiv.org/api/errors#...), so a
// real paper called "Error" is still a paper.
func isErrorEntry(e atomEntry) bool {
	if strings.TrimSpace(e.Title) != "Error" {
		return false
	}
	_, _, ok := parseID(e.ID)
	return !ok
}

// errorCode is the fragment of an error entry's id
// ("incorrect_id_format_for_abc").
func errorCode(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return strings.TrimSpace(id[i+1:])
	}
	return ""
}

func firstText(ss ...string) string {
	for _, s := range ss {
		if c := bot.CleanText(s); c != "" {
			return c
		}
	}
	return ""
}

// parseEntry turns one <entry> into a paper.
func parseEntry(e atomEntry) (bot.Paper, error) {
	raw := strings.TrimSpace(e.ID)
	if raw == "" {
		return bot.Paper{}, &skipError{reason: "no id"}
	}
	id, version, ok := parseID(raw)
	if !ok {
		return bot.Paper{}, badID("id", raw)
	}
	p := bot.Paper{
		ID:           id,
		Version:      version,
		Title:        e.Title,
		Abstract:     e.Summary,
		ArxivComment: e.Comment,
		JournalRef:   e.JournalRef,
		DOI:          strings.TrimSpace(e.DOI),
	}
	// A time that does not parse is left out, like any unusable field.
	p.PublishedAt, _ = parseTime(e.Published)
	cats := []string{e.Primary.Term}
	for _, c := range e.Categories {
		cats = append(cats, c.Term)
	}
	p.Categories = canonicalCategories(cats)
	for _, a := range e.Authors {
		p.Authors = append(p.Authors, a.Name)
	}
	if p.DOI == "" {
		p.DOI = doiOfLinks(e.Links)
	}
	return cleanPaper(p), nil
}

// doiOfLinks reads the DOI from a link titled "doi"
// (href="https://doi.org/10.1103/PhysRevD.76.013009"), which the API sends
// alongside <arxiv:doi>.
func doiOfLinks(links []atomLink) string {
	for _, l := range links {
		if l.Title != "doi" {
			continue
		}
		href := strings.TrimSpace(l.Href)
		for _, prefix := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/"} {
			if strings.HasPrefix(href, prefix) {
				return href[len(prefix):]
			}
		}
	}
	return ""
}
