package discordfake

import (
	"encoding/json"
	"net/url"
	"sort"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

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
