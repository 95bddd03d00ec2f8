package bot

import "strings"

// Help lines: sub-command, arguments, what it does, an example.
var help = map[string][3]string{
	"help":           {"", "what each command does", "/papers help"},
	"search":         {"<query>", "search every paper paperboy has seen", `/papers search "mixture of experts" since:30d`},
	"today":          {"", "this channel's digest for today, only for you", "/papers today"},
	"paper":          {"<arXiv id or URL>", "one paper's card", "/papers paper 2405.15738"},
	"subscribe":      {"<query> [label:name]", "get a direct message when a matching paper appears", `/papers subscribe "state space models" -survey label:SSMs`},
	"subscriptions":  {"", "your topics", "/papers subscriptions"},
	"unsubscribe":    {"<id|all>", "remove a topic", "/papers unsubscribe 3"},
	"watching":       {"", "the papers you watch (press Watch under a posted paper)", "/papers watching"},
	"unwatch":        {"<arXiv id>", "stop watching a paper", "/papers unwatch 2405.15738"},
	"pause":          {"", "pause your alerts", "/papers pause"},
	"resume":         {"", "resume your alerts", "/papers resume"},
	"alerts":         {"instant | daily HH:MM <zone>", "how your alerts arrive", "/papers alerts daily 08:30 Europe/Berlin"},
	"forget-me":      {"", "delete everything paperboy keeps about you", "/papers forget-me"},
	"status":         {"", "this channel's next post, last post and why a day was empty", "/papers status"},
	"channel set":    {"[source] [time] [zone] [weekdays] [count] [min_upvotes] [cross_lists] [rank] [on_update] [filter]", "post the daily digest in this channel (channel managers)", "/papers-admin channel set source:arxiv:cs.RO,cs.LG time:09:00 zone:Europe/Berlin count:10"},
	"channel show":   {"", "this channel's settings and where each came from", "/papers-admin channel show"},
	"channel remove": {"", "stop the daily digest here", "/papers-admin channel remove"},
}

// Help lists every command with an example.
func Help() Reply {
	r := Reply{Title: "paperboy: research papers in this chat (Hugging Face Daily Papers, arXiv)"}
	add := func(prefix string, subs []string) {
		for _, s := range subs {
			h := help[s]
			line := Line{Code(strings.TrimSpace(prefix + " " + s + " " + h[0])), Text(": %s. Example: ", h[1]), Code(h[2])}
			r.Lines = append(r.Lines, line)
		}
	}
	add("/papers", PapersSubs)
	add("/papers-admin", AdminSubs)
	return r
}

func usageReply(sub, problem string) Reply {
	r := Help()
	r.Error = true
	r.Title = problem
	if h, ok := help[sub]; ok {
		r.Lines = []Line{{Text("Usage: "), Code(strings.TrimSpace("/papers " + sub + " " + h[0])), Text(". Example: "), Code(h[2])}}
	}
	return r
}
