package slackfake

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// Response URL limits, as Slack documents them for slash commands and
// interactions.
const (
	ResponseURLMaxUses = 5
	ResponseURLTTL     = 30 * time.Minute
)

// ResponseURL returns a URL on this server usable as a slash command's or
// interaction's response_url, creating it on first use. POSTs to it (a JSON
// body, as slack-go sends) are recorded (Responses) and answered
// {"ok":true}, at most ResponseURLMaxUses times and for ResponseURLTTL.
// Refusals are HTTP 404 with {"ok":false,"error":...}: "used_url" after the
// last use, "expired_url" after the TTL (or ExpireResponseURL),
// "no_service" for a URL never created; a body that is not JSON gets 400
// "invalid_payload". Blocks are checked as for chat.postMessage (HTTP 200
// {"ok":false,"error":"invalid_blocks"}). A response_type of "in_channel"
// is recorded but posts nothing to a channel.
func (s *Server) ResponseURL(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.respURLs[name]; !ok {
		s.respURLs[name] = &respURL{name: name, created: time.Now()}
	}
	return s.http.URL() + ResponseURLPrefix + url.PathEscape(name)
}

// ExpireResponseURL makes a response URL answer expired_url from now on, as
// after ResponseURLTTL. It reports whether the URL exists.
func (s *Server) ExpireResponseURL(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.respURLs[name]
	if ok {
		r.expired = true
	}
	return ok
}

// Responses returns the accepted POSTs to response URLs, in arrival order.
// Refused ones are only in Requests.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Response, len(s.responses))
	for i, r := range s.responses {
		out[i] = r
		out[i].Body = append([]byte(nil), r.Body...)
		out[i].Blocks = cloneRaw(r.Blocks)
	}
	return out
}

// handleResponseURL answers a POST to a response URL.
func (s *Server) handleResponseURL(name string, rec *Request, ct string, body []byte) reply {
	fail := func(status int, code string) reply {
		rep := errReply(code)
		rep.status = status
		return rep
	}
	if rec.HTTPMethod != http.MethodPost {
		return fail(http.StatusMethodNotAllowed, "invalid_method")
	}
	ru, ok := s.respURLs[name]
	switch {
	case !ok:
		return fail(http.StatusNotFound, "no_service")
	case ru.expired || rec.Time.Sub(ru.created) > ResponseURLTTL:
		return fail(http.StatusNotFound, "expired_url")
	case ru.uses >= ResponseURLMaxUses:
		return fail(http.StatusNotFound, "used_url")
	}
	var msg struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
		return fail(http.StatusBadRequest, "invalid_payload")
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return fail(http.StatusBadRequest, "invalid_payload")
	}
	var blocks json.RawMessage
	if b := bytes.TrimSpace(msg.Blocks); len(b) > 0 && !bytes.Equal(b, []byte("null")) {
		compact, code, msgs := validateBlocks(string(b))
		if code != "" {
			rep := errReply(code)
			if len(msgs) > 0 {
				rep.fields = map[string]any{"response_metadata": map[string]any{"messages": msgs}}
			}
			return rep
		}
		blocks = compact
	}
	if !msg.DeleteOriginal && msg.Text == "" && (blocks == nil || string(blocks) == "[]") {
		return errReply("no_text")
	}
	ru.uses++
	s.responses = append(s.responses, Response{
		Name: name, Use: ru.uses, Body: append([]byte(nil), body...), ContentType: ct,
		Text: msg.Text, Blocks: blocks, ResponseType: msg.ResponseType,
		ReplaceOriginal: msg.ReplaceOriginal, DeleteOriginal: msg.DeleteOriginal,
		ThreadTS: msg.ThreadTS, Time: rec.Time,
	})
	return okReply(nil)
}
