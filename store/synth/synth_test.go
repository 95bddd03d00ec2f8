package synth

import (
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestDeterministic(t *testing.T) {
	real := []bot.Paper{
		{ID: "2401.00001", Title: "Sparse mixture of experts routing", Abstract: "We route tokens. Experts help. It scales.",
			Authors: []string{"Ada Lovelace", "Alan Turing"}, AISummary: "Routing tokens to experts.", AIKeywords: []string{"MoE", "routing", "sparsity"}, Upvotes: 12},
		{ID: "2401.00002", Title: "Video diffusion with long context", Abstract: "Videos are long. Diffusion is slow.",
			Authors: []string{"Grace Hopper"}, AISummary: "Long videos.", AIKeywords: []string{"video", "diffusion", "context"}, Upvotes: 3, GitHubRepo: "x"},
	}
	gen := func() []bot.Paper {
		var out []bot.Paper
		g := New(real, bot.Date{Year: 2025, Month: 1, Day: 1}, 30)
		if err := g.Papers(50, Seed, func(p bot.Paper) error { out = append(out, p); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := gen(), gen()
	ids := map[string]bool{}
	for i := range a {
		if a[i].Title != b[i].Title || a[i].Abstract != b[i].Abstract || a[i].ID != b[i].ID || a[i].Upvotes != b[i].Upvotes {
			t.Fatalf("paper %d differs between two runs with the same seed", i)
		}
		if ids[a[i].ID] {
			t.Fatalf("duplicate id %s", a[i].ID)
		}
		ids[a[i].ID] = true
		if _, ok := bot.NormalizeID(a[i].ID); !ok {
			t.Fatalf("id %q is not an arXiv id", a[i].ID)
		}
		if a[i].Title == "" || a[i].Abstract == "" || len(a[i].Authors) == 0 || a[i].ListDate.IsWeekend() {
			t.Fatalf("paper %d is incomplete or on a weekend: %+v", i, a[i])
		}
	}
	if a[0].ListDate.After(a[49].ListDate) {
		t.Fatal("papers are not in date order")
	}
}
