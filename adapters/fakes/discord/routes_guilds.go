package discordfake

import "strconv"

// Get Guild: https://discord.com/developers/docs/resources/guild#get-guild
// Get Guild Member: https://discord.com/developers/docs/resources/guild#get-guild-member
//
// Enough of a guild for a client to compute permissions (discordgo's
// Session.UserChannelPermissions without a gateway cache): the owner and
// the roles with their permission bits, and a member's roles. Only guilds
// added with AddGuild exist; a member must be in Guild.Members.

type wireRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
	Position    int    `json:"position"`
}

type wireGuild struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	OwnerID string     `json:"owner_id"`
	Roles   []wireRole `json:"roles"`
}

type wireMember struct {
	User  wireUser `json:"user"`
	Roles []string `json:"roles"`
}

func (s *Server) hGetGuild(c *call) reply {
	g, found := s.guilds[c.p["guild"]]
	if !found {
		return failCode(CodeUnknownGuild)
	}
	w := wireGuild{ID: g.ID, Name: g.Name, OwnerID: g.OwnerID, Roles: []wireRole{}}
	for i, r := range g.Roles {
		w.Roles = append(w.Roles, wireRole{ID: r.ID, Name: r.Name, Permissions: strconv.FormatInt(r.Permissions, 10), Position: i})
	}
	return ok(w)
}

func (s *Server) hGetMember(c *call) reply {
	g, found := s.guilds[c.p["guild"]]
	if !found {
		return failCode(CodeUnknownGuild)
	}
	for _, m := range g.Members {
		if m.UserID == c.p["user"] {
			u := User{ID: m.UserID, Username: m.Username}
			if m.UserID == s.bot.ID {
				u = s.bot
			}
			return ok(wireMember{User: toWireUser(u), Roles: append([]string{}, m.Roles...)})
		}
	}
	return failCode(CodeUnknownMember)
}
