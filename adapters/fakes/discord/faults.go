package discordfake

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// ruleGate is the part of a Rule the shared engine reads.
func ruleGate(r Rule) faults.Gate { return faults.Gate{Skip: r.Skip, Times: r.Times, Prob: r.Prob} }

// matches reports whether a rule's Method, Path and PathPrefix match a
// request.
func (r Rule) matches(method, path string) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, method) {
		return false
	}
	if r.Path != "" && path != r.Path {
		return false
	}
	if r.PathPrefix != "" && !strings.HasPrefix(path, r.PathPrefix) {
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

// normRule puts a rule's paths under APIPrefix (AddRule and AddMix take
// "/channels/1/messages" as well as "/api/v9/channels/1/messages").
func normRule(r Rule) Rule {
	r.PathPrefix = normRulePath(r.PathPrefix)
	r.Path = normRulePath(r.Path)
	return r
}

// MixedFaults is the mix of issue 7's fault test: a 429 with retry_after
// retry, a 500, a response slower than the client waits (timeout; the
// request is not applied if the client gives up first), a connection
// dropped after the message was stored, and a forgotten nonce (Discord
// remembers nonces for minutes only).
func MixedFaults(retry, timeout time.Duration) []Rule {
	return []Rule{
		{RetryAfter: retry},
		{Status: http.StatusInternalServerError},
		{Delay: timeout},
		{DropAfterApply: true},
		{ForgetNonce: true},
	}
}

// pickRule returns the rule that applies to a request, if any, and counts
// it.
func (s *Server) pickRule(method, path string) *Rule {
	r, ok := s.engine.Rules.Pick(func(r Rule) bool { return r.matches(method, path) })
	if !ok {
		return nil
	}
	return &r
}

// checkViolationLocked records a violation if the request arrives before an
// earlier 429's retry time on its bucket, and returns how early it is.
func (s *Server) checkViolationLocked(rec *Request, key string, now time.Time) time.Duration {
	early, until := s.engine.Backoffs.Check(key, now)
	if early == 0 {
		return 0
	}
	rec.Violation = true
	s.engine.Violations.Add(Violation{
		Seq: rec.Seq, Method: rec.Method, Path: rec.Path, Bucket: key,
		Time: now, RetryAt: until, Early: early,
	})
	return early
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
func setRateHeaders(h http.Header, rl faults.Taken, hash string) {
	resetAfterMS := faults.CeilMS(rl.ResetAfter)
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rl.Remaining))
	h.Set("X-RateLimit-Reset", secondsMS(faults.CeilMS(time.Duration(rl.ResetAt.UnixNano()))))
	h.Set("X-RateLimit-Reset-After", secondsMS(resetAfterMS))
	h.Set("X-RateLimit-Bucket", hash)
}

// write429 answers "You are being rate limited." with retry_after in the
// body (what discordgo reads) and the headers, and remembers the retry time
// for Violations.
func (s *Server) write429(w http.ResponseWriter, rec *Request, key, hash string, retry time.Duration, limit int, fault string) {
	ms := faults.CeilMS(retry)
	now := time.Now()
	until := now.Add(time.Duration(ms) * time.Millisecond)
	h := w.Header()
	h.Set("Retry-After", strconv.FormatInt((ms+999)/1000, 10))
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", secondsMS(faults.CeilMS(time.Duration(until.UnixNano()))))
	h.Set("X-RateLimit-Reset-After", secondsMS(ms))
	h.Set("X-RateLimit-Bucket", hash)
	h.Set("X-RateLimit-Scope", "user")
	s.engine.Backoffs.Wait(key, until)
	s.mu.Lock()
	rec.Status = http.StatusTooManyRequests
	rec.Fault = fault
	s.mu.Unlock()
	s.engine.Tally.Fault(fault)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": float64(ms) / 1000,
		"global":      false,
	})
}
