package bot

import (
	"context"
	"time"
)

// The delivery log is the heart of "never twice, never lost": every message
// the bot intends to send is a row with a unique key, enforced by the
// schema. A digest is planned in one transaction (a header row for the
// channel and list date, one item row per paper, which also makes a paper
// unselectable for that channel forever), each row is claimed just before
// its message is sent and confirmed with the platform's ids just after.
// A row claimed but never confirmed means an earlier attempt may have
// posted it: the platform is asked to Find it before it is sent again.

// Kinds of delivery rows.
const (
	KindHeader = "header"
	KindItem   = "item"
)

// DeliveryState is where a delivery row is in its life.
type DeliveryState string

// Delivery states.
const (
	StatePlanned DeliveryState = "planned" // chosen, never attempted
	StateSending DeliveryState = "sending" // claimed: an attempt started and was not confirmed
	StateSent    DeliveryState = "sent"    // confirmed with the platform's ids
)

// HeaderKey is the delivery-log key of a channel's header for a list date.
func HeaderKey(ch ChannelRef, d Date) string {
	return "h:" + ch.String() + ":" + d.String()
}

// ItemKey is the delivery-log key of a paper posted to a channel.
func ItemKey(ch ChannelRef, paperID string) string {
	return "i:" + ch.String() + ":" + paperID
}

// Delivery is one row of the delivery log.
type Delivery struct {
	Key      string
	Kind     string
	State    DeliveryState
	PaperID  string // items
	Rank     int    // items
	Sent     Sent
	Attempts int
	Error    string // last error, if the last attempt failed
}

// Plan is a digest as recorded in the delivery log: its header row and its
// item rows in rank order.
type Plan struct {
	Channel ChannelRef
	Digest  *Digest
	Header  Delivery
	Items   []Delivery // same order as Digest.Items
	Created time.Time
}

// Done reports whether every row of the plan is confirmed.
func (p *Plan) Done() bool {
	if p.Header.State != StateSent {
		return false
	}
	for _, it := range p.Items {
		if it.State != StateSent {
			return false
		}
	}
	return true
}

// SentCount returns how many items are confirmed.
func (p *Plan) SentCount() int {
	n := 0
	for _, it := range p.Items {
		if it.State == StateSent {
			n++
		}
	}
	return n
}

// DeliveryLog is the storage side of the delivery log.
type DeliveryLog interface {
	// PlanDigest records a digest for a channel: a header row keyed by
	// (channel, list date) and an item row keyed by (channel, paper) for
	// each item, all in one transaction. If a header for that channel and
	// date exists already, nothing is written and the existing plan is
	// returned with created=false. If one of the papers was planned for the
	// channel before (any day), it fails with an *Error of code EConflict.
	PlanDigest(ctx context.Context, ch ChannelRef, d *Digest, now time.Time) (p *Plan, created bool, err error)
	// GetPlan returns the plan for a channel and list date, or ErrNotFound.
	GetPlan(ctx context.Context, ch ChannelRef, d Date) (*Plan, error)
	// OpenPlans returns the plans of a channel that have rows not yet
	// confirmed, oldest first.
	OpenPlans(ctx context.Context, ch ChannelRef) ([]*Plan, error)
	// PlannedPapers returns which of ids were ever planned for the channel.
	PlannedPapers(ctx context.Context, ch ChannelRef, ids []string) (map[string]bool, error)
	// Claim marks the row as being sent and returns its state before the
	// claim. Claiming a sent row changes nothing and returns StateSent.
	Claim(ctx context.Context, key string, now time.Time) (DeliveryState, error)
	// Confirm records that the row's message was sent, with its ids.
	Confirm(ctx context.Context, key string, s Sent, now time.Time) error
	// Failed records the error of the last attempt; the row stays claimed.
	Failed(ctx context.Context, key string, errText string, now time.Time) error
}
