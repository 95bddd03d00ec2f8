package discordfake

import (
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// SetToken makes the fake require "Authorization: Bot <token>". Without it
// any "Bot ..." authorization is accepted. A leading "Bot " in token is
// ignored.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = strings.TrimPrefix(token, "Bot ")
}

// SetBotUser sets the user returned by GET /users/@me, the author of the
// bot's messages and the member whose roles decide the bot's permissions.
func (s *Server) SetBotUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bot = User{ID: id, Username: name, Bot: true}
}

// BotUser returns the bot user.
func (s *Server) BotUser() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bot
}

// AddUser registers a user name (used for DM recipients).
func (s *Server) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = User{ID: id, Username: name}
}

// AddGuild adds or replaces a guild (roles and members decide permissions).
func (s *Server) AddGuild(g Guild) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := g
	cp.Roles = append([]Role(nil), g.Roles...)
	cp.Members = nil
	for _, m := range g.Members {
		m.Roles = append([]string(nil), m.Roles...)
		cp.Members = append(cp.Members, m)
		if m.Username != "" {
			s.users[m.UserID] = User{ID: m.UserID, Username: m.Username}
		}
	}
	s.guilds[g.ID] = &cp
}

// AddChannel adds a channel, or replaces an existing channel's settings
// while keeping its messages. Threads may be added too (Type 10, 11 or 12
// with ParentID).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.PermissionOverwrites = append([]discordgo.PermissionOverwrite(nil), c.PermissionOverwrites...)
	if isThread(c.Type) && c.AutoArchiveDuration == 0 {
		c.AutoArchiveDuration = 1440
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if old, ok := s.channels[c.ID]; ok {
		old.Channel = c
		return
	}
	s.channelSeq++
	s.channels[c.ID] = &chanState{Channel: c, seq: s.channelSeq}
}

// BlockDMs marks a user as not accepting DMs from the bot: the DM channel
// can still be opened but messages to it fail with 403, code 50007.
func (s *Server) BlockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blockedDMs[userID] = true
}

// UnblockDMs undoes BlockDMs.
func (s *Server) UnblockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blockedDMs, userID)
}

// ArchiveThread archives a thread, as Discord does after inactivity. It
// reports whether the thread exists.
func (s *Server) ArchiveThread(threadID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[threadID]
	if !ok || !isThread(c.Type) {
		return false
	}
	c.Archived = true
	c.ArchiveTimestamp = time.Now()
	return true
}

// SetAutoUnarchive chooses what a message posted into an archived, unlocked
// thread does: false (the default) answers 400 code 50083; true unarchives
// the thread and posts, as Discord's documentation describes.
func (s *Server) SetAutoUnarchive(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoUnarchive = on
}

// SetNonceTTL sets how long nonces are remembered (default 5 minutes).
func (s *Server) SetNonceTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonceTTL = d
}

// ForgetNonces drops the nonce memory, as Discord does after a few minutes:
// a repeated nonce then creates a new message.
func (s *Server) ForgetNonces() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonces = map[string]map[string]nonceEntry{}
}

// RegisterInteraction declares an interaction created at the given time.
// Its callback is refused with 404 code 10062 (Unknown interaction) if it
// arrives more than 3 seconds later. Unregistered interactions are always
// accepted.
func (s *Server) RegisterInteraction(id string, created time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registered[id] = created
}

// RegisterComponentMessage declares that the component interaction id
// came from a button on message messageID. As on Discord, a deferred
// update (callback type 6) or an update (type 7) answering it then makes
// that message @original: editing @original edits the message itself, in
// its channel, for everyone who sees it.
func (s *Server) RegisterComponentMessage(id, messageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.componentMsgs[id] = messageID
}
