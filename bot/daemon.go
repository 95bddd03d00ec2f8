package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"
)

// DefaultPollInterval is how often the daemon fetches the recent lists.
const DefaultPollInterval = 30 * time.Minute

// maxSleep bounds one sleep of the daemon so that settings changed by
// another process (a chat command, a config reload) apply within it, and a
// suspended machine catches up soon after it wakes.
const maxSleep = time.Minute

func (b *Bot) pollInterval() time.Duration {
	if b.PollInterval <= 0 {
		return DefaultPollInterval
	}
	return b.PollInterval
}

func (b *Bot) retryDelay() time.Duration {
	if b.RetryDelay <= 0 {
		return time.Minute
	}
	return b.RetryDelay
}

// PollResult says what one poll of the recent lists found.
type PollResult struct {
	Lists   []Date
	New     []string // ids of papers the store had not seen
	Skipped int      // elements of the lists that were not stored
	Feeds   []string // arXiv feeds fetched: "cs.LG+cs.RO 2026-12-08"
	Failed  []error
}

// Poll fetches the recent daily lists (today's and yesterday's, US Eastern)
// and the arXiv feeds the channels follow (see pollArxiv), and stores what
// is new; new papers are queued for topic alerts (see MatchAlerts). One
// failing list or feed does not stop the others.
func (b *Bot) Poll(ctx context.Context) PollResult {
	var res PollResult
	for _, day := range b.listsToPoll(ctx) {
		list, err := b.fetchDay(ctx, day)
		if err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("poll %s: %w", day, err))
			continue
		}
		saved, err := b.saveFetched(ctx, day, list)
		if err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("poll %s: save: %w", day, err))
			continue
		}
		res.Lists = append(res.Lists, day)
		res.New = append(res.New, saved.NewIDs...)
		res.Skipped += len(saved.Skipped)
		b.log().Info("polled", "list", day.String(), "stored", len(list.Papers)-(len(saved.Skipped)-len(list.Skipped)),
			"new", saved.New, "skipped", len(saved.Skipped))
	}
	b.pollArxiv(ctx, &res)
	for _, err := range res.Failed {
		b.log().Warn("poll failed", "error", err)
	}
	return res
}

// pending is a channel run that has to be tried again.
type pending struct {
	slot   time.Time
	at     time.Time
	reason string
}

// Run is the daemon: it polls the recent lists every PollInterval and runs
// each channel's digest at its scheduled times, until ctx ends. Started
// after a missed run, it posts one catch-up digest for the most recent one
// (or records it as skipped when CatchUp is off), never several. Threads
// left half-posted by an earlier process are finished first.
func (b *Bot) Run(ctx context.Context) error {
	if b.Clock == nil {
		b.Clock = SystemClock{}
	}
	start := b.now()
	last := map[ChannelRef]time.Time{}
	retry := map[ChannelRef]pending{}
	chans, err := b.Store.Channels(ctx)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	for _, ch := range chans {
		done, err := b.Store.LastSlot(ctx, ch.ChannelRef)
		if err != nil {
			return fmt.Errorf("daemon: %w", err)
		}
		last[ch.ChannelRef] = latest(done, ch.Created)
		if ch.Stopped != "" {
			continue
		}
		if p, ok := b.Platforms[ch.Platform]; ok {
			finished, err := b.finishOpen(ctx, ch, p)
			if err != nil {
				b.log().Warn("could not finish a half-posted thread; will retry", "platform", ch.Platform, "channel", ch.ID, "error", err)
			}
			for _, p := range finished {
				b.record(ctx, Run{Channel: ch.ChannelRef, At: b.now(), ListDate: p.Digest.ListDate,
					Outcome: OutcomePosted, Papers: len(p.Items), Reason: "completed the thread left half-posted"})
				b.metrics().DigestDone(ch.Platform, DigestPosted)
			}
		}
	}
	b.log().Info("daemon started", "channels", len(chans), "poll_interval", b.pollInterval().String(), "catch_up", b.CatchUp)
	nextPoll := start
	for {
		if ctx.Err() != nil {
			return nil
		}
		now := b.now()
		if !now.Before(nextPoll) {
			nextPoll = now.Add(b.pollInterval())
			b.guard("poll", func() {
				b.Poll(ctx)
				// Also matches what an earlier process queued and did not
				// match, and what a digest's refresh stored since.
				if _, err := b.MatchAlerts(ctx); err != nil && ctx.Err() == nil {
					b.log().Error("could not match alerts; will retry after the next poll", "error", err)
				}
			})
		}
		// Every minute at most: instant alerts just matched, daily digests
		// whose time has come, retries.
		b.guard("alerts", func() {
			if err := b.SendAlerts(ctx); err != nil && ctx.Err() == nil {
				b.log().Warn("some alerts were not sent; will retry", "error", err)
			}
		})
		wake := nextPoll
		chans, err := b.Store.Channels(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.log().Error("could not load channels", "error", err)
			chans = nil
		}
		for _, ch := range chans {
			if ctx.Err() != nil {
				return nil
			}
			var w time.Time
			b.guard("channel "+ch.Platform+"/"+ch.ID, func() { w = b.tick(ctx, ch, start, last, retry) })
			if !w.IsZero() && w.Before(wake) {
				wake = w
			}
		}
		// Follow-ups after the digests that were due, and only until the
		// next one is.
		b.guard("followups", func() {
			if err := b.RunFollowups(ctx, wake); err != nil && ctx.Err() == nil {
				b.log().Warn("some follow-ups were not sent; will retry", "error", err)
			}
		})
		now = b.now()
		if d := min(wake.Sub(now), maxSleep); d > 0 {
			if err := b.Clock.Sleep(ctx, d); err != nil {
				return nil
			}
		}
	}
}

// guard runs one part of the daemon's loop and recovers a panic in it:
// logged with its stack, and that part is tried again at the next turn
// (within a minute), while the other channels, alerts and commands go on.
// The delivery log makes the retry safe: what was claimed and not
// confirmed is looked for before it is sent again.
func (b *Bot) guard(what string, f func()) {
	if p := protect(f); p != nil {
		b.log().Error("recovered from a panic; will retry", "in", what, "panic", fmt.Sprint(p.Value), "stack", p.Stack)
	}
}

// protect runs f and returns the panic it recovered from, if any.
func protect(f func()) (p *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			p = &PanicError{Value: v, Stack: string(debug.Stack())}
		}
	}()
	f()
	return nil
}

// tick runs what is due for one channel and returns when it next needs
// attention.
func (b *Bot) tick(ctx context.Context, ch Channel, start time.Time, last map[ChannelRef]time.Time, retry map[ChannelRef]pending) time.Time {
	ref := ch.ChannelRef
	now := b.now()
	if _, ok := last[ref]; !ok {
		last[ref] = latest(now, ch.Created) // a channel added while running starts now
	}
	if ch.Stopped != "" {
		delete(retry, ref)
		return time.Time{}
	}
	loc := ch.Location()
	next := NextRun(ch.Settings, loc, last[ref])
	if next.IsZero() {
		return time.Time{}
	}
	if r, ok := retry[ref]; ok {
		switch {
		case !now.Before(next):
			// The next run is due: give up on the old one.
			delete(retry, ref)
			b.record(ctx, Run{Channel: ref, Slot: r.slot, At: now, Outcome: OutcomeEmpty,
				Reason: "gave up at the next run: " + r.reason})
		case !now.Before(r.at):
			b.runSlot(ctx, ch, r.slot, retry)
		}
	}
	if !now.Before(next) {
		// Due (or several missed while not running): run only the most
		// recent slot.
		slot := PrevRun(ch.Settings, loc, now)
		last[ref] = now
		if slot.Before(start) && !b.CatchUp {
			b.record(ctx, Run{Channel: ref, Slot: slot, At: now, Outcome: OutcomeSkipped,
				Reason: "missed while paperboy was not running (catch_up is off)"})
		} else {
			if slot.Before(start) {
				b.log().Info("catching up a missed run", "platform", ref.Platform, "channel", ref.ID, "slot", slot)
			}
			b.runSlot(ctx, ch, slot, retry)
		}
		next = NextRun(ch.Settings, loc, last[ref])
	}
	wake := next
	if r, ok := retry[ref]; ok && r.at.Before(wake) {
		wake = r.at
	}
	return wake
}

func (b *Bot) runSlot(ctx context.Context, ch Channel, slot time.Time, retry map[ChannelRef]pending) {
	ref := ch.ChannelRef
	var res DigestResult
	var err error
	if p := protect(func() { res, err = b.Digest(ctx, DigestRequest{Channel: ch, At: slot, Slot: slot}) }); p != nil {
		// A bug, not the platform: logged with its stack, and the slot is
		// tried again like a list that is not there yet.
		b.log().Error("recovered from a panic in a digest; will retry", "platform", ref.Platform, "channel", ref.ID,
			"panic", fmt.Sprint(p.Value), "stack", p.Stack)
		retry[ref] = pending{slot: slot, at: b.now().Add(b.retryDelay()), reason: "paperboy hit an internal error: " + p.Error()}
		return
	}
	attrs := []any{"platform", ref.Platform, "channel", ref.ID, "list", res.Run.ListDate.String(), "outcome", string(res.Run.Outcome)}
	if res.Run.Reason != "" {
		attrs = append(attrs, "reason", res.Run.Reason)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return // shutting down: the slot is not final and is picked up on restart
	case err != nil:
		b.log().Warn("digest failed; will retry", append(attrs, "error", err)...)
	case res.Run.Outcome == OutcomePosted:
		b.log().Info("digest posted", append(attrs, "papers", res.Run.Papers)...)
	default:
		b.log().Info("nothing posted", attrs...)
	}
	if res.Run.Outcome == OutcomeWaiting {
		at := res.Run.RetryAt
		if at.IsZero() {
			at = b.now().Add(b.retryDelay())
		}
		reason := res.Run.Reason
		if reason == "" && err != nil {
			reason = err.Error()
		}
		retry[ref] = pending{slot: slot, at: at, reason: reason}
		return
	}
	delete(retry, ref)
}

func (b *Bot) record(ctx context.Context, r Run) {
	if err := b.Store.RecordRun(context.WithoutCancel(ctx), r); err != nil && !errors.Is(err, context.Canceled) {
		b.log().Error("could not record a run", "channel", r.Channel.String(), "error", err)
	}
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// listsToPoll returns the daily lists a poll fetches: the recent ones,
// unless ListsOnDemand and no channel follows the lists.
func (b *Bot) listsToPoll(ctx context.Context) []Date {
	if b.ListsOnDemand {
		chans, err := b.Store.Channels(ctx)
		if err == nil && !slices.ContainsFunc(chans, func(ch Channel) bool { return ch.Stopped == "" && ch.Settings.Follows().Lists }) {
			return nil
		}
	}
	return RecentLists(b.now())
}
