package bot

import (
	"runtime"
	"strings"
	"sync"

	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// The batch side of the matcher (topics.go): the new papers' index tokens
// interned with positional posting lists, and each distinct term and filter
// answered once for the whole batch as a bit set.

// occ is one occurrence of a token: paper, field and position.
type occ struct {
	doc   int32
	field uint8
	pos   uint32
}

// batchIndex is the batch, indexed.
type batchIndex struct {
	papers []Paper
	fields [][5][]int32 // per paper, per field, token ids
	ids    map[string]int32
	post   [][]occ // per token id, in paper order
	words  int     // uint64 words per bitset
	// Filter inputs.
	authorsFold []string
	org, orgFul []string
	dates       []Date
}

func newBatchIndex(papers []Paper) *batchIndex {
	ix := &batchIndex{papers: papers, fields: make([][5][]int32, len(papers)), ids: map[string]int32{},
		words: (len(papers) + 63) / 64, authorsFold: make([]string, len(papers)), org: make([]string, len(papers)),
		orgFul: make([]string, len(papers)), dates: make([]Date, len(papers))}
	// Tokenizing (porter stemming) in parallel; interning after, in order.
	all := make([]PaperTokens, len(papers))
	workers := min(runtime.GOMAXPROCS(0), 4)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(papers); i += workers {
				all[i] = TokenizePaper(papers[i])
			}
		}(w)
	}
	wg.Wait()
	for i := range papers {
		p := &papers[i]
		toks := all[i]
		for f, field := range toks {
			ids := make([]int32, len(field))
			for k, t := range field {
				id, ok := ix.ids[t]
				if !ok {
					id = int32(len(ix.post))
					ix.ids[t] = id
					ix.post = append(ix.post, nil)
				}
				ids[k] = id
				ix.post[id] = append(ix.post[id], occ{doc: int32(i), field: uint8(f), pos: uint32(k)})
			}
			ix.fields[i][f] = ids
		}
		if len(p.Authors) > 0 {
			ix.authorsFold[i] = fts5tok.Fold(strings.Join(p.Authors, "\n"))
		}
		ix.org[i], ix.orgFul[i] = strings.ToLower(p.OrgName), strings.ToLower(p.OrgFullName)
		ix.dates[i] = p.Date()
	}
	return ix
}

// filter sets in s the papers passing a filter.
func (ix *batchIndex) filter(s bitset, f cfilter) {
	for i := range ix.papers {
		p := &ix.papers[i]
		var pass bool
		switch f.kind {
		case 'a':
			pass = strings.Contains(ix.authorsFold[i], f.text)
		case 'o':
			pass = strings.Contains(ix.org[i], f.text) || strings.Contains(ix.orgFul[i], f.text)
		case 'k':
			pass = CategoryMatches(strings.Split(f.text, ","), p.Categories)
		case 'u':
			pass = f.cmp.holds(p.Upvotes)
		case 'c':
			pass = p.GitHubRepo != ""
		case 'p':
			pass = p.ProjectPage != ""
		case 's':
			pass = !ix.dates[i].Before(f.date)
		case 'b':
			pass = ix.dates[i].Before(f.date)
		}
		if pass {
			s[i/64] |= 1 << (i % 64)
		}
	}
}

// term sets in s the papers where the tokens occur in order and adjacent
// in one field, checked where the rarest of them occurs. ids is scratch
// space, returned for reuse.
func (ix *batchIndex) term(s bitset, toks []string, ids []int32) []int32 {
	if len(toks) == 0 {
		return ids
	}
	ids = ids[:0]
	anchor := 0
	for i, t := range toks {
		id, ok := ix.ids[t]
		if !ok {
			return ids // a word no paper of the batch has
		}
		ids = append(ids, id)
		if len(ix.post[id]) < len(ix.post[ids[anchor]]) {
			anchor = i
		}
	}
	for _, o := range ix.post[ids[anchor]] {
		if s[o.doc/64]&(1<<(o.doc%64)) != 0 {
			continue
		}
		field := ix.fields[o.doc][o.field]
		start := int(o.pos) - anchor
		if start < 0 || start+len(ids) > len(field) {
			continue
		}
		ok := true
		for k, id := range ids {
			if field[start+k] != id {
				ok = false
				break
			}
		}
		if ok {
			s[o.doc/64] |= 1 << (o.doc % 64)
		}
	}
	return ids
}
