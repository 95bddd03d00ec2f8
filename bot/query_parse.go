package bot

// The query parser: tokens (query_lex.go) to an expression of terms,
// AND, OR and NOT, with the fields (query_field.go) applied as it goes.

import (
	"strings"
	"unicode"
)

// queryTokens splits s into lower-cased tokens: runs of letters and
// numbers. As in FTS5's unicode61 tokenizer, combining marks do not start a
// token but do not end one either, so "re\u0301sume\u0301" (an "é"
// typed as e + accent) stays one token. Every other character separates
// tokens.
func queryTokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if start < 0 {
				start = i
			}
		case unicode.IsMark(r) && start >= 0:
		default:
			if start >= 0 {
				out = append(out, strings.ToLower(s[start:i]))
				start = -1
			}
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// termOf makes a term of s, or returns nil when s has no tokens.
func termOf(s string) Expr {
	words := queryTokens(s)
	if len(words) == 0 {
		return nil
	}
	return Term{Words: words, Phrase: len(words) > 1}
}

type queryParser struct {
	toks  []qtoken
	pos   int
	depth int
	q     *Query
	today Date

	sortSet, sinceSet, beforeSet bool
}

func (p *queryParser) peek() (qtoken, bool) {
	if p.pos >= len(p.toks) {
		return qtoken{}, false
	}
	return p.toks[p.pos], true
}

// startsOperand reports whether the next token can start an or-expression.
func (p *queryParser) startsOperand() bool {
	t, ok := p.peek()
	if !ok {
		return false
	}
	switch t.kind {
	case tokWord, tokPhrase, tokLParen, tokMinus, tokNot:
		return true
	}
	return false
}

func (p *queryParser) parseQuery() (Expr, error) {
	items, err := p.parseSeq(true)
	if err != nil {
		return nil, err
	}
	if _, ok := p.peek(); ok { // only a ")" stops the top-level sequence
		return nil, queryError("unbalanced parentheses: a ) has no ( before it; write groups as (diffusion OR flow) video")
	}
	return andOf(items, "")
}

// parseSeq parses items joined by the implicit AND, up to a ")" or the end.
// Filters are allowed only at the top.
func (p *queryParser) parseSeq(top bool) ([]Expr, error) {
	var items []Expr
	for {
		t, ok := p.peek()
		if !ok || t.kind == tokRParen {
			return items, nil
		}
		switch t.kind {
		case tokAnd:
			p.pos++
			if !p.prevIsOperand() || !p.startsOperand() && !p.nextIs(tokField) {
				return nil, queryError("AND needs a search term on each side, e.g. diffusion AND video")
			}
			continue
		case tokOr:
			return nil, queryError("OR needs a search term on each side, e.g. diffusion OR flow")
		case tokField:
			if !top {
				return nil, queryError("filters apply to the whole query: move %s out of the parentheses, e.g. (diffusion OR flow) has:code", qfilterText(t))
			}
			p.pos++
			if p.nextIs(tokOr) {
				return nil, queryError("filters apply to the whole query and can't be combined with OR: put %s outside, e.g. (diffusion OR flow) has:code", qfilterText(t))
			}
			if err := p.applyField(t); err != nil {
				return nil, err
			}
			continue
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if e != nil {
			items = append(items, e)
		}
	}
}

// prevIsOperand reports whether the token before the current one (an AND
// just consumed) ends an operand or a filter.
func (p *queryParser) prevIsOperand() bool {
	if p.pos < 2 {
		return false
	}
	switch p.toks[p.pos-2].kind {
	case tokWord, tokPhrase, tokRParen, tokField:
		return true
	}
	return false
}

func (p *queryParser) nextIs(k qtokKind) bool {
	t, ok := p.peek()
	return ok && t.kind == k
}

// parseOr parses unary { OR unary }. It returns nil when every operand was
// dropped (words without letters or digits).
func (p *queryParser) parseOr() (Expr, error) {
	first, neg, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	operands := []Expr{first}
	anyNeg := neg
	for p.nextIs(tokOr) {
		p.pos++
		if p.nextIs(tokField) {
			t, _ := p.peek()
			return nil, queryError("filters apply to the whole query and can't be combined with OR: put %s outside, e.g. (diffusion OR flow) has:code", qfilterText(t))
		}
		if !p.startsOperand() || p.nextIs(tokOr) {
			return nil, queryError("OR needs a search term on each side, e.g. diffusion OR flow")
		}
		e, neg, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		anyNeg = anyNeg || neg
		operands = append(operands, e)
	}
	if len(operands) > 1 && anyNeg {
		return nil, queryError("an excluded term can't be one side of OR: exclude it outside, e.g. (diffusion OR flow) -survey")
	}
	var items []Expr
	for _, e := range operands {
		switch x := e.(type) {
		case nil:
		case Or:
			items = append(items, x.Items...)
		default:
			items = append(items, e)
		}
	}
	items = dedupe(items)
	switch len(items) {
	case 0:
		return nil, nil
	case 1:
		return items[0], nil
	}
	return Or{Items: items}, nil
}

// parseUnary parses [-|NOT] atom; neg reports a negation (even of a
// dropped word).
func (p *queryParser) parseUnary() (e Expr, neg bool, err error) {
	t, _ := p.peek()
	if t.kind == tokMinus || t.kind == tokNot {
		p.pos++
		neg = true
		next, ok := p.peek()
		switch {
		case ok && next.kind == tokField:
			return nil, false, queryError("filters can't be excluded: remove the %s before %s", t.text, qfilterText(next))
		case ok && t.kind == tokNot && (next.kind == tokMinus || next.kind == tokNot):
			return nil, false, queryError("use NOT or -, not both, e.g. diffusion -survey")
		case !ok || next.kind != tokWord && next.kind != tokPhrase && next.kind != tokLParen:
			return nil, false, queryError("NOT needs a word after it, e.g. diffusion NOT survey")
		}
	}
	e, err = p.parseAtom()
	if err != nil || e == nil {
		return nil, neg, err
	}
	if neg {
		return Not{Item: e}, true, nil
	}
	return e, false, nil
}

func (p *queryParser) parseAtom() (Expr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, queryError("NOT needs a word after it, e.g. diffusion NOT survey")
	}
	switch t.kind {
	case tokWord, tokPhrase:
		p.pos++
		return termOf(t.text), nil
	case tokLParen:
		p.pos++
		p.depth++
		if p.depth > maxQueryDepth {
			return nil, queryError("too many nested parentheses (at most %d)", maxQueryDepth)
		}
		if p.nextIs(tokRParen) {
			return nil, queryError("empty parentheses: put words inside, e.g. (diffusion OR flow) video")
		}
		items, err := p.parseSeq(false)
		if err != nil {
			return nil, err
		}
		if !p.nextIs(tokRParen) {
			return nil, queryError("unbalanced parentheses: a ( is never closed; write groups as (diffusion OR flow) video")
		}
		p.pos++
		p.depth--
		return andOf(items, "the group in parentheses only excludes: ")
	case tokRParen:
		return nil, queryError("unbalanced parentheses: a ) has no ( before it; write groups as (diffusion OR flow) video")
	case tokOr:
		return nil, queryError("OR needs a search term on each side, e.g. diffusion OR flow")
	case tokAnd:
		return nil, queryError("AND needs a search term on each side, e.g. diffusion AND video")
	}
	return nil, queryError("NOT needs a word after it, e.g. diffusion NOT survey")
}

// andOf combines items with AND, flattening nested Ands. A non-empty list
// of only exclusions is an error.
func andOf(items []Expr, what string) (Expr, error) {
	var flat []Expr
	positive := false
	for _, e := range items {
		switch x := e.(type) {
		case And:
			flat = append(flat, x.Items...)
			positive = true
		case Not:
			flat = append(flat, e)
		default:
			flat = append(flat, e)
			positive = true
		}
	}
	flat = dedupe(flat)
	switch {
	case len(flat) == 0:
		return nil, nil
	case !positive:
		return nil, queryError("%sadd at least one word to look for, e.g. diffusion -survey", what)
	case len(flat) == 1:
		return flat[0], nil
	}
	return And{Items: flat}, nil
}

// dedupe drops the items equal to an earlier one (x x is x, x OR x is
// x): a repeated word or phrase adds nothing to what matches, only to the
// cost of matching it, which grows faster than the number of terms.
// Items are equal when they are written the same (exprString), so
// "gpt-4" and "gpt 4" in quotes are one term, gpt4 another.
func dedupe(items []Expr) []Expr {
	if len(items) < 2 {
		return items
	}
	seen := make(map[string]bool, len(items))
	out := items[:0:0]
	for _, e := range items {
		k := exprString(e) // -x for Not{x}: never equal to x
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}
