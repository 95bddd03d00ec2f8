package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// refreshFollowed refreshes the papers whose refresh is due, one request
// each, until deadline. A source that fails three times in a turn is left
// alone until the next turn.
func (b *Bot) refreshFollowed(ctx context.Context, platforms []string, since, deadline time.Time) error {
	f := b.Followups
	if f.Refresher == nil {
		return nil
	}
	ids, err := b.Store.DueRefreshes(ctx, platforms, since, b.now(), f.perTurn())
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	failed := 0
	for _, id := range ids {
		if ctx.Err() != nil || !b.now().Before(deadline) || failed == 3 {
			break
		}
		p, linked, err := f.Refresher.Refresh(ctx, id)
		now := b.now()
		wctx := context.WithoutCancel(ctx)
		switch {
		case err == nil:
			if serr := b.Store.SaveRefreshed(wctx, p, linked, now.Add(f.interval()), now); serr != nil {
				return fmt.Errorf("follow-ups: save %s: %w", id, serr)
			}
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrNotFound):
			if serr := b.Store.RefreshFailed(wctx, id, "Hugging Face has no page for it", now.Add(f.interval()), now); serr != nil {
				return fmt.Errorf("follow-ups: %w", serr)
			}
		default:
			failed++
			b.log().Warn("follow-ups: could not refresh a paper; will retry", "paper_id", id, "error", err)
			next := now.Add(min(f.interval(), 10*b.retryDelay()))
			if serr := b.Store.RefreshFailed(wctx, id, err.Error(), next, now); serr != nil {
				return fmt.Errorf("follow-ups: %w", serr)
			}
		}
	}
	return nil
}
