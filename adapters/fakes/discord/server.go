package discordfake

import (
	"encoding/json"
	"net/http"
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
