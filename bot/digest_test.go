package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func pp(id string, upvotes, comments int) Paper {
	return Paper{ID: id, Title: "Paper " + id, Upvotes: upvotes, Comments: comments}
}

func ids(papers []Paper) []string {
	out := []string{}
	for _, p := range papers {
		out = append(out, p.ID)
	}
	return out
}

func TestSelect(t *testing.T) {
	list := []Paper{
		pp("a", 5, 0),
		pp("b", 20, 1),
		pp("c", 20, 3), // same upvotes as b, more comments
		pp("d", 7, 2),
		pp("e", 7, 2), // ties with d on everything: list order
		pp("f", 1, 9),
		pp("g", 30, 0),
	}
	tests := []struct {
		name   string
		list   []Paper
		posted map[string]bool
		s      Settings
		filter FilterFunc
		want   []string
		counts Selection // OnList, AlreadyPosted, BelowMin, Filtered, BestUpvotes
	}{
		{
			name: "order: upvotes, then comments, then list order",
			list: list, s: Settings{MaxPapers: 10},
			want:   []string{"g", "c", "b", "d", "e", "a", "f"},
			counts: Selection{OnList: 7},
		},
		{
			name: "capped at MaxPapers, best first",
			list: list, s: Settings{MaxPapers: 3},
			want:   []string{"g", "c", "b"},
			counts: Selection{OnList: 7},
		},
		{
			name: "already posted left out",
			list: list, posted: map[string]bool{"g": true, "c": true, "zzz": true}, s: Settings{MaxPapers: 10},
			want:   []string{"b", "d", "e", "a", "f"},
			counts: Selection{OnList: 7, AlreadyPosted: 2},
		},
		{
			name: "below the minimum left out, best of them kept",
			list: list, s: Settings{MaxPapers: 10, MinUpvotes: 7},
			want:   []string{"g", "c", "b", "d", "e"},
			counts: Selection{OnList: 7, BelowMin: 2, BestUpvotes: 5},
		},
		{
			name: "minimum is inclusive",
			list: list, s: Settings{MaxPapers: 10, MinUpvotes: 20},
			want:   []string{"g", "c", "b"},
			counts: Selection{OnList: 7, BelowMin: 4, BestUpvotes: 7},
		},
		{
			name: "filter rejects",
			list: list, s: Settings{MaxPapers: 10},
			filter: func(p Paper) bool { return p.ID != "g" && p.ID != "a" },
			want:   []string{"c", "b", "d", "e", "f"},
			counts: Selection{OnList: 7, Filtered: 2},
		},
		{
			name: "each paper counted once, for the first reason",
			list: list, posted: map[string]bool{"f": true, "g": true}, s: Settings{MaxPapers: 2, MinUpvotes: 6},
			filter: func(p Paper) bool { return p.ID != "f" && p.ID != "b" && p.ID != "a" },
			want:   []string{"c", "d"},
			counts: Selection{OnList: 7, AlreadyPosted: 2, BelowMin: 1, BestUpvotes: 5, Filtered: 1},
		},
		{
			name: "duplicate ids counted once",
			list: []Paper{pp("a", 5, 0), pp("b", 3, 0), pp("a", 5, 0), pp("b", 3, 0), pp("c", 9, 0)},
			s:    Settings{MaxPapers: 10},
			want: []string{"c", "a", "b"}, counts: Selection{OnList: 3},
		},
		{
			name: "duplicate of a posted paper counted once",
			list: []Paper{pp("a", 5, 0), pp("a", 5, 0)}, posted: map[string]bool{"a": true},
			s:    Settings{MaxPapers: 10},
			want: []string{}, counts: Selection{OnList: 1, AlreadyPosted: 1},
		},
		{
			name: "empty list",
			s:    Settings{MaxPapers: 10},
			want: []string{}, counts: Selection{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := Select(tt.list, tt.posted, tt.s, tt.filter)
			if diff := cmp.Diff(tt.want, ids(sel.Papers)); diff != "" {
				t.Errorf("papers (-want +got):\n%s", diff)
			}
			got := Selection{OnList: sel.OnList, AlreadyPosted: sel.AlreadyPosted, BelowMin: sel.BelowMin,
				Filtered: sel.Filtered, BestUpvotes: sel.BestUpvotes}
			if diff := cmp.Diff(tt.counts, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			left := sel.AlreadyPosted + sel.BelowMin + sel.Filtered
			if kept := sel.OnList - left; len(sel.Papers) != min(kept, tt.s.MaxPapers) {
				t.Errorf("%d papers, but %d on the list and %d left out", len(sel.Papers), sel.OnList, left)
			}
		})
	}
}

func TestSelectDoesNotReorderInput(t *testing.T) {
	list := []Paper{pp("a", 1, 0), pp("b", 2, 0), pp("c", 3, 0)}
	Select(list, nil, Settings{MaxPapers: 10}, nil)
	if diff := cmp.Diff([]string{"a", "b", "c"}, ids(list)); diff != "" {
		t.Errorf("Select reordered its input (-want +got):\n%s", diff)
	}
}

func TestSelectionDigest(t *testing.T) {
	day := Date{2026, 11, 26}
	sel := Select([]Paper{pp("x", 1, 0), pp("y", 9, 0)}, nil, Settings{MaxPapers: 10}, nil)
	sel.ListDate = day
	d := sel.Digest()
	want := &Digest{ListDate: day, Items: []Item{{Rank: 1, Paper: pp("y", 9, 0)}, {Rank: 2, Paper: pp("x", 1, 0)}}}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Digest (-want +got):\n%s", diff)
	}
}

func TestDigestHeader(t *testing.T) {
	day := Date{2026, 11, 26}
	items := func(n int) []Item {
		out := make([]Item, n)
		for i := range out {
			out[i] = Item{Rank: i + 1, Paper: pp(string(rune('a'+i)), 1, 0)}
		}
		return out
	}
	tests := []struct {
		n    int
		want string
	}{
		{10, "Daily Papers · Thu 26 Nov 2026 · 10 papers"},
		{1, "Daily Papers · Thu 26 Nov 2026 · 1 paper"},
		{2, "Daily Papers · Thu 26 Nov 2026 · 2 papers"},
	}
	for _, tt := range tests {
		d := &Digest{ListDate: day, Items: items(tt.n)}
		if got := d.Header(); got != tt.want {
			t.Errorf("Header() with %d items = %q, want %q", tt.n, got, tt.want)
		}
	}
	d := &Digest{ListDate: Date{2026, 3, 2}}
	if got, want := d.Title(), "Daily Papers · Mon 2 Mar 2026"; got != want {
		t.Errorf("Title() = %q, want %q", got, want)
	}
	// Thread names on Discord are at most 100 characters.
	if n := len([]rune((&Digest{ListDate: Date{2026, 9, 30}, Items: items(50)}).Header())); n > 100 {
		t.Errorf("header is %d characters", n)
	}
}

func TestEmptyReason(t *testing.T) {
	day := Date{2026, 11, 26}
	list := []Paper{pp("a", 3, 0), pp("b", 1, 0), pp("c", 2, 0), pp("d", 0, 0)}
	tests := []struct {
		name   string
		list   []Paper
		posted map[string]bool
		s      Settings
		filter FilterFunc
		want   string
	}{
		{"empty list", nil, nil, Settings{MaxPapers: 10}, nil,
			"the list for Thu 26 Nov 2026 has no papers"},
		{"all already posted", list, map[string]bool{"a": true, "b": true, "c": true, "d": true}, Settings{MaxPapers: 10}, nil,
			"all 4 papers on the list for Thu 26 Nov 2026 were already posted to this channel"},
		{"the only paper already posted", list[:1], map[string]bool{"a": true}, Settings{MaxPapers: 10}, nil,
			"the only paper on the list for Thu 26 Nov 2026 was already posted to this channel"},
		{"all below the minimum", list, nil, Settings{MaxPapers: 10, MinUpvotes: 20}, nil,
			"none of the 4 papers on the list for Thu 26 Nov 2026 qualified: 4 below the minimum of 20 upvotes (best had 3)"},
		{"the only paper below the minimum", list[:1], nil, Settings{MaxPapers: 10, MinUpvotes: 5}, nil,
			"the only paper on the list for Thu 26 Nov 2026 did not qualify: 1 below the minimum of 5 upvotes (best had 3)"},
		{"mixed", list, map[string]bool{"d": true}, Settings{MaxPapers: 10, MinUpvotes: 2, Filter: "diffusion"},
			func(p Paper) bool { return false },
			`none of the 4 papers on the list for Thu 26 Nov 2026 qualified: 1 already posted, 1 below the minimum of 2 upvotes (best had 1), 2 not matching the filter "diffusion"`},
		{"posted and filtered", list, map[string]bool{"a": true, "b": true}, Settings{MaxPapers: 10, Filter: "org:meta"},
			func(p Paper) bool { return false },
			`none of the 4 papers on the list for Thu 26 Nov 2026 qualified: 2 already posted, 2 not matching the filter "org:meta"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := Select(tt.list, tt.posted, tt.s, tt.filter)
			sel.ListDate = day
			if len(sel.Papers) != 0 {
				t.Fatalf("selection has %d papers; the case must leave none", len(sel.Papers))
			}
			got := sel.EmptyReason(tt.s)
			if got != tt.want {
				t.Errorf("EmptyReason:\n got %q\nwant %q", got, tt.want)
			}
			if strings.Contains(got, "\n") {
				t.Errorf("EmptyReason is not one line: %q", got)
			}
		})
	}
}

// Select picks the digest's papers from a list: not posted to the channel
// before, at or above the minimum upvotes, matching filter (when not nil),
// the top max by upvotes (then comments, then the list's own order).
func Select(list []Paper, posted map[string]bool, s Settings, filter FilterFunc) Selection {
	return SelectRanked(list, posted, s, filter, nil)
}
