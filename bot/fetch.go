package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// saveFetched saves a live fetch of day's list (SaveLiveList: new papers
// are queued for alerts), records the elements that were not stored (by
// the source or by the store) and logs them: one line per skipped element,
// a warning the first time a fetch of that list skips it, at debug level
// when the fetch before skipped the same. Skipped elements never fail the
// fetch.
func (b *Bot) saveFetched(ctx context.Context, day Date, list DayList) (SaveResult, error) {
	res, err := b.Store.SaveLiveList(ctx, day, list.Papers, b.now())
	if err != nil {
		return res, err
	}
	skipped := append(append([]Skip(nil), list.Skipped...), res.Skipped...)
	res.Skipped = skipped
	b.saved(b.Source.Name(), res, len(skipped))
	changed, err := b.Store.RecordSkipped(ctx, day, skipped)
	if err != nil {
		b.log().Warn("could not record the skipped elements of a list", "list", day.String(), "error", err)
		changed = true
	}
	level := slog.LevelDebug
	if changed {
		level = slog.LevelWarn
	}
	for _, s := range skipped {
		b.log().Log(ctx, level, "skipped an element", "source", b.Source.Name(), "list", day.String(),
			"element", s.Where, "paper_id", s.ID, "reason", s.Reason)
	}
	return res, nil
}

// SkippedSummary says in one line how many elements were skipped and why,
// naming at most max of them: `2 skipped: element 3: no paper id; element
// 7 (id "abc"): paper id "abc" is not an arXiv id`. It returns "" when
// none were.
func SkippedSummary(skipped []Skip, max int) string {
	if len(skipped) == 0 {
		return ""
	}
	var parts []string
	for i, s := range skipped {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-max))
			break
		}
		parts = append(parts, s.String())
	}
	return fmt.Sprintf("%d skipped: %s", len(skipped), strings.Join(parts, "; "))
}
