package bot

import (
	"context"
	"time"
)

// FollowupStore is the storage side of follow-ups.
type FollowupStore interface {
	// DueRefreshes returns the ids of the papers that have an item
	// confirmed since since on a channel of one of platforms whose
	// follow-ups are not off,
	// that Hugging Face listed (they have a list date), and whose refresh
	// is due at now (never refreshed, or next due before now), the most
	// overdue first, at most limit. A paper shown in many channels is
	// listed once.
	DueRefreshes(ctx context.Context, platforms []string, since, now time.Time, limit int) ([]string, error)
	// SaveRefreshed stores a refreshed paper's live facts (as a live
	// list would: counters replaced, text filled in, never erased; no
	// list membership), what Hugging Face links to it, and when it is due
	// again. A paper the store does not have is not created.
	SaveRefreshed(ctx context.Context, p Paper, l Linked, next, now time.Time) error
	// RefreshFailed records a failed refresh of paper id and when to try
	// again.
	RefreshFailed(ctx context.Context, id, errText string, next, now time.Time) error
	// ChangedItems returns the items confirmed since since, on channels
	// of one of platforms whose follow-ups are not off, whose message is
	// not gone and whose paper's followed facts changed after they were
	// last checked, oldest first, at most limit.
	ChangedItems(ctx context.Context, platforms []string, since time.Time, limit int) ([]FollowItem, error)
	// PlanFollowups records the changes of an item as planned rows (a
	// change planned before for the item's channel and paper is not
	// planned again), what its message will show from now on (shown),
	// and that it was checked up to it.Seq, in one transaction. It returns how many
	// rows it created.
	PlanFollowups(ctx context.Context, it FollowItem, changes []Change, shown Shown, now time.Time) (int, error)
	// MarkChecked records that the items were compared up to their Seq
	// and nothing changed, in one transaction.
	MarkChecked(ctx context.Context, items []FollowItem) error
	// OpenFollowupItems returns the items that have follow-up rows
	// planned or sending and due at now, on channels whose follow-ups are
	// not stopped, oldest first, at most limit.
	OpenFollowupItems(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// FollowupsOf returns an item and every follow-up row of it, oldest
	// first, or ErrNotFound.
	FollowupsOf(ctx context.Context, itemID int64) (FollowItem, []Followup, error)
	// ClaimFollowups marks rows as sending in batch with mode, and
	// returns the keys that were sent already (claimed by another
	// process: left alone).
	ClaimFollowups(ctx context.Context, keys []string, batch, mode string, now time.Time) (sent []string, err error)
	// ConfirmFollowups records that the rows went out, with the reply's
	// ids (zero for an edit).
	ConfirmFollowups(ctx context.Context, keys []string, s Sent, now time.Time) error
	// FollowupsFailed records the error of the last attempt on rows and
	// when to try again; final marks them failed for good.
	FollowupsFailed(ctx context.Context, keys []string, errText string, next time.Time, final bool, now time.Time) error
	// FollowupsGone records that an item's message was deleted: its open
	// rows are gone, and nothing more is detected for it.
	FollowupsGone(ctx context.Context, itemID int64, errText string, now time.Time) error
	// StopFollowups stops a channel's follow-ups (rows claimed are
	// released to planned) with the reason status shows, until
	// ResumeFollowups.
	StopFollowups(ctx context.Context, ch ChannelRef, keys []string, reason string, now time.Time) error
	// ResumeFollowups lets a stopped channel's follow-ups go on.
	ResumeFollowups(ctx context.Context, ch ChannelRef) error
	// FollowupReport returns, for status, the channel's follow-up rows
	// created since since (newest first) and why its follow-ups stopped
	// ("" when they did not).
	FollowupReport(ctx context.Context, ch ChannelRef, since time.Time) (rows []Followup, stopped string, stoppedAt time.Time, err error)
}
