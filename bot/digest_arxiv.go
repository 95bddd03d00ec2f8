package bot

import (
	"context"
	"fmt"
	"strings"
)

// The digest of a channel that follows arXiv categories (Bot.Digest). Its
// thread is dated by the announcement day it holds (US Eastern, the
// feed's pubDate) and holds the best of the day's new papers in the
// channel's categories (and its cross-lists, unless cross_lists is off),
// together with the papers of the Hugging Face list of the day when the
// channel also follows the daily lists; a paper on both is one candidate
// with both sets of facts. Replacements (new versions) are never posted.

// gathered is what a digest chooses from.
type gathered struct {
	papers    []Paper
	part      *ArxivPart
	announced map[string]bool // ids of the papers from the announcement
}

// gatherArxiv collects the candidates of an arXiv channel's thread for
// day. A non-empty outcome ends the digest with reason (the feed is not
// out yet, a fetch failed, ...).
func (b *Bot) gatherArxiv(ctx context.Context, ch Channel, src Sources, day Date, req DigestRequest) (gathered, string, Outcome, error) {
	var g gathered
	items, reason, err := b.announcementOf(ctx, src.Arxiv, day, req.DryRun)
	if reason != "" || err != nil {
		if reason == "" {
			reason = fmt.Sprintf("could not get arXiv's announcement of %s: %v", day.Long(), err)
		}
		return g, reason, OutcomeWaiting, err
	}
	g.part = &ArxivPart{Day: day, Categories: src.Arxiv, WithLists: src.Lists}
	g.announced = map[string]bool{}
	replaced := 0
	for _, it := range items {
		switch {
		case it.Type == AnnounceNew || it.Type == AnnounceCross && ch.Settings.CrossLists:
			if !g.announced[it.Paper.ID] {
				g.papers = append(g.papers, it.Paper)
				g.announced[it.Paper.ID] = true
				g.part.Announced++
			}
		case !IsNewAnnouncement(it.Type):
			replaced++
		}
	}
	if src.Lists {
		hfDay := ListFor(req.At, DateIn(req.At, ch.Location()), b.listReady())
		if hfDay.IsZero() {
			return g, "no Hugging Face list is ready yet", OutcomeWaiting, nil
		}
		list, reason, err := b.refresh(ctx, hfDay, req.DryRun)
		if err != nil || len(list) == 0 {
			if reason == "" && err != nil {
				reason = fmt.Sprintf("could not get the list for %s: %v", hfDay.Long(), err)
			}
			return g, reason, OutcomeWaiting, err
		}
		for _, p := range list {
			if !g.announced[p.ID] {
				g.papers = append(g.papers, p)
			}
		}
	}
	if len(items) == 0 && !src.Lists {
		return g, noAnnouncementReason(day), OutcomeEmpty, nil
	}
	if len(g.papers) == 0 {
		what := "no new papers"
		if replaced > 0 {
			what = fmt.Sprintf("only new versions of earlier papers (%d)", replaced)
		}
		if n := len(items) - replaced - g.part.Announced; n > 0 && !ch.Settings.CrossLists {
			what += fmt.Sprintf(", and %s (cross_lists is off)", Count(n, "cross-list"))
		}
		return g, fmt.Sprintf("arXiv announced %s in %s on %s", what, g.part.CategoryLabel(), day.Long()), OutcomeEmpty, nil
	}
	return g, "", "", nil
}

// announcementOf returns arXiv's announcement of cats on day: from the
// store when the day was fetched, else from the feed (today's
// announcement) or, for an earlier day, the export API; what is fetched is
// saved (unless dryRun) and its new papers queued for alerts. A day whose
// feed is not out yet gives a reason and no error: the digest waits for
// it like a Hugging Face list that is not ready.
func (b *Bot) announcementOf(ctx context.Context, cats []string, day Date, dryRun bool) ([]Announced, string, error) {
	feed := FeedKey(cats)
	label := strings.Join(cats, ", ")
	items, fetched, err := b.Store.Announcement(ctx, feed, day)
	if err != nil {
		return nil, "could not read the stored announcements: " + err.Error(), fmt.Errorf("announcement %s: %w", feed, err)
	}
	if fetched {
		return items, "", nil
	}
	if b.Arxiv == nil {
		return nil, "no arXiv source is configured", Errorf(EInvalid, "no arXiv source is configured")
	}
	a, err := b.arxivLatest(ctx, cats)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, fmt.Sprintf("could not fetch the arXiv feed of %s: %v", label, err), nil
	}
	switch {
	case a.Day == day:
	case a.Day.Before(day) && day.IsWeekend():
		// arXiv's weekend feed is empty; one that still shows Friday's
		// announcement says the same.
		a = Announcement{Day: day}
	case a.Day.Before(day):
		return nil, fmt.Sprintf("arXiv has not announced %s yet (the feed of %s still shows %s)", day.Long(), label, a.Day.Long()), nil
	default:
		// An earlier day (a catch-up): the feed shows only the latest,
		// which is saved all the same; the day asked for comes from the
		// export API.
		if !dryRun {
			if err := b.saveAnnouncement(ctx, feed, a); err != nil {
				return nil, "", err
			}
		}
		if a, err = b.arxivPast(ctx, cats, day); err != nil {
			if ctx.Err() != nil {
				return nil, "", ctx.Err()
			}
			return nil, fmt.Sprintf("could not fetch arXiv's announcement of %s for %s from the export API: %v", day.Long(), label, err), nil
		}
		a.Day = day
	}
	if dryRun {
		return a.Items, "", nil
	}
	if err := b.saveAnnouncement(ctx, feed, a); err != nil {
		return nil, "", err
	}
	items, _, err = b.Store.Announcement(ctx, feed, day)
	if err != nil {
		return nil, "could not read the stored announcements: " + err.Error(), fmt.Errorf("announcement %s: %w", feed, err)
	}
	return items, "", nil
}

// saveAnnouncement saves a fetched announcement (its new papers queued
// for alerts) and logs its skipped items: a warning the first time the
// day is fetched, at debug level after.
func (b *Bot) saveAnnouncement(ctx context.Context, feed string, a Announcement) error {
	last, err := b.Store.LastAnnouncement(ctx, feed)
	if err != nil {
		return err
	}
	res, err := b.Store.SaveAnnouncement(ctx, feed, a, true, b.now())
	if err != nil {
		return fmt.Errorf("save the announcement of %s for %s: %w", a.Day, feed, err)
	}
	b.saved("arxiv", res, len(a.Skipped)+len(res.Skipped))
	first := last.Before(a.Day)
	log := b.log().Debug
	if first {
		log = b.log().Warn
	}
	for _, s := range append(append([]Skip(nil), a.Skipped...), res.Skipped...) {
		log("skipped an element", "source", "arxiv", "feed", feed, "day", a.Day.String(),
			"element", s.Where, "paper_id", s.ID, "reason", s.Reason)
	}
	if first {
		b.log().Info("arXiv announcement stored", "feed", feed, "day", a.Day.String(), "items", len(a.Items),
			"new", res.New, "skipped", len(a.Skipped)+len(res.Skipped))
	}
	return nil
}

// withShown returns a copy of the part with More set: the announced
// papers the thread does not show.
func (a *ArxivPart) withShown(shown []Paper, announced map[string]bool) *ArxivPart {
	out := *a
	n := 0
	for _, p := range shown {
		if announced[p.ID] {
			n++
		}
	}
	out.More = max(a.Announced-n, 0)
	return &out
}

// arxivEmptyReason explains an arXiv channel's selection that has no
// papers.
func arxivEmptyReason(sel Selection, part *ArxivPart, s Settings) string {
	what := fmt.Sprintf("the %s announced in %s on %s", Count(part.Announced, "new paper"), part.CategoryLabel(), part.Day.Long())
	if part.WithLists {
		what = fmt.Sprintf("the %s of the day (arXiv's %s and the Hugging Face list)", Count(sel.OnList, "paper"), part.CategoryLabel())
	}
	switch {
	case sel.AlreadyPosted == sel.OnList:
		return fmt.Sprintf("all of %s were already posted to this channel", what)
	}
	msg := fmt.Sprintf("none of %s qualified:", what)
	sep := " "
	if sel.AlreadyPosted > 0 {
		msg += fmt.Sprintf("%s%d already posted", sep, sel.AlreadyPosted)
		sep = ", "
	}
	if sel.BelowMin > 0 {
		msg += fmt.Sprintf("%s%d below the minimum of %d upvotes (best had %d)", sep, sel.BelowMin, s.MinUpvotes, sel.BestUpvotes)
		sep = ", "
	}
	if sel.Filtered > 0 {
		msg += fmt.Sprintf("%s%d not matching the filter %q", sep, sel.Filtered, s.Filter)
	}
	return msg
}

// filterFuncs compiles a channel's filter: whether a paper passes, and
// how relevant it is (see relevance).
func filterFuncs(q *Query) (FilterFunc, func(Paper) float64) {
	match := q.Matcher()
	var expr *node
	if q.Expr != nil {
		expr = compile(q.Expr)
	}
	filter := func(p Paper) bool {
		toks := TokenizePaper(p)
		return match(p, &toks)
	}
	score := func(p Paper) float64 {
		if expr == nil {
			return 0
		}
		toks := TokenizePaper(p)
		return relevance(expr, &toks)
	}
	return filter, score
}

// fieldWeights weigh where a filter's word is found, in PaperTokens order
// (title, summary, keywords, abstract, authors): a word in the title says
// more about the paper than one in its abstract.
var fieldWeights = [5]float64{4, 2, 2, 1, 1}

// relevance scores a paper against a filter's words: for each term of the
// expression that is not negated, the weights of the fields holding all
// its tokens, plus a little for each time its first token occurs in the
// abstract. A simple count, not BM25 (a digest ranks at most a few
// thousand papers against one filter); ties are broken by the rank
// order's next key.
func relevance(n *node, toks *PaperTokens) float64 {
	switch n.op {
	case 't':
		if len(n.toks) == 0 {
			return 0
		}
		sum := 0.0
		for f, field := range toks {
			if containsAll(field, n.toks) {
				sum += fieldWeights[f]
			}
		}
		for _, t := range toks[3] {
			if t == n.toks[0] {
				sum += 0.1
			}
		}
		return sum
	case '&', '|':
		sum := 0.0
		for _, k := range n.kids {
			sum += relevance(k, toks)
		}
		return sum
	}
	return 0
}

func containsAll(field, want []string) bool {
	for _, w := range want {
		found := false
		for _, t := range field {
			if t == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
