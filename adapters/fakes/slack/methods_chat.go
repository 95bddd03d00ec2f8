package slackfake

// chat.postMessage, chat.postEphemeral, chat.update and chat.delete: the
// checks of a message's content and the message as Slack's JSON.

import (
	"encoding/json"
	"net/url"
	"unicode/utf8"
)

// content is a validated message body.
type content struct {
	text      string
	hasText   bool
	blocks    json.RawMessage // nil if none sent
	hasBlocks bool            // blocks were sent (possibly "[]")
	metadata  json.RawMessage
	eventType string
	payload   json.RawMessage
}

// checkContent validates text, blocks and (with meta) metadata. need
// requires some text or blocks (no_text).
func checkContent(p url.Values, need, meta bool) (content, reply, bool) {
	var ct content
	ct.text, ct.hasText = p.Get("text"), p.Has("text")
	if raw := p.Get("blocks"); raw != "" {
		compact, code, msgs := validateBlocks(raw)
		if code != "" {
			rep := errReply(code)
			if len(msgs) > 0 {
				rep.fields = map[string]any{"response_metadata": map[string]any{"messages": msgs}}
			}
			return ct, rep, false
		}
		ct.blocks, ct.hasBlocks = compact, true
	}
	nonEmptyBlocks := ct.hasBlocks && string(ct.blocks) != "[]"
	if need && ct.text == "" && !nonEmptyBlocks && p.Get("attachments") == "" {
		return ct, errReply("no_text"), false
	}
	if length(ct.text) > MaxTextChars {
		return ct, errReply("msg_too_long"), false
	}
	if meta {
		if raw := p.Get("metadata"); raw != "" {
			compact, et, payload, ok := parseMetadata(raw)
			if !ok {
				return ct, errReply("invalid_metadata_format"), false
			}
			ct.metadata, ct.eventType, ct.payload = compact, et, payload
		}
	}
	return ct, reply{}, true
}

// validUTF8 reports whether every parameter is valid UTF-8.
func validUTF8(p url.Values) bool {
	for k, vs := range p {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

func withoutToken(p url.Values) url.Values {
	out := cloneValues(p)
	out.Del("token")
	return out
}

func (s *Server) mPostMessage(c *call) reply {
	p := c.params
	if !validUTF8(p) {
		return errReply("invalid_arguments")
	}
	ch, e := s.resolveLocked(p.Get("channel"), true)
	if e != "" {
		return errReply(e)
	}
	if e := s.canPostLocked(ch); e != "" {
		return errReply(e)
	}
	ct, rep, ok := checkContent(p, true, true)
	if !ok {
		return rep
	}
	var parent *msgState
	if tts := p.Get("thread_ts"); tts != "" {
		m, ok := ch.byTS[tts]
		if !ok {
			return errReply("thread_not_found")
		}
		parent = threadRoot(m)
	}
	ts, micros := s.nextTSLocked(c.now)
	m := &msgState{micros: micros, Message: Message{
		Channel:        ch.ID,
		TS:             ts,
		User:           s.botUserID,
		BotID:          s.botID,
		Username:       p.Get("username"),
		Text:           ct.text,
		Blocks:         ct.blocks,
		Metadata:       ct.metadata,
		EventType:      ct.eventType,
		EventPayload:   ct.payload,
		UnfurlLinks:    p.Get("unfurl_links"),
		UnfurlMedia:    p.Get("unfurl_media"),
		Mrkdwn:         p.Get("mrkdwn"),
		ReplyBroadcast: parent != nil && boolParam(p.Get("reply_broadcast")),
		Params:         withoutToken(p),
		Time:           c.now,
	}}
	s.storeLocked(ch, m, parent)
	return reply{ts: ts, fields: map[string]any{
		"channel": ch.ID,
		"ts":      ts,
		"message": s.wireMessageLocked(m, true),
	}}
}

func (s *Server) mPostEphemeral(c *call) reply {
	p := c.params
	if !validUTF8(p) {
		return errReply("invalid_arguments")
	}
	ch, e := s.resolveLocked(p.Get("channel"), false)
	if e != "" {
		return errReply(e)
	}
	if ch.IsArchived {
		return errReply("is_archived")
	}
	if !s.botMemberLocked(ch) {
		return errReply("not_in_channel")
	}
	uid := p.Get("user")
	if _, ok := s.users[uid]; !ok {
		return errReply("user_not_found")
	}
	if !(ch.IsIM && ch.User == uid) && !contains(ch.Members, uid) {
		return errReply("user_not_in_channel")
	}
	ct, rep, ok := checkContent(p, true, false)
	if !ok {
		return rep
	}
	ts, _ := s.nextTSLocked(c.now)
	s.ephemerals = append(s.ephemerals, Ephemeral{
		Channel: ch.ID, User: uid, Text: ct.text, Blocks: ct.blocks,
		ThreadTS: p.Get("thread_ts"), MessageTS: ts, Params: withoutToken(p), Time: c.now,
	})
	return reply{ts: ts, fields: map[string]any{"message_ts": ts}}
}

// ownMessageLocked finds a message of the bot for chat.update and
// chat.delete.
func (s *Server) ownMessageLocked(p url.Values, notOwn string) (*chanState, *msgState, string) {
	ch, e := s.resolveLocked(p.Get("channel"), false)
	if e != "" {
		return nil, nil, e
	}
	m, ok := ch.byTS[p.Get("ts")]
	if !ok || m.Subtype == "tombstone" {
		return nil, nil, "message_not_found"
	}
	if m.User != s.botUserID || m.BotID == "" {
		return nil, nil, notOwn
	}
	if ch.IsArchived {
		return nil, nil, "is_archived"
	}
	return ch, m, ""
}

func (s *Server) mUpdate(c *call) reply {
	p := c.params
	if !validUTF8(p) {
		return errReply("invalid_arguments")
	}
	ch, m, e := s.ownMessageLocked(p, "cant_update_message")
	if e != "" {
		return errReply(e)
	}
	ct, rep, ok := checkContent(p, false, true)
	if !ok {
		return rep
	}
	if !ct.hasText && !ct.hasBlocks && p.Get("attachments") == "" {
		return errReply("no_text")
	}
	if ct.hasText {
		m.Text = ct.text
	}
	if ct.hasBlocks {
		m.Blocks = ct.blocks
		if string(ct.blocks) == "[]" {
			m.Blocks = nil
		}
	}
	if ct.metadata != nil {
		m.Metadata, m.EventType, m.EventPayload = ct.metadata, ct.eventType, ct.payload
	}
	m.EditedTS, _ = s.nextTSLocked(c.now)
	return reply{ts: m.TS, fields: map[string]any{
		"channel": ch.ID,
		"ts":      m.TS,
		"text":    m.Text,
		"message": s.wireMessageLocked(m, true),
	}}
}

func (s *Server) mDelete(c *call) reply {
	ch, m, e := s.ownMessageLocked(c.params, "cant_delete_message")
	if e != "" {
		return errReply(e)
	}
	s.deleteLocked(ch, m)
	return reply{ts: m.TS, fields: map[string]any{"channel": ch.ID, "ts": m.TS}}
}

// wireMessageLocked renders a message as Slack's JSON.
func (s *Server) wireMessageLocked(m *msgState, withMeta bool) map[string]any {
	out := map[string]any{
		"type": "message",
		"ts":   m.TS,
		"text": m.Text,
		"team": s.teamID,
	}
	if m.User != "" {
		out["user"] = m.User
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = s.appID
	}
	if m.Username != "" {
		out["username"] = m.Username
	}
	if m.Subtype != "" {
		out["subtype"] = m.Subtype
		if m.Subtype == "tombstone" {
			out["hidden"] = true
		}
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if withMeta && len(m.Metadata) > 0 {
		out["metadata"] = m.Metadata
	}
	if m.EditedTS != "" {
		out["edited"] = map[string]any{"user": m.User, "ts": m.EditedTS}
	}
	if p := m.parent; p != nil {
		out["thread_ts"] = p.TS
		out["parent_user_id"] = p.User
	} else if len(m.replies) > 0 {
		snap := m.snapshot()
		out["thread_ts"] = m.TS
		out["reply_count"] = snap.ReplyCount
		out["reply_users_count"] = len(snap.ReplyUsers)
		out["reply_users"] = snap.ReplyUsers
		out["latest_reply"] = snap.LatestReply
		out["is_locked"] = false
		out["subscribed"] = false
	}
	return out
}
