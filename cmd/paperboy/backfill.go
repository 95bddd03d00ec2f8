package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/console"
	"github.com/paperboy-bot/paperboy/bot"
)

// A list fetched this long after its date is final enough for history:
// backfill does not fetch it again, which makes it resumable.
const finalAfter = 48 * time.Hour

func backfillFlags(fs *flag.FlagSet) func(*env, []string) error {
	from := fs.String("from", "", "first list `date`, YYYY-MM-DD")
	to := fs.String("to", "", "last list `date`, YYYY-MM-DD (default: today, US Eastern; for arxiv: sources today, UTC)")
	return func(e *env, args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments: %s", strings.Join(args, " "))
		}
		if *from == "" {
			return usagef("--from is required (YYYY-MM-DD)")
		}
		start, err := bot.ParseDate(*from)
		if err != nil {
			return usagef("--from: %v", err)
		}
		arxivSource := len(e.conf.ArxivCategories) > 0
		today := bot.DateIn(time.Now(), bot.Eastern())
		if arxivSource {
			today = bot.DateOf(time.Now().UTC()) // slices are UTC days of submission
		}
		end := today
		if *to != "" {
			if end, err = bot.ParseDate(*to); err != nil {
				return usagef("--to: %v", err)
			}
		}
		if end.Before(start) {
			return usagef("--to %s is before --from %s", end, start)
		}
		if end.After(today) {
			end = today
		}
		if arxivSource {
			return backfillArxiv(e, start, end)
		}
		return backfill(e, start, end)
	}
}

func backfill(e *env, from, to bot.Date) error {
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	src, err := e.openSource()
	if err != nil {
		return err
	}
	var days []bot.Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if !d.IsWeekend() { // Hugging Face publishes no lists on weekends
			days = append(days, d)
		}
	}
	bar := newProgress(e.stderr, len(days))
	var total, fresh, skipped, dropped int
	for i, d := range days {
		if err := e.ctx.Err(); err != nil {
			bar.done()
			// Not wrapped: Main would print only "interrupted".
			return fmt.Errorf("stopped at %s after %d of %d days (%v); run the same command again to resume", d, i, len(days), err)
		}
		info, err := db.ListInfo(e.ctx, d)
		if err == nil && info.FetchedAt.Sub(bot.ListReadyAt(d, 0)) >= finalAfter {
			skipped++
			bar.count += info.Papers
			bar.step(i+1, d, fmt.Sprintf("%d papers (already fetched)", info.Papers), len(days)-i-1)
			continue
		}
		began := time.Now()
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return err
		}
		list, err := src.Day(e.ctx, d)
		if err != nil {
			bar.done()
			if e.ctx.Err() != nil {
				return fmt.Errorf("stopped at %s after %d of %d days (%v); run the same command again to resume", d, i, len(days), e.ctx.Err())
			}
			return fmt.Errorf("list %s: %w (run the same command again to resume)", d, err)
		}
		res, err := db.SaveList(e.ctx, d, list.Papers, time.Now())
		if err != nil {
			bar.done()
			return err
		}
		skips := append(append([]bot.Skip(nil), list.Skipped...), res.Skipped...)
		if _, err := db.RecordSkipped(e.ctx, d, skips); err != nil {
			bar.done()
			return err
		}
		stored := res.New + res.Updated
		total += stored
		fresh += res.New
		dropped += len(skips)
		for _, s := range skips {
			e.log.Warn("skipped an element", "list", d.String(), "element", s.Where, "paper_id", s.ID, "reason", s.Reason)
		}
		bar.took(time.Since(began))
		bar.count += stored
		left := len(days) - i - 1 // some may be complete already: the ETA is an upper bound
		if bar.tty {
			bar.step(i+1, d, fmt.Sprintf("%d papers", stored), left)
		} else {
			attrs := []any{"list", d.String(), "stored", stored, "new", res.New, "skipped", len(skips), "day", i + 1, "of", len(days)}
			if eta, ok := bar.eta(left); ok && left > 0 {
				attrs = append(attrs, "eta", formatETA(eta))
			}
			e.log.Info("backfilled", attrs...)
		}
	}
	bar.done()
	fmt.Fprintf(e.stdout, "backfill %s to %s: %d days, %d papers stored (%d new), %d elements skipped, %d days already complete\n",
		from, to, len(days), total, fresh, dropped, skipped)
	return nil
}

// progress draws a one-line progress bar on a terminal: slices done of
// the total, the papers so far (count) and an ETA; elsewhere it draws
// nothing (the caller logs one line per slice instead, with eta). The ETA
// is the average time of the slices fetched so far (slices already
// complete, skipped without a request, do not count) times the slices
// left to fetch.
type progress struct {
	w     io.Writer
	tty   bool
	total int
	count int // papers so far, kept by the caller

	fetched int           // slices fetched
	spent   time.Duration // time they took
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, tty: console.IsTerminal(w), total: total}
}

// took records a fetched slice and the time it took.
func (p *progress) took(d time.Duration) {
	p.fetched++
	p.spent += d
}

// eta returns the time the left slices still to fetch should take, false
// before any slice was fetched.
func (p *progress) eta(left int) (time.Duration, bool) {
	if p.fetched == 0 || left < 0 {
		return 0, false
	}
	return p.spent / time.Duration(p.fetched) * time.Duration(left), true
}

// step draws slice n of the total, day d, with a note; left is how many
// slices remain to be fetched.
func (p *progress) step(n int, d bot.Date, note string, left int) {
	if !p.tty || p.total == 0 {
		return
	}
	const width = 30
	filled := min(n*width/p.total, width)
	line := fmt.Sprintf("[%s%s] %d/%d %s %s · %d papers", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), n, p.total, d, note, p.count)
	if eta, ok := p.eta(left); ok && left > 0 {
		line += " · ETA " + formatETA(eta)
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}

// formatETA writes d to the second ("1h02m", "4m05s", "12s").
func formatETA(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
