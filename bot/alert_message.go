package bot

import (
	"fmt"
	"strings"
)

// AlertMessages renders a batch as direct messages: papers most upvoted
// first (the batch's order), each with its title linked, one line of
// summary and the topics it matched; a footer on how to pause or
// unsubscribe. It starts a new message only where fit says the platform
// cannot take more (nil fit: one message). Papers whose topics were all
// removed since they matched are left out.
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
	if len(entries) == 0 {
		return nil
	}
	title := fmt.Sprintf("%s for your topics", plural(len(entries), "new paper"))
	build := func(part []([]Line), cont bool) Reply {
		r := Reply{Title: title}
		if cont {
			r.Title += " (continued)"
		}
		for _, e := range part {
			r.Lines = append(r.Lines, e...)
		}
		r.Lines = append(r.Lines, alertFooter())
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

func alertFooter() Line {
	return Line{Text("Pause these alerts with "), Code("/papers pause"), Text(", remove a topic with "),
		Code("/papers unsubscribe <id>"), Text(", see them with "), Code("/papers subscriptions"), Text(".")}
}

// alertSource says where an alerted paper comes from and its category:
// "arXiv cs.RO" for a paper only arXiv announced, "12 upvotes on Hugging
// Face · arXiv cs.CL" for one on a daily list.
func alertSource(p Paper) string {
	if p.ArxivOnly() {
		return "arXiv " + Truncate(CleanText(p.Categories[0]), 40)
	}
	out := plural(p.Upvotes, "upvote") + " on Hugging Face"
	if len(p.Categories) > 0 {
		out += " · arXiv " + Truncate(CleanText(p.Categories[0]), 40)
	}
	return out
}
