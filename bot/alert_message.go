package bot

import (
	"fmt"
	"strings"
)

// AlertMessages renders a batch as direct messages: papers most upvoted
// first (the batch's order), each with its title linked, one line of
// summary and the topics it matched; then what changed about the papers
// the user watches; a footer on how to pause, unsubscribe or unwatch. It
// starts a new message only where fit says the platform cannot take more
// (nil fit: one message). Papers whose topics were all removed since they
// matched are left out.
func AlertMessages(b *AlertBatch, fit DMFitter) []Reply {
	var entries [][]Line
	for _, it := range b.Items {
		var names []string
		for _, id := range it.Topics {
			if s, ok := b.Topics[id]; ok {
				names = append(names, s.Name())
			}
		}
		if len(names) == 0 {
			continue
		}
		entries = append(entries, alertEntry(it.Paper, names))
	}
	topics := len(entries)
	watched := watchedEntries(b.Watched)
	entries = append(entries, watched...)
	if len(entries) == 0 {
		return nil
	}
	var parts []string
	if topics > 0 {
		parts = append(parts, fmt.Sprintf("%s for your topics", Count(topics, "new paper")))
	}
	if len(watched) > 0 {
		parts = append(parts, fmt.Sprintf("%s you watch changed", Count(len(watched), "paper")))
	}
	title := capitalize(strings.Join(parts, " · "))
	build := func(part []([]Line), cont bool) Reply {
		r := Reply{Title: title}
		if cont {
			r.Title += " (continued)"
		}
		for _, e := range part {
			r.Lines = append(r.Lines, e...)
		}
		r.Lines = append(r.Lines, alertFooter(topics > 0, len(watched) > 0))
		return r
	}
	var out []Reply
	var cur [][]Line
	for _, e := range entries {
		next := append(append([][]Line{}, cur...), e)
		if fit != nil && len(cur) > 0 && !fit.FitsDM(build(next, len(out) > 0)) {
			out = append(out, build(cur, len(out) > 0))
			cur = [][]Line{e}
			continue
		}
		cur = next
	}
	return append(out, build(cur, len(out) > 0))
}

// watchedEntries are the entries of the watched papers that changed, one
// per paper in the order of its first change: "Title: code released, 100
// stars on GitHub" (venues and replaced titles as the update lines of
// posts say them), and a link to the code when it was released.
func watchedEntries(changes []WatchedChange) [][]Line {
	var order []string
	byPaper := map[string][]WatchedChange{}
	for _, c := range changes {
		if _, ok := byPaper[c.Paper.ID]; !ok {
			order = append(order, c.Paper.ID)
		}
		byPaper[c.Paper.ID] = append(byPaper[c.Paper.ID], c)
	}
	var out [][]Line
	for _, id := range order {
		cs := byPaper[id]
		p := cs[len(cs)-1].Paper
		line := Line{Link(Truncate(p.DisplayTitle(), 150), p.PageURL()), Text(": ")}
		code := false
		for i, c := range cs {
			if i > 0 {
				line = append(line, Text(", "))
			}
			f := Followup{Change: c.Change}
			switch {
			case c.Change.Kind == FollowVenue:
				line = append(line, Text("%s", Truncate(c.Change.Detail, maxVenue)))
			case c.Change.Kind == FollowVersion && c.Change.Detail != "":
				line = append(line, Text("%s (was “%s”)", f.Describe(), Truncate(c.Change.Detail, maxOldTitle)))
			default:
				line = append(line, Text("%s", f.Describe()))
			}
			code = code || c.Change.Kind == FollowCode
		}
		entry := []Line{line}
		if repo := strings.TrimSpace(p.GitHubRepo); code && repo != "" {
			l := Line{Link("Code on GitHub", repo)}
			if p.GitHubStars > 0 {
				l = append(l, Text(" · ★ %s", groupThousands(p.GitHubStars)))
			}
			entry = append(entry, l)
		}
		out = append(out, entry)
	}
	return out
}

func alertEntry(p Paper, topics []string) []Line {
	summary := p.AISummary
	if summary == "" {
		summary = p.Abstract
	}
	summary = Truncate(CollapseSpace(summary), 200)
	lines := []Line{{Link(Truncate(p.DisplayTitle(), 150), p.PageURL()), Text(" · %s", alertSource(p))}}
	if summary != "" {
		lines = append(lines, Line{Text("%s", summary)})
	}
	return append(lines, Line{Text("matched: %s", strings.Join(topics, ", "))})
}

func alertFooter(topics, watched bool) Line {
	l := Line{Text("Pause these alerts with "), Code("/papers pause")}
	if topics {
		l = append(l, Text(", remove a topic with "), Code("/papers unsubscribe <id>"), Text(", see them with "), Code("/papers subscriptions"))
	}
	if watched {
		l = append(l, Text(", stop watching a paper with "), Code("/papers unwatch <arXiv id>"), Text(", see them with "), Code("/papers watching"))
	}
	return append(l, Text("."))
}

// alertSource says where an alerted paper comes from and its category:
// "arXiv cs.RO" for a paper only arXiv announced, "12 upvotes on Hugging
// Face · arXiv cs.CL" for one on a daily list.
func alertSource(p Paper) string {
	if p.ArxivOnly() {
		return "arXiv " + Truncate(CleanText(p.Categories[0]), 40)
	}
	out := Count(p.Upvotes, "upvote") + " on Hugging Face"
	if len(p.Categories) > 0 {
		out += " · arXiv " + Truncate(CleanText(p.Categories[0]), 40)
	}
	return out
}
