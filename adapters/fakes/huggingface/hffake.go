// Package hffake is an in-process fake of the Hugging Face Daily Papers
// API (GET /api/daily_papers?date=YYYY-MM-DD&limit=N&p=P) and of the
// single-paper endpoints (GET /api/papers/{id}, GET /api/arxiv/{id}/repos;
// see papers.go) for tests, with the fault rules of package faults.
//
// A day's list is a JSON array of daily-paper elements, as Hugging Face
// returns it (SetList, or LoadDir for files named
// daily_papers_YYYY-MM-DD.json); a day without one answers [] (what Hugging
// Face answers for a weekend, or a day whose list has not started to fill
// in). Pages are slices of the array of limit elements (default 50, at most
// 100, as the API). Faults: SetFailureRate fails a share of the requests
// with a seeded mix of 500, 429 with Retry-After, a slow answer and a
// body cut short by a broken connection; AddRule injects one fault by date.
//
//	hf := hffake.New()
//	defer hf.Close()
//	hf.LoadDir("testdata/hf")
//	// huggingface: base_url: hf.URL()
//
// A Server is safe for concurrent use.
package hffake

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// Path is the API path the fake answers.
const Path = "/api/daily_papers"

// Rule injects a fault into matching list requests (see faults.Rules for
// the order and the gate). A zero field matches or does nothing.
type Rule struct {
	// Date matches the date parameter exactly (empty = any).
	Date string
	// Path matches the request's path exactly, like "/api/papers/2612.00001"
	// (empty = any).
	Path string
	// Skip, Times and Prob gate the rule as in the Discord and Slack fakes.
	Skip  int
	Times int
	Prob  float64
	// Status answers with this HTTP status and a JSON error body; with
	// RetryAfter and Status 0 it is 429.
	Status int
	// RetryAfter is the Retry-After of a 429, rounded up to whole seconds
	// (at least 1) in the header; X-Fake-Retry-After-Ms has the exact value.
	RetryAfter time.Duration
	// Delay answers late; a client that gives up first sees a timeout.
	Delay time.Duration
	// DropBeforeApply closes the connection without an answer.
	DropBeforeApply bool
	// Truncate answers 200 and breaks the connection halfway through the
	// body.
	Truncate bool
}

// Request is one request as the fake saw it.
type Request struct {
	Seq       int
	Path      string // the URL path: Path, or a single paper's
	Date      string
	Page      int
	Limit     int
	UserAgent string
	Time      time.Time
	// Status is the status sent, 0 if the connection was dropped or the
	// client went away.
	Status int
	// Fault names the fault applied (the faults.Kind constants), "" if none.
	Fault string
}

// Server is a fake Hugging Face API. Create it with New.
type Server struct {
	http  *faults.Server
	rules *faults.Rules[Rule]
	tally faults.Tally

	mu       sync.Mutex
	lists    map[string][]json.RawMessage
	papers   map[string]json.RawMessage // SetPaper's documents
	linked   map[string]Linked          // SetLinked's repos
	requests []*Request
}

// New starts a fake on a loopback httptest server.
func New() *Server {
	s := &Server{
		rules:  faults.NewRules(func(r Rule) faults.Gate { return faults.Gate{Skip: r.Skip, Times: r.Times, Prob: r.Prob} }),
		lists:  map[string][]json.RawMessage{},
		papers: map[string]json.RawMessage{},
		linked: map[string]Linked{},
	}
	s.http = faults.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL (the huggingface.base_url config key).
func (s *Server) URL() string { return s.http.URL() }

// Client returns a client that sends requests for any host to the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// SetList sets the list of a day (YYYY-MM-DD) from a JSON array of
// daily-paper elements. A nil or empty body removes it.
func (s *Server) SetList(date string, body []byte) error {
	var elems []json.RawMessage
	if len(body) > 0 {
		if err := json.Unmarshal(body, &elems); err != nil {
			return errors.New("hffake: list " + date + " is not a JSON array: " + err.Error())
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(elems) == 0 {
		delete(s.lists, date)
		return nil
	}
	s.lists[date] = elems
	return nil
}

// LoadDir sets the list of every file daily_papers_YYYY-MM-DD.json in dir.
// It returns the dates loaded.
func (s *Server) LoadDir(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "daily_papers_????-??-??.json"))
	if err != nil {
		return nil, err
	}
	var dates []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return dates, err
		}
		date := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "daily_papers_"), ".json")
		if err := s.SetList(date, b); err != nil {
			return dates, err
		}
		dates = append(dates, date)
	}
	return dates, nil
}

// AddRule installs a fault rule and returns a function that removes it.
func (s *Server) AddRule(r Rule) (remove func()) { return s.rules.Add(r) }

// ClearRules removes every rule, SetFailureRate's included.
func (s *Server) ClearRules() { s.rules.Clear() }

// SetFailureRate makes a share rate of all list requests fail, each with
// one of: 500, 429 with a Retry-After of retry, an answer slower than
// timeout (set it above the client's timeout), a truncated body, chosen by
// a generator seeded with seed. It returns a function that removes it.
func (s *Server) SetFailureRate(rate float64, seed int64, retry, timeout time.Duration) (remove func()) {
	s.rules.Seed(seed)
	return s.rules.AddMix(Rule{}, rate,
		Rule{Status: http.StatusInternalServerError},
		Rule{RetryAfter: retry},
		Rule{Delay: timeout},
		Rule{Truncate: true})
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// ClearRequests forgets the recorded requests.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Stats counts the requests and the faults injected since New (a failed
// list request counts once under its kind and once as
// faults.KindSourceFailure).
func (s *Server) Stats() faults.Stats { return s.tally.Stats() }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rec := &Request{Path: r.URL.Path, Date: q.Get("date"), UserAgent: r.UserAgent(), Time: time.Now()}
	rec.Page, _ = strconv.Atoi(q.Get("p"))
	rec.Limit, _ = strconv.Atoi(q.Get("limit"))
	s.tally.Request()
	s.mu.Lock()
	rec.Seq = len(s.requests) + 1
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	finish := func(status int, fault string) {
		if fault != "" && fault != faults.KindDelay {
			s.tally.Fault(fault)
			s.tally.Fault(faults.KindSourceFailure)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		rec.Status, rec.Fault = status, fault
	}

	paper := r.URL.Path != Path
	if paper && !isPaperPath(r.URL.Path) {
		finish(http.StatusNotFound, "")
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Sorry, we can't find the page you are looking for."})
		return
	}
	rule, hit := s.rules.Pick(func(x Rule) bool {
		return (x.Date == "" || x.Date == rec.Date) && (x.Path == "" || x.Path == rec.Path)
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
	case hit && (rule.Status == http.StatusTooManyRequests || (rule.Status == 0 && rule.RetryAfter > 0)):
		ms := faults.CeilMS(rule.RetryAfter)
		w.Header().Set("Retry-After", strconv.FormatInt(max(1, (ms+999)/1000), 10))
		w.Header().Set("X-Fake-Retry-After-Ms", strconv.FormatInt(ms, 10))
		finish(http.StatusTooManyRequests, faults.KindRateLimit)
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "You have exceeded our rate limit."})
		return
	case hit && rule.Status != 0:
		finish(rule.Status, faults.KindStatus)
		writeJSON(w, rule.Status, map[string]string{"error": http.StatusText(rule.Status)})
		return
	}

	var body []byte
	if paper {
		status, b := s.paperAnswer(r.URL.Path)
		if status != http.StatusOK {
			finish(status, "")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write(b)
			return
		}
		body = b
	} else {
		limit := rec.Limit
		if limit <= 0 {
			limit = 50
		}
		limit = min(limit, 100)
		s.mu.Lock()
		elems := s.lists[rec.Date]
		s.mu.Unlock()
		page := []json.RawMessage{}
		if from := rec.Page * limit; rec.Page >= 0 && from < len(elems) {
			page = elems[from:min(from+limit, len(elems))]
		}
		body, _ = json.Marshal(page)
	}
	fault := ""
	if hit && rule.Delay > 0 {
		fault = faults.KindDelay
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if hit && rule.Truncate {
		// The connection breaks halfway through the body: the client
		// reads an unexpected EOF.
		finish(http.StatusOK, faults.KindTruncated)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	finish(http.StatusOK, fault)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
