package slack

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// fuzzAdapter is an adapter with no commands (nothing is answered, so
// nothing reaches the network) for the payload fuzz targets.
func fuzzAdapter(t *testing.T) *Slack {
	s, err := New(Options{BotToken: botToken, SigningSecret: signingSecret, APIURL: "http://127.0.0.1:1/api/"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkPayload posts body to path unsigned, wrongly signed and signed, and
// checks the invariants of HTTP mode: only the signed request is parsed
// (the others are 401 and counted as signature rejections, never as bad
// payloads); a signed one is accepted (200) or refused with a one-line
// reason (400, 413) that does not echo the body. It returns whether the
// signed request was accepted.
func checkPayload(t *testing.T, path string, body []byte) bool {
	s := fuzzAdapter(t)
	h := s.HTTPHandler()
	post := func(hdr http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
		if hdr != nil {
			req.Header = hdr
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	now := time.Now()
	for name, hdr := range map[string]http.Header{"unsigned": nil, "wrong secret": sign(string(body), now, "wrong-secret")} {
		if w := post(hdr); w.Code != http.StatusUnauthorized && w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("%s request: %d, want 401", name, w.Code)
		}
	}
	if n := s.Rejected()[RejectPayload]; n != 0 {
		t.Fatalf("an unsigned request's payload was parsed (%d payload rejections)", n)
	}
	w := post(sign(string(body), now, signingSecret))
	switch w.Code {
	case http.StatusOK:
		return true
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		reason := strings.TrimSuffix(w.Body.String(), "\n")
		if reason == "" || strings.ContainsAny(reason, "\r\n") {
			t.Fatalf("refusal reason %q is not one line", reason)
		}
		if len(body) >= 40 && strings.Contains(reason, string(body)) {
			t.Fatalf("the refusal echoes the body: %q", reason)
		}
		return false
	default:
		t.Fatalf("signed request: %d", w.Code)
	}
	return false
}

// FuzzSlashPayload: a slash command's form body, through HTTP mode and
// decodeSlash to bot.Command.
func FuzzSlashPayload(f *testing.F) {
	f.Add([]byte(url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"U1"}, "command": {"/papers"}, "text": {"search diffusion"},
		"response_url": {"https://hooks.slack.com/commands/T1/1/x"}}.Encode()))
	f.Add([]byte("team_id=T1&channel_id=C1&user_id=U1&command=%2Fpapers-admin&text=channel+set+time+07%3A45+zone+Europe%2FBerlin"))
	f.Add([]byte("command=%2Fpapers&text=%E2%80%AE%00"))
	f.Add([]byte("a=%zz"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		accepted := checkPayload(t, CommandsPath, body)
		sc, err := decodeSlash(body)
		if (err == nil) != accepted {
			t.Fatalf("decodeSlash: %v, but the handler accepted=%v", err, accepted)
		}
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		form, _ := url.ParseQuery(string(body))
		if sc.Command != form.Get("command") || sc.Text != form.Get("text") || sc.TeamID != form.Get("team_id") || sc.UserID != form.Get("user_id") {
			t.Fatalf("decoded %+v from %q", sc, body)
		}
		// The adapter hands these to the bot's parser: it must take any.
		_ = bot.ParseCommand(sc.Command, sc.Text)
	})
}

// FuzzInteractionPayload: an interactivity body (payload=<JSON>), through
// HTTP mode and decodeInteraction.
func FuzzInteractionPayload(f *testing.F) {
	f.Add(`{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"response_url":"https://hooks.slack.com/actions/T1/1/x","actions":[{"action_id":"paperboy:0","value":"s:00:1"}]}`)
	f.Add(`{"type":"block_actions","actions":[null]}`)
	f.Add(`{"type":"view_submission","view":{"blocks":[{"type":"section"}]}}`)
	f.Add(`{"type":""}`)
	f.Add(`[]`)
	f.Add(`{"type":"block_actions","actions":[{"action_id":"paperboy:0","value":"` + strings.Repeat("9", 200) + `"}]}`)
	f.Fuzz(func(t *testing.T, payload string) {
		body := []byte("payload=" + url.QueryEscape(payload))
		accepted := checkPayload(t, InteractivityPath, body)
		cb, err := decodeInteraction(body)
		if (err == nil) != accepted {
			t.Fatalf("decodeInteraction: %v, but the handler accepted=%v", err, accepted)
		}
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		if cb.Type == "" {
			t.Fatalf("accepted a payload without a type: %q", payload)
		}
		// What the action handler reads must not panic on any shape.
		s := fuzzAdapter(t)
		s.action(cb, true)
	})
}
