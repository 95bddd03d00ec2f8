package bot

import (
	"strings"

	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// Matching a query against one paper in Go, as the full-text index would
// find it: channel filters use it, and topic alerts will. A term matches
// when its tokens (fts5tok.Tokens: the index's own tokenizer) appear in one of
// the indexed fields (title, ai_summary, ai_keywords, abstract, authors),
// a phrase when they appear there one after the other. The filters are
// checked as the store checks them.

// indexedText returns the paper's indexed fields, as the store indexes
// them (keywords and authors one per line).
func indexedText(p Paper) [5]string {
	return [5]string{p.Title, p.AISummary, strings.Join(p.AIKeywords, "\n"), p.Abstract, strings.Join(p.Authors, "\n")}
}

// PaperTokens are a paper's index terms, per field.
type PaperTokens [5][]string

// TokenizePaper returns the paper's index terms.
func TokenizePaper(p Paper) PaperTokens {
	var t PaperTokens
	for i, s := range indexedText(p) {
		t[i] = fts5tok.Tokens(s)
	}
	return t
}

// Matcher compiles the query (its terms tokenized once) into a function
// that tells whether a paper matches.
func (q *Query) Matcher() func(p Paper, toks *PaperTokens) bool {
	if q.ID != "" {
		return func(p Paper, _ *PaperTokens) bool { return p.ID == q.ID }
	}
	var expr *node
	if q.Expr != nil {
		expr = compile(q.Expr)
	}
	return func(p Paper, toks *PaperTokens) bool {
		return q.matchFilters(p) && (expr == nil || expr.match(toks))
	}
}

// node is a compiled expression: a term's tokens, or an operator.
type node struct {
	op   byte // 't' term, '&' and, '|' or, '!' not
	toks []string
	kids []*node
}

func compile(e Expr) *node {
	switch x := e.(type) {
	case Term:
		return &node{op: 't', toks: fts5tok.Tokens(strings.Join(x.Words, " "))}
	case *Term:
		return compile(*x)
	case And:
		return &node{op: '&', kids: compileAll(x.Items)}
	case *And:
		return compile(*x)
	case Or:
		return &node{op: '|', kids: compileAll(x.Items)}
	case *Or:
		return compile(*x)
	case Not:
		return &node{op: '!', kids: []*node{compile(x.Item)}}
	case *Not:
		return compile(*x)
	}
	return &node{op: 't'}
}

func compileAll(items []Expr) []*node {
	out := make([]*node, len(items))
	for i, it := range items {
		out[i] = compile(it)
	}
	return out
}

func (n *node) match(toks *PaperTokens) bool {
	switch n.op {
	case '&':
		for _, k := range n.kids {
			if !k.match(toks) {
				return false
			}
		}
		return true
	case '|':
		for _, k := range n.kids {
			if k.match(toks) {
				return true
			}
		}
		return false
	case '!':
		return !n.kids[0].match(toks)
	}
	return matchTokens(n.toks, toks)
}

func (q *Query) matchFilters(p Paper) bool {
	if len(q.Authors) > 0 {
		folded := fts5tok.Fold(strings.Join(p.Authors, "\n"))
		for _, a := range q.Authors {
			if !strings.Contains(folded, fts5tok.Fold(a)) {
				return false
			}
		}
	}
	for _, o := range q.Orgs {
		o = strings.ToLower(o)
		if !strings.Contains(strings.ToLower(p.OrgName), o) && !strings.Contains(strings.ToLower(p.OrgFullName), o) {
			return false
		}
	}
	for _, alts := range q.Categories {
		if !CategoryMatches(alts, p.Categories) {
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
	if !q.Since.IsZero() || !q.Before.IsZero() {
		d := p.Date()
		if !q.Since.IsZero() && d.Before(q.Since) || !q.Before.IsZero() && !d.Before(q.Before) {
			return false
		}
	}
	return true
}

func (c Compare) holds(n int) bool {
	switch c.Op {
	case ">":
		return n > c.N
	case "<":
		return n < c.N
	case "<=":
		return n <= c.N
	case "=":
		return n == c.N
	}
	return n >= c.N
}

// matchTokens looks for a term's tokens, in order and adjacent, in one
// field.
func matchTokens(want []string, toks *PaperTokens) bool {
	if len(want) == 0 {
		return false
	}
	for _, field := range toks {
		for i := 0; i+len(want) <= len(field); i++ {
			if field[i] != want[0] {
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
	}
	return false
}
