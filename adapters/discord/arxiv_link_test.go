package discord

import (
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestTitleLinksToArxivWhenOnlyArxivKnowsIt: a paper only arXiv has
// described links its title to its arXiv page, and a list shows its
// category instead of "0 upvotes"; a paper Hugging Face listed keeps its
// Hugging Face page.
func TestTitleLinksToArxivWhenOnlyArxivKnowsIt(t *testing.T) {
	arxivOnly := bot.Paper{ID: "2411.18612", Title: "Robust Offline RL", Categories: []string{"cs.LG", "stat.ML"}}
	listed := arxivOnly
	listed.ListDate, listed.Upvotes = bot.Date{Year: 2024, Month: 11, Day: 29}, 12
	if e := paperEmbed(arxivOnly, 1, ""); e.URL != "https://arxiv.org/abs/2411.18612" {
		t.Errorf("arXiv-only embed links to %q", e.URL)
	}
	if e := paperEmbed(listed, 1, ""); e.URL != "https://huggingface.co/papers/2411.18612" {
		t.Errorf("listed embed links to %q", e.URL)
	}
	if got := arxivOnly.Standing(); got != "cs.LG" {
		t.Errorf("arXiv-only standing %q, want its primary category", got)
	}
	if got := listed.Standing(); got != "12 upvotes" {
		t.Errorf("listed standing %q", got)
	}
}
