package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// maxArxivGap is how many days back a poll fills announcement days it
// missed (a daemon that was down): older ones are too old to alert about
// or to post, and `paperboy backfill` fills them for search.
const maxArxivGap = 7

// pollArxiv fetches the feed of every set of categories a channel follows
// (one request per set, however many channels share it) and stores the
// announcement, its new papers queued for alerts: alerts see every new
// paper of the followed categories, whatever each channel shows. Days
// missed since the feed's last stored day (at most maxArxivGap back) are
// filled from the export API first.
func (b *Bot) pollArxiv(ctx context.Context, res *PollResult) {
	if b.Arxiv == nil {
		return
	}
	feeds, err := b.followedFeeds(ctx)
	if err != nil {
		res.Failed = append(res.Failed, fmt.Errorf("poll arXiv: %w", err))
		return
	}
	for _, cats := range feeds {
		if ctx.Err() != nil {
			return
		}
		feed := FeedKey(cats)
		a, err := b.arxivLatest(ctx, cats)
		if err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("poll arXiv %s: %w", strings.Join(cats, ","), err))
			continue
		}
		last, err := b.Store.LastAnnouncement(ctx, feed)
		if err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("poll arXiv %s: %w", feed, err))
			continue
		}
		if !last.IsZero() && last.Before(a.Day) {
			from := last.AddDays(1)
			if oldest := a.Day.AddDays(-maxArxivGap); from.Before(oldest) {
				from = oldest
			}
			if from != last.AddDays(1) {
				b.log().Warn("arXiv announcement days missed too long ago to fill; run paperboy backfill for them",
					"feed", feed, "from", last.AddDays(1).String(), "to", from.AddDays(-1).String())
			}
			for d := from; d.Before(a.Day); d = d.AddDays(1) {
				if d.IsWeekend() {
					continue
				}
				past, err := b.arxivPast(ctx, cats, d)
				if err != nil {
					res.Failed = append(res.Failed, fmt.Errorf("poll arXiv %s: fill %s: %w", feed, d, err))
					break
				}
				past.Day = d
				if err := b.saveAnnouncement(ctx, feed, past); err != nil {
					res.Failed = append(res.Failed, fmt.Errorf("poll arXiv %s: %w", feed, err))
					break
				}
				b.log().Info("filled a missed arXiv announcement day from the export API", "feed", feed, "day", d.String(), "papers", len(past.Items))
			}
		}
		if err := b.saveAnnouncement(ctx, feed, a); err != nil {
			res.Failed = append(res.Failed, fmt.Errorf("poll arXiv %s: %w", feed, err))
			continue
		}
		res.Feeds = append(res.Feeds, feed+" "+a.Day.String())
	}
}

// followedFeeds returns the category sets the channels that post follow,
// each once.
func (b *Bot) followedFeeds(ctx context.Context) ([][]string, error) {
	chans, err := b.Store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var out [][]string
	seen := map[string]bool{}
	for _, ch := range chans {
		cats := ch.Settings.Follows().Arxiv
		if ch.Stopped != "" || len(cats) == 0 || seen[FeedKey(cats)] {
			continue
		}
		seen[FeedKey(cats)] = true
		out = append(out, slices.Clone(cats))
	}
	return out, nil
}
