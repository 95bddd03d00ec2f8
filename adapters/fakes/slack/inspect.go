package slackfake

// Inspecting the fake: the requests it received, the messages, channels and
// ephemerals it holds, the retry violations and the tallies.

import (
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
