package discord

// Which Discord servers may use the bot (discord.allowed_guilds). Discord
// lets anyone with the client id add a "Public Bot" to their own server;
// without this list, such a server could create digest channels in the
// operator's database and subscribe its members to alerts, on the
// operator's host and rate limits.

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// notEnabledText answers an interaction from a server (or a direct
// message from a user) the bot is not enabled for.
const notEnabledText = "This bot is not enabled here."

// OpenGuildsWarning is logged at start when every server is accepted.
const OpenGuildsWarning = "every Discord server that adds the bot can use it; set discord.allowed_guilds"

// How long a direct message's sender is remembered as a member (or not)
// of an allowed server, and how many senders are remembered.
const (
	memberCacheTTL  = 10 * time.Minute
	memberCacheSize = 10000
	memberLookup    = 1500 * time.Millisecond // the refusal must still meet Discord's 3 s
)

// guildGate decides whether an interaction's server is allowed.
type guildGate struct {
	allowed map[string]bool // nil: every server

	mu      sync.Mutex
	members map[string]memberEntry // user id → result of the lookup
}

type memberEntry struct {
	ok      bool
	expires time.Time
}

// newGuildGate validates the allowed ids; none allows every server.
func newGuildGate(ids []string) (*guildGate, error) {
	g := &guildGate{members: map[string]memberEntry{}}
	for i, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return nil, fmt.Errorf("discord: allowed_guilds[%d]: %q is not a Discord id (a number)", i, id)
		}
		if g.allowed == nil {
			g.allowed = map[string]bool{}
		}
		g.allowed[id] = true
	}
	return g, nil
}

// open reports whether every server is accepted.
func (g *guildGate) open() bool { return g.allowed == nil }

// allowed reports whether the interaction may run. In a server, its id
// must be listed. A direct message (no guild) runs only for a member of a
// listed server, looked up once per memberCacheTTL: paperboy's /papers
// works in DMs, and without this a user of any other server could use it
// there. A failed lookup refuses (and is not remembered).
func (d *Discord) guildAllowed(i *discordgo.Interaction) bool {
	g := d.guilds
	if g.open() {
		return true
	}
	if i.GuildID != "" {
		return g.allowed[i.GuildID]
	}
	if i.User == nil || i.User.ID == "" {
		return false
	}
	user := i.User.ID
	now := time.Now()
	g.mu.Lock()
	e, ok := g.members[user]
	g.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.ok
	}
	member, sure := false, true
	for id := range g.allowed {
		ctx, cancel := context.WithTimeout(d.life.context(), memberLookup)
		_, err := d.s.GuildMember(id, user, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		cancel()
		if err == nil {
			member = true
			break
		}
		if code := restCode(err); code != codeUnknownMember && code != codeUnknownUser {
			sure = false
			d.log.Warn("discord: could not check a direct message's sender against discord.allowed_guilds",
				"route", failedRoute(routeGetMember, err).String(), "error", cause(err))
		}
	}
	if member || sure {
		g.mu.Lock()
		if len(g.members) >= memberCacheSize {
			clear(g.members)
		}
		g.members[user] = memberEntry{ok: member, expires: now.Add(memberCacheTTL)}
		g.mu.Unlock()
	}
	return member
}

// Discord's codes for a user who is not a member, or not a user.
const (
	codeUnknownMember = 10007
	codeUnknownUser   = 10013
)
