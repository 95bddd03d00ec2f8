package slackfake

import (
	"strings"
)

// SocketModeURL is what apps.connections.open answers: a websocket URL
// nobody listens on (the fake has no Socket Mode).
const SocketModeURL = "ws://127.0.0.1:1/"

// methods are the Web API methods the fake implements. Anything else gets
// {"ok":false,"error":"unknown_method"}.
var methods = map[string]handler{
	"api.test":              (*Server).mAPITest,
	"auth.test":             (*Server).mAuthTest,
	"apps.connections.open": (*Server).mConnectionsOpen,
	"chat.postMessage":      (*Server).mPostMessage,
	"chat.postEphemeral":    (*Server).mPostEphemeral,
	"chat.update":           (*Server).mUpdate,
	"chat.delete":           (*Server).mDelete,
	"conversations.history": (*Server).mHistory,
	"conversations.replies": (*Server).mReplies,
	"conversations.info":    (*Server).mInfo,
	"conversations.open":    (*Server).mOpen,
	"users.info":            (*Server).mUsersInfo,
}

// Methods returns the names of the Web API methods the fake implements.
func Methods() []string {
	out := make([]string, 0, len(methods))
	for m := range methods {
		out = append(out, m)
	}
	return out
}

func (s *Server) mAPITest(c *call) reply {
	if e := c.params.Get("error"); e != "" {
		return errReply(e)
	}
	args := map[string]string{}
	for k := range c.params {
		if k != "token" {
			args[k] = c.params.Get(k)
		}
	}
	return okReply(map[string]any{"args": args})
}

func (s *Server) mAuthTest(c *call) reply {
	return okReply(map[string]any{
		"url":                   "https://" + s.teamName + ".slack.com/",
		"team":                  s.teamName,
		"user":                  s.botName,
		"team_id":               s.teamID,
		"user_id":               s.botUserID,
		"bot_id":                s.botID,
		"is_enterprise_install": false,
	})
}

func (s *Server) mConnectionsOpen(c *call) reply {
	return okReply(map[string]any{"url": SocketModeURL})
}

// ---- users ----

func (s *Server) mUsersInfo(c *call) reply {
	id := c.params.Get("user")
	u, ok := s.users[id]
	if !ok && id == s.botUserID && id != "" {
		u = &User{ID: id, TeamID: s.teamID, Name: s.botName, RealName: s.botName, IsBot: true}
		ok = true
	}
	if !ok {
		return errReply("user_not_found")
	}
	tz := u.TZ
	if tz == "" {
		tz = "UTC"
	}
	return okReply(map[string]any{"user": map[string]any{
		"id":                  u.ID,
		"team_id":             u.TeamID,
		"name":                u.Name,
		"real_name":           u.RealName,
		"deleted":             u.Deleted,
		"is_admin":            u.IsAdmin,
		"is_owner":            u.IsOwner,
		"is_primary_owner":    u.IsPrimaryOwner,
		"is_restricted":       u.IsRestricted,
		"is_ultra_restricted": false,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"tz":                  tz,
		"profile": map[string]any{
			"real_name":    u.RealName,
			"display_name": u.Name,
			"team":         u.TeamID,
		},
	}})
}

// ---- helpers ----

// boolParam reads a Slack boolean parameter ("true", "1").
func boolParam(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}
