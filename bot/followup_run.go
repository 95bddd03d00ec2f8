package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Defaults of the followups: configuration.
const (
	DefaultFollowupDays     = 14
	DefaultFollowupInterval = 6 * time.Hour
	// DefaultFollowupPerTurn bounds the papers refreshed in one turn of the
	// daemon (a turn comes about once a minute): 25 requests a minute is a
	// quarter of Hugging Face's anonymous 500 per 5 minutes, shared with
	// the lists' polls.
	DefaultFollowupPerTurn = 25
	// DefaultFollowupBudget bounds the time one turn spends on follow-ups.
	DefaultFollowupBudget = 30 * time.Second
	// maxFollowupAttempts is how often a follow-up is tried before it
	// fails for good.
	maxFollowupAttempts = 8
	// followupItemsPerTurn bounds the items whose follow-ups are
	// delivered in one turn; followupComparePerTurn the items compared
	// (most changes of a paper are no follow-up, and an item that has
	// none costs a row of one transaction: arXiv's first look-up of a
	// paper fills in its comments, which every item showing it compares).
	followupItemsPerTurn   = 200
	followupComparePerTurn = 2000
)

// Followups configures follow-ups (a nil *Followups on the Bot: none).
type Followups struct {
	// Days: papers posted in the last Days days are followed
	// (DefaultFollowupDays when 0).
	Days int
	// Interval: a paper is refreshed at most once per Interval
	// (DefaultFollowupInterval when 0).
	Interval time.Duration
	// Refresher refreshes papers; nil refreshes none (what arXiv's
	// announcements change is still followed).
	Refresher PaperRefresher
	// Arxiv looks followed papers up in arXiv (new versions, venues); nil
	// looks up none.
	Arxiv ArxivDescriber
	// PerTurn and Budget bound one turn (the defaults when 0).
	PerTurn int
	Budget  time.Duration
}

func (f *Followups) days() int {
	if f.Days <= 0 {
		return DefaultFollowupDays
	}
	return f.Days
}

func (f *Followups) interval() time.Duration {
	if f.Interval <= 0 {
		return DefaultFollowupInterval
	}
	return f.Interval
}

func (f *Followups) perTurn() int {
	if f.PerTurn <= 0 {
		return DefaultFollowupPerTurn
	}
	return f.PerTurn
}

func (f *Followups) budget() time.Duration {
	if f.Budget <= 0 {
		return DefaultFollowupBudget
	}
	return f.Budget
}

// editors returns the platforms that can take follow-ups, by name.
func (b *Bot) editors() (map[string]Editor, []string) {
	out := map[string]Editor{}
	var names []string
	for name, p := range b.Platforms {
		if e, ok := p.(Editor); ok {
			out[name] = e
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return out, names
}

// RunFollowups does one turn of follow-ups: it refreshes the papers due
// (at most PerTurn), compares each posted item with its paper, and edits
// (or replies to) the items that changed. It starts nothing new after
// deadline or after Budget, whichever comes first: the daemon passes the
// next time a channel's digest is due, so a digest always goes first.
// One failing item does not stop the others; the errors are joined.
func (b *Bot) RunFollowups(ctx context.Context, deadline time.Time) error {
	f := b.Followups
	if f == nil {
		return nil
	}
	editors, names := b.editors()
	if len(names) == 0 {
		return nil
	}
	now := b.now()
	if end := now.Add(f.budget()); deadline.IsZero() || end.Before(deadline) {
		deadline = end
	}
	since := now.Add(-time.Duration(f.days()) * 24 * time.Hour)
	var errs []error
	// arXiv first: one request covers ArxivBatch papers.
	if err := b.checkArxiv(ctx, names, since, deadline); err != nil {
		errs = append(errs, err)
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := b.refreshFollowed(ctx, names, since, deadline); err != nil {
		errs = append(errs, err)
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := b.detectFollowups(ctx, names, since); err != nil {
		errs = append(errs, err)
	}
	if err := b.deliverFollowups(ctx, editors, deadline); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// detectFollowups compares the items whose paper changed with what their
// message shows, and plans the changes; the items with nothing new are
// marked checked together, in one transaction.
func (b *Bot) detectFollowups(ctx context.Context, platforms []string, since time.Time) error {
	items, err := b.Store.ChangedItems(ctx, platforms, since, followupComparePerTurn)
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	var same []FollowItem
	for _, it := range items {
		changes := Detect(it.Shown, it.Now())
		if len(changes) == 0 {
			same = append(same, it)
			continue
		}
		n, err := b.Store.PlanFollowups(context.WithoutCancel(ctx), it, changes, it.Now(), b.now())
		if err != nil {
			return fmt.Errorf("follow-ups: plan %s: %w", it.ItemKey, err)
		}
		if n > 0 {
			b.log().Info("follow-ups: the paper changed", "platform", it.Channel.Platform, "channel", it.Channel.ID,
				"paper_id", it.Paper.ID, "changes", n)
		}
	}
	if len(same) > 0 {
		if err := b.Store.MarkChecked(context.WithoutCancel(ctx), same); err != nil {
			return fmt.Errorf("follow-ups: %w", err)
		}
	}
	return nil
}

// deliverFollowups sends the open follow-ups, one item at a time, until
// deadline.
func (b *Bot) deliverFollowups(ctx context.Context, editors map[string]Editor, deadline time.Time) error {
	ids, err := b.Store.OpenFollowupItems(ctx, b.now(), followupItemsPerTurn)
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	chans := map[ChannelRef]*Channel{}
	var errs []error
	for _, id := range ids {
		if ctx.Err() != nil || !b.now().Before(deadline) {
			break
		}
		if err := b.deliverItem(ctx, editors, chans, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deliverItem sends one item's open follow-ups: first what an earlier
// attempt left unconfirmed, then the rest in one edit (or one reply).
func (b *Bot) deliverItem(ctx context.Context, editors map[string]Editor, chans map[ChannelRef]*Channel, itemID int64) error {
	it, rows, err := b.Store.FollowupsOf(ctx, itemID)
	if err != nil {
		return fmt.Errorf("follow-ups: item %d: %w", itemID, err)
	}
	ch, ok := chans[it.Channel]
	if !ok {
		c, err := b.Store.GetChannel(ctx, it.Channel)
		switch {
		case errors.Is(err, ErrNotFound):
			ch = nil
		case err != nil:
			return fmt.Errorf("follow-ups: %w", err)
		default:
			ch = &c
		}
		chans[it.Channel] = ch
	}
	ed := editors[it.Channel.Platform]
	if ch == nil || ch.Stopped != "" || ed == nil {
		return nil // removed, stopped, or no platform: the rows wait
	}
	mode, _ := ParseOnUpdate(ch.Settings.OnUpdate)
	now := b.now()
	// Replies claimed and never confirmed: looked for first, by batch.
	batches := map[string][]Followup{}
	var order []string
	var open []Followup
	for _, r := range rows {
		switch {
		case r.State == FollowSending && r.Mode == OnUpdateReply:
			if _, seen := batches[r.Batch]; !seen {
				order = append(order, r.Batch)
			}
			batches[r.Batch] = append(batches[r.Batch], r)
		case r.State == FollowPlanned || r.State == FollowSending:
			open = append(open, r)
		}
	}
	for _, batch := range order {
		if err := b.sendFollowups(ctx, ed, *ch, it, rows, batches[batch], batch, OnUpdateReply, true, now); err != nil {
			return err
		}
	}
	if len(open) == 0 || mode == OnUpdateOff {
		return nil
	}
	return b.sendFollowups(ctx, ed, *ch, it, rows, open, open[0].Key, mode, false, now)
}

// sendFollowups is the delivery-log protocol for one edit or reply:
// claim the rows, look for an earlier unconfirmed reply, send, confirm.
func (b *Bot) sendFollowups(ctx context.Context, ed Editor, ch Channel, it FollowItem, all, batch []Followup,
	key, mode string, resumed bool, now time.Time) error {
	keys := make([]string, len(batch))
	attempts := 0
	for i, r := range batch {
		keys[i] = r.Key
		attempts = max(attempts, r.Attempts+1)
	}
	sent, err := b.Store.ClaimFollowups(ctx, keys, key, mode, now)
	if err != nil {
		return fmt.Errorf("follow-ups: claim %s: %w", key, err)
	}
	if len(sent) > 0 {
		return nil // another process is on it; the next turn sees
	}
	wctx := context.WithoutCancel(ctx)
	m, err := b.followupMessage(ctx, ch, it, all, batch, key, mode, now)
	if err != nil {
		// Tried again later like a failed edit, not at every turn.
		return b.followupFailed(wctx, ctx, ch, it, keys, attempts, err)
	}
	var s Sent
	found := false
	if resumed && mode == OnUpdateReply {
		s, found, err = ed.FindReply(ctx, m)
		if err == nil && found {
			b.log().Info("follow-ups: found an earlier unconfirmed reply; not posting again", "platform", ch.Platform,
				"channel", ch.ID, "key", key)
		}
	}
	if err == nil && !found {
		if mode == OnUpdateReply {
			s, err = ed.ReplyItem(ctx, m)
		} else {
			err = ed.EditItem(ctx, m)
		}
	}
	if err != nil {
		return b.followupFailed(wctx, ctx, ch, it, keys, attempts, err)
	}
	if err := b.Store.ConfirmFollowups(wctx, keys, s, b.now()); err != nil {
		return fmt.Errorf("follow-ups: confirm %s: %w", key, err)
	}
	// The changes by kind only: a venue or a title comes from outside and
	// is not for the logs.
	kinds := make([]string, len(batch))
	for i, r := range batch {
		kinds[i] = r.Suffix()
	}
	b.log().Info("follow-up sent", "platform", ch.Platform, "channel", ch.ID, "paper_id", it.Paper.ID, "mode", mode,
		"changes", strings.Join(kinds, ","))
	return nil
}

// followupFailed records why an edit or reply failed: a deleted message
// is gone for good; a missing permission stops the channel's follow-ups
// (status says why; an admin's /papers-admin channel set resumes them); a
// shutdown leaves the rows claimed; anything else is tried again later,
// at most maxFollowupAttempts times.
func (b *Bot) followupFailed(wctx, ctx context.Context, ch Channel, it FollowItem, keys []string, attempts int, err error) error {
	now := b.now()
	switch stop, isStop := IsStop(err); {
	case errors.Is(err, ErrMessageGone):
		b.log().Info("follow-ups: the item message was deleted; not following it any more", "platform", ch.Platform,
			"channel", ch.ID, "paper_id", it.Paper.ID)
		if serr := b.Store.FollowupsGone(wctx, it.ItemID, err.Error(), now); serr != nil {
			return fmt.Errorf("follow-ups: %w", serr)
		}
		return nil
	case isStop:
		b.log().Warn("follow-ups stopped in a channel until an admin runs /papers-admin channel set again",
			"platform", ch.Platform, "channel", ch.ID, "reason", stop.Reason)
		if serr := b.Store.StopFollowups(wctx, ch.ChannelRef, keys, stop.Reason, now); serr != nil {
			return fmt.Errorf("follow-ups: %w", serr)
		}
		return nil
	case ctx.Err() != nil:
		_ = b.Store.FollowupsFailed(wctx, keys, "interrupted: "+err.Error(), now, false, now)
		return nil
	}
	final := attempts >= maxFollowupAttempts
	next := now.Add(min(time.Hour, b.retryDelay()<<min(attempts, 6)))
	if serr := b.Store.FollowupsFailed(wctx, keys, err.Error(), next, final, now); serr != nil {
		err = errors.Join(err, serr)
	}
	return fmt.Errorf("follow-ups: %s in %s: %w", it.Paper.ID, ch.ChannelRef, err)
}

// followupMessage builds what goes out: the item as its thread has it now
// (the plan's digest, with current papers), and the notes it shows.
func (b *Bot) followupMessage(ctx context.Context, ch Channel, it FollowItem, all, batch []Followup, key, mode string, now time.Time) (*FollowupMessage, error) {
	m := &FollowupMessage{Key: key, Channel: ch, ItemKey: it.ItemKey, Posted: it.Posted, At: now}
	plan, err := b.Store.GetPlan(ctx, ch.ChannelRef, it.ListDate)
	if err != nil {
		return nil, fmt.Errorf("follow-ups: the thread of %s: %w", it.ItemKey, err)
	}
	m.Digest = plan.Digest
	for i := range plan.Digest.Items {
		if plan.Digest.Items[i].Paper.ID == it.Paper.ID {
			m.Item = &plan.Digest.Items[i]
		}
	}
	if m.Item == nil {
		m.Item = &Item{Rank: it.Rank, Paper: it.Paper}
	}
	m.Item.Watch = true // follow-ups go only to channels whose follow-ups are on
	inBatch := map[string]bool{}
	for _, r := range batch {
		inBatch[r.Key] = true
		m.Notes = append(m.Notes, r)
	}
	if mode == OnUpdateEdit {
		for _, r := range all {
			if r.State == FollowSent && !inBatch[r.Key] {
				m.Notes = append(m.Notes, r)
			}
		}
	}
	sort.SliceStable(m.Notes, func(i, j int) bool { return m.Notes[i].Created.After(m.Notes[j].Created) })
	return m, nil
}
