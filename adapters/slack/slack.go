// Package slack is paperboy's Slack platform, on slack-go: the daily thread
// (a Block Kit header and one threaded reply per paper), the /papers and
// /papers-admin slash commands (Socket Mode or HTTP) and direct messages.
//
// API pages it implements: https://api.slack.com/methods/chat.postMessage,
// https://api.slack.com/methods/conversations.history,
// https://api.slack.com/methods/conversations.replies,
// https://api.slack.com/interactivity/slash-commands,
// https://api.slack.com/apis/socket-mode.
package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// Name is the platform name of Slack channels.
const Name = "slack"

// DefaultAPIURL is Slack's Web API address.
const DefaultAPIURL = "https://slack.com/api/"

// Options configure the adapter.
type Options struct {
	// BotToken (xoxb-…) calls the Web API; AppToken (xapp-…) opens Socket
	// Mode; SigningSecret verifies HTTP-mode requests. None is ever logged.
	BotToken, AppToken, SigningSecret string
	// APIURL is the Web API base URL (DefaultAPIURL); tests point it at a
	// fake. A trailing slash is added when missing.
	APIURL string
	// Admins may use /papers-admin besides the workspace's admins and
	// owners: "U456" (that user of the installed workspace) or "T123/U456"
	// (that user of team T123 only).
	Admins []string
	// Timeout bounds each HTTP request (default 15 s).
	Timeout time.Duration
	// Retries is how often a post is retried after a 429, a 5xx, a timeout
	// or a dropped connection (default 4). Before retrying after a failure
	// that may have posted, the adapter looks for the message first.
	Retries int
	// Sleep waits between retries (tests record instead of sleeping).
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
	// Now is the clock of the rejected-request log and of State (default
	// time.Now).
	Now func() time.Time
	// Context is the parent of every command handler's context (default
	// context.Background()); Shutdown cancels the handlers still running
	// when its own context ends.
	Context context.Context
	// Metrics is told of each retry and each rate limit (nil: not
	// counted).
	Metrics bot.RequestMetrics
}

// Slack is the Slack platform.
type Slack struct {
	api  *slackgo.Client
	http *http.Client
	opts Options
	log  *slog.Logger
	cmds *bot.Commands

	life    *lifetime // the command handlers (lifetime.go)
	rejects *rejects  // rejected requests (rejects.go)

	mu     sync.Mutex
	replay map[string]time.Time // HTTP mode: signatures seen in the last 5 minutes
	team   string               // the installed workspace (auth.test), once known
	state  connState            // how commands arrive (state.go)

	// mangle, in tests only, changes a message before it is checked (to
	// show what happens to one that would break a limit).
	mangle func(what string, m *message)
}

var (
	_ bot.Platform        = (*Slack)(nil)
	_ bot.DirectMessenger = (*Slack)(nil)
	_ bot.DMFitter        = (*Slack)(nil)
	_ bot.DMFinder        = (*Slack)(nil)
)

// New returns the adapter. It makes no request.
func New(opts Options) (*Slack, error) {
	if !strings.HasPrefix(opts.BotToken, "xoxb-") {
		return nil, errors.New("slack: SLACK_BOT_TOKEN must be a bot token (xoxb-…)")
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(opts.APIURL, "/") {
		opts.APIURL += "/" // slack-go needs it
	}
	if !strings.HasPrefix(opts.APIURL, "http://") && !strings.HasPrefix(opts.APIURL, "https://") {
		return nil, fmt.Errorf("slack: api_url %q is not an http(s) URL", opts.APIURL)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 4
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Sleep == nil {
		opts.Sleep = bot.SystemClock{}.Sleep
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Metrics = bot.NoRequestMetrics(opts.Metrics)
	if err := checkAdmins(opts.Admins); err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: opts.Timeout}
	// No slack-go retries: a blind retry after a dropped connection could
	// post twice. The adapter retries itself, looking for the message first.
	api := slackgo.New(opts.BotToken, slackgo.OptionAPIURL(opts.APIURL), slackgo.OptionHTTPClient(hc),
		slackgo.OptionAppLevelToken(opts.AppToken), slackgo.OptionDebug(false))
	return &Slack{api: api, http: hc, opts: opts, log: opts.Logger, replay: map[string]time.Time{},
		life: newLifetime(opts.Context), rejects: newRejects(opts.Now)}, nil
}

// Name returns "slack".
func (s *Slack) Name() string { return Name }

// SetCommands sets what answers slash commands.
func (s *Slack) SetCommands(c *bot.Commands) { s.cmds = c }

func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << attempt
	if d > 8*time.Second {
		d = 8 * time.Second
	}
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}

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
	return backoff(attempt)
}

// post posts a message, as a reply in threadTS when set. After a failure
// that may have posted it (a 5xx, a timeout, a dropped connection), it
// first looks for the message's key in the channel's history or the
// thread's replies, so a retry never posts a second copy.
func (s *Slack) post(ctx context.Context, channel, threadTS string, m message, fallback func() message) (string, error) {
	m, err := s.checked("post", m, fallback)
	if err != nil {
		return "", err
	}
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...),
		slackgo.MsgOptionDisableLinkUnfurl(), slackgo.MsgOptionDisableMediaUnfurl()}
	key := ""
	if m.Metadata != nil {
		opts = append(opts, slackgo.MsgOptionMetadata(*m.Metadata))
		key, _ = m.Metadata.EventPayload["key"].(string)
	}
	if threadTS != "" {
		opts = append(opts, slackgo.MsgOptionTS(threadTS))
	}
	for attempt := 0; ; attempt++ {
		_, ts, err := s.api.PostMessageContext(ctx, channel, opts...)
		err = s.scrub(err)
		if err == nil {
			return ts, nil
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("slack: post: %w", ctx.Err())
		}
		kind := classify(err)
		if kind == rateLimited {
			s.opts.Metrics.RateLimited(Name)
		}
		switch {
		case kind == stop:
			return "", &bot.StopError{Reason: stopErrors[slackError(err)], Err: fmt.Errorf("slack: post to %s: %w", channel, err)}
		case kind == permanent:
			return "", fmt.Errorf("slack: post to %s: %w", channel, err)
		case attempt >= s.opts.Retries:
			return "", fmt.Errorf("slack: post to %s (after %d attempts): %w", channel, attempt+1, err)
		}
		s.log.Warn("slack post failed; retrying", "channel", channel, "attempt", attempt+1, "error", err.Error())
		if serr := s.sleep(ctx, s.wait(err, attempt)); serr != nil {
			return "", fmt.Errorf("slack: post: %w", serr)
		}
		if kind == ambiguous && key != "" {
			if ts, found, ferr := s.find(ctx, channel, threadTS, key); ferr == nil && found {
				s.log.Info("the failed post had gone through; not posting again", "channel", channel, "key", key)
				return ts, nil
			}
		}
	}
}

// Send posts a digest's header or one of its items (a reply in the
// header's thread).
func (s *Slack) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	if m.IsHeader() {
		ts, err := s.post(ctx, m.Channel.ID, "", renderHeader(m.Digest, m.Key), func() message { return minimalHeader(m.Digest, m.Key) })
		if err != nil {
			return bot.Sent{}, err
		}
		return bot.Sent{MessageID: ts, ThreadID: ts}, nil
	}
	ts, err := s.post(ctx, m.Channel.ID, m.Thread.ThreadID, renderThreadItem(m.Digest, *m.Item, m.Key), func() message { return minimalThreadItem(m.Digest, *m.Item, m.Key) })
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: ts, ThreadID: m.Thread.ThreadID}, nil
}

// Find looks for a message an earlier, unconfirmed attempt posted, by the
// delivery-log key in its metadata.
func (s *Slack) Find(ctx context.Context, m *bot.Message) (bot.Sent, bool, error) {
	thread := ""
	if !m.IsHeader() {
		thread = m.Thread.ThreadID
	}
	ts, found, err := s.find(ctx, m.Channel.ID, thread, m.Key)
	if err != nil || !found {
		return bot.Sent{}, false, err
	}
	if m.IsHeader() {
		return bot.Sent{MessageID: ts, ThreadID: ts}, true, nil
	}
	return bot.Sent{MessageID: ts, ThreadID: thread}, true, nil
}

// FitsDM reports whether a direct message fits in one Slack message
// (blocks, section and payload limits) without leaving a line out; alert
// batches are split where it does not.
func (s *Slack) FitsDM(r bot.Reply) bool {
	var fixed []slackgo.Block
	if b := titleBlock(r.Title); b != nil {
		fixed = append(fixed, b)
	}
	var entries []replyEntry
	for _, l := range r.Lines {
		if t := renderLine(l); t != "" {
			entries = append(entries, replyEntry{text: t})
		}
	}
	_, rest := packSections(entries, fixed, nil)
	return len(rest) == 0
}

// FindDM looks for a direct message carrying key (in its metadata) in the
// user's DM channel (cached, or opened: Slack returns the same one every
// time), sent by an earlier attempt that was never confirmed.
func (s *Slack) FindDM(ctx context.Context, u bot.UserRef, cached, key string) (bot.Sent, bool, error) {
	channel, err := s.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, false, err
	}
	ts, found, err := s.find(ctx, channel, "", key)
	if err != nil || !found {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: ts, ThreadID: channel}, true, nil
}

// dmClosed are errors that mean the user cannot get direct messages from
// the app.
var dmClosed = map[string]bool{"messages_tab_disabled": true, "cannot_dm_bot": true, "user_disabled": true,
	"user_not_found": true, "cannot_dm_user": true}

// openDM returns the user's DM channel: cached, or opened.
func (s *Slack) openDM(ctx context.Context, u bot.UserRef, cached string) (string, error) {
	if cached != "" {
		return cached, nil
	}
	var ch *slackgo.Channel
	err := s.call(ctx, "open DM", func() error {
		var err error
		ch, _, _, err = s.api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{u.ID}})
		return err
	})
	if dmClosed[slackError(errors.Unwrap(err))] || dmClosed[slackError(err)] {
		return "", fmt.Errorf("%w (%s)", bot.ErrDMsClosed, slackError(err))
	}
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// SendDM opens (or reuses the cached) direct-message channel and posts; the
// returned Sent's ThreadID is the DM channel, for the cache.
func (s *Slack) SendDM(ctx context.Context, u bot.UserRef, cached string, m *bot.DirectMessage) (bot.Sent, error) {
	channel, err := s.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, err
	}
	msg := renderReply(m.Reply)
	msg.Metadata = metadataFor(m.Key)
	ts, err := s.post(ctx, channel, "", msg, func() message {
		f := minimalReply()
		f.Metadata = metadataFor(m.Key)
		return f
	})
	if e := slackError(err); dmClosed[e] {
		return bot.Sent{}, fmt.Errorf("%w (%s)", bot.ErrDMsClosed, e)
	}
	if _, ok := bot.IsStop(err); ok && cached != "" {
		return s.SendDM(ctx, u, "", m) // the cached DM channel is gone
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: ts, ThreadID: channel}, nil
}

// checked returns m when it keeps every limit and escaping rule
// (message.validate), so that nothing Slack would refuse, or that could
// ping or link, is ever sent. Otherwise it logs one ERROR line naming what
// is wrong and returns fallback(), a minimal message that is always valid
// (checked too); if even that fails, the error names the fields and
// nothing is sent.
func (s *Slack) checked(what string, m message, fallback func() message) (message, error) {
	if s.mangle != nil {
		s.mangle(what, &m)
	}
	err := m.validate()
	if err == nil {
		return m, nil
	}
	s.log.Error("a message would break Slack's limits; sending a minimal one instead", "op", what, "error", err.Error())
	f := fallback()
	if s.mangle != nil {
		s.mangle(what+" (minimal)", &f)
	}
	if ferr := f.validate(); ferr != nil {
		return message{}, fmt.Errorf("slack: %s: not sent: %w", what, errors.Join(err, ferr))
	}
	return f, nil
}
