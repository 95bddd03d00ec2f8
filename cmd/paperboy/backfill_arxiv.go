package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// backfill --source arxiv:CATS fills the store with the papers of arXiv
// categories from the export API (data-sources.md 2.1), one slice per UTC
// day of submission:
//
//	search_query=(cat:cs.CL OR cat:cs.LG) AND submittedDate:[202411270000 TO 202411272359]
//	sortBy=submittedDate&sortOrder=ascending&start=0,2000,…&max_results=2000
//
// (a whole archive is cat:cs.*). The export API rather than OAI-PMH: a day
// of submissions is exactly what a slice should be (OAI-PMH's from/until
// are datestamps of the last metadata change, so an old range also brings
// every old paper revised since, and its sets name groups, not
// categories); the API gives the primary category; and every page is
// independent, so a slice is repeated cheaply after a crash. The export
// API answers at most 30,000 results per query: a day with more (never
// seen; the busiest archives have a few thousand) is split into halves by
// time of submission until each part has fewer.
//
// Each finished slice is recorded in the store (store.MarkBackfilled,
// after its papers are saved): a run stopped anyhow, Ctrl-C or kill -9,
// resumes at the first unfinished slice and sends no request for the
// others. The last days are fetched but never recorded as finished (see
// arxivFinalDays), so running again fetches them again.
//
// Papers are saved with no announcement day and without queueing them for
// alerts: a backfilled paper never alerts and is never posted (posting
// selects from announcement days and daily lists only).

// arxivFinalDays is how many days after a submission day its slice is
// final. arXiv lists a paper in the API once announced: a submission of
// Saturday 00:00 UTC (Friday evening in New York) is announced on Tuesday
// about 01:00 UTC; a holiday adds a day or more. So today and the three
// days before are fetched but not recorded as finished.
const arxivFinalDays = 4

// arxivEmptyPageRetries is how often a page that came back empty although
// the query has more results (the export API does this now and then) is
// asked for again before the slice fails.
const arxivEmptyPageRetries = 3

// arxivBackfill is one run of backfill for arXiv categories.
type arxivBackfill struct {
	e      *env
	db     *store.DB
	client *arxiv.Client
	cats   string // the cat: part of the query
	source string // "arxiv:cs.CL,cs.LG", for messages
	key    string // the store's key for the finished slices

	requests int
	stored   int
	fresh    int
	skipped  int
	unknown  int
}

// arxivSliceResult is what one slice brought.
type arxivSliceResult struct {
	papers, stored, fresh, skipped, requests int
}

func backfillArxiv(e *env, from, to bot.Date) error {
	cats := e.conf.ArxivCategories
	if len(cats) == 0 {
		return usagef("backfill: no arXiv categories in source %s", e.conf.Source)
	}
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	client, err := e.arxivClient()
	if err != nil {
		return err
	}
	b := &arxivBackfill{
		e: e, db: db, client: client,
		cats:   arxiv.CategoryQuery(cats),
		source: "arxiv:" + strings.Join(cats, ","),
		key:    arxivBackfillKey(cats),
	}
	today := bot.DateOf(time.Now().UTC())
	final := today.AddDays(-arxivFinalDays) // the last final slice

	var days []bot.Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		days = append(days, d)
	}
	// Which slices are done is known before any request: the ETA counts
	// only the slices still to fetch.
	done := make([]bool, len(days))
	donePapers := make([]int, len(days))
	left := 0
	for i, d := range days {
		n, ok, err := db.BackfillDone(e.ctx, b.key, d)
		if err != nil {
			return err
		}
		done[i], donePapers[i] = ok, n
		if !ok {
			left++
		}
	}
	bar := newProgress(e.stderr, len(days))
	var complete, notFinal int
	for i, d := range days {
		if done[i] {
			complete++
			bar.count += donePapers[i]
			bar.step(i+1, d, fmt.Sprintf("%d papers (already fetched)", donePapers[i]), left)
			continue
		}
		if err := e.ctx.Err(); err != nil {
			bar.done()
			return b.stopped(d, i, len(days), err)
		}
		start := time.Now()
		r, err := b.slice(d)
		if err != nil {
			bar.done()
			if e.ctx.Err() != nil {
				return b.stopped(d, i, len(days), e.ctx.Err())
			}
			var ae *arxiv.ErrorResponse
			if errors.As(err, &ae) {
				// arXiv refused the query: asking again changes nothing.
				return fmt.Errorf("%s day %s: %v", b.source, d, ae)
			}
			return fmt.Errorf("%s day %s: %v (run the same command again to resume)", b.source, d, err)
		}
		isFinal := !d.After(final)
		if isFinal {
			if err := db.MarkBackfilled(e.ctx, b.key, d, r.papers, time.Now()); err != nil {
				bar.done()
				return err
			}
		} else {
			notFinal++
		}
		left--
		// In a steady run each request waits its turn (min_interval), the
		// first of the run does not: the ETA counts at least the spacing.
		bar.took(max(time.Since(start), time.Duration(r.requests)*client.MinInterval()))
		bar.count += r.papers
		note := fmt.Sprintf("%d papers", r.papers)
		if !isFinal {
			note += " (not final yet)"
		}
		if bar.tty {
			bar.step(i+1, d, note, left)
		} else {
			attrs := []any{"source", b.source, "day", d.String(), "papers", r.papers, "stored", r.stored, "new", r.fresh,
				"skipped", r.skipped, "requests", r.requests, "slice", i + 1, "of", len(days)}
			if !isFinal {
				attrs = append(attrs, "final", false)
			}
			if eta, ok := bar.eta(left); ok && left > 0 {
				attrs = append(attrs, "eta", formatETA(eta))
			}
			e.log.Info("backfilled", attrs...)
		}
	}
	bar.done()
	fmt.Fprintf(e.stdout, "backfill %s %s to %s: %d days, %d papers stored (%d new), %d entries skipped, %d days already complete",
		b.source, from, to, len(days), b.stored, b.fresh, b.skipped, complete)
	if notFinal > 0 {
		fmt.Fprintf(e.stdout, ", %d recent days not final (fetched again next time)", notFinal)
	}
	fmt.Fprintf(e.stdout, ", %d requests\n", b.requests)
	return nil
}

// stopped is the error of a run cancelled before slice i (d).
func (b *arxivBackfill) stopped(d bot.Date, i, n int, err error) error {
	// Not wrapped: Main would print only "interrupted" for a cancellation.
	return fmt.Errorf("stopped at %s after %d of %d days (%v); run the same command again to resume", d, i, n, err)
}

// slice fetches and saves the papers submitted on day d (UTC).
func (b *arxivBackfill) slice(d bot.Date) (arxivSliceResult, error) {
	lo := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	hi := lo.Add(24*time.Hour - time.Minute)
	var r arxivSliceResult
	err := b.fetchRange(lo, hi, d, &r)
	b.requests += r.requests
	b.stored += r.stored
	b.fresh += r.fresh
	b.skipped += r.skipped
	return r, err
}

// fetchRange pages through the papers submitted from lo to hi (whole
// minutes, both included), saving each page. A range with more results
// than the export API pages through is split in two.
func (b *arxivBackfill) fetchRange(lo, hi time.Time, d bot.Date, r *arxivSliceResult) error {
	q := arxiv.APIQuery{
		SearchQuery: b.cats + " AND submittedDate:[" + lo.Format("200601021504") + " TO " + hi.Format("200601021504") + "]",
		SortBy:      "submittedDate",
		SortOrder:   "ascending",
	}
	total := -1
	empty := 0
	for total < 0 || q.Start < total {
		q.MaxResults = min(b.e.arxivPageSize, b.e.arxivResultLimit-q.Start)
		f, err := b.page(q, r)
		if err != nil {
			return err
		}
		if total < 0 && f.TotalResults > b.e.arxivResultLimit {
			if !hi.After(lo) {
				return fmt.Errorf("%d papers submitted in the minute %s: more than the export API's %d", f.TotalResults, lo.Format("15:04"), b.e.arxivResultLimit)
			}
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Minute)
			b.e.log.Info("arxiv: splitting a slice the export API cannot page through", "day", d.String(),
				"results", f.TotalResults, "from", lo.Format("15:04"), "to", hi.Format("15:04"))
			if err := b.fetchRange(lo, mid, d, r); err != nil {
				return err
			}
			return b.fetchRange(mid.Add(time.Minute), hi, d, r)
		}
		total = f.TotalResults
		entries := len(f.Papers) + len(f.Skipped)
		if entries == 0 {
			if q.Start >= total {
				break
			}
			if empty++; empty > arxivEmptyPageRetries {
				return fmt.Errorf("the export API answered %d empty pages at result %d of %d", empty, q.Start, total)
			}
			continue
		}
		empty = 0
		if err := b.save(f, d, q.Start, r); err != nil {
			return err
		}
		q.Start += entries
		if q.Start >= b.e.arxivResultLimit {
			break // the total grew past the limit while paging
		}
	}
	return nil
}

// page asks for one page and parses it.
func (b *arxivBackfill) page(q arxiv.APIQuery, r *arxivSliceResult) (arxiv.AtomFeed, error) {
	r.requests++
	body, err := b.client.Query(b.e.ctx, q)
	if err != nil {
		var se *arxiv.StatusError
		if errors.As(err, &se) && len(body) > 0 {
			// arXiv's error feed names what is wrong.
			if _, perr := arxiv.ParseAtom(bytes.NewReader(body)); perr != nil {
				var ae *arxiv.ErrorResponse
				if errors.As(perr, &ae) {
					return arxiv.AtomFeed{}, ae
				}
			}
		}
		return arxiv.AtomFeed{}, err
	}
	return arxiv.ParseAtom(bytes.NewReader(body))
}

// save stores one page's papers.
func (b *arxivBackfill) save(f arxiv.AtomFeed, d bot.Date, start int, r *arxivSliceResult) error {
	for _, s := range f.Skipped {
		b.e.log.Warn("skipped an entry", "source", b.source, "day", d.String(), "start", start,
			"element", s.Where, "paper_id", s.ID, "reason", s.Reason)
	}
	items := make([]store.Announced, len(f.Papers))
	for i, p := range f.Papers {
		items[i] = store.Announced{Paper: p}
	}
	res, err := b.db.SaveAnnounced(b.e.ctx, bot.Date{}, items, false, time.Now())
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		b.e.log.Warn("skipped a paper", "source", b.source, "day", d.String(), "paper_id", s.ID, "reason", s.Reason)
	}
	r.papers += len(f.Papers)
	r.stored += res.New + res.Updated
	r.fresh += res.New
	r.skipped += len(f.Skipped) + len(res.Skipped)
	return nil
}

// arxivBackfillKey names the finished slices of a set of categories in
// the store, whatever order the source gave them in.
func arxivBackfillKey(cats []string) string {
	s := slices.Clone(cats)
	slices.Sort(s)
	return "arxiv-api:" + strings.Join(s, ",")
}
