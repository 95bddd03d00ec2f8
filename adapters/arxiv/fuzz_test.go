package arxiv

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// The fuzz tests feed the parsers arbitrary bodies: they must not panic,
// must fail with one line of valid UTF-8 and nothing else, and every paper
// they return must have a bare arXiv id, clean text and canonical
// categories, every skip a place and a reason.

// smallRSS is the all-archives feed cut to its first two items: the fuzzer
// minimizes every input that finds new coverage, which takes minutes for a
// 2.8 MB feed.
func smallRSS(f *testing.F) []byte {
	b := readFile(f, "testdata/rss_all_archives_2024-11-28.rss")
	end := 0
	for i := 0; i < 2; i++ {
		end += bytes.Index(b[end:], []byte("</item>")) + len("</item>")
	}
	return append(append([]byte{}, b[:end]...), "\n  </channel>\n</rss>\n"...)
}

func FuzzParseFeed(f *testing.F) {
	f.Add(smallRSS(f))
	for _, path := range []string{
		"testdata/rss_math.OC_assembled_from_spec.rss",
		"testdata/rss_empty_2024-11-28.rss",
		"testdata/rss_error_bad_archive.rss",
	} {
		f.Add(readFile(f, path))
	}
	for _, s := range []string{
		"", "<rss/>", "<rss><channel></channel></rss>", "<rss><channel><item/></channel></rss>",
		feedOf(itemOf("2612.00001v1", "https://arxiv.org/abs/2612.00001", "new", "")),
		feedOf(itemOf("hep-th/9901001v2", "", "replace", ""), itemOf("", "http://arxiv.org/abs/2612.1", "cross", "")),
		feedOf(itemOf("2612.00001v99999999", "x", "new", `<dc:creator>((a,b),, ) c</dc:creator>`)),
		"<rss><channel><title>Feed error for query\xff</title><description>\x1b[31m\n</description></channel></rss>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := ParseFeed(bytes.NewReader(body))
		if err != nil {
			checkError(t, err)
			if feed.Items != nil || feed.Skipped != nil || !feed.Day.IsZero() {
				t.Errorf("feed %+v with error %v", feed, err)
			}
			return
		}
		if n := len(feed.Items) + len(feed.Skipped); n > bytes.Count(body, []byte("item")) {
			t.Errorf("%d items from %d bytes", n, len(body))
		}
		checkSkips(t, feed.Skipped)
		for i, it := range feed.Items {
			checkPaper(t, i, it.Paper)
			switch it.AnnounceType {
			case AnnounceNew, AnnounceCross, AnnounceReplace, AnnounceReplaceCross:
			default:
				t.Errorf("item %d: announce type %q", i, it.AnnounceType)
			}
			if it.Paper.AnnouncedOn != feed.Day {
				t.Errorf("item %d: announced on %v, feed of %v", i, it.Paper.AnnouncedOn, feed.Day)
			}
		}
	})
}

// smallAtom is an export API response cut to its first entry.
func smallAtom(f *testing.F) []byte {
	b := readFile(f, "testdata/query_sample.atom")
	end := bytes.Index(b, []byte("</entry>")) + len("</entry>")
	return append(append([]byte{}, b[:end]...), "\n</feed>\n"...)
}

func FuzzParseAtom(f *testing.F) {
	f.Add(smallAtom(f))
	for _, path := range []string{
		"testdata/query_id_list_affiliation.atom",
		"testdata/query_2007_format.atom",
		"testdata/query_error_400.atom",
		"testdata/query_empty.atom",
	} {
		f.Add(readFile(f, path))
	}
	for _, s := range []string{
		"", "<feed/>", "<feed><entry/></feed>",
		atomOf(`<entry><id>http://arxiv.org/abs/2612.00001v3</id><title>Error</title></entry>`),
		atomOf(`<entry><id>x</id><title>Error</title><summary>` + strings.Repeat("long ", 200) + `</summary></entry>`),
		atomOf(`<entry><id>http://arxiv.org/abs/cs/0503050v1</id><category term="I.2"/><arxiv:primary_category term="cs.SE"/></entry>`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := ParseAtom(bytes.NewReader(body))
		if err != nil {
			checkError(t, err)
			if feed.Papers != nil || feed.Skipped != nil {
				t.Errorf("feed %+v with error %v", feed, err)
			}
			return
		}
		if n := len(feed.Papers) + len(feed.Skipped); n > bytes.Count(body, []byte("entry")) {
			t.Errorf("%d entries from %d bytes", n, len(body))
		}
		if feed.TotalResults < 0 || feed.StartIndex < 0 || feed.ItemsPerPage < 0 {
			t.Errorf("paging %+v", feed)
		}
		checkSkips(t, feed.Skipped)
		for i, p := range feed.Papers {
			checkPaper(t, i, p)
		}
	})
}

func FuzzParseListRecords(f *testing.F) {
	for _, path := range []string{
		"testdata/oai_listrecords_page1.xml",
		"testdata/oai_listrecords_last.xml",
		"testdata/oai_no_records_match.xml",
		"testdata/oai_bad_resumption_token.xml",
	} {
		f.Add(readFile(f, path))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := ParseListRecords(bytes.NewReader(body))
		if err != nil {
			checkError(t, err)
			return
		}
		checkSkips(t, page.Skipped)
		for i, p := range page.Papers {
			checkPaper(t, i, p)
		}
		for _, id := range page.Deleted {
			if got, ok := bot.NormalizeID(id); !ok || got != id {
				t.Errorf("deleted id %q", id)
			}
		}
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, "arxiv: ") || strings.ContainsAny(msg, "\n\r\x1b") || !utf8.ValidString(msg) || len(msg) > 1000 {
		t.Errorf("error %q", msg)
	}
}

func checkSkips(t *testing.T, skips []bot.Skip) {
	t.Helper()
	for _, s := range skips {
		if s.Where == "" || s.Reason == "" || !utf8.ValidString(s.String()) || strings.ContainsAny(s.String(), "\n\r") {
			t.Errorf("skip %+v", s)
		}
	}
}

func checkPaper(t *testing.T, i int, p bot.Paper) {
	t.Helper()
	if id, ok := bot.NormalizeID(p.ID); !ok || id != p.ID {
		t.Errorf("paper %d: id %q is not a bare arXiv id", i, p.ID)
	}
	if p.Version < 0 {
		t.Errorf("paper %d: version %d", i, p.Version)
	}
	if dt := p.DisplayTitle(); dt == "" || !utf8.ValidString(dt) {
		t.Errorf("paper %d: title %q shown as %q", i, p.Title, dt)
	}
	if c := bot.CleanText(p.Title); c != "" && c != p.Title {
		t.Errorf("paper %d: title %q not cleaned", i, p.Title)
	}
	for _, s := range append([]string{p.Abstract, p.ArxivComment, p.JournalRef, p.DOI}, p.Authors...) {
		if s != bot.CleanText(s) {
			t.Errorf("paper %d: %q not cleaned", i, s)
		}
	}
	for _, a := range p.Authors {
		if a == "" {
			t.Errorf("paper %d: an empty author", i)
		}
	}
	seen := map[string]bool{}
	for _, c := range p.Categories {
		if cc, ok := Canonical(c); !ok || cc != c || seen[c] {
			t.Errorf("paper %d: categories %q", i, p.Categories)
		}
		seen[c] = true
	}
}
