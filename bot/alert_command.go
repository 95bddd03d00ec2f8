package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The topic-alert commands: subscribe, subscriptions, unsubscribe, pause,
// resume, alerts, forget-me.

// previewDays is how far back the subscribe preview looks; listDays how
// far back /papers subscriptions counts.
const (
	previewDays = 30
	listDays    = 7
	maxLabel    = 80
)

func (c *Commands) maxTopics() int {
	if c.MaxTopics <= 0 {
		return DefaultMaxTopics
	}
	return c.MaxTopics
}

// Within returns a copy of q limited to papers of the last days days (dated
// on or after now's UTC date minus days): the subscribe preview.
func Within(q *Query, days int, now time.Time) *Query {
	w := *q
	since := DateOf(now.UTC()).AddDays(-days)
	if w.Since.IsZero() || w.Since.Before(since) {
		w.Since = since
	}
	return &w
}

func (c *Commands) subscribe(ctx context.Context, cmd Command) (Reply, error) {
	text := CollapseSpace(cmd.Args["query"])
	if text == "" {
		return usageReply("subscribe", "Which topic? Give a search query."), nil
	}
	now := c.Bot.now()
	q, err := ParseQuery(text, now)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return Reply{Error: true, Lines: []Line{{Text("%s", e.Message)}, {Text("%s", searchHelp)}}}, nil
		}
		return Reply{}, err
	}
	label := CollapseSpace(cmd.Args["label"])
	if n := utf8.RuneCountInString(label); n > maxLabel {
		return Reply{}, Errorf(EInvalid, "label: %d characters long; the limit is %d.", n, maxLabel)
	}
	s, err := c.Bot.Store.AddSubscription(ctx, Subscription{User: cmd.User, Query: text, Label: label}, c.maxTopics(), now)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: fmt.Sprintf("Subscribed (#%d).", s.ID)}
	release, err := c.admit(ctx, cmd.User)
	if ErrorCode(err) == EBusy {
		// The topic is saved; only the preview waits for a calmer moment.
		r.Title += " paperboy is too busy to show what it would have matched."
		return r, nil
	}
	if err != nil {
		return Reply{}, err
	}
	res, err := c.Bot.Store.Search(ctx, SearchRequest{Query: Within(q, previewDays, now), Limit: 3, Now: now, Timeout: c.searchTimeout()})
	release()
	if err != nil {
		return Reply{}, err
	}
	if res.Stopped && len(res.Hits) == 0 {
		// The topic is saved; its preview took too long to show.
		r.Title += " Its preview took too long to show what it would have matched."
		return r, nil
	}
	var hits []SearchHit
	for _, h := range res.Hits {
		if !h.Partial {
			hits = append(hits, h)
		}
	}
	if res.Total == 0 || len(hits) == 0 {
		r.Title += fmt.Sprintf(" In the last %d days this would have matched no papers.", previewDays)
	} else {
		n := Count(res.Total, "paper")
		if res.Stopped {
			n = "at least " + n
		}
		r.Title += fmt.Sprintf(" In the last %d days this would have matched %s, for example:", previewDays, n)
		for _, h := range hits {
			p := h.Paper
			r.Lines = append(r.Lines, Line{Link(Truncate(p.DisplayTitle(), 200), p.PageURL()),
				Text(" · %s · %s", p.Standing(), paperDate(p))})
		}
	}
	u, err := c.Bot.Store.GetUser(ctx, cmd.User)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Reply{}, err
	}
	r.Lines = append(r.Lines, Line{Text("New matching papers come by direct message, %s. ", u.Mode), Code("/papers subscriptions"), Text(" lists your topics.")})
	if u.PausedReason != "" {
		r.Lines = append(r.Lines, Line{Bold("Your alerts are paused"), Text(" (%s); ", u.PausedReason), Code("/papers resume"), Text(" turns them back on.")})
	}
	return r, nil
}

func (c *Commands) subscriptions(ctx context.Context, cmd Command) (Reply, error) {
	subs, err := c.Bot.Store.Subscriptions(ctx, cmd.User)
	if err != nil {
		return Reply{}, err
	}
	if len(subs) == 0 {
		return Reply{Lines: []Line{{Text("You have no topics. Add one with "), Code(`/papers subscribe "state space models" -survey`), Text(".")}}}, nil
	}
	now := c.Bot.now()
	release, err := c.admit(ctx, cmd.User)
	if err != nil {
		return Reply{}, err
	}
	defer release()
	r := Reply{Title: fmt.Sprintf("Your topics (%d of at most %d)", len(subs), c.maxTopics())}
	for _, s := range subs {
		line := Line{Bold(fmt.Sprintf("#%d", s.ID)), Text(" "), Code(s.Query)}
		if s.Label != "" {
			line = append(line, Text(" (%s)", s.Label))
		}
		if q, err := ParseQuery(s.Query, now); err == nil {
			ids, err := c.Bot.Store.MatchIDs(ctx, Within(q, listDays, now), nil)
			if err != nil {
				return Reply{}, err
			}
			line = append(line, Text(" · %s in the last %d days", Count(len(ids), "paper"), listDays))
		}
		if s.Paused {
			line = append(line, Text(" · paused"))
		}
		r.Lines = append(r.Lines, line)
	}
	u, err := c.Bot.Store.GetUser(ctx, cmd.User)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Reply{}, err
	}
	r.Lines = append(r.Lines, Line{Text("Delivery: %s.", u.Mode)})
	if u.PausedReason != "" {
		r.Lines = append(r.Lines, Line{Bold("Your alerts are paused"), Text(" (%s); ", u.PausedReason), Code("/papers resume"), Text(" turns them back on.")})
	}
	return r, nil
}

func (c *Commands) unsubscribe(ctx context.Context, cmd Command) (Reply, error) {
	arg := strings.ToLower(strings.TrimSpace(cmd.Args["id"]))
	if arg == "" {
		return usageReply("unsubscribe", "Which topic? Give its number (see /papers subscriptions) or all."), nil
	}
	if arg == "all" {
		n, err := c.Bot.Store.DeleteSubscriptions(ctx, cmd.User, 0)
		if err != nil {
			return Reply{}, err
		}
		if n == 0 {
			return Reply{Lines: []Line{{Text("You have no topics; nothing to remove.")}}}, nil
		}
		return Reply{Lines: []Line{{Text("Removed all your topics (%d). No more alerts will come.", n)}}}, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return Reply{}, Errorf(EInvalid, "%q is not a topic number; give a number from /papers subscriptions, or all.", Truncate(arg, 40))
	}
	subs, err := c.Bot.Store.Subscriptions(ctx, cmd.User)
	if err != nil {
		return Reply{}, err
	}
	for _, s := range subs {
		if s.ID == id {
			if _, err := c.Bot.Store.DeleteSubscriptions(ctx, cmd.User, id); err != nil {
				return Reply{}, err
			}
			return Reply{Lines: []Line{{Text("Removed topic #%d ", id), Code(s.Query), Text(".")}}}, nil
		}
	}
	return Reply{}, Errorf(EInvalid, "You have no topic #%d; /papers subscriptions lists yours.", id)
}

// pausedByUser is the reason recorded by /papers pause.
const pausedByUser = "you paused them with /papers pause"

func (c *Commands) pause(ctx context.Context, cmd Command) (Reply, error) {
	u, err := c.Bot.Store.GetUser(ctx, cmd.User)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Reply{}, err
	}
	if u.PausedReason != "" {
		return Reply{Lines: []Line{{Text("Your alerts are already paused (%s). ", u.PausedReason), Code("/papers resume"), Text(" turns them back on.")}}}, nil
	}
	if err := c.Bot.Store.PauseAlerts(ctx, cmd.User, pausedByUser, "", c.Bot.now()); err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []Line{{Text("Your alerts are paused: no direct messages until you run "), Code("/papers resume"),
		Text(". Papers that appear meanwhile are not sent later.")}}}, nil
}

func (c *Commands) alerts(ctx context.Context, cmd Command) (Reply, error) {
	mode := strings.ToLower(strings.TrimSpace(cmd.Args["mode"]))
	now := c.Bot.now()
	var m AlertMode
	switch mode {
	case "instant":
		if cmd.Args["time"] != "" || cmd.Args["zone"] != "" {
			return Reply{}, Errorf(EInvalid, "alerts instant takes no time or zone.")
		}
	case "daily":
		tv, zv := strings.TrimSpace(cmd.Args["time"]), strings.TrimSpace(cmd.Args["zone"])
		if tv == "" || zv == "" {
			return Reply{}, Errorf(EInvalid, "alerts daily needs a time and a time zone.")
		}
		t, err := ParseTimeOfDay(tv)
		if err != nil {
			return Reply{}, Errorf(EInvalid, "time: %v", err)
		}
		loc, err := time.LoadLocation(zv)
		if err != nil || strings.EqualFold(zv, "local") {
			return Reply{}, Errorf(EInvalid, "zone: unknown time zone %q (use an IANA name such as Europe/Berlin or America/New_York)", Truncate(zv, 60))
		}
		m = AlertMode{Daily: true, Time: t, Zone: loc.String()}
	case "":
		return usageReply("alerts", "How should your alerts arrive: instant, or daily at a time?"), nil
	default:
		return Reply{}, Errorf(EInvalid, "%q is not a delivery mode: use instant or daily HH:MM <zone>.", Truncate(mode, 40))
	}
	if err := c.Bot.Store.SetAlertMode(ctx, cmd.User, m, now); err != nil {
		return Reply{}, err
	}
	if !m.Daily {
		return Reply{Lines: []Line{{Text("Your alerts now arrive as soon as new matching papers are polled.")}}}, nil
	}
	loc, _ := time.LoadLocation(m.Zone)
	next := NextRun(Settings{Time: m.Time, Zone: m.Zone, Weekdays: AllDays}, loc, now)
	return Reply{Lines: []Line{{Text("Your alerts now arrive once a day at %s (%s), the next time on %s, in one message (none on days without new matches).",
		m.Time, m.Zone, next.In(loc).Format("Mon 2 Jan 15:04 MST"))}}}, nil
}

func (c *Commands) forgetMe(ctx context.Context, cmd Command) (Reply, error) {
	res, err := c.Bot.Store.ForgetUser(ctx, cmd.User)
	if err != nil {
		return Reply{}, err
	}
	if res.Subscriptions+res.Alerts+res.Users+res.Batches+res.Watches == 0 {
		return Reply{Lines: []Line{{Text("paperboy kept nothing about you; nothing to delete.")}}}, nil
	}
	what := Count(res.Subscriptions, "topic") + ", " + Count(res.Alerts, "alert")
	if res.Watches > 0 {
		what += ", " + Count(res.Watches, "watched paper")
	}
	return Reply{Lines: []Line{{Text("Deleted everything paperboy kept about you: %s and your settings.", what)}}}, nil
}
