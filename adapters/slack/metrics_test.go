package slack

import (
	"sync"
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// requestRecorder is a bot.RequestMetrics that keeps what it was told.
type requestRecorder struct {
	mu          sync.Mutex
	retries     int
	rateLimited int
	waits       []time.Duration
}

func (r *requestRecorder) Retried(platform string, wait time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if platform == Name {
		r.retries++
		r.waits = append(r.waits, wait)
	}
}

func (r *requestRecorder) RateLimited(platform string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if platform == Name {
		r.rateLimited++
	}
}

// TestRetriesCounted: a 429 mid-thread is counted once and waited out for
// its Retry-After; a 500 is one more retry; nothing else is.
func TestRetriesCounted(t *testing.T) {
	rec := &requestRecorder{}
	e := newEnvWith(t, func(o *Options) { o.Metrics = rec })
	e.src.lists[listDay] = papers(listDay, 6)
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 2, Times: 1, RetryAfter: time.Second})
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 4, Times: 1, Status: 500})
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.retries != 2 || rec.rateLimited != 1 {
		t.Fatalf("%d retries and %d rate limits counted, want 2 and 1", rec.retries, rec.rateLimited)
	}
	if rec.waits[0] != time.Second || rec.waits[1] <= 0 || rec.waits[1] > time.Second {
		t.Errorf("waits %v, want the 429's 1 s and then a first backoff", rec.waits)
	}
}
