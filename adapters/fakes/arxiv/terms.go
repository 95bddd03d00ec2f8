package arxivfake

import (
	"regexp"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// arXiv's terms, checked on every request: the record of requests, the
// violations (too soon after the previous request, no descriptive
// User-Agent, before a Retry-After's end) and the tallies.

// Violation kinds.
const (
	ViolationInterval   = "interval"    // less than the minimum interval after the previous request
	ViolationUserAgent  = "user-agent"  // no descriptive User-Agent
	ViolationRetryAfter = "retry-after" // a request before a Retry-After's end
)

// Request is one request as the fake saw it.
type Request struct {
	Seq       int
	Route     string // RouteRSS, RouteAPI, RouteOAI, or "" for an unknown path
	Path      string
	Query     string // the raw query string
	UserAgent string
	Time      time.Time // by the fake's clock
	// Status is the status sent, 0 if the connection was dropped or the
	// client went away.
	Status int
	// Fault names the fault applied (the faults.Kind constants), "" if none.
	Fault string
}

// Violation is a request that broke arXiv's terms.
type Violation struct {
	Seq    int    // the request's Seq
	Kind   string // ViolationInterval, ViolationUserAgent or ViolationRetryAfter
	Detail string
}

// SetMinInterval sets the least time between two requests' arrivals
// below which the later one is a ViolationInterval (default 3 s; 0 checks
// nothing), and the slack allowed for a real-time clock's jitter (default
// 10 ms; use 0 with an injected clock).
func (s *Server) SetMinInterval(d, slack time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minInterval, s.slack = d, slack
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

// Violations returns the violations of arXiv's terms so far, in order.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// ClearRequests forgets the recorded requests and violations (not a
// pending Retry-After).
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.violations, s.last = nil, nil, time.Time{}
}

// Stats counts the requests, the faults injected and the violations
// (a failed request counts once under its kind and once as
// faults.KindSourceFailure).
func (s *Server) Stats() faults.Stats {
	st := s.tally.Stats()
	st.Violations = len(s.Violations())
	return st
}

var descriptiveUA = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*/[^\s/]+ \((.*; )?\+?(https?://[^\s;()]+|mailto:[^\s;()@]+@[^\s;()]+)(; [^()]*)?\)$`)

// DescriptiveUserAgent reports whether ua names a product and version and
// a way to reach its operator (a URL or a mailto: address), like
// "paperboy/1.2.0 (+https://github.com/paperboy-bot/paperboy; mailto:ops@example.org)".
// Go's default "Go-http-client/1.1" is not descriptive.
func DescriptiveUserAgent(ua string) bool {
	return descriptiveUA.MatchString(ua) && !strings.HasPrefix(ua, "Go-http-client/")
}
