package bot

import (
	"slices"
	"strings"
)

// The cat: filter of the query language: arXiv categories and archives.

// maxCategoryAlternatives bounds the alternatives of one cat: filter.
const maxCategoryAlternatives = 20

// parseCategories parses the value of cat:: comma-separated categories
// (cs.CL, hep-th, q-bio.BM) or archives (cs, cs.*), each an archive name
// of letters and hyphens, then optionally a dot and a subject of letters
// and hyphens or *; duplicates count once. Whether a category exists is
// not checked here (the query language knows no taxonomy): one that does
// not simply matches nothing.
func parseCategories(v string) ([]string, bool) {
	var out []string
	for _, a := range strings.Split(v, ",") {
		a = strings.TrimSuffix(a, ".*")
		archive, subject, dotted := strings.Cut(a, ".")
		if !categoryWord(archive) || dotted && !categoryWord(subject) || len(a) > 40 {
			return nil, false
		}
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, a) }) {
			out = append(out, a)
		}
	}
	return out, len(out) <= maxCategoryAlternatives
}

// categoryWord reports whether s is a part of a category name: ASCII
// letters and hyphens, starting with a letter.
func categoryWord(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// CategoryMatches reports whether a paper with the arXiv categories cats
// passes a cat: filter with the alternatives alts (Query.Categories): one
// of them is one of cats, or the archive of one of cats.
func CategoryMatches(alts, cats []string) bool {
	for _, a := range alts {
		for _, c := range cats {
			if strings.EqualFold(c, a) || !strings.Contains(a, ".") && len(c) > len(a) && c[len(a)] == '.' && strings.EqualFold(c[:len(a)], a) {
				return true
			}
		}
	}
	return false
}
