package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

func digestFlags(fs *flag.FlagSet) func(*env, []string) error {
	date := fs.String("date", "", "the list's `date`, YYYY-MM-DD (default: the newest list that is ready)")
	channel := fs.String("channel", "", "only this `channel` (its id, platform:id or name)")
	dryRun := fs.Bool("dry-run", false, "print the digest without posting or recording anything")
	return func(e *env, args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments: %s", strings.Join(args, " "))
		}
		var day bot.Date
		if *date != "" {
			d, err := bot.ParseDate(*date)
			if err != nil {
				return usagef("--date: %v", err)
			}
			day = d
		}
		return runDigest(e, day, *channel, *dryRun)
	}
}

func runDigest(e *env, day bot.Date, only string, dryRun bool) error {
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	var chans []bot.Channel
	if dryRun {
		chans, err = seedsInMemory(e, db)
	} else {
		chans, err = e.applySeeds(db, e.clock.Now())
	}
	if err != nil {
		return err
	}
	if only != "" {
		chans, err = pickChannel(chans, only)
		if err != nil {
			return err
		}
	}
	if len(chans) == 0 {
		return usagef("no channels are configured (add one under channels: in the config file)")
	}
	src, err := e.openSource()
	if err != nil {
		return err
	}
	b, err := e.newBot(db, src)
	if err != nil {
		return err
	}
	now := b.Clock.Now()
	var errs []error
	for _, ch := range chans {
		d := day
		if d.IsZero() && len(ch.Settings.Follows().Arxiv) == 0 {
			// A fixed archive (the sample, a file) has no "today": use its
			// newest list on or before the channel's date. (An arXiv
			// channel's day is arXiv's announcement of today.)
			if a, ok := src.(bot.Archive); ok {
				if d, err = newestArchived(e, a, bot.DateIn(now, ch.Location())); err != nil {
					return err
				}
			}
		}
		res, err := b.Digest(e.ctx, bot.DigestRequest{Channel: ch, ListDate: d, At: now, DryRun: dryRun})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ch.ChannelRef, err))
			continue
		}
		switch {
		case dryRun && res.Digest != nil:
			e.newConsole().Render(e.stdout, res.Digest)
		case res.Run.Outcome == bot.OutcomePosted:
			if ch.Platform != "console" {
				what := "the list"
				if res.Digest != nil && res.Digest.Arxiv != nil {
					what = "arXiv " + res.Digest.Arxiv.CategoryLabel()
				}
				fmt.Fprintf(e.stdout, "%s: posted %d papers from %s for %s\n", ch.ChannelRef, res.Run.Papers, what, res.Run.ListDate.Long())
			}
		default:
			fmt.Fprintf(e.stdout, "%s: nothing posted: %s\n", ch.ChannelRef, res.Run.Reason)
		}
	}
	return errors.Join(errs...)
}

// newestArchived returns the newest list of an archive dated on or before
// local.
func newestArchived(e *env, a bot.Archive, local bot.Date) (bot.Date, error) {
	dates, err := a.Dates(e.ctx)
	if err != nil {
		return bot.Date{}, err
	}
	var best bot.Date
	for _, d := range dates {
		if !d.After(local) && d.After(best) {
			best = d
		}
	}
	if best.IsZero() && len(dates) > 0 {
		best = dates[len(dates)-1]
	}
	return best, nil
}

// pickChannel finds a channel by id, platform:id or name.
func pickChannel(chans []bot.Channel, key string) ([]bot.Channel, error) {
	var names []string
	for _, ch := range chans {
		if ch.ID == key || ch.ChannelRef.String() == key || (ch.Name != "" && ch.Name == key) {
			return []bot.Channel{ch}, nil
		}
		names = append(names, ch.ChannelRef.String())
	}
	return nil, usagef("--channel: no channel %q (channels: %s)", key, strings.Join(names, ", "))
}
