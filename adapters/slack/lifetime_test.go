package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// heldStore is the real store whose searches wait until the test lets one
// through (release) or their context ends.
type heldStore struct {
	bot.Store
	entered chan struct{}
	release chan struct{}
}

func (h *heldStore) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResults, error) {
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
		return bot.SearchResults{}, ctx.Err()
	}
	return h.Store.Search(ctx, req)
}

// answers returns the accepted response_url posts by name.
func answers(srv *slackfake.Server) map[string][]slackfake.Response {
	out := map[string][]slackfake.Response{}
	for _, r := range srv.Responses() {
		out[r.Name] = append(out[r.Name], r)
	}
	return out
}

func (e *env) waitAnswers(n int) map[string][]slackfake.Response {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if a := answers(e.srv); len(a) >= n {
			return a
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatalf("fewer than %d commands answered: %d", n, len(answers(e.srv)))
	return nil
}

func (s *Slack) closing() bool {
	s.life.mu.Lock()
	defer s.life.mu.Unlock()
	return s.life.closing
}

// TestShutdownWithCommandsInFlight: 50 searches are held in the store;
// Shutdown begins; a command arriving now (Socket Mode and HTTP) is told
// to try again; 20 held searches are let through and answered; when
// Shutdown's context ends the other 30 are cancelled and told. Shutdown
// returns only when all 52 are answered, exactly once each.
func TestShutdownWithCommandsInFlight(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 5), e.now); err != nil {
		t.Fatal(err)
	}
	held := &heldStore{Store: e.b.Store, entered: make(chan struct{}, 100), release: make(chan struct{})}
	e.b.Store = held
	h := e.s.SocketHandler()
	const inFlight = 50
	for i := range inFlight {
		h.DispatchEvent(socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: slackgo.SlashCommand{
			TeamID: teamID, ChannelID: channelID, UserID: memberUser, Command: "/papers", Text: "search diffusion",
			ResponseURL: e.srv.ResponseURL(fmt.Sprintf("held-%d", i))}})
	}
	for range inFlight {
		<-held.entered
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.s.Shutdown(ctx) }()
	for !e.s.closing() {
		time.Sleep(time.Millisecond)
	}

	// New commands are refused with "restarting", over Socket Mode and HTTP.
	h.DispatchEvent(socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: slackgo.SlashCommand{
		TeamID: teamID, ChannelID: channelID, UserID: memberUser, Command: "/papers", Text: "search diffusion",
		ResponseURL: e.srv.ResponseURL("late-socket")}})
	web := httptest.NewServer(e.s.HTTPHandler())
	defer web.Close()
	body := url.Values{"team_id": {teamID}, "channel_id": {channelID}, "user_id": {memberUser}, "command": {"/papers"},
		"text": {"search diffusion"}, "response_url": {e.srv.ResponseURL("late-http")}}.Encode()
	req, _ := http.NewRequest("POST", web.URL+CommandsPath, strings.NewReader(body))
	req.Header = sign(body, time.Now(), signingSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("late HTTP command: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, name := range []string{"late-socket", "late-http"} {
		if r := e.waitResponse(name); !strings.Contains(r.Text+texts(r.Blocks), restartingText) {
			t.Errorf("%s: %s %s", name, r.Text, r.Blocks)
		}
	}

	// Running handlers may finish while Shutdown's context lasts.
	const finished = 20
	for range finished {
		held.release <- struct{}{}
	}
	e.waitAnswers(2 + finished)
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned with commands running: %v", err)
	default:
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown: %v, want context.Canceled (it had to cancel)", err)
	}
	// Shutdown has returned: every command is answered, once.
	got := answers(e.srv)
	if len(got) != inFlight+2 {
		t.Fatalf("%d commands answered when Shutdown returned, want %d", len(got), inFlight+2)
	}
	results, told := 0, 0
	for name, rs := range got {
		if len(rs) != 1 {
			t.Errorf("%s answered %d times", name, len(rs))
		}
		text := rs[0].Text + texts(rs[0].Blocks)
		switch {
		case strings.Contains(text, "papers match"):
			results++
		case strings.Contains(text, restartingText):
			told++
		default:
			t.Errorf("%s: unexpected answer %q", name, text)
		}
	}
	if results != finished || told != inFlight-finished+2 {
		t.Errorf("%d answered with results, %d told to try again; want %d and %d", results, told, finished, inFlight-finished+2)
	}
	// The store can be closed now: nothing uses it any more.
	e.db.Close()
	if strings.Contains(e.logs.String(), "database is closed") {
		t.Errorf("a handler used the closed store:\n%s", e.logs.String())
	}
}

// TestShutdownIdle: with nothing running, Shutdown returns nil at once,
// and a command after it is told to try again (and touches no store).
func TestShutdownIdle(t *testing.T) {
	e := newEnv(t)
	if err := e.s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.db.Close()
	r := e.socketCommand(memberUser, channelID, "/papers", "search diffusion")
	if !strings.Contains(r.Text+texts(r.Blocks), restartingText) {
		t.Errorf("after Shutdown: %s", r.Text+texts(r.Blocks))
	}
}
