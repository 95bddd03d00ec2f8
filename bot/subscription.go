package bot

import (
	"context"
	"fmt"
	"time"
)

// DefaultMaxTopics is how many topics one user may subscribe to unless
// configured otherwise.
const DefaultMaxTopics = 25

// Subscription is one topic of a user: a query in the search language.
type Subscription struct {
	ID      int64
	User    UserRef
	Query   string // as typed (whitespace-collapsed); parsed again when matched, so since:7d stays relative
	Label   string // optional; the query is shown when empty
	Created time.Time
	// Paused and PausedReason pause this one topic (the whole user is
	// paused through User.PausedReason).
	Paused       bool
	PausedReason string
}

// Name is how a topic is shown: "#3 state space models".
func (s Subscription) Name() string {
	l := s.Label
	if l == "" {
		l = s.Query
	}
	return fmt.Sprintf("#%d %s", s.ID, Truncate(l, 80))
}

// AlertMode is how a user's alerts arrive: instant (the zero value, after
// each poll that brings matching papers) or one digest a day at Time in
// Zone.
type AlertMode struct {
	Daily bool
	Time  TimeOfDay
	Zone  string
}

// String describes the mode for the user.
func (m AlertMode) String() string {
	if !m.Daily {
		return "instant (as soon as new papers are polled)"
	}
	return fmt.Sprintf("daily at %s (%s)", m.Time, m.Zone)
}

// Alert is one paper matched for one user, with the ids of the topics that
// matched it (ascending).
type Alert struct {
	User    UserRef
	PaperID string
	Topics  []int64
}

// AlertItem is one paper of a batch.
type AlertItem struct {
	Paper  Paper
	Topics []int64
}

// AlertBatch is one direct message of alerts to a user (in several parts
// only where a platform limit forces it), as recorded in the delivery log.
type AlertBatch struct {
	ID   int64
	User UserRef
	// Prev is the batch's state before it was claimed for this attempt:
	// StatePlanned for a first attempt, StateSending when an earlier
	// attempt may have sent it (a crash, a timeout, a failure).
	Prev      DeliveryState
	PartsSent int // parts confirmed by earlier attempts
	Attempts  int // including this one
	Items     []AlertItem
	Topics    map[int64]Subscription // the user's topics, by id
	// Watched are the follow-ups of papers the user watches, in the order
	// detected.
	Watched []WatchedChange
}

// Key is the delivery-log key of a part of the batch, carried in the
// message so that an unconfirmed attempt can be looked up.
func (b *AlertBatch) Key(part int) string {
	k := fmt.Sprintf("a:%s:%d", b.User, b.ID)
	if part > 0 {
		k += fmt.Sprintf(":%d", part)
	}
	return k
}

// ForgetResult counts what forgetting a user deleted.
type ForgetResult struct {
	Subscriptions, Alerts, Batches, Users, Watches int
}

// AlertStore keeps subscriptions and the alerts part of the delivery log.
type AlertStore interface {
	// SaveLiveList is SaveList for a live fetch of a recent list: in the
	// same transaction, the papers the store had not seen are queued for
	// alert matching. backfill and ingest use SaveList and SavePapers,
	// which never queue anything.
	SaveLiveList(ctx context.Context, day Date, papers []Paper, now time.Time) (SaveResult, error)
	// AddSubscription stores a new topic and returns it with its id. A user
	// who has max topics already gets an *Error with code EInvalid.
	AddSubscription(ctx context.Context, s Subscription, max int, now time.Time) (Subscription, error)
	// Subscriptions returns the user's topics, oldest first.
	Subscriptions(ctx context.Context, u UserRef) ([]Subscription, error)
	// ActiveSubscriptions returns every topic that is not paused, of users
	// whose alerts are not paused.
	ActiveSubscriptions(ctx context.Context) ([]Subscription, error)
	// DeleteSubscriptions removes one topic of the user (id > 0) or all of
	// them (id 0) and returns how many it removed.
	DeleteSubscriptions(ctx context.Context, u UserRef, id int64) (int, error)
	// SetAlertMode sets how the user's alerts arrive.
	SetAlertMode(ctx context.Context, u UserRef, m AlertMode, now time.Time) error
	// QueuedPapers returns the papers waiting to be matched.
	QueuedPapers(ctx context.Context) ([]Paper, error)
	// SaveAlerts writes the alerts, one row per (user, paper): an alert for
	// a paper the user already had is ignored. In the same transaction it
	// removes done from the matching queue. It returns how many alerts are
	// new.
	SaveAlerts(ctx context.Context, alerts []Alert, done []string, now time.Time) (int, error)
	// AlertUsers returns the users who have alerts not yet sent, with
	// their settings.
	AlertUsers(ctx context.Context) ([]User, error)
	// TakeBatch claims the user's open batch (one whose sending was never
	// confirmed), or else makes a new one of the user's alerts created at
	// or before cutoff (zero: all), ordered by upvotes, and claims it. It
	// returns nil when there is nothing to send.
	TakeBatch(ctx context.Context, u UserRef, cutoff, now time.Time) (*AlertBatch, error)
	// ConfirmPart records that part (0-based) of the batch was sent;
	// last marks the batch sent.
	ConfirmPart(ctx context.Context, batchID int64, part int, s Sent, last bool, now time.Time) error
	// FailBatch records the error of an attempt and when to try again; the
	// batch stays claimed.
	FailBatch(ctx context.Context, batchID int64, errText string, retryAt, now time.Time) error
	// ForgetUser deletes every row about the user: topics, alerts, batches
	// and the user.
	ForgetUser(ctx context.Context, u UserRef) (ForgetResult, error)
}
