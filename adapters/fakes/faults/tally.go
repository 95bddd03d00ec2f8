package faults

import (
	"maps"
	"sync"
)

// Fault kinds, as the fakes record them on a request.
const (
	KindStatus        = "status"              // an HTTP error status from a rule
	KindError         = "error"               // a platform error in a 200 answer from a rule (Slack's ok:false)
	KindRateLimit     = "rate-limit"          // a 429 from a rule
	KindEnforced      = "enforced-rate-limit" // a 429 from the fake's own limiter or an ignored Retry-After
	KindDropBefore    = "drop-before"         // connection closed, request not applied
	KindDropAfter     = "drop-after"          // request applied, then connection closed
	KindDelay         = "delay"               // answered late
	KindCanceled      = "canceled"            // the client gave up during a delay (a timeout): not applied
	KindForgetNonce   = "forget-nonce"        // Discord: the nonce memory was dropped
	KindSourceFailure = "source-failure"      // Hugging Face: a failed list request
	KindTruncated     = "truncated"           // a 200 whose body is cut short
)

// Stats counts the requests a fake received and the faults it injected,
// by kind (the Kind constants; rate limiting by the fake's own limiter
// counts as KindEnforced, as it does on the platform).
type Stats struct {
	Requests   int
	Faults     map[string]int
	Violations int
}

// Injected is the number of requests that met a fault, of any kind but a
// plain delay that was answered in time.
func (s Stats) Injected() int {
	n := 0
	for k, v := range s.Faults {
		if k != KindDelay {
			n += v
		}
	}
	return n
}

// Tally counts requests and faults. The zero value is ready; it is safe for
// concurrent use.
type Tally struct {
	mu       sync.Mutex
	requests int
	faults   map[string]int
}

// Request counts one request.
func (t *Tally) Request() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
}

// Fault counts one fault of a kind ("" counts nothing).
func (t *Tally) Fault(kind string) {
	if kind == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.faults == nil {
		t.faults = map[string]int{}
	}
	t.faults[kind]++
}

// StatsWith returns the counts so far with the violations b counted.
func (t *Tally) StatsWith(b *Backoffs) Stats {
	st := t.Stats()
	st.Violations = b.Violations()
	return st
}

// Stats returns the counts so far (Violations is left for the caller).
func (t *Tally) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := maps.Clone(t.faults)
	if f == nil {
		f = map[string]int{}
	}
	return Stats{Requests: t.requests, Faults: f}
}

// Stored counts what a fake platform holds, for tests that check that
// every expected message exists exactly once.
type Stored struct {
	Messages int // top-level messages in channels (thread starters included)
	Threads  int // threads
	Replies  int // messages inside threads
	DMs      int // messages in direct-message channels
}
