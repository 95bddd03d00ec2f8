package discordfake

import (
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// clockSlack absorbs clients' rounding of retry_after and Reset-After to
// whole milliseconds (discordgo truncates the fraction): a request this
// close to the allowed time is neither limited nor counted as a violation.
const clockSlack = 2 * time.Millisecond

type ruleState struct {
	Rule
	id      int
	seen    int
	applied int
}

func (rs *ruleState) matches(method, path string) bool {
	if rs.Method != "" && !strings.EqualFold(rs.Method, method) {
		return false
	}
	if rs.Path != "" && path != rs.Path {
		return false
	}
	if rs.PathPrefix != "" && !strings.HasPrefix(path, rs.PathPrefix) {
		return false
	}
	return true
}

func normRulePath(p string) string {
	if p == "" || strings.HasPrefix(p, "/api/") {
		return p
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return APIPrefix + p
}

// AddRule installs a fault rule and returns a function that removes it.
func (s *Server) AddRule(r Rule) (remove func()) {
	r.PathPrefix = normRulePath(r.PathPrefix)
	r.Path = normRulePath(r.Path)
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
func (s *Server) pickRuleLocked(method, path string) *Rule {
	for _, rs := range s.rules {
		if !rs.matches(method, path) {
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

// SetRateLimit sets the per-bucket limit the fake advertises in its
// X-RateLimit-* headers and enforces with 429s: perWindow requests per
// window for each route and major parameter (channel, guild, webhook). The
// default is 50 per second. perWindow <= 0 restores the default.
func (s *Server) SetRateLimit(perWindow int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perWindow <= 0 || window <= 0 {
		perWindow, window = DefaultRateLimit, DefaultRateLimitWindow
	}
	s.rlLimit, s.rlWindow = perWindow, window
	s.buckets = map[string]*bucketState{}
}

type bucketState struct {
	resetAt time.Time
	count   int
}

type rlInfo struct {
	limit      int
	remaining  int
	resetAt    time.Time
	resetAfter time.Duration
	exceeded   bool
}

// takeLocked counts a request against its bucket's fixed window (the
// window starts with the first request, like Discord's).
func (s *Server) takeLocked(key string, now time.Time) rlInfo {
	b := s.buckets[key]
	if b == nil || !now.Before(b.resetAt.Add(-clockSlack)) {
		b = &bucketState{resetAt: now.Add(s.rlWindow)}
		s.buckets[key] = b
	}
	info := rlInfo{limit: s.rlLimit, resetAt: b.resetAt, resetAfter: b.resetAt.Sub(now)}
	if b.count >= s.rlLimit {
		info.exceeded = true
	} else {
		b.count++
		info.remaining = s.rlLimit - b.count
	}
	return info
}

// checkViolationLocked records a violation if the request arrives before an
// earlier 429's retry time on its bucket, and returns how early it is.
func (s *Server) checkViolationLocked(rec *Request, key string, now time.Time) time.Duration {
	until, ok := s.retryAt[key]
	if !ok {
		return 0
	}
	if !now.Before(until.Add(-clockSlack)) {
		delete(s.retryAt, key)
		return 0
	}
	early := until.Sub(now)
	rec.Violation = true
	s.violations = append(s.violations, Violation{
		Seq: rec.Seq, Method: rec.Method, Path: rec.Path, Bucket: key,
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

// secondsMS formats milliseconds as seconds with three decimals.
func secondsMS(ms int64) string {
	frac := strconv.FormatInt(ms%1000, 10)
	return strconv.FormatInt(ms/1000, 10) + "." + strings.Repeat("0", 3-len(frac)) + frac
}

// setRateHeaders writes the X-RateLimit-* headers Discord sends with every
// response. discordgo reads X-RateLimit-Remaining (integer) and
// X-RateLimit-Reset-After (float seconds); X-RateLimit-Global is never sent
// on ordinary responses because discordgo treats any value as global.
func setRateHeaders(h http.Header, rl rlInfo, hash string) {
	resetAfterMS := ceilMS(rl.resetAfter)
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rl.remaining))
	h.Set("X-RateLimit-Reset", secondsMS(ceilMS(time.Duration(rl.resetAt.UnixNano()))))
	h.Set("X-RateLimit-Reset-After", secondsMS(resetAfterMS))
	h.Set("X-RateLimit-Bucket", hash)
}

// write429 answers "You are being rate limited." with retry_after in the
// body (what discordgo reads) and the headers, and remembers the retry time
// for Violations.
func (s *Server) write429(w http.ResponseWriter, rec *Request, key, hash string, retry time.Duration, limit int, fault string) {
	ms := ceilMS(retry)
	now := time.Now()
	until := now.Add(time.Duration(ms) * time.Millisecond)
	h := w.Header()
	h.Set("Retry-After", strconv.FormatInt((ms+999)/1000, 10))
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", secondsMS(ceilMS(time.Duration(until.UnixNano()))))
	h.Set("X-RateLimit-Reset-After", secondsMS(ms))
	h.Set("X-RateLimit-Bucket", hash)
	h.Set("X-RateLimit-Scope", "user")
	s.mu.Lock()
	if cur, ok := s.retryAt[key]; !ok || until.After(cur) {
		s.retryAt[key] = until
	}
	rec.Status = http.StatusTooManyRequests
	rec.Fault = fault
	s.mu.Unlock()
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": float64(ms) / 1000,
		"global":      false,
	})
}
