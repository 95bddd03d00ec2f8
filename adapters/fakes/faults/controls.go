package faults

import (
	"sync"
	"time"
)

// Engine is the fault machinery of one fake, for its request pipeline: the
// rules, the rate limiter, the 429 waits it enforces, the tallies and the
// violations it recorded. R is the fake's Rule type, V its Violation. The
// fake keeps it unexported and embeds its Controls in its Server, so the
// methods tests call are written once, here.
type Engine[R, V any] struct {
	Rules      *Rules[R]
	Limiter    *Window
	Backoffs   *Backoffs
	Tally      Tally
	Violations Log[V]

	// The limit SetRateLimit restores for perWindow <= 0.
	limit  int
	window time.Duration
}

// NewEngine returns an engine whose rules read their gate with gate and
// whose limiter allows limit requests per window on each key (limit <= 0:
// no limit), the fake's default.
func NewEngine[R, V any](gate func(R) Gate, limit int, window time.Duration) *Engine[R, V] {
	return &Engine[R, V]{Rules: NewRules(gate), Limiter: NewWindow(limit, window), Backoffs: NewBackoffs(),
		limit: limit, window: window}
}

// Controls returns the methods a fake's Server embeds. prepare, when not
// nil, rewrites every rule (and mix scope) added (Discord's fake puts its
// paths under /api/v9).
func (e *Engine[R, V]) Controls(prepare func(R) R) Controls[R, V] {
	if prepare == nil {
		prepare = func(r R) R { return r }
	}
	return Controls[R, V]{e: e, prepare: prepare}
}

// Controls are the fault-control methods of a chat fake's Server (Discord's
// and Slack's): rules and mixes, the seed, the rate limit, and what the
// reliability tests read back. A fake embeds the one its Engine returns.
// What a rule matches, the faults it can inject and what a 429 looks like
// are the fake's own (its Rule type and package documentation).
type Controls[R, V any] struct {
	e       *Engine[R, V]
	prepare func(R) R
}

// AddRule installs a fault rule and returns a function that removes it.
// Rules are consulted in the order they were added; the first that
// applies to a request wins, and later rules do not see that request.
func (c Controls[R, V]) AddRule(r R) (remove func()) { return c.e.Rules.Add(c.prepare(r)) }

// AddMix installs a mixed-fault mode: of the requests scope matches (its
// matching fields, Skip and Times), a share rate fails, each with one of
// faults chosen with equal chance by the seeded generator (see Seed); the
// fake's MixedFaults returns the usual set. It returns a function that
// removes it.
func (c Controls[R, V]) AddMix(scope R, rate float64, faults ...R) (remove func()) {
	return c.e.Rules.AddMix(c.prepare(scope), rate, faults...)
}

// ClearRules removes every rule and mix.
func (c Controls[R, V]) ClearRules() { c.e.Rules.Clear() }

// Seed reseeds the generator used by rules with Prob and by mixes (the
// default seed is DefaultSeed, 1). With requests arriving in the same
// order, the same requests fail.
func (c Controls[R, V]) Seed(n int64) { c.e.Rules.Seed(n) }

// SetRateLimit makes the fake enforce perWindow requests per window on
// each of its rate-limit keys (Discord's: a route and its major parameter;
// Slack's: a method and its channel). Windows are fixed and start with a
// key's first request; a request over the limit gets the platform's 429.
// perWindow <= 0 or window <= 0 restores the fake's default (Discord: 50
// per second; Slack: no limit).
func (c Controls[R, V]) SetRateLimit(perWindow int, window time.Duration) {
	if perWindow <= 0 || window <= 0 {
		perWindow, window = c.e.limit, c.e.window
	}
	c.e.Limiter.Set(perWindow, window)
}

// Violations returns the requests that arrived on a rate-limit key before
// the wait an earlier 429 on that key asked for had passed, in order.
func (c Controls[R, V]) Violations() []V { return c.e.Violations.All() }

// Stats counts the requests received and the faults injected since the
// fake started, by kind (the Kind constants), and the violations.
func (c Controls[R, V]) Stats() Stats { return c.e.Tally.StatsWith(c.e.Backoffs) }

// Log is a list that is appended to and read concurrently (the
// violations). The zero value is ready.
type Log[V any] struct {
	mu   sync.Mutex
	list []V
}

// Add appends v.
func (l *Log[V]) Add(v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, v)
}

// All returns a copy of the list.
func (l *Log[V]) All() []V {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]V(nil), l.list...)
}
