package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
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
	// AddRule, AddMix, ClearRules, Seed, SetRateLimit (no limit by
	// default; see SetRetryAfterUnit for the 429's Retry-After), Violations
	// and Stats.
	faults.Controls[Rule, Violation]

	http   *faults.Server
	engine *faults.Engine[Rule, Violation]

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

	requests  []*Request
	reqSeq    int
	retryUnit time.Duration

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
		engine:     faults.NewEngine[Rule, Violation](ruleGate, 0, 0),
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
	s.Controls = s.engine.Controls(nil)
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
