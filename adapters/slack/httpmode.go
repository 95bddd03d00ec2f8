package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
)

// Paths of HTTP mode, both on one listen address.
const (
	CommandsPath      = "/slack/commands"
	InteractivityPath = "/slack/interactivity"
)

// maxBody bounds a request body in HTTP mode.
const maxBody = 64 << 10

// HTTPHandler serves slash commands and interactivity over HTTP: every
// request must be a POST to CommandsPath or InteractivityPath carrying a
// valid signature made with the signing secret and a timestamp less than 5
// minutes old (and a signature is accepted once), with a body of at most
// 64 KiB; else it gets 401 (405, 404, 413) and changes nothing. The
// signature is checked before the body is parsed. Rejections are counted
// by reason and logged, with the counts, at most once a minute.
func (s *Slack) HTTPHandler() http.Handler {
	return http.HandlerFunc(s.serveSlack)
}

func (s *Slack) serveSlack(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != CommandsPath && r.URL.Path != InteractivityPath {
		s.rejects.add(s.log, RejectPath)
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.rejects.add(s.log, RejectMethod)
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, ok := s.verified(w, r)
	if !ok {
		return
	}
	if r.URL.Path == CommandsPath {
		sc, err := decodeSlash(body)
		if err != nil {
			s.rejects.add(s.log, RejectPayload)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.rejects.tick(s.log)
		w.WriteHeader(http.StatusOK) // the acknowledgement; the answer follows on response_url
		running := s.life.enter()
		go func() {
			defer s.life.leave()
			s.slash(sc, running)
		}()
		return
	}
	cb, err := decodeInteraction(body)
	if err != nil {
		s.rejects.add(s.log, RejectPayload)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.rejects.tick(s.log)
	w.WriteHeader(http.StatusOK)
	running := s.life.enter()
	go func() {
		defer s.life.leave()
		s.action(cb, running)
	}()
}

// decodeSlash reads a slash command's form body. The error is one line
// naming what is wrong, and never echoes the body.
func decodeSlash(body []byte) (slackgo.SlashCommand, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slackgo.SlashCommand{}, errors.New("slash command: the body is not a URL-encoded form")
	}
	sc := slackgo.SlashCommand{TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id")}
	for _, f := range []struct{ name, v string }{{"command", sc.Command}, {"team_id", sc.TeamID}, {"user_id", sc.UserID}, {"channel_id", sc.ChannelID}} {
		if strings.TrimSpace(f.v) == "" {
			return slackgo.SlashCommand{}, fmt.Errorf("slash command: no %s in the form", f.name)
		}
	}
	return sc, nil
}

// decodeInteraction reads an interactivity form body (payload=<JSON>).
// The error is one line naming what is wrong, and never echoes the body.
func decodeInteraction(body []byte) (slackgo.InteractionCallback, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slackgo.InteractionCallback{}, errors.New("interaction: the body is not a URL-encoded form")
	}
	payload := form.Get("payload")
	if payload == "" {
		return slackgo.InteractionCallback{}, errors.New("interaction: no payload in the form")
	}
	var cb slackgo.InteractionCallback
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		return slackgo.InteractionCallback{}, errors.New("interaction: the payload is not the JSON of an interaction")
	}
	if cb.Type == "" {
		return slackgo.InteractionCallback{}, errors.New("interaction: the payload has no type")
	}
	return cb, nil
}

// verified checks the request's size, signature and age, and that the
// signature is new, and returns its body; otherwise it answers and counts
// the rejection.
func (s *Slack) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		s.rejects.add(s.log, RejectBody)
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return nil, false
	}
	if len(body) > maxBody {
		s.rejects.add(s.log, RejectTooBig)
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	sv, err := slackgo.NewSecretsVerifier(r.Header, s.opts.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil || s.opts.SigningSecret == "" {
		s.rejects.add(s.log, RejectSignature)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	if !s.firstUse(r.Header.Get("X-Slack-Signature")) {
		s.rejects.add(s.log, RejectReplay)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// firstUse remembers a signature for 6 minutes (past the 5-minute
// timestamp window) and reports whether it is new.
func (s *Slack) firstUse(sig string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, t := range s.replay {
		if now.Sub(t) > 6*time.Minute {
			delete(s.replay, k)
		}
	}
	if _, seen := s.replay[sig]; seen {
		return false
	}
	s.replay[sig] = now
	return true
}
