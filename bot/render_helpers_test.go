package bot

import (
	"strings"
	"testing"
)

func TestCompactCount(t *testing.T) {
	for n, want := range map[int]string{
		1: "1", 8: "8", 999: "999", 1000: "1k", 1049: "1k", 1234: "1.2k", 1299: "1.2k", 9999: "9.9k",
		10_000: "10k", 12_345: "12k", 79_408: "79k", 999_999: "999k", 1_000_000: "1M", 1_520_000: "1.5M", 12_000_000: "12M",
	} {
		if got := CompactCount(n); got != want {
			t.Errorf("CompactCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 papers"}, {1, "1 paper"}, {2, "2 papers"}, {241, "241 papers"}} {
		if got := Count(tc.n, "paper"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestHasArxivID(t *testing.T) {
	for id, want := range map[string]bool{
		"2611.00100": true, "2405.15738": true, "hep-th/9901001": true,
		"2611.00100v2": false, " 2611.00100": false, "arXiv:2611.00100": false, "bad id": false, "": false,
	} {
		if got := (Paper{ID: id}).HasArxivID(); got != want {
			t.Errorf("HasArxivID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestDailyListURL(t *testing.T) {
	if got := DailyListURL(Date{}); got != "https://huggingface.co/papers" {
		t.Errorf("zero day: %q", got)
	}
	if got := DailyListURL(Date{Year: 2026, Month: 12, Day: 8}); got != "https://huggingface.co/papers/date/2026-12-08" {
		t.Errorf("a day: %q", got)
	}
	if got := (Date{Year: 2026, Month: 12, Day: 8}).Short(); got != "Tue 8 Dec" {
		t.Errorf("Short: %q", got)
	}
}

// Only a name of a category's shape becomes a link, and only within max.
func TestCategoryListURL(t *testing.T) {
	for cat, want := range map[string]string{
		"cs.LG":              "https://arxiv.org/list/cs.LG/new",
		"hep-th":             "https://arxiv.org/list/hep-th/new",
		"cond-mat.stat-mech": "https://arxiv.org/list/cond-mat.stat-mech/new",
		"math":               "https://arxiv.org/list/math/new",
		"CS.LG":              "",
		"cs.":                "",
		"cs.LG/../x":         "",
		"cs.LG?x=1":          "",
		"-cs":                "",
		"":                   "",
		"cs.LG)":             "",
	} {
		if got := CategoryListURL(cat, 100); got != want {
			t.Errorf("CategoryListURL(%q) = %q, want %q", cat, got, want)
		}
	}
	long := "cs." + strings.Repeat("a", 100)
	if got := CategoryListURL(long, 100); got != "" {
		t.Errorf("a URL over max: %q", got)
	}
	if got := CategoryListURL("cs.LG", len("https://arxiv.org/list/cs.LG/new")); got == "" {
		t.Error("a URL of exactly max refused")
	}
}

func TestDigestIsLast(t *testing.T) {
	d := &Digest{Items: []Item{{Rank: 1}, {Rank: 2}}}
	if d.IsLast(Item{Rank: 1}) || !d.IsLast(Item{Rank: 2}) || d.IsLast(Item{}) {
		t.Error("IsLast of a two-item digest")
	}
	var none *Digest
	if none.IsLast(Item{Rank: 2}) {
		t.Error("a nil digest has a last item")
	}
}

func TestArxivCounts(t *testing.T) {
	items := func(n int) []Item { return make([]Item, n) }
	for _, tc := range []struct {
		d    Digest
		want string
	}{
		{Digest{Items: items(10), Arxiv: &ArxivPart{Announced: 241}}, "10 of 241 new papers in "},
		{Digest{Items: items(1), Arxiv: &ArxivPart{Announced: 1}}, "1 of 1 new paper in "},
		{Digest{Items: items(3), Arxiv: &ArxivPart{Announced: 2}}, "3 new papers in "},
		{Digest{Items: items(12), Arxiv: &ArxivPart{Announced: 241, WithLists: true}}, "12 papers from HF and arXiv's 241 new papers in "},
	} {
		if got := tc.d.ArxivCounts("HF"); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.d.Arxiv, got, tc.want)
		}
	}
}

func TestValidLink(t *testing.T) {
	for _, tc := range []struct {
		url       string
		max       int
		httpsOnly bool
		want      bool
	}{
		{"https://github.com/a/b", 100, false, true},
		{"http://example.org/x?y=1#z", 100, false, true},
		{"http://example.org/x", 100, true, false},
		{"https://example.org:8443/x", 100, true, true},
		{"https://example.org:0/x", 100, false, false},
		{"https://example.org:65536/x", 100, false, false},
		{"HTTPS://example.org/x", 100, false, false},
		{"https://user:pw@example.org/x", 100, false, false},
		{"https://localhost/x", 100, false, false},
		{"https://exa_mple.org/x", 100, false, false},
		{"https://example.org/a b", 100, false, false},
		{"https://example.org/é", 100, false, false},
		{"javascript:alert(1)", 100, false, false},
		{"//example.org/x", 100, false, false},
		{"", 100, false, false},
		{"https://example.org/x", 20, false, false},
		{"https://example.org/x", 21, false, true},
		// Characters only Slack's markup cannot hold are the adapter's
		// business, not ValidLink's.
		{"https://example.org/a|b<c>", 100, false, true},
	} {
		if got := ValidLink(tc.url, tc.max, tc.httpsOnly); got != tc.want {
			t.Errorf("ValidLink(%q, %d, %v) = %v, want %v", tc.url, tc.max, tc.httpsOnly, got, tc.want)
		}
	}
}
