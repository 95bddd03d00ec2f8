package slack

// Retrying a Web API call and what a failure means: classify sorts an
// error into permanent, stop (a *bot.StopError), rate limited or ambiguous
// (it may have been applied); call retries the reads, post (thread.go) the
// posts, looking for the message before posting again.
//
// API pages: https://api.slack.com/apis/rate-limits,
// https://api.slack.com/web#evaluating_responses.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// The backoff between attempts of a failed call (bot.Backoff): 0.5 s,
// 1 s, 2 s … 8 s, as on Discord.
const (
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 8 * time.Second
)

// What a failed call means.
type failure int

const (
	permanent   failure = iota // do not retry (a bad request)
	stop                       // the channel cannot be posted to
	rateLimited                // not applied: retry after Retry-After
	ambiguous                  // may have been applied: look before retrying
)

// stopErrors are Slack errors that stop a channel's posting until someone
// acts.
var stopErrors = map[string]string{
	"not_in_channel":          "paperboy is not a member of the channel (invite it with /invite @paperboy)",
	"channel_not_found":       "the channel does not exist or paperboy cannot see it (invite it with /invite @paperboy)",
	"is_archived":             "the channel is archived",
	"invalid_auth":            "the bot token is not valid (invalid_auth)",
	"account_inactive":        "the bot token belongs to a deactivated account (account_inactive)",
	"token_revoked":           "the bot token was revoked (token_revoked)",
	"missing_scope":           "the app lacks a scope it needs (missing_scope): reinstall it from the manifest",
	"restricted_action":       "the workspace does not let paperboy post there (restricted_action)",
	"ekm_access_denied":       "the workspace's key management denies access (ekm_access_denied)",
	"team_access_not_granted": "the app is not installed in this workspace (team_access_not_granted)",
}

func classify(err error) failure {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return rateLimited
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		if _, ok := stopErrors[se.Err]; ok {
			return stop
		}
		if se.Err == "ratelimited" {
			return rateLimited
		}
		if se.Err == "internal_error" || se.Err == "fatal_error" || se.Err == "service_unavailable" || se.Err == "request_timeout" {
			return ambiguous
		}
		return permanent
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) {
		if sc.Code >= 500 {
			return ambiguous
		}
		return permanent
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset") {
		return ambiguous
	}
	return permanent
}

func slackError(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// call runs a Web API call that changes nothing (a read), with retries on
// 429s, 5xx and network errors.
func (s *Slack) call(ctx context.Context, what string, f func() error) error {
	var err error
	for attempt := 0; ; attempt++ {
		if err = s.scrub(f()); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("slack: %s: %w", what, ctx.Err())
		}
		kind := classify(err)
		if kind == rateLimited {
			s.opts.Metrics.RateLimited(Name)
		}
		if kind == stop {
			return &bot.StopError{Reason: stopErrors[slackError(err)], Err: fmt.Errorf("slack: %s: %w", what, err)}
		}
		if kind == permanent || attempt >= s.opts.Retries {
			return fmt.Errorf("slack: %s: %w", what, err)
		}
		if serr := s.sleep(ctx, s.wait(err, attempt)); serr != nil {
			return fmt.Errorf("slack: %s: %w", what, serr)
		}
	}
}

// sleep waits before a retry, and counts it.
func (s *Slack) sleep(ctx context.Context, d time.Duration) error {
	s.opts.Metrics.Retried(Name, d)
	return s.opts.Sleep(ctx, d)
}

func (s *Slack) wait(err error, attempt int) time.Duration {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	return bot.Backoff(attempt, firstBackoff, maxBackoff)
}
