package store

import (
	"slices"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// The bound on a search's words (bot.MaxSearchTerms). FTS5 reads the
// posting list of every word of an expression for every row it tests,
// and paperboy_bm25 scores every phrase, so the cost of a search grows
// with its words, and faster than linearly once they are common: the
// parser already counts a repeated term once; here a query of more words
// than the bound keeps the rarest ones. Rare words are what make a query
// specific (a pasted 70-word title keeps the words that single its paper
// out), and they are the cheap ones.

// exprWords counts the words (tokens) of an expression's terms, under a
// Not too.
func exprWords(e bot.Expr) int {
	switch x := e.(type) {
	case bot.Term:
		return len(x.Words)
	case *bot.Term:
		return len(x.Words)
	case bot.And:
		return sumWords(x.Items)
	case *bot.And:
		return sumWords(x.Items)
	case bot.Or:
		return sumWords(x.Items)
	case *bot.Or:
		return sumWords(x.Items)
	case bot.Not:
		return exprWords(x.Item)
	case *bot.Not:
		return exprWords(x.Item)
	}
	return 0
}

func sumWords(items []bot.Expr) int {
	n := 0
	for _, it := range items {
		n += exprWords(it)
	}
	return n
}

// A budget is what a search may still look for: words, and among them
// common words (in more than 1 paper in bot.CommonWordShare): their
// posting lists are most of the papers, so each one costs as much as
// many rare words together.
type budget struct{ words, common int }

func (b budget) fits(c budget) bool { return c.words <= b.words && c.common <= b.common }

func (b budget) minus(c budget) budget { return budget{b.words - c.words, b.common - c.common} }

// capWords returns the query to search: q itself when it fits
// bot.MaxSearchTerms words, bot.MaxCommonSearchTerms of them common, else
// a copy whose expression keeps the rarest items that fit (see capExpr),
// with the number of words it had. The Title (the exact-title lookup,
// one index probe) stays whole.
func (r *ranker) capWords(q *bot.Query) (*bot.Query, int, error) {
	n := exprWords(q.Expr)
	if n <= bot.MaxCommonSearchTerms {
		return q, 0, nil // within both bounds, whatever its words
	}
	limit := budget{bot.MaxSearchTerms, bot.MaxCommonSearchTerms}
	cost, err := r.exprCost(q.Expr)
	if err != nil || limit.fits(cost) {
		return q, 0, err
	}
	e, err := r.capExpr(q.Expr, limit)
	if err != nil || exprWords(e) == n {
		return q, 0, err // nothing left out: only words no paper has
	}
	c := *q
	c.Expr = e
	return &c, n, nil
}

// minCommonHits is the fewest papers a common word is in, whatever the
// size of the store: below it a posting list is cheap to read.
const minCommonHits = 10000

// commonHits is the number of papers past which a word is common.
func (r *ranker) commonHits() (int64, error) {
	n, err := r.papers()
	floor := int64(minCommonHits)
	if r.db.commonFloor > 0 {
		floor = r.db.commonFloor
	}
	return max(n/bot.CommonWordShare, floor), err
}

// termCost is what a term costs: its words, and those of them that are
// common; a single word no paper has costs nothing (its posting list is
// empty, and an AND with it ends at once).
func (r *ranker) termCost(t bot.Term) (budget, error) {
	counts, err := r.termCounts(quote(strings.Join(t.Words, " ")))
	if err != nil {
		return budget{}, err
	}
	if len(t.Words) == 1 && (len(counts) == 0 || counts[0] == 0) {
		return budget{}, nil
	}
	common, err := r.commonHits()
	if err != nil {
		return budget{}, err
	}
	c := budget{words: len(t.Words)}
	for _, n := range counts {
		if n > common {
			c.common++
		}
	}
	return c, nil
}

// exprCost adds up the cost of an expression's terms, under a Not too.
func (r *ranker) exprCost(e bot.Expr) (budget, error) {
	var items []bot.Expr
	switch x := e.(type) {
	case bot.Term:
		return r.termCost(x)
	case *bot.Term:
		return r.termCost(*x)
	case bot.And:
		items = x.Items
	case *bot.And:
		items = x.Items
	case bot.Or:
		items = x.Items
	case *bot.Or:
		items = x.Items
	case bot.Not:
		return r.exprCost(x.Item)
	case *bot.Not:
		return r.exprCost(x.Item)
	}
	var c budget
	for _, it := range items {
		ic, err := r.exprCost(it)
		if err != nil {
			return budget{}, err
		}
		c.words += ic.words
		c.common += ic.common
	}
	return c, nil
}

// capExpr returns e cut to fit the budget:
//   - a phrase keeps its longest beginning that fits (a shorter phrase
//     is still in every paper the whole one is in), at least its first
//     word;
//   - an AND or an OR keeps its rarest items (fewest papers: a word's
//     own count, an AND's rarest item, an OR's sum) that fit, in their
//     order; when the rarest item alone does not fit, it is cut in turn;
//     exclusions come after every positive item, and go when they do not
//     fit (a search then also shows what they would have excluded);
//   - a word no paper has costs nothing, so it is always kept: a pasted
//     text with words the store does not know keeps its known rare
//     words too, for the any-word fill.
//
// Dropping a required word widens an AND; dropping a word of an OR
// narrows it. Either way the query keeps its most specific words.
func (r *ranker) capExpr(e bot.Expr, b budget) (bot.Expr, error) {
	switch x := e.(type) {
	case bot.Term:
		return r.capPhrase(x, b)
	case *bot.Term:
		return r.capPhrase(*x, b)
	case bot.And:
		return r.capItems(x.Items, b, true)
	case *bot.And:
		return r.capItems(x.Items, b, true)
	case bot.Or:
		return r.capItems(x.Items, b, false)
	case *bot.Or:
		return r.capItems(x.Items, b, false)
	}
	return e, nil // a Not is never cut alone: capItems keeps or drops it
}

func (r *ranker) capPhrase(t bot.Term, b budget) (bot.Expr, error) {
	for n := len(t.Words); n > 1; n-- {
		c := bot.Term{Words: t.Words[:n], Phrase: n > 1}
		cost, err := r.termCost(c)
		if err != nil {
			return nil, err
		}
		if b.fits(cost) {
			return c, nil
		}
	}
	return bot.Term{Words: t.Words[:1]}, nil
}

func (r *ranker) capItems(items []bot.Expr, b budget, and bool) (bot.Expr, error) {
	type item struct {
		i    int
		e    bot.Expr
		cost budget
		hits int64
		neg  bool
	}
	all := make([]item, len(items))
	for i, e := range items {
		it := item{i: i, e: e}
		var err error
		if it.cost, err = r.exprCost(e); err != nil {
			return nil, err
		}
		switch e.(type) {
		case bot.Not, *bot.Not:
			it.neg = true
		default:
			if it.hits, err = r.exprHits(e); err != nil {
				return nil, err
			}
		}
		all[i] = it
	}
	order := slices.Clone(all)
	slices.SortStableFunc(order, func(a, b item) int {
		switch {
		case a.neg != b.neg:
			if a.neg {
				return 1
			}
			return -1
		case a.hits < b.hits:
			return -1
		case a.hits > b.hits:
			return 1
		}
		return 0
	})
	left := b
	keep := make([]bot.Expr, len(items))
	positive := false
	for _, it := range order {
		switch {
		case left.fits(it.cost):
			keep[it.i] = it.e
			left = left.minus(it.cost)
		case !positive && !it.neg:
			// The rarest item does not fit even alone: cut it.
			e, err := r.capExpr(it.e, left)
			if err != nil {
				return nil, err
			}
			c, err := r.exprCost(e)
			if err != nil {
				return nil, err
			}
			keep[it.i] = e
			left = left.minus(c)
		default:
			continue
		}
		positive = positive || !it.neg
	}
	var out []bot.Expr
	for _, e := range keep {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 1 {
		return out[0], nil
	}
	if and {
		return bot.And{Items: out}, nil
	}
	return bot.Or{Items: out}, nil
}

// exprHits estimates how many papers an expression's words are in, from
// the counts the store keeps (search_terms): a word's or a phrase's
// rarest term, an AND's rarest item, an OR's items added up.
func (r *ranker) exprHits(e bot.Expr) (int64, error) {
	switch x := e.(type) {
	case bot.Term:
		return r.phraseHits(quote(strings.Join(x.Words, " ")))
	case *bot.Term:
		return r.exprHits(*x)
	case bot.And:
		return r.itemsHits(x.Items, true)
	case *bot.And:
		return r.itemsHits(x.Items, true)
	case bot.Or:
		return r.itemsHits(x.Items, false)
	case *bot.Or:
		return r.itemsHits(x.Items, false)
	}
	return 0, nil
}

func (r *ranker) itemsHits(items []bot.Expr, and bool) (int64, error) {
	var out int64 = -1
	for _, e := range items {
		if _, neg := e.(bot.Not); neg {
			continue
		}
		n, err := r.exprHits(e)
		if err != nil {
			return 0, err
		}
		switch {
		case out < 0:
			out = n
		case and:
			out = min(out, n)
		default:
			out += n
		}
	}
	return max(out, 0), nil
}
