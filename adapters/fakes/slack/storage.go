package slackfake

// Message storage: messages in their channel and thread (a deleted parent
// with replies stays as a tombstone, as on Slack), and message timestamps,
// unique and strictly increasing.

import (
	"fmt"
	"strings"
	"time"
)

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
