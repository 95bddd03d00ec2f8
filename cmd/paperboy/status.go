package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func cmdStatus(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments: %s", strings.Join(args, " "))
	}
	db, err := e.openReadOnly()
	if err != nil {
		return err
	}
	defer db.Close()
	chans, err := seedsInMemory(e, db)
	if err != nil {
		return err
	}
	st, err := db.Stats(e.ctx)
	if err != nil {
		return err
	}
	w := e.stdout
	now := e.clock.Now() // the bot's: the next run as the daemon would see it
	b, err := e.newBot(db, nil)
	if err != nil {
		return err
	}
	cfg := "none (built-in defaults)"
	if e.flags.config != "" || fileExists("paperboy.yaml") {
		cfg = or(e.flags.config, "paperboy.yaml")
	}
	fmt.Fprintf(w, "paperboy %s · database %s: %s on %s · source %s · config %s\n",
		version, e.conf.Database, count(st.Papers, "paper"), count(st.Lists, "list"), e.conf.sourceLabel(), cfg)
	seen, err := db.PlatformStates(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, platformLine(e.conf.platformStates(), seen))
	if last, err := db.LastFetch(e.ctx); err == nil {
		line := fmt.Sprintf("last fetch: the list of %s at %s: %s stored", last.Date.Long(),
			last.FetchedAt.UTC().Format("2006-01-02 15:04 UTC"), count(last.Papers, "paper"))
		if len(last.Skipped) == 0 {
			line += ", none skipped"
		} else {
			line += ", " + bot.SkippedSummary(last.Skipped, 5)
		}
		fmt.Fprintln(w, line)
	} else if !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	feeds, err := db.LastFeedFetches(e.ctx)
	if err != nil {
		return err
	}
	for _, f := range feeds {
		what := count(f.Items, "item")
		if f.Items == 0 {
			what = "nothing announced"
		}
		fmt.Fprintf(w, "last arXiv fetch: %s, the announcement of %s at %s: %s\n", strings.ReplaceAll(f.Feed, "+", ", "),
			f.Day.Long(), f.FetchedAt.UTC().Format("2006-01-02 15:04 UTC"), what)
	}
	if len(chans) == 0 {
		fmt.Fprintln(w, "no channels")
	}
	for _, ch := range chans {
		fmt.Fprintf(w, "\n%s", ch.ChannelRef)
		if ch.Name != "" {
			fmt.Fprintf(w, " (%s)", ch.Name)
		}
		fmt.Fprintln(w)
		for _, name := range bot.SettingNames {
			fmt.Fprintf(w, "  %-12s %-24s from %s\n", name, ch.Settings.SettingValue(name), ch.Origin(name))
		}
		loc := ch.Location()
		cs, err := b.Status(e.ctx, ch, now)
		if err != nil {
			return err
		}
		if ch.Stopped != "" {
			fmt.Fprintf(w, "  %-12s %s\n", "stopped", ch.Stopped)
		}
		if !cs.Next.IsZero() {
			fmt.Fprintf(w, "  %-12s %s (in %s), %s\n", "next run", cs.Next.In(loc).Format("Mon 2 Jan 2006 15:04 MST"),
				roundDuration(cs.Next.Sub(now)), strings.TrimPrefix(cs.NextWhat(), "the "))
		}
		if r := cs.LastPost; r != nil {
			fmt.Fprintf(w, "  %-12s list of %s, %d papers, at %s\n", "last post", r.ListDate.Long(), r.Papers, r.At.In(loc).Format("2006-01-02 15:04 MST"))
		} else {
			fmt.Fprintf(w, "  %-12s never\n", "last post")
		}
		if r := cs.LastRun; r != nil {
			line := fmt.Sprintf("%s: %s", r.At.In(loc).Format("2006-01-02 15:04 MST"), r.Describe())
			if !r.RetryAt.IsZero() && r.RetryAt.After(now) {
				line += fmt.Sprintf(" (retry at %s)", r.RetryAt.In(loc).Format("15:04 MST"))
			}
			fmt.Fprintf(w, "  %-12s %s\n", "last run", line)
		}
		if err := printFollowups(e, w, b, ch); err != nil {
			return err
		}
		if note := cs.OffDaysNote(); note != "" {
			fmt.Fprintf(w, "  %-12s %s\n", "off days", note)
		}
		for _, p := range cs.Open {
			note := fmt.Sprintf("thread for the list of %s: %d of %d papers sent; the next run finishes it", p.Digest.ListDate.Long(), p.SentCount(), len(p.Items))
			for _, it := range append([]bot.Delivery{p.Header}, p.Items...) {
				if it.Error != "" {
					note += "; last error: " + it.Error
					break
				}
			}
			fmt.Fprintf(w, "  %-12s %s\n", "unfinished", note)
		}
	}
	return nil
}

// roundDuration formats d as "9h30m", "12m", "40s".
func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute).Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
