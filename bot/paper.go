package bot

import (
	"regexp"
	"strings"
	"time"
)

// Paper is one research paper as paperboy keeps it. Its key is the bare
// arXiv id ("2405.15738": no "arXiv:" prefix, no version suffix).
type Paper struct {
	ID          string
	Title       string    // whitespace collapsed
	Abstract    string    // whitespace collapsed
	Authors     []string  // in arXiv order, hidden authors left out
	PublishedAt time.Time // arXiv v1 submission time (paper.publishedAt), UTC
	// ListDate is the date of the Hugging Face daily list the paper was
	// (first) seen in. See docs in adapters/huggingface for how it is derived.
	ListDate    Date
	Upvotes     int
	Comments    int
	GitHubRepo  string
	GitHubStars int
	ProjectPage string
	Thumbnail   string
	AISummary   string
	AIKeywords  []string
	OrgName     string // Hugging Face organization handle ("AntResearch")
	OrgFullName string // display name ("Ant Research")
	FetchedAt   time.Time

	// The facts arXiv gives (adapters/arxiv); empty for a paper only
	// Hugging Face has listed. A paper both sources know is one Paper
	// with both sets of fields: the store fills in what one source lacks
	// without erasing what the other gave.
	//
	// Categories are arXiv's, canonical (cs.LG, hep-th), the primary one
	// first where the source says which it is (the export API and OAI-PMH
	// do; the announcement feeds do not).
	Categories   []string
	ArxivComment string // the authors' comments field ("12 pages, accepted at NeurIPS 2026")
	JournalRef   string
	DOI          string
	Version      int // the latest version arXiv announced (1 for v1), 0 when unknown
	// AnnouncedOn is the arXiv announcement day the paper was (first)
	// seen in (the feed's pubDate, a US Eastern date).
	AnnouncedOn Date
}

// Date is a paper's date for since:, before:, sort:date and recency: its
// Hugging Face list date, else its arXiv submission date (UTC), else its
// arXiv announcement day; zero when it has none. The store's effDate is
// the same rule in SQL.
func (p Paper) Date() Date {
	switch {
	case !p.ListDate.IsZero():
		return p.ListDate
	case !p.PublishedAt.IsZero():
		return DateOf(p.PublishedAt.UTC())
	}
	return p.AnnouncedOn
}

var (
	arxivIDRe  = regexp.MustCompile(`^(\d{4})\.(\d{4,5})(?:v\d+)?$`)
	arxivID3Re = regexp.MustCompile(`^(\d{4})\.(\d{3})$`)
	oldIDRe    = regexp.MustCompile(`^([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$`)
)

// NormalizeID returns the bare arXiv id for s, accepting "arXiv:" prefixes,
// version suffixes and surrounding space. It reports false when s is not an
// arXiv identifier.
func NormalizeID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 6 && strings.EqualFold(s[:6], "arxiv:") {
		s = s[6:]
	}
	if m := arxivIDRe.FindStringSubmatch(s); m != nil {
		return m[1] + "." + m[2], true
	}
	if m := arxivID3Re.FindStringSubmatch(s); m != nil {
		// hf-mcp-server zero-pads three-digit suffixes; so do we.
		return m[1] + ".00" + m[2], true
	}
	if m := oldIDRe.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	return "", false
}

// HasArxivID reports whether the links built from p's id (HuggingFaceURL,
// ArxivURL, PDFURL, PageURL) can be trusted: the id is a bare arXiv id, as
// NormalizeID writes it. A renderer leaves those links out otherwise.
func (p Paper) HasArxivID() bool {
	id, ok := NormalizeID(p.ID)
	return ok && id == p.ID
}

// HuggingFaceURL is the paper's page on Hugging Face.
func (p Paper) HuggingFaceURL() string { return "https://huggingface.co/papers/" + p.ID }

// ArxivOnly reports whether only arXiv has described the paper: it has
// arXiv's categories and was on no Hugging Face daily list, so Hugging
// Face has no page worth sending people to (no upvotes, no summary).
func (p Paper) ArxivOnly() bool { return p.ListDate.IsZero() && len(p.Categories) > 0 }

// PageURL is where a paper's title links to: its Hugging Face page, or
// its arXiv abstract page when only arXiv has described it.
func (p Paper) PageURL() string {
	if p.ArxivOnly() {
		return p.ArxivURL()
	}
	return p.HuggingFaceURL()
}

// Standing is the short fact shown after a paper's title in lists: its
// upvotes, or for a paper only arXiv has described, its primary category.
func (p Paper) Standing() string {
	if p.ArxivOnly() {
		return p.Categories[0]
	}
	return Count(p.Upvotes, "upvote")
}

// ArxivURL is the paper's arXiv abstract page.
func (p Paper) ArxivURL() string { return "https://arxiv.org/abs/" + p.ID }

// PDFURL is the paper's PDF on arXiv.
func (p Paper) PDFURL() string { return "https://arxiv.org/pdf/" + p.ID }

// Organization is the name to show for the paper's organization, if any.
func (p Paper) Organization() string {
	if p.OrgFullName != "" {
		return p.OrgFullName
	}
	return p.OrgName
}

// CollapseSpace replaces every run of white space with a single space and
// trims both ends. Hugging Face hard-wraps older titles and abstracts.
func CollapseSpace(s string) string {
	if !needsCollapse(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func needsCollapse(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return true // let strings.Fields deal with Unicode spaces
		}
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if sp && (prevSpace || c != ' ') {
			return true
		}
		prevSpace = sp
	}
	return prevSpace && len(s) > 0
}
