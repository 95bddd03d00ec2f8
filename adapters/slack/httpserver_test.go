package slack

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// manualClock is a clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRejectedRequestsLoggedOncePerMinute: every kind of rejected request
// is counted; the log gets one line at the first, then at most one a
// minute with the count, and Shutdown logs what is left.
func TestRejectedRequestsLoggedOncePerMinute(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	e := newEnvWith(t, func(o *Options) { o.Now = clock.Now })
	srv := httptest.NewServer(e.s.HTTPHandler())
	defer srv.Close()
	do := func(method, path, body string, h http.Header) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if h != nil {
			req.Header = h
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	lines := func() int { return strings.Count(e.logs.String(), "slack: rejected requests") }
	form := url.Values{"team_id": {teamID}, "channel_id": {channelID}, "user_id": {memberUser}, "command": {"/papers"}, "text": {"help"}}.Encode()
	for i := range 100 {
		b := form + "&n=" + fmt.Sprint(i)
		if code := do("POST", CommandsPath, b, sign(b, time.Now(), "wrong-secret")); code != 401 {
			t.Fatalf("bad signature: %d", code)
		}
	}
	if lines() != 1 {
		t.Fatalf("%d log lines after 100 rejections in one minute, want 1:\n%s", lines(), e.logs.String())
	}
	clock.Add(30 * time.Second)
	big := strings.Repeat("x", maxBody+1)
	checks := []struct {
		method, path, body string
		h                  http.Header
		want               int
	}{
		{"GET", CommandsPath, "", nil, 405},
		{"POST", "/slack/other", "", nil, 404},
		{"POST", CommandsPath, big, sign(big, time.Now(), signingSecret), 413},
		{"POST", CommandsPath, "a=%zz", sign("a=%zz", time.Now(), signingSecret), 400},
		{"POST", InteractivityPath, "payload=notjson", sign("payload=notjson", time.Now(), signingSecret), 400},
		{"POST", CommandsPath, form, sign(form, time.Now().Add(-10*time.Minute), signingSecret), 401},
	}
	for _, c := range checks {
		if code := do(c.method, c.path, c.body, c.h); code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, code, c.want)
		}
	}
	signed := sign(form, time.Now(), signingSecret)
	do("POST", CommandsPath, form, signed)
	if code := do("POST", CommandsPath, form, signed); code != 401 {
		t.Errorf("replay: %d", code)
	}
	if lines() != 1 {
		t.Fatalf("%d log lines within the minute, want 1", lines())
	}
	clock.Add(31 * time.Second)
	do("GET", InteractivityPath, "", nil)
	if lines() != 2 || !strings.Contains(e.logs.String(), "count=107") {
		t.Fatalf("after a minute: want a second line with count=107:\n%s", e.logs.String())
	}
	do("GET", InteractivityPath, "", nil)
	if err := e.s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if lines() != 3 || !strings.Contains(e.logs.String(), "count=1 ") {
		t.Errorf("Shutdown did not log the last rejection:\n%s", e.logs.String())
	}
	want := map[string]int64{RejectSignature: 101, RejectMethod: 3, RejectPath: 1, RejectTooBig: 1, RejectPayload: 2, RejectReplay: 1}
	got := e.s.Rejected()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("Rejected()[%q] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	for _, secret := range []string{signingSecret, "v0="} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("the log names %q", secret)
		}
	}
}

// TestHTTPServerLimits: the server has every timeout and a header cap; a
// client that trickles its body is cut off (here with a short
// ReadTimeout) and counted, without reaching the handler.
func TestHTTPServerLimits(t *testing.T) {
	e := newEnv(t)
	srv := e.s.NewHTTPServer("127.0.0.1:0")
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Fatalf("limits: %+v", srv)
	}
	srv.ReadTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 65536\r\n\r\ncommand=", CommandsPath)
	// The rest of the body never comes: the server must give up.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // a safety net, not a measurement
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a trickling connection open")
	}
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatalf("a trickled request was accepted")
		}
	}
	srv.Close()
	if got := e.s.Rejected()[RejectBody]; got != 1 {
		t.Errorf("Rejected()[%q] = %d, want 1", RejectBody, got)
	}
}

// TestRunHTTPRetries: when the listener fails, RunHTTP listens again with
// backoff (here the port is taken by someone else for three attempts);
// the state changes are logged once each, not once per attempt, and State
// shows them.
func TestRunHTTPRetries(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var mu sync.Mutex
	var blocker net.Listener
	var reasons []string
	attempts := 0
	var e *env
	e = newEnvWith(t, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			attempts++
			_, reason, _ := e.s.State()
			reasons = append(reasons, reason)
			switch attempts {
			case 1: // the listener failed: someone takes the port
				if blocker, err = net.Listen("tcp", addr); err != nil {
					t.Errorf("take the port: %v", err)
				}
			case 4: // the port is free again
				blocker.Close()
			}
			return ctx.Err()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.s.RunHTTP(ctx, "", ln) }()
	for up, _, _ := e.s.State(); !up; up, _, _ = e.s.State() {
		time.Sleep(2 * time.Millisecond)
	}
	ln.Close() // the listener fails
	for {
		mu.Lock()
		n := attempts
		mu.Unlock()
		if up, _, _ := e.s.State(); up && n >= 4 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + CommandsPath)
	if err != nil || resp.StatusCode != 405 {
		t.Fatalf("served again: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(reasons[0], "serve on "+addr) || !strings.Contains(reasons[1], "listen on "+addr) {
		t.Errorf("State reasons: %q", reasons)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "slack: not receiving commands"); n != 1 {
		t.Errorf("%d WARN lines for %d failed attempts, want 1:\n%s", n, attempts, logs)
	}
	if n := strings.Count(logs, "slack: receiving commands"); n != 2 {
		t.Errorf("%d 'receiving commands' lines, want 2 (start, back up):\n%s", n, logs)
	}
	if up, reason, _ := e.s.State(); up || reason != "stopped" {
		t.Errorf("after RunHTTP: %v %q", up, reason)
	}
}

// Rejected returns how many requests were rejected since start, by
// reason (all but RejectTeam are HTTP mode's) (RejectSignature, RejectReplay, …).
func (s *Slack) Rejected() map[string]int64 {
	s.rejects.mu.Lock()
	defer s.rejects.mu.Unlock()
	return maps.Clone(s.rejects.total)
}
