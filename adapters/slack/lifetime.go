package slack

import (
	"context"
	"sync"
	"time"
)

// restartingText is the answer to a command that arrives once Shutdown has
// begun, or whose handler Shutdown had to cancel.
const restartingText = "paperboy is restarting, try again in a minute."

// tellTimeout bounds the "restarting" answer of a cancelled or refused
// command (it no longer has the handler's context).
const tellTimeout = 5 * time.Second

// answerTimeout bounds the answer of a command that has finished: it is
// sent even when Shutdown cancels the handlers while it is on its way.
const answerTimeout = 30 * time.Second

// lifetime ties the command handlers to the daemon: each runs under a
// context derived from the adapter's base context and is counted, so that
// Shutdown can stop new ones, wait for the running ones and cancel the
// rest.
type lifetime struct {
	base   context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	closing  bool
	running  int
	drained  chan struct{} // closed when closing and running is 0
	drainOne sync.Once
}

func newLifetime(parent context.Context) *lifetime {
	if parent == nil {
		parent = context.Background()
	}
	base, cancel := context.WithCancel(parent)
	return &lifetime{base: base, cancel: cancel, drained: make(chan struct{})}
}

// enter counts a handler in and reports whether it may run: false once
// Shutdown has begun (the caller then only tells the user to try again).
// Either way the caller must call leave when it is done, so that even the
// "restarting" answers are posted before Shutdown returns.
func (l *lifetime) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running++
	return !l.closing
}

func (l *lifetime) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running--
	if l.closing && l.running == 0 {
		l.drainOne.Do(func() { close(l.drained) })
	}
}

// Shutdown stops taking commands: one that arrives from now on is answered
// "paperboy is restarting, try again in a minute" through its response_url
// (or chat.postEphemeral). Running handlers may finish until ctx ends; then
// the rest are cancelled and their users get the same answer. Shutdown
// returns when every handler has returned (so the caller may close the
// store), with ctx's error if it had to cancel any. It also logs the
// rejected-request count not yet logged (HTTP mode). Calling it again
// waits again.
func (s *Slack) Shutdown(ctx context.Context) error {
	l := s.life
	l.mu.Lock()
	l.closing = true
	if l.running == 0 {
		l.drainOne.Do(func() { close(l.drained) })
	}
	l.mu.Unlock()
	defer s.rejects.flush(s.log)

	select {
	case <-l.drained:
		l.cancel()
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	n := l.running
	l.mu.Unlock()
	s.log.Warn("slack: cancelling the commands still running at shutdown; their users are told to try again", "running", n)
	l.cancel()
	<-l.drained
	return ctx.Err()
}

// handlerContext returns a handler's context: the base context with a
// deadline.
func (s *Slack) handlerContext(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.life.base, d)
}

// cancelledByShutdown reports whether a handler's context ended because
// Shutdown cancelled the base context.
func (s *Slack) cancelledByShutdown(ctx context.Context) bool {
	return ctx.Err() != nil && s.life.base.Err() != nil
}

// tellContext is the context of a "restarting" answer: not cancelled by
// the shutdown, bounded by tellTimeout.
func tellContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), tellTimeout)
}

// answerContext is the context of a finished command's answer: not
// cancelled by the shutdown, bounded by answerTimeout.
func answerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
}
