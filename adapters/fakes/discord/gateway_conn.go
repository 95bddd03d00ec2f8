package discordfake

// The gateway: https://discord.com/developers/docs/events/gateway.

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

type gwConn struct {
	ws      *websocket.Conn
	wmu     sync.Mutex // one writer at a time
	session string     // set once READY or RESUMED was sent
	seq     int64
}

// gwPayload is a gateway message.
type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serve runs one gateway connection.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Get("encoding") != "" && q.Get("encoding") != "json" {
		http.Error(w, "the fake speaks encoding=json only", http.StatusBadRequest)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ws.Close()
		return
	}
	g.conns[c] = true
	interval := g.interval
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.conns, c)
		g.mu.Unlock()
		ws.Close()
	}()

	if g.write(c, gwPayload{Op: opHello, D: mustJSON(map[string]int{"heartbeat_interval": interval})}) != nil {
		return
	}
	for {
		var p gwPayload
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if err := json.Unmarshal(msg, &p); err != nil {
			g.closeWith(c, 4002, "Decode error")
			return
		}
		g.mu.Lock()
		session := c.session
		g.mu.Unlock()
		switch {
		case p.Op == opHeartbeat:
			g.mu.Lock()
			g.heartbeats++
			g.mu.Unlock()
			if g.write(c, gwPayload{Op: opHeartbeatACK}) != nil {
				return
			}
		case p.Op == opIdentify && session == "":
			if !g.identify(c, p.D) {
				return
			}
		case p.Op == opResume && session == "":
			if !g.resume(c, p.D) {
				return
			}
		case session == "":
			g.closeWith(c, closeNotAuthenticated, "Not authenticated.")
			return
		}
	}
}

// identify answers IDENTIFY with READY, or closes with 4004.
func (g *Gateway) identify(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token    string `json:"token"`
		Intents  int    `json:"intents"`
		Compress bool   `json:"compress"`
	}
	_ = json.Unmarshal(d, &id)
	s := g.srv
	s.mu.Lock()
	authOK := s.authOKLocked(id.Token) || (s.token != "" && id.Token == s.token)
	bot := toWireUser(s.bot)
	var guilds []map[string]any
	for gid := range s.guilds {
		guilds = append(guilds, map[string]any{"id": gid, "unavailable": true})
	}
	session := "fake-session-" + s.nextIDLocked()
	s.mu.Unlock()
	if !authOK {
		g.closeWith(c, closeAuthenticationFailed, "Authentication failed.")
		return false
	}
	sort.Slice(guilds, func(i, j int) bool { return guilds[i]["id"].(string) < guilds[j]["id"].(string) })
	g.mu.Lock()
	g.identifies = append(g.identifies, Identify{Intents: id.Intents, Compress: id.Compress, Time: time.Now()})
	g.mu.Unlock()
	ready := map[string]any{
		"v": 10, "session_id": session, "resume_gateway_url": g.url, "user": bot,
		"guilds": guilds, "private_channels": []any{},
		"application": map[string]any{"id": bot.ID, "flags": 0},
	}
	if g.start(c, session, "READY", mustJSON(ready)) != nil {
		return false
	}
	return true
}

// resume answers RESUME of a known session with RESUMED, of an unknown one
// with INVALID_SESSION (the client identifies again).
func (g *Gateway) resume(c *gwConn, d json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
	}
	_ = json.Unmarshal(d, &rs)
	s := g.srv
	s.mu.Lock()
	authOK := s.authOKLocked(rs.Token) || (s.token != "" && rs.Token == s.token)
	s.mu.Unlock()
	if !authOK {
		g.closeWith(c, closeAuthenticationFailed, "Authentication failed.")
		return false
	}
	g.mu.Lock()
	last, known := g.sessions[rs.SessionID]
	g.mu.Unlock()
	if !known {
		return g.write(c, gwPayload{Op: opInvalidSession, D: json.RawMessage("false")}) == nil
	}
	c.seq = last
	return g.start(c, rs.SessionID, "RESUMED", json.RawMessage("{}")) == nil
}

// start sends READY or RESUMED and marks the connection as a session.
func (g *Gateway) start(c *gwConn, session, event string, d json.RawMessage) error {
	// The session is set under the write lock, so a Dispatch that sees it
	// writes after READY.
	c.wmu.Lock()
	g.mu.Lock()
	c.seq++
	seq := c.seq
	g.sessions[session] = seq
	c.session = session
	g.mu.Unlock()
	err := c.ws.WriteJSON(gwPayload{Op: opDispatch, D: d, S: &seq, T: &event})
	c.wmu.Unlock()
	if err == nil && event == "READY" {
		g.mu.Lock()
		select {
		case <-g.readyCh:
		default:
			close(g.readyCh)
		}
		g.mu.Unlock()
	}
	return err
}

// send writes one dispatch with the connection's next sequence number.
func (g *Gateway) send(c *gwConn, event string, d json.RawMessage) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	g.mu.Lock()
	c.seq++
	seq := c.seq
	g.sessions[c.session] = seq
	g.mu.Unlock()
	return c.ws.WriteJSON(gwPayload{Op: opDispatch, D: d, S: &seq, T: &event})
}

func (g *Gateway) write(c *gwConn, p gwPayload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(p)
}

func (g *Gateway) closeWith(c *gwConn, code int, text string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("discordfake: " + err.Error())
	}
	return b
}
