// arXiv's category taxonomy, https://arxiv.org/category_taxonomy, as
// arXiv/arxiv-base arxiv/taxonomy/definitions.py defines it (extracted to
// arxiv_categories.tsv; see ../../../shared/docs/data-sources.md section 3).

package arxiv

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// categoriesTSV has one row per category: category, name, archive,
// archive_name, status (active|inactive) and canonical, which is empty
// unless the category is an alias of another (math.IT = cs.IT) or an old
// archive subsumed by a category (cmp-lg -> cs.CL).
//
//go:embed arxiv_categories.tsv
var categoriesTSV string

// category is one row of the taxonomy.
type category struct {
	name      string
	archive   string
	canonical string // the name itself unless an alias or subsumed
	active    bool
}

// taxonomy is the embedded table, indexed.
type taxonomy struct {
	cats  map[string]category
	order []string // category names in table order, then archive names
	// archives holds each archive's name, keyed by its name.
	archives map[string]bool
	// fold maps the lower-case spelling of every category and archive to
	// its spelling in the table: "cs.cl" is cs.CL (no two differ only in
	// case).
	fold map[string]string
	// in maps a canonical category to the archives it is listed in: its
	// own and those of its aliases (cs.IT is in cs and, as math.IT, in
	// math).
	in map[string][]string
}

var tax = loadTaxonomy(categoriesTSV)

// loadTaxonomy reads the embedded table; it panics on a malformed one, as
// the table is part of the binary.
func loadTaxonomy(tsv string) *taxonomy {
	t := &taxonomy{
		cats:     map[string]category{},
		archives: map[string]bool{},
		fold:     map[string]string{},
		in:       map[string][]string{},
	}
	lines := strings.Split(strings.TrimRight(tsv, "\n"), "\n")
	if len(lines) < 2 || lines[0] != "category\tname\tarchive\tarchive_name\tstatus\tcanonical" {
		panic("arxiv: arxiv_categories.tsv: unexpected header")
	}
	for i, line := range lines[1:] {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 6 || f[0] == "" || f[2] == "" {
			panic(fmt.Sprintf("arxiv: arxiv_categories.tsv: line %d: malformed", i+2))
		}
		if f[2] == "bad-arch" {
			continue // arxiv-base's own test entry, not a category anyone can use
		}
		c := category{name: f[0], archive: f[2], canonical: f[5], active: f[4] == "active"}
		if c.canonical == "" {
			c.canonical = c.name
		}
		t.cats[c.name] = c
		t.order = append(t.order, c.name)
		t.archives[c.archive] = true
	}
	for _, name := range t.order {
		c := t.cats[name]
		if _, ok := t.cats[c.canonical]; !ok {
			panic("arxiv: arxiv_categories.tsv: " + name + " maps to unknown " + c.canonical)
		}
		if !contains(t.in[c.canonical], c.archive) {
			t.in[c.canonical] = append(t.in[c.canonical], c.archive)
		}
	}
	var bare []string // archives that are not also a category
	for a := range t.archives {
		if _, ok := t.cats[a]; !ok {
			bare = append(bare, a)
		}
	}
	sort.Strings(bare)
	t.order = append(t.order, bare...)
	for _, name := range t.order {
		k := strings.ToLower(name)
		if prev, ok := t.fold[k]; ok && prev != name {
			panic("arxiv: arxiv_categories.tsv: " + prev + " and " + name + " differ only in case")
		}
		t.fold[k] = name
	}
	return t
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// lookup returns the table's spelling of name, whatever its case.
func (t *taxonomy) lookup(name string) (string, bool) {
	if _, ok := t.cats[name]; ok || t.archives[name] {
		return name, true
	}
	s, ok := t.fold[strings.ToLower(name)]
	return s, ok
}

// Canonical returns the canonical name of an arXiv category: an alias
// becomes the category it stands for (math.IT is cs.IT, stat.TH is
// math.ST) and an old subsumed archive the category that replaced it
// (cmp-lg is cs.CL). Old undivided categories that arXiv still lists on
// old papers (astro-ph, cond-mat, q-bio) are canonical themselves. The
// case is corrected ("cs.lg" is cs.LG). It reports false for anything
// that is not a category in the taxonomy, whole archives without a
// category of the same name ("cs", "math") included, and for the ACM and
// MSC class codes the export API lists among categories ("I.2.7",
// "68T05").
func Canonical(cat string) (string, bool) {
	name, ok := tax.lookup(strings.TrimSpace(cat))
	if !ok {
		return "", false
	}
	c, ok := tax.cats[name]
	if !ok {
		return "", false
	}
	return c.canonical, true
}

// IsArchive reports whether name is an arXiv archive ("cs", "math",
// "hep-th", "astro-ph"), in any case.
func IsArchive(name string) bool {
	name, ok := tax.lookup(name)
	return ok && tax.archives[name]
}

// InArchive reports whether category cat is listed in archive: its own
// archive, or, for a category that has aliases, the archive of an alias
// (cs.IT is in math, as math.IT). An unknown category is in the archive
// its name starts with ("cs.XX" in cs).
func InArchive(cat, archive string) bool {
	archive = strings.TrimSuffix(strings.TrimSpace(archive), ".*")
	if a, ok := tax.lookup(archive); ok {
		archive = a
	}
	if c, ok := Canonical(cat); ok {
		return contains(tax.in[c], archive)
	}
	return cat == archive || strings.HasPrefix(cat, archive+".")
}

// MatchesCategory reports whether a paper's category cat matches pattern,
// as a cat: query filter means it: "cs.CL" matches cs.CL (and its aliases,
// in any case), "cs" and "cs.*" match every category of the archive (see
// InArchive). A pattern that is a category and an archive at once
// (astro-ph, hep-th) matches as the archive.
func MatchesCategory(pattern, cat string) bool {
	pattern = strings.TrimSpace(pattern)
	if strings.HasSuffix(pattern, ".*") || IsArchive(pattern) {
		return InArchive(cat, pattern)
	}
	p, okp := Canonical(pattern)
	c, okc := Canonical(cat)
	if okp && okc {
		return p == c
	}
	return strings.EqualFold(strings.TrimSpace(cat), pattern)
}

// ParseCategories reads a source's category list: names separated by
// commas, plus signs or spaces ("cs.CL,cs.LG", "q-bio.BM, cs.LG",
// "cs.AI+cs.LG"), each a category or a whole archive ("cs", "math", also
// written "cs.*"). It returns them canonical (see Canonical; an archive
// stays an archive, so a subsumed old archive such as cmp-lg becomes its
// category, cs.CL), in the order given, without repeats and without
// categories an archive in the list already covers. An unknown name is an
// error naming it and the closest valid one; so is an empty list. Errors
// are *bot.Error with code bot.EInvalid, one line each.
func ParseCategories(spec string) ([]string, error) {
	fields := strings.FieldsFunc(spec, func(r rune) bool {
		return r == ',' || r == '+' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, bot.Errorf(bot.EInvalid, "arxiv: no categories given (write them like cs.CL,cs.LG or a whole archive like cs)")
	}
	var out []string
	for _, f := range fields {
		name, ok := resolve(f)
		if !ok {
			return nil, unknownCategory(f)
		}
		if !contains(out, name) {
			out = append(out, name)
		}
	}
	// Drop categories an archive of the list covers.
	kept := out[:0]
	for _, name := range out {
		covered := false
		for _, a := range out {
			if a != name && tax.archives[a] && InArchive(name, a) {
				covered = true
				break
			}
		}
		if !covered {
			kept = append(kept, name)
		}
	}
	return kept, nil
}

// resolve turns one name of a category list into a canonical category or
// an archive.
func resolve(f string) (string, bool) {
	star := strings.HasSuffix(f, ".*")
	name, ok := tax.lookup(strings.TrimSuffix(f, ".*"))
	if !ok {
		return "", false
	}
	if c, isCat := tax.cats[name]; isCat && (c.canonical != name || !tax.archives[name]) {
		if star {
			return "", false // "cs.LG.*"
		}
		return c.canonical, true
	}
	return name, tax.archives[name]
}

// unknownCategory is the error for a name that is neither a category nor
// an archive.
func unknownCategory(f string) error {
	// %q shows control characters escaped, so the line stays one line
	// and says exactly what was written.
	shown := bot.Truncate(f, 40)
	if best := closest(f); best != "" {
		return bot.Errorf(bot.EInvalid, "arxiv: unknown category %q: did you mean %s?", shown, best)
	}
	return bot.Errorf(bot.EInvalid, "arxiv: unknown category %q (see https://arxiv.org/category_taxonomy)", shown)
}

// closest returns the valid name nearest to f by edit distance, ignoring
// case; the first in table order wins a tie. Names over 40 bytes are too
// far from any to suggest one.
func closest(f string) string {
	if len(f) > 40 {
		return ""
	}
	f = strings.ToLower(f)
	best, bestD := "", 1<<30
	for _, name := range tax.order {
		if d := editDistance(f, strings.ToLower(name)); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// FeedPath is the part of an announcement feed's URL that names its
// categories: "cs.AI+cs.LG" for https://rss.arxiv.org/rss/cs.AI+cs.LG.
// cats are as ParseCategories returns them.
func FeedPath(cats []string) string { return strings.Join(cats, "+") }

// canonicalCategories canonicalises a paper's categories in order,
// leaving out repeats and anything that is not an arXiv category (class
// codes, garbage).
func canonicalCategories(in []string) []string {
	var out []string
	for _, s := range in {
		if c, ok := Canonical(s); ok && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
