package discord

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultShutdownGrace is how long Close lets running commands finish
// before it cancels them.
const DefaultShutdownGrace = 10 * time.Second

// restartingText answers an interaction that arrives while paperboy shuts
// down, and a command cancelled by the shutdown.
const restartingText = "paperboy is restarting, try again in a minute."

// Lifetime states.
const (
	lifeOpen     = iota // commands are taken
	lifeDraining        // new interactions are told restartingText; running ones finish
	lifeClosed          // every handler has returned; interactions are dropped
)

// lifetime tracks the interaction handlers: their base context (from
// Open's, cancelled only by Shutdown) and how many run.
type lifetime struct {
	mu      sync.Mutex
	state   int
	running int
	idle    chan struct{} // closed when running drops to 0 (made by Shutdown)
	base    context.Context
	cancel  context.CancelFunc
	// stopping is closed when Shutdown begins.
	stopping chan struct{}
	// told counts the commands Shutdown cut short whose users were told.
	told atomic.Int32
}

func newLifetime() *lifetime {
	l := &lifetime{stopping: make(chan struct{})}
	l.base, l.cancel = context.WithCancel(context.Background())
	return l
}

// setBase makes handlers start from ctx's values; ctx's own end does not
// cancel them (Shutdown does, after its grace).
func (l *lifetime) setBase(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == lifeOpen && l.running == 0 {
		l.cancel()
		l.base, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
}

// begin registers a handler. It returns the state it starts in and, unless
// that is lifeClosed, the function the handler calls when it returns.
func (l *lifetime) begin() (end func(), state int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == lifeClosed {
		return nil, lifeClosed
	}
	l.running++
	return l.end, l.state
}

func (l *lifetime) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running--
	if l.running == 0 && l.idle != nil {
		close(l.idle)
		l.idle = nil
	}
}

// context returns the handlers' base context.
func (l *lifetime) context() context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base
}

// cut reports whether Shutdown cancelled the running handlers.
func (l *lifetime) cut() bool { return l.context().Err() != nil }

// waitIdle waits until no handler runs or ctx ends, and reports whether
// none runs; with closing, the state becomes lifeClosed in the same step.
func (l *lifetime) waitIdle(ctx context.Context, closing bool) bool {
	for {
		l.mu.Lock()
		if l.running == 0 {
			if closing {
				l.state = lifeClosed
			}
			l.mu.Unlock()
			return true
		}
		if l.idle == nil {
			l.idle = make(chan struct{})
		}
		idle := l.idle
		l.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return false
		}
	}
}

// Shutdown stops taking interactions (from now on each is answered,
// ephemerally, "paperboy is restarting, try again in a minute."), lets the
// running commands finish until ctx ends, then cancels the rest (their
// users are told the same through the interaction's reply) and returns
// once every handler has returned: after it, nothing of the adapter uses
// the store. It returns how many commands it cut short. Calling it again
// returns 0 at once.
func (d *Discord) Shutdown(ctx context.Context) (cancelled int) {
	l := d.life
	l.mu.Lock()
	if l.state != lifeOpen {
		l.mu.Unlock()
		l.waitIdle(context.Background(), true)
		return 0
	}
	l.state = lifeDraining
	close(l.stopping)
	l.mu.Unlock()
	cut := !l.waitIdle(ctx, false)
	if cut {
		l.mu.Lock()
		running := l.running
		l.mu.Unlock()
		d.log.Warn("discord: shutting down; cancelling the commands still running", "handlers", running)
		l.cancel()
	}
	// A handler cancelled above still tells its user; new interactions
	// meanwhile are refused quickly. Both are bounded by their own
	// request timeouts.
	l.waitIdle(context.Background(), true)
	l.cancel()
	if !cut {
		return 0
	}
	n := int(l.told.Load())
	d.log.Info("discord: commands cut short by the shutdown; their users were told to try again", "commands", n)
	return n
}
