package discord

// Retrying a REST call and what a failure means: do runs each call with
// backoff, waits out rate limits (never longer than maxRateLimitWait) and
// turns the errors that stop a channel into a *bot.StopError, whose
// permission reasons explainStop makes precise.
//
// API pages: https://discord.com/developers/docs/topics/rate-limits,
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// do runs one REST call with the adapter's retry rules: a 5xx, a timeout or
// a dropped connection is retried with backoff (discordgo itself retries
// only 502, and 429s after their retry_after); a 4xx is returned at once,
// as a *bot.StopError when the bot lost access to the channel.
func (d *Discord) do(ctx context.Context, what string, r route, call func(opts ...discordgo.RequestOption) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = call(discordgo.WithContext(ctx))
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return &requestError{msg: "discord: " + what + " (" + failedRoute(r, err).String() + "): " + ctx.Err().Error(), err: ctx.Err()}
		}
		var rl *discordgo.RateLimitError
		limited := errors.As(err, &rl)
		if limited {
			d.opts.Metrics.RateLimited(Name)
		}
		if !retryable(err) || attempt >= d.opts.Retries {
			break
		}
		wait := bot.Backoff(attempt, firstBackoff, maxBackoff)
		if limited {
			if rl.RetryAfter > maxRateLimitWait {
				// A hostile or broken answer, or a long global limit: fail
				// now (the daemon runs the channel again later) rather
				// than hold the send.
				break
			}
			wait = max(wait, rl.RetryAfter)
		}
		d.log.Warn("discord request failed; retrying", "op", what, "route", failedRoute(r, err).String(), "attempt", attempt+1, "wait", wait.String(), "error", cause(err))
		d.opts.Metrics.Retried(Name, wait)
		if serr := d.opts.Sleep(ctx, wait); serr != nil {
			return &requestError{msg: "discord: " + what + " (" + failedRoute(r, err).String() + "): " + serr.Error(), err: serr}
		}
	}
	if stop := stopReason(err); stop != "" {
		return &bot.StopError{Reason: stop, Err: failure(what, r, err)}
	}
	return failure(what, r, err)
}

// requestError is a failed request: its text is describe's (no URL, which
// for an interaction holds its token), and it unwraps to discordgo's
// error.
type requestError struct {
	msg string
	err error
}

func (e *requestError) Error() string { return e.msg }

func (e *requestError) Unwrap() error { return e.err }

// maxRateLimitWait is the longest Retry-After one request waits out.
const maxRateLimitWait = time.Minute

// The backoff between attempts of a failed request (bot.Backoff): 0.5 s,
// 1 s, 2 s … 8 s.
const (
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 8 * time.Second
)

// retryable reports whether a failed request may be sent again.
func retryable(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		return rest.Response != nil && rest.Response.StatusCode >= 500
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// discordgo wraps some failures in plain errors (502 after its retries).
	return strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "Exceeded Max retries")
}

// restCode returns the Discord error code of err, or 0.
func restCode(err error) int {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		return rest.Message.Code
	}
	return 0
}

// The stop reasons of Discord's permission errors, which do not say which
// permission is missing; explainStop names them when it can.
const (
	reasonNoAccess     = "paperboy has no access to the channel (Discord error 50001: it needs View Channel and Read Message History)"
	reasonMissingPerms = "paperboy lacks a permission in the channel (Discord error 50013: it needs Send Messages, Create Public Threads, Send Messages in Threads and Embed Links)"
)

// stopReason says why a channel cannot be posted to, or "".
func stopReason(err error) string {
	switch restCode(err) {
	case codeMissingAccess:
		return reasonNoAccess
	case codeMissingPerms:
		return reasonMissingPerms
	case codeUnknownChannel:
		return "the channel no longer exists (Discord error 10003)"
	}
	return ""
}

// mayHavePosted reports whether a failed request may still have taken
// effect: a retryable failure other than a 429.
func mayHavePosted(err error) bool {
	var rl *discordgo.RateLimitError
	return retryable(err) && !errors.As(err, &rl)
}

// explainStop names, in a permission error that stops a channel, the
// permissions paperboy lacks there (Discord's 50013 does not say which),
// computed from the guild's roles and the channel's overwrites as Discord
// does. When they cannot be read, err is returned as it is.
func (d *Discord) explainStop(ctx context.Context, channelID string, err error) error {
	var stop *bot.StopError
	if !errors.As(err, &stop) || (stop.Reason != reasonMissingPerms && stop.Reason != reasonNoAccess) {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	me, uerr := d.s.User("@me", discordgo.WithContext(ctx))
	if uerr != nil {
		return err
	}
	forum := false
	if ch, cerr := d.s.Channel(channelID, discordgo.WithContext(ctx)); cerr == nil {
		forum = ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia
	}
	perms, perr := d.s.UserChannelPermissions(me.ID, channelID, discordgo.WithContext(ctx))
	if perr != nil {
		return err
	}
	var missing []string
	for _, n := range needed {
		if (forum && !n.forum) || perms&n.perm != 0 {
			continue
		}
		missing = append(missing, n.name)
	}
	if len(missing) == 0 {
		return err
	}
	code := "50013"
	if stop.Reason == reasonNoAccess {
		code = "50001"
	}
	return &bot.StopError{Reason: fmt.Sprintf("paperboy lacks %s in the channel (Discord error %s)", strings.Join(missing, ", "), code), Err: stop.Err}
}
