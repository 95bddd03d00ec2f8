package discordfake

import (
	"github.com/bwmarrin/discordgo"
)

// ---- users and gateway ----

func (s *Server) hGetMe(c *call) reply {
	return ok(toWireUser(s.bot))
}

func (s *Server) hGetUser(c *call) reply {
	id := c.p["user"]
	if id == s.bot.ID {
		return ok(toWireUser(s.bot))
	}
	if u, found := s.users[id]; found {
		return ok(toWireUser(u))
	}
	return failCode(CodeUnknownUser)
}

// gatewayURL is where a gateway would be before StartGateway; nothing
// listens there.
const gatewayURL = "ws://127.0.0.1:1"

func (s *Server) hGateway(c *call) reply {
	return ok(map[string]any{"url": s.gatewayURLLocked()})
}

func (s *Server) hGatewayBot(c *call) reply {
	return ok(map[string]any{
		"url":    s.gatewayURLLocked(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

// hCreateDM opens (or returns) the DM channel with a user.
func (s *Server) hCreateDM(c *call) reply {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if e := decodeJSON(c.body, &body); e != nil {
		return failed(e)
	}
	if body.RecipientID == "" {
		var f formErrors
		f.required("recipient_id")
		return failForm(&f)
	}
	if id, found := s.dmByUser[body.RecipientID]; found {
		return ok(s.wireChannelLocked(s.channels[id]))
	}
	id := s.nextIDLocked()
	s.channelSeq++
	ch := &chanState{Channel: Channel{
		ID: id, Type: discordgo.ChannelTypeDM, RecipientID: body.RecipientID, CreatedAt: c.now,
	}, seq: s.channelSeq}
	s.channels[id] = ch
	s.dmByUser[body.RecipientID] = id
	return ok(s.wireChannelLocked(ch))
}

// ---- channels ----

func (s *Server) hGetChannel(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	if e := s.requirePermsLocked(ch, 0); e != nil {
		return failed(e)
	}
	return ok(s.wireChannelLocked(ch))
}

// hEditChannel edits a channel: name and topic of a channel (needs
// MANAGE_CHANNELS); name, archived, locked and auto_archive_duration of a
// thread. An archived thread accepts only edits that unarchive it.
func (s *Server) hEditChannel(c *call) reply {
	ch, found := s.channels[c.p["channel"]]
	if !found {
		return failCode(CodeUnknownChannel)
	}
	var body struct {
		Name                *string `json:"name"`
		Topic               *string `json:"topic"`
		Archived            *bool   `json:"archived"`
		Locked              *bool   `json:"locked"`
		AutoArchiveDuration *int    `json:"auto_archive_duration"`
	}
	if e := decodeJSON(c.body, &body); e != nil {
		return failed(e)
	}
	var f formErrors
	if body.Name != nil {
		validateThreadName(&f, *body.Name)
	}
	if body.AutoArchiveDuration != nil && *body.AutoArchiveDuration != 0 && !validAutoArchive(*body.AutoArchiveDuration) {
		f.add("BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.", "auto_archive_duration")
	}
	if !f.empty() {
		return failForm(&f)
	}
	perms := s.permissionsLocked(ch)
	if perms&discordgo.PermissionViewChannel == 0 {
		return failCode(CodeMissingAccess)
	}
	if !isThread(ch.Type) {
		if ch.Type == discordgo.ChannelTypeDM || perms&discordgo.PermissionManageChannels == 0 {
			return failCode(CodeMissingPermissions)
		}
		if body.Name != nil {
			ch.Name = *body.Name
		}
		if body.Topic != nil {
			ch.Topic = *body.Topic
		}
		return ok(s.wireChannelLocked(ch))
	}

	unarchiving := body.Archived != nil && !*body.Archived
	if ch.Archived && !unarchiving {
		return failCode(CodeThreadArchived)
	}
	owner := ch.OwnerID == s.bot.ID
	needManage := body.Locked != nil ||
		(body.Name != nil && !owner) ||
		(body.Archived != nil && *body.Archived && !owner) ||
		(unarchiving && ch.Archived && ch.Locked)
	if needManage && perms&discordgo.PermissionManageThreads == 0 {
		return failCode(CodeMissingPermissions)
	}
	if unarchiving && ch.Archived && perms&discordgo.PermissionSendMessagesInThreads == 0 {
		return failCode(CodeMissingPermissions)
	}
	if body.Name != nil {
		ch.Name = *body.Name
	}
	if body.Locked != nil {
		ch.Locked = *body.Locked
	}
	if body.AutoArchiveDuration != nil && *body.AutoArchiveDuration != 0 {
		ch.AutoArchiveDuration = *body.AutoArchiveDuration
	}
	if body.Archived != nil && *body.Archived != ch.Archived {
		ch.Archived = *body.Archived
		ch.ArchiveTimestamp = c.now
	}
	return ok(s.wireChannelLocked(ch))
}
