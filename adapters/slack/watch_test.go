package slack

import (
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// TestWatchButton: an item of a channel with follow-ups has a Watch
// button (its value the bot's action) with its link buttons, in the
// minimal card too; without Watch, none.
func TestWatchButton(t *testing.T) {
	p := bot.Paper{ID: "2612.04001", Title: "Sparse routers", ListDate: bot.Date{Year: 2026, Month: 12, Day: 7},
		GitHubRepo: "https://github.com/example/routers"}
	for _, watch := range []bool{true, false} {
		it := bot.Item{Rank: 1, Paper: p, Watch: watch}
		for _, m := range []message{renderItem(it, "i:slack:C1:"+p.ID), minimalItem(it, "i:slack:C1:"+p.ID)} {
			if err := m.validate(); err != nil {
				t.Errorf("Slack would refuse it: %v", err)
			}
			b := string(blocksJSON(m))
			has := strings.Contains(b, `"action_id":"paperboy_action_watch","value":"w:2612.04001"`)
			if has != watch {
				t.Errorf("Watch %v: button %v in %s", watch, has, b)
			}
			if strings.Count(b, `"type":"actions"`) != 1 {
				t.Errorf("the Watch button is not with the links: %s", b)
			}
		}
	}
}
