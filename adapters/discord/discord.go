// Package discord is paperboy's Discord platform, on discordgo: the daily
// thread (a header message, a thread started from it, one card per paper),
// the /papers and /papers-admin slash commands and direct messages.
//
// API pages it implements: https://discord.com/developers/docs/resources/message#create-message,
// https://discord.com/developers/docs/resources/channel#start-thread-from-message,
// https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel,
// https://discord.com/developers/docs/interactions/receiving-and-responding.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// Name is the platform name of Discord channels.
const Name = "discord"

// DefaultAPIURL is Discord's address.
const DefaultAPIURL = "https://discord.com"

// Discord error codes the adapter acts on.
const (
	codeUnknownChannel  = 10003
	codeUnknownMessage  = 10008
	codeMissingAccess   = 50001
	codeCannotDMUser    = 50007
	codeMissingPerms    = 50013
	codeThreadArchived  = 50083
	codeThreadExists    = 160004
	threadArchiveMinute = 1440 // auto-archive after a day without messages
)

// Options configure the adapter.
type Options struct {
	// Token is the bot token, without the "Bot " prefix. It is sent only in
	// the Authorization header and never logged.
	Token string
	// APIURL is Discord's base URL (DefaultAPIURL); tests point it at a
	// fake. Requests keep their /api/v9/... paths.
	APIURL string
	// ApplicationID is the application whose commands are registered;
	// looked up from Discord when empty.
	ApplicationID string
	// GuildIDs register the slash commands per guild (instant); empty
	// registers them globally (Discord may take up to an hour to show them).
	GuildIDs []string
	// Timeout bounds each HTTP request (default 15 s).
	Timeout time.Duration
	// Retries is how often a request is retried after a 5xx, a timeout or
	// a dropped connection (default 4). Messages carry a nonce, so a retry
	// never posts twice.
	Retries int
	// Sleep waits between retries (tests record instead of sleeping).
	Sleep func(ctx context.Context, d time.Duration) error
	// HTTPTransport is the transport under the base-URL rewrite (tests).
	HTTPTransport http.RoundTripper
	Logger        *slog.Logger
	// AllowedGuilds are the servers whose interactions are answered
	// (default: GuildIDs; neither: every server, with a warning at Open).
	// Any other server's get "This bot is not enabled here." and change
	// nothing; a direct message is answered for members of these servers.
	AllowedGuilds []string
	// ShutdownGrace is how long Close lets running commands finish
	// (default DefaultShutdownGrace).
	ShutdownGrace time.Duration
	// Metrics is told of each retry and each 429 (nil: not counted).
	Metrics bot.RequestMetrics
}

// Discord is the Discord platform.
type Discord struct {
	s      *discordgo.Session
	opts   Options
	log    *slog.Logger
	cmds   *bot.Commands
	appID  string
	mu     sync.Mutex
	chans  map[string]*discordgo.Channel // channel id → channel (type, guild), for routing posts
	life   *lifetime
	guilds *guildGate
	// testMangle, set only by tests, changes every body built from paper
	// or user data just before it is checked (fallback: the minimal body
	// that replaces an invalid one), to show that an invalid body is
	// never sent.
	testMangle func(m *createMessage, fallback bool)
}

var (
	_ bot.Platform        = (*Discord)(nil)
	_ bot.DirectMessenger = (*Discord)(nil)
	_ bot.DMFitter        = (*Discord)(nil)
	_ bot.DMFinder        = (*Discord)(nil)
)

// New returns the adapter. It makes no request.
func New(opts Options) (*Discord, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("discord: no bot token (set DISCORD_BOT_TOKEN)")
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	base, err := url.Parse(strings.TrimRight(opts.APIURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("discord: api_url %q is not an http(s) URL", opts.APIURL)
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
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = DefaultShutdownGrace
	}
	opts.Metrics = bot.NoRequestMetrics(opts.Metrics)
	if opts.AllowedGuilds == nil {
		opts.AllowedGuilds = opts.GuildIDs
	}
	guilds, err := newGuildGate(opts.AllowedGuilds)
	if err != nil {
		return nil, err
	}
	routeLibraryLog(opts.Logger)
	// discordgo.New does not add the "Bot " prefix (platforms.md).
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	tr := opts.HTTPTransport
	if tr == nil {
		tr = http.DefaultTransport
	}
	s.Client = &http.Client{Timeout: opts.Timeout, Transport: &rewrite{base: base, next: tr}}
	s.UserAgent = "DiscordBot (https://github.com/paperboy-bot/paperboy, 0.1) paperboy"
	s.MaxRestRetries = 0 // the adapter retries itself, with backoff and nonces
	// discordgo would retry a 429 inside one call for ever, sleeping
	// without the context; the adapter waits out each Retry-After itself
	// (do), a bounded number of times and never longer than
	// maxRateLimitWait.
	s.ShouldRetryOnRateLimit = false
	s.Identify.Intents = discordgo.IntentsGuilds
	s.LogLevel = discordgo.LogError
	s.Debug = false // its debug lines print URLs, headers and bodies to stderr
	s.StateEnabled = false
	return &Discord{s: s, opts: opts, log: opts.Logger, appID: opts.ApplicationID, chans: map[string]*discordgo.Channel{},
		life: newLifetime(), guilds: guilds}, nil
}

// Name returns "discord".
func (d *Discord) Name() string { return Name }

// rewrite sends requests meant for discord.com to the configured base URL.
// discordgo builds its endpoint strings at init, so this is the one place
// to point it elsewhere.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" && (r.base.Host != "discord.com" || r.base.Scheme != "https") {
		u := *req.URL
		u.Scheme, u.Host = r.base.Scheme, r.base.Host
		u.Path = strings.TrimRight(r.base.Path, "/") + u.Path
		req = req.Clone(req.Context())
		req.URL, req.Host = &u, r.base.Host
	}
	return r.next.RoundTrip(req)
}

// channel returns a channel's type and guild, cached.
func (d *Discord) channel(ctx context.Context, id string) (*discordgo.Channel, error) {
	d.mu.Lock()
	c, ok := d.chans[id]
	d.mu.Unlock()
	if ok {
		return c, nil
	}
	var ch *discordgo.Channel
	err := d.do(ctx, "get channel", routeGetChannel, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = d.s.Channel(id, opts...)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.chans[id] = ch
	d.mu.Unlock()
	return ch, nil
}

// discordgo logs (gateway errors, reconnects) with the standard log
// package, straight to stderr, unless its package-wide Logger is set: it
// is pointed at the logger of the newest Discord (one per process in the
// product), so its lines go through paperboy's handler, levels and secret
// redaction like every other line.
var (
	libraryLog     atomic.Pointer[slog.Logger]
	libraryLogOnce sync.Once
)

func routeLibraryLog(l *slog.Logger) {
	libraryLog.Store(l)
	libraryLogOnce.Do(func() {
		discordgo.Logger = func(level, caller int, format string, a ...any) {
			l := libraryLog.Load()
			if l == nil {
				return
			}
			lvl := slog.LevelDebug
			switch level {
			case discordgo.LogError, discordgo.LogWarning:
				lvl = slog.LevelWarn
			}
			// Its lines may print URLs (an interaction's hold its token)
			// and, at debug level, whole payloads.
			l.Log(context.Background(), lvl, "discordgo: "+scrub(fmt.Sprintf(format, a...)))
		}
	})
}
