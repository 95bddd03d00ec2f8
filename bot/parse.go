package bot

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxCommandText is the longest command text accepted.
const MaxCommandText = 1000

// ParseCommand reads a slash command given as text (Slack sends
// "/papers search diffusion video" as the command "papers" and the text
// "search diffusion video") into the sub-command and its named arguments,
// the same ones Discord's typed options give:
//
//	search <query>                → query
//	subscribe <query> [label:"name"] → query, label
//	paper <id or URL>             → id
//	unsubscribe <id|all>          → id
//	unwatch <arXiv id>            → id
//	alerts instant | daily HH:MM <zone> → mode, time, zone
//	channel set time 09:00 zone Europe/Berlin count 10 filter <query…>
//	                              → time, zone, count, … (also time:09:00 or time=09:00;
//	                                filter takes the rest of the text)
//
// Unknown words are kept (in Args under "_extra") so Handle can say what it
// did not understand.
func ParseCommand(name, text string) Command {
	cmd := Command{Name: strings.TrimPrefix(strings.TrimSpace(name), "/"), Args: map[string]string{}}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxCommandText {
		text = Truncate(text, MaxCommandText)
	}
	first, rest := cutWord(text)
	first = strings.ToLower(first)
	if cmd.Name == CmdAdmin {
		second, more := cutWord(rest)
		cmd.Sub = strings.TrimSpace(first + " " + strings.ToLower(second))
		parseSettings(cmd.Args, more)
		return cmd
	}
	cmd.Sub = first
	switch first {
	case "search":
		if rest != "" {
			cmd.Args["query"] = rest
		}
	case "subscribe":
		if q, label, ok := cutLabel(rest); ok {
			rest = q
			cmd.Args["label"] = label
		}
		if rest != "" {
			cmd.Args["query"] = rest
		}
	case "paper", "unsubscribe", "unwatch":
		if rest != "" {
			cmd.Args["id"] = rest
		}
	case "alerts":
		mode, more := cutWord(rest)
		if mode != "" {
			cmd.Args["mode"] = strings.ToLower(mode)
		}
		t, more := cutWord(more)
		if t != "" {
			cmd.Args["time"] = t
		}
		if more != "" {
			cmd.Args["zone"] = more
		}
	default:
		if rest != "" {
			cmd.Args["_extra"] = rest
		}
	}
	return cmd
}

// parseSettings reads "key value" or "key:value" / "key=value" pairs;
// filter takes the rest of the text.
func parseSettings(args map[string]string, s string) {
	var extra []string
	for s != "" {
		var w string
		w, s = cutWord(s)
		key, val, inline := strings.Cut(w, ":")
		if !inline {
			key, val, inline = strings.Cut(w, "=")
		}
		key = strings.ToLower(key)
		if inline && key == "" {
			// ":x" or "=": not a setting; say so rather than store "".
			extra = append(extra, w)
			continue
		}
		if key == "filter" {
			if inline {
				val = strings.TrimSpace(val + " " + s)
			} else {
				val = s
			}
			args["filter"] = strings.Trim(val, `"`)
			return
		}
		if !inline {
			if !contains(channelArgs, key) {
				extra = append(extra, w)
				continue
			}
			val, s = cutWord(s)
		}
		args[key] = val
	}
	if len(extra) > 0 {
		args["_extra"] = strings.Join(extra, " ")
	}
}

func cutWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// labelArg is a subscription's label written in the command text:
// label:word or label:"some words", anywhere in the text.
var labelArg = regexp.MustCompile(`(?i)(?:^|\s)label:(?:"([^"]*)"|(\S+))`)

// cutLabel takes a label: argument out of a subscribe command's text.
func cutLabel(s string) (query, label string, ok bool) {
	m := labelArg.FindStringSubmatchIndex(s)
	if m == nil {
		return s, "", false
	}
	if m[2] >= 0 {
		label = s[m[2]:m[3]]
	} else {
		label = s[m[4]:m[5]]
	}
	return strings.TrimSpace(s[:m[0]] + " " + s[m[1]:]), strings.TrimSpace(label), true
}
