package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// Interactions as the gateway delivers them (the "d" of INTERACTION_CREATE).
var interactionSeeds = []string{
	`{"id":"1","application_id":"9100","type":2,"guild_id":"9000","channel_id":"100","token":"seedtoken-abcdefgh","member":{"user":{"id":"42"},"permissions":"16"},"data":{"id":"c1","name":"papers","options":[{"name":"search","type":1,"options":[{"name":"query","type":3,"value":"diffusion -video since:30d"}]}]}}`,
	`{"id":"2","type":2,"token":"seedtoken-abcdefgh","user":{"id":"42"},"data":{"name":"papers","options":[{"name":"alerts","type":1,"options":[{"name":"mode","type":3,"value":"daily"},{"name":"time","type":3,"value":"08:30"},{"name":"zone","type":3,"value":"Europe/Berlin"}]}]}}`,
	`{"id":"3","type":2,"guild_id":"9000","member":{"user":{"id":"42"},"permissions":"16"},"data":{"name":"papers-admin","options":[{"name":"channel","type":2,"options":[{"name":"set","type":1,"options":[{"name":"count","type":4,"value":5},{"name":"min_upvotes","type":4,"value":0},{"name":"filter","type":3,"value":"llm"}]}]}]}}`,
	`{"id":"4","type":2,"data":{"name":"papers","options":[{"name":"help","type":1}]}}`,
	`{"id":"5","type":2,"data":{"name":"evil","options":[]}}`,
	`{"id":"6","type":2,"data":{"name":"papers","options":[{"name":"search","type":1,"options":[{"name":"query","type":4,"value":1e308}]}]}}`,
	`{"id":"7","type":2,"data":{"name":"papers","options":[{"name":"search","type":1,"options":[{"name":"query","type":3,"value":"a"},{"name":"query","type":3,"value":"b"}]}]}}`,
	`{"id":"8","type":2,"data":{"name":"papers-admin","options":[{"name":"channel","type":2,"options":[{"name":"set","type":1,"options":[{"name":"count","type":4,"value":1.5}]}]}]}}`,
	`{"id":"9","type":2,"data":{"name":"papers","options":[{"name":"a","type":2,"options":[{"name":"b","type":2,"options":[{"name":"c","type":1,"options":[{"name":"d","type":1}]}]}]}]}}`,
	`{"id":"10","type":3,"data":{"custom_id":"s:0:1","component_type":2}}`,
	`{"id":"11","type":2,"data":{"name":"papers","options":[null]}}`,
	`{"id":"12","type":2,"data":{"name":"papers","options":[{"name":"subscribe","type":1,"options":[{"name":"query","type":3,"value":{"x":[1,2]}},{"name":"label","type":3,"value":"\ud800"}]}]}}`,
}

// Issue 14, point 9: Discord interaction → command. Whatever the JSON, the
// adapter does not panic; what it accepts is one of paperboy's commands as
// registered, with known options, valid UTF-8, names and values within
// their limits; what it refuses gets a one-line reason that never echoes
// the interaction's token.
func FuzzInteractionCommand(f *testing.F) {
	for _, s := range interactionSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var i discordgo.Interaction
		if err := json.Unmarshal(raw, &i); err != nil {
			return // the gateway's own decoding fails first: nothing reaches the adapter
		}
		cmd, err := commandFrom(&i)
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") || len(msg) > 400 || !utf8.ValidString(msg) {
				t.Fatalf("reason %q: not one short line", msg)
			}
			if len(i.Token) >= 8 && strings.Contains(msg, i.Token) {
				t.Fatalf("reason %q holds the token", msg)
			}
			return
		}
		if cmd.Name != bot.CmdPapers && cmd.Name != bot.CmdAdmin {
			t.Fatalf("accepted /%s", cmd.Name)
		}
		spec, ok := commandSpecs[cmd.Name+" "+cmd.Sub]
		if !ok {
			t.Fatalf("accepted /%s %s, not registered", cmd.Name, cmd.Sub)
		}
		if len(cmd.Args) > len(spec) {
			t.Fatalf("%d arguments for %d options", len(cmd.Args), len(spec))
		}
		for k, v := range cmd.Args {
			def, ok := spec[k]
			if !ok || len(k) > maxOptionName || !utf8.ValidString(k) {
				t.Fatalf("argument %q is not an option of /%s %s", k, cmd.Name, cmd.Sub)
			}
			max := def.MaxLength
			if max <= 0 {
				max = 32
			}
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
				t.Fatalf("argument %s = %q: invalid or over %d characters", k, v, max)
			}
		}
	})
}

// The reasons for the seeds that are not paperboy's commands.
func TestInteractionCommandReasons(t *testing.T) {
	want := map[int]string{
		4:  "/evil is not a paperboy command",
		5:  "/papers search: option query has type 4, want 3",
		6:  "/papers search: option query given twice",
		7:  "/papers-admin channel set: option count is not a whole number",
		8:  `/papers has no subcommand "a b c"`,
		9:  "not a slash command",
		10: "/papers needs a subcommand",
		11: "/papers subscribe: option query is not text",
	}
	for n, s := range interactionSeeds {
		var i discordgo.Interaction
		if err := json.Unmarshal([]byte(s), &i); err != nil {
			t.Fatalf("seed %d: %v", n, err)
		}
		_, err := commandFrom(&i)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want[n] {
			t.Errorf("seed %d: %q, want %q", n, got, want[n])
		}
	}
}
