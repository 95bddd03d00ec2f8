package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
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

// Lexing.

// Filters.
