package slackfake

// conversations.open and conversations.info, and how a "channel" parameter
// finds its conversation and whether the bot may see and post in it.

import (
	"fmt"
	"net/url"
	"strings"
)

// resolveLocked finds the conversation a "channel" parameter names: an
// id, "#name" or "name", or (with allowUser) a user id, which means the
// bot's DM with that user (opened on the fly, as chat.postMessage does).
func (s *Server) resolveLocked(param string, allowUser bool) (*chanState, string) {
	if param == "" {
		return nil, "channel_not_found"
	}
	if c, ok := s.channels[param]; ok {
		return s.visibleLocked(c)
	}
	if allowUser {
		if u, ok := s.users[param]; ok {
			if u.Deleted {
				return nil, "user_disabled"
			}
			c, _ := s.openDMLocked(param)
			return c, ""
		}
	}
	name := strings.TrimPrefix(param, "#")
	var found *chanState
	for _, c := range s.channels {
		if !c.IsIM && c.Name == name && (found == nil || c.seq < found.seq) {
			found = c
		}
	}
	if found == nil {
		return nil, "channel_not_found"
	}
	return s.visibleLocked(found)
}

// visibleLocked hides private channels the bot is not in, as Slack does.
func (s *Server) visibleLocked(c *chanState) (*chanState, string) {
	if c.IsPrivate && !s.botMemberLocked(c) {
		return nil, "channel_not_found"
	}
	return c, ""
}

func (s *Server) botMemberLocked(c *chanState) bool {
	return c.IsIM || contains(c.Members, s.botUserID)
}

// canPostLocked checks that the bot may post in a conversation.
func (s *Server) canPostLocked(c *chanState) string {
	if c.IsArchived {
		return "is_archived"
	}
	if !s.botMemberLocked(c) {
		return "not_in_channel"
	}
	if c.IsIM {
		if code, ok := s.blockedDMs[c.User]; ok {
			return code
		}
	}
	return ""
}

// openDMLocked returns the bot's DM channel with a user, creating it.
func (s *Server) openDMLocked(userID string) (*chanState, bool) {
	if id, ok := s.dmByUser[userID]; ok {
		if c, ok := s.channels[id]; ok {
			return c, false
		}
	}
	var id string
	for {
		s.dmSeq++
		id = fmt.Sprintf("D%08d", s.dmSeq)
		if _, used := s.channels[id]; !used {
			break
		}
	}
	c := s.addChannelLocked(Channel{ID: id, IsIM: true, User: userID, Members: []string{s.botUserID, userID}})
	return c, true
}

func (s *Server) mOpen(c *call) reply {
	p := c.params
	if id := p.Get("channel"); id != "" {
		ch, ok := s.channels[id]
		if !ok || !ch.IsIM {
			return errReply("channel_not_found")
		}
		return s.openReply(ch, true, p)
	}
	users := strings.Split(p.Get("users"), ",")
	var ids []string
	for _, u := range users {
		if u = strings.TrimSpace(u); u != "" {
			ids = append(ids, u)
		}
	}
	switch {
	case len(ids) == 0:
		return errReply("users_list_not_supplied")
	case len(ids) > 1:
		return errReply("fake_mpim_not_supported")
	}
	uid := ids[0]
	if uid == s.botUserID {
		return errReply("cannot_dm_bot")
	}
	u, ok := s.users[uid]
	if !ok {
		return errReply("user_not_found")
	}
	if u.Deleted {
		return errReply("user_disabled")
	}
	ch, created := s.openDMLocked(uid)
	return s.openReply(ch, !created, p)
}

func (s *Server) openReply(ch *chanState, already bool, p url.Values) reply {
	var obj any = map[string]any{"id": ch.ID}
	if boolParam(p.Get("return_im")) {
		obj = s.wireChannelLocked(ch, false)
	}
	fields := map[string]any{"channel": obj}
	if already {
		fields["no_op"] = true
		fields["already_open"] = true
	}
	return okReply(fields)
}

func (s *Server) mInfo(c *call) reply {
	id := c.params.Get("channel")
	ch, ok := s.channels[id]
	if !ok {
		return errReply("channel_not_found")
	}
	if _, e := s.visibleLocked(ch); e != "" {
		return errReply(e)
	}
	return okReply(map[string]any{"channel": s.wireChannelLocked(ch, boolParam(c.params.Get("include_num_members")))})
}

func (s *Server) wireChannelLocked(c *chanState, numMembers bool) map[string]any {
	out := map[string]any{
		"id":              c.ID,
		"created":         c.Created.Unix(),
		"is_archived":     c.IsArchived,
		"is_im":           c.IsIM,
		"is_mpim":         false,
		"is_private":      c.IsPrivate || c.IsIM,
		"is_member":       s.botMemberLocked(c),
		"context_team_id": s.teamID,
	}
	if c.IsIM {
		out["user"] = c.User
		out["is_open"] = true
		if u, ok := s.users[c.User]; ok {
			out["is_user_deleted"] = u.Deleted
		}
	} else {
		out["name"] = c.Name
		out["name_normalized"] = c.Name
		out["is_channel"] = true
		out["is_group"] = false
		out["is_general"] = false
		out["is_shared"] = false
		out["is_ext_shared"] = false
		out["is_org_shared"] = false
	}
	if numMembers {
		out["num_members"] = len(c.Members)
	}
	return out
}
