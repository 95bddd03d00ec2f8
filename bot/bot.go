package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Bot runs paperboy's daily digests: it chooses the list, selects papers,
// plans the thread in the delivery log and posts it through a Platform.
type Bot struct {
	Store  Store
	Source Source
	// Arxiv fetches arXiv's announcements for the channels that follow
	// arXiv categories (nil: none can).
	Arxiv ArxivSource
	// ListsOnDemand makes the daemon poll the daily lists only while a
	// channel follows them (the process was given only arXiv sources);
	// otherwise it always does (alerts and search want them too).
	ListsOnDemand bool
	Platforms     map[string]Platform
	Clock         Clock
	Log           *slog.Logger
	// Metrics is told what the bot does (nil: nothing is counted).
	Metrics Metrics
	// ListReady is when a list counts as complete, from 00:00 UTC of its
	// date (DefaultListReady when zero).
	ListReady time.Duration
	// PollInterval is how often the daemon fetches the recent lists
	// (30 minutes when zero).
	PollInterval time.Duration
	// RetryDelay is how long the daemon waits after a failed attempt
	// before trying again (1 minute when zero).
	RetryDelay time.Duration
	// CatchUp makes the daemon post one digest for the most recent run it
	// missed while it was not running; otherwise that run is skipped.
	CatchUp bool
	// Followups keeps posted papers true (see RunFollowups); nil: off.
	Followups *Followups

	// topics caches the compiled subscriptions between polls.
	topicsMu sync.Mutex
	topics   topicsCache
}

func (b *Bot) now() time.Time {
	if b.Clock == nil {
		return time.Now()
	}
	return b.Clock.Now()
}

func (b *Bot) log() *slog.Logger {
	if b.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Log
}

func (b *Bot) listReady() time.Duration {
	if b.ListReady == 0 {
		return DefaultListReady
	}
	return b.ListReady
}

// DigestRequest asks for one channel's digest.
type DigestRequest struct {
	Channel Channel
	// ListDate is the list to post; zero means the list the schedule picks
	// at At.
	ListDate Date
	// At is the moment the digest is for: the scheduled slot, or now.
	At time.Time
	// Slot is the scheduled run this is for (zero when run by hand).
	Slot time.Time
	// DryRun selects the papers and returns the digest without recording
	// or posting anything.
	DryRun bool
}

// DigestResult is what a digest run did.
type DigestResult struct {
	Run    Run
	Digest *Digest // the digest posted (or that would be, for a dry run)
	Plan   *Plan   // the delivery-log plan (nil for a dry run)
}

// Digest runs one channel's digest: it finishes any thread left half-posted
// in that channel, picks the list, refreshes it from the source, selects
// the papers, records the plan and posts it. The returned Run says what
// happened and is also recorded (except for a dry run). A nil error with an
// empty or waiting outcome is a normal day with nothing to post.
func (b *Bot) Digest(ctx context.Context, req DigestRequest) (DigestResult, error) {
	ch := req.Channel
	if req.At.IsZero() {
		req.At = b.now()
	}
	res := DigestResult{Run: Run{Channel: ch.ChannelRef, Slot: req.Slot, ListDate: req.ListDate}}
	finish := func(o Outcome, reason string, err error) (DigestResult, error) {
		if reason == "" && o != OutcomePosted {
			// Every run that did not post says why (status shows it).
			reason = "failed"
			if err != nil {
				reason = "failed, will retry: " + err.Error()
			}
		}
		res.Run.Outcome, res.Run.Reason, res.Run.At = o, reason, b.now()
		if o == OutcomeWaiting && !req.Slot.IsZero() {
			// No list yet: the next poll may bring it. An error: try sooner.
			delay := b.pollInterval()
			if err != nil {
				delay = b.retryDelay()
			}
			res.Run.RetryAt = res.Run.At.Add(delay)
		}
		if !req.DryRun {
			if rerr := b.Store.RecordRun(context.WithoutCancel(ctx), res.Run); rerr != nil {
				err = errors.Join(err, rerr)
			}
			if err == nil || ctx.Err() == nil {
				b.metrics().DigestDone(ch.Platform, digestOutcome(o, err))
			}
		}
		return res, err
	}
	if ch.Stopped != "" && !req.DryRun {
		return finish(OutcomeStopped, "posting is stopped: "+ch.Stopped, nil)
	}
	platform, ok := b.Platforms[ch.Platform]
	if !ok && !req.DryRun {
		err := Errorf(EInvalid, "channel %s: no %s platform is configured", ch.ChannelRef, ch.Platform)
		return finish(OutcomeWaiting, fmt.Sprintf("no %s platform is configured (check the %s settings and tokens)", ch.Platform, ch.Platform), err)
	}

	src := ch.Settings.Follows()
	day := req.ListDate
	if day.IsZero() {
		if len(src.Arxiv) > 0 {
			// An arXiv channel's thread is dated by the announcement
			// it holds: today's, in New York.
			day = DateIn(req.At, Eastern())
		} else {
			day = ListFor(req.At, DateIn(req.At, ch.Location()), b.listReady())
		}
		res.Run.ListDate = day
	}

	if !req.DryRun {
		// Never start a new thread while one is half-posted here.
		finished, err := b.finishOpen(ctx, ch, platform)
		if err != nil {
			return b.deliveryFailed(ctx, ch, finish, err)
		}
		var done *Plan
		for _, p := range finished {
			if p.Digest.ListDate == day {
				done = p
				continue
			}
			b.record(ctx, Run{Channel: ch.ChannelRef, At: b.now(), ListDate: p.Digest.ListDate,
				Outcome: OutcomePosted, Papers: len(p.Items), Reason: "completed the thread left half-posted"})
			b.metrics().DigestDone(ch.Platform, DigestPosted)
		}
		if done != nil {
			res.Plan, res.Digest, res.Run.Papers = done, done.Digest, len(done.Items)
			return finish(OutcomePosted, "completed the thread left half-posted", nil)
		}
	}
	if day.IsZero() {
		return finish(OutcomeEmpty, "no Hugging Face list is ready yet", nil)
	}

	if !req.DryRun {
		plan, err := b.Store.GetPlan(ctx, ch.ChannelRef, day)
		switch {
		case err == nil:
			res.Plan, res.Digest, res.Run.Papers = plan, plan.Digest, len(plan.Items)
			reason := fmt.Sprintf("the list for %s was already posted to this channel (%s)", day.Long(), Count(len(plan.Items), "paper"))
			if len(src.Arxiv) > 0 {
				reason = fmt.Sprintf("the thread for %s was already posted to this channel (%s)", day.Long(), Count(len(plan.Items), "paper"))
			} else if local := DateIn(req.At, ch.Location()); local.IsWeekend() && day.Before(local) {
				reason = fmt.Sprintf("weekend: Hugging Face publishes no list on %ss, and %s", local.Weekday(), reason)
			}
			return finish(OutcomeEmpty, reason, nil)
		case !errors.Is(err, ErrNotFound):
			return finish(OutcomeWaiting, "could not read the delivery log: "+err.Error(), fmt.Errorf("digest %s: %w", ch.ChannelRef, err))
		}
	}

	var list []Paper
	var part *ArxivPart
	var announced map[string]bool
	if len(src.Arxiv) > 0 {
		g, reason, outcome, err := b.gatherArxiv(ctx, ch, src, day, req)
		if outcome != "" {
			return finish(outcome, reason, err)
		}
		list, part, announced = g.papers, g.part, g.announced
	} else {
		var reason string
		var err error
		list, reason, err = b.refresh(ctx, day, req.DryRun)
		if err != nil || len(list) == 0 {
			if reason == "" && err != nil {
				reason = fmt.Sprintf("could not get the list for %s: %v", day.Long(), err)
			}
			return finish(OutcomeWaiting, reason, err)
		}
	}
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	var filter FilterFunc
	var relevance func(Paper) float64
	if ch.Settings.Filter != "" {
		// The filter is a search query: a paper passes when the search
		// would find it.
		q, err := ParseQuery(ch.Settings.Filter, req.At)
		if err != nil {
			return finish(OutcomeEmpty, "the channel's filter is invalid: "+err.Error(), nil)
		}
		// Matched in Go, as the index would (a dry run's fresh papers are
		// not in the index).
		filter, relevance = filterFuncs(q)
	}
	for attempt := 0; ; attempt++ {
		posted, err := b.Store.PlannedPapers(ctx, ch.ChannelRef, ids)
		if err != nil {
			return finish(OutcomeWaiting, "could not read the delivery log: "+err.Error(), fmt.Errorf("digest %s: %w", ch.ChannelRef, err))
		}
		sel := SelectRanked(list, posted, ch.Settings, filter, relevance)
		sel.ListDate = day
		if len(sel.Papers) == 0 {
			if part != nil {
				return finish(OutcomeEmpty, arxivEmptyReason(sel, part, ch.Settings), nil)
			}
			return finish(OutcomeEmpty, sel.EmptyReason(ch.Settings), nil)
		}
		res.Digest = sel.Digest()
		if part != nil {
			res.Digest.Arxiv = part.withShown(sel.Papers, announced)
		}
		res.Run.Papers = len(res.Digest.Items)
		if req.DryRun {
			res.Run.Outcome, res.Run.At = OutcomePosted, b.now()
			return res, nil
		}
		plan, _, err := b.Store.PlanDigest(ctx, ch.ChannelRef, res.Digest, b.now())
		if ErrorCode(err) == EConflict && attempt < 2 {
			continue // another process planned one of these papers just now
		}
		if err != nil {
			return finish(OutcomeWaiting, "could not record the thread in the delivery log: "+err.Error(), fmt.Errorf("digest %s: %w", ch.ChannelRef, err))
		}
		res.Plan, res.Digest = plan, plan.Digest
		if err := b.deliver(ctx, ch, platform, plan); err != nil {
			return b.deliveryFailed(ctx, ch, finish, err)
		}
		return finish(OutcomePosted, "", nil)
	}
}

func (b *Bot) deliveryFailed(ctx context.Context, ch Channel, finish func(Outcome, string, error) (DigestResult, error), err error) (DigestResult, error) {
	if stop, ok := IsStop(err); ok {
		if serr := b.Store.StopChannel(context.WithoutCancel(ctx), ch.ChannelRef, stop.Reason, b.now()); serr != nil {
			err = errors.Join(err, serr)
		}
		return finish(OutcomeStopped, "posting is stopped: "+stop.Reason, err)
	}
	return finish(OutcomeWaiting, "posting failed, will retry: "+err.Error(), err)
}

// refresh fetches the list from the source (upvotes are live counters),
// saves it unless dryRun, and returns the list's papers. When the source
// fails, what the store has is used. An empty list comes with a reason.
func (b *Bot) refresh(ctx context.Context, day Date, dryRun bool) ([]Paper, string, error) {
	fetched, ferr := b.fetchDay(ctx, day)
	fresh := fetched.Papers
	if ferr == nil && !dryRun {
		// A live fetch: papers new to the store are queued for alerts.
		if _, err := b.saveFetched(ctx, day, fetched); err != nil {
			return nil, "", fmt.Errorf("save list %s: %w", day, err)
		}
	}
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	stored, err := b.Store.ListPapers(ctx, day)
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", day, err)
	}
	list := stored
	if dryRun && ferr == nil {
		list = mergeFresh(stored, fresh)
	}
	if ferr != nil {
		if len(stored) > 0 {
			b.log().Warn("source failed; using the stored list", "source", b.Source.Name(), "list", day.String(), "error", ferr)
			return stored, "", nil
		}
		return nil, fmt.Sprintf("could not fetch the list for %s from %s: %v", day.Long(), b.Source.Name(), ferr), nil
	}
	if len(list) == 0 {
		if n := len(fetched.Skipped); n > 0 {
			return nil, fmt.Sprintf("every element of the list for %s from %s was skipped (%s)", day.Long(), b.Source.Name(),
				SkippedSummary(fetched.Skipped, 3)), nil
		}
		return nil, fmt.Sprintf("%s has no list for %s yet", b.Source.Name(), day.Long()), nil
	}
	return list, "", nil
}

// mergeFresh overlays freshly fetched papers on stored ones (dry runs do not
// save).
func mergeFresh(stored, fresh []Paper) []Paper {
	seen := make(map[string]int, len(fresh))
	out := append([]Paper(nil), fresh...)
	for i, p := range out {
		seen[p.ID] = i
	}
	for _, p := range stored {
		if _, ok := seen[p.ID]; !ok {
			out = append(out, p)
		}
	}
	return out
}
