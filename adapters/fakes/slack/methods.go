package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
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

// ---- channels ----

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

// ---- chat ----

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

// ---- history ----

// window is the latest/oldest/inclusive range of a history request.
type window struct {
	oldest, latest int64
	inclusive      bool
}

func (w window) has(micros int64) bool {
	if w.inclusive {
		return micros >= w.oldest && micros <= w.latest
	}
	return micros > w.oldest && micros < w.latest
}

// parseWindow reads latest, oldest and inclusive. Without latest the range
// has no end, without oldest no start.
func parseWindow(p url.Values) (window, string) {
	w := window{oldest: -1, latest: math.MaxInt64, inclusive: boolParam(p.Get("inclusive"))}
	if v := p.Get("latest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_latest"
		}
		w.latest = t
	}
	if v := p.Get("oldest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_oldest"
		}
		w.oldest = t
	}
	return w, ""
}

// parseLimit reads "limit": default def, at most 1000.
func parseLimit(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	if n == 0 {
		return def, true
	}
	if n > 1000 {
		n = 1000
	}
	return n, true
}

func encodeCursor(ts string) string {
	return base64.StdEncoding.EncodeToString([]byte("next_ts:" + ts))
}

func decodeCursor(cur string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	ts, ok := strings.CutPrefix(string(b), "next_ts:")
	if !ok {
		return 0, false
	}
	return parseTS(ts)
}

// readableLocked resolves the channel of a history request: the bot must
// be a member.
func (s *Server) readableLocked(p url.Values) (*chanState, string) {
	ch, e := s.resolveLocked(p.Get("channel"), false)
	if e != "" {
		return nil, e
	}
	if !s.botMemberLocked(ch) {
		return nil, "not_in_channel"
	}
	return ch, ""
}

func (s *Server) mHistory(c *call) reply {
	p := c.params
	ch, e := s.readableLocked(p)
	if e != "" {
		return errReply(e)
	}
	limit, ok := parseLimit(p.Get("limit"), 100)
	if !ok {
		return errReply("invalid_limit")
	}
	w, e := parseWindow(p)
	if e != "" {
		return errReply(e)
	}
	start := int64(math.MaxInt64)
	if cur := p.Get("cursor"); cur != "" {
		if start, ok = decodeCursor(cur); !ok {
			return errReply("invalid_cursor")
		}
	}
	meta := boolParam(p.Get("include_all_metadata"))
	var page []map[string]any
	next := ""
	for i := len(ch.top) - 1; i >= 0; i-- {
		m := ch.top[i]
		if m.micros > start || !w.has(m.micros) {
			continue
		}
		if len(page) == limit {
			next = m.TS
			break
		}
		page = append(page, s.wireMessageLocked(m, meta))
	}
	fields := map[string]any{
		"messages":  nonNil(page),
		"has_more":  next != "",
		"pin_count": 0,
	}
	if next != "" {
		fields["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return okReply(fields)
}

func (s *Server) mReplies(c *call) reply {
	p := c.params
	ch, e := s.readableLocked(p)
	if e != "" {
		return errReply(e)
	}
	m, ok := ch.byTS[p.Get("ts")]
	if !ok {
		return errReply("thread_not_found")
	}
	limit, ok := parseLimit(p.Get("limit"), 1000)
	if !ok {
		return errReply("invalid_limit")
	}
	w, e := parseWindow(p)
	if e != "" {
		return errReply(e)
	}
	start := int64(math.MinInt64)
	if cur := p.Get("cursor"); cur != "" {
		if start, ok = decodeCursor(cur); !ok {
			return errReply("invalid_cursor")
		}
	}
	meta := boolParam(p.Get("include_all_metadata"))
	root := threadRoot(m)
	items := append([]*msgState{root}, root.replies...)
	var page []map[string]any
	next := ""
	for i, it := range items {
		if it.micros < start || (i > 0 && !w.has(it.micros)) {
			continue
		}
		if len(page) == limit {
			next = it.TS
			break
		}
		page = append(page, s.wireMessageLocked(it, meta))
	}
	fields := map[string]any{
		"messages": nonNil(page),
		"has_more": next != "",
	}
	if next != "" {
		fields["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return okReply(fields)
}

func nonNil(page []map[string]any) []map[string]any {
	if page == nil {
		return []map[string]any{}
	}
	return page
}

// boolParam reads a Slack boolean parameter ("true", "1").
func boolParam(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}
