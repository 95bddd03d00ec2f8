package bot

import (
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Matching a batch of new papers against every active subscription, fast.
//
// The subscriptions are compiled once (CompileTopics): parsed, and their
// distinct terms (a word or a phrase, as index tokens) and filters
// numbered; thousands of topics share "large language models" or has:code.
// A batch is indexed once: its papers' index terms (TokenizePaper: the
// full-text index's own tokenizer) are interned, with a positional posting
// list per token. Each distinct term is then answered for the whole batch
// at once, as a bit set over the batch's papers: a word is its posting
// list, a phrase is checked only where its rarest word occurs (a term with
// a word no paper has costs one map lookup); each distinct filter likewise.
// A subscription then costs a few bit-set operations (AND, OR, AND NOT over
// len(batch)/64 words, an AND stopping as soon as it is empty) and a walk
// over the bits that remain: the papers it matches. This is the inverted
// index the other way round: instead of finding candidate subscriptions
// per token, every term is solved once for all papers, which with many
// subscriptions sharing terms does strictly less work. The semantics are
// those of Query.Matcher (and so of the full-text index), which the tests
// check over the shared corpus.

// bitset is a set of papers of the batch.
type bitset []uint64

// MatchTopics returns, for every user with a topic that matches one of the
// papers, one Alert per matched paper listing the user's matching topics
// in ascending order. Queries that no longer parse are skipped; relative
// dates are resolved against now. It is CompileTopics then Topics.Match.
func MatchTopics(subs []Subscription, papers []Paper, now time.Time) []Alert {
	return CompileTopics(subs, now).Match(papers)
}

// Match returns the alerts of a batch of papers (see MatchTopics).
func (t *Topics) Match(papers []Paper) []Alert {
	if len(t.topics) == 0 || len(papers) == 0 {
		return nil
	}
	ix := newBatchIndex(papers)
	workers := min(runtime.GOMAXPROCS(0), 4)

	// Every distinct term and filter, once, in parallel.
	// One allocation for all the sets (no pointers: nothing for the
	// garbage collector to scan).
	slab := make([]uint64, (len(t.terms)+len(t.filters))*ix.words)
	set := func(i int) bitset { return bitset(slab[i*ix.words : (i+1)*ix.words : (i+1)*ix.words]) }
	termSets := make([]bitset, len(t.terms))
	filterSets := make([]bitset, len(t.filters))
	for i := range termSets {
		termSets[i] = set(i)
	}
	for i := range filterSets {
		filterSets[i] = set(len(t.terms) + i)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var ids []int32
			for i := w; i < len(t.terms); i += workers {
				ids = ix.term(termSets[i], t.terms[i], ids)
			}
			for i := w; i < len(t.filters); i += workers {
				ix.filter(filterSets[i], t.filters[i])
			}
		}(w)
	}
	wg.Wait()

	// The subscriptions, whole users per worker.
	chunk := (len(t.topics) + workers - 1) / workers
	results := make([]matchResult, workers)
	start := 0
	for w := 0; w < workers && start < len(t.topics); w++ {
		end := min(start+chunk, len(t.topics))
		for end < len(t.topics) && t.userOf(end) == t.userOf(end-1) {
			end++
		}
		part, base := t.topics[start:end], start
		start = end
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			m := &topicMatcher{ix: ix, t: t, terms: termSets, filters: filterSets}
			results[w] = m.run(part, base)
		}(w)
	}
	wg.Wait()
	// The alerts, made once at their final size from the compact records.
	n := 0
	for _, r := range results {
		n += len(r.recs)
	}
	out := make([]Alert, n)
	i := 0
	for _, r := range results {
		for _, rec := range r.recs {
			ts := r.topicIDs[rec.start : rec.start+rec.n : rec.start+rec.n]
			out[i] = Alert{User: t.subs[t.topics[rec.topic].sub].User, PaperID: ix.papers[rec.doc].ID, Topics: ts}
			i++
		}
	}
	return out
}

// matchResult is what one worker found: per (user, paper), a record of
// the user (one of their topics), the paper and where the matched topic
// ids are in topicIDs.
type matchResult struct {
	recs     []alertRec
	topicIDs []int64
}

type alertRec struct {
	topic, doc, start, n int32
}

func (t *Topics) userOf(i int) UserRef { return t.subs[t.topics[i].sub].User }

func compareUsers(a, b UserRef) int {
	if c := strings.Compare(a.Platform, b.Platform); c != 0 {
		return c
	}
	if c := strings.Compare(a.TeamID, b.TeamID); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// topicMatcher is one worker: the shared sets and its scratch space.
type topicMatcher struct {
	ix      *batchIndex
	t       *Topics
	terms   []bitset
	filters []bitset
	scratch []uint64 // bit sets of the subscription being evaluated
}

type hit struct {
	doc int32
	sub int64
}

// run matches topics, m.t.topics[base:base+len(topics)] (whole users).
func (m *topicMatcher) run(topics []ctopic, base int) matchResult {
	var res matchResult
	hits := make([]hit, 0, 1024)
	flush := func(topic int) {
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
			start := len(res.topicIDs)
			for ; j < len(hits) && hits[j].doc == hits[i].doc; j++ {
				if j == i || hits[j].sub != hits[j-1].sub {
					res.topicIDs = append(res.topicIDs, hits[j].sub)
				}
			}
			res.recs = append(res.recs, alertRec{topic: int32(topic), doc: hits[i].doc, start: int32(start), n: int32(len(res.topicIDs) - start)})
			i = j
		}
		hits = hits[:0]
	}
	for k := range topics {
		ct := &topics[k]
		s := &m.t.subs[ct.sub]
		if k > 0 && m.t.subs[topics[k-1].sub].User != s.User {
			flush(base + k - 1)
		}
		set := m.match(ct)
		for w, word := range set {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				word &= word - 1
				hits = append(hits, hit{doc: int32(w*64 + b), sub: s.ID})
			}
		}
	}
	if len(topics) > 0 {
		flush(base + len(topics) - 1)
	}
	return res
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

// alloc returns a zeroed bit set from the scratch space (valid until the
// next subscription).
func (m *topicMatcher) alloc() bitset {
	n := len(m.scratch)
	if n+m.ix.words > cap(m.scratch) {
		m.scratch = make([]uint64, 0, max(4096, 2*cap(m.scratch)))
		n = 0
	}
	m.scratch = m.scratch[:n+m.ix.words]
	s := bitset(m.scratch[n : n+m.ix.words])
	clear(s)
	return s
}

// match returns the papers of the batch the subscription matches (nil for
// none), in scratch space.
func (m *topicMatcher) match(ct *ctopic) bitset {
	m.scratch = m.scratch[:0]
	out := m.alloc()
	if ct.id != "" {
		for i := range m.ix.papers {
			if m.ix.papers[i].ID == ct.id {
				out[i/64] |= 1 << (i % 64)
			}
		}
		return out
	}
	if ct.expr != nil {
		copy(out, m.eval(ct.expr))
	} else {
		m.fill(out)
	}
	for _, f := range ct.filters {
		andInto(out, m.filters[f])
	}
	return out
}

func andInto(dst, src bitset) {
	for i := range dst {
		dst[i] &= src[i]
	}
}

func empty(s bitset) bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// fill sets every paper of the batch.
func (m *topicMatcher) fill(s bitset) {
	for i := range s {
		s[i] = ^uint64(0)
	}
	if r := len(m.ix.papers) % 64; r != 0 {
		s[len(s)-1] = 1<<r - 1
	}
}

// eval returns the papers an expression matches. The result may be a
// shared set: callers must not change it.
func (m *topicMatcher) eval(n *cnode) bitset {
	switch n.op {
	case 't':
		return m.terms[n.term]
	case '&':
		out := m.alloc()
		first := true
		for _, k := range n.kids {
			if k.op == '!' {
				continue
			}
			s := m.eval(k)
			if first {
				copy(out, s)
				first = false
			} else {
				andInto(out, s)
			}
			if empty(out) {
				return out
			}
		}
		if first {
			m.fill(out)
		}
		for _, k := range n.kids {
			if k.op == '!' {
				s := m.eval(k.kids[0])
				for i := range out {
					out[i] &^= s[i]
				}
			}
		}
		return out
	case '|':
		out := m.alloc()
		for _, k := range n.kids {
			s := m.eval(k)
			for i := range out {
				out[i] |= s[i]
			}
		}
		return out
	case '!':
		out := m.alloc()
		m.fill(out)
		s := m.eval(n.kids[0])
		for i := range out {
			out[i] &^= s[i]
		}
		return out
	}
	return nil
}
