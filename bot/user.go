package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// UserRef names a chat user: a Discord user id, or a Slack team and user id.
type UserRef struct {
	Platform string
	TeamID   string // Slack workspace; empty on Discord (user ids are global)
	ID       string
}

func (u UserRef) String() string {
	if u.TeamID == "" {
		return u.Platform + ":" + u.ID
	}
	return u.Platform + ":" + u.TeamID + ":" + u.ID
}

// User is what the bot keeps about a chat user.
type User struct {
	Ref         UserRef
	DMChannelID string // cached direct-message channel
	// PausedReason is why the user's alerts are paused (empty: not paused).
	PausedReason string
	// Notice is shown to the user the next time they use a command.
	Notice string
	// Mode is how the user's topic alerts arrive.
	Mode AlertMode
}

// UserStore keeps chat users.
type UserStore interface {
	// GetUser returns a user, or ErrNotFound.
	GetUser(ctx context.Context, u UserRef) (User, error)
	// SetDMChannel caches the user's direct-message channel.
	SetDMChannel(ctx context.Context, u UserRef, channelID string, now time.Time) error
	// PauseAlerts pauses the user's alerts with a reason and leaves a notice
	// for the next time they use a command.
	PauseAlerts(ctx context.Context, u UserRef, reason, notice string, now time.Time) error
	// TakeNotice returns the user's pending notice and clears it ("" when
	// there is none).
	TakeNotice(ctx context.Context, u UserRef, now time.Time) (string, error)
}

// DirectMessage is a message to one user.
type DirectMessage struct {
	Key   string // delivery-log key, for idempotency
	Reply Reply
}

// DirectMessenger is a Platform that can send direct messages.
type DirectMessenger interface {
	// SendDM sends m to the user, opening (or reusing cachedChannel) the
	// direct-message channel, and returns where it went. An error wrapping
	// ErrDMsClosed means the user does not accept direct messages from the
	// bot.
	SendDM(ctx context.Context, u UserRef, cachedChannel string, m *DirectMessage) (Sent, error)
}

// ErrDMsClosed means a user does not accept direct messages from the bot.
var ErrDMsClosed = errors.New("the user does not accept direct messages from the bot")

// SendDM sends a direct message through the user's platform, caching the
// DM channel. When the user does not accept direct messages, their alerts
// are paused with that reason and they are told the next time they use a
// command.
func (b *Bot) SendDM(ctx context.Context, u UserRef, m *DirectMessage) (Sent, error) {
	p, ok := b.Platforms[u.Platform].(DirectMessenger)
	if !ok {
		return Sent{}, fmt.Errorf("dm %s: the %s platform cannot send direct messages", u, u.Platform)
	}
	cached := ""
	if usr, err := b.Store.GetUser(ctx, u); err == nil {
		cached = usr.DMChannelID
	} else if !errors.Is(err, ErrNotFound) {
		return Sent{}, fmt.Errorf("dm %s: %w", u, err)
	}
	s, err := p.SendDM(ctx, u, cached, m)
	wctx := context.WithoutCancel(ctx)
	if errors.Is(err, ErrDMsClosed) {
		reason := "direct messages from paperboy are blocked"
		notice := "Your topic alerts are paused: paperboy could not send you a direct message. " +
			"Allow direct messages from server members (or from this app), then use /papers resume."
		if perr := b.Store.PauseAlerts(wctx, u, reason, notice, b.now()); perr != nil {
			err = errors.Join(err, perr)
		}
		b.log().Info("alerts paused: user does not accept direct messages", "platform", u.Platform, "user", u.ID)
		return Sent{}, fmt.Errorf("dm %s: %w", u, err)
	}
	if err != nil {
		return Sent{}, fmt.Errorf("dm %s: %w", u, err)
	}
	b.metrics().DMSent(u.Platform)
	if s.ThreadID != "" && s.ThreadID != cached {
		if err := b.Store.SetDMChannel(wctx, u, s.ThreadID, b.now()); err != nil {
			return s, fmt.Errorf("dm %s: %w", u, err)
		}
	}
	return s, nil
}
