package slack

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

func (e *env) count(method string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// TestSocketModeRetriedAndLoggedOnce: a refused app-level token
// (invalid_auth, which ends slack-go's loop) is retried by RunSocketMode
// with backoff; 5xx on apps.connections.open are retried by slack-go; the
// adapter logs the outage once, not once per attempt, and State names the
// latest cause (without any URL). RunSocketMode ends with its context and
// returns nil.
func TestSocketModeRetriedAndLoggedOnce(t *testing.T) {
	var sleeps atomic.Int32
	e := newEnvWith(t, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			sleeps.Add(1)
			return bot.Sleep(ctx, time.Millisecond)
		}
	})
	remove := e.srv.AddRule(slackfake.Rule{Method: "apps.connections.open", Error: "invalid_auth"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.s.RunSocketMode(ctx) }()
	for sleeps.Load() < 3 {
		time.Sleep(2 * time.Millisecond)
	}
	if up, reason, since := e.s.State(); up || !strings.Contains(reason, "invalid_auth") || since.IsZero() {
		t.Errorf("State() = %v, %q, %v", up, reason, since)
	}
	remove()
	e.srv.AddRule(slackfake.Rule{Method: "apps.connections.open", Status: 503})
	before := e.count("apps.connections.open")
	for e.count("apps.connections.open") < before+3 {
		time.Sleep(2 * time.Millisecond)
	}
	for _, reason, _ := e.s.State(); !strings.Contains(reason, "503"); _, reason, _ = e.s.State() {
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunSocketMode: %v", err)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "slack: not receiving commands"); n != 1 {
		t.Errorf("%d WARN lines for %d connection attempts, want 1:\n%s", n, e.count("apps.connections.open"), logs)
	}
	if e.count("auth.test") != 1 {
		t.Errorf("auth.test called %d times, want once (cached)", e.count("auth.test"))
	}
	if up, reason, _ := e.s.State(); up || reason != "stopped" {
		t.Errorf("after RunSocketMode: %v %q", up, reason)
	}
	if strings.Contains(logs, e.srv.APIURL()) {
		t.Errorf("the log names a URL:\n%s", logs)
	}
}
