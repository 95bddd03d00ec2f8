package discordfake

import (
	"encoding/json"
	"time"

	"github.com/bwmarrin/discordgo"
)

// JSON shapes of Discord's REST objects as the fake sends them.

type wireUser struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	Discriminator string  `json:"discriminator"`
	GlobalName    *string `json:"global_name"`
	Avatar        *string `json:"avatar"`
	Bot           bool    `json:"bot,omitempty"`
	PublicFlags   int     `json:"public_flags"`
	Flags         int     `json:"flags"`
}

type wireThreadMeta struct {
	Archived            bool   `json:"archived"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
	ArchiveTimestamp    string `json:"archive_timestamp"`
	Locked              bool   `json:"locked"`
	CreateTimestamp     string `json:"create_timestamp,omitempty"`
	Invitable           *bool  `json:"invitable,omitempty"`
}

type wireChannel struct {
	ID                   string                          `json:"id"`
	Type                 int                             `json:"type"`
	GuildID              string                          `json:"guild_id,omitempty"`
	Name                 string                          `json:"name,omitempty"`
	Topic                *string                         `json:"topic,omitempty"`
	ParentID             *string                         `json:"parent_id,omitempty"`
	LastMessageID        *string                         `json:"last_message_id"`
	PermissionOverwrites []discordgo.PermissionOverwrite `json:"permission_overwrites,omitempty"`
	OwnerID              string                          `json:"owner_id,omitempty"`
	ThreadMetadata       *wireThreadMeta                 `json:"thread_metadata,omitempty"`
	MessageCount         *int                            `json:"message_count,omitempty"`
	MemberCount          *int                            `json:"member_count,omitempty"`
	TotalMessageSent     *int                            `json:"total_message_sent,omitempty"`
	Recipients           []wireUser                      `json:"recipients,omitempty"`
	RateLimitPerUser     *int                            `json:"rate_limit_per_user,omitempty"`
	NSFW                 *bool                           `json:"nsfw,omitempty"`
	Flags                int                             `json:"flags"`
	Message              *wireMessage                    `json:"message,omitempty"`
}

type wireAttachment struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
}

type wireMessage struct {
	ID              string                    `json:"id"`
	Type            int                       `json:"type"`
	Content         string                    `json:"content"`
	ChannelID       string                    `json:"channel_id"`
	Author          wireUser                  `json:"author"`
	Attachments     []wireAttachment          `json:"attachments"`
	Embeds          []*discordgo.MessageEmbed `json:"embeds"`
	Mentions        []wireUser                `json:"mentions"`
	MentionRoles    []string                  `json:"mention_roles"`
	Pinned          bool                      `json:"pinned"`
	MentionEveryone bool                      `json:"mention_everyone"`
	TTS             bool                      `json:"tts"`
	Timestamp       string                    `json:"timestamp"`
	EditedTimestamp *string                   `json:"edited_timestamp"`
	Flags           int                       `json:"flags"`
	Components      json.RawMessage           `json:"components"`
	Nonce           json.RawMessage           `json:"nonce,omitempty"`
	WebhookID       string                    `json:"webhook_id,omitempty"`
	ApplicationID   string                    `json:"application_id,omitempty"`
	Position        *int                      `json:"position,omitempty"`
	Thread          *wireChannel              `json:"thread,omitempty"`
}

// isoTime formats a time like Discord: 2024-05-01T10:00:00.123000+00:00.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

func toWireUser(u User) wireUser {
	return wireUser{ID: u.ID, Username: u.Username, Discriminator: "0", Bot: u.Bot}
}

func intp(v int) *int { return &v }

func (s *Server) wireChannelLocked(c *chanState) *wireChannel {
	w := &wireChannel{ID: c.ID, Type: int(c.Type), GuildID: c.GuildID, Name: c.Name, Flags: 0}
	if c.LastMessageID != "" {
		id := c.LastMessageID
		w.LastMessageID = &id
	}
	switch {
	case c.Type == discordgo.ChannelTypeDM:
		u, ok := s.users[c.RecipientID]
		if !ok {
			u = User{ID: c.RecipientID, Username: "user" + c.RecipientID}
		}
		w.Name = ""
		w.Recipients = []wireUser{toWireUser(u)}
	case isThread(c.Type):
		parent := c.ParentID
		w.ParentID = &parent
		w.OwnerID = c.OwnerID
		w.MessageCount = intp(c.MessageCount)
		w.TotalMessageSent = intp(c.MessageCount)
		w.MemberCount = intp(1)
		w.RateLimitPerUser = intp(0)
		ts := c.ArchiveTimestamp
		if ts.IsZero() {
			ts = c.CreatedAt
		}
		w.ThreadMetadata = &wireThreadMeta{
			Archived:            c.Archived,
			AutoArchiveDuration: c.AutoArchiveDuration,
			ArchiveTimestamp:    isoTime(ts),
			Locked:              c.Locked,
			CreateTimestamp:     isoTime(c.CreatedAt),
		}
		if c.Type == discordgo.ChannelTypeGuildPrivateThread {
			inv := true
			w.ThreadMetadata.Invitable = &inv
		}
	default:
		if c.ParentID != "" {
			parent := c.ParentID
			w.ParentID = &parent
		}
		topic := c.Topic
		w.Topic = &topic
		w.PermissionOverwrites = append([]discordgo.PermissionOverwrite{}, c.PermissionOverwrites...)
		w.RateLimitPerUser = intp(0)
		nsfw := false
		w.NSFW = &nsfw
	}
	return w
}

// wireMessageLocked renders a message. withNonce adds the nonce, which
// Discord echoes only in the create response.
func (s *Server) wireMessageLocked(m *msgState, withNonce bool) *wireMessage {
	w := &wireMessage{
		ID:           m.ID,
		Type:         0,
		Content:      m.Content,
		ChannelID:    m.ChannelID,
		Author:       toWireUser(m.Author),
		Attachments:  []wireAttachment{},
		Embeds:       []*discordgo.MessageEmbed{},
		Mentions:     []wireUser{},
		MentionRoles: []string{},
		Timestamp:    isoTime(m.Timestamp),
		Flags:        m.Flags,
		Components:   json.RawMessage("[]"),
	}
	if len(m.embedsJSON) > 0 {
		_ = json.Unmarshal(m.embedsJSON, &w.Embeds)
	}
	if len(m.Components) > 0 {
		w.Components = m.Components
	}
	for i, a := range m.Attachments {
		w.Attachments = append(w.Attachments, wireAttachment{ID: m.ID + "-" + formatUint(uint64(i)), Filename: a})
	}
	if !m.EditedTimestamp.IsZero() {
		e := isoTime(m.EditedTimestamp)
		w.EditedTimestamp = &e
	}
	if withNonce && len(m.nonceRaw) > 0 {
		w.Nonce = m.nonceRaw
	}
	if m.appID != "" {
		w.ApplicationID = m.appID
		w.WebhookID = m.appID
	}
	if m.ThreadID != "" {
		if t, ok := s.channels[m.ThreadID]; ok {
			w.Thread = s.wireChannelLocked(t)
		}
	}
	if c, ok := s.channels[m.ChannelID]; ok && isThread(c.Type) {
		for i, x := range c.msgs {
			if x == m {
				w.Position = intp(i)
				break
			}
		}
	}
	return w
}
