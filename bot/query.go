package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The search query language (search, channel filters, subscriptions).
//
// Grammar, loosest binding first:
//
//	query  = link | { filter | "AND" | or }   implicit AND between items
//	group  = "(" { "AND" | or } ")"           no filters inside
//	or     = unary { "OR" unary }             OR binds tighter than the implicit AND
//	unary  = [ "-" | "NOT" ] atom
//	atom   = word | '"' phrase '"' | group
//	filter = name ":" ( value | '"' value '"' )
//	link   = arXiv id | Hugging Face or arXiv paper URL | "id:" id-or-URL
//
// so "a b OR c" is a AND (b OR c), as in Google and GitHub search. OR, AND
// and NOT are operators only in upper case and only as whole words; every
// other character is text or a separator, never FTS5 or SQL syntax. A word
// is split into tokens at every character that is not a letter or a number
// (as FTS5's unicode61 tokenizer does); several tokens make a phrase
// ("gpt-4" is the phrase "gpt 4"), none drop the word. A word is a filter
// only when it starts with one of the filter names (author, org, cat,
// upvotes, has, since, before, sort, id; ASCII letters, any case), a colon and a
// value right after it (not white space, a parenthesis or the end); any
// other word with a colon is text, so a pasted title "FruitNeRF: A
// Unified Neural Radiance Field" is five words and "author: lecun" two.
// Exclusions (and OR) need a positive term beside them; filters apply to
// the whole query and so stand outside OR, parentheses and exclusions.
//
// Two parsers read the language. ParseQuery is strict: a query that does
// not parse is refused with a message (channel filters and subscription
// topics, which run unattended, must mean what their author meant).
// ParseSearch is lenient, for searches typed or pasted by a person: it
// refuses only an empty query, and otherwise searches what it can, with a
// note saying how it read the query.

// MaxQueryLen is the longest query accepted, in characters.
const MaxQueryLen = 500

// maxQueryDepth is how deeply parentheses may nest.
const maxQueryDepth = 20

// SortOrder orders search results.
type SortOrder int

const (
	SortRelevance SortOrder = iota // default
	SortDate                       // newest first (daily-list date, else arXiv date)
	SortUpvotes                    // most upvoted first
)

// Query is a parsed search query.
type Query struct {
	Raw     string   // what was typed (invalid UTF-8 replaced)
	Expr    Expr     // the full-text part; nil when the query has only filters (or an ID, or only a Title)
	Authors []string // author: values (each must match some author, substring, accent- and case-insensitive), as typed (whitespace-collapsed)
	Orgs    []string // org: values (match the organization handle or name, case-insensitive substring)
	// Categories are the cat: filters, each a list of alternatives
	// (cat:cs.CL,cs.LG): a paper passes one when it has one of them
	// among its arXiv categories, and must pass every one. An
	// alternative is a category (cs.CL, hep-th) or a whole archive (cs,
	// typed cs or cs.*), as typed, matched without regard to case. A
	// paper arXiv has not described (Hugging Face alone) has no
	// categories and passes none.
	Categories [][]string
	Upvotes    []Compare // upvotes: conditions, all must hold
	// HasCode and HasProject require a GitHub repository or a project page.
	HasCode, HasProject bool
	Since               Date      // on or after (zero: none); relative forms are resolved against now's UTC date
	Before              Date      // strictly before (zero: none)
	Sort                SortOrder // sort: (default relevance)
	ID                  string    // id:… or a pasted paper URL: a bare arXiv id; when set, Expr and the filters are empty
	// Title is set by ParseSearch only: the whole search, cleaned
	// (CleanText), to be looked up as an exact title. The papers whose
	// stored title is exactly Title come first in the results, whatever
	// the rest of the query says (its words, operators and filters may
	// well be part of the title), so a pasted title finds its paper. It
	// is empty for an ID query and a query of filters only. A query whose text has no letters or
	// digits has only a Title (Expr nil, no filters): it finds the papers
	// with exactly that title, or nothing. ParseQuery never sets it;
	// Matches and MatchIDs ignore it, and so does the store's Search for
	// a query of filters only.
	Title string
}

// Compare is one upvotes: condition: the paper's upvotes Op N.
type Compare struct {
	Op string // ">=", ">", "<", "<=", "="
	N  int
}

// Expr is the full-text part: a tree of terms combined with AND, OR and NOT.
type Expr interface{ isExpr() }

// Term is one word or phrase to look for.
type Term struct {
	// Words are the term's tokens, lower-cased as typed (no stemming here;
	// the store and the matcher stem): one word, or several for a "phrase"
	// or a hyphenated/dotted word like gpt-4 or u.s.
	Words []string
	// Phrase: match the words adjacent and in order. It is true exactly
	// when there are several words; a quoted single word is a qplain word.
	Phrase bool
}

// And matches when all of its items match. It has at least two items, at
// least one of them not a Not.
type And struct{ Items []Expr }

// Or matches when any of its items matches. It has at least two items, none
// of them a Not.
type Or struct{ Items []Expr }

// Not must not match; it appears only inside an And with at least one
// positive item.
type Not struct{ Item Expr }

func (Term) isExpr() {}
func (And) isExpr()  {}
func (Or) isExpr()   {}
func (Not) isExpr()  {}

// queryFields are the filter names, in the order String writes them.
var queryFields = []string{"author", "org", "cat", "upvotes", "has", "since", "before", "sort", "id"}

func queryError(format string, args ...any) error { return Errorf(EInvalid, format, args...) }

// emptyQueryMessage is the one refusal of both parsers' that ParseSearch
// keeps.
const emptyQueryMessage = `type something to search for, e.g. diffusion video or author:"Yann LeCun"`

// ParseQuery parses a query strictly, for channel filters and subscription
// topics. Relative dates (since:7d) are resolved against now's UTC date.
// Errors are *Error with Code EInvalid and a one-line message that says
// what is wrong and how to write it.
func ParseQuery(s string, now time.Time) (*Query, error) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	text := strings.TrimSpace(s)
	if text == "" {
		return nil, queryError(emptyQueryMessage)
	}
	if n := utf8.RuneCountInString(text); n > MaxQueryLen {
		return nil, queryError("the query is %d characters long; the limit is %d", n, MaxQueryLen)
	}
	q, _, err := parse(text, now, false)
	if err != nil {
		return nil, err
	}
	q.Raw = s
	return q, nil
}

// ParseSearch parses a search typed or pasted by a person (chat's /papers
// search, the paperboy search command). It refuses only a query with
// nothing in it once cleaned (the error is ParseQuery's, an *Error with
// Code EInvalid); anything else is searched, and note (one line, empty
// when there is nothing to say) tells how the query was read when that
// differs from what ParseQuery would do:
//
//   - the text is cleaned first (CleanText: invisible characters removed,
//     white space collapsed), as the store cleans papers, so
//     "Token\u00adization" finds "tokenization";
//   - the display title of a paper without a title, "Untitled
//     (arXiv:ID)" (UntitledTitle), is that paper's ID;
//   - a text over MaxQueryLen characters is cut at the last word boundary
//     within the limit (note: the query was cut);
//   - a link that is not a paper's, or a paper link among other words, is
//     searched as words (the latter with a note);
//   - a query ParseQuery refuses (unbalanced quotes or parentheses, a
//     dangling OR, a bad filter value, ...) is searched as plain words:
//     every white-space separated word a term, all of them required, then
//     the any-word fill as for any query (note: searched as plain words,
//     with ParseQuery's message);
//   - a text with no letters or digits at all can only be an exact title
//     (a Title-only query; note: exact title only).
//
// Every query but an ID query and a query of only filters also carries
// the whole cleaned text as its Title, looked up as an exact title. A
// query ParseQuery accepts and that needs no cleaning or cutting parses
// exactly as ParseQuery parses it, apart from Title.
func ParseSearch(s string, now time.Time) (q *Query, note string, err error) {
	raw := strings.ToValidUTF8(s, "\uFFFD")
	text := CleanText(s) // as the store cleans titles: invalid UTF-8 dropped
	if text == "" {
		return nil, "", queryError(emptyQueryMessage)
	}
	if id, ok := untitledID(text); ok {
		return &Query{Raw: raw, ID: id}, "", nil
	}
	title := text
	var notes []string
	if n := utf8.RuneCountInString(text); n > MaxQueryLen {
		text = cutQuery(text, MaxQueryLen)
		notes = append(notes, fmt.Sprintf("searched the first %d of its %d characters (the limit is %d)",
			utf8.RuneCountInString(text), n, MaxQueryLen))
	}
	q, linkNote, err := parse(text, now, true)
	if linkNote != "" {
		notes = append(notes, linkNote)
	}
	if err != nil {
		q = plainQuery(text)
		var e *Error
		msg := err.Error()
		if errors.As(err, &e) {
			msg = e.Message
		}
		if q.Expr == nil {
			notes = append(notes, fmt.Sprintf("%s has no letters or digits: only a paper with exactly that title can match", qshow(text)))
		} else {
			notes = append(notes, "searched as plain words: "+msg)
		}
	}
	q.Raw = raw
	if q.ID == "" && (q.Expr != nil || !q.hasFilter()) {
		q.Title = title
	}
	return q, strings.Join(notes, "; "), nil
}

// untitledID returns the ID of the display title of a paper without a
// title, "Untitled (arXiv:2608.12345)".
func untitledID(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, "Untitled (arXiv:")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ")")
	if !ok {
		return "", false
	}
	return NormalizeID(rest)
}

// cutQuery cuts the cleaned text to at most max characters, at the last
// space within them when there is one.
func cutQuery(text string, max int) string {
	i, n := 0, 0
	for i < len(text) && n < max {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
		n++
	}
	if i >= len(text) {
		return text
	}
	if text[i] != ' ' {
		if sp := strings.LastIndexByte(text[:i], ' '); sp > 0 {
			i = sp
		}
	}
	return strings.TrimSpace(text[:i])
}

// plainQuery reads text as plain words: each white-space separated word a
// term (a phrase when it has several tokens, as gpt-4), all required; the
// words without letters or digits are dropped.
func plainQuery(text string) *Query {
	var items []Expr
	for _, w := range strings.Fields(text) {
		if t := termOf(w); t != nil {
			items = append(items, t)
		}
	}
	q := &Query{}
	q.Expr, _ = andOf(items, "") // no exclusions, so never an error
	return q
}

// parse parses text, trimmed and within the length limit. Lenient (for
// ParseSearch), a link that is not a paper's is a word, and so is a paper
// link or id: filter among other words (note then says so).
func parse(text string, now time.Time, lenient bool) (q *Query, note string, err error) {
	q = &Query{}
	if id, ok := NormalizeID(text); ok {
		q.ID = id
		return q, "", nil
	}
	toks, err := lexQuery(text)
	if err != nil {
		return nil, "", err
	}
	for i, t := range toks {
		if t.kind != tokLink {
			continue
		}
		if _, ok := paperLinkID(t.value); !ok {
			if !lenient {
				return nil, "", queryError("%s is not a paper link: paste a Hugging Face or arXiv paper link like https://huggingface.co/papers/2405.15738, or put the text in quotes to search for it", qshow(t.value))
			}
			toks[i] = qtoken{kind: tokWord, text: t.text}
		}
	}
	for i, t := range toks {
		if t.kind != tokLink && !(t.kind == tokField && t.name == "id") {
			continue
		}
		if lenient && len(toks) > 1 {
			toks[i] = qtoken{kind: tokWord, text: t.text}
			note = "searched the paper link as words: paste a link alone to get its paper"
			continue
		}
		id, ok := paperLinkID(t.value)
		if !ok {
			return nil, "", queryError("id: takes an arXiv id or a paper link, e.g. id:2405.15738 (not %s)", qshow(t.text))
		}
		if len(toks) > 1 {
			return nil, "", queryError("a paper link goes alone; search words go without it")
		}
		q.ID = id
		return q, "", nil
	}
	p := &queryParser{toks: toks, q: q, today: DateOf(now.UTC())}
	if q.Expr, err = p.parseQuery(); err != nil {
		return nil, "", err
	}
	if q.Expr == nil && !q.hasFilter() {
		if p.sortSet {
			return nil, "", queryError("nothing to search for: sort: orders results; add words or a filter, e.g. diffusion sort:date")
		}
		return nil, "", queryError("nothing to search for: %s has no letters or digits; type words, e.g. diffusion video", qshow(text))
	}
	if !q.Since.IsZero() && !q.Before.IsZero() && !q.Since.Before(q.Before) {
		return nil, "", queryError("since:%s is not before before:%s, so nothing can match", q.Since, q.Before)
	}
	// since:7d is written out as a date; the canonical form must still be
	// a valid query.
	if n := utf8.RuneCountInString(q.String()); n > MaxQueryLen {
		return nil, "", queryError("the query is %d characters long once its dates are written out; the limit is %d", n, MaxQueryLen)
	}
	return q, note, nil
}

// HasFilter reports whether the query has a filter (author:, org:,
// upvotes:, has:, since:, before:; sort: is an order, not a filter).
func (q *Query) HasFilter() bool { return q.hasFilter() }

func (q *Query) hasFilter() bool {
	return len(q.Authors) > 0 || len(q.Orgs) > 0 || len(q.Categories) > 0 || len(q.Upvotes) > 0 || q.HasCode || q.HasProject ||
		!q.Since.IsZero() || !q.Before.IsZero()
}

// PositiveTerms returns every term not under a Not, in order (for snippets
// and highlighting).
func (q *Query) PositiveTerms() []Term {
	var terms []Term
	var walk func(Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case Term:
			terms = append(terms, x)
		case *Term:
			terms = append(terms, *x)
		case And:
			for _, it := range x.Items {
				walk(it)
			}
		case *And:
			for _, it := range x.Items {
				walk(it)
			}
		case Or:
			for _, it := range x.Items {
				walk(it)
			}
		case *Or:
			for _, it := range x.Items {
				walk(it)
			}
		}
	}
	if q != nil {
		walk(q.Expr)
	}
	return terms
}

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

// Lexing.

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

// Filters.

func (p *queryParser) applyField(t qtoken) error {
	v := t.value
	q := p.q
	if v == "" {
		return queryError("%s: needs a value right after the colon, e.g. %s", t.name, fieldExample(t.name))
	}
	switch t.name {
	case "author":
		q.Authors = append(q.Authors, v)
	case "org":
		q.Orgs = append(q.Orgs, v)
	case "cat":
		alts, ok := parseCategories(v)
		if !ok {
			return queryError("cat: takes arXiv categories or archives, e.g. cat:cs.CL, cat:cs.* or cat:cs.CL,cs.LG (not %s)", qshow(t.text))
		}
		q.Categories = append(q.Categories, alts)
	case "upvotes":
		c, ok := parseCompare(v)
		if !ok {
			return queryError("%s is not a number of upvotes: write upvotes:>=20 (also >, <, <=, =)", qshow(t.text))
		}
		q.Upvotes = append(q.Upvotes, c)
	case "has":
		switch strings.ToLower(v) {
		case "code":
			q.HasCode = true
		case "project":
			q.HasProject = true
		default:
			return queryError("has: takes code or project, e.g. has:code (not %s)", qshow(t.text))
		}
	case "since":
		if p.sinceSet {
			return queryError("use since: only once, e.g. since:7d")
		}
		p.sinceSet = true
		d, ok := parseSince(v, p.today)
		if !ok {
			return queryError("%s is not a start date: write days, weeks or months back (since:7d, since:4w, since:6m) or a date (since:2025-01-01)", qshow(t.text))
		}
		q.Since = d
	case "before":
		if p.beforeSet {
			return queryError("use before: only once, e.g. before:2025-01-01")
		}
		p.beforeSet = true
		d, ok := parseQueryDate(v)
		if !ok {
			return queryError("%s is not a date: write before:YYYY-MM-DD, e.g. before:2025-01-01", qshow(t.text))
		}
		q.Before = d
	case "sort":
		if p.sortSet {
			return queryError("use sort: only once, e.g. sort:date")
		}
		p.sortSet = true
		switch strings.ToLower(v) {
		case "relevance":
			q.Sort = SortRelevance
		case "date":
			q.Sort = SortDate
		case "upvotes":
			q.Sort = SortUpvotes
		default:
			return queryError("sort: takes relevance, date or upvotes, e.g. sort:date (not %s)", qshow(t.text))
		}
	}
	return nil
}

func fieldExample(name string) string {
	switch name {
	case "author":
		return `author:"Yann LeCun"`
	case "org":
		return "org:meta"
	case "cat":
		return "cat:cs.CL"
	case "upvotes":
		return "upvotes:>=20"
	case "has":
		return "has:code"
	case "since":
		return "since:7d"
	case "before":
		return "before:2025-01-01"
	case "sort":
		return "sort:date"
	}
	return "id:2405.15738"
}

// parseCompare parses [op]N for upvotes:.
func parseCompare(v string) (Compare, bool) {
	op := ">="
	for _, o := range []string{">=", "<=", ">", "<", "="} {
		if rest, ok := strings.CutPrefix(v, o); ok {
			op, v = o, rest
			break
		}
	}
	if v == "" || len(v) > 9 || strings.Trim(v, "0123456789") != "" {
		return Compare{}, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return Compare{}, false
	}
	return Compare{Op: op, N: n}, true
}

// maxSinceCount bounds since:Nd|Nw|Nm.
const maxSinceCount = 10000

// parseSince parses Nd, Nw, Nm (back from today) or YYYY-MM-DD.
func parseSince(v string, today Date) (Date, bool) {
	v = strings.ToLower(v)
	if d, ok := parseQueryDate(v); ok {
		return d, true
	}
	if len(v) < 2 || len(v) > 6 || strings.Trim(v[:len(v)-1], "0123456789") != "" {
		return Date{}, false
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n < 1 || n > maxSinceCount {
		return Date{}, false
	}
	var d Date
	switch v[len(v)-1] {
	case 'd':
		d = today.AddDays(-n)
	case 'w':
		d = today.AddDays(-7 * n)
	case 'm':
		d = monthsBack(today, n)
	default:
		return Date{}, false
	}
	if d.Year < 1 || d.Year > 9999 {
		return Date{}, false
	}
	return d, true
}

// monthsBack returns the date n calendar months before d, the day clamped
// to the month's length (31 March minus one month is 28 or 29 February).
func monthsBack(d Date, n int) Date {
	m := d.Year*12 + int(d.Month) - 1 - n
	y, mon := m/12, time.Month(m%12+1)
	if m < 0 {
		y, mon = (m-11)/12, time.Month((m%12+12)%12+1)
	}
	last := time.Date(y, mon+1, 0, 12, 0, 0, 0, time.UTC).Day()
	return Date{y, mon, min(d.Day, last)}
}

// parseQueryDate parses YYYY-MM-DD exactly.
func parseQueryDate(v string) (Date, bool) {
	if len(v) != 10 {
		return Date{}, false
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}
