package slackfake

// OAuth scopes, as https://api.slack.com/scopes and each method's page
// describe them: every Web API answer to a bot token carries the token's
// scopes in X-OAuth-Scopes (comma-separated) and the scopes the method
// accepts in X-Accepted-OAuth-Scopes; a method called without one of them
// answers {"ok":false,"error":"missing_scope","needed":"…","provided":"…"}.

import (
	"net/http"
	"slices"
	"strings"
)

// DefaultScopes are the bot token's scopes until SetScopes: every scope a
// method the fake implements accepts, and commands (slash commands).
var DefaultScopes = []string{
	"channels:history", "channels:read", "chat:write", "commands",
	"groups:history", "groups:read", "im:history", "im:read", "im:write",
	"mpim:history", "mpim:read", "users:read",
}

// AppTokenScope is the scope of an app-level token that may open Socket
// Mode connections (apps.connections.open).
const AppTokenScope = "connections:write"

// SetScopes sets the bot token's scopes (DefaultScopes until then). A
// method that needs a scope the token lacks answers missing_scope.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes = append([]string{}, scopes...)
}

// Scopes returns the bot token's scopes.
func (s *Server) Scopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.scopesLocked()...)
}

func (s *Server) scopesLocked() []string {
	if s.scopes == nil {
		return DefaultScopes
	}
	return s.scopes
}

// conversationScopes are the scopes of the conversations.* methods that
// read a conversation, by its kind: public channel, private channel, DM.
var conversationScopes = map[string][3]string{
	"conversations.info":    {"channels:read", "groups:read", "im:read"},
	"conversations.history": {"channels:history", "groups:history", "im:history"},
	"conversations.replies": {"channels:history", "groups:history", "im:history"},
}

// acceptedScopesLocked returns the scopes of which a call of method needs
// one (nil: none). For the conversations.* reads it depends on the kind of
// the conversation named by channel; an unknown one accepts any of them.
func (s *Server) acceptedScopesLocked(method, channel string) []string {
	if kinds, ok := conversationScopes[method]; ok {
		if c, found := s.channels[channel]; found {
			switch {
			case c.IsIM:
				return []string{kinds[2]}
			case c.IsPrivate:
				return []string{kinds[1]}
			default:
				return []string{kinds[0]}
			}
		}
		return kinds[:]
	}
	switch method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete":
		return []string{"chat:write"}
	case "conversations.open":
		return []string{"im:write"}
	case "users.info":
		return []string{"users:read"}
	case "apps.connections.open":
		return []string{AppTokenScope}
	}
	return nil // auth.test, api.test
}

// scopeCheckLocked sets the scope headers of an authenticated bot-token
// call and returns the missing_scope answer when the token lacks every
// scope the method accepts, or nil.
func (s *Server) scopeCheckLocked(h http.Header, method, channel string) *reply {
	accepted := s.acceptedScopesLocked(method, channel)
	if method == "apps.connections.open" {
		h.Set("X-OAuth-Scopes", AppTokenScope)
		h.Set("X-Accepted-OAuth-Scopes", AppTokenScope)
		return nil
	}
	have := s.scopesLocked()
	h.Set("X-OAuth-Scopes", strings.Join(have, ","))
	h.Set("X-Accepted-OAuth-Scopes", strings.Join(accepted, ","))
	if len(accepted) == 0 {
		return nil
	}
	for _, a := range accepted {
		if slices.Contains(have, a) {
			return nil
		}
	}
	rep := errReply("missing_scope")
	rep.fields = map[string]any{"needed": accepted[0], "provided": strings.Join(have, ",")}
	return &rep
}
