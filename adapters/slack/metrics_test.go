package slack

import (
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// TestRetriesCounted: a 429 mid-thread is counted once and waited out for
// its Retry-After; a 500 is one more retry; nothing else is.
func TestRetriesCounted(t *testing.T) {
	rec := &testsupport.Requests{Platform: Name}
	e := newEnvWith(t, func(o *Options) { o.Metrics = rec })
	e.src.Lists[listDay] = testsupport.Papers(listDay, 6)
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 2, Times: 1, RetryAfter: time.Second})
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 4, Times: 1, Status: 500})
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	retries, rateLimited, waits := rec.Counts()
	if retries != 2 || rateLimited != 1 {
		t.Fatalf("%d retries and %d rate limits counted, want 2 and 1", retries, rateLimited)
	}
	if waits[0] != time.Second || waits[1] <= 0 || waits[1] > time.Second {
		t.Errorf("waits %v, want the 429's 1 s and then a first backoff", waits)
	}
}
