package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lexer of the query language: words, quotes, parentheses, operators
// and fields.

type qtokKind int

const (
	tokWord   qtokKind = iota // a bare word
	tokPhrase                 // "…"
	tokLParen
	tokRParen
	tokMinus // a "-" right before a word, phrase or group
	tokOr
	tokAnd
	tokNot
	tokField // name:value, name known, value present
	tokLink  // a URL (a paper's or not: the parser decides) or arXiv:id
)

type qtoken struct {
	kind  qtokKind
	text  string // word or phrase text; a filter as typed
	name  string // tokField: lower-case name
	value string // tokField: value; tokLink: the link
}

// isQuote reports whether r quotes a phrase: '"', or the curly quotes that
// phones and word processors type for it (“…”, „…“), any closing any.
func isQuote(r rune) bool { return r == '"' || r == '\u201c' || r == '\u201d' || r == '\u201e' }

// isWordEnd reports whether r ends a bare word.
func isWordEnd(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' || isQuote(r) }

func lexQuery(s string) ([]qtoken, error) {
	var toks []qtoken
	i := 0
	// readWord returns the bare word starting at j and the index after it.
	readWord := func(j int) (string, int) {
		k := j
		for k < len(s) {
			r, n := utf8.DecodeRuneInString(s[k:])
			if isWordEnd(r) {
				break
			}
			k += n
		}
		return s[j:k], k
	}
	// readQuoted reads "…" starting at the quote at j.
	readQuoted := func(j int) (string, int, error) {
		_, n := utf8.DecodeRuneInString(s[j:])
		j += n - 1 // the last byte of the opening quote
		end := strings.IndexFunc(s[j+1:], isQuote)
		if end < 0 {
			rest := strings.TrimSpace(s[j+1:])
			if rest == "" {
				return "", 0, queryError(`unbalanced quote: the " at the end is never closed; write phrases as "exact phrase"`)
			}
			return "", 0, queryError(`unbalanced quote: the " before %s is never closed; write phrases as "exact phrase"`, qshow(rest))
		}
		_, m := utf8.DecodeRuneInString(s[j+1+end:])
		return s[j+1 : j+1+end], j + 1 + end + m, nil
	}
	afterMinus := false
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		neg := afterMinus
		afterMinus = false
		switch {
		case unicode.IsSpace(r):
			i += n
			continue
		case r == '(':
			toks = append(toks, qtoken{kind: tokLParen, text: "("})
			i++
			continue
		case r == ')':
			toks = append(toks, qtoken{kind: tokRParen, text: ")"})
			i++
			continue
		case isQuote(r):
			text, next, err := readQuoted(i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, qtoken{kind: tokPhrase, text: text})
			i = next
			continue
		case r == '-' && !neg:
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if i+1 >= len(s) || unicode.IsSpace(next) || next == ')' {
				return nil, queryError("a lone - excludes nothing: put it right before a word, e.g. diffusion -survey")
			}
			toks = append(toks, qtoken{kind: tokMinus, text: "-"})
			i++
			if next == '-' {
				// "--x" excludes the word "-x"; "--" alone is a word with
				// no letters, dropped.
				w, k := readWord(i)
				toks = append(toks, qtoken{kind: tokWord, text: w})
				i = k
			} else {
				afterMinus = true
			}
			continue
		}
		// A word, an operator, a filter or a link.
		j := i
		for j < len(s) && ('a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z') {
			j++
		}
		if j > i && j < len(s) && s[j] == ':' {
			name := strings.ToLower(s[i:j])
			if isQueryField(name) && startsValue(s[j+1:]) {
				var value string
				k := j + 1
				if r, _ := utf8.DecodeRuneInString(s[k:]); isQuote(r) {
					v, next, err := readQuoted(k)
					if err != nil {
						return nil, err
					}
					value, k = v, next
				} else {
					value, k = readWord(k)
				}
				toks = append(toks, qtoken{kind: tokField, text: s[i:k], name: name, value: strings.Join(strings.Fields(value), " ")})
				i = k
				continue
			}
			// Any other word with a colon is text ("FruitNeRF: a unified
			// …", "re:invent", "author: lecun"), or a link.
			w, k := readWord(i)
			if looksLikeURL(w) || strings.EqualFold(name, "arxiv") && isArxivRef(w) {
				toks = append(toks, qtoken{kind: tokLink, text: w, value: w})
			} else {
				toks = append(toks, qtoken{kind: tokWord, text: w})
			}
			i = k
			continue
		}
		w, k := readWord(i)
		i = k
		switch {
		case !neg && w == "OR":
			toks = append(toks, qtoken{kind: tokOr, text: w})
		case !neg && w == "AND":
			toks = append(toks, qtoken{kind: tokAnd, text: w})
		case !neg && w == "NOT":
			toks = append(toks, qtoken{kind: tokNot, text: w})
		case looksLikeURL(w):
			toks = append(toks, qtoken{kind: tokLink, text: w, value: w})
		default:
			toks = append(toks, qtoken{kind: tokWord, text: w})
		}
	}
	return toks, nil
}

// startsValue reports whether rest, the text after a filter name's colon,
// starts a value: anything but the end, white space or a parenthesis (a
// quote starts a quoted value).
func startsValue(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && !unicode.IsSpace(r) && r != '(' && r != ')'
}

func isQueryField(name string) bool {
	for _, f := range queryFields {
		if f == name {
			return true
		}
	}
	return false
}

// paperHosts are the hosts whose links may be pasted without a scheme.
var paperHosts = []string{"huggingface.co/", "hf.co/", "arxiv.org/", "export.arxiv.org/"}

// looksLikeURL reports whether the word w is a link: it has a scheme or
// starts with a paper host.
func looksLikeURL(w string) bool {
	if strings.Contains(w, "://") {
		return true
	}
	l := strings.TrimPrefix(strings.ToLower(strings.TrimPrefix(w, "<")), "www.")
	for _, h := range paperHosts {
		if strings.HasPrefix(l, h) {
			return true
		}
	}
	return false
}

func isArxivRef(w string) bool {
	_, ok := NormalizeID(w)
	return ok
}

// paperLinkID returns the bare arXiv id of an id, a paper link or a link
// pasted from Slack (<https://…>).
func paperLinkID(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "<"), ">")
	if s == "" {
		return "", false
	}
	return PaperIDFrom(s)
}

// qshow quotes user text for a message: one line, at most 40 characters.
func qshow(s string) string { return `"` + qplain(s) + `"` }

// qfilterText is a filter for a message, as String writes it.
func qfilterText(t qtoken) string { return qplain(t.name + ":" + fieldValueString(t.value)) }

// qplain makes user text fit a one-line message of at most 40 characters.
func qplain(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsPrint(r):
			return '\uFFFD'
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:39]) + "…"
	}
	return s
}

// Parsing.
