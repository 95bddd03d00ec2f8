package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		name, text string
		sub        string
		args       map[string]string
	}{
		{"papers", "", "", map[string]string{}},
		{"/papers", "help", "help", map[string]string{}},
		{"papers", "search diffusion video since:30d", "search", map[string]string{"query": "diffusion video since:30d"}},
		{"papers", "SEARCH  \"state space\"  -survey", "search", map[string]string{"query": `"state space"  -survey`}},
		{"papers", "paper https://huggingface.co/papers/2405.15738", "paper", map[string]string{"id": "https://huggingface.co/papers/2405.15738"}},
		{"papers", "unsubscribe all", "unsubscribe", map[string]string{"id": "all"}},
		{"papers", "alerts daily 08:30 Europe/Berlin", "alerts", map[string]string{"mode": "daily", "time": "08:30", "zone": "Europe/Berlin"}},
		{"papers", "today please", "today", map[string]string{"_extra": "please"}},
		{"papers-admin", "channel set time 09:00 zone Europe/Berlin count 10", "channel set", map[string]string{"time": "09:00", "zone": "Europe/Berlin", "count": "10"}},
		{"papers-admin", "channel set time:07:30 count=5 weekdays mon-fri filter diffusion models -survey", "channel set",
			map[string]string{"time": "07:30", "count": "5", "weekdays": "mon-fri", "filter": "diffusion models -survey"}},
		{"papers-admin", "channel set colour red", "channel set", map[string]string{"_extra": "colour red"}},
		{"papers-admin", "Channel Show", "channel show", map[string]string{}},
		// Found by FuzzParseCommand: ":" made an empty setting name.
		{"papers-admin", "channel set : =x time 09:00", "channel set", map[string]string{"_extra": ": =x", "time": "09:00"}},
	}
	for _, c := range cases {
		got := ParseCommand(c.name, c.text)
		if got.Sub != c.sub || !cmp.Equal(got.Args, c.args) {
			t.Errorf("ParseCommand(%q, %q) = %q %v, want %q %v", c.name, c.text, got.Sub, got.Args, c.sub, c.args)
		}
		if got.Name != strings.TrimPrefix(c.name, "/") {
			t.Errorf("name %q", got.Name)
		}
	}
	long := ParseCommand("papers", "search "+strings.Repeat("x", 5000))
	if n := len([]rune(long.Args["query"])); n > MaxCommandText {
		t.Errorf("query of %d runes kept", n)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"search a b", "channel set time 09:00", "alerts daily", "", "paper", "channel set filter", "\x00\xff"} {
		f.Add("papers", s)
		f.Add("papers-admin", s)
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		cmd := ParseCommand(name, text)
		for k, v := range cmd.Args {
			if k == "" && v == "" {
				t.Fatal("empty argument")
			}
		}
	})
}

func TestParseSubscribeLabel(t *testing.T) {
	for text, want := range map[string][2]string{
		`subscribe "state space" -survey label:SSMs`:       {`"state space" -survey`, "SSMs"},
		`subscribe label:"State space models" mamba OR s4`: {"mamba OR s4", "State space models"},
		`subscribe diffusion`:                              {"diffusion", ""},
	} {
		cmd := ParseCommand("papers", text)
		if cmd.Args["query"] != want[0] || cmd.Args["label"] != want[1] {
			t.Errorf("%s: query %q label %q, want %q", text, cmd.Args["query"], cmd.Args["label"], want)
		}
	}
}
