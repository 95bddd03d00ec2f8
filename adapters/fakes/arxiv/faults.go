package arxivfake

import (
	"net/http"
	"time"
)

// Fault injection (see the package comment): rules matched by route and
// path prefix, and SetFailureRate's mix of them.

// FaultEmptyPage is the Request.Fault of an answer emptied by a rule with
// EmptyPage.
const FaultEmptyPage = "empty-page"

// Rule injects a fault into matching requests (see faults.Rules for the
// order and the gate). A zero field matches or does nothing.
type Rule struct {
	// Route matches RouteRSS, RouteAPI or RouteOAI (empty = any).
	Route string
	// Path matches requests whose path starts with it (empty = any), e.g.
	// "/rss/cs.LG".
	Path string
	// Skip, Times and Prob gate the rule as in the other fakes.
	Skip  int
	Times int
	Prob  float64
	// Status answers with this HTTP status. With RetryAfter and Status 0
	// it is 503 (arXiv's way of saying "wait").
	Status int
	// RetryAfter is sent as Retry-After, rounded up to whole seconds (at
	// least 1); with RetryAfterDate as an HTTP date instead. Until it
	// passes, any request is a ViolationRetryAfter.
	RetryAfter     time.Duration
	RetryAfterDate bool
	// Delay answers late (in real time); a client that gives up first sees
	// a timeout.
	Delay time.Duration
	// DropBeforeApply closes the connection without an answer.
	DropBeforeApply bool
	// Truncate answers 200 with the full Content-Length and breaks the
	// connection halfway through the body.
	Truncate bool
	// EmptyPage answers an export API request with its totalResults but
	// none of its entries, as the real API now and then does (a client
	// should ask for the page again). Other routes ignore it (with Route
	// RouteAPI, they do not use up Times either).
	EmptyPage bool
}

// AddRule installs a fault rule and returns a function that removes it.
func (s *Server) AddRule(r Rule) (remove func()) { return s.rules.Add(r) }

// ClearRules removes every rule, SetFailureRate's included.
func (s *Server) ClearRules() { s.rules.Clear() }

// SetFailureRate makes a share rate of the requests of route ("" = all)
// fail, each with one of: 500, 503 with a Retry-After of retry, an answer
// slower than timeout (set it above the client's timeout), a truncated
// body, chosen by a generator seeded with seed. It returns a function
// that removes it.
func (s *Server) SetFailureRate(route string, rate float64, seed int64, retry, timeout time.Duration) (remove func()) {
	s.rules.Seed(seed)
	return s.rules.AddMix(Rule{Route: route}, rate,
		Rule{Status: http.StatusInternalServerError},
		Rule{RetryAfter: retry},
		Rule{Delay: timeout},
		Rule{Truncate: true})
}
