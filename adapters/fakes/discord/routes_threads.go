package discordfake

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

type threadBody struct {
	Name                string          `json:"name"`
	AutoArchiveDuration int             `json:"auto_archive_duration"`
	Type                int             `json:"type"`
	Message             json.RawMessage `json:"message"`
}

func (b *threadBody) validate(f *formErrors) {
	validateThreadName(f, b.Name)
	if b.AutoArchiveDuration != 0 && !validAutoArchive(b.AutoArchiveDuration) {
		f.add("BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.", "auto_archive_duration")
	}
}

func (s *Server) newThreadLocked(id string, parent *chanState, typ discordgo.ChannelType, b *threadBody, starter string, now time.Time) *chanState {
	d := b.AutoArchiveDuration
	if d == 0 {
		d = 1440
	}
	s.channelSeq++
	t := &chanState{Channel: Channel{
		ID: id, GuildID: parent.GuildID, Type: typ, Name: b.Name, ParentID: parent.ID,
		OwnerID: s.bot.ID, AutoArchiveDuration: d, ArchiveTimestamp: now, CreatedAt: now,
		StarterMessageID: starter,
	}, seq: s.channelSeq}
	s.channels[id] = t
	return t
}

// hThreadFromMessage starts a public thread from a message. The thread gets
// the message's id, as on Discord; a second thread on the same message
// fails with 160004.
func (s *Server) hThreadFromMessage(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if ch.Type != discordgo.ChannelTypeGuildText && ch.Type != discordgo.ChannelTypeGuildNews {
		return failCode(CodeWrongChannelType)
	}
	if e := s.requirePermsLocked(ch, discordgo.PermissionCreatePublicThreads); e != nil {
		return failed(e)
	}
	m := s.findMessageLocked(ch, c.p["message"])
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	var b threadBody
	if e := decodeJSON(c.body, &b); e != nil {
		return failed(e)
	}
	var f formErrors
	b.validate(&f)
	if !f.empty() {
		return failForm(&f)
	}
	if m.ThreadID != "" {
		return failCode(CodeThreadAlreadyCreated)
	}
	typ := discordgo.ChannelTypeGuildPublicThread
	if ch.Type == discordgo.ChannelTypeGuildNews {
		typ = discordgo.ChannelTypeGuildNewsThread
	}
	t := s.newThreadLocked(m.ID, ch, typ, &b, m.ID, c.now)
	m.ThreadID = t.ID
	m.Flags |= flagHasThread
	return reply{status: http.StatusCreated, body: s.wireChannelLocked(t)}
}

// hStartThread creates a forum post (forum and media channels: a thread
// with a first message of the same id) or a thread without a starter
// message (text and announcement channels; the type defaults to 12,
// private, as in API v9).
func (s *Server) hStartThread(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	var b threadBody
	if e := decodeJSON(payload, &b); e != nil {
		return failed(e)
	}
	var f formErrors
	b.validate(&f)

	switch ch.Type {
	case discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		if e := s.requirePermsLocked(ch, discordgo.PermissionSendMessages); e != nil {
			return failed(e)
		}
		if isNull(b.Message) {
			f.required("message")
			return failForm(&f)
		}
		in, e := decodeMessage(b.Message, files)
		if e != nil {
			return failed(e)
		}
		if e := validateMessage(&in, true); e != nil {
			if len(e.Errors) > 0 {
				e.Errors = map[string]any{"message": e.Errors}
			}
			return failed(e)
		}
		if !f.empty() {
			return failForm(&f)
		}
		id := s.nextIDLocked()
		t := s.newThreadLocked(id, ch, discordgo.ChannelTypeGuildPublicThread, &b, id, c.now)
		stripped := len(in.embeds) > 0 && s.permissionsLocked(ch)&discordgo.PermissionEmbedLinks == 0
		m := s.storeMessageLocked(t, &in, stripped, c.now, id)
		ch.LastMessageID = id
		w := s.wireChannelLocked(t)
		w.Message = s.wireMessageLocked(m, false)
		return reply{status: http.StatusCreated, body: w}

	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews:
		typ := discordgo.ChannelType(b.Type)
		if b.Type == 0 {
			typ = discordgo.ChannelTypeGuildPrivateThread
		}
		allowed := typ == discordgo.ChannelTypeGuildPublicThread ||
			(typ == discordgo.ChannelTypeGuildPrivateThread && ch.Type == discordgo.ChannelTypeGuildText) ||
			(typ == discordgo.ChannelTypeGuildNewsThread && ch.Type == discordgo.ChannelTypeGuildNews)
		if !allowed {
			f.add("BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.", "type")
		}
		if typ == discordgo.ChannelTypeGuildPublicThread && ch.Type == discordgo.ChannelTypeGuildNews {
			typ = discordgo.ChannelTypeGuildNewsThread
		}
		if !f.empty() {
			return failForm(&f)
		}
		need := int64(discordgo.PermissionCreatePublicThreads)
		if typ == discordgo.ChannelTypeGuildPrivateThread {
			need = discordgo.PermissionCreatePrivateThreads
		}
		if e := s.requirePermsLocked(ch, need); e != nil {
			return failed(e)
		}
		t := s.newThreadLocked(s.nextIDLocked(), ch, typ, &b, "", c.now)
		return reply{status: http.StatusCreated, body: s.wireChannelLocked(t)}
	}
	return failCode(CodeWrongChannelType)
}

type threadList struct {
	Threads []*wireChannel `json:"threads"`
	Members []any          `json:"members"`
	HasMore *bool          `json:"has_more,omitempty"`
}

func (s *Server) threadsLocked(keep func(*chanState) bool) []*chanState {
	var out []*chanState
	for _, c := range s.channels {
		if isThread(c.Type) && keep(c) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// hActiveThreads lists the guild's unarchived threads.
func (s *Server) hActiveThreads(c *call) reply {
	g := c.p["guild"]
	out := threadList{Threads: []*wireChannel{}, Members: []any{}}
	for _, t := range s.threadsLocked(func(t *chanState) bool { return t.GuildID == g && !t.Archived }) {
		out.Threads = append(out.Threads, s.wireChannelLocked(t))
	}
	return ok(out)
}

// hArchivedThreads lists a channel's archived public threads, most
// recently archived first.
func (s *Server) hArchivedThreads(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, discordgo.PermissionReadMessageHistory); e != nil {
		return failed(e)
	}
	limit := 50
	if v := c.r.URL.Query().Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			limit = n
		}
	}
	var before time.Time
	if v := c.r.URL.Query().Get("before"); v != "" {
		before, _ = time.Parse(time.RFC3339, v)
	}
	ts := s.threadsLocked(func(t *chanState) bool {
		return t.ParentID == ch.ID && t.Archived && t.Type != discordgo.ChannelTypeGuildPrivateThread &&
			(before.IsZero() || t.ArchiveTimestamp.Before(before))
	})
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].ArchiveTimestamp.After(ts[j].ArchiveTimestamp) })
	more := len(ts) > limit
	if more {
		ts = ts[:limit]
	}
	out := threadList{Threads: []*wireChannel{}, Members: []any{}, HasMore: &more}
	for _, t := range ts {
		out.Threads = append(out.Threads, s.wireChannelLocked(t))
	}
	return ok(out)
}
