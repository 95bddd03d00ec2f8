package discordfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// maxBody bounds how much of a request body the fake reads.
const maxBody = 32 << 20

// serveHTTP is the request pipeline: record, violation check, fault rules,
// rate limiting, authentication, routing, and the route handler.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rec := &Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
		Time:     now,
	}

	var (
		rt        *route
		params    map[string]string
		pathKnown bool
	)
	apiPath, isAPI := strings.CutPrefix(r.URL.Path, APIPrefix)
	if isAPI {
		rt, params, pathKnown = match(r.Method, apiPath)
	} else {
		apiPath = r.URL.Path
	}
	hash, key := bucketOf(r.Method, apiPath, rt, params)
	rec.Bucket = key
	if rt != nil {
		rec.Route = rt.method + " " + rt.pattern
	}

	s.engine.Tally.Request()
	s.mu.Lock()
	s.reqSeqLocked(rec)
	early := s.checkViolationLocked(rec, key, now)
	rule := s.pickRule(r.Method, r.URL.Path)
	s.mu.Unlock()

	if rule != nil && rule.Delay > 0 {
		if !s.http.Sleep(r.Context(), rule.Delay) {
			s.finish(rec, 0, faults.KindCanceled, false, false)
			if ctxErr := r.Context().Err(); ctxErr == nil {
				// The server is closing: cut the connection.
				faults.Drop(w)
			}
			return
		}
	}
	if rule != nil && rule.DropBeforeApply {
		s.finish(rec, 0, faults.KindDropBefore, false, true)
		faults.Drop(w)
		return
	}
	if rule != nil && rule.ForgetNonce {
		s.ForgetNonces()
		s.engine.Tally.Fault(faults.KindForgetNonce)
	}

	rl := s.engine.Limiter.Take(key, time.Now())
	setRateHeaders(w.Header(), rl, hash)

	if rule != nil && (rule.Status != 0 || rule.Code != 0 || rule.RetryAfter > 0) {
		status := rule.Status
		if status == 0 && rule.Code != 0 {
			status = CodeStatus(rule.Code)
		}
		if status == 0 {
			status = http.StatusTooManyRequests
		}
		if status == http.StatusTooManyRequests {
			s.write429(w, rec, key, hash, rule.RetryAfter, rl.Limit, faults.KindRateLimit)
			return
		}
		e := statusErr(status)
		if rule.Code != 0 {
			e = codeErr(rule.Code)
			e.Status = status
		}
		s.finish(rec, status, faults.KindStatus, false, false)
		writeJSON(w, status, e)
		return
	}

	if rt != nil && !(rt.noAuth && r.Header.Get("Authorization") == "") {
		s.mu.Lock()
		authOK := s.authOKLocked(r.Header.Get("Authorization"))
		s.mu.Unlock()
		if !authOK {
			s.finish(rec, http.StatusUnauthorized, "", false, false)
			writeJSON(w, http.StatusUnauthorized, statusErr(http.StatusUnauthorized))
			return
		}
	}

	if early > 0 {
		// Discord keeps answering 429 until the retry time has passed.
		s.write429(w, rec, key, hash, early, rl.Limit, faults.KindEnforced)
		return
	}
	if rl.Exceeded {
		s.write429(w, rec, key, hash, rl.ResetAfter, rl.Limit, faults.KindEnforced)
		return
	}

	if rt == nil {
		status := http.StatusNotFound
		if pathKnown {
			status = http.StatusMethodNotAllowed
		}
		s.finish(rec, status, "", false, false)
		writeJSON(w, status, statusErr(status))
		return
	}

	c := &call{r: r, body: body, p: params, now: time.Now()}
	s.mu.Lock()
	rep := rt.h(s, c)
	s.mu.Unlock()

	status, payload := rep.status, rep.body
	if rep.err != nil {
		status, payload = rep.err.Status, rep.err
	}
	fault := ""
	if rule != nil && rule.Delay > 0 {
		fault = faults.KindDelay
	}
	if rule != nil && rule.DropAfterApply {
		s.finish(rec, 0, faults.KindDropAfter, rep.err == nil, true)
		faults.Drop(w)
		return
	}
	s.finish(rec, status, fault, rep.err == nil, false)
	writeJSON(w, status, payload)
}

// reqSeqLocked numbers and stores a request record.
func (s *Server) reqSeqLocked(rec *Request) {
	s.reqSeq++
	rec.Seq = s.reqSeq
	s.requests = append(s.requests, rec)
}

// finish records the outcome of a request. It runs before the response is
// written so that a client that has its answer sees the record complete.
func (s *Server) finish(rec *Request, status int, fault string, applied, dropped bool) {
	s.engine.Tally.Fault(fault)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status = status
	rec.Fault = fault
	rec.Applied = applied
	rec.Dropped = dropped
}

func (s *Server) authOKLocked(h string) bool {
	tok, ok := strings.CutPrefix(h, "Bot ")
	if !ok || strings.TrimSpace(tok) == "" {
		return false
	}
	return s.token == "" || tok == s.token
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	h := w.Header()
	h.Set("Via", "1.1 google")
	if status == http.StatusNoContent || body == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"message": "500: Internal Server Error", "code": 0}`)
		status = http.StatusInternalServerError
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
