package bot

import (
	"context"
	"errors"
	"time"
)

// ChannelStatus is what `status` shows for a channel, in chat and in a
// terminal.
type ChannelStatus struct {
	Channel  Channel
	Next     time.Time // next scheduled run (zero: no weekday allowed)
	NextList Date      // the list that run will look for
	LastPost *Run      // the newest run that posted
	// LastRun is the newest run when it did not post: why the last day was
	// empty, or what went wrong.
	LastRun *Run
	Open    []*Plan // threads left half-posted
}

// Status reports a channel's schedule, last post and last problem at now.
func (b *Bot) Status(ctx context.Context, ch Channel, now time.Time) (ChannelStatus, error) {
	st := ChannelStatus{Channel: ch}
	loc := ch.Location()
	if next := NextRun(ch.Settings, loc, now); !next.IsZero() {
		st.Next = next
		st.NextList = ListFor(next, DateIn(next, loc), b.listReady())
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
	return st, nil
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
