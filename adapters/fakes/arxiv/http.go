package arxivfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
	"github.com/paperboy-bot/paperboy/bot"
)

// Answering a request: record it and check the terms, apply the first
// matching fault rule, else answer from what the fake serves.

func routeOf(path string) string {
	switch {
	case strings.HasPrefix(path, RSSPrefix) && len(path) > len(RSSPrefix):
		return RouteRSS
	case path == APIPath:
		return RouteAPI
	case path == OAIPath:
		return RouteOAI
	}
	return ""
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Request{Route: routeOf(r.URL.Path), Path: r.URL.Path, Query: r.URL.RawQuery, UserAgent: r.UserAgent()}
	s.tally.Request()
	s.mu.Lock()
	now := s.now()
	rec.Time = now
	rec.Seq = len(s.requests) + 1
	s.requests = append(s.requests, rec)
	var vs []Violation
	if !DescriptiveUserAgent(rec.UserAgent) {
		vs = append(vs, Violation{rec.Seq, ViolationUserAgent, strconv.Quote(rec.UserAgent)})
	}
	if !s.last.IsZero() && s.minInterval > 0 {
		if gap := now.Sub(s.last); gap < s.minInterval-s.slack {
			vs = append(vs, Violation{rec.Seq, ViolationInterval, "after " + gap.String() + ", less than " + s.minInterval.String()})
		}
	}
	s.last = now
	s.mu.Unlock()
	if early, at := s.waits.Check("", now); early > 0 {
		vs = append(vs, Violation{rec.Seq, ViolationRetryAfter, early.String() + " before the Retry-After end " + at.UTC().Format(time.RFC3339Nano)})
	}
	if len(vs) > 0 {
		s.mu.Lock()
		s.violations = append(s.violations, vs...)
		s.mu.Unlock()
	}

	finish := func(status int, fault string) {
		if fault != "" && fault != faults.KindDelay {
			s.tally.Fault(fault)
			s.tally.Fault(faults.KindSourceFailure)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		rec.Status, rec.Fault = status, fault
	}
	if rec.Route == "" {
		finish(http.StatusNotFound, "")
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	rule, hit := s.rules.Pick(func(x Rule) bool {
		return (x.Route == "" || x.Route == rec.Route) && strings.HasPrefix(rec.Path, x.Path)
	})
	if hit && rule.Delay > 0 {
		if !s.http.Sleep(r.Context(), rule.Delay) {
			finish(0, faults.KindCanceled)
			if r.Context().Err() == nil {
				faults.Drop(w)
			}
			return
		}
	}
	switch {
	case hit && rule.DropBeforeApply:
		finish(0, faults.KindDropBefore)
		faults.Drop(w)
		return
	case hit && (rule.RetryAfter > 0 || rule.Status != 0):
		status := rule.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		kind := faults.KindStatus
		if rule.RetryAfter > 0 {
			secs := max(1, (faults.CeilMS(rule.RetryAfter)+999)/1000)
			until := now.Add(time.Duration(secs) * time.Second)
			if rule.RetryAfterDate {
				// An HTTP date has whole seconds: round up.
				until = until.Add(time.Second - time.Nanosecond).Truncate(time.Second)
				w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
			} else {
				w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			}
			s.waits.Wait("", until)
			kind = faults.KindRateLimit
		}
		finish(status, kind)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
		return
	}
	emptyPage := hit && rule.EmptyPage && rec.Route == RouteAPI
	status, ctype, body := s.answer(rec, r.URL.Query(), now, emptyPage)
	fault := ""
	switch {
	case emptyPage:
		fault = FaultEmptyPage
	case hit && rule.Delay > 0:
		fault = faults.KindDelay
	}
	w.Header().Set("Content-Type", ctype)
	if hit && rule.Truncate {
		finish(http.StatusOK, faults.KindTruncated)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	finish(status, fault)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answer builds the body of a request that meets no fault (with
// emptyPage, an export API page without its entries).
func (s *Server) answer(rec *Request, q url.Values, now time.Time, emptyPage bool) (int, string, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch rec.Route {
	case RouteRSS:
		key := strings.TrimPrefix(rec.Path, RSSPrefix)
		if b, ok := s.feeds[key]; ok {
			return http.StatusOK, "application/rss+xml; charset=utf-8", b
		}
		day := AnnouncementDay(now)
		cats := strings.Split(key, "+")
		for _, c := range cats {
			if a := archiveOf(c); !knownArchive(a) {
				return http.StatusOK, "application/rss+xml; charset=utf-8", BadArchiveFeed(key, a, day)
			}
		}
		if b, ok := s.days[key][day]; ok {
			return http.StatusOK, "application/rss+xml; charset=utf-8", b
		}
		if !day.IsWeekend() && !s.holidays[day] {
			if b, ok := s.latestDay(key, day); ok {
				// Today's feed is not out yet: arXiv still shows the last one.
				return http.StatusOK, "application/rss+xml; charset=utf-8", b
			}
		}
		return http.StatusOK, "application/rss+xml; charset=utf-8", EmptyFeed(cats, day)
	case RouteAPI:
		for _, p := range []string{"id_list", "search_query"} {
			if a, ok := s.answers[p+"="+q.Get(p)]; ok && q.Get(p) != "" {
				return a.status, "application/atom+xml; charset=utf-8", a.body
			}
		}
		status, body := apiAnswer(s.corpus, q, now, emptyPage)
		return status, "application/atom+xml; charset=utf-8", body
	default:
		return http.StatusOK, "text/xml; charset=utf-8", oaiAnswer(s.corpus, q, s.pageSize, "https://oaipmh.arxiv.org/oai", now)
	}
}

// latestDay returns the feed of the latest Day of path key before day.
func (s *Server) latestDay(key string, day bot.Date) ([]byte, bool) {
	var best bot.Date
	for d := range s.days[key] {
		if d.Before(day) && d.After(best) {
			best = d
		}
	}
	b, ok := s.days[key][best]
	return b, ok && !best.IsZero()
}

func knownArchive(a string) bool {
	_, ok := archives[a]
	return ok || physicsGroup[a] || a == "test"
}
