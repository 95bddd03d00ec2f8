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
	"log/slog"
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
		opts.Sleep = bot.Sleep
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
