package bot

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// Compiling subscriptions for the matcher (topics.go): parsed once, their
// distinct terms and filters numbered, kept between polls.

// Topics are subscriptions compiled for matching: parsed once, their
// distinct terms and filters numbered, so that a batch computes each term
// and filter once. Compile them again when the subscriptions change or the
// UTC date changes (relative dates like since:7d are resolved then); a
// ParsedTopics does that incrementally.
type Topics struct {
	subs    []Subscription
	topics  []ctopic // ordered by user
	terms   [][]string
	filters []cfilter
	now     time.Time
}

// ctopic is one compiled subscription.
type ctopic struct {
	sub     int32  // index in subs
	id      string // an id: query (the paper's id), else ""
	expr    *cnode
	filters []int32
}

// cnode is a compiled expression: a term (by number), or an operator.
type cnode struct {
	op   byte // 't' term, '&' and, '|' or, '!' not
	term int32
	kids []*cnode
}

// cfilter is one distinct filter of the compiled subscriptions.
type cfilter struct {
	kind byte // 'a' author, 'o' org, 'k' cat (alternatives, lower-cased, comma-separated), 'u' upvotes, 'c' code, 'p' project, 's' since, 'b' before
	text string
	cmp  Compare
	date Date
}

// CompileTopics compiles subscriptions for MatchTopics. Queries that no
// longer parse (they were valid when stored) are left out. Relative dates
// are resolved against now.
func CompileTopics(subs []Subscription, now time.Time) *Topics {
	var p ParsedTopics
	return p.Compile(subs, now)
}

// ParsedTopics compiles subscriptions again and again, keeping what it
// compiled: compiling after a few subscriptions changed parses only those
// (and, when the UTC date changed, the queries with dates). Terms and
// filters keep their numbers across compilations, so an unchanged
// subscription is reused as it is. Not safe for concurrent use; the Topics
// it returned stay valid.
type ParsedTopics struct {
	subs      map[int64]parsedTopic
	terms     [][]string
	termIDs   map[string]int32
	filters   []cfilter
	filterIDs map[cfilter]int32
}

type parsedTopic struct {
	query string
	day   Date // the UTC date it was compiled on, for a query with dates; else zero
	ct    ctopic
}

// datesIn reports whether a query's meaning may depend on the day it is
// parsed (since:7d is resolved against the date).
func datesIn(query string) bool {
	l := strings.ToLower(query)
	return strings.Contains(l, "since:") || strings.Contains(l, "before:")
}

// Compile compiles subs, reusing what it compiled before.
func (p *ParsedTopics) Compile(subs []Subscription, now time.Time) *Topics {
	if p.subs == nil {
		p.subs, p.termIDs, p.filterIDs = map[int64]parsedTopic{}, map[string]int32{}, map[cfilter]int32{}
	}
	// Too many numbered terms no topic uses any more: start afresh.
	if len(p.terms) > 4*len(subs)+1024 {
		*p = ParsedTopics{subs: map[int64]parsedTopic{}, termIDs: map[string]int32{}, filterIDs: map[cfilter]int32{}}
	}
	day := DateOf(now.UTC())
	cts := make([]ctopic, len(subs))
	ok := make([]bool, len(subs))
	var todo []int
	for i, s := range subs {
		if c, found := p.subs[s.ID]; found && c.query == s.Query && (c.day.IsZero() || c.day == day) {
			cts[i], ok[i] = c.ct, true
			continue
		}
		todo = append(todo, i)
	}
	// Parsing and tokenizing, the costly part, in parallel; numbering the
	// terms and filters after, in order.
	parsed := make([]*Query, len(todo))
	exprs := make([]*node, len(todo))
	workers := min(runtime.GOMAXPROCS(0), 4)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := w; k < len(todo); k += workers {
				q, err := ParseQuery(subs[todo[k]].Query, now)
				if err != nil {
					continue
				}
				parsed[k] = q
				if q.Expr != nil {
					exprs[k] = compile(q.Expr)
				}
			}
		}(w)
	}
	wg.Wait()
	for k, i := range todo {
		if parsed[k] == nil {
			continue
		}
		cts[i], ok[i] = p.compileOne(parsed[k], exprs[k]), true
	}
	next := make(map[int64]parsedTopic, len(subs))
	order := make([]int32, 0, len(subs))
	for i, s := range subs {
		if !ok[i] {
			continue
		}
		pt := parsedTopic{query: s.Query, ct: cts[i]}
		if datesIn(s.Query) {
			pt.day = day
		}
		next[s.ID] = pt
		order = append(order, int32(i))
	}
	p.subs = next
	slices.SortStableFunc(order, func(a, b int32) int { return compareUsers(subs[a].User, subs[b].User) })
	t := &Topics{subs: subs, now: now, terms: p.terms[:len(p.terms):len(p.terms)], filters: p.filters[:len(p.filters):len(p.filters)]}
	t.topics = make([]ctopic, len(order))
	for k, i := range order {
		t.topics[k] = cts[i]
		t.topics[k].sub = i
	}
	return t
}

// compileOne numbers a parsed query's terms and filters.
func (p *ParsedTopics) compileOne(q *Query, expr *node) ctopic {
	var key []byte
	var compileNode func(n *node) *cnode
	compileNode = func(n *node) *cnode {
		c := &cnode{op: n.op}
		if n.op == 't' {
			key = key[:0]
			for _, tok := range n.toks {
				key = append(append(key, tok...), 0)
			}
			id, ok := p.termIDs[string(key)]
			if !ok {
				id = int32(len(p.terms))
				p.termIDs[string(key)] = id
				p.terms = append(p.terms, n.toks)
			}
			c.term = id
			return c
		}
		for _, k := range n.kids {
			c.kids = append(c.kids, compileNode(k))
		}
		return c
	}
	ct := ctopic{id: q.ID}
	add := func(f cfilter) {
		id, ok := p.filterIDs[f]
		if !ok {
			id = int32(len(p.filters))
			p.filterIDs[f] = id
			p.filters = append(p.filters, f)
		}
		ct.filters = append(ct.filters, id)
	}
	if expr != nil {
		ct.expr = compileNode(expr)
	}
	for _, a := range q.Authors {
		add(cfilter{kind: 'a', text: fts5tok.Fold(a)})
	}
	for _, o := range q.Orgs {
		add(cfilter{kind: 'o', text: strings.ToLower(o)})
	}
	for _, alts := range q.Categories {
		add(cfilter{kind: 'k', text: strings.ToLower(strings.Join(alts, ","))})
	}
	for _, c := range q.Upvotes {
		add(cfilter{kind: 'u', cmp: c})
	}
	if q.HasCode {
		add(cfilter{kind: 'c'})
	}
	if q.HasProject {
		add(cfilter{kind: 'p'})
	}
	if !q.Since.IsZero() {
		add(cfilter{kind: 's', date: q.Since})
	}
	if !q.Before.IsZero() {
		add(cfilter{kind: 'b', date: q.Before})
	}
	return ct
}
