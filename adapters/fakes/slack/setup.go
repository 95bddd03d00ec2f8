package slackfake

// Setting the fake up: the tokens, the bot's identity, conversations and
// their members, users, blocked DMs and messages stored without the API.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

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
