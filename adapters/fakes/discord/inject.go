package discordfake

import (
	"errors"
	"time"
)

// AddMessage stores a message by another user in a channel, thread or DM
// channel without going through the API or its checks, e.g. people talking
// in a channel the bot posts to, so that the bot's own messages are no
// longer among the most recent. authorID must be a user added with AddUser
// or a guild member; it returns the message's id.
func (s *Server) AddMessage(channelID, authorID, content string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[channelID]
	if !ok {
		return "", errors.New("discordfake: no channel " + channelID)
	}
	author, ok := s.users[authorID]
	if !ok {
		return "", errors.New("discordfake: no user " + authorID)
	}
	if content == "" {
		return "", errors.New("discordfake: empty message")
	}
	id := s.nextIDLocked()
	m := &msgState{Message: Message{ID: id, ChannelID: ch.ID, GuildID: ch.GuildID, Author: author, Content: content,
		Timestamp: time.Now()}}
	ch.msgs = append(ch.msgs, m)
	ch.LastMessageID = id
	ch.MessageCount++
	s.messages[id] = m
	return id, nil
}
