package bot

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Matching a batch of new papers against every active subscription, fast.
//
// The batch's papers are tokenized once (Tokenize: the index's own
// tokenizer) into, per paper, where each token occurs, and into a posting
// list per token (which papers hold it). Each subscription is then
// evaluated only on candidate papers: those holding its key tokens. The
// keys are chosen so that every paper the query can match holds one: the
// rarest token (in this batch) of one required term, or, for an OR, one
// such token of every alternative. A query with no such term (only filters,
// or an OR with an alternative that has none) is evaluated on every paper.
// On a candidate the whole query is evaluated, with the same semantics as
// Query.Matcher (which the tests hold it to), so the result is exactly
// what the full-text index would find among the new papers.

// batchDoc is one paper of the batch, tokenized.
type batchDoc struct {
	p    *Paper
	toks PaperTokens
	// pos holds each token's occurrences: field<<24 | index.
	pos         map[string][]uint32
	authorsFold string
	org, orgFul string
	date        Date
}

// topicSub is a compiled subscription.
type topicSub struct {
	sub     *Subscription
	q       *Query
	expr    *node
	authors []string // folded
	orgs    []string // lower-cased
}

// MatchTopics returns, for every user with a topic that matches one of the
// papers, one Alert per matched paper listing the user's matching topics.
// Queries that no longer parse (they were valid when stored) are skipped.
// Relative dates (since:7d) are resolved against now.
func MatchTopics(subs []Subscription, papers []Paper, now time.Time) []Alert {
	if len(subs) == 0 || len(papers) == 0 {
		return nil
	}
	docs := make([]batchDoc, len(papers))
	postings := map[string][]int32{}
	for i := range papers {
		d := &docs[i]
		p := &papers[i]
		d.p = p
		d.toks = TokenizePaper(*p)
		d.pos = make(map[string][]uint32, 128)
		for f, field := range d.toks {
			for k, t := range field {
				occ, seen := d.pos[t]
				if !seen {
					postings[t] = append(postings[t], int32(i))
				}
				d.pos[t] = append(occ, uint32(f)<<24|uint32(k))
			}
		}
		if len(p.Authors) > 0 {
			d.authorsFold = FoldText(strings.Join(p.Authors, "\n"))
		}
		d.org, d.orgFul = strings.ToLower(p.OrgName), strings.ToLower(p.OrgFullName)
		d.date = p.ListDate
		if d.date.IsZero() && !p.PublishedAt.IsZero() {
			d.date = DateOf(p.PublishedAt.UTC())
		}
	}

	// Users' subscriptions side by side, so each worker handles whole users.
	order := make([]int, len(subs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ua, ub := subs[a].User, subs[b].User
		if c := strings.Compare(ua.Platform, ub.Platform); c != 0 {
			return c
		}
		if c := strings.Compare(ua.TeamID, ub.TeamID); c != 0 {
			return c
		}
		return strings.Compare(ua.ID, ub.ID)
	})
	workers := min(runtime.GOMAXPROCS(0), 4)
	chunk := (len(order) + workers - 1) / workers
	results := make([][]Alert, workers)
	var wg sync.WaitGroup
	start := 0
	for w := 0; w < workers && start < len(order); w++ {
		end := min(start+chunk, len(order))
		// Do not split a user between workers.
		for end < len(order) && subs[order[end]].User == subs[order[end-1]].User {
			end++
		}
		part := order[start:end]
		start = end
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			m := &topicMatcher{docs: docs, postings: postings, now: now, stamp: make([]uint32, len(docs))}
			results[w] = m.run(subs, part)
		}(w)
	}
	wg.Wait()
	var n int
	for _, r := range results {
		n += len(r)
	}
	out := make([]Alert, 0, n)
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// topicMatcher is one worker's state.
type topicMatcher struct {
	docs     []batchDoc
	postings map[string][]int32
	now      time.Time
	stamp    []uint32 // candidate dedupe, per doc
	gen      uint32
	cand     []int32
}

type hit struct {
	doc int32
	sub int64
}

func (m *topicMatcher) run(subs []Subscription, order []int) []Alert {
	var out []Alert
	var hits []hit
	var topics []int64 // backing array for the alerts' Topics
	flush := func(u UserRef) {
		if len(hits) == 0 {
			return
		}
		slices.SortFunc(hits, func(a, b hit) int {
			if a.doc != b.doc {
				return int(a.doc - b.doc)
			}
			return cmpInt64(a.sub, b.sub)
		})
		for i := 0; i < len(hits); {
			j := i
			start := len(topics)
			for ; j < len(hits) && hits[j].doc == hits[i].doc; j++ {
				if j == i || hits[j].sub != hits[j-1].sub {
					topics = append(topics, hits[j].sub)
				}
			}
			out = append(out, Alert{User: u, PaperID: m.docs[hits[i].doc].p.ID, Topics: topics[start:len(topics):len(topics)]})
			i = j
		}
		hits = hits[:0]
	}
	for k, idx := range order {
		s := &subs[idx]
		if k > 0 && subs[order[k-1]].User != s.User {
			flush(subs[order[k-1]].User)
		}
		ts, ok := compileTopic(s, m.now)
		if !ok {
			continue
		}
		for _, d := range m.candidates(ts) {
			if ts.matches(&m.docs[d]) {
				hits = append(hits, hit{doc: d, sub: s.ID})
			}
		}
	}
	if len(order) > 0 {
		flush(subs[order[len(order)-1]].User)
	}
	return out
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compileTopic(s *Subscription, now time.Time) (*topicSub, bool) {
	q, err := ParseQuery(s.Query, now)
	if err != nil {
		return nil, false
	}
	ts := &topicSub{sub: s, q: q}
	if q.Expr != nil {
		ts.expr = compile(q.Expr)
	}
	for _, a := range q.Authors {
		ts.authors = append(ts.authors, FoldText(a))
	}
	for _, o := range q.Orgs {
		ts.orgs = append(ts.orgs, strings.ToLower(o))
	}
	return ts, true
}

// candidates returns the papers the subscription may match.
func (m *topicMatcher) candidates(ts *topicSub) []int32 {
	if ts.q.ID != "" {
		m.cand = m.cand[:0]
		for i := range m.docs {
			if m.docs[i].p.ID == ts.q.ID {
				m.cand = append(m.cand, int32(i))
			}
		}
		return m.cand
	}
	var keys []string
	ok := false
	if ts.expr != nil {
		keys, ok = m.keys(ts.expr)
	}
	if !ok {
		m.cand = m.cand[:0]
		for i := range m.docs {
			m.cand = append(m.cand, int32(i))
		}
		return m.cand
	}
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return m.postings[keys[0]]
	}
	m.gen++
	m.cand = m.cand[:0]
	for _, k := range keys {
		for _, d := range m.postings[k] {
			if m.stamp[d] != m.gen {
				m.stamp[d] = m.gen
				m.cand = append(m.cand, d)
			}
		}
	}
	return m.cand
}

// keys returns tokens such that every paper n matches holds at least one
// of them (an empty set: n matches nothing in this batch), or ok=false
// when there is no such set short of every paper.
func (m *topicMatcher) keys(n *node) (keys []string, ok bool) {
	switch n.op {
	case 't':
		if len(n.toks) == 0 {
			return nil, true // an empty term never matches
		}
		best := n.toks[0]
		for _, t := range n.toks[1:] {
			if len(m.postings[t]) < len(m.postings[best]) {
				best = t
			}
		}
		if len(m.postings[best]) == 0 {
			return nil, true
		}
		return []string{best}, true
	case '&':
		bestN := -1
		for _, k := range n.kids {
			if k.op == '!' {
				continue
			}
			ks, ok := m.keys(k)
			if !ok {
				continue
			}
			c := 0
			for _, t := range ks {
				c += len(m.postings[t])
			}
			if bestN < 0 || c < bestN {
				keys, bestN = ks, c
			}
		}
		return keys, bestN >= 0
	case '|':
		for _, k := range n.kids {
			ks, ok := m.keys(k)
			if !ok {
				return nil, false
			}
			keys = append(keys, ks...)
		}
		return keys, true
	}
	return nil, false
}

// matches evaluates the whole query on one paper, as Query.Matcher does.
func (ts *topicSub) matches(d *batchDoc) bool {
	q, p := ts.q, d.p
	if q.ID != "" {
		return p.ID == q.ID
	}
	for _, a := range ts.authors {
		if !strings.Contains(d.authorsFold, a) {
			return false
		}
	}
	for _, o := range ts.orgs {
		if !strings.Contains(d.org, o) && !strings.Contains(d.orgFul, o) {
			return false
		}
	}
	for _, c := range q.Upvotes {
		if !c.holds(p.Upvotes) {
			return false
		}
	}
	if q.HasCode && p.GitHubRepo == "" || q.HasProject && p.ProjectPage == "" {
		return false
	}
	if !q.Since.IsZero() && d.date.Before(q.Since) || !q.Before.IsZero() && !d.date.Before(q.Before) {
		return false
	}
	return ts.expr == nil || d.match(ts.expr)
}

func (d *batchDoc) match(n *node) bool {
	switch n.op {
	case '&':
		for _, k := range n.kids {
			if !d.match(k) {
				return false
			}
		}
		return true
	case '|':
		for _, k := range n.kids {
			if d.match(k) {
				return true
			}
		}
		return false
	case '!':
		return !d.match(n.kids[0])
	}
	return d.has(n.toks)
}

// has reports whether the tokens occur in order and adjacent in one field.
func (d *batchDoc) has(want []string) bool {
	if len(want) == 0 {
		return false
	}
	occ := d.pos[want[0]]
	if len(want) == 1 || len(occ) == 0 {
		return len(occ) > 0
	}
	for _, o := range occ {
		field := d.toks[o>>24]
		i := int(o & 0xffffff)
		if i+len(want) > len(field) {
			continue
		}
		ok := true
		for k := 1; k < len(want); k++ {
			if field[i+k] != want[k] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
