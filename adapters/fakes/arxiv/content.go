package arxivfake

import (
	"net/http"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// What the fake serves: feeds (SetFeed, SetDay, SetHoliday), the corpus of
// the export API and OAI-PMH (AddPapers) and fixed answers (SetAPIAnswer,
// LoadFixtures).

// SetFeed sets the body served for a feed path, the categories joined
// with "+" as in the URL ("cs.LG+cs.AI"), whatever the day. A nil body
// removes it.
func (s *Server) SetFeed(cats string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		delete(s.feeds, cats)
		return
	}
	s.feeds[cats] = body
}

// SetDay sets the feed of d.Cats on d.Date (served while the fake's clock
// is on that date in US Eastern time, and on later weekdays until the next
// Day of the same path) and adds d's papers to the corpus.
func (s *Server) SetDay(d Day) {
	body := FeedXML(d)
	s.AddPapers(d.Papers()...)
	key := strings.Join(d.Cats, "+")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.days[key] == nil {
		s.days[key] = map[bot.Date][]byte{}
	}
	s.days[key][d.Date] = body
}

// SetHoliday makes d a day arXiv announces nothing: every feed without a
// Day set for d is empty on d, with d's pubDate, as on a weekend.
func (s *Server) SetHoliday(d bot.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holidays[d] = true
}

// GenerateDays calls SetDay with Generate(o) for every day from from to
// to (inclusive) on which arXiv announces (not a weekend, not one of
// holidays, which it passes to SetHoliday); o.Date is set per day, o.Seed
// is kept. It returns those days.
func (s *Server) GenerateDays(o GenOptions, from, to bot.Date, holidays ...bot.Date) []Day {
	for _, h := range holidays {
		s.SetHoliday(h)
	}
	var out []Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		if IsWeekendOrHoliday(d, holidays) {
			continue
		}
		o.Date = d
		day := Generate(o)
		s.SetDay(day)
		out = append(out, day)
	}
	return out
}

// AddPapers adds papers to the corpus of the export API and OAI-PMH; a
// paper with an id already there replaces it.
func (s *Server) AddPapers(ps ...Paper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		if i, ok := s.index[p.ID]; ok {
			s.corpus[i] = p
			continue
		}
		s.index[p.ID] = len(s.corpus)
		s.corpus = append(s.corpus, p)
	}
}

// Papers returns the corpus, in the order added.
func (s *Server) Papers() []Paper {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Paper(nil), s.corpus...)
}

// SetAPIAnswer makes every export API request whose parameter param
// ("id_list", "search_query") equals value answer status and body instead
// of a search of the corpus. A nil body removes it.
func (s *Server) SetAPIAnswer(param, value string, status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := param + "=" + value
	if body == nil {
		delete(s.answers, k)
		return
	}
	s.answers[k] = apiFixed{status, body}
}

// AllArchivesFeed is the feed path of the recorded all-archives feed.
const AllArchivesFeed = "astro-ph+cond-mat+physics+quant-ph+math+cs+econ+eess+gr-qc+hep-ex+hep-lat+hep-ph+hep-th+math-ph+nlin+nucl-ex+nucl-th+q-bio+q-fin+stat"

// LoadFixtures serves the recorded captures of testdata: the feeds
// AllArchivesFeed (rss_all_archives_2024-11-28.rss, 1,504 items), math.OC
// (the assembled one), test (the empty one) and astroph (the bad-archive
// error feed); and the API answers of id_list=abc (HTTP 400 error feed),
// id_list=0000.0000 (no results), id_list=astro-ph/0601001 and
// search_query=all:testing (the 100-entry page).
func (s *Server) LoadFixtures() {
	s.SetFeed(AllArchivesFeed, Fixture("rss_all_archives_2024-11-28.rss"))
	s.SetFeed("math.OC", Fixture("rss_math.OC_assembled_from_spec.rss"))
	s.SetFeed("test", Fixture("rss_empty_2024-11-28.rss"))
	s.SetFeed("astroph", Fixture("rss_error_bad_archive.rss"))
	s.SetAPIAnswer("id_list", "abc", http.StatusBadRequest, Fixture("query_error_400.atom"))
	s.SetAPIAnswer("id_list", "0000.0000", http.StatusOK, Fixture("query_empty.atom"))
	s.SetAPIAnswer("id_list", "astro-ph/0601001", http.StatusOK, Fixture("query_id_list_affiliation.atom"))
	s.SetAPIAnswer("search_query", "all:testing", http.StatusOK, Fixture("query_testing_100.atom"))
}
