package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Watching a paper (issue 17): each item a channel with follow-ups posts
// carries a Watch button. Pressing it subscribes the presser to that one
// paper (pressing again unwatches); every follow-up of a watched paper
// (once per change, whatever the channels that show the
// paper) then reaches each watcher as a direct message, through the alert
// path: written in the transaction that records the change, batched with
// the watcher's topic alerts, paced, paused and forgotten with them.

// DefaultMaxWatches is how many papers one user may watch unless
// configured otherwise (followups.max_watches).
const DefaultMaxWatches = 100

// Button actions of watching: "w:<paper id>" on a posted item toggles the
// presser's watch; "wu:<page>:<paper id>" on /papers watching removes one
// and shows that page again; "wp:<page>" pages through the list.
const (
	watchAction     = "w:"
	unwatchAction   = "wu:"
	watchPageAction = "wp:"
)

// watchPageSize is how many watches a page of /papers watching lists (one
// remove button each: with paging, at most 12 buttons, three rows on
// Discord).
const watchPageSize = 10

// WatchAction is the action of a posted item's Watch button.
func WatchAction(paperID string) string { return watchAction + paperID }

// ActionReplaces reports whether the answer to a button replaces the
// message the button is on (search paging, the watch list's buttons), or
// comes as a new ephemeral message, leaving it alone (the Watch button of
// a channel's post, which everyone sees).
func ActionReplaces(action string) bool { return !strings.HasPrefix(action, watchAction) }

// Watch is one paper a user watches.
type Watch struct {
	Paper   Paper
	Created time.Time
	// LastPosted is when the paper was last posted to a channel whose
	// follow-ups are on (zero: never): it is followed for Followups.Days
	// after.
	LastPosted time.Time
}

// WatchedChange is one follow-up of a watched paper in an alert batch.
type WatchedChange struct {
	Paper    Paper
	Change   Change
	Detected time.Time
}

// WatchStore keeps watches.
type WatchStore interface {
	// ToggleWatch watches the paper for the user, or, when the user
	// watches it already, stops. It returns whether the user watches it
	// now and the paper. A paper the store does not have is ErrNotFound; a
	// user who watches max papers already gets an *Error with code
	// EInvalid (and nothing changes).
	ToggleWatch(ctx context.Context, u UserRef, paperID string, max int, now time.Time) (watching bool, p Paper, err error)
	// Unwatch stops the user's watch of the paper and reports whether
	// there was one.
	Unwatch(ctx context.Context, u UserRef, paperID string) (bool, error)
	// Watches returns the user's watches, newest first.
	Watches(ctx context.Context, u UserRef) ([]Watch, error)
}

func (c *Commands) maxWatches() int {
	if c.MaxWatches <= 0 {
		return DefaultMaxWatches
	}
	return c.MaxWatches
}

func (c *Commands) followDays() int {
	if c.Bot.Followups == nil {
		return DefaultFollowupDays
	}
	return c.Bot.Followups.days()
}

// toggleWatch answers a post's Watch button.
func (c *Commands) toggleWatch(ctx context.Context, user UserRef, paperID string) (Reply, error) {
	id, ok := NormalizeID(paperID)
	if !ok || id != paperID {
		return errorReply("This button is not paperboy's, or it is broken."), nil
	}
	if r, limited := c.slowDown(user, "change"); limited {
		return r, nil
	}
	watching, p, err := c.Bot.Store.ToggleWatch(ctx, user, id, c.maxWatches(), c.Bot.now())
	if errors.Is(err, ErrNotFound) {
		return errorReply("paperboy no longer has paper %s.", id), nil
	}
	if err != nil {
		return Reply{}, err
	}
	title := Truncate(p.DisplayTitle(), 150)
	if !watching {
		return Reply{Lines: []Line{{Text("You no longer watch "), Link(title, p.PageURL()), Text(". Press Watch again to watch it.")}}}, nil
	}
	return Reply{Lines: []Line{
		{Text("You watch "), Link(title, p.PageURL()), Text(".")},
		{Text("paperboy sends you a direct message when its code is released, its stars cross 100, 1,000 or 10,000, a new version or a venue appears, for %d days after it was posted. Press Watch again to stop; ", c.followDays()),
			Code("/papers watching"), Text(" lists what you watch.")},
	}}, nil
}

func (c *Commands) watching(ctx context.Context, cmd Command) (Reply, error) {
	return c.watchPage(ctx, cmd.User, 0, "")
}

// watchPage is one page of the user's watches, each with a remove button;
// done (when not "") is a line on top saying what the last button did.
func (c *Commands) watchPage(ctx context.Context, user UserRef, page int, done string) (Reply, error) {
	ws, err := c.Bot.Store.Watches(ctx, user)
	if err != nil {
		return Reply{}, err
	}
	var r Reply
	if done != "" {
		r.Lines = append(r.Lines, Line{Text("%s", done)})
	}
	if len(ws) == 0 {
		r.Lines = append(r.Lines, Line{Text("You watch no papers. Press Watch under a paper paperboy posted to get a direct message when it changes.")})
		return r, nil
	}
	pages := (len(ws) + watchPageSize - 1) / watchPageSize
	page = min(max(page, 0), pages-1)
	r.Title = fmt.Sprintf("Papers you watch (%d of at most %d)", len(ws), c.maxWatches())
	if pages > 1 {
		r.Title += fmt.Sprintf(", page %d of %d", page+1, pages)
	}
	now, days := c.Bot.now(), c.followDays()
	for i, w := range ws[page*watchPageSize : min(len(ws), (page+1)*watchPageSize)] {
		p := w.Paper
		line := Line{Bold(fmt.Sprintf("%d.", page*watchPageSize+i+1)), Text(" "), Link(Truncate(p.DisplayTitle(), 150), p.PageURL()), Text(" (%s)", p.ID)}
		switch until := w.LastPosted.AddDate(0, 0, days); {
		case w.LastPosted.IsZero():
			line = append(line, Text(" · not followed: no channel with follow-ups posted it"))
		case until.Before(now):
			line = append(line, Text(" · no longer followed (posted more than %d days ago)", days))
		default:
			line = append(line, Text(" · followed until %s", until.UTC().Format("2 Jan")))
		}
		r.Lines = append(r.Lines, line)
		r.Buttons = append(r.Buttons, Button{Label: "Unwatch " + p.ID, Action: unwatchAction + strconv.Itoa(page) + ":" + p.ID})
	}
	if page > 0 {
		r.Buttons = append(r.Buttons, Button{Label: "◀ Prev", Action: watchPageAction + strconv.Itoa(page-1)})
	}
	if page < pages-1 {
		r.Buttons = append(r.Buttons, Button{Label: "Next ▶", Action: watchPageAction + strconv.Itoa(page+1)})
	}
	r.Lines = append(r.Lines, Line{Text("Remove one with its button or "), Code("/papers unwatch <arXiv id>"), Text(".")})
	return r, nil
}

func (c *Commands) unwatch(ctx context.Context, cmd Command) (Reply, error) {
	arg := strings.TrimSpace(cmd.Args["id"])
	if arg == "" {
		return usageReply("unwatch", "Which paper? Give its arXiv id (see /papers watching)."), nil
	}
	id, ok := PaperIDFrom(arg)
	if !ok {
		return Reply{}, Errorf(EInvalid, "%q is not an arXiv id or a Hugging Face or arXiv paper link (for example 2405.15738).", Truncate(arg, 100))
	}
	removed, err := c.Bot.Store.Unwatch(ctx, cmd.User, id)
	if err != nil {
		return Reply{}, err
	}
	if !removed {
		return Reply{}, Errorf(EInvalid, "You do not watch %s; /papers watching lists what you watch.", id)
	}
	return Reply{Lines: []Line{{Text("You no longer watch %s.", id)}}}, nil
}

// watchListAction answers a button of /papers watching: a remove
// ("wu:<page>:<id>", only ever the presser's own watch) or a page
// ("wp:<page>").
func (c *Commands) watchListAction(ctx context.Context, user UserRef, action string) (Reply, error) {
	if r, limited := c.slowDown(user, "change"); limited {
		return r, nil
	}
	if rest, ok := strings.CutPrefix(action, watchPageAction); ok {
		page, err := strconv.Atoi(rest)
		if err != nil || page < 0 || page > 1000 {
			return errorReply("This button is not paperboy's, or it is broken."), nil
		}
		return c.watchPage(ctx, user, page, "")
	}
	pageS, id, _ := strings.Cut(strings.TrimPrefix(action, unwatchAction), ":")
	page, err := strconv.Atoi(pageS)
	if nid, ok := NormalizeID(id); err != nil || page < 0 || page > 1000 || !ok || nid != id {
		return errorReply("This button is not paperboy's, or it is broken."), nil
	}
	removed, err := c.Bot.Store.Unwatch(ctx, user, id)
	if err != nil {
		return Reply{}, err
	}
	done := fmt.Sprintf("You no longer watch %s.", id)
	if !removed {
		done = fmt.Sprintf("You were not watching %s any more.", id)
	}
	return c.watchPage(ctx, user, page, done)
}
