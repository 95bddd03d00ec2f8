package slackfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// maxBody bounds how much of a request body the fake reads.
const maxBody = 32 << 20

// call is one API request as seen by a method handler.
type call struct {
	rec    *Request
	params url.Values
	now    time.Time
}

// reply is a handler's answer: HTTP 200 {"ok":true,...fields} or
// {"ok":false,"error":err,...fields}, or another status (response URLs).
type reply struct {
	status int // 0 means 200
	err    string
	fields map[string]any
	ts     string // the ts the request created, updated or deleted
}

func okReply(fields map[string]any) reply { return reply{fields: fields} }
func errReply(code string) reply          { return reply{err: code} }

type handler func(s *Server, c *call) reply

// serveHTTP is the request pipeline: record, violation check, fault rules,
// rate limiting, method lookup, authentication, and the method handler.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	ct := r.Header.Get("Content-Type")
	rec := &Request{
		HTTPMethod:  r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		ContentType: ct,
		Header:      r.Header.Clone(),
		Body:        body,
		Time:        now,
	}
	params, parseErr, isJSON := parseParams(r, body)
	rec.Params = params

	kind := kindOther
	respName := ""
	switch {
	case strings.HasPrefix(r.URL.Path, APIPrefix):
		kind = kindAPI
		rec.Method = strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, APIPrefix), "/")
		rec.Channel = params.Get("channel")
		rec.Key = rec.Method
		if rec.Channel != "" {
			rec.Key += " [" + rec.Channel + "]"
		}
	case strings.HasPrefix(r.URL.Path, ResponseURLPrefix):
		kind = kindResponse
		rec.Method = MethodResponseURL
		respName, _ = url.PathUnescape(strings.TrimPrefix(r.URL.Path, ResponseURLPrefix))
		rec.Key = MethodResponseURL + " [" + respName + "]"
	default:
		rec.Method = r.URL.Path
		rec.Key = r.URL.Path
	}

	s.engine.Tally.Request()
	s.mu.Lock()
	s.reqSeq++
	rec.Seq = s.reqSeq
	s.requests = append(s.requests, rec)
	early := s.checkViolationLocked(rec, now)
	rule := s.pickRule(rec.Method, rec.Channel)
	unit := s.retryUnit
	s.mu.Unlock()

	if rule != nil && rule.Delay > 0 {
		if !s.http.Sleep(r.Context(), rule.Delay) {
			s.finish(rec, reply{}, 0, faults.KindCanceled, false, false)
			if r.Context().Err() == nil {
				// The server is closing: cut the connection.
				faults.Drop(w)
			}
			return
		}
	}
	if rule != nil && rule.DropBeforeApply {
		s.finish(rec, reply{}, 0, faults.KindDropBefore, false, true)
		faults.Drop(w)
		return
	}

	taken := s.engine.Limiter.Take(rec.Key, time.Now())
	exceeded, resetAfter := taken.Exceeded, taken.ResetAfter

	if rule != nil && (rule.Status != 0 || rule.Error != "" || rule.RetryAfter > 0) {
		status := rule.Status
		if status == 0 && rule.Error == "" {
			status = http.StatusTooManyRequests
		}
		switch {
		case status == http.StatusTooManyRequests:
			retry := rule.RetryAfter
			if retry == 0 {
				retry = unit
			}
			s.write429(w, rec, retry, faults.KindRateLimit)
		case rule.Error != "":
			rep := errReply(rule.Error)
			rep.status = status
			s.finish(rec, rep, statusOr200(status), faults.KindError, false, false)
			s.writeReply(w, rep, false)
		default:
			s.finish(rec, reply{}, status, faults.KindStatus, false, false)
			writeHTML(w, status)
		}
		return
	}

	var rep reply
	switch kind {
	case kindOther:
		s.finish(rec, reply{}, http.StatusNotFound, "", false, false)
		writeHTML(w, http.StatusNotFound)
		return
	case kindResponse:
		if early > 0 {
			s.write429(w, rec, early, faults.KindEnforced)
			return
		}
		if exceeded {
			s.write429(w, rec, resetAfter, faults.KindEnforced)
			return
		}
		s.mu.Lock()
		rep = s.handleResponseURL(respName, rec, ct, body)
		s.mu.Unlock()
	case kindAPI:
		h, known := methods[rec.Method]
		if !known {
			rep = errReply("unknown_method")
			break
		}
		s.mu.Lock()
		authErr := s.authLocked(rec.Method, r.Header.Get("Authorization"), params, isJSON)
		var missing *reply
		if authErr == "" {
			missing = s.scopeCheckLocked(w.Header(), rec.Method, rec.Channel)
		}
		s.mu.Unlock()
		if authErr != "" {
			rep = errReply(authErr)
			break
		}
		if early > 0 {
			s.write429(w, rec, early, faults.KindEnforced)
			return
		}
		if exceeded {
			s.write429(w, rec, resetAfter, faults.KindEnforced)
			return
		}
		if parseErr != "" {
			rep = errReply(parseErr)
			break
		}
		if missing != nil {
			rep = *missing
			break
		}
		c := &call{rec: rec, params: params, now: time.Now()}
		s.mu.Lock()
		rep = h(s, c)
		s.mu.Unlock()
	}

	applied := rep.err == "" && statusOr200(rep.status) == http.StatusOK
	fault := ""
	if rule != nil && rule.Delay > 0 {
		fault = faults.KindDelay
	}
	if rule != nil && rule.DropAfterApply {
		s.finish(rec, rep, 0, faults.KindDropAfter, applied, true)
		faults.Drop(w)
		return
	}
	s.finish(rec, rep, statusOr200(rep.status), fault, applied, false)
	s.writeReply(w, rep, kind == kindAPI && isJSON && !strings.Contains(strings.ToLower(ct), "charset"))
}

const (
	kindOther = iota
	kindAPI
	kindResponse
)

func statusOr200(st int) int {
	if st == 0 {
		return http.StatusOK
	}
	return st
}

// finish records the outcome of a request. It runs before the response is
// written so that a client that has its answer sees the record complete.
func (s *Server) finish(rec *Request, rep reply, status int, fault string, applied, dropped bool) {
	s.engine.Tally.Fault(fault)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status = status
	rec.Error = rep.err
	rec.Fault = fault
	rec.Applied = applied
	rec.Dropped = dropped
	rec.TS = rep.ts
}

// authLocked checks the request's token and returns Slack's error code, or
// "" if the request may proceed. Bot tokens come as "Authorization: Bearer"
// or as a "token" form field (not inside a JSON body, as on Slack);
// apps.connections.open needs an app-level "xapp-" token.
func (s *Server) authLocked(method, authz string, params url.Values, isJSON bool) string {
	tok := ""
	if b, ok := strings.CutPrefix(authz, "Bearer "); ok {
		tok = strings.TrimSpace(b)
	} else if !isJSON {
		tok = params.Get("token")
	}
	if tok == "" {
		return "not_authed"
	}
	isApp := strings.HasPrefix(tok, "xapp-")
	if method == "apps.connections.open" {
		if !isApp {
			return "not_allowed_token_type"
		}
		if s.appToken != "" && tok != s.appToken {
			return "invalid_auth"
		}
		return ""
	}
	if isApp {
		return "not_allowed_token_type"
	}
	if s.token != "" && tok != s.token {
		return "invalid_auth"
	}
	return ""
}

// parseParams collects the request parameters: the query string, then a
// form body (urlencoded or multipart) or a JSON object body. JSON values
// that are not strings are kept as JSON text (so "blocks" holds the array's
// JSON, as the form field would). It returns Slack's error code for a body
// it cannot parse, and whether the body was JSON.
func parseParams(r *http.Request, body []byte) (url.Values, string, bool) {
	v := url.Values{}
	for k, vs := range r.URL.Query() {
		v[k] = append(v[k], vs...)
	}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		fv, err := url.ParseQuery(string(body))
		if err != nil {
			return v, "invalid_form_data", false
		}
		for k, vs := range fv {
			v[k] = append(v[k], vs...)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mp["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return v, "invalid_form_data", false
			}
			b, _ := io.ReadAll(p)
			if p.FileName() == "" && p.FormName() != "" {
				v.Add(p.FormName(), string(b))
			}
		}
	case "application/json":
		if len(bytes.TrimSpace(body)) == 0 {
			return v, "", true
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return v, "invalid_json", true
		}
		for k, raw := range obj {
			raw = bytes.TrimSpace(raw)
			switch {
			case bytes.Equal(raw, []byte("null")):
			case len(raw) > 0 && raw[0] == '"':
				var str string
				_ = json.Unmarshal(raw, &str)
				v.Add(k, str)
			default:
				var buf bytes.Buffer
				if json.Compact(&buf, raw) == nil {
					raw = buf.Bytes()
				}
				v.Add(k, string(raw))
			}
		}
		return v, "", true
	}
	return v, "", false
}

// writeReply writes a handler's answer as Slack's JSON envelope. With
// missingCharset (a JSON request without a charset) it adds Slack's
// "missing_charset" warning.
func (s *Server) writeReply(w http.ResponseWriter, rep reply, missingCharset bool) {
	out := make(map[string]any, len(rep.fields)+3)
	for k, v := range rep.fields {
		out[k] = v
	}
	if rep.err != "" {
		out["ok"] = false
		out["error"] = rep.err
	} else {
		out["ok"] = true
	}
	if missingCharset {
		out["warning"] = "missing_charset"
		md, _ := out["response_metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
		}
		md["warnings"] = []string{"missing_charset"}
		out["response_metadata"] = md
	}
	writeJSON(w, statusOr200(rep.status), out)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"ok":false,"error":"fatal_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeHTML answers an HTTP error the way Slack's edge does: a short HTML
// page, not JSON.
func writeHTML(w http.ResponseWriter, status int) {
	text := http.StatusText(status)
	if text == "" {
		text = "Error"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, "<html><head><title>"+text+"</title></head><body><h1>"+text+"</h1></body></html>\n")
}
