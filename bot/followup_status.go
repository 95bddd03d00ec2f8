package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FollowupStatus says in one line how a channel's follow-ups are going, for
// status: "edit: 3 in the last 7 days (2× code released, 1× v2 on
// arXiv)", with the ones that failed and why, or why there are none
// ("stopped since …: the reason").
func (b *Bot) FollowupStatus(ctx context.Context, ch Channel, now time.Time) (string, error) {
	if b.Followups == nil {
		return "off (followups.days is 0)", nil
	}
	if _, ok := b.Platforms[ch.Platform].(Editor); !ok {
		if ch.Platform == "console" {
			return "none on the console (it cannot edit what it printed)", nil
		}
		return "none (the platform is not configured)", nil
	}
	mode, _ := ParseOnUpdate(ch.Settings.OnUpdate)
	if mode == OnUpdateOff {
		return "off (on_update is off)", nil
	}
	rows, stopped, since, err := b.Store.FollowupReport(ctx, ch.ChannelRef, now.Add(-7*24*time.Hour))
	if err != nil {
		return "", err
	}
	var sent, waiting, failed []Followup
	for _, r := range rows {
		switch r.State {
		case FollowSent:
			sent = append(sent, r)
		case FollowFailed, FollowGone:
			failed = append(failed, r)
		default:
			waiting = append(waiting, r)
		}
	}
	line := fmt.Sprintf("%s: %s in the last 7 days", mode, Count(len(sent), "follow-up"))
	if len(sent) > 0 {
		line += " (" + summarize(sent) + ")"
	}
	if len(waiting) > 0 {
		line += fmt.Sprintf("; %d waiting", len(waiting))
		if e := waiting[0].Error; e != "" && stopped == "" {
			line += " (last error: " + Truncate(e, 200) + ")"
		}
	}
	if len(failed) > 0 {
		line += fmt.Sprintf("; %d not applied (%s)", len(failed), Truncate(failed[0].Error, 200))
	}
	if stopped != "" {
		line += fmt.Sprintf("; stopped since %s: %s (run /papers-admin channel set again once fixed)",
			since.In(ch.Location()).Format("2006-01-02 15:04 MST"), stopped)
	}
	return line, nil
}

// summarize counts follow-ups by what they are: "2× code released, 1× v2
// on arXiv".
func summarize(rows []Followup) string {
	counts := map[string]int{}
	var order []string
	for _, r := range rows {
		what := r.Describe()
		if counts[what] == 0 {
			order = append(order, what)
		}
		counts[what]++
	}
	parts := make([]string, len(order))
	for i, w := range order {
		parts[i] = fmt.Sprintf("%d× %s", counts[w], w)
	}
	return strings.Join(parts, ", ")
}
