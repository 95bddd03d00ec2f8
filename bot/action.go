package bot

import (
	"context"
	"errors"
	"strings"
	"time"
)

// HandleAction answers a button of paperboy's: search paging, a post's
// Watch button, the buttons of /papers watching. Whether the answer
// replaces the message the button is on or comes as a new ephemeral
// message is ActionReplaces's to say. Like Handle, it never returns an
// error: problems are explained in the reply, unexpected ones logged.
func (c *Commands) HandleAction(ctx context.Context, user UserRef, action string) Reply {
	start := time.Now()
	label := CmdPapers + " page"
	var run func(context.Context, UserRef, string) (Reply, error)
	switch {
	case strings.HasPrefix(action, searchAction):
		run = c.searchPageAction
	case strings.HasPrefix(action, watchAction):
		label = CmdPapers + " watch"
		run = func(ctx context.Context, u UserRef, a string) (Reply, error) {
			return c.toggleWatch(ctx, u, strings.TrimPrefix(a, watchAction))
		}
	case strings.HasPrefix(action, unwatchAction), strings.HasPrefix(action, watchPageAction):
		label = CmdPapers + " watching"
		run = c.watchListAction
	default:
		return errorReply("This button is not paperboy's, or it is broken.")
	}
	defer func() { c.Bot.metrics().CommandDone(label, time.Since(start)) }()
	r, err := recovered(func() (Reply, error) { return run(ctx, user, action) })
	var e *Error
	if errors.As(err, &e) {
		return errorReply("%s", e.Message)
	}
	if err != nil {
		c.Bot.log().Error("button failed", "platform", user.Platform, "user", user.ID, "command", label, "error", err)
		return errorReply("Something went wrong on paperboy's side; please try again in a minute.")
	}
	return r
}
