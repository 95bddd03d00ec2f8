package bot

import (
	"strconv"
	"strings"
	"unicode"
)

// String returns the query in a canonical form: re-parsing it gives an
// equal Query (except Raw; for a query of ParseSearch, ParseSearch gives
// it back except Raw and Title). Phrases are written with hyphens (gpt-4,
// exact-phrase), which parse the same as quotes and are never longer than
// what was typed; relative dates are written as dates. A query of only a
// Title (text without letters or digits) is written as that title.
func (q *Query) String() string {
	if q.ID != "" {
		return "id:" + q.ID
	}
	if q.Expr == nil && !q.hasFilter() {
		return q.Title
	}
	var parts []string
	if q.Expr != nil {
		parts = append(parts, exprString(q.Expr))
	}
	for _, a := range q.Authors {
		parts = append(parts, "author:"+fieldValueString(a))
	}
	for _, o := range q.Orgs {
		parts = append(parts, "org:"+fieldValueString(o))
	}
	for _, alts := range q.Categories {
		parts = append(parts, "cat:"+strings.Join(alts, ","))
	}
	for _, c := range q.Upvotes {
		op := c.Op
		if op == ">=" {
			op = ""
		}
		parts = append(parts, "upvotes:"+op+strconv.Itoa(c.N))
	}
	if q.HasCode {
		parts = append(parts, "has:code")
	}
	if q.HasProject {
		parts = append(parts, "has:project")
	}
	if !q.Since.IsZero() {
		parts = append(parts, "since:"+q.Since.String())
	}
	if !q.Before.IsZero() {
		parts = append(parts, "before:"+q.Before.String())
	}
	switch q.Sort {
	case SortDate:
		parts = append(parts, "sort:date")
	case SortUpvotes:
		parts = append(parts, "sort:upvotes")
	}
	return strings.Join(parts, " ")
}

func exprString(e Expr) string {
	switch x := e.(type) {
	case Term:
		return strings.Join(x.Words, "-")
	case *Term:
		return exprString(*x)
	case And:
		parts := make([]string, len(x.Items))
		for i, it := range x.Items {
			parts[i] = exprString(it)
			if isAndExpr(it) {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " ")
	case *And:
		return exprString(*x)
	case Or:
		parts := make([]string, len(x.Items))
		for i, it := range x.Items {
			parts[i] = exprString(it)
			if isAndExpr(it) || isOrExpr(it) {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " OR ")
	case *Or:
		return exprString(*x)
	case Not:
		s := exprString(x.Item)
		if isAndExpr(x.Item) || isOrExpr(x.Item) {
			s = "(" + s + ")"
		}
		return "-" + s
	case *Not:
		return exprString(*x)
	}
	return ""
}

func isAndExpr(e Expr) bool {
	switch e.(type) {
	case And, *And:
		return true
	}
	return false
}

func isOrExpr(e Expr) bool {
	switch e.(type) {
	case Or, *Or:
		return true
	}
	return false
}

// fieldValueString writes a filter value so that the lexer reads it back:
// quoted when it holds a space or a parenthesis. Values never hold a
// quote.
func fieldValueString(v string) string {
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' }) {
		return `"` + v + `"`
	}
	return v
}

// Tokenising.
