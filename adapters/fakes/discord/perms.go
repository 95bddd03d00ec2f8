package discordfake

import (
	"github.com/bwmarrin/discordgo"
)

// allPermissions has every permission bit set.
const allPermissions = int64(^uint64(0) >> 1)

// permissionsLocked computes the bot's permissions in a channel the way
// Discord does: @everyone and the member's roles, ADMINISTRATOR and guild
// ownership grant everything, then the channel's @everyone, role and member
// overwrites apply in that order. Threads use their parent's overwrites.
// DMs and channels of guilds the fake does not know grant everything.
func (s *Server) permissionsLocked(c *chanState) int64 {
	if c.Type == discordgo.ChannelTypeDM || c.Type == discordgo.ChannelTypeGroupDM {
		return allPermissions
	}
	g, ok := s.guilds[c.GuildID]
	if !ok {
		return allPermissions
	}
	botID := s.bot.ID
	if g.OwnerID == botID {
		return allPermissions
	}
	var member *Member
	for i := range g.Members {
		if g.Members[i].UserID == botID {
			member = &g.Members[i]
			break
		}
	}
	if member == nil {
		return 0
	}
	hasRole := map[string]bool{}
	for _, r := range member.Roles {
		hasRole[r] = true
	}
	var base int64
	for _, r := range g.Roles {
		if r.ID == g.ID || hasRole[r.ID] {
			base |= r.Permissions
		}
	}
	if base&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}

	overwrites := c.PermissionOverwrites
	if isThread(c.Type) {
		if p, ok := s.channels[c.ParentID]; ok {
			overwrites = p.PermissionOverwrites
		}
	}
	perms := base
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID == g.ID {
			perms &^= o.Deny
			perms |= o.Allow
		}
	}
	var allow, deny int64
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID != g.ID && hasRole[o.ID] {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms &^= deny
	perms |= allow
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == botID {
			perms &^= o.Deny
			perms |= o.Allow
		}
	}
	// Without VIEW_CHANNEL nothing else applies; without SEND_MESSAGES the
	// permissions that only make sense when sending are implicitly denied.
	if perms&discordgo.PermissionViewChannel == 0 {
		return 0
	}
	if perms&discordgo.PermissionSendMessages == 0 && !isThread(c.Type) {
		perms &^= discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles | discordgo.PermissionMentionEveryone
	}
	return perms
}

// requirePermsLocked answers 50001 Missing Access without VIEW_CHANNEL and
// 50013 Missing Permissions without any of need.
func (s *Server) requirePermsLocked(c *chanState, need int64) *apiError {
	p := s.permissionsLocked(c)
	if p&discordgo.PermissionViewChannel == 0 {
		return codeErr(CodeMissingAccess)
	}
	if p&need != need {
		return codeErr(CodeMissingPermissions)
	}
	return nil
}
