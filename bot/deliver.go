package bot

import (
	"context"
	"errors"
	"fmt"
)

// The delivery-log protocol (delivery.go) as the bot runs it: finish the
// threads left half-posted, deliver a plan header first, and send each
// message by claim, look for an earlier attempt, send, confirm.

// finishOpen delivers every plan of the channel that has unconfirmed rows
// and returns the plans it finished.
func (b *Bot) finishOpen(ctx context.Context, ch Channel, platform Platform) ([]*Plan, error) {
	plans, err := b.Store.OpenPlans(ctx, ch.ChannelRef)
	if err != nil {
		return nil, fmt.Errorf("open threads of %s: %w", ch.ChannelRef, err)
	}
	for _, p := range plans {
		b.log().Info("finishing a half-posted thread", "platform", ch.Platform, "channel", ch.ID,
			"list", p.Digest.ListDate.String(), "sent", p.SentCount(), "items", len(p.Items))
		if err := b.deliver(ctx, ch, platform, p); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// deliver sends every unconfirmed row of plan, header first, in rank order.
func (b *Bot) deliver(ctx context.Context, ch Channel, platform Platform, plan *Plan) error {
	resumed := plan.Header.State == StateSent
	if !resumed {
		m := &Message{Key: plan.Header.Key, Channel: ch, Digest: plan.Digest}
		s, err := b.send(ctx, platform, m)
		if err != nil {
			return err
		}
		plan.Header.Sent, plan.Header.State = s, StateSent
	}
	mode, _ := ParseOnUpdate(ch.Settings.OnUpdate)
	watch := b.Followups != nil && mode != OnUpdateOff
	for i := range plan.Items {
		row := &plan.Items[i]
		if row.State == StateSent {
			continue
		}
		plan.Digest.Items[i].Watch = watch
		m := &Message{Key: row.Key, Channel: ch, Digest: plan.Digest, Item: &plan.Digest.Items[i],
			Thread: plan.Header.Sent, Resumed: resumed}
		s, err := b.send(ctx, platform, m)
		if err != nil {
			return err
		}
		row.Sent, row.State = s, StateSent
	}
	return nil
}

// send is the delivery-log protocol for one message: claim, look for an
// earlier unconfirmed attempt, send, confirm.
func (b *Bot) send(ctx context.Context, platform Platform, m *Message) (Sent, error) {
	if err := ctx.Err(); err != nil {
		return Sent{}, err
	}
	prev, err := b.Store.Claim(ctx, m.Key, b.now())
	if err != nil {
		return Sent{}, fmt.Errorf("claim %s: %w", m.Key, err)
	}
	// Once claimed, the outcome must be recorded even if we are asked to
	// stop: the row is never left half-written.
	wctx := context.WithoutCancel(ctx)
	switch prev {
	case StateSent:
		return Sent{}, fmt.Errorf("claim %s: %w", m.Key, Errorf(EConflict, "already sent by another process"))
	case StateSending:
		s, found, err := platform.Find(ctx, m)
		if err != nil {
			_ = b.Store.Failed(wctx, m.Key, err.Error(), b.now())
			return Sent{}, fmt.Errorf("%s: find %s: %w", platform.Name(), m.Key, err)
		}
		if found {
			b.log().Info("found an earlier unconfirmed message; not sending again", "platform", platform.Name(),
				"channel", m.Channel.ID, "key", m.Key)
			return s, b.Store.Confirm(wctx, m.Key, s, b.now())
		}
	}
	s, err := platform.Send(ctx, m)
	if err != nil {
		if ferr := b.Store.Failed(wctx, m.Key, err.Error(), b.now()); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return Sent{}, fmt.Errorf("%s: send %s: %w", platform.Name(), m.Key, err)
	}
	if err := b.Store.Confirm(wctx, m.Key, s, b.now()); err != nil {
		return Sent{}, fmt.Errorf("confirm %s: %w", m.Key, err)
	}
	if !m.IsHeader() {
		b.metrics().ItemSent(platform.Name())
	}
	return s, nil
}
