package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The slash commands, the same on every platform: /papers for everyone and
// /papers-admin for channel managers (a separate top-level command,
// because Discord can restrict only whole commands). Adapters parse what
// the platform sends into a Command, check who may manage the channel and
// what the bot itself may do there, call Commands.Handle and render the
// Reply. The work is all here.

// Command names.
const (
	CmdPapers = "papers"
	CmdAdmin  = "papers-admin"
)

// Command is one slash command as a platform delivered it.
type Command struct {
	Platform    string
	TeamID      string // Discord guild or Slack workspace
	ChannelID   string
	ChannelName string
	// User is who ran the command (Discord: no team, user ids are global;
	// Slack: the workspace and the user).
	User UserRef
	Name string            // CmdPapers or CmdAdmin
	Sub  string            // "search", "channel set", ...
	Args map[string]string // named arguments: "query", "id", "time", ...
	// CanManage is true when the platform says the user may manage the
	// channel (Discord: Manage Channels; Slack: workspace admin or listed
	// in the config). Adapters check it; Handle checks it again.
	CanManage bool
	// BotMissing lists what the bot lacks to post its digest in the
	// channel, as the platform names it (permissions, membership). Filled
	// by the adapter for channel commands.
	BotMissing []string
}

// Sub-commands.
var (
	// PapersSubs are the /papers sub-commands, in help order.
	PapersSubs = []string{"help", "search", "today", "paper", "subscribe", "subscriptions", "unsubscribe",
		"watching", "unwatch", "pause", "resume", "alerts", "forget-me", "status"}
	// AdminSubs are the /papers-admin sub-commands.
	AdminSubs = []string{"channel set", "channel show", "channel remove"}
)

// Commands answers slash commands.
type Commands struct {
	Bot *Bot
	// DefaultZone is the time zone of a channel set up in chat without one.
	DefaultZone string
	// MaxTopics is how many topics one user may have (DefaultMaxTopics
	// when zero).
	MaxTopics int
	// MaxWatches is how many papers one user may watch
	// (DefaultMaxWatches when zero).
	MaxWatches int
	// Limiter applies the fair-use limits (none when nil); share one
	// between the platforms' Commands.
	Limiter *Limiter
	// SearchTimeout bounds each search and subscription preview
	// (DefaultSearchTimeout when zero): one that reaches it answers with
	// the best results found by then, and says so.
	SearchTimeout time.Duration
	// ArxivCategory resolves an arXiv category or archive to its
	// canonical name, or returns an error naming it and the closest valid
	// one (the taxonomy is the arXiv adapter's); nil refuses arXiv
	// sources.
	ArxivCategory func(string) (string, error)
	// DefaultSources is what a channel set up in chat follows until its
	// admins choose (zero: DefaultSources).
	DefaultSources Sources
}

func (c *Commands) searchTimeout() time.Duration {
	if c.SearchTimeout > 0 {
		return c.SearchTimeout
	}
	return DefaultSearchTimeout
}

// Handle runs one command and returns the reply to show the user (only to
// them). It never returns an error: problems are explained in the reply,
// and unexpected ones (a recovered panic included) are logged.
func (c *Commands) Handle(ctx context.Context, cmd Command) Reply {
	start := time.Now()
	defer func() { c.Bot.metrics().CommandDone(CommandLabel(cmd), time.Since(start)) }()
	if cmd.Name == CmdPapers {
		if r, limited := c.slowDown(cmd.User, limitKind(cmd.Sub)); limited {
			return r
		}
	}
	r, err := c.handleRecovered(ctx, cmd)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			r = errorReply("%s", e.Message)
			if h, ok := help[cmd.Sub]; ok && e.Code == EInvalid {
				prefix := "/" + cmd.Name + " "
				r.Lines = append(r.Lines, Line{Text("Usage: "), Code(strings.TrimSpace(prefix + cmd.Sub + " " + h[0])), Text(". Example: "), Code(h[2])})
			}
		} else if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// Cancelled from outside (paperboy is shutting down): nothing
			// failed, and the platform tells the user to try again.
			c.Bot.log().Info("command cancelled", "platform", cmd.Platform, "channel", cmd.ChannelID,
				"user", cmd.User.ID, "command", cmd.Name+" "+cmd.Sub)
			r = errorReply("paperboy is restarting, try again in a minute.")
		} else {
			c.Bot.log().Error("command failed", "platform", cmd.Platform, "channel", cmd.ChannelID,
				"user", cmd.User.ID, "command", cmd.Name+" "+cmd.Sub, "error", err)
			r = errorReply("Something went wrong on paperboy's side; please try again in a minute.")
		}
	}
	if cmd.User.ID != "" {
		// The notice is a courtesy: if the database is too busy to say
		// quickly, it waits for the user's next command rather than delay
		// an answer that has a deadline (Discord answers help at once).
		nctx, cancel := context.WithTimeout(ctx, NoticeWait)
		if notice, err := c.Bot.Store.TakeNotice(nctx, cmd.User, c.Bot.now()); err == nil && notice != "" {
			r.Lines = append([]Line{{Bold(notice)}}, r.Lines...)
		}
		cancel()
	}
	return r
}

// NoticeWait bounds how long a command waits to look up the user's pending
// notice.
const NoticeWait = 300 * time.Millisecond

func (c *Commands) handle(ctx context.Context, cmd Command) (Reply, error) {
	switch {
	case cmd.Name == CmdAdmin:
		return c.admin(ctx, cmd)
	case cmd.Name != CmdPapers:
		return Reply{}, Errorf(EInvalid, "Unknown command /%s.", cmd.Name)
	}
	if extra := cmd.Args["_extra"]; extra != "" && cmd.Sub != "help" {
		return usageReply(cmd.Sub, fmt.Sprintf("/papers %s takes no %q.", cmd.Sub, Truncate(extra, 60))), nil
	}
	switch cmd.Sub {
	case "", "help":
		return Help(), nil
	case "search":
		return c.search(ctx, cmd)
	case "today":
		return c.today(ctx, cmd)
	case "paper":
		return c.paper(ctx, cmd)
	case "status":
		return c.status(ctx, cmd)
	case "resume":
		return c.resume(ctx, cmd)
	case "subscribe":
		return c.subscribe(ctx, cmd)
	case "subscriptions":
		return c.subscriptions(ctx, cmd)
	case "unsubscribe":
		return c.unsubscribe(ctx, cmd)
	case "watching":
		return c.watching(ctx, cmd)
	case "unwatch":
		return c.unwatch(ctx, cmd)
	case "pause":
		return c.pause(ctx, cmd)
	case "alerts":
		return c.alerts(ctx, cmd)
	case "forget-me":
		return c.forgetMe(ctx, cmd)
	}
	return usageReply(cmd.Sub, fmt.Sprintf("Unknown command /papers %s.", cmd.Sub)), nil
}

// channel returns the stored channel of the command, or the defaults with
// ok=false.
func (c *Commands) channel(ctx context.Context, cmd Command) (Channel, bool, error) {
	ref := ChannelRef{Platform: cmd.Platform, ID: cmd.ChannelID}
	ch, err := c.Bot.Store.GetChannel(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		def := DefaultSettings(c.zone())
		def.Sources = c.DefaultSources
		return Channel{ChannelRef: ref, Name: cmd.ChannelName, Settings: def}, false, nil
	}
	return ch, err == nil, err
}

func (c *Commands) zone() string {
	if c.DefaultZone == "" {
		return "UTC"
	}
	return c.DefaultZone
}

func (c *Commands) today(ctx context.Context, cmd Command) (Reply, error) {
	ch, configured, err := c.channel(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	res, err := c.Bot.Digest(ctx, DigestRequest{Channel: ch, DryRun: true})
	if err != nil {
		return Reply{}, err
	}
	r := Reply{}
	if !configured {
		r.Lines = append(r.Lines, Line{Text("This channel gets no daily digest; with the default settings today's would be:")})
	}
	if res.Digest == nil || len(res.Digest.Items) == 0 {
		r.Title = "Nothing to post today"
		r.Lines = append(r.Lines, Line{Text("%s.", capitalize(res.Run.Reason))})
		return r, nil
	}
	r.Title = res.Digest.Header()
	for _, it := range res.Digest.Items {
		r.Papers = append(r.Papers, it.Paper)
	}
	return r, nil
}

func (c *Commands) paper(ctx context.Context, cmd Command) (Reply, error) {
	arg := strings.TrimSpace(cmd.Args["id"])
	if arg == "" {
		return usageReply("paper", "Which paper? Give an arXiv id or a Hugging Face or arXiv link."), nil
	}
	id, ok := PaperIDFrom(arg)
	if !ok {
		return Reply{}, Errorf(EInvalid, "%q is not an arXiv id or a Hugging Face or arXiv paper link (for example 2405.15738 or https://huggingface.co/papers/2405.15738).", Truncate(arg, 100))
	}
	p, err := c.Bot.Store.GetPaper(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Reply{Lines: []Line{{Text("Paper %s is not in paperboy's store: it has not been on a Hugging Face daily list since paperboy started keeping them. ", id), Link("Look it up on Hugging Face", "https://huggingface.co/papers/"+id)}}}, nil
	}
	if err != nil {
		return Reply{}, err
	}
	return Reply{Papers: []Paper{p}}, nil
}

// PaperIDFrom reads an arXiv id from an id or a Hugging Face or arXiv link.
func PaperIDFrom(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if id, ok := NormalizeID(s); ok {
		return id, true
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		u, err = url.Parse("https://" + s) // "huggingface.co/papers/2405.15738"
		if err != nil {
			return "", false
		}
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	path := strings.Trim(u.Path, "/")
	var rest string
	switch {
	case host == "huggingface.co" || host == "hf.co":
		rest, _ = strings.CutPrefix(path, "papers/")
	case host == "arxiv.org" || host == "export.arxiv.org":
		for _, p := range []string{"abs/", "pdf/", "html/"} {
			if r, ok := strings.CutPrefix(path, p); ok {
				rest = strings.TrimSuffix(r, ".pdf")
			}
		}
	}
	if rest == "" {
		return "", false
	}
	return NormalizeID(rest)
}

func (c *Commands) status(ctx context.Context, cmd Command) (Reply, error) {
	ch, configured, err := c.channel(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	if !configured {
		return Reply{Lines: []Line{{Text("This channel gets no daily digest. A channel manager can set one up with "), Code("/papers-admin channel set"), Text(".")}}}, nil
	}
	return c.statusReply(ctx, ch)
}

func (c *Commands) statusReply(ctx context.Context, ch Channel) (Reply, error) {
	now := c.Bot.now()
	st, err := c.Bot.Status(ctx, ch, now)
	if err != nil {
		return Reply{}, err
	}
	loc := ch.Location()
	r := Reply{Title: "Daily digest of this channel"}
	s := ch.Settings
	r.Lines = append(r.Lines, Line{Text("Up to %d papers with at least %d upvotes, at %s (%s), %s.", s.MaxPapers, s.MinUpvotes, s.Time, s.Zone, s.Weekdays)})
	if ch.Stopped != "" {
		r.Lines = append(r.Lines, Line{Bold("Posting is stopped: "), Text("%s. Fix it, then run ", ch.Stopped), Code("/papers-admin channel set"), Text(" again.")})
	}
	if !st.Next.IsZero() {
		r.Lines = append(r.Lines, Line{Text("Next post: %s, with %s.", st.Next.In(loc).Format("Mon 2 Jan 15:04 MST"), st.NextWhat())})
	}
	if st.LastPost != nil {
		r.Lines = append(r.Lines, Line{Text("Last post: the list of %s (%d papers), %s.", st.LastPost.ListDate.Long(), st.LastPost.Papers, st.LastPost.At.In(loc).Format("Mon 2 Jan 15:04 MST"))})
		if info, err := c.Bot.Store.ListInfo(ctx, st.LastPost.ListDate); err == nil && len(info.Skipped) > 0 {
			r.Lines = append(r.Lines, Line{Text("That list had elements paperboy could not use: %s.", SkippedSummary(info.Skipped, 3))})
		}
	} else {
		r.Lines = append(r.Lines, Line{Text("Nothing posted here yet.")})
	}
	if st.LastRun != nil {
		line := Line{Text("Last run, %s: %s.", st.LastRun.At.In(loc).Format("Mon 2 Jan 15:04 MST"), st.LastRun.Describe())}
		if note := st.RetryNote(now); note != "" {
			line = append(line, Text(" %s", note))
		}
		r.Lines = append(r.Lines, line)
	}
	if note := st.OffDaysNote(); note != "" {
		r.Lines = append(r.Lines, Line{Text("%s", note)})
	}
	for _, p := range st.Open {
		r.Lines = append(r.Lines, Line{Text("The thread of %s is half-posted (%d of %d); the next run finishes it.", p.Digest.ListDate.Long(), p.SentCount(), len(p.Items))})
	}
	return r, nil
}

func (c *Commands) resume(ctx context.Context, cmd Command) (Reply, error) {
	u, err := c.Bot.Store.GetUser(ctx, cmd.User)
	if errors.Is(err, ErrNotFound) || err == nil && u.PausedReason == "" {
		return Reply{Lines: []Line{{Text("Your alerts are not paused.")}}}, nil
	}
	if err != nil {
		return Reply{}, err
	}
	if err := c.Bot.Store.PauseAlerts(ctx, cmd.User, "", "", c.Bot.now()); err != nil {
		return Reply{}, err
	}
	r := Reply{Lines: []Line{{Text("Your alerts are resumed (they were paused: %s).", u.PausedReason)}}}
	if subs, err := c.Bot.Store.Subscriptions(ctx, cmd.User); err == nil && len(subs) == 0 {
		r.Lines = append(r.Lines, Line{Text("You have no topics yet: add one with "), Code("/papers subscribe <query>"), Text(".")})
	}
	return r, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
