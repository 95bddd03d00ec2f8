package slackfake

import (
	"math/rand"
	"net/http"
	"strconv"
	"time"
)

// clockSlack absorbs clients' timer rounding: a request this close to the
// allowed time is neither limited nor counted as a violation.
const clockSlack = 2 * time.Millisecond

type ruleState struct {
	Rule
	id      int
	seen    int
	applied int
}

func (rs *ruleState) matches(method, channel string) bool {
	if rs.Method != "" && rs.Method != method {
		return false
	}
	if rs.Channel != "" && rs.Channel != channel {
		return false
	}
	return true
}

// AddRule installs a fault rule and returns a function that removes it.
func (s *Server) AddRule(r Rule) (remove func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ruleSeq++
	rs := &ruleState{Rule: r, id: s.ruleSeq}
	s.rules = append(s.rules, rs)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, x := range s.rules {
			if x == rs {
				s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
				return
			}
		}
	}
}

// ClearRules removes every rule.
func (s *Server) ClearRules() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// Seed reseeds the generator used by rules with Prob (the default seed is
// 1). With requests arriving in the same order, the same requests fail.
func (s *Server) Seed(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rng = rand.New(rand.NewSource(n))
}

// pickRuleLocked returns the rule that applies to a request, if any, and
// counts it.
func (s *Server) pickRuleLocked(method, channel string) *Rule {
	for _, rs := range s.rules {
		if !rs.matches(method, channel) {
			continue
		}
		rs.seen++
		if rs.seen <= rs.Skip {
			continue
		}
		if rs.Times > 0 && rs.applied >= rs.Times {
			continue
		}
		if rs.Prob > 0 && s.rng.Float64() >= rs.Prob {
			continue
		}
		rs.applied++
		r := rs.Rule
		return &r
	}
	return nil
}

// SetRateLimit makes the fake enforce perWindow requests per window for
// each key: a method plus its "channel" parameter (e.g. chat.postMessage
// in C123), or the method alone without one. Windows are fixed and start
// with a key's first request. A request over the limit gets HTTP 429
// {"ok":false,"error":"ratelimited"} with Retry-After (the time left in the
// window, rounded up to whole Retry-After units, at least 1). By default
// there is no limit; perWindow <= 0 or window <= 0 removes it.
func (s *Server) SetRateLimit(perWindow int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perWindow <= 0 || window <= 0 {
		perWindow, window = 0, 0
	}
	s.rlLimit, s.rlWindow = perWindow, window
	s.buckets = map[string]*bucketState{}
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

type bucketState struct {
	resetAt time.Time
	count   int
}

// takeLocked counts a request against its key's fixed window. It reports
// whether the limit is exceeded and how long until the window resets.
func (s *Server) takeLocked(key string, now time.Time) (exceeded bool, resetAfter time.Duration) {
	if s.rlLimit <= 0 {
		return false, 0
	}
	b := s.buckets[key]
	if b == nil || !now.Before(b.resetAt.Add(-clockSlack)) {
		b = &bucketState{resetAt: now.Add(s.rlWindow)}
		s.buckets[key] = b
	}
	if b.count >= s.rlLimit {
		return true, b.resetAt.Sub(now)
	}
	b.count++
	return false, 0
}

// checkViolationLocked records a violation if the request arrives before an
// earlier 429's retry time on its key, and returns how early it is.
func (s *Server) checkViolationLocked(rec *Request, now time.Time) time.Duration {
	until, ok := s.retryAt[rec.Key]
	if !ok {
		return 0
	}
	if !now.Before(until.Add(-clockSlack)) {
		delete(s.retryAt, rec.Key)
		return 0
	}
	early := until.Sub(now)
	rec.Violation = true
	s.violations = append(s.violations, Violation{
		Seq: rec.Seq, Method: rec.Method, Channel: rec.Channel, Key: rec.Key,
		Time: now, RetryAt: until, Early: early,
	})
	return early
}

// ceilMS rounds a duration up to whole milliseconds.
func ceilMS(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// write429 answers {"ok":false,"error":"ratelimited"} with Retry-After in
// whole units (at least 1) and X-Fake-Retry-After-Ms with the exact wait,
// and remembers the retry time for Violations. retry < 0 omits both
// headers (and remembers nothing).
func (s *Server) write429(w http.ResponseWriter, rec *Request, retry time.Duration, fault string) {
	s.mu.Lock()
	unit := s.retryUnit
	if retry >= 0 {
		ms := ceilMS(retry)
		units := (time.Duration(ms)*time.Millisecond + unit - 1) / unit
		if units < 1 {
			units = 1
		}
		until := time.Now().Add(time.Duration(ms) * time.Millisecond)
		h := w.Header()
		h.Set("Retry-After", strconv.FormatInt(int64(units), 10))
		h.Set("X-Fake-Retry-After-Ms", strconv.FormatInt(ms, 10))
		if cur, ok := s.retryAt[rec.Key]; !ok || until.After(cur) {
			s.retryAt[rec.Key] = until
		}
	}
	rec.Status = http.StatusTooManyRequests
	rec.Fault = fault
	rec.Error = "ratelimited"
	s.mu.Unlock()
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
}
