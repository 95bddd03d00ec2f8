package arxivfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

const goodUA = "paperboy/test (+https://github.com/paperboy-bot/paperboy; mailto:ops@example.org)"

type rssDoc struct {
	Channel struct {
		Title   string `xml:"title"`
		PubDate string `xml:"pubDate"`
		Items   []struct {
			Title       string   `xml:"title"`
			Link        string   `xml:"link"`
			Description string   `xml:"description"`
			GUID        string   `xml:"guid"`
			Categories  []string `xml:"category"`
			PubDate     string   `xml:"pubDate"`
			Announce    string   `xml:"http://arxiv.org/schemas/atom announce_type"`
			Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
		} `xml:"item"`
	} `xml:"channel"`
}

func parseRSS(t *testing.T, b []byte) rssDoc {
	t.Helper()
	var d rssDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("not valid RSS: %v", err)
	}
	return d
}

var thu = bot.Date{Year: 2024, Month: time.November, Day: 28}

func TestGenerateBusyDay(t *testing.T) {
	d := Generate(GenOptions{Cats: []string{"cs.LG", "cs.AI"}, Date: thu, N: 2000, Seed: 7})
	if len(d.Items) != 2000 {
		t.Fatalf("%d items, want 2000", len(d.Items))
	}
	counts := map[string]int{}
	for _, it := range d.Items {
		counts[it.AnnounceType]++
	}
	if counts[AnnounceNew] != 1000 || counts[AnnounceCross] != 500 || counts[AnnounceReplace] != 360 || counts[AnnounceReplaceCross] != 140 {
		t.Errorf("mix %v", counts)
	}
	doc := parseRSS(t, FeedXML(d))
	if len(doc.Channel.Items) != 2000 || doc.Channel.Title != "cs.LG, cs.AI updates on arXiv.org" || doc.Channel.PubDate != "Thu, 28 Nov 2024 00:00:00 -0500" {
		t.Fatalf("%d items, title %q, pubDate %q", len(doc.Channel.Items), doc.Channel.Title, doc.Channel.PubDate)
	}
	desc := regexp.MustCompile(`^arXiv:(\d{4}\.\d{5})v(\d+) Announce Type: (new|cross|replace|replace-cross) \nAbstract: \S`)
	seen := map[string]bool{}
	order := "new"
	for i, it := range doc.Channel.Items {
		m := desc.FindStringSubmatch(it.Description)
		if m == nil {
			t.Fatalf("item %d description %q", i, it.Description[:min(80, len(it.Description))])
		}
		id, v := m[1], m[2]
		if it.Link != "https://arxiv.org/abs/"+id || it.GUID != "oai:arXiv.org:"+id+"v"+v || it.Announce != m[3] || it.PubDate != doc.Channel.PubDate {
			t.Fatalf("item %d: link %q guid %q type %q/%q", i, it.Link, it.GUID, it.Announce, m[3])
		}
		if seen[id] {
			t.Fatalf("id %s twice", id)
		}
		seen[id] = true
		if (it.Announce == "new" || it.Announce == "cross") != (v == "1") {
			t.Errorf("item %d: %s with version %s", i, it.Announce, v)
		}
		inFeed := false
		for _, c := range it.Categories {
			inFeed = inFeed || c == "cs.LG" || c == "cs.AI"
		}
		if !inFeed || it.Creator == "" || it.Title == "" {
			t.Fatalf("item %d: categories %v, creator %q", i, it.Categories, it.Creator)
		}
		primaryIn := it.Categories[0] == "cs.LG" || it.Categories[0] == "cs.AI"
		if strings.HasSuffix(it.Announce, "cross") == primaryIn {
			t.Errorf("item %d: %s with primary %s", i, it.Announce, it.Categories[0])
		}
		if it.Announce != order {
			// Types come in arXiv's order: new, cross, replace, replace-cross.
			next := map[string]string{"new": "cross", "cross": "replace", "replace": "replace-cross"}
			if next[order] != it.Announce {
				t.Fatalf("item %d: %s after %s", i, it.Announce, order)
			}
			order = it.Announce
		}
	}
	// Deterministic by options.
	if string(FeedXML(Generate(GenOptions{Cats: []string{"cs.LG", "cs.AI"}, Date: thu, N: 2000, Seed: 7}))) != string(FeedXML(d)) {
		t.Error("the same options gave another feed")
	}
}

func newFake(t *testing.T, now time.Time) *Server {
	t.Helper()
	s := New()
	t.Cleanup(s.Close)
	s.SetClock(func() time.Time { return now })
	s.SetMinInterval(0, 0)
	return s
}

func get(t *testing.T, s *Server, path string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+path, nil)
	req.Header.Set("User-Agent", goodUA)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, b
}

func TestFeedsByDay(t *testing.T) {
	// Friday 29 Nov 2024, 10:00 in New York.
	s := newFake(t, time.Date(2024, 11, 29, 15, 0, 0, 0, time.UTC))
	fri := thu.AddDays(1)
	days := s.GenerateDays(GenOptions{Cats: []string{"cs.RO"}, N: 50}, thu.AddDays(-3), fri.AddDays(3), thu)
	var ds []string
	for _, d := range days {
		ds = append(ds, d.Date.String())
	}
	// Thursday is a holiday, Saturday and Sunday have no announcements.
	if strings.Join(ds, " ") != "2024-11-25 2024-11-26 2024-11-27 2024-11-29 2024-12-02" {
		t.Fatalf("generated %v", ds)
	}
	_, _, b := get(t, s, "/rss/cs.RO")
	if doc := parseRSS(t, b); len(doc.Channel.Items) != 50 || doc.Channel.PubDate != "Fri, 29 Nov 2024 00:00:00 -0500" {
		t.Errorf("Friday: %d items, %s", len(doc.Channel.Items), doc.Channel.PubDate)
	}
	s.SetClock(func() time.Time { return time.Date(2024, 11, 30, 15, 0, 0, 0, time.UTC) })
	_, _, b = get(t, s, "/rss/cs.RO")
	if doc := parseRSS(t, b); len(doc.Channel.Items) != 0 || doc.Channel.PubDate != "Sat, 30 Nov 2024 00:00:00 -0500" {
		t.Errorf("Saturday: %d items, %s", len(doc.Channel.Items), doc.Channel.PubDate)
	}
	s.SetClock(func() time.Time { return time.Date(2024, 11, 28, 15, 0, 0, 0, time.UTC) })
	if _, _, b = get(t, s, "/rss/cs.RO"); len(parseRSS(t, b).Channel.Items) != 0 {
		t.Error("the holiday has items")
	}
	_, _, b = get(t, s, "/rss/cs.RO+astroph")
	if doc := parseRSS(t, b); !strings.HasPrefix(doc.Channel.Title, "Feed error for query") || !strings.Contains(string(b), "Bad archive 'astroph'") {
		t.Errorf("bad archive: %q", doc.Channel.Title)
	}
	s.LoadFixtures()
	_, _, b = get(t, s, "/rss/"+AllArchivesFeed)
	if n := len(parseRSS(t, b).Channel.Items); n != 1504 {
		t.Errorf("all-archives fixture: %d items", n)
	}
	// The papers of generated days are in the corpus.
	if n := len(s.Papers()); n != 5*50 {
		t.Errorf("corpus of %d papers", n)
	}
}

type atomDoc struct {
	Total   int `xml:"http://a9.com/-/spec/opensearch/1.1/ totalResults"`
	Start   int `xml:"http://a9.com/-/spec/opensearch/1.1/ startIndex"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Summary   string `xml:"summary"`
		Published string `xml:"published"`
		Primary   struct {
			Term string `xml:"term,attr"`
		} `xml:"http://arxiv.org/schemas/atom primary_category"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, b []byte) atomDoc {
	t.Helper()
	var d atomDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("not valid Atom: %v", err)
	}
	return d
}

func TestAPIPaging(t *testing.T) {
	s := newFake(t, time.Date(2024, 11, 29, 15, 0, 0, 0, time.UTC))
	d := Generate(GenOptions{Cats: []string{"cs.CL"}, Date: thu, N: 500, Seed: 1})
	s.SetDay(d)
	s.AddPapers(Generate(GenOptions{Cats: []string{"math.OC"}, Date: thu, N: 100, Seed: 2, FirstNumber: 50000}).Papers()...)
	want := 0
	from, to := time.Date(2024, 11, 26, 0, 0, 0, 0, time.UTC), time.Date(2024, 11, 27, 23, 59, 59, 0, time.UTC)
	for _, p := range s.Papers() {
		if slices.Contains(p.Categories, "cs.CL") {
			if !p.Submitted.Before(from) && !p.Submitted.After(to) {
				want++
			}
		}
	}
	if want == 0 {
		t.Fatal("no paper in the range")
	}
	sq := "cat:cs.CL AND submittedDate:[202411260000 TO 202411272359]"
	seen := map[string]bool{}
	for start := 0; ; start += 100 {
		q := url.Values{"search_query": {sq}, "start": {fmt.Sprint(start)}, "max_results": {"100"}, "sortBy": {"submittedDate"}, "sortOrder": {"ascending"}}
		st, _, b := get(t, s, "/api/query?"+q.Encode())
		doc := parseAtom(t, b)
		if st != 200 || doc.Total != want || doc.Start != start {
			t.Fatalf("start %d: status %d, total %d (want %d), startIndex %d", start, st, doc.Total, want, doc.Start)
		}
		for _, e := range doc.Entries {
			if seen[e.ID] {
				t.Fatalf("%s twice", e.ID)
			}
			seen[e.ID] = true
		}
		if len(doc.Entries) < 100 {
			break
		}
	}
	if len(seen) != want {
		t.Errorf("paged through %d entries, want %d", len(seen), want)
	}
	// Wildcard categories, id_list, errors.
	_, _, b := get(t, s, "/api/query?search_query=cat:math.*&max_results=2000")
	if n := parseAtom(t, b).Total; n < 100 {
		t.Errorf("cat:math.* found %d", n)
	}
	id := d.Items[0].ID
	_, _, b = get(t, s, "/api/query?id_list="+id)
	if doc := parseAtom(t, b); doc.Total != 1 || doc.Entries[0].ID != "http://arxiv.org/abs/"+id+"v1" || doc.Entries[0].Primary.Term != d.Items[0].Categories[0] {
		t.Errorf("id_list: %+v", doc)
	}
	for _, bad := range []string{"id_list=abc", "search_query=cat:cs.CL&start=29990&max_results=100", "search_query=(cat:cs.CL", "search_query=foo:bar"} {
		st, _, b := get(t, s, "/api/query?"+bad)
		doc := parseAtom(t, b)
		if st != 400 || len(doc.Entries) != 1 || doc.Entries[0].Title != "Error" || doc.Entries[0].Summary == "" {
			t.Errorf("%s: status %d, %+v", bad, st, doc)
		}
	}
	s.LoadFixtures()
	if st, _, b := get(t, s, "/api/query?id_list=abc"); st != 400 || string(b) != string(Fixture("query_error_400.atom")) {
		t.Errorf("fixture answer: %d", st)
	}
}

type oaiDoc struct {
	Error struct {
		Code string `xml:"code,attr"`
	} `xml:"error"`
	Records []struct {
		Header struct {
			ID     string   `xml:"identifier"`
			Date   string   `xml:"datestamp"`
			Sets   []string `xml:"setSpec"`
			Status string   `xml:"status,attr"`
		} `xml:"header"`
		Meta struct {
			ID         string `xml:"http://arxiv.org/OAI/arXiv/ arXiv>id"`
			Categories string `xml:"http://arxiv.org/OAI/arXiv/ arXiv>categories"`
		} `xml:"metadata"`
	} `xml:"ListRecords>record"`
	Token struct {
		Value  string `xml:",chardata"`
		Cursor int    `xml:"cursor,attr"`
		Size   int    `xml:"completeListSize,attr"`
	} `xml:"ListRecords>resumptionToken"`
}

func TestOAIResumptionTokens(t *testing.T) {
	s := newFake(t, time.Date(2024, 12, 3, 15, 0, 0, 0, time.UTC))
	days := s.GenerateDays(GenOptions{Cats: []string{"cs.LG"}, N: 400, Seed: 3}, thu.AddDays(-3), thu.AddDays(4))
	s.SetOAIPageSize(300)
	want := map[string]bool{}
	for _, d := range days {
		for _, p := range d.Papers() {
			if !p.datestamp().Before(thu.AddDays(-3)) && !p.datestamp().After(thu.AddDays(4)) && inSet(SetSpecs(p.Categories), "cs:cs:LG") {
				want[p.ID] = true
			}
		}
	}
	inLG := len(want)
	q := url.Values{"verb": {"ListRecords"}, "metadataPrefix": {"arXiv"}, "set": {"cs:cs:LG"}, "from": {thu.AddDays(-3).String()}, "until": {thu.AddDays(4).String()}}
	path := "/oai?" + q.Encode()
	got, pages := map[string]bool{}, 0
	for {
		_, _, b := get(t, s, path)
		var doc oaiDoc
		if err := xml.Unmarshal(b, &doc); err != nil || doc.Error.Code != "" {
			t.Fatalf("page %d: %v %q", pages, err, doc.Error.Code)
		}
		pages++
		for _, r := range doc.Records {
			if r.Header.ID != "oai:arXiv.org:"+r.Meta.ID || got[r.Meta.ID] || !strings.Contains(" "+r.Meta.Categories+" ", " cs.LG ") {
				t.Fatalf("record %+v", r)
			}
			got[r.Meta.ID] = true
		}
		if doc.Token.Size != inLG && pages > 0 && (doc.Token.Value != "" || pages > 1) {
			t.Fatalf("completeListSize %d, want %d", doc.Token.Size, inLG)
		}
		if doc.Token.Value == "" {
			break
		}
		if doc.Token.Cursor != (pages-1)*300 {
			t.Errorf("page %d cursor %d", pages, doc.Token.Cursor)
		}
		path = "/oai?verb=ListRecords&resumptionToken=" + url.QueryEscape(doc.Token.Value)
		if pages > 100 {
			t.Fatal("tokens do not end")
		}
	}
	if len(got) != inLG || pages != (inLG+299)/300 {
		t.Errorf("%d records in %d pages, want %d", len(got), pages, inLG)
	}
	for _, c := range []struct{ query, code string }{
		{"verb=ListRecords&metadataPrefix=arXiv&set=cs:cs:LG&from=2030-01-01", "noRecordsMatch"},
		{"verb=ListRecords&metadataPrefix=arXiv&resumptionToken=x", "badArgument"},
		{"verb=ListRecords&resumptionToken=garbage!", "badResumptionToken"},
		{"verb=ListRecords", "badArgument"},
		{"verb=Identify", "badVerb"},
	} {
		_, _, b := get(t, s, "/oai?"+c.query)
		var doc oaiDoc
		if err := xml.Unmarshal(b, &doc); err != nil || doc.Error.Code != c.code {
			t.Errorf("%s: %v, code %q, want %q", c.query, err, doc.Error.Code, c.code)
		}
	}
	if specs := SetSpecs([]string{"cs.LG", "quant-ph", "physics.plasm-ph", "astro-ph.GA", "math.OC"}); strings.Join(specs, " ") != "cs:cs:LG physics:quant-ph physics:physics:plasm-ph physics:astro-ph:GA math:math:OC" {
		t.Errorf("sets %v", specs)
	}
}

func TestFaultsAndViolations(t *testing.T) {
	now := time.Date(2024, 11, 29, 15, 0, 0, 0, time.UTC)
	s := newFake(t, now)
	s.SetClock(func() time.Time { return now })
	s.SetMinInterval(3*time.Second, 0)
	s.AddRule(Rule{Route: RouteAPI, RetryAfter: 5 * time.Second, Times: 1})
	st, h, _ := get(t, s, "/api/query?search_query=cat:cs.LG")
	if st != 503 || h.Get("Retry-After") != "5" {
		t.Fatalf("status %d, Retry-After %q", st, h.Get("Retry-After"))
	}
	now = now.Add(4 * time.Second) // spaced, but inside the Retry-After
	get(t, s, "/rss/cs.LG")
	now = now.Add(time.Second) // the Retry-After is over, but only 1 s after the last request
	get(t, s, "/rss/cs.LG")
	now = now.Add(3 * time.Second)
	req, _ := http.NewRequest("GET", s.URL()+"/rss/cs.LG", nil) // Go's default User-Agent
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
	}
	var kinds []string
	for _, v := range s.Violations() {
		kinds = append(kinds, fmt.Sprintf("%d:%s", v.Seq, v.Kind))
	}
	if got := strings.Join(kinds, " "); got != "2:retry-after 3:interval 4:user-agent" {
		t.Errorf("violations %q", got)
	}
	if st := s.Stats(); st.Requests != 4 || st.Violations != 3 || st.Faults["rate-limit"] != 1 {
		t.Errorf("stats %+v", st)
	}

	s.ClearRequests()
	s.SetMinInterval(0, 0)
	s.AddRule(Rule{Route: RouteRSS, Path: "/rss/cs.AI", RetryAfter: 2 * time.Second, RetryAfterDate: true, Times: 1})
	_, h, _ = get(t, s, "/rss/cs.AI")
	if at, err := http.ParseTime(h.Get("Retry-After")); err != nil || at.Sub(now) != 2*time.Second {
		t.Errorf("Retry-After %q", h.Get("Retry-After"))
	}
	s.AddRule(Rule{Route: RouteOAI, Truncate: true, Times: 1})
	now = now.Add(time.Minute)
	resp, err := s.Client().Get(s.URL() + "/oai?verb=ListRecords&metadataPrefix=arXiv")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("a truncated body read without error")
	}
	s.AddRule(Rule{Delay: 300 * time.Millisecond, Times: 1})
	start := time.Now()
	get(t, s, "/rss/cs.LG")
	if time.Since(start) < 300*time.Millisecond {
		t.Error("the slow answer was not slow")
	}
	if !DescriptiveUserAgent("paperboy/1.0 (+https://github.com/paperboy-bot/paperboy)") || DescriptiveUserAgent("paperboy") || DescriptiveUserAgent("Go-http-client/1.1") || DescriptiveUserAgent("curl/8.0") {
		t.Error("DescriptiveUserAgent")
	}
}
