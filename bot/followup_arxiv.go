package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// What arXiv says of a posted paper now: its latest version (and title),
// its comments and journal reference (where venues are named). Hugging
// Face's documents carry none of these, and arXiv announces a new version
// only in the feeds of the paper's categories, which a channel that
// follows the daily lists does not read; so each followed paper is also
// looked up in arXiv's export API, many per request (ArxivBatch ids), at
// most once per Followups.Interval, through the process's one arXiv
// limiter. A paper shown in many channels is looked up once.

// ArxivBatch is how many papers one export API request looks up;
// arxivBatchesPerTurn how many requests one turn of follow-ups makes at
// most (3 s apart: 15 s of the turn's budget).
const (
	ArxivBatch          = 50
	arxivBatchesPerTurn = 5
)

// ArxivDescriber reads arXiv's current records of papers.
type ArxivDescriber interface {
	// Describe returns arXiv's records (ID, Version, Title, Abstract,
	// Authors, Categories, ArxivComment, JournalRef, DOI) of the papers
	// with ids (at most ArxivBatch), in any order; an id arXiv does not
	// know is left out.
	Describe(ctx context.Context, ids []string) ([]Paper, error)
}

// ArxivCheckStore is the storage side of the arXiv look-ups.
type ArxivCheckStore interface {
	// DueArxivChecks returns the ids of the papers with an item
	// confirmed since since on a channel of one of platforms whose
	// follow-ups are not off, whose look-up is due at now (never looked
	// up, or due before now), the most overdue first, at most limit; a
	// paper shown in many channels once.
	DueArxivChecks(ctx context.Context, platforms []string, since, now time.Time, limit int) ([]string, error)
	// SaveArxivChecked stores what arXiv said of the papers asked (got:
	// its records, arXiv's fields filled in or replaced as an
	// announcement's are, Hugging Face's kept) and schedules their next
	// look-up at next; an id asked and not got is recorded as unknown to
	// arXiv.
	SaveArxivChecked(ctx context.Context, asked []string, got []Paper, next, now time.Time) error
	// ArxivCheckFailed records a failed look-up of ids, to be tried
	// again at next.
	ArxivCheckFailed(ctx context.Context, ids []string, errText string, next, now time.Time) error
}

// checkArxiv looks the papers whose look-up is due up in arXiv, ArxivBatch
// a request, until deadline. Two failed requests end the turn.
func (b *Bot) checkArxiv(ctx context.Context, platforms []string, since, deadline time.Time) error {
	f := b.Followups
	if f.Arxiv == nil {
		return nil
	}
	ids, err := b.Store.DueArxivChecks(ctx, platforms, since, b.now(), arxivBatchesPerTurn*ArxivBatch)
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	failed := 0
	var errs []error
	for start := 0; start < len(ids); start += ArxivBatch {
		if ctx.Err() != nil || !b.now().Before(deadline) || failed == 2 {
			break
		}
		chunk := ids[start:min(start+ArxivBatch, len(ids))]
		got, err := f.Arxiv.Describe(ctx, chunk)
		now := b.now()
		wctx := context.WithoutCancel(ctx)
		switch {
		case err == nil:
			if serr := b.Store.SaveArxivChecked(wctx, chunk, got, now.Add(f.interval()), now); serr != nil {
				return fmt.Errorf("follow-ups: save arXiv's records: %w", serr)
			}
		case ctx.Err() != nil:
			return nil
		default:
			failed++
			b.log().Warn("follow-ups: could not look papers up on arXiv; will retry", "papers", len(chunk), "error", err)
			if serr := b.Store.ArxivCheckFailed(wctx, chunk, err.Error(), now.Add(min(f.interval(), 10*b.retryDelay())), now); serr != nil {
				errs = append(errs, fmt.Errorf("follow-ups: %w", serr))
			}
		}
	}
	return errors.Join(errs...)
}
