package arxiv

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paperboy-bot/paperboy/bot"
)

func TestTaxonomyCounts(t *testing.T) {
	// 177 rows, less arxiv-base's test entry bad-arch.bad-cat.
	if got := len(tax.cats); got != 176 {
		t.Errorf("%d categories, want 176", got)
	}
	aliases := 0
	for _, c := range tax.cats {
		if c.canonical != c.name {
			aliases++
		}
	}
	if aliases != 24 { // 6 aliases and 18 subsumed old archives
		t.Errorf("%d categories map to another, want 24", aliases)
	}
}

func TestParseCategories(t *testing.T) {
	for _, tt := range []struct {
		spec string
		want []string
	}{
		{"cs.CL,cs.LG", []string{"cs.CL", "cs.LG"}},
		{"q-bio.BM, cs.LG", []string{"q-bio.BM", "cs.LG"}},
		{"cs.AI+cs.LG", []string{"cs.AI", "cs.LG"}},
		{" cs.RO ", []string{"cs.RO"}},
		{"cs", []string{"cs"}},
		{"math", []string{"math"}},
		{"cs.*", []string{"cs"}},
		{"hep-th", []string{"hep-th"}},
		{"astro-ph", []string{"astro-ph"}},
		// Aliases and subsumed old names become their canonical category.
		{"math.IT", []string{"cs.IT"}},
		{"cs.SY", []string{"eess.SY"}},
		{"cs.NA", []string{"math.NA"}},
		{"math.MP", []string{"math-ph"}},
		{"stat.TH", []string{"math.ST"}},
		{"q-fin.EC", []string{"econ.GN"}},
		{"cmp-lg", []string{"cs.CL"}},
		{"solv-int", []string{"nlin.SI"}},
		// Case is corrected.
		{"CS.cl", []string{"cs.CL"}},
		// Repeats, also through aliases, are left out.
		{"cs.IT,math.IT,cs.IT", []string{"cs.IT"}},
		{"cmp-lg,cs.CL", []string{"cs.CL"}},
		{"cs.CL,,cs.LG,", []string{"cs.CL", "cs.LG"}},
		// An archive covers its categories, wherever it stands.
		{"cs.LG,cs,cs.CL", []string{"cs"}},
		{"cs.LG,math,math.OC", []string{"cs.LG", "math"}},
		{"math,math.IT", []string{"math"}}, // cs.IT is in math as math.IT
		{"astro-ph.GA,astro-ph", []string{"astro-ph"}},
		{"cmp-lg,cs", []string{"cs"}},
	} {
		got, err := ParseCategories(tt.spec)
		if err != nil {
			t.Errorf("ParseCategories(%q): %v", tt.spec, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCategories(%q) (-want +got):\n%s", tt.spec, diff)
		}
	}
}

func TestParseCategoriesErrors(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"cs.CV2", `arxiv: unknown category "cs.CV2": did you mean cs.CV?`},
		{"cs.CL,cs.LGG", `arxiv: unknown category "cs.LGG": did you mean cs.LG?`},
		{"astroph", `arxiv: unknown category "astroph": did you mean astro-ph?`},
		{"qbio.BM", `arxiv: unknown category "qbio.BM": did you mean q-bio.BM?`},
		{"hep-th2", `arxiv: unknown category "hep-th2": did you mean hep-th?`},
		{"bad-arch.bad-cat", `arxiv: unknown category "bad-arch.bad-cat": did you mean `},
		{"cs.LG.*", `arxiv: unknown category "cs.LG.*": did you mean cs.LG?`},
		{"", "arxiv: no categories given"},
		{" , ", "arxiv: no categories given"},
		{strings.Repeat("x", 100), `arxiv: unknown category "xxxx`},
		{"cs.\x1b[31mLG\n", `arxiv: unknown category "cs.\x1b[31mLG": did you mean cs.LG?`},
	} {
		got, err := ParseCategories(tt.spec)
		if err == nil {
			t.Errorf("ParseCategories(%q) = %q, want an error", tt.spec, got)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || strings.ContainsAny(msg, "\n\r\x1b") {
			t.Errorf("ParseCategories(%q): %q, want %q...", tt.spec, msg, tt.want)
		}
		if bot.ErrorCode(err) != bot.EInvalid {
			t.Errorf("ParseCategories(%q): code %q", tt.spec, bot.ErrorCode(err))
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"cs.LG", "cs.LG", true},
		{"math.IT", "cs.IT", true},
		{"cs.lg", "cs.LG", true},
		{"chao-dyn", "nlin.CD", true},
		{"astro-ph", "astro-ph", true},
		{"cs", "", false},
		{"I.2.7", "", false},
		{"68T05", "", false},
		{"bad-arch.bad-cat", "", false},
	} {
		got, ok := Canonical(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Canonical(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMatchesCategory(t *testing.T) {
	for _, tt := range []struct {
		pattern, cat string
		want         bool
	}{
		{"cs.CL", "cs.CL", true},
		{"cs.CL", "cs.LG", false},
		{"cs.cl", "cs.CL", true},
		{"cs", "cs.CL", true},
		{"cs.*", "cs.CL", true},
		{"cs.*", "math.OC", false},
		{"cs", "csx.AB", false},
		{"cs.IT", "math.IT", true},
		{"math", "cs.IT", true}, // listed in math as math.IT
		{"math.*", "cs.IT", true},
		{"cs", "eess.SY", true}, // listed in cs as cs.SY
		{"math", "math-ph", true},
		{"math", "math.AG", true},
		{"physics", "physics.optics", true},
		{"physics", "quant-ph", false},
		{"astro-ph", "astro-ph", true},
		{"astro-ph", "astro-ph.GA", true},
		{"astro-ph.GA", "astro-ph", false},
		{"hep-th", "hep-th", true},
		{"hep-th", "hep-ph", false},
		{"cs", "cs.ZZ", true}, // unknown: by its name
		{"cs.ZZ", "cs.ZZ", true},
	} {
		if got := MatchesCategory(tt.pattern, tt.cat); got != tt.want {
			t.Errorf("MatchesCategory(%q, %q) = %v, want %v", tt.pattern, tt.cat, got, tt.want)
		}
	}
}

func TestFeedPath(t *testing.T) {
	cats, err := ParseCategories("cs.AI, cs.LG")
	if err != nil {
		t.Fatal(err)
	}
	if got := FeedPath(cats); got != "cs.AI+cs.LG" {
		t.Errorf("FeedPath = %q", got)
	}
}
