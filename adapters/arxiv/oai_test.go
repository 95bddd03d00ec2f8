package arxiv

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/bot"
)

func parseOAIFile(t *testing.T, path string) OAIPage {
	t.Helper()
	p, err := ParseListRecords(strings.NewReader(string(readFile(t, path))))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

func TestParseListRecords(t *testing.T) {
	page := parseOAIFile(t, "testdata/oai_listrecords_page1.xml")
	want := OAIPage{
		Papers: []bot.Paper{{
			ID:           "2504.11237",
			Title:        `A wrapped title about learning $\ell_1$ sparse models`,
			Abstract:     "We study sparse models. The abstract is wrapped with newlines and indentation, & escaped.",
			Authors:      []string{"Ada A. Lovelace", "Charles Babbage Jr", "The Engine Collaboration"},
			PublishedAt:  time.Date(2025, 4, 15, 0, 0, 0, 0, time.UTC),
			Categories:   []string{"cs.LG", "cs.IT", "cs.AI"},
			ArxivComment: "12 pages, accepted at NeurIPS 2026",
			JournalRef:   "J. Mach. Learn. 1 (2026) 1-12",
			DOI:          "10.1000/example.1",
		}, {
			ID:          "hep-th/9901001",
			Title:       "An old-style id",
			Abstract:    "Old.",
			Authors:     []string{"Paper Old"},
			PublishedAt: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
			Categories:  []string{"hep-th", "cs.LG"},
		}},
		Deleted:          []string{"2504.00002"},
		Skipped:          []bot.Skip{{Where: "record 3", ID: "oai:arXiv.org:not-an-id", Reason: `identifier "oai:arXiv.org:not-an-id" is not an arXiv id`}},
		ResumptionToken:  "6103473|1001",
		Cursor:           0,
		CompleteListSize: 1832,
	}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
}

func TestParseListRecordsLastPage(t *testing.T) {
	page := parseOAIFile(t, "testdata/oai_listrecords_last.xml")
	if page.ResumptionToken != "" || page.Cursor != 1831 || page.CompleteListSize != 1832 ||
		len(page.Papers) != 1 || page.Papers[0].ID != "2504.19999" {
		t.Errorf("page %+v", page)
	}
}

// No records is arXiv's noRecordsMatch error: an empty last page.
func TestParseListRecordsNoRecordsMatch(t *testing.T) {
	page := parseOAIFile(t, "testdata/oai_no_records_match.xml")
	if len(page.Papers) != 0 || page.Papers == nil || page.ResumptionToken != "" || len(page.Deleted) != 0 {
		t.Errorf("page %+v", page)
	}
}

func TestParseListRecordsError(t *testing.T) {
	_, err := ParseListRecords(strings.NewReader(string(readFile(t, "testdata/oai_bad_resumption_token.xml"))))
	const want = "arxiv: OAI-PMH: arXiv oai-pmh error badResumptionToken: The value of the resumptionToken argument is invalid or expired."
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	var er *ErrorResponse
	if !errors.As(err, &er) || er.Code != "badResumptionToken" {
		t.Errorf("error %#v", err)
	}
}

func TestParseListRecordsSkips(t *testing.T) {
	body := `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
<record><header><identifier>oai:arXiv.org:2504.00001</identifier></header></record>
<record><header><identifier>oai:arXiv.org:2504.00002</identifier></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2504.00003</id></arXiv></metadata></record>
<record><header><identifier>oai:arXiv.org:2504.00004</identifier></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><title>only the header id</title></arXiv></metadata></record>
<record><header><identifier>oai:arXiv.org:2504.00004</identifier></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2504.00004</id></arXiv></metadata></record>
<record><header status="deleted"><identifier></identifier></header></record>
<resumptionToken cursor="x">t</resumptionToken>
</ListRecords></OAI-PMH>`
	_, err := ParseListRecords(strings.NewReader(body))
	if err == nil || err.Error() != `arxiv: OAI-PMH: resumptionToken cursor "x" is not a count` {
		t.Errorf("error %v", err)
	}
	page, err := ParseListRecords(strings.NewReader(strings.Replace(body, `cursor="x"`, `cursor="5"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var skips []string
	for _, s := range page.Skipped {
		skips = append(skips, s.String())
	}
	wantSkips := []string{
		`record 0 (id "2504.00001"): no arXiv metadata`,
		`record 1 (id "2504.00003"): metadata names 2504.00003 but the header 2504.00002`,
		`record 3 (id "2504.00004"): the same paper as record 2`,
		`record 4: no identifier`,
	}
	if diff := cmp.Diff(wantSkips, skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	if len(page.Papers) != 1 || page.Papers[0].Title != "only the header id" || page.Cursor != 5 || page.ResumptionToken != "t" {
		t.Errorf("page %+v", page)
	}
}

func TestParseListRecordsFailures(t *testing.T) {
	good := string(readFile(t, "testdata/oai_listrecords_page1.xml"))
	for _, tt := range []struct{ name, body, want string }{
		{"empty", "", "arxiv: OAI-PMH: an empty body, not XML"},
		{"truncated", good[:len(good)/2], "arxiv: OAI-PMH: record 0: truncated XML"},
		{"atom", string(readFile(t, "testdata/query_empty.atom")), "arxiv: OAI-PMH: not an OAI-PMH response (the root element is <feed>)"},
	} {
		_, err := ParseListRecords(strings.NewReader(tt.body))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want %q...", tt.name, err, tt.want)
		}
	}
}
