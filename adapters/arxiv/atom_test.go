package arxiv

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/bot"
)

func parseAtomFile(t *testing.T, path string) AtomFeed {
	t.Helper()
	f, err := ParseAtom(strings.NewReader(string(readFile(t, path))))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// A real response of 100 entries (search_query=all:testing).
func TestParseAtomTesting100(t *testing.T) {
	const path = "testdata/query_testing_100.atom"
	f := parseAtomFile(t, path)
	if len(f.Papers) != 100 || len(f.Skipped) != 0 {
		t.Fatalf("%d papers, skipped %v", len(f.Papers), f.Skipped)
	}
	if f.TotalResults != 214881 || f.StartIndex != 0 || f.ItemsPerPage != 100 {
		t.Errorf("paging %d %d %d", f.TotalResults, f.StartIndex, f.ItemsPerPage)
	}
	body := string(readFile(t, path))
	primaries := regexp.MustCompile(`<arxiv:primary_category term="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(primaries) != 100 {
		t.Fatalf("%d primary categories in the file", len(primaries))
	}
	authors, comments, refs, dois, old := 0, 0, 0, 0, 0
	for i, p := range f.Papers {
		if p.Title == "" || p.Abstract == "" || len(p.Authors) == 0 || p.Version < 1 || p.PublishedAt.IsZero() {
			t.Errorf("paper %d: %+v", i, p)
		}
		if p.Categories[0] != primaries[i][1] {
			t.Errorf("paper %d (%s): categories %v, primary %s", i, p.ID, p.Categories, primaries[i][1])
		}
		if p.PublishedAt.Location() != time.UTC {
			t.Errorf("paper %d: published %v", i, p.PublishedAt)
		}
		if p.Abstract != bot.CleanText(p.Abstract) || p.Title != bot.CleanText(p.Title) {
			t.Errorf("paper %d: text not cleaned", i)
		}
		authors += len(p.Authors)
		if p.ArxivComment != "" {
			comments++
		}
		if p.JournalRef != "" {
			refs++
		}
		if p.DOI != "" {
			dois++
		}
		if strings.Contains(p.ID, "/") {
			old++
		}
	}
	if authors != 366 || comments != 97 || refs != 18 || dois != 32 || old != 3 {
		t.Errorf("%d authors, %d comments, %d journal refs, %d DOIs, %d old-style ids; want 366, 97, 18, 32, 3",
			authors, comments, refs, dois, old)
	}
	want := bot.Paper{
		ID:           "2202.12139",
		Version:      1,
		Title:        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
		Abstract:     f.Papers[0].Abstract,
		Authors:      []string{"Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"},
		PublishedAt:  time.Date(2022, 2, 24, 15, 5, 19, 0, time.UTC),
		Categories:   []string{"cs.SE", "cs.LG"},
		ArxivComment: "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022",
		JournalRef:   "Artificial Intelligence in Software Testing @ 2022 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW)",
		DOI:          "10.1109/ICSTW55395.2022.00035",
	}
	if diff := cmp.Diff(want, f.Papers[0]); diff != "" {
		t.Errorf("first paper (-want +got):\n%s", diff)
	}
}

func TestParseAtomOldStyleID(t *testing.T) {
	f := parseAtomFile(t, "testdata/query_id_list_affiliation.atom")
	if len(f.Papers) != 1 {
		t.Fatalf("%d papers", len(f.Papers))
	}
	p := f.Papers[0]
	if p.ID != "astro-ph/0601001" || p.Version != 1 || p.JournalRef != "ActaAstron.56:1-50,2006" ||
		!cmp.Equal(p.Categories, []string{"astro-ph"}) || len(p.Authors) != 4 || p.Authors[3] != "Andrzej Udalski" {
		t.Errorf("paper %+v", p)
	}
	// Leading spaces go, escaped characters are read, LaTeX stays.
	if !strings.HasPrefix(p.Abstract, "We derive the frequencies") || !strings.Contains(p.Abstract, "V_max<17.5") ||
		!strings.Contains(p.Abstract, "(1/310)(1^{+1.39}_{-0.59})") || !strings.Contains(p.Abstract, "Gould & Morgan") {
		t.Errorf("abstract %q", p.Abstract)
	}
}

// The format of the 2007 manual: namespaces on every element, wrapped
// text, times with an offset, the DOI only as a link.
func TestParseAtom2007(t *testing.T) {
	f := parseAtomFile(t, "testdata/query_2007_format.atom")
	if f.TotalResults != 1000 || f.ItemsPerPage != 2 || len(f.Papers) != 2 {
		t.Fatalf("feed %+v", f)
	}
	want := []bot.Paper{{
		ID:           "hep-ex/0307015",
		Version:      1,
		Title:        "A wrapped title about electrons in a detector",
		Abstract:     "A summary that is wrapped over two lines, with $e^+e^-$ kept.",
		Authors:      []string{"First Author", "Second Author"},
		PublishedAt:  time.Date(2003, 7, 7, 17, 46, 39, 0, time.UTC),
		Categories:   []string{"hep-ex", "physics.ins-det"},
		ArxivComment: "23 pages, 8 figures and 10 tables",
		JournalRef:   "Eur.Phys.J. C31 (2003) 17-29",
		DOI:          "10.1140/epjc/s2003-01326-x",
	}, {
		ID:          "0710.1234",
		Version:     2,
		Title:       "Second paper",
		Abstract:    "Short.",
		Authors:     []string{"Third Author"},
		PublishedAt: time.Date(2007, 10, 6, 0, 1, 2, 0, time.UTC),
		Categories:  []string{"cs.IT"}, // math.IT is its alias; the MSC and ACM codes are no categories
	}}
	if diff := cmp.Diff(want, f.Papers); diff != "" {
		t.Errorf("papers (-want +got):\n%s", diff)
	}
}

func TestParseAtomEmpty(t *testing.T) {
	f := parseAtomFile(t, "testdata/query_empty.atom")
	if len(f.Papers) != 0 || f.Papers == nil || f.TotalResults != 0 || f.ItemsPerPage != 100 {
		t.Errorf("feed %+v", f)
	}
}

func TestParseAtomError(t *testing.T) {
	_, err := ParseAtom(strings.NewReader(string(readFile(t, "testdata/query_error_400.atom"))))
	const want = "arxiv: export API: arXiv api error incorrect_id_format_for_abc: incorrect id format for abc"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	var er *ErrorResponse
	if !errors.As(err, &er) || er.Message != "incorrect id format for abc" {
		t.Errorf("error %#v", err)
	}
}

func atomOf(entries ...string) string {
	return `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">` +
		strings.Join(entries, "") + `</feed>`
}

func TestParseAtomSkips(t *testing.T) {
	f, err := ParseAtom(strings.NewReader(atomOf(
		`<entry><id>http://arxiv.org/abs/2612.00001v3</id><title>Error</title><published>2026-12-01T10:00:00Z</published></entry>`,
		`<entry><title>No id</title></entry>`,
		`<entry><id>https://example.com/x</id></entry>`,
		`<entry><id>http://arxiv.org/abs/2612.00001v4</id></entry>`,
		`<entry><id>http://arxiv.org/abs/2612.00002</id><published>yesterday</published>`+
			`<arxiv:primary_category term="cs.XX"/><category term="cs.LG"/><arxiv:doi> 10.1/x </arxiv:doi></entry>`,
	)))
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Paper{
		{ID: "2612.00001", Version: 3, Title: "Error", PublishedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{ID: "2612.00002", Categories: []string{"cs.LG"}, DOI: "10.1/x"},
	}
	if diff := cmp.Diff(want, f.Papers); diff != "" {
		t.Errorf("papers (-want +got):\n%s", diff)
	}
	var skips []string
	for _, s := range f.Skipped {
		skips = append(skips, s.String())
	}
	wantSkips := []string{
		"entry 1: no id",
		`entry 2 (id "https://example.com/x"): id "https://example.com/x" is not an arXiv id`,
		`entry 3 (id "2612.00001"): the same paper as entry 0`,
	}
	if diff := cmp.Diff(wantSkips, skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
}

func TestParseAtomFailures(t *testing.T) {
	good := string(readFile(t, "testdata/query_sample.atom"))
	for _, tt := range []struct{ name, body, want string }{
		{"empty", "", "arxiv: export API: an empty body, not XML"},
		{"rss", string(readFile(t, "testdata/rss_empty_2024-11-28.rss")), "arxiv: export API: not an Atom feed (the root element is <rss>)"},
		{"truncated", good[:len(good)/2], "arxiv: export API: "},
		{"html", "<html><body>503</body></html>", "arxiv: export API: not an Atom feed (the root element is <html>)"},
		{"bad count", atomOf(`<totalResults xmlns="http://a9.com/-/spec/opensearch/1.1/">many</totalResults>`), `arxiv: export API: opensearch:totalResults "many" is not a count`},
	} {
		_, err := ParseAtom(strings.NewReader(tt.body))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q...", tt.name, err, tt.want)
		}
		if tt.name == "truncated" && err != nil && !strings.Contains(err.Error(), "truncated XML") {
			t.Errorf("truncated: %v", err)
		}
	}
}
