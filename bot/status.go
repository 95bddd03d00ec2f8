package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ChannelStatus is what `status` shows for a channel, in chat and in a
// terminal.
type ChannelStatus struct {
	Channel  Channel
	Next     time.Time // next scheduled run (zero: no weekday allowed)
	NextList Date      // the list (or for an arXiv channel, the announcement day) that run will look for
	LastPost *Run      // the newest run that posted
	// LastRun is the newest run when it did not post: why the last day was
	// empty, or what went wrong.
	LastRun *Run
	Open    []*Plan // threads left half-posted
	// OffDays are the days of the last week (today included, none before
	// the last post or the channel's creation) whose weekday is not one of
	// the channel's: no run, so no post, by design.
	OffDays []Date
}

// Status reports a channel's schedule, last post and last problem at now.
func (b *Bot) Status(ctx context.Context, ch Channel, now time.Time) (ChannelStatus, error) {
	st := ChannelStatus{Channel: ch}
	loc := ch.Location()
	if next := NextRun(ch.Settings, loc, now); !next.IsZero() {
		st.Next = next
		st.NextList = ListFor(next, DateIn(next, loc), b.listReady())
		if len(ch.Settings.Follows().Arxiv) > 0 {
			st.NextList = DateIn(next, Eastern())
		}
	}
	if r, err := b.Store.LastPosted(ctx, ch.ChannelRef); err == nil {
		st.LastPost = &r
	} else if !errors.Is(err, ErrNotFound) {
		return st, err
	}
	if r, err := b.Store.LastRun(ctx, ch.ChannelRef); err == nil && r.Outcome != OutcomePosted {
		st.LastRun = &r
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return st, err
	}
	open, err := b.Store.OpenPlans(ctx, ch.ChannelRef)
	if err != nil {
		return st, err
	}
	st.Open = open
	st.OffDays = offDays(ch, st.LastPost, now)
	return st, nil
}

// offDays lists the days of the last week, after the last post and the
// channel's creation, that are not among the channel's weekdays.
func offDays(ch Channel, last *Run, now time.Time) []Date {
	loc := ch.Location()
	today := DateIn(now, loc)
	from := today.AddDays(-6)
	if last != nil {
		from = latestDate(from, DateIn(last.At, loc).AddDays(1))
	}
	if !ch.Created.IsZero() {
		from = latestDate(from, DateIn(ch.Created, loc))
	}
	var out []Date
	for d := from; !d.After(today); d = d.AddDays(1) {
		if !ch.Settings.Weekdays.Has(d.Weekday()) {
			out = append(out, d)
		}
	}
	return out
}

func latestDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

// OffDaysNote says in one sentence why there was no post on the off days
// ("" if none): "No post on Sat 28 Nov 2026 and Sun 29 Nov 2026: this
// channel posts Mon-Fri only."
func (st ChannelStatus) OffDaysNote() string {
	if len(st.OffDays) == 0 {
		return ""
	}
	var days []string
	for _, d := range st.OffDays {
		days = append(days, d.Long())
	}
	list := days[0]
	if n := len(days); n > 1 {
		list = strings.Join(days[:n-1], ", ") + " and " + days[n-1]
	}
	return fmt.Sprintf("No post on %s: this channel posts %s only.", list, st.Channel.Settings.Weekdays)
}

// RetryNote says when a waiting run tries again ("" if it does not):
// "Next try at 15:30 CET."
func (st ChannelStatus) RetryNote(now time.Time) string {
	r := st.LastRun
	if r == nil || r.RetryAt.IsZero() || !r.RetryAt.After(now) {
		return ""
	}
	return "Next try at " + r.RetryAt.In(st.Channel.Location()).Format("15:04 MST") + "."
}

// Describe says in a few words how a run that did not post ended.
func (r Run) Describe() string {
	switch r.Outcome {
	case OutcomeEmpty:
		return "nothing posted: " + r.Reason
	case OutcomeWaiting:
		return "waiting: " + r.Reason
	case OutcomeSkipped:
		return "skipped: " + r.Reason
	case OutcomeStopped:
		return r.Reason
	case OutcomePosted:
		return "posted"
	}
	return string(r.Outcome) + ": " + r.Reason
}

// NextWhat names what the next run posts: "the list of Tue 8 Dec 2026",
// for an arXiv channel "arXiv's announcement of Tue 8 Dec 2026".
func (st ChannelStatus) NextWhat() string {
	if len(st.Channel.Settings.Follows().Arxiv) > 0 {
		return "arXiv's announcement of " + st.NextList.Long()
	}
	return "the list of " + st.NextList.Long()
}
