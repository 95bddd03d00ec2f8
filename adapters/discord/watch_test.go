package discord

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestWatchButton: an item of a channel with follow-ups has a Watch
// button next to its links, in a row of its own when the links fill one
// (five buttons); without Watch, or for a paper without an arXiv id (its
// watch would have no key), none.
func TestWatchButton(t *testing.T) {
	full := bot.Paper{ID: "2612.04001", Title: "Sparse routers", ListDate: bot.Date{Year: 2026, Month: 12, Day: 7},
		GitHubRepo: "https://github.com/example/routers", ProjectPage: "https://example.org/routers"}
	bare := bot.Paper{ID: "2612.04002", Title: "Graph transformers", ListDate: full.ListDate}
	for _, tc := range []struct {
		name  string
		it    bot.Item
		rows  []int // buttons per row
		watch bool
	}{
		{"five links, then Watch", bot.Item{Rank: 1, Paper: full, Watch: true}, []int{5, 1}, true},
		{"three links and Watch", bot.Item{Rank: 2, Paper: bare, Watch: true}, []int{4}, true},
		{"follow-ups off", bot.Item{Rank: 2, Paper: bare}, []int{3}, false},
		{"not an arXiv id", bot.Item{Rank: 3, Paper: bot.Paper{ID: "hf-only-xyz", Title: "x"}, Watch: true}, nil, false},
	} {
		for k, m := range []createMessage{renderItem(tc.it, "i:discord:100:"+tc.it.Paper.ID), minimalItem(tc.it, "i:discord:100:"+tc.it.Paper.ID)} {
			if err := m.check(true); err != nil {
				t.Errorf("%s: Discord would refuse it: %v", tc.name, err)
			}
			var rows []int
			for _, r := range m.Components {
				rows = append(rows, len(r.(discordgo.ActionsRow).Components))
			}
			b, _ := json.Marshal(m.Components)
			has := strings.Contains(string(b), `"custom_id":"w:`+tc.it.Paper.ID+`"`)
			if has != tc.watch {
				t.Errorf("%s: Watch button %v, want %v: %s", tc.name, has, tc.watch, b)
			}
			if k == 0 && !slices.Equal(rows, tc.rows) { // the minimal card has fewer links
				t.Errorf("%s: buttons per row %v, want %v", tc.name, rows, tc.rows)
			}
		}
	}
}
