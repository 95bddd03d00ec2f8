package arxivfake

import (
	"slices"
	"strings"
	"time"
)

// The export API's search_query language (api.go): tokens, then a
// recursive-descent parser into a predicate over the corpus.

// parseQuery compiles a search_query into a predicate.
func parseQuery(s string) (func(Paper) bool, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &qparser{toks: toks}
	m, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, &apiError{"invalid_query", "unexpected " + p.toks[p.i] + " in search_query"}
	}
	return m, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '+':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '+' && s[j] != '(' && s[j] != ')' {
				if s[j] == '[' {
					k := strings.IndexByte(s[j:], ']')
					if k < 0 {
						return nil, &apiError{"invalid_query", "unclosed [ in search_query"}
					}
					j += k
				} else if s[j] == '"' {
					k := strings.IndexByte(s[j+1:], '"')
					if k < 0 {
						return nil, &apiError{"invalid_query", "unclosed quote in search_query"}
					}
					j += k + 1
				}
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type qparser struct {
	toks []string
	i    int
}

func (p *qparser) expr() (func(Paper) bool, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.i < len(p.toks) && p.toks[p.i] != ")" {
		op := "AND"
		if t := p.toks[p.i]; t == "AND" || t == "OR" || t == "ANDNOT" {
			op = t
			p.i++
		}
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		l := left
		switch op {
		case "AND":
			left = func(x Paper) bool { return l(x) && right(x) }
		case "OR":
			left = func(x Paper) bool { return l(x) || right(x) }
		case "ANDNOT":
			left = func(x Paper) bool { return l(x) && !right(x) }
		}
	}
	return left, nil
}

func (p *qparser) term() (func(Paper) bool, error) {
	if p.i >= len(p.toks) {
		return nil, &apiError{"invalid_query", "search_query ends early"}
	}
	t := p.toks[p.i]
	p.i++
	if t == "(" {
		m, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.toks) || p.toks[p.i] != ")" {
			return nil, &apiError{"invalid_query", "unclosed ( in search_query"}
		}
		p.i++
		return m, nil
	}
	field, val, ok := strings.Cut(t, ":")
	if !ok {
		field, val = "all", t
	}
	val = strings.Trim(val, `"`)
	switch field {
	case "cat":
		if pre, wild := strings.CutSuffix(val, "*"); wild {
			return func(x Paper) bool {
				return slices.ContainsFunc(x.Categories, func(c string) bool { return strings.HasPrefix(c, pre) })
			}, nil
		}
		return func(x Paper) bool { return slices.Contains(x.Categories, val) }, nil
	case "id":
		id := stripVersion(val)
		return func(x Paper) bool { return x.ID == id }, nil
	case "submittedDate", "lastUpdatedDate":
		from, to, err := dateRange(val)
		if err != nil {
			return nil, err
		}
		get := func(x Paper) time.Time { return x.Submitted }
		if field == "lastUpdatedDate" {
			get = func(x Paper) time.Time { return x.updated() }
		}
		return func(x Paper) bool { t := get(x).UTC(); return !t.Before(from) && !t.After(to) }, nil
	case "ti", "abs", "au", "all", "co", "jr":
		v := strings.ToLower(val)
		return func(x Paper) bool {
			var hay []string
			if field == "ti" || field == "all" {
				hay = append(hay, x.Title)
			}
			if field == "abs" || field == "all" {
				hay = append(hay, x.Abstract)
			}
			if field == "au" || field == "all" {
				for _, a := range x.Authors {
					hay = append(hay, a.Name())
				}
			}
			if field == "co" || field == "all" {
				hay = append(hay, x.Comment)
			}
			if field == "jr" || field == "all" {
				hay = append(hay, x.JournalRef)
			}
			return slices.ContainsFunc(hay, func(h string) bool { return strings.Contains(strings.ToLower(h), v) })
		}, nil
	}
	return nil, &apiError{"invalid_query", "unknown field " + field + " in search_query"}
}

// dateRange reads "[202411270000 TO 202411282359]", inclusive to the end
// of the last unit given.
func dateRange(v string) (time.Time, time.Time, error) {
	bad := &apiError{"invalid_date_range", "submittedDate must be [YYYYMMDDHHMM TO YYYYMMDDHHMM]"}
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return time.Time{}, time.Time{}, bad
	}
	a, b, ok := strings.Cut(v[1:len(v)-1], " TO ")
	if !ok {
		return time.Time{}, time.Time{}, bad
	}
	parse := func(s string, end bool) (time.Time, bool) {
		s = strings.TrimSpace(s)
		layouts := map[int]struct {
			layout string
			unit   time.Duration
		}{8: {"20060102", 24 * time.Hour}, 12: {"200601021504", time.Minute}, 14: {"20060102150405", time.Second}}
		l, ok := layouts[len(s)]
		if !ok {
			return time.Time{}, false
		}
		t, err := time.Parse(l.layout, s)
		if err != nil {
			return time.Time{}, false
		}
		if end {
			t = t.Add(l.unit - time.Nanosecond)
		}
		return t, true
	}
	from, ok1 := parse(a, false)
	to, ok2 := parse(b, true)
	if !ok1 || !ok2 {
		return time.Time{}, time.Time{}, bad
	}
	return from, to, nil
}
