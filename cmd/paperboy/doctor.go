package main

// paperboy doctor: one line per check, ✓ or ✗ and, for ✗, what to do;
// exit 0 only when every check passes. It changes nothing: the database
// is read without being created or migrated, Discord and Slack are only
// asked (one request per check, no retries), and each source gets one
// request. Tokens never appear: the adapters name none, and the redactor
// (redact.go) is under every line.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// sourceWait bounds each source's check (the arXiv client retries within
// it, through its limiter).
const sourceWait = time.Minute

// checkPrinter prints checks as they are made and counts the failures.
type checkPrinter struct {
	w           io.Writer
	total, fail int
}

func (p *checkPrinter) put(checks ...bot.Check) {
	for _, c := range checks {
		p.total++
		line := "✓ " + c.Name
		if !c.OK {
			p.fail++
			line = "✗ " + c.Name
		}
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		if !c.OK && c.Fix != "" {
			line += " → " + c.Fix
		}
		fmt.Fprintln(p.w, oneLine(line))
	}
}

// oneLine keeps a check on one line whatever an error message holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

func cmdDoctor(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments: %s", strings.Join(args, " "))
	}
	// One request per check: the process's arXiv client (built on first
	// use, for the doctor only) does not retry; its limiter still holds.
	e.conf.Arxiv.MaxRetries = 0
	p := &checkPrinter{w: e.stdout}
	p.put(e.doctorConfig())
	stored, checks := e.doctorDatabase()
	p.put(checks...)
	p.put(doctorDisk(e.conf.Database, e.diskSpace))
	channels := e.doctorChannels(stored)
	p.put(doctorZones(channels, e.conf.LocalZone))
	for _, section := range []func([]bot.Channel) []bot.Check{e.doctorSources, e.doctorPlatforms} {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		p.put(section(channels)...)
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	if p.fail > 0 {
		return fmt.Errorf("%d of %d checks failed", p.fail, p.total)
	}
	return nil
}

// doctorConfig reports the config that was read (setup already refused
// one that does not parse, with exit code 2).
func (e *env) doctorConfig() bot.Check {
	path := e.flags.config
	if path == "" {
		if !fileExists("paperboy.yaml") {
			return bot.Passed("config", "no file (./paperboy.yaml or --config): the defaults")
		}
		path = "paperboy.yaml"
	}
	n := 0
	for _, ch := range e.conf.Channels {
		if ch.Platform != "console" {
			n++
		}
	}
	return bot.Passed("config "+path, fmt.Sprintf("parses (%d chat channels)", n))
}

// doctorDatabase checks the database file without creating or changing
// it, and returns the channels stored in it (none when it cannot be read
// as this version stores them).
func (e *env) doctorDatabase() ([]bot.Channel, []bot.Check) {
	path := e.conf.Database
	name := "database " + path
	d, err := store.Diagnose(e.ctx, path)
	if err != nil {
		return nil, []bot.Check{bot.Failed(name, strings.TrimPrefix(err.Error(), "store: "), "fix the file or the path (database: or --db)")}
	}
	if !d.Exists {
		dir := filepath.Dir(path)
		if err := writableDir(dir); err != nil {
			return nil, []bot.Check{bot.Failed(name, "does not exist, and its folder cannot hold it: "+err.Error(),
				"create the folder "+dir+" and let paperboy's user write to it, or set database: (or --db)")}
		}
		return nil, []bot.Check{bot.Passed(name, "not created yet: the first run creates it (its folder is writable)")}
	}
	var checks []bot.Check
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err != nil {
		checks = append(checks, bot.Failed(name, "opens, but not for writing: "+strings.TrimPrefix(err.Error(), "open "+path+": "),
			"let paperboy's user write to the file and its folder (for the -wal and -shm files)"))
	} else {
		f.Close()
		checks = append(checks, bot.Passed(name, "opens for reading and writing ("+bytesText(uint64(d.Size))+")"))
	}
	if len(d.Problems) > 0 {
		checks = append(checks, bot.Failed("database integrity", "PRAGMA quick_check: "+strings.Join(d.Problems, "; "),
			"stop paperboy and restore the database from a backup (README, \"Backup and restore\")"))
	} else {
		checks = append(checks, bot.Passed("database integrity", "PRAGMA quick_check: ok"))
	}
	current := false
	switch {
	case len(d.Unknown) > 0:
		checks = append(checks, bot.Failed("database migrations", fmt.Sprintf("the file has migration %s, which this paperboy (%s) does not know: a newer paperboy wrote it",
			joinInts(d.Unknown), version), "run the newer paperboy that wrote it"))
	case len(d.Pending) > 0:
		checks = append(checks, bot.Failed("database migrations", fmt.Sprintf("%d of %d not applied (%s)", len(d.Pending), len(d.Migrations), strings.Join(d.Pending, ", ")),
			"start this paperboy (run, digest or status) to apply them; back the file up first"))
	default:
		current = true
		checks = append(checks, bot.Passed("database migrations", fmt.Sprintf("current (%d of %d)", len(d.Migrations), len(d.Migrations))))
	}
	if !current || len(d.Problems) > 0 {
		return nil, checks
	}
	db, err := store.OpenReadOnly(e.ctx, path)
	if err != nil {
		return nil, append(checks, bot.Failed(name, strings.TrimPrefix(err.Error(), "store: "), "fix the file or the path (database: or --db)"))
	}
	defer db.Close()
	stored, err := db.Channels(e.ctx)
	if err != nil {
		return nil, append(checks, bot.Failed("database channels", "could not be read: "+err.Error(),
			"stop paperboy and restore the database from a backup (README, \"Backup and restore\")"))
	}
	return stored, checks
}

// writableDir reports whether a file could be created in dir, without
// creating one that stays.
func writableDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".paperboy-doctor-*")
	if err != nil {
		return errors.New("not writable")
	}
	f.Close()
	return os.Remove(f.Name())
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%04d", x)
	}
	return strings.Join(s, ", ")
}

// doctorChannels returns the channels the daemon would serve: those of
// the config file (with what was changed in chat) and those set up in chat
// (stored), without the ones it would drop for having left the file.
func (e *env) doctorChannels(stored []bot.Channel) []bot.Channel {
	byRef := map[bot.ChannelRef]*bot.Channel{}
	for i := range stored {
		byRef[stored[i].ChannelRef] = &stored[i]
	}
	var out []bot.Channel
	inConfig := map[bot.ChannelRef]bool{}
	for _, seed := range e.conf.Channels {
		inConfig[seed.ChannelRef] = true
		out = append(out, bot.MergeSeed(byRef[seed.ChannelRef], seed))
	}
	for _, ch := range stored {
		if inConfig[ch.ChannelRef] || (ch.FromConfig && !changedInChat(ch)) {
			continue
		}
		out = append(out, ch)
	}
	return out
}

// doctorSources asks each source the channels follow for one thing: the
// daily lists (Hugging Face, one GET of one paper; a sample or file is
// opened) and arXiv (one feed request through the process's arXiv client
// and its limiter), the latter only when some channel follows arXiv.
func (e *env) doctorSources(channels []bot.Channel) []bot.Check {
	lists := false
	var cats []string
	for _, ch := range channels {
		src := ch.Settings.Sources
		if src.IsZero() {
			src = e.conf.Sources
		}
		lists = lists || src.Lists
		for _, c := range src.Arxiv {
			if !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
		}
	}
	var out []bot.Check
	if lists {
		out = append(out, e.doctorLists())
	}
	if len(cats) > 0 {
		out = append(out, e.doctorArxiv(cats))
	}
	return out
}

func (e *env) doctorLists() bot.Check {
	switch s := e.conf.Source; {
	case s == "sample":
		return bot.Passed("source sample", "built into paperboy (no network)")
	case strings.HasPrefix(s, "file:"):
		if _, err := huggingface.OpenFile(strings.TrimPrefix(s, "file:")); err != nil {
			return bot.Failed("source "+s, strings.TrimPrefix(err.Error(), "huggingface: "), "check the path")
		}
		return bot.Passed("source "+s, "opens")
	}
	name := "Hugging Face " + e.conf.HFBaseURL
	src, err := e.openSource()
	if err != nil {
		return bot.Failed(name, err.Error(), "check huggingface.base_url")
	}
	hf, ok := src.(*huggingface.Client)
	if !ok {
		return bot.Failed(name, "not a Hugging Face client", "check source:")
	}
	recent := bot.RecentLists(e.clock.Now())
	day := recent[len(recent)-1]
	ctx, cancel := context.WithTimeout(e.ctx, sourceWait)
	defer cancel()
	n, err := hf.Reachable(ctx, day)
	if err != nil {
		fix := "check the network and huggingface.base_url (default " + defaultHFURL + ")"
		var se *huggingface.StatusError
		if errors.As(err, &se) && (se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusForbidden) {
			fix = "check HF_TOKEN (a read token from huggingface.co/settings/tokens), or unset it: the daily lists need none"
		}
		return bot.Failed(name, "not reachable: "+strings.TrimPrefix(err.Error(), "huggingface: "), fix)
	}
	got := "has papers"
	if n == 0 {
		got = "is empty so far"
	}
	return bot.Passed(name, "reachable (the daily list of "+day.Long()+" "+got+")")
}

func (e *env) doctorArxiv(cats []string) bot.Check {
	name := "arXiv " + e.conf.Arxiv.RSSURL
	ax, err := e.arxivClient()
	if err != nil {
		return bot.Failed(name, err.Error(), "check the arxiv: section")
	}
	ctx, cancel := context.WithTimeout(e.ctx, sourceWait)
	defer cancel()
	a, err := ax.Latest(ctx, cats)
	if err != nil {
		return bot.Failed(name, "not reachable: "+strings.TrimPrefix(err.Error(), "arxiv: "),
			"check the network and arxiv.rss_url (default "+arxiv.DefaultRSSURL+")")
	}
	return bot.Passed(name, fmt.Sprintf("reachable (the feed of %s: %d papers announced on %s)", arxiv.FeedPath(cats), len(a.Items), a.Day.Long()))
}

// doctorPlatforms checks Discord and Slack, each when it has a token; a
// platform whose token the file names but the environment lacks fails.
func (e *env) doctorPlatforms(channels []bot.Channel) []bot.Check {
	var out []bot.Check
	for _, st := range e.conf.platformStates() {
		if !st.On && st.Expected {
			env := "DISCORD_BOT_TOKEN"
			if st.Name == slack.Name {
				env = "SLACK_BOT_TOKEN"
			}
			out = append(out, bot.Failed(st.Name, "off: "+st.Why, "set "+env+", or remove the token's key from the config"))
		}
	}
	if e.conf.Discord.Token != "" {
		d, err := e.newDiscord()
		if err != nil {
			out = append(out, bot.Failed("Discord", err.Error(), "fix the discord: section"))
		} else {
			out = append(out, e.tokenVariables(d.Doctor(e.ctx, channels))...)
		}
	}
	if e.conf.Slack.BotToken != "" {
		sl, err := e.newSlack()
		if err != nil {
			out = append(out, bot.Failed("Slack", err.Error(), "fix the slack: section"))
		} else {
			out = append(out, e.tokenVariables(sl.Doctor(e.ctx, channels, e.conf.Slack.Mode != "http"))...)
		}
	}
	return out
}

// tokenVariables names, in what to do, the variable the config file reads
// each token from when it is not the usual one (discord.token:
// ${MY_TOKEN} instead of ${DISCORD_BOT_TOKEN}).
func (e *env) tokenVariables(checks []bot.Check) []bot.Check {
	for i := range checks {
		for key, ref := range e.conf.TokenRefs {
			if usual := secretKeys[key]; usual != "" && ref != usual {
				checks[i].Fix = strings.ReplaceAll(checks[i].Fix, usual, ref)
			}
		}
	}
	return checks
}
