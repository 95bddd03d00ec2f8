package slack

import (
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestTitleLinksToArxivWhenOnlyArxivKnowsIt: as on Discord, a paper only
// arXiv has described links its title (and its fallback text) to arXiv.
func TestTitleLinksToArxivWhenOnlyArxivKnowsIt(t *testing.T) {
	arxivOnly := bot.Paper{ID: "2411.18612", Title: "Robust Offline RL", Categories: []string{"cs.LG"}}
	listed := arxivOnly
	listed.ListDate = bot.Date{Year: 2024, Month: 11, Day: 29}
	if got := titleLink(arxivOnly, 1, 200); !strings.Contains(got, "<https://arxiv.org/abs/2411.18612|") {
		t.Errorf("arXiv-only title %q", got)
	}
	if got := itemText(arxivOnly, 1); !strings.HasSuffix(got, " https://arxiv.org/abs/2411.18612") {
		t.Errorf("arXiv-only fallback %q", got)
	}
	if got := titleLink(listed, 1, 200); !strings.Contains(got, "<https://huggingface.co/papers/2411.18612|") {
		t.Errorf("listed title %q", got)
	}
}
