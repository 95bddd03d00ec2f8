package discord

import (
	"context"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// TestRetriesCounted: each retry is counted with the wait before it (a
// 429's at least its retry_after), each 429 once, also the one given up on
// because it asks to wait too long.
func TestRetriesCounted(t *testing.T) {
	e := newEnv(t, allPerms)
	rec := &testsupport.Requests{Platform: Name}
	e.d.opts.Metrics = rec
	e.src.Lists[listDay] = testsupport.Papers(listDay, 8)
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 3, Times: 1, RetryAfter: 1500 * time.Millisecond})
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 5, Times: 1, Status: 500})
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	retries, rateLimited, waits := rec.Counts()
	if retries != 2 || rateLimited != 1 {
		t.Fatalf("%d retries and %d 429s counted, want 2 and 1", retries, rateLimited)
	}
	if waits[0] < 1500*time.Millisecond || waits[1] <= 0 || waits[1] > 2*time.Second {
		t.Errorf("waits %v, want the 429's 1.5 s and then a first backoff", waits)
	}

	// An hour-long 429: given up at once, not retried, but counted.
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Times: 1, RetryAfter: time.Hour})
	next := testsupport.Papers(listDay.AddDays(1), 1)
	next[0].ID = "2611.09999"
	e.src.Lists[listDay.AddDays(1)] = next
	if res, err := e.b.Digest(context.Background(), bot.DigestRequest{Channel: e.channel(textID), ListDate: listDay.AddDays(1)}); err == nil {
		t.Fatalf("posted through an hour-long 429: %+v", res.Run)
	}
	if retries, rateLimited, _ := rec.Counts(); retries != 2 || rateLimited != 2 {
		t.Errorf("after an hour-long 429: %d retries and %d 429s, want 2 and 2", retries, rateLimited)
	}
}

// TestGatewayReady: the gateway is ready only between Open and Close.
func TestGatewayReady(t *testing.T) {
	e := newEnv(t, allPerms)
	e.srv.StartGateway()
	if e.d.GatewayReady() {
		t.Fatal("ready before Open")
	}
	ready := make(chan struct{})
	e.d.s.AddHandlerOnce(func(*discordgo.Session, *discordgo.Ready) { close(ready) })
	if err := e.d.Open(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	<-ready
	deadline := time.Now().Add(5 * time.Second)
	for !e.d.GatewayReady() {
		if time.Now().After(deadline) {
			t.Fatal("not ready 5 s after the gateway's READY")
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.d.Close()
	if e.d.GatewayReady() {
		t.Error("ready after Close")
	}
}
