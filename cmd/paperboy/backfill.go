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
	to := fs.String("to", "", "last list `date`, YYYY-MM-DD (default: today, US Eastern)")
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
		today := bot.DateIn(time.Now(), bot.Eastern())
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
			return fmt.Errorf("stopped at %s after %d of %d days; run the same command again to resume: %w", d, i, len(days), err)
		}
		info, err := db.ListInfo(e.ctx, d)
		if err == nil && info.FetchedAt.Sub(bot.ListReadyAt(d, 0)) >= finalAfter {
			skipped++
			bar.step(i+1, d, fmt.Sprintf("%d papers (already fetched)", info.Papers))
			continue
		}
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return err
		}
		list, err := src.Day(e.ctx, d)
		if err != nil {
			bar.done()
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
		if bar.tty {
			bar.step(i+1, d, fmt.Sprintf("%d papers", stored))
		} else {
			e.log.Info("backfilled", "list", d.String(), "stored", stored, "new", res.New, "skipped", len(skips), "day", i+1, "of", len(days))
		}
	}
	bar.done()
	fmt.Fprintf(e.stdout, "backfill %s to %s: %d days, %d papers stored (%d new), %d elements skipped, %d days already complete\n",
		from, to, len(days), total, fresh, dropped, skipped)
	return nil
}

// progress draws a one-line progress bar on a terminal; elsewhere it does
// nothing (the caller logs one line per day instead).
type progress struct {
	w     io.Writer
	tty   bool
	total int
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, tty: console.IsTerminal(w), total: total}
}

func (p *progress) step(n int, d bot.Date, note string) {
	if !p.tty || p.total == 0 {
		return
	}
	const width = 30
	filled := n * width / p.total
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), n, p.total, d, note)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
