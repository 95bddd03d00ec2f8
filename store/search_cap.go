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

// capWords returns the query to search: q itself when it has at most
// bot.MaxSearchTerms words, else a copy whose expression keeps the
// rarest items that fit (see capExpr), with the number of words it had.
// The Title (the exact-title lookup, one index probe) stays whole.
func (r *ranker) capWords(q *bot.Query) (*bot.Query, int, error) {
	n := exprWords(q.Expr)
	if n <= bot.MaxSearchTerms {
		return q, 0, nil
	}
	e, err := r.capExpr(q.Expr, bot.MaxSearchTerms)
	if err != nil || exprWords(e) == n {
		return q, 0, err // nothing left out: only words no paper has
	}
	c := *q
	c.Expr = e
	return &c, n, nil
}

// capExpr returns e cut to at most budget words:
//   - a phrase keeps its first budget words (a shorter phrase is still
//     in every paper the whole one is in);
//   - an AND or an OR keeps its rarest items (fewest papers: a word's
//     own count, an AND's rarest item, an OR's sum) that fit, in their
//     order; when the rarest item alone does not fit, it is cut in turn;
//     exclusions come after every positive item, and go when they do not
//     fit (a search then also shows what they would have excluded);
//   - a word no paper has costs nothing (its posting list is empty, and
//     an AND with it ends at once), so it is always kept and does not
//     count: a pasted text with words the store does not know keeps its
//     known rare words too, for the any-word fill.
//
// Dropping a required word widens an AND; dropping a word of an OR
// narrows it. Either way the query keeps its most specific words.
func (r *ranker) capExpr(e bot.Expr, budget int) (bot.Expr, error) {
	switch x := e.(type) {
	case bot.Term:
		if len(x.Words) <= budget {
			return x, nil
		}
		return bot.Term{Words: x.Words[:budget], Phrase: budget > 1}, nil
	case *bot.Term:
		return r.capExpr(*x, budget)
	case bot.And:
		return r.capItems(x.Items, budget, true)
	case *bot.And:
		return r.capItems(x.Items, budget, true)
	case bot.Or:
		return r.capItems(x.Items, budget, false)
	case *bot.Or:
		return r.capItems(x.Items, budget, false)
	}
	return e, nil // a Not is never cut alone: capItems keeps or drops it
}

func (r *ranker) capItems(items []bot.Expr, budget int, and bool) (bot.Expr, error) {
	type item struct {
		i     int
		e     bot.Expr
		words int
		hits  int64
		neg   bool
	}
	all := make([]item, len(items))
	for i, e := range items {
		it := item{i: i, e: e, words: exprWords(e)}
		switch e.(type) {
		case bot.Not, *bot.Not:
			it.neg = true
		default:
			var err error
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
	left := budget
	keep := make([]bot.Expr, len(items))
	positive := false
	for _, it := range order {
		switch {
		case !it.neg && it.hits == 0 && isWord(it.e):
			keep[it.i] = it.e
		case it.words <= left:
			keep[it.i] = it.e
			left -= it.words
		case !positive && !it.neg:
			// The rarest item does not fit even alone: cut it.
			e, err := r.capExpr(it.e, left)
			if err != nil {
				return nil, err
			}
			keep[it.i] = e
			left -= exprWords(e)
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

// isWord reports whether e is a single-word term.
func isWord(e bot.Expr) bool {
	switch x := e.(type) {
	case bot.Term:
		return len(x.Words) == 1
	case *bot.Term:
		return len(x.Words) == 1
	}
	return false
}
