package faults

import (
	"math/rand"
	"sync"
)

// Gate says which of the requests a rule matches it applies to: after the
// first Skip, at most Times of them (0 = no limit), each with probability
// Prob (0 = always).
type Gate struct {
	Skip  int
	Times int
	Prob  float64
}

// DefaultSeed is the seed of a new Rules' generator.
const DefaultSeed = 1

// Rules is an ordered list of fault rules of a fake's own rule type R. The
// first rule that matches a request and whose Gate lets it through applies
// to it; later rules do not see that request. Rules with a probability draw
// from one generator, seeded (DefaultSeed, or Seed), so requests arriving
// in the same order meet the same faults. It is safe for concurrent use.
type Rules[R any] struct {
	gate func(R) Gate

	mu   sync.Mutex
	list []*entry[R]
	rng  *rand.Rand
}

type entry[R any] struct {
	rule    R
	gate    Gate
	mix     []R // a mixed-fault rule applies one of these
	seen    int
	applied int
}

// NewRules returns an empty list. gate reads a rule's Skip, Times and
// Prob.
func NewRules[R any](gate func(R) Gate) *Rules[R] {
	return &Rules[R]{gate: gate, rng: rand.New(rand.NewSource(DefaultSeed))}
}

// Add appends a rule and returns a function that removes it.
func (rs *Rules[R]) Add(r R) (remove func()) {
	return rs.add(&entry[R]{rule: r, gate: rs.gate(r)})
}

// AddMix appends a mixed-fault rule: of the requests scope matches (its
// Skip and Times apply, its Prob is replaced by rate), each fails with
// probability rate, with one of faults chosen with equal chance (their
// own matching fields and gates are ignored). With rate 0.2 and faults
// {429, 500, timeout, drop after apply}, a fifth of the requests fail, a
// twentieth of them in each way. It returns a function that removes it.
func (rs *Rules[R]) AddMix(scope R, rate float64, faults ...R) (remove func()) {
	g := rs.gate(scope)
	g.Prob = rate
	if rate <= 0 || len(faults) == 0 {
		g.Times, g.Skip = -1, 0 // never applies
	}
	return rs.add(&entry[R]{rule: scope, gate: g, mix: append([]R(nil), faults...)})
}

func (rs *Rules[R]) add(e *entry[R]) (remove func()) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.list = append(rs.list, e)
	return func() {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		for i, x := range rs.list {
			if x == e {
				rs.list = append(rs.list[:i:i], rs.list[i+1:]...)
				return
			}
		}
	}
}

// Clear removes every rule.
func (rs *Rules[R]) Clear() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.list = nil
}

// Seed reseeds the generator used by rules with a probability and by
// mixes.
func (rs *Rules[R]) Seed(n int64) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.rng = rand.New(rand.NewSource(n))
}

// Pick returns the rule that applies to a request, if any, and counts it.
// match reports whether a rule's matching fields match the request.
func (rs *Rules[R]) Pick(match func(R) bool) (R, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, e := range rs.list {
		if !match(e.rule) {
			continue
		}
		e.seen++
		if e.seen <= e.gate.Skip {
			continue
		}
		if e.gate.Times < 0 || (e.gate.Times > 0 && e.applied >= e.gate.Times) {
			continue
		}
		if e.gate.Prob > 0 && rs.rng.Float64() >= e.gate.Prob {
			continue
		}
		e.applied++
		if len(e.mix) > 0 {
			return e.mix[rs.rng.Intn(len(e.mix))], true
		}
		return e.rule, true
	}
	var zero R
	return zero, false
}
