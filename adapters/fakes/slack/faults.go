package slackfake

import (
	"net/http"
	"strconv"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// ruleGate is the part of a Rule the shared engine reads.
func ruleGate(r Rule) faults.Gate { return faults.Gate{Skip: r.Skip, Times: r.Times, Prob: r.Prob} }

// matches reports whether a rule's Method and Channel match a request.
func (r Rule) matches(method, channel string) bool {
	if r.Method != "" && r.Method != method {
		return false
	}
	if r.Channel != "" && r.Channel != channel {
		return false
	}
	return true
}

// MixedFaults is the mix of issue 7's fault test: a 429 with Retry-After
// retry, a 500, a response slower than the client waits (timeout; the
// request is not applied if the client gives up first), and a connection
// dropped after the message was stored.
func MixedFaults(retry, timeout time.Duration) []Rule {
	return []Rule{
		{RetryAfter: retry},
		{Status: http.StatusInternalServerError},
		{Delay: timeout},
		{DropAfterApply: true},
	}
}

// pickRule returns the rule that applies to a request, if any, and counts
// it.
func (s *Server) pickRule(method, channel string) *Rule {
	r, ok := s.engine.Rules.Pick(func(r Rule) bool { return r.matches(method, channel) })
	if !ok {
		return nil
	}
	return &r
}

// SetRetryAfterUnit sets what one unit of the Retry-After header stands
// for (default time.Second, as on Slack). Tests that want fast 429s can set
// e.g. 10*time.Millisecond and have the client under test scale slack-go's
// RateLimitedError.RetryAfter (which assumes seconds) accordingly. The
// exact wait is always in the X-Fake-Retry-After-Ms header.
func (s *Server) SetRetryAfterUnit(unit time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if unit <= 0 {
		unit = time.Second
	}
	s.retryUnit = unit
}

// checkViolationLocked records a violation if the request arrives before an
// earlier 429's retry time on its key, and returns how early it is.
func (s *Server) checkViolationLocked(rec *Request, now time.Time) time.Duration {
	early, until := s.engine.Backoffs.Check(rec.Key, now)
	if early == 0 {
		return 0
	}
	rec.Violation = true
	s.engine.Violations.Add(Violation{
		Seq: rec.Seq, Method: rec.Method, Channel: rec.Channel, Key: rec.Key,
		Time: now, RetryAt: until, Early: early,
	})
	return early
}

// write429 answers {"ok":false,"error":"ratelimited"} with Retry-After in
// whole units (at least 1) and X-Fake-Retry-After-Ms with the exact wait,
// and remembers the retry time for Violations. retry < 0 omits both
// headers (and remembers nothing).
func (s *Server) write429(w http.ResponseWriter, rec *Request, retry time.Duration, fault string) {
	s.mu.Lock()
	unit := s.retryUnit
	if retry >= 0 {
		ms := faults.CeilMS(retry)
		units := (time.Duration(ms)*time.Millisecond + unit - 1) / unit
		if units < 1 {
			units = 1
		}
		until := time.Now().Add(time.Duration(ms) * time.Millisecond)
		h := w.Header()
		h.Set("Retry-After", strconv.FormatInt(int64(units), 10))
		h.Set("X-Fake-Retry-After-Ms", strconv.FormatInt(ms, 10))
		s.engine.Backoffs.Wait(rec.Key, until)
	}
	rec.Status = http.StatusTooManyRequests
	rec.Fault = fault
	rec.Error = "ratelimited"
	s.mu.Unlock()
	s.engine.Tally.Fault(fault)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
}
