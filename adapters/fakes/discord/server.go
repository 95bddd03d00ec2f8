package discordfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// DefaultNonceTTL is how long the fake remembers a message nonce.
const DefaultNonceTTL = 5 * time.Minute

// Default rate limit advertised and enforced per bucket.
const (
	DefaultRateLimit       = 50
	DefaultRateLimitWindow = time.Second
)

// Server is a fake Discord REST API. Create it with New. It is safe for
// concurrent use.
type Server struct {
	// AddRule, AddMix, ClearRules, Seed, SetRateLimit (default
	// DefaultRateLimit per DefaultRateLimitWindow, advertised in the
	// X-RateLimit-* headers), Violations and Stats.
	faults.Controls[Rule, Violation]

	http   *faults.Server
	engine *faults.Engine[Rule, Violation]

	mu sync.Mutex

	token         string // "" = any "Bot ..." token
	bot           User
	users         map[string]User
	guilds        map[string]*Guild
	channels      map[string]*chanState
	channelSeq    int
	messages      map[string]*msgState // by message id
	nonces        map[string]map[string]nonceEntry
	nonceTTL      time.Duration
	dmByUser      map[string]string
	blockedDMs    map[string]bool
	autoUnarchive bool

	commands   map[cmdKey][]json.RawMessage
	commandIDs map[cmdKey]map[string]string

	interactions   []InteractionResponse
	watchers       []chan InteractionResponse
	tokens         map[string]*tokenState
	registered     map[string]time.Time // interaction id -> creation time
	componentMsgs  map[string]string    // component interaction id -> the id of the message its button is on
	followupLookup map[string]*msgState // "token/messageID" -> message

	requests []*Request
	reqSeq   int

	lastID uint64

	gateway *Gateway // nil until StartGateway
}

type chanState struct {
	Channel
	seq  int
	msgs []*msgState
}

type msgState struct {
	Message
	embedsJSON json.RawMessage // stored embeds, for deep copies
	nonceRaw   json.RawMessage
	appID      string // set for interaction response messages
}

type nonceEntry struct {
	msgID string
	at    time.Time
}

type cmdKey struct{ app, guild string }

type tokenState struct {
	interactionID string
	callbackType  int
	ackAt         time.Time
	original      *msgState
}

// New starts a fake Discord API on a loopback httptest server.
func New() *Server {
	s := &Server{
		engine:         faults.NewEngine[Rule, Violation](ruleGate, DefaultRateLimit, DefaultRateLimitWindow),
		bot:            User{ID: "100000000000000001", Username: "paperboy", Bot: true},
		users:          map[string]User{},
		guilds:         map[string]*Guild{},
		channels:       map[string]*chanState{},
		messages:       map[string]*msgState{},
		nonces:         map[string]map[string]nonceEntry{},
		nonceTTL:       DefaultNonceTTL,
		dmByUser:       map[string]string{},
		blockedDMs:     map[string]bool{},
		commands:       map[cmdKey][]json.RawMessage{},
		commandIDs:     map[cmdKey]map[string]string{},
		tokens:         map[string]*tokenState{},
		registered:     map[string]time.Time{},
		componentMsgs:  map[string]string{},
		followupLookup: map[string]*msgState{},
	}
	s.Controls = s.engine.Controls(normRule)
	s.http = faults.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL of the fake, like http://127.0.0.1:PORT. Requests
// go to URL()+"/api/v9/...".
func (s *Server) URL() string { return s.http.URL() }

// Close stops the server. Requests sleeping in a Delay rule end at once.
func (s *Server) Close() {
	s.mu.Lock()
	g := s.gateway
	s.mu.Unlock()
	if g != nil {
		g.Close()
	}
	s.http.Close()
}

// Client returns an http.Client whose transport sends every request,
// whatever its scheme and host (https://discord.com), to this server,
// keeping the path and query. Use it as discordgo's Session.Client. Its
// timeout is 30 s.
func (s *Server) Client() *http.Client { return s.http.Client() }

// ---- setup ----

// SetToken makes the fake require "Authorization: Bot <token>". Without it
// any "Bot ..." authorization is accepted. A leading "Bot " in token is
// ignored.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = strings.TrimPrefix(token, "Bot ")
}

// SetBotUser sets the user returned by GET /users/@me, the author of the
// bot's messages and the member whose roles decide the bot's permissions.
func (s *Server) SetBotUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bot = User{ID: id, Username: name, Bot: true}
}

// BotUser returns the bot user.
func (s *Server) BotUser() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bot
}

// AddUser registers a user name (used for DM recipients).
func (s *Server) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = User{ID: id, Username: name}
}

// AddGuild adds or replaces a guild (roles and members decide permissions).
func (s *Server) AddGuild(g Guild) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := g
	cp.Roles = append([]Role(nil), g.Roles...)
	cp.Members = nil
	for _, m := range g.Members {
		m.Roles = append([]string(nil), m.Roles...)
		cp.Members = append(cp.Members, m)
		if m.Username != "" {
			s.users[m.UserID] = User{ID: m.UserID, Username: m.Username}
		}
	}
	s.guilds[g.ID] = &cp
}

// AddChannel adds a channel, or replaces an existing channel's settings
// while keeping its messages. Threads may be added too (Type 10, 11 or 12
// with ParentID).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.PermissionOverwrites = append([]discordgo.PermissionOverwrite(nil), c.PermissionOverwrites...)
	if isThread(c.Type) && c.AutoArchiveDuration == 0 {
		c.AutoArchiveDuration = 1440
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if old, ok := s.channels[c.ID]; ok {
		old.Channel = c
		return
	}
	s.channelSeq++
	s.channels[c.ID] = &chanState{Channel: c, seq: s.channelSeq}
}

// BlockDMs marks a user as not accepting DMs from the bot: the DM channel
// can still be opened but messages to it fail with 403, code 50007.
func (s *Server) BlockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blockedDMs[userID] = true
}

// UnblockDMs undoes BlockDMs.
func (s *Server) UnblockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blockedDMs, userID)
}

// ArchiveThread archives a thread, as Discord does after inactivity. It
// reports whether the thread exists.
func (s *Server) ArchiveThread(threadID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[threadID]
	if !ok || !isThread(c.Type) {
		return false
	}
	c.Archived = true
	c.ArchiveTimestamp = time.Now()
	return true
}

// SetAutoUnarchive chooses what a message posted into an archived, unlocked
// thread does: false (the default) answers 400 code 50083; true unarchives
// the thread and posts, as Discord's documentation describes.
func (s *Server) SetAutoUnarchive(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoUnarchive = on
}

// SetNonceTTL sets how long nonces are remembered (default 5 minutes).
func (s *Server) SetNonceTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonceTTL = d
}

// ForgetNonces drops the nonce memory, as Discord does after a few minutes:
// a repeated nonce then creates a new message.
func (s *Server) ForgetNonces() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonces = map[string]map[string]nonceEntry{}
}

// RegisterInteraction declares an interaction created at the given time.
// Its callback is refused with 404 code 10062 (Unknown interaction) if it
// arrives more than 3 seconds later. Unregistered interactions are always
// accepted.
func (s *Server) RegisterInteraction(id string, created time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registered[id] = created
}

// RegisterComponentMessage declares that the component interaction id
// came from a button on message messageID. As on Discord, a deferred
// update (callback type 6) or an update (type 7) answering it then makes
// that message @original: editing @original edits the message itself, in
// its channel, for everyone who sees it.
func (s *Server) RegisterComponentMessage(id, messageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.componentMsgs[id] = messageID
}

// ---- inspection ----

// Requests returns every request received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = append([]byte(nil), r.Body...)
		out[i].Query = cloneValues(r.Query)
	}
	return out
}

// ClearRequests forgets the recorded requests (not the state).
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Messages returns the messages stored in a channel, thread or DM channel,
// oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		out = append(out, m.clone())
	}
	return out
}

// MessageByID returns a stored message by id.
func (s *Server) MessageByID(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

func (m *msgState) clone() Message {
	out := m.Message
	out.Embeds = nil
	if len(m.embedsJSON) > 0 {
		_ = json.Unmarshal(m.embedsJSON, &out.Embeds)
	}
	out.Attachments = append([]string(nil), m.Attachments...)
	return out
}

// Threads returns the threads whose parent is parentID, in creation order.
func (s *Server) Threads(parentID string) []Thread {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []*chanState
	for _, c := range s.channels {
		if isThread(c.Type) && c.ParentID == parentID {
			cs = append(cs, c)
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].seq < cs[j].seq })
	out := make([]Thread, 0, len(cs))
	for _, c := range cs {
		out = append(out, Thread{
			ID: c.ID, GuildID: c.GuildID, ParentID: c.ParentID, Name: c.Name, Type: c.Type,
			StarterMessageID: c.StarterMessageID, OwnerID: c.OwnerID,
			Archived: c.Archived, Locked: c.Locked, AutoArchiveDuration: c.AutoArchiveDuration,
			ArchiveTimestamp: c.ArchiveTimestamp, CreatedAt: c.CreatedAt, MessageCount: c.MessageCount,
		})
	}
	return out
}

// Channel returns a channel, thread or DM channel by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	out := c.Channel
	out.PermissionOverwrites = append([]discordgo.PermissionOverwrite(nil), c.PermissionOverwrites...)
	return out, true
}

// DMs returns the messages in the DM channel with a user, oldest first.
func (s *Server) DMs(userID string) []Message {
	s.mu.Lock()
	id, ok := s.dmByUser[userID]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.Messages(id)
}

// DMChannelID returns the id of the DM channel opened with a user.
func (s *Server) DMChannelID(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.dmByUser[userID]
	return id, ok
}

// Commands returns the last bulk-overwritten command set of an application
// in a guild ("" = global), as the fake answered it (with ids).
func (s *Server) Commands(appID, guildID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.commands[cmdKey{appID, guildID}]
	out := make([]json.RawMessage, len(cmds))
	for i, c := range cmds {
		out[i] = append(json.RawMessage(nil), c...)
	}
	return out
}

// recordInteractionLocked stores an accepted interaction response and
// hands a copy to each watcher (dropped if its buffer is full).
func (s *Server) recordInteractionLocked(r InteractionResponse) {
	s.interactions = append(s.interactions, r)
	for _, w := range s.watchers {
		c := r
		c.Data = append(json.RawMessage(nil), r.Data...)
		select {
		case w <- c:
		default:
		}
	}
}

// WatchInteractionResponses returns a channel that receives each
// interaction callback, edit and follow-up accepted from now on (buf of
// them at most waiting; more are dropped), so that a test can wait for
// answers instead of polling. stop ends the watch.
func (s *Server) WatchInteractionResponses(buf int) (<-chan InteractionResponse, func()) {
	c := make(chan InteractionResponse, buf)
	s.mu.Lock()
	s.watchers = append(s.watchers, c)
	s.mu.Unlock()
	return c, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, w := range s.watchers {
			if w == c {
				s.watchers = append(s.watchers[:i:i], s.watchers[i+1:]...)
				return
			}
		}
	}
}

// InteractionResponses returns the interaction callbacks, edits and
// follow-ups accepted so far, in arrival order.
func (s *Server) InteractionResponses() []InteractionResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]InteractionResponse, len(s.interactions))
	for i, r := range s.interactions {
		out[i] = r
		out[i].Data = append(json.RawMessage(nil), r.Data...)
	}
	return out
}

// Stored counts what the fake holds: messages in guild channels (thread
// starters included), threads, messages inside threads, and messages in
// DM channels.
func (s *Server) Stored() faults.Stored {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st faults.Stored
	for _, c := range s.channels {
		switch {
		case isThread(c.Type):
			st.Threads++
			st.Replies += len(c.msgs)
		case c.Type == discordgo.ChannelTypeDM:
			st.DMs += len(c.msgs)
		default:
			st.Messages += len(c.msgs)
		}
	}
	return st
}

// ---- ids ----

// discordEpoch is the first second of 2015 in Unix milliseconds.
const discordEpoch = 1420070400000

// nextIDLocked returns a new snowflake: time-based like Discord's (so
// discordgo.SnowflakeTimestamp works) and strictly increasing like a
// counter.
func (s *Server) nextIDLocked() string {
	id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return formatUint(id)
}

func isThread(t discordgo.ChannelType) bool {
	return t == discordgo.ChannelTypeGuildNewsThread || t == discordgo.ChannelTypeGuildPublicThread ||
		t == discordgo.ChannelTypeGuildPrivateThread
}
