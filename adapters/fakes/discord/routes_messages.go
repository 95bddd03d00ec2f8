package discordfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// storableFlags are the message flags a bot may set when creating a
// message (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2);
// Discord ignores the others.
const storableFlags = 1<<2 | 1<<12 | 1<<15

// flagHasThread is HAS_THREAD, set on a message a thread was started from.
const flagHasThread = 1 << 5

// idLess compares snowflakes (decimal strings without leading zeros).
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (s *Server) hListMessages(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, 0); e != nil {
		return failed(e)
	}
	q := c.r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			var f formErrors
			f.add("NUMBER_TYPE_MAX", "int value should be between 1 and 100.", "limit")
			return failForm(&f)
		}
		limit = n
	}
	out := []*wireMessage{}
	if s.permissionsLocked(ch)&discordgo.PermissionReadMessageHistory == 0 {
		return ok(out)
	}
	msgs := ch.msgs // oldest first
	var sel []*msgState
	switch {
	case q.Get("around") != "":
		around := q.Get("around")
		idx := len(msgs)
		for i, m := range msgs {
			if !idLess(m.ID, around) {
				idx = i
				break
			}
		}
		lo := idx - limit/2
		if lo < 0 {
			lo = 0
		}
		hi := lo + limit
		if hi > len(msgs) {
			hi = len(msgs)
		}
		sel = msgs[lo:hi]
	case q.Get("after") != "":
		after := q.Get("after")
		for _, m := range msgs {
			if idLess(after, m.ID) {
				sel = append(sel, m)
				if len(sel) == limit {
					break
				}
			}
		}
	default:
		before := q.Get("before")
		for i := len(msgs) - 1; i >= 0 && len(sel) < limit; i-- {
			if before == "" || idLess(msgs[i].ID, before) {
				sel = append([]*msgState{msgs[i]}, sel...)
			}
		}
	}
	for i := len(sel) - 1; i >= 0; i-- {
		out = append(out, s.wireMessageLocked(sel[i], false))
	}
	return ok(out)
}

func (s *Server) findMessageLocked(ch *chanState, id string) *msgState {
	m, found := s.messages[id]
	if !found || m.ChannelID != ch.ID {
		return nil
	}
	return m
}

func (s *Server) hGetMessage(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, discordgo.PermissionReadMessageHistory); e != nil {
		return failed(e)
	}
	m := s.findMessageLocked(ch, c.p["message"])
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	return ok(s.wireMessageLocked(m, false))
}

// sendPermission is what posting into a channel needs.
func sendPermission(ch *chanState) int64 {
	if isThread(ch.Type) {
		return discordgo.PermissionSendMessagesInThreads
	}
	return discordgo.PermissionSendMessages
}

// hCreateMessage creates a message: checks the channel, permissions, body
// limits, the nonce memory and the thread's archive state, in that order.
func (s *Server) hCreateMessage(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	switch ch.Type {
	case discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return failCode(CodeCannotSendInForum)
	case discordgo.ChannelTypeGuildCategory, discordgo.ChannelTypeGuildDirectory:
		return failCode(CodeNonTextChannel)
	}
	if e := s.requirePermsLocked(ch, sendPermission(ch)); e != nil {
		return failed(e)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	in, e := decodeMessage(payload, files)
	if e != nil {
		return failed(e)
	}
	if e := validateMessage(&in, true); e != nil {
		return failed(e)
	}
	if ch.Type == discordgo.ChannelTypeDM && s.blockedDMs[ch.RecipientID] {
		return failCode(CodeCannotMessageUser)
	}
	if in.enforceNonce && in.nonce != "" {
		if m := s.nonceLookupLocked(ch.ID, in.nonce, c.now); m != nil {
			return ok(s.wireMessageLocked(m, true))
		}
	}
	if isThread(ch.Type) && ch.Archived {
		if ch.Locked || !s.autoUnarchive {
			return failCode(CodeThreadArchived)
		}
		ch.Archived = false
		ch.ArchiveTimestamp = c.now
	}
	stripped := len(in.embeds) > 0 && s.permissionsLocked(ch)&discordgo.PermissionEmbedLinks == 0
	m := s.storeMessageLocked(ch, &in, stripped, c.now, "")
	return ok(s.wireMessageLocked(m, true))
}

func (s *Server) nonceLookupLocked(channelID, nonce string, now time.Time) *msgState {
	e, found := s.nonces[channelID][nonce]
	if !found {
		return nil
	}
	if now.Sub(e.at) > s.nonceTTL {
		delete(s.nonces[channelID], nonce)
		return nil
	}
	return s.messages[e.msgID]
}

// storeMessageLocked stores a new message by the bot (id "" = new id).
func (s *Server) storeMessageLocked(ch *chanState, in *msgInput, stripped bool, now time.Time, id string) *msgState {
	if id == "" {
		id = s.nextIDLocked()
	}
	m := &msgState{
		Message: Message{
			ID: id, ChannelID: ch.ID, GuildID: ch.GuildID, Author: s.bot,
			Content: in.content, EmbedsStripped: stripped,
			Components: in.components, AllowedMentions: in.allowedMentions,
			Nonce: in.nonce, EnforceNonce: in.enforceNonce, Flags: in.flags & storableFlags,
			Attachments: in.attachments, Timestamp: now, Body: in.body,
		},
		nonceRaw: in.nonceRaw,
	}
	if !stripped {
		m.embedsJSON = marshalEmbeds(in.embeds)
	}
	ch.msgs = append(ch.msgs, m)
	ch.LastMessageID = id
	ch.MessageCount++
	s.messages[id] = m
	if in.nonce != "" {
		if s.nonces[ch.ID] == nil {
			s.nonces[ch.ID] = map[string]nonceEntry{}
		}
		s.nonces[ch.ID][in.nonce] = nonceEntry{msgID: id, at: now}
	}
	return m
}

// marshalEmbeds stores embeds as Discord returns them (type "rich" by
// default).
func marshalEmbeds(embeds []*discordgo.MessageEmbed) json.RawMessage {
	if len(embeds) == 0 {
		return nil
	}
	for _, e := range embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	b, _ := json.Marshal(embeds)
	return b
}

// applyEdit applies an edit body to a message: fields present replace the
// old ones. It fails if the result would be empty.
func applyEdit(m *msgState, in *msgInput, now time.Time) *apiError {
	if e := validateMessage(in, false); e != nil {
		return e
	}
	content, embeds, comps := m.Content, m.embedsJSON, m.Components
	if in.hasContent {
		content = in.content
	}
	if in.hasEmbeds {
		embeds = marshalEmbeds(in.embeds)
	}
	if in.hasComponents {
		comps = in.components
	}
	probe := msgInput{content: content, components: comps, attachments: m.Attachments}
	if len(embeds) > 0 {
		probe.embeds = []*discordgo.MessageEmbed{{}}
	}
	if e := validateMessage(&probe, true); e != nil {
		return e
	}
	m.Content, m.embedsJSON, m.Components = content, embeds, comps
	if in.allowedMentions != nil {
		m.AllowedMentions = in.allowedMentions
	}
	if in.hasFlags {
		m.Flags = m.Flags&^storableFlags | in.flags&storableFlags
	}
	m.EditedTimestamp = now
	return nil
}

func (s *Server) hEditMessage(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, 0); e != nil {
		return failed(e)
	}
	m := s.findMessageLocked(ch, c.p["message"])
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	if m.Author.ID != s.bot.ID {
		return failCode(CodeCannotEditOthers)
	}
	if isThread(ch.Type) && ch.Archived {
		return failCode(CodeThreadArchived)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	in, e := decodeMessage(payload, files)
	if e != nil {
		return failed(e)
	}
	if e := applyEdit(m, &in, c.now); e != nil {
		return failed(e)
	}
	return ok(s.wireMessageLocked(m, false))
}

func (s *Server) hDeleteMessage(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, 0); e != nil {
		return failed(e)
	}
	m := s.findMessageLocked(ch, c.p["message"])
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	if m.Author.ID != s.bot.ID && s.permissionsLocked(ch)&discordgo.PermissionManageMessages == 0 {
		return failCode(CodeMissingPermissions)
	}
	if isThread(ch.Type) && ch.Archived {
		return failCode(CodeThreadArchived)
	}
	for i, x := range ch.msgs {
		if x == m {
			ch.msgs = append(ch.msgs[:i:i], ch.msgs[i+1:]...)
			break
		}
	}
	delete(s.messages, m.ID)
	return reply{status: http.StatusNoContent}
}
