package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Platform is where messages go: the console, Discord, Slack.
//
// Every message carries the key of its delivery-log row. The bot claims the
// row before Send and confirms it, with the returned Sent, after. When an
// earlier attempt was claimed but never confirmed (a crash, a timeout after
// the request went out), the bot calls Find before sending again.
type Platform interface {
	// Name is the platform's name as used in channel references.
	Name() string
	// Send posts m. For a header message it returns the header message's id
	// and the thread the items go into; for an item, the item's id.
	// An error wrapped in *StopError means the channel cannot be posted to
	// until someone fixes it; any other error may be retried.
	Send(ctx context.Context, m *Message) (Sent, error)
	// Find looks for a message carrying m.Key that an earlier attempt may
	// have posted (in m.Thread for an item, in the channel for a header).
	// It returns found=false when there is none or the platform cannot
	// tell (the console).
	Find(ctx context.Context, m *Message) (s Sent, found bool, err error)
}

// Sent is where a message went on its platform.
type Sent struct {
	MessageID string
	ThreadID  string // for a header: the thread its items go into
}

// Message is one message of a digest thread.
type Message struct {
	Key     string
	Channel Channel
	Digest  *Digest
	Item    *Item // nil for the header
	// Thread is the header's Sent, for items.
	Thread Sent
	// Resumed is true when the header was posted by an earlier run: the
	// platform cannot rely on anything it remembers in memory.
	Resumed bool
}

// IsHeader reports whether m is the digest's header message.
func (m *Message) IsHeader() bool { return m.Item == nil }

// StopError says that a channel cannot be posted to until someone acts: the
// bot lost a permission, the channel was deleted or archived. The bot
// records Reason (status shows it) and stops posting there.
type StopError struct {
	Reason string
	Err    error
}

func (e *StopError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return fmt.Sprintf("%s: %v", e.Reason, e.Err)
}

func (e *StopError) Unwrap() error { return e.Err }

// IsStop reports whether err means the channel must stop.
func IsStop(err error) (*StopError, bool) {
	var s *StopError
	ok := errors.As(err, &s)
	return s, ok
}

// PlatformState is what the daemon last saw of a platform's connection,
// kept in the database so that `paperboy status` can show it.
type PlatformState struct {
	Platform  string
	Connected bool
	// Reason says what the state is: "gateway connected", "Socket Mode:
	// invalid_auth (retrying)", "the daemon stopped".
	Reason string
	Since  time.Time // when it entered this state
}

// Describe is the state in a few words: "connected since 2026-12-07 15:02
// UTC (gateway connected)".
func (s PlatformState) Describe() string {
	word := "connected"
	if !s.Connected {
		word = "not connected"
	}
	out := word + " since " + s.Since.UTC().Format("2006-01-02 15:04 UTC")
	if s.Reason != "" {
		out += " (" + s.Reason + ")"
	}
	return out
}
