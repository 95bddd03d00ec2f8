package arxiv

import (
	"errors"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/bot"
)

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func parseFeedFile(t *testing.T, path string) Feed {
	t.Helper()
	f, err := ParseFeed(strings.NewReader(string(readFile(t, path))))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// The real feed of every archive on Thu 28 Nov 2024.
func TestParseFeedAllArchives(t *testing.T) {
	const path = "testdata/rss_all_archives_2024-11-28.rss"
	f := parseFeedFile(t, path)
	if want := (bot.Date{Year: 2024, Month: 11, Day: 28}); f.Day != want {
		t.Errorf("Day = %v, want %v", f.Day, want)
	}
	if len(f.Skipped) != 0 {
		t.Errorf("skipped %v", f.Skipped)
	}
	if len(f.Items) != 1504 {
		t.Fatalf("%d items, want 1504", len(f.Items))
	}
	types := map[string]int{}
	dois, refs, isNew := 0, 0, 0
	for _, it := range f.Items {
		types[it.AnnounceType]++
		if it.Paper.DOI != "" {
			dois++
		}
		if it.Paper.JournalRef != "" {
			refs++
		}
		if it.IsNew() {
			isNew++
		}
	}
	want := map[string]int{"new": 926, "replace": 569, "cross": 9}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("announce types (-want +got):\n%s", diff)
	}
	if dois != 111 || refs != 97 || isNew != 935 {
		t.Errorf("%d DOIs, %d journal refs, %d new; want 111, 97, 935", dois, refs, isNew)
	}

	// Every item's id is the one its link names, and its version the
	// guid's, read here straight from the file.
	body := string(readFile(t, path))
	links := regexp.MustCompile(`<link>https://arxiv\.org/abs/([^<]+)</link>`).FindAllStringSubmatch(body, -1)
	guids := regexp.MustCompile(`<guid isPermaLink="false">oai:arXiv\.org:[^<]+v(\d+)</guid>`).FindAllStringSubmatch(body, -1)
	if len(links) != 1504 || len(guids) != 1504 {
		t.Fatalf("%d links and %d guids in the file", len(links), len(guids))
	}
	for i, it := range f.Items {
		p := it.Paper
		if p.ID != links[i][1] {
			t.Errorf("item %d: id %q, link %q", i, p.ID, links[i][1])
		}
		if v := guids[i][1]; p.Version == 0 || v != strconv.Itoa(p.Version) {
			t.Errorf("item %d (%s): version %d, guid v%s", i, p.ID, p.Version, v)
		}
		if p.AnnouncedOn != f.Day {
			t.Errorf("item %d: announced on %v", i, p.AnnouncedOn)
		}
		if p.Title == "" || p.Abstract == "" || len(p.Authors) == 0 || len(p.Categories) == 0 {
			t.Errorf("item %d (%s): title %q, %d bytes of abstract, %d authors, categories %v",
				i, p.ID, p.Title, len(p.Abstract), len(p.Authors), p.Categories)
		}
		if strings.Contains(p.Abstract, "Announce Type") || strings.HasPrefix(p.Abstract, " ") {
			t.Errorf("item %d: abstract %.60q", i, p.Abstract)
		}
		for _, a := range p.Authors {
			if strings.ContainsAny(a, "()") || a != bot.CleanText(a) {
				t.Errorf("item %d: author %q", i, a)
			}
		}
		for _, c := range p.Categories {
			if cc, ok := Canonical(c); !ok || cc != c {
				t.Errorf("item %d: category %q", i, c)
			}
		}
	}

	// Affiliations with commas in them are left out whole.
	var araujo *bot.Paper
	for i := range f.Items {
		if strings.HasPrefix(strings.Join(f.Items[i].Paper.Authors, ", "), "Aleteia Araujo") {
			araujo = &f.Items[i].Paper
		}
	}
	if araujo == nil {
		t.Fatal("no paper by Aleteia Araujo")
	}
	wantAuthors := []string{"Aleteia Araujo", "Breno Costa", "Joao Bachiega Jr", "Leonardo R. Carvalho", "Rajkumar Buyya"}
	if diff := cmp.Diff(wantAuthors, araujo.Authors); diff != "" {
		t.Errorf("authors (-want +got):\n%s", diff)
	}
	first := f.Items[0].Paper
	if first.ID != "2411.17700" || first.Version != 1 || first.Categories[0] != "cs.CY" ||
		!strings.HasPrefix(first.Abstract, "This study investigates the influence") {
		t.Errorf("first item %+v", first)
	}
}

// The item layout arXiv documents, with every optional element.
func TestParseFeedSpec(t *testing.T) {
	f := parseFeedFile(t, "testdata/rss_math.OC_assembled_from_spec.rss")
	if f.Day != (bot.Date{Year: 2024, Month: 2, Day: 23}) || f.Title != "math.OC updates on arXiv.org" || len(f.Items) != 1 {
		t.Fatalf("feed %+v", f)
	}
	it := f.Items[0]
	if it.AnnounceType != AnnounceReplaceCross || it.IsNew() {
		t.Errorf("announce type %q", it.AnnounceType)
	}
	p := it.Paper
	want := bot.Paper{
		ID:          "2203.01250",
		Version:     3,
		Title:       "Mass concentration in rescaled first order integral functionals",
		Abstract:    p.Abstract,
		Authors:     []string{"Antonin Monteil", "Paul Pegon"},
		Categories:  []string{"math.AP", "math.OC"},
		DOI:         "10.5802/jep.257",
		JournalRef:  `Journal de l'\'Ecole polytechnique - Math\'ematiques, Tome 11 (2024), pp. 431-472`,
		AnnouncedOn: f.Day,
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("paper (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(p.Abstract, `We consider first order local minimization problems of the form $\min \int_{\mathbb{R}^N}f(u,\nabla u)$`) ||
		!strings.HasSuffix(p.Abstract, "elliptic energies.") {
		t.Errorf("abstract %q", p.Abstract)
	}
}

func TestParseFeedEmpty(t *testing.T) {
	f := parseFeedFile(t, "testdata/rss_empty_2024-11-28.rss")
	if f.Day != (bot.Date{Year: 2024, Month: 11, Day: 28}) || len(f.Items) != 0 || len(f.Skipped) != 0 {
		t.Errorf("feed %+v", f)
	}
}

func TestParseFeedError(t *testing.T) {
	_, err := ParseFeed(strings.NewReader(string(readFile(t, "testdata/rss_error_bad_archive.rss"))))
	if err == nil {
		t.Fatal("no error")
	}
	const want = "arxiv: announcement feed: arXiv rss error: Bad archive 'astroph'. Valid archive names are: astro-ph, cond-mat, cs,"
	if msg := err.Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want %q...", msg, want)
	}
	var er *ErrorResponse
	if !errors.As(err, &er) || er.Service != "rss" {
		t.Errorf("error %#v is not an *ErrorResponse", err)
	}
}

// feedOf wraps items in a channel like arXiv's.
func feedOf(items ...string) string {
	return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>cs.LG updates on arXiv.org</title><pubDate>Mon, 07 Dec 2026 00:00:00 -0500</pubDate>` +
		strings.Join(items, "\n") + "</channel></rss>"
}

func itemOf(guid, link, typ, extra string) string {
	s := "<item><title>T " + guid + "</title>"
	if link != "" {
		s += "<link>" + link + "</link>"
	}
	s += "<description>arXiv:" + guid + " Announce Type: " + typ + " \nAbstract: A.</description>"
	if guid != "" {
		s += `<guid isPermaLink="false">oai:arXiv.org:` + guid + "</guid>"
	}
	s += "<category>cs.LG</category><category>math.IT</category><category>cs.IT</category>"
	if typ != "" {
		s += "<arxiv:announce_type>" + typ + "</arxiv:announce_type>"
	}
	return s + "<dc:creator>A B (X, Y), C D</dc:creator>" + extra + "</item>"
}

// One bad item is skipped with a reason; the others are read.
func TestParseFeedSkips(t *testing.T) {
	f, err := ParseFeed(strings.NewReader(feedOf(
		itemOf("2612.00001v1", "https://arxiv.org/abs/2612.00001", "new", ""),
		itemOf("hep-th/9901001v2", "https://arxiv.org/abs/hep-th/9901001", "replace", ""),
		itemOf("", "https://arxiv.org/abs/2612.00002", "cross", ""),
		itemOf("", "", "new", ""),
		itemOf("nonsense", "https://arxiv.org/abs/2612.00003", "new", ""),
		itemOf("2612.00004v1", "https://arxiv.org/abs/2612.00005", "new", ""),
		itemOf("2612.00006v1", "https://arxiv.org/abs/2612.00006", "withdrawn", ""),
		itemOf("2612.00007v1", "https://arxiv.org/abs/2612.00007", "", ""),
		itemOf("2612.00001v2", "", "replace", ""),
		itemOf("math.GT/0309136v3", "", "replace-cross", ""),
	)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range f.Items {
		got = append(got, it.Paper.ID+" v"+strconv.Itoa(it.Paper.Version)+" "+it.AnnounceType)
		if diff := cmp.Diff([]string{"A B", "C D"}, it.Paper.Authors); diff != "" {
			t.Errorf("%s: authors %s", it.Paper.ID, diff)
		}
		if diff := cmp.Diff([]string{"cs.LG", "cs.IT"}, it.Paper.Categories); diff != "" {
			t.Errorf("%s: categories %s", it.Paper.ID, diff)
		}
		if it.Paper.AnnouncedOn != (bot.Date{Year: 2026, Month: 12, Day: 7}) || it.Paper.Abstract != "A." {
			t.Errorf("%+v", it.Paper)
		}
	}
	want := []string{
		"2612.00001 v1 new",
		"hep-th/9901001 v2 replace",
		"2612.00002 v0 cross",
		"math.GT/0309136 v3 replace-cross",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	var skips []string
	for _, s := range f.Skipped {
		skips = append(skips, s.String())
	}
	wantSkips := []string{
		`item 3: no guid and no link`,
		`item 4 (id "oai:arXiv.org:nonsense"): guid "oai:arXiv.org:nonsense" is not an arXiv id`,
		`item 5 (id "2612.00004"): guid names 2612.00004 but link names 2612.00005`,
		`item 6 (id "2612.00006"): unknown announce type "withdrawn"`,
		`item 7 (id "2612.00007"): no announce type`,
		`item 8 (id "2612.00001"): the same paper as item 0`,
	}
	if diff := cmp.Diff(wantSkips, skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
}

func TestParseFeedFailures(t *testing.T) {
	good := feedOf(itemOf("2612.00001v1", "https://arxiv.org/abs/2612.00001", "new", ""))
	for _, tt := range []struct{ name, body, want string }{
		{"empty", "", "arxiv: announcement feed: an empty body, not XML"},
		{"truncated", good[:len(good)-40], "arxiv: announcement feed: item 0: truncated XML: unexpected end of the body"},
		{"json", `{"a":1}`, "arxiv: announcement feed: not XML"},
		{"atom", string(readFile(t, "testdata/query_empty.atom")), "arxiv: announcement feed: not an RSS feed (the root element is <feed>)"},
		{"no channel", "<rss></rss>", "arxiv: announcement feed: an RSS feed without a <channel>"},
		{"garbage after", good + "<rss/>", "arxiv: announcement feed: a second root element"},
		{"bad xml", "<rss><channel><item></channel></rss>", "arxiv: announcement feed: item 0: XML syntax error on line 1"},
	} {
		_, err := ParseFeed(strings.NewReader(tt.body))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q...", tt.name, err, tt.want)
		}
	}
}

// repeat is an endless run of one byte, cut at n.
type repeat struct {
	b byte
	n int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.b
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A huge element is one clear error, read with bounded memory, in each
// parser and wherever it is: an item, an entry, a record, a header
// element, a comment between items.
func TestHugeElement(t *testing.T) {
	const size = 256 << 20
	rss := feedOf(itemOf("2612.00001v1", "https://arxiv.org/abs/2612.00001", "new", ""))
	rss = rss[:strings.LastIndex(rss, "</channel>")]
	for _, tt := range []struct {
		name, head, tail string
		parse            func(io.Reader) error
		want             string
	}{
		{"rss item", rss + "<item><title>", "</title></item></channel></rss>", parseFeedErr,
			"arxiv: announcement feed: item 1: an element larger than 4 MiB, the most one may have"},
		{"rss comment", rss + "<!--", "--></channel></rss>", parseFeedErr,
			"arxiv: announcement feed: an element larger than 4 MiB, the most one may have"},
		{"rss header", "<rss><channel><description>", "</description></channel></rss>", parseFeedErr,
			"arxiv: announcement feed: an element larger than 4 MiB, the most one may have"},
		{"atom entry", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2612.00001v1</id></entry><entry><summary>`,
			"</summary></entry></feed>", parseAtomErr,
			"arxiv: export API: entry 1: an element larger than 4 MiB, the most one may have"},
		{"oai record", `<OAI-PMH><ListRecords><record><metadata><arXiv><abstract>`, "</abstract></arXiv></metadata></record></ListRecords></OAI-PMH>", parseOAIErr,
			"arxiv: OAI-PMH: record 0: an element larger than 4 MiB, the most one may have"},
	} {
		var err error
		mem := allocated(func() {
			err = tt.parse(io.MultiReader(strings.NewReader(tt.head), &repeat{'a', size}, strings.NewReader(tt.tail)))
		})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if mem > 64<<20 {
			t.Errorf("%s: allocated %d MiB for a %d MiB element", tt.name, mem>>20, size>>20)
		}
	}
}

func parseFeedErr(r io.Reader) error { _, err := ParseFeed(r); return err }
func parseAtomErr(r io.Reader) error { _, err := ParseAtom(r); return err }
func parseOAIErr(r io.Reader) error  { _, err := ParseListRecords(r); return err }

// The day is the channel's pubDate in US Eastern time; without one, the
// first item's.
func TestParseFeedDay(t *testing.T) {
	for _, tt := range []struct {
		channel, item string
		want          bot.Date
	}{
		{"Fri, 23 Aug 2024 00:00:00 -0400", "", bot.Date{Year: 2024, Month: 8, Day: 23}},
		{"Fri, 23 Aug 2024 04:00:00 +0000", "", bot.Date{Year: 2024, Month: 8, Day: 23}},
		{"Fri, 23 Aug 2024 03:59:00 +0000", "", bot.Date{Year: 2024, Month: 8, Day: 22}},
		{"", "Mon, 02 Dec 2024 00:00:00 -0500", bot.Date{Year: 2024, Month: 12, Day: 2}},
		{"not a date", "Mon, 02 Dec 2024 00:00:00 -0500", bot.Date{Year: 2024, Month: 12, Day: 2}},
		{"", "", bot.Date{}},
	} {
		body := "<rss><channel>"
		if tt.channel != "" {
			body += "<pubDate>" + tt.channel + "</pubDate>"
		}
		extra := ""
		if tt.item != "" {
			extra = "<pubDate>" + tt.item + "</pubDate>"
		}
		body += itemOf("2612.00001v1", "", "new", extra) + "</channel></rss>"
		f, err := ParseFeed(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if f.Day != tt.want || f.Items[0].Paper.AnnouncedOn != tt.want {
			t.Errorf("channel %q, item %q: day %v, announced on %v; want %v", tt.channel, tt.item, f.Day, f.Items[0].Paper.AnnouncedOn, tt.want)
		}
	}
}

// IsNew reports whether the item announces a paper for the first time
// (new or cross), rather than a new version of one (replace,
// replace-cross).
func (it Item) IsNew() bool {
	return it.AnnounceType == AnnounceNew || it.AnnounceType == AnnounceCross
}
