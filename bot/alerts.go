package bot

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"time"
)

// Topic alerts: after each poll, the papers it stored that the store had
// not seen (queued in the same transaction, see AlertStore.SaveLiveList)
// are matched against every active subscription, in Go (MatchTopics), and
// written as one row per (user, paper) with the matched topics: the
// schema's primary key makes "a paper reaches a user at most once" hold
// across overlapping topics, polls and restarts. Only papers on a recent
// list or a recent arXiv announcement (RecentLists: today's or the
// previous weekday's, US Eastern) alert; backfill and ingest never queue
// anything, and the announcement days a poll fills after downtime are
// older, so they do not alert either.
//
// Sending: each user's pending alerts become one batch, one direct message
// (several parts only where a platform limit forces it), claimed in the
// database before it is sent and confirmed after. A batch claimed but never
// confirmed is re-sent after a restart, but first looked up by the key it
// carries (Slack: message metadata; Discord: a reference on its last line,
// as Discord remembers the message's nonce for a few minutes only) in the
// user's DM channel, opened again if the crash came before it was cached,
// and not sent twice. A failed send is
// retried later with a growing delay; a user who does not accept direct
// messages is paused (Bot.SendDM) and their batch waits for /papers resume.

// alertsBudget bounds the wall time one SendAlerts spends starting new
// users' messages; the daemon calls it again within a minute.
const alertsBudget = 30 * time.Second

// maxFindAttempts is how many attempts of a batch fail on looking for an
// earlier copy before the batch is sent without looking.
const maxFindAttempts = 5

// DMFitter is a DirectMessenger that tells whether a direct message fits
// in one message of the platform. Batches are split only where it says no.
type DMFitter interface {
	FitsDM(r Reply) bool
}

// DMFinder is a DirectMessenger that can look for a direct message carrying
// key in the user's DM channel (cachedChannel, or opened when that is
// empty), sent by an earlier unconfirmed attempt. found is false when there
// is none.
type DMFinder interface {
	FindDM(ctx context.Context, u UserRef, cachedChannel, key string) (s Sent, found bool, err error)
}

// topicsCache is the last compiled set of subscriptions and the parsed
// queries: parsing 100,000 topics takes longer than matching a batch
// against them, and they seldom change between polls.
type topicsCache struct {
	key    uint64
	day    Date
	topics *Topics
	parsed ParsedTopics
}

// compiledTopics returns subs compiled: the last compilation when the same
// subscriptions (by id; a query never changes) were compiled the same UTC
// day (relative dates resolve per day), else a new one that parses only
// the subscriptions it had not parsed.
func (b *Bot) compiledTopics(subs []Subscription, now time.Time) *Topics {
	h := fnv.New64a()
	var buf [8]byte
	for _, s := range subs {
		binary.LittleEndian.PutUint64(buf[:], uint64(s.ID))
		h.Write(buf[:])
	}
	key, day := h.Sum64(), DateOf(now.UTC())
	b.topicsMu.Lock()
	defer b.topicsMu.Unlock()
	c := &b.topics
	if c.topics != nil && c.key == key && c.day == day {
		return c.topics
	}
	c.topics, c.key, c.day = c.parsed.Compile(subs, now), key, day
	return c.topics
}

// AlertsResult says what one round of matching found.
type AlertsResult struct {
	Papers int // recent queued papers matched
	Alerts int // new (user, paper) rows
}

// MatchAlerts matches the papers waiting in the queue against the active
// subscriptions and writes the alerts. Papers not on a recent list (or announcement) are
// taken off the queue without matching.
func (b *Bot) MatchAlerts(ctx context.Context) (AlertsResult, error) {
	var res AlertsResult
	queued, err := b.Store.QueuedPapers(ctx)
	if err != nil || len(queued) == 0 {
		return res, err
	}
	now := b.now()
	recent := map[Date]bool{}
	for _, d := range RecentLists(now) {
		recent[d] = true
	}
	done := make([]string, 0, len(queued))
	var fresh []Paper
	for _, p := range queued {
		done = append(done, p.ID)
		if recent[p.ListDate] || recent[p.AnnouncedOn] {
			fresh = append(fresh, p)
		}
	}
	var alerts []Alert
	if len(fresh) > 0 {
		subs, err := b.Store.ActiveSubscriptions(ctx)
		if err != nil {
			return res, fmt.Errorf("alerts: %w", err)
		}
		start := time.Now()
		alerts = b.compiledTopics(subs, now).Match(fresh)
		b.metrics().AlertsMatched(time.Since(start))
	}
	n, err := b.Store.SaveAlerts(ctx, alerts, done, now)
	if err != nil {
		return res, fmt.Errorf("alerts: %w", err)
	}
	res.Papers, res.Alerts = len(fresh), n
	b.log().Info("alerts matched", "papers", len(fresh), "alerts", n)
	return res, nil
}

// SendAlerts sends each user's pending alerts that are due: at once for
// instant delivery, those that arrived before the user's last daily time
// for daily delivery. Paused users are skipped (their alerts wait). One
// user's failure does not stop the others; the errors are joined. It stops
// starting new users after alertsBudget; the rest wait for the next call.
func (b *Bot) SendAlerts(ctx context.Context) error {
	users, err := b.Store.AlertUsers(ctx)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	var errs []error
	deadline := time.Now().Add(alertsBudget)
	for i, u := range users {
		if ctx.Err() != nil {
			break
		}
		if time.Now().After(deadline) {
			// The rest at the next turn of the daemon: channel digests
			// must not wait behind thousands of direct messages.
			b.log().Info("more alert DMs to send; continuing at the next turn", "users_left", len(users)-i)
			break
		}
		if u.PausedReason != "" {
			continue
		}
		if err := b.sendUserAlerts(ctx, u); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (b *Bot) sendUserAlerts(ctx context.Context, u User) error {
	now := b.now()
	var cutoff time.Time
	if u.Mode.Daily {
		loc, err := time.LoadLocation(u.Mode.Zone)
		if err != nil {
			loc = time.UTC
		}
		cutoff = PrevRun(Settings{Time: u.Mode.Time, Zone: u.Mode.Zone, Weekdays: AllDays}, loc, now)
	}
	batch, err := b.Store.TakeBatch(ctx, u.Ref, cutoff, now)
	if err != nil || batch == nil {
		return err
	}
	return b.sendBatch(ctx, u, batch)
}

// sendBatch sends the parts of a claimed batch not yet confirmed.
func (b *Bot) sendBatch(ctx context.Context, u User, batch *AlertBatch) error {
	wctx := context.WithoutCancel(ctx)
	p := b.Platforms[u.Ref.Platform]
	fit, _ := p.(DMFitter)
	parts := AlertMessages(batch, fit)
	if len(parts) == 0 {
		// Every topic of these papers was removed since: nothing to say.
		return b.Store.ConfirmPart(wctx, batch.ID, 0, Sent{}, true, b.now())
	}
	fail := func(err error) error {
		delay := b.retryDelay() << min(batch.Attempts-1, 6)
		if ferr := b.Store.FailBatch(wctx, batch.ID, err.Error(), b.now().Add(min(delay, time.Hour)), b.now()); ferr != nil {
			err = errors.Join(err, ferr)
		}
		b.log().Warn("alert DM failed; will retry", "platform", u.Ref.Platform, "user", u.Ref.ID, "error", err)
		return fmt.Errorf("alerts: %w", err)
	}
	for i := batch.PartsSent; i < len(parts); i++ {
		m := &DirectMessage{Key: batch.Key(i), Reply: parts[i]}
		last := i == len(parts)-1
		if f, ok := p.(DMFinder); ok && batch.Prev == StateSending && i == batch.PartsSent {
			// Also when no DM channel is cached: a crash between the
			// platform accepting the first DM and caching its channel.
			s, found, err := f.FindDM(ctx, u.Ref, u.DMChannelID, m.Key)
			closed := errors.Is(err, ErrDMsClosed) // SendDM pauses the user
			if err != nil && !closed && batch.Attempts <= maxFindAttempts {
				return fail(fmt.Errorf("find %s: %w", m.Key, err))
			}
			if err != nil && !closed {
				// Never stuck on a lookup that keeps failing: a possible
				// second copy is better than no message at all.
				b.log().Warn("could not look for an earlier alert DM; sending it again", "platform", u.Ref.Platform,
					"user", u.Ref.ID, "error", err)
			}
			if found {
				b.log().Info("found an earlier unconfirmed alert DM; not sending again", "platform", u.Ref.Platform, "user", u.Ref.ID)
				if s.ThreadID != "" && s.ThreadID != u.DMChannelID {
					if err := b.Store.SetDMChannel(wctx, u.Ref, s.ThreadID, b.now()); err != nil {
						return err
					}
					u.DMChannelID = s.ThreadID
				}
				if err := b.Store.ConfirmPart(wctx, batch.ID, i, s, last, b.now()); err != nil {
					return err
				}
				continue
			}
		}
		s, err := b.SendDM(ctx, u.Ref, m)
		if err != nil {
			return fail(err)
		}
		if err := b.Store.ConfirmPart(wctx, batch.ID, i, s, last, b.now()); err != nil {
			return err
		}
		u.DMChannelID = s.ThreadID
	}
	b.log().Info("alerts sent", "platform", u.Ref.Platform, "user", u.Ref.ID, "papers", len(batch.Items), "messages", len(parts)-batch.PartsSent)
	return nil
}
