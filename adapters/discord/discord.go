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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
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
	s       *discordgo.Session
	opts    Options
	log     *slog.Logger
	cmds    *bot.Commands
	appID   string
	mu      sync.Mutex
	chans   map[string]*discordgo.Channel // channel id → channel (type, guild), for routing posts
	botUser string
	life    *lifetime
	guilds  *guildGate
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
		opts.Sleep = bot.SystemClock{}.Sleep
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

// Session returns the discordgo session (tests feed it interaction events).
func (d *Discord) Session() *discordgo.Session { return d.s }

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
		wait := backoff(attempt)
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

func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << attempt
	if d > 8*time.Second {
		d = 8 * time.Second
	}
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}

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

// post creates a message with our own payload (nonce, enforce_nonce),
// which carries ref. After a failure that may have posted it (a 5xx, a
// timeout, a dropped connection), each retry first looks for ref among the
// channel's recent messages: the nonce stops a second copy only while
// Discord remembers it.
func (d *Discord) post(ctx context.Context, channelID string, payload createMessage, ref string) (*discordgo.Message, error) {
	var msg *discordgo.Message
	unsure := false
	err := d.do(ctx, "create message", routeCreateMessage, func(opts ...discordgo.RequestOption) error {
		if unsure {
			found, err := d.recent(channelID, ref, opts...)
			if err != nil {
				return err
			}
			if found != nil {
				d.log.Info("the failed post had gone through; not posting again", "channel", channelID)
				msg = found
				return nil
			}
		}
		endpoint := discordgo.EndpointChannelMessages(channelID)
		body, err := d.s.RequestWithBucketID("POST", endpoint, payload, endpoint, opts...)
		if err != nil {
			unsure = unsure || mayHavePosted(err)
			return err
		}
		msg = &discordgo.Message{}
		return json.Unmarshal(body, msg)
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// mayHavePosted reports whether a failed request may still have taken
// effect: a retryable failure other than a 429.
func mayHavePosted(err error) bool {
	var rl *discordgo.RateLimitError
	return retryable(err) && !errors.As(err, &rl)
}

// Send posts a digest's header (and starts its thread) or one of its items.
func (d *Discord) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	var sent bot.Sent
	var err error
	if m.IsHeader() {
		sent, err = d.sendHeader(ctx, m)
	} else {
		sent, err = d.sendItem(ctx, m)
	}
	return sent, d.explainStop(ctx, m.Channel.ID, err)
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

func (d *Discord) sendHeader(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	ch, err := d.channel(ctx, m.Channel.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	payload, err := d.checked("post header", renderHeader(m.Digest, m.Key),
		func() createMessage { return minimalHeader(m.Digest, m.Key) }, "channel", ch.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	if ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia {
		return d.startForumPost(ctx, ch, m.Digest, payload)
	}
	msg, err := d.post(ctx, ch.ID, payload, refFor(m.Key))
	if err != nil {
		return bot.Sent{}, err
	}
	return d.ensureThread(ctx, ch.ID, msg, m.Digest)
}

// ensureThread starts the digest's thread on its header message, or finds
// the one an earlier attempt started.
func (d *Discord) ensureThread(ctx context.Context, channelID string, msg *discordgo.Message, dg *bot.Digest) (bot.Sent, error) {
	if msg.Thread != nil {
		return bot.Sent{MessageID: msg.ID, ThreadID: msg.Thread.ID}, nil
	}
	name := threadName(dg)
	if err := checkThreadName(name); err != nil {
		return bot.Sent{}, fmt.Errorf("discord: start thread: %w", err)
	}
	var th *discordgo.Channel
	err := d.do(ctx, "start thread", routeThreadFromMessage, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = d.s.MessageThreadStartComplex(channelID, msg.ID, &discordgo.ThreadStart{
			Name: name, AutoArchiveDuration: threadArchiveMinute, Type: discordgo.ChannelTypeGuildPublicThread}, opts...)
		return err
	})
	if restCode(err) == codeThreadExists {
		// An earlier attempt started it and its answer was lost.
		var got *discordgo.Message
		err = d.do(ctx, "get header", routeGetMessage, func(opts ...discordgo.RequestOption) error {
			var err error
			got, err = d.s.ChannelMessage(channelID, msg.ID, opts...)
			return err
		})
		if err == nil && got.Thread != nil {
			return bot.Sent{MessageID: msg.ID, ThreadID: got.Thread.ID}, nil
		}
		if err == nil {
			err = fmt.Errorf("discord: header %s has a thread Discord does not return", msg.ID)
		}
	}
	if err != nil {
		// The header is posted; the row stays claimed, and the next attempt
		// finds the header and starts the thread.
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: th.ID}, nil
}

// startForumPost opens the day's post in a forum channel: the thread's
// first message is the header (checked by the caller).
func (d *Discord) startForumPost(ctx context.Context, ch *discordgo.Channel, dg *bot.Digest, payload createMessage) (bot.Sent, error) {
	name := threadName(dg)
	if err := checkThreadName(name); err != nil {
		return bot.Sent{}, fmt.Errorf("discord: start forum post: %w", err)
	}
	var th *discordgo.Channel
	unsure := false
	err := d.do(ctx, "start forum post", routeStartForumPost, func(opts ...discordgo.RequestOption) error {
		if unsure {
			// A post carries no nonce: after a failure that may have
			// started it, look for it before starting another.
			found, err := d.activePost(ch, name, opts...)
			if err != nil || found != nil {
				th = found
				return err
			}
		}
		var err error
		th, err = d.s.ForumThreadStartComplex(ch.ID, &discordgo.ThreadStart{Name: name, AutoArchiveDuration: threadArchiveMinute},
			&discordgo.MessageSend{Content: payload.Content, Embeds: payload.Embeds, Components: payload.Components,
				AllowedMentions: payload.AllowedMentions, Flags: payload.Flags}, opts...)
		unsure = unsure || (err != nil && mayHavePosted(err))
		return err
	})
	if err != nil {
		return bot.Sent{}, err
	}
	// The first message of a forum post has the post's id.
	return bot.Sent{MessageID: th.ID, ThreadID: th.ID}, nil
}

func (d *Discord) sendItem(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	thread := m.Thread.ThreadID
	// One bad item must not stop the thread: an invalid card is replaced
	// by a minimal one.
	payload, err := d.checked("post item", renderThreadItem(m.Digest, *m.Item, m.Key),
		func() createMessage { return minimalThreadItem(m.Digest, *m.Item, m.Key) }, "paper_id", m.Item.Paper.ID, "channel", thread)
	if err != nil {
		return bot.Sent{}, err
	}
	msg, err := d.post(ctx, thread, payload, refFor(m.Key))
	if restCode(err) == codeThreadArchived {
		// Threads archive themselves after a day without messages.
		if err = d.unarchive(ctx, thread); err == nil {
			msg, err = d.post(ctx, thread, payload, refFor(m.Key))
		}
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: thread}, nil
}

func (d *Discord) unarchive(ctx context.Context, thread string) error {
	archived := false
	return d.do(ctx, "unarchive thread", routeEditChannel, func(opts ...discordgo.RequestOption) error {
		_, err := d.s.ChannelEditComplex(thread, &discordgo.ChannelEdit{Archived: &archived}, opts...)
		return err
	})
}

// Find looks for a message an earlier, unconfirmed attempt posted, by the
// reference its embed footer carries: for an item in the thread's recent
// messages, for a header in the channel's (or the forum's active posts).
// Discord forgets nonces after a few minutes, so this is what prevents a
// second copy after a restart.
func (d *Discord) Find(ctx context.Context, m *bot.Message) (bot.Sent, bool, error) {
	ref := refFor(m.Key)
	if !m.IsHeader() {
		msg, err := d.findIn(ctx, m.Thread.ThreadID, ref)
		if err != nil || msg == nil {
			if restCode(err) == codeThreadArchived {
				err = nil
			}
			return bot.Sent{}, false, err
		}
		return bot.Sent{MessageID: msg.ID, ThreadID: m.Thread.ThreadID}, true, nil
	}
	ch, err := d.channel(ctx, m.Channel.ID)
	if err != nil {
		return bot.Sent{}, false, err
	}
	if ch.Type == discordgo.ChannelTypeGuildForum || ch.Type == discordgo.ChannelTypeGuildMedia {
		return d.findForumPost(ctx, ch, m)
	}
	msg, err := d.findIn(ctx, ch.ID, ref)
	if err != nil || msg == nil {
		return bot.Sent{}, false, err
	}
	s, err := d.ensureThread(ctx, ch.ID, msg, m.Digest)
	if err != nil {
		return bot.Sent{}, false, err
	}
	return s, true, nil
}

// findIn returns the recent message of channelID that carries ref, or nil.
func (d *Discord) findIn(ctx context.Context, channelID, ref string) (*discordgo.Message, error) {
	var msg *discordgo.Message
	err := d.do(ctx, "read recent messages", routeListMessages, func(opts ...discordgo.RequestOption) error {
		var err error
		msg, err = d.recent(channelID, ref, opts...)
		return err
	})
	return msg, err
}

func (d *Discord) findForumPost(ctx context.Context, forum *discordgo.Channel, m *bot.Message) (bot.Sent, bool, error) {
	var th *discordgo.Channel
	err := d.do(ctx, "list active threads", routeActiveThreads, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = d.activePost(forum, threadName(m.Digest), opts...)
		return err
	})
	if err != nil || th == nil {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: th.ID, ThreadID: th.ID}, true, nil
}

// activePost lists the guild's active threads once and returns the forum's
// post named name, or nil.
func (d *Discord) activePost(forum *discordgo.Channel, name string, opts ...discordgo.RequestOption) (*discordgo.Channel, error) {
	list, err := d.s.GuildThreadsActive(forum.GuildID, opts...)
	if err != nil {
		return nil, err
	}
	for _, th := range list.Threads {
		if th.ParentID == forum.ID && th.Name == name {
			return th, nil
		}
	}
	return nil, nil
}

// openDM returns the user's DM channel: cached, or opened (Discord returns
// the same channel every time).
func (d *Discord) openDM(ctx context.Context, u bot.UserRef, cached string) (string, error) {
	if cached != "" {
		return cached, nil
	}
	var ch *discordgo.Channel
	err := d.do(ctx, "open DM channel", routeCreateDM, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = d.s.UserChannelCreate(u.ID, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// FindDM looks for a direct message carrying key (the reference on its last
// line) among the DM channel's recent messages, sent by an earlier attempt
// that was never confirmed. Discord forgets nonces after a few minutes;
// this is what prevents a second copy after a restart.
func (d *Discord) FindDM(ctx context.Context, u bot.UserRef, cached, key string) (bot.Sent, bool, error) {
	channelID, err := d.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, false, err
	}
	msg, err := d.findIn(ctx, channelID, refFor(key))
	if err != nil || msg == nil {
		return bot.Sent{}, false, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: channelID}, true, nil
}

// SendDM sends a direct message, opening the DM channel unless cached; the
// returned Sent's ThreadID is the DM channel, for the cache.
func (d *Discord) SendDM(ctx context.Context, u bot.UserRef, cached string, m *bot.DirectMessage) (bot.Sent, error) {
	channelID, err := d.openDM(ctx, u, cached)
	if err != nil {
		return bot.Sent{}, err
	}
	payload, err := d.checked("send direct message", renderDM(m.Reply, m.Key),
		func() createMessage { return dmFallback(m.Key) }, "user", u.ID)
	if err != nil {
		return bot.Sent{}, err
	}
	msg, err := d.post(ctx, channelID, payload, refFor(m.Key))
	if restCode(err) == codeCannotDMUser {
		return bot.Sent{}, fmt.Errorf("%w (Discord error 50007)", bot.ErrDMsClosed)
	}
	var stop *bot.StopError
	if errors.As(err, &stop) && cached != "" {
		// A cached DM channel that is gone: open a new one once.
		return d.SendDM(ctx, u, "", m)
	}
	if err != nil {
		return bot.Sent{}, err
	}
	return bot.Sent{MessageID: msg.ID, ThreadID: channelID}, nil
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
