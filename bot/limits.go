package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Fair use: how much of paperboy one chat user may take. Searches (and the
// other read commands: today, paper, subscriptions, the paging buttons)
// and subscription changes (subscribe, unsubscribe, pause, resume, alerts,
// forget-me) each have a per-user token bucket; a user past theirs gets
// "Slow down: try again in N s." at once and nothing else happens.
// Full-text searches (search, its pages, the subscribe preview, the counts
// of /papers subscriptions) then pass a process-wide gate that runs at
// most ConcurrentSearches at once, shared fairly between the users
// waiting. Digests and alert runs never pass the gate, and the gate stays
// below the store's read pool, so a read connection is always free for
// them.

// Limits are the fair-use limits of chat commands. A zero field turns that
// limit off.
type Limits struct {
	// SearchesPerMinute is each user's bucket of searches: that many at
	// once, then that many a minute.
	SearchesPerMinute int
	// SubscriptionChangesPerMinute is the same for subscription changes.
	SubscriptionChangesPerMinute int
	// ConcurrentSearches is how many searches and previews run at once
	// across all users and platforms; it must be smaller than the store's
	// read pool.
	ConcurrentSearches int
}

// The default limits (cmd/paperboy's limits: section).
const (
	DefaultSearchesPerMinute            = 10
	DefaultSubscriptionChangesPerMinute = 5
	// DefaultConcurrentSearches is the store's read pool of 4 connections
	// minus the one kept for digests, alert runs and quick reads.
	DefaultConcurrentSearches = 3
)

// DefaultLimits returns paperboy's default limits.
func DefaultLimits() Limits {
	return Limits{
		SearchesPerMinute:            DefaultSearchesPerMinute,
		SubscriptionChangesPerMinute: DefaultSubscriptionChangesPerMinute,
		ConcurrentSearches:           DefaultConcurrentSearches,
	}
}

// maxWaitingPerUser bounds one user's searches waiting at the gate; the
// bucket refuses sooner with the default limits.
const maxWaitingPerUser = 16

// Limiter applies Limits. One Limiter is shared by every platform's
// Commands, so that the cap on concurrent searches is process-wide.
type Limiter struct {
	limits   Limits
	searches *buckets
	changes  *buckets
	gate     *gate
}

// NewLimiter returns a Limiter for l.
func NewLimiter(l Limits) *Limiter {
	lim := &Limiter{limits: l}
	if l.SearchesPerMinute > 0 {
		lim.searches = newBuckets(l.SearchesPerMinute)
	}
	if l.SubscriptionChangesPerMinute > 0 {
		lim.changes = newBuckets(l.SubscriptionChangesPerMinute)
	}
	if l.ConcurrentSearches > 0 {
		lim.gate = newGate(l.ConcurrentSearches, maxWaitingPerUser)
	}
	return lim
}

// Load returns what the search gate is doing (zero without a gate).
func (l *Limiter) Load() GateLoad {
	if l == nil || l.gate == nil {
		return GateLoad{}
	}
	return l.gate.load()
}

// limitKind says which bucket a /papers sub-command spends from.
func limitKind(sub string) string {
	switch sub {
	case "search", "today", "paper", "subscriptions", "watching":
		return "search"
	case "subscribe", "unsubscribe", "unwatch", "pause", "resume", "alerts", "forget-me":
		return "change"
	}
	return ""
}

// slowDown returns the refusal of a command past its user's bucket, or
// ok=false when the command may go on (it then spent a token).
func (c *Commands) slowDown(user UserRef, kind string) (Reply, bool) {
	l := c.Limiter
	if l == nil {
		return Reply{}, false
	}
	var bs *buckets
	switch kind {
	case "search":
		bs = l.searches
	case "change":
		bs = l.changes
	}
	if bs == nil {
		return Reply{}, false
	}
	ok, wait := bs.take(user, c.Bot.now())
	if ok {
		return Reply{}, false
	}
	return errorReply("Slow down: try again in %d s.", ceilSeconds(wait)), true
}

// ceilSeconds rounds d up to whole seconds, at least 1.
func ceilSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// admit waits for a place at the search gate for one of user's searches
// or previews. The returned release must be called when the search is done.
func (c *Commands) admit(ctx context.Context, user UserRef) (release func(), err error) {
	if c.Limiter == nil || c.Limiter.gate == nil {
		return func() {}, nil
	}
	release, err = c.Limiter.gate.acquire(ctx, user)
	if errors.Is(err, errQueueFull) {
		return nil, Errorf(EBusy, "Slow down: %d of your searches are still waiting; try again when they are answered.", maxWaitingPerUser)
	}
	if err != nil {
		return nil, fmt.Errorf("wait for a search slot: %w", err)
	}
	return release, nil
}
