package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// Defaults for the bot identity (see SetBotUser) and the workspace.
const (
	DefaultBotUserID = "U0BOT00001"
	DefaultBotID     = "B0BOT00001"
	DefaultAppID     = "A0APP00001"
	DefaultBotName   = "paperboy"
	DefaultTeamID    = "T0TEAM0001"
	DefaultTeamName  = "paperboy-test"
)

// DefaultDMBlockError is the error BlockDMs uses when given no code: Slack's
// answer when the app's Messages tab is turned off.
const DefaultDMBlockError = "messages_tab_disabled"

// Server is a fake Slack Web API. Create it with New. It is safe for
// concurrent use.
type Server struct {
	http     *faults.Server
	rules    *faults.Rules[Rule]
	limiter  *faults.Window
	backoffs *faults.Backoffs
	tally    faults.Tally

	mu sync.Mutex

	token    string   // "" = any non-empty token that is not an app token
	appToken string   // "" = any "xapp-" token
	scopes   []string // the bot token's; nil = DefaultScopes

	botUserID string
	botID     string
	appID     string
	botName   string
	teamID    string
	teamName  string

	users      map[string]*User
	channels   map[string]*chanState
	channelSeq int
	dmByUser   map[string]string
	dmSeq      int
	blockedDMs map[string]string // user id -> error code

	all        []*msgState // every live message, in ts order
	ephemerals []Ephemeral
	respURLs   map[string]*respURL
	responses  []Response

	requests   []*Request
	reqSeq     int
	retryUnit  time.Duration
	violations []Violation

	lastTS int64 // microseconds of the last ts handed out
}

type chanState struct {
	Channel
	seq  int
	top  []*msgState          // top-level messages (and broadcast replies), in order
	byTS map[string]*msgState // every live message of the channel, replies included
}

type msgState struct {
	Message
	micros  int64
	parent  *msgState   // for thread replies
	replies []*msgState // for parents
}

type respURL struct {
	name    string
	created time.Time
	expired bool
	uses    int
}

// New starts a fake Slack API on a loopback httptest server.
func New() *Server {
	s := &Server{
		rules:      faults.NewRules(ruleGate),
		limiter:    faults.NewWindow(0, 0),
		backoffs:   faults.NewBackoffs(),
		botUserID:  DefaultBotUserID,
		botID:      DefaultBotID,
		appID:      DefaultAppID,
		botName:    DefaultBotName,
		teamID:     DefaultTeamID,
		teamName:   DefaultTeamName,
		users:      map[string]*User{},
		channels:   map[string]*chanState{},
		dmByUser:   map[string]string{},
		blockedDMs: map[string]string{},
		respURLs:   map[string]*respURL{},
		retryUnit:  time.Second,
	}
	s.http = faults.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL of the fake, like http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.http.URL() }

// APIURL returns URL()+"/api/", the value for slack.OptionAPIURL (slack-go
// appends the method name directly, so the trailing slash is needed).
func (s *Server) APIURL() string { return s.http.URL() + APIPrefix }

// Close stops the server. Requests sleeping in a Delay rule end at once.
func (s *Server) Close() { s.http.Close() }

// Client returns an http.Client whose transport sends every request,
// whatever its scheme and host (https://slack.com, hooks.slack.com), to
// this server, keeping the path and query. With it slack-go works without
// OptionAPIURL: slack.New(token, slack.OptionHTTPClient(srv.Client())).
// Its timeout is 30 s.
func (s *Server) Client() *http.Client { return s.http.Client() }

// ---- setup ----

// SetToken makes the fake require this bot token, sent as "Authorization:
// Bearer <token>" or as the "token" form field. A wrong token gets
// {"ok":false,"error":"invalid_auth"}, a missing one "not_authed" (HTTP 200,
// as Slack does). Without SetToken any token is accepted except an app-level
// ("xapp-") one. A leading "Bearer " in botToken is ignored.
func (s *Server) SetToken(botToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = strings.TrimPrefix(botToken, "Bearer ")
}

// SetAppToken makes apps.connections.open require this app-level token.
// Without it any token starting with "xapp-" is accepted there.
func (s *Server) SetAppToken(appToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appToken = strings.TrimPrefix(appToken, "Bearer ")
}

// SetBotUser sets the bot's user id and team id, as auth.test returns them
// (user_id, team_id) and as the author of the bot's messages. The bot id
// becomes "B" + id without its first letter; see SetBotID.
func (s *Server) SetBotUser(id, teamID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botUserID = id
	if teamID != "" {
		s.teamID = teamID
	}
	if len(id) > 1 {
		s.botID = "B" + id[1:]
	}
}

// SetBotID sets the bot id (bot_id in auth.test and in the bot's
// messages).
func (s *Server) SetBotID(botID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botID = botID
}

// BotUserID returns the bot's user id (DefaultBotUserID unless
// SetBotUser). Put it in Channel.Members for the bot to be a member.
func (s *Server) BotUserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botUserID
}

// BotID returns the bot id.
func (s *Server) BotID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botID
}

// TeamID returns the workspace id.
func (s *Server) TeamID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.teamID
}

// AddChannel adds a conversation, or replaces an existing one's settings
// (name, privacy, archive state, members) while keeping its messages. An IM
// channel (IsIM with User) becomes the DM channel conversations.open
// returns for that user.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChannelLocked(c)
}

func (s *Server) addChannelLocked(c Channel) *chanState {
	c.Members = append([]string(nil), c.Members...)
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	if c.IsIM && c.User != "" {
		s.dmByUser[c.User] = c.ID
	}
	if old, ok := s.channels[c.ID]; ok {
		old.Channel = c
		return old
	}
	s.channelSeq++
	cs := &chanState{Channel: c, seq: s.channelSeq, byTS: map[string]*msgState{}}
	s.channels[c.ID] = cs
	return cs
}

// AddMember adds a user (or the bot) to a conversation's members. It
// reports whether the conversation exists.
func (s *Server) AddMember(channelID, userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return false
	}
	if !contains(c.Members, userID) {
		c.Members = append(c.Members, userID)
	}
	return true
}

// RemoveMember removes a user (or the bot: "the bot was kicked") from a
// conversation's members. It reports whether the conversation exists.
func (s *Server) RemoveMember(channelID, userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return false
	}
	out := c.Members[:0]
	for _, m := range c.Members {
		if m != userID {
			out = append(out, m)
		}
	}
	c.Members = out
	return true
}

// AddUser adds or replaces a user. TeamID defaults to the bot's team.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TeamID == "" {
		u.TeamID = s.teamID
	}
	s.users[u.ID] = &u
}

// BlockDMs makes the bot unable to message a user: conversations.open still
// works, but posting to the DM fails with errCode (DefaultDMBlockError,
// "messages_tab_disabled", if empty).
func (s *Server) BlockDMs(userID, errCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if errCode == "" {
		errCode = DefaultDMBlockError
	}
	s.blockedDMs[userID] = errCode
}

// UnblockDMs undoes BlockDMs.
func (s *Server) UnblockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blockedDMs, userID)
}

// AddMessage stores a message without going through the API or its
// checks, e.g. another user's message to make history realistic. Set
// m.User (the author; the bot's user id if empty, with its bot id) and
// m.Text, m.Blocks, m.Metadata as wanted; m.ThreadTS makes it a reply.
// m.TS is assigned when empty (it must otherwise be unused and newer than
// every ts handed out so far). It returns the message's ts.
func (s *Server) AddMessage(channelID string, m Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return "", errors.New("slackfake: no channel " + channelID)
	}
	var parent *msgState
	if m.ThreadTS != "" {
		p, ok := c.byTS[m.ThreadTS]
		if !ok {
			return "", errors.New("slackfake: no message " + m.ThreadTS + " in " + channelID)
		}
		parent = threadRoot(p)
	}
	if m.User == "" {
		m.User, m.BotID = s.botUserID, s.botID
	}
	var micros int64
	if m.TS == "" {
		m.TS, micros = s.nextTSLocked(time.Now())
	} else {
		v, ok := parseTS(m.TS)
		if !ok || v <= s.lastTS || c.byTS[m.TS] != nil {
			return "", fmt.Errorf("slackfake: ts %q is invalid, used or not newer than %s", m.TS, formatTS(s.lastTS))
		}
		s.lastTS, micros = v, v
	}
	m.Channel = channelID
	m.Blocks = cloneRaw(m.Blocks)
	m.Metadata = cloneRaw(m.Metadata)
	m.EventPayload = cloneRaw(m.EventPayload)
	if len(m.Metadata) > 0 && m.EventType == "" {
		var md struct {
			EventType    string          `json:"event_type"`
			EventPayload json.RawMessage `json:"event_payload"`
		}
		if json.Unmarshal(m.Metadata, &md) == nil {
			m.EventType, m.EventPayload = md.EventType, md.EventPayload
		}
	}
	m.Params = cloneValues(m.Params)
	m.ReplyCount, m.ReplyUsers, m.LatestReply = 0, nil, ""
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	ms := &msgState{Message: m, micros: micros}
	s.storeLocked(c, ms, parent)
	return m.TS, nil
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
		out[i].Params = cloneValues(r.Params)
	}
	return out
}

// ClearRequests forgets the recorded requests (not the state).
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Messages returns the messages shown in a conversation, oldest first: its
// top-level messages plus thread replies posted with reply_broadcast (and
// tombstones of deleted parents whose replies remain). Thread replies are
// in Replies.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.top))
	for _, m := range c.top {
		out = append(out, m.snapshot())
	}
	return out
}

// Replies returns the replies of a thread, oldest first, without the parent
// (which is in Messages). threadTS may be the ts of the parent or of any
// reply.
func (s *Server) Replies(channelID, threadTS string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	m, ok := c.byTS[threadTS]
	if !ok {
		return nil
	}
	root := threadRoot(m)
	out := make([]Message, 0, len(root.replies))
	for _, r := range root.replies {
		out = append(out, r.snapshot())
	}
	return out
}

// Message returns one message by conversation and ts.
func (s *Server) Message(channelID, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return Message{}, false
	}
	m, ok := c.byTS[ts]
	if !ok {
		return Message{}, false
	}
	return m.snapshot(), true
}

// AllMessages returns every stored message of every conversation (thread
// replies and DMs included, each once), in ts order.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.all))
	for _, m := range s.all {
		out = append(out, m.snapshot())
	}
	return out
}

// DMs returns the messages in the bot's DM channel with a user, oldest
// first (as Messages).
func (s *Server) DMs(userID string) []Message {
	s.mu.Lock()
	id, ok := s.dmByUser[userID]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.Messages(id)
}

// DMChannelID returns the id of the DM channel with a user, if one was
// opened or added.
func (s *Server) DMChannelID(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.dmByUser[userID]
	return id, ok
}

// Channel returns a conversation by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	out := c.Channel
	out.Members = append([]string(nil), c.Members...)
	return out, true
}

// Ephemerals returns the accepted chat.postEphemeral calls, in order.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ephemeral, len(s.ephemerals))
	for i, e := range s.ephemerals {
		out[i] = e
		out[i].Blocks = cloneRaw(e.Blocks)
		out[i].Params = cloneValues(e.Params)
	}
	return out
}

// Violations returns the requests that arrived on a key (method + channel)
// before the retry time of an earlier 429 on that key had passed.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// Stats counts the requests received and the faults injected since New,
// by kind (see package faults), and the violations.
func (s *Server) Stats() faults.Stats { return s.tally.StatsWith(s.backoffs) }

// Stored counts what the fake holds: top-level messages in channels
// (thread parents included), threads (parents with replies), thread
// replies, and messages in IM channels (replies included).
func (s *Server) Stored() faults.Stored {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st faults.Stored
	for _, m := range s.all {
		c := s.channels[m.Channel]
		switch {
		case c != nil && c.IsIM:
			st.DMs++
		case m.parent != nil:
			st.Replies++
		default:
			st.Messages++
			if len(m.replies) > 0 {
				st.Threads++
			}
		}
	}
	return st
}

// ---- message storage ----

// storeLocked adds a message to its channel (and thread).
func (s *Server) storeLocked(c *chanState, m *msgState, parent *msgState) {
	if parent != nil {
		m.parent = parent
		m.ThreadTS = parent.TS
		parent.replies = append(parent.replies, m)
		if m.ReplyBroadcast {
			m.Subtype = "thread_broadcast"
			c.top = append(c.top, m)
		}
	} else {
		m.ThreadTS = ""
		c.top = append(c.top, m)
	}
	c.byTS[m.TS] = m
	s.all = append(s.all, m)
}

// deleteLocked removes a message. A parent with replies becomes a
// tombstone, as on Slack; the last reply of a tombstone removes it too.
func (s *Server) deleteLocked(c *chanState, m *msgState) {
	if m.parent == nil && len(m.replies) > 0 {
		m.Subtype = "tombstone"
		m.Text = "This message was deleted."
		m.Blocks, m.Metadata, m.EventType, m.EventPayload = nil, nil, "", nil
		m.User, m.BotID = "USLACKBOT", ""
		return
	}
	delete(c.byTS, m.TS)
	c.top = removeMsg(c.top, m)
	s.all = removeMsg(s.all, m)
	if p := m.parent; p != nil {
		p.replies = removeMsg(p.replies, m)
		if p.Subtype == "tombstone" && len(p.replies) == 0 {
			delete(c.byTS, p.TS)
			c.top = removeMsg(c.top, p)
			s.all = removeMsg(s.all, p)
		}
	}
}

func removeMsg(list []*msgState, m *msgState) []*msgState {
	for i, x := range list {
		if x == m {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

func threadRoot(m *msgState) *msgState {
	if m.parent != nil {
		return m.parent
	}
	return m
}

// snapshot copies a message for callers, with its thread fields.
func (m *msgState) snapshot() Message {
	out := m.Message
	out.Blocks = cloneRaw(m.Blocks)
	out.Metadata = cloneRaw(m.Metadata)
	out.EventPayload = cloneRaw(m.EventPayload)
	out.Params = cloneValues(m.Params)
	out.ReplyUsers = nil
	out.ReplyCount = len(m.replies)
	if len(m.replies) > 0 {
		out.ThreadTS = m.TS
		out.LatestReply = m.replies[len(m.replies)-1].TS
		seen := map[string]bool{}
		for _, r := range m.replies {
			if !seen[r.User] {
				seen[r.User] = true
				out.ReplyUsers = append(out.ReplyUsers, r.User)
			}
		}
	} else {
		out.LatestReply = ""
	}
	return out
}

// ---- timestamps ----

// nextTSLocked returns a new message ts: the current time in microseconds,
// or one microsecond after the last ts handed out, whichever is later, so
// that ts are unique and strictly increasing even within a second.
func (s *Server) nextTSLocked(now time.Time) (string, int64) {
	v := now.UnixMicro()
	if v <= s.lastTS {
		v = s.lastTS + 1
	}
	s.lastTS = v
	return formatTS(v), v
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6)
}

// parseTS parses "1732600000.000100" (or "1732600000", or fewer fraction
// digits) into microseconds.
func parseTS(ts string) (int64, bool) {
	if ts == "" {
		return 0, false
	}
	sec, frac, _ := strings.Cut(ts, ".")
	if sec == "" || len(sec) > 12 || len(frac) > 6 {
		return 0, false
	}
	var v int64
	for _, r := range sec {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + int64(r-'0')
	}
	var f int64
	for i := 0; i < 6; i++ {
		f *= 10
		if i < len(frac) {
			r := frac[i]
			if r < '0' || r > '9' {
				return 0, false
			}
			f += int64(r - '0')
		}
	}
	return v*1e6 + f, true
}

// ---- helpers ----

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func cloneRaw(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
