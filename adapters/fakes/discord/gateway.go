package discordfake

// The gateway: https://discord.com/developers/docs/events/gateway.

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway opcodes the fake speaks.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// Gateway close codes the fake uses.
const (
	closeNotAuthenticated     = 4003
	closeAuthenticationFailed = 4004
)

// DefaultHeartbeatInterval is the heartbeat interval the fake's HELLO
// advertises, in milliseconds (Discord's usual value).
const DefaultHeartbeatInterval = 41250

// Gateway is a minimal Discord gateway on its own loopback listener: enough
// for discordgo's Session.Open and for a test to deliver events, such as
// INTERACTION_CREATE, to a running bot the way Discord does. Start it with
// Server.StartGateway; from then on GET /gateway and /gateway/bot return
// its ws:// URL.
//
// It speaks JSON (encoding=json) without compression: HELLO (op 10) on
// connect; IDENTIFY (op 2) with the server's bot token (see SetToken) is
// answered with a READY dispatch (session id, bot user, the guilds added
// with AddGuild as unavailable, resume_gateway_url); a wrong token closes
// the connection with 4004, anything but IDENTIFY or RESUME first with
// 4003. RESUME (op 6) of a known session gets RESUMED, of an unknown one
// INVALID_SESSION (op 9, not resumable). HEARTBEAT (op 1) gets
// HEARTBEAT_ACK (op 11). Other opcodes (presence, voice, member requests)
// are read and ignored. Dispatches carry increasing sequence numbers per
// session.
//
// Not faked: zlib or zstd transport compression, ETF encoding, sharding,
// rate limits on gateway sends, RECONNECT (op 7) on its own initiative,
// and the events Discord sends without a test asking (GUILD_CREATE, ...).
//
// A Gateway is safe for concurrent use.
type Gateway struct {
	srv      *Server
	ts       *httptest.Server
	url      string
	interval int // ms

	mu         sync.Mutex
	conns      map[*gwConn]bool
	sessions   map[string]int64 // session id → last sequence sent
	identifies []Identify
	heartbeats int
	readyCh    chan struct{} // closed when a session is ready
	closed     bool
}

// Identify is an IDENTIFY payload as the fake received it.
type Identify struct {
	Intents  int
	Compress bool
	Time     time.Time
}

// StartGateway starts the fake's gateway (once; later calls return the same
// one). It stops when the server closes, or with Gateway.Close.
func (s *Server) StartGateway() *Gateway {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gateway != nil {
		return s.gateway
	}
	g := &Gateway{srv: s, interval: DefaultHeartbeatInterval, conns: map[*gwConn]bool{},
		sessions: map[string]int64{}, readyCh: make(chan struct{})}
	g.ts = httptest.NewServer(http.HandlerFunc(g.serve))
	g.url = "ws" + strings.TrimPrefix(g.ts.URL, "http")
	s.gateway = g
	return g
}

// gatewayURLLocked is what GET /gateway returns: the started gateway's URL,
// or an address where nothing listens.
func (s *Server) gatewayURLLocked() string {
	if s.gateway != nil {
		return s.gateway.url
	}
	return gatewayURL
}

// URL returns the gateway's address, like ws://127.0.0.1:PORT.
func (g *Gateway) URL() string { return g.url }

// SetHeartbeatInterval sets the interval HELLO advertises to connections
// made from now on.
func (g *Gateway) SetHeartbeatInterval(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.interval = int(d / time.Millisecond)
}

// Ready returns a channel closed once a session has received READY.
func (g *Gateway) Ready() <-chan struct{} { return g.readyCh }

// Sessions returns how many connections are identified and open.
func (g *Gateway) Sessions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for c := range g.conns {
		if c.session != "" {
			n++
		}
	}
	return n
}

// Identifies returns the IDENTIFY payloads received, in order.
func (g *Gateway) Identifies() []Identify {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Identify(nil), g.identifies...)
}

// Heartbeats returns how many heartbeats were acknowledged.
func (g *Gateway) Heartbeats() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.heartbeats
}

// ErrNoSession is returned by Dispatch when no connection is identified.
var ErrNoSession = errors.New("discordfake: no gateway session is connected")

// Dispatch sends an event (op 0) named event with data d to every
// identified connection, each with its next sequence number. It returns
// ErrNoSession when none is connected, or the first write error.
func (g *Gateway) Dispatch(event string, d any) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	g.mu.Lock()
	var conns []*gwConn
	for c := range g.conns {
		if c.session != "" {
			conns = append(conns, c)
		}
	}
	g.mu.Unlock()
	if len(conns) == 0 {
		return ErrNoSession
	}
	var first error
	for _, c := range conns {
		if err := g.send(c, event, raw); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// DispatchInteraction delivers an INTERACTION_CREATE event and registers
// the interaction as created now, so that a callback later than 3 seconds
// is refused (Unknown interaction), as Discord does.
func (g *Gateway) DispatchInteraction(i *discordgo.Interaction) error {
	g.srv.RegisterInteraction(i.ID, time.Now())
	if i.Type == discordgo.InteractionMessageComponent && i.Message != nil && i.Message.ID != "" {
		g.srv.RegisterComponentMessage(i.ID, i.Message.ID)
	}
	return g.Dispatch("INTERACTION_CREATE", i)
}

// Close closes every connection and stops the listener.
func (g *Gateway) Close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	conns := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	g.ts.CloseClientConnections()
	g.ts.Close()
}
