package bot

import (
	"context"
	"errors"
	"sync"
)

// gate admits at most n searches at once, process-wide, and at most n-1 of
// one user's (when n > 1), so that a place is always left for someone
// else: another user's search starts at once even while one user's
// backlog fills the queue. The others wait in a queue per user; a place
// that frees goes to the waiting user with the fewest searches running
// (the one waiting longest among equals). A user may have at most perUser
// searches waiting; past that acquire refuses at once, so a flood never
// holds an unbounded number of goroutines.
type gate struct {
	n, perUser int
	userMax    int // searches one user may run at once

	mu       sync.Mutex
	running  int
	waiting  int
	peak     int
	admitted uint64
	seq      uint64
	users    map[UserRef]*gateUser // users with a search running or waiting
}

type gateUser struct {
	running int
	queue   []*gateWaiter
}

type gateWaiter struct {
	seq      uint64
	ready    chan struct{}
	admitted bool // set under the gate's lock when ready is closed
}

// errQueueFull is acquire's refusal when the user already has perUser
// searches waiting.
var errQueueFull = errors.New("too many searches waiting")

func newGate(n, perUser int) *gate {
	return &gate{n: n, perUser: perUser, userMax: max(1, n-1), users: map[UserRef]*gateUser{}}
}

// acquire waits for a place for one of user's searches, until ctx ends.
// The returned release gives the place back; call it exactly once.
func (g *gate) acquire(ctx context.Context, user UserRef) (release func(), err error) {
	g.mu.Lock()
	u := g.users[user]
	if u == nil {
		u = &gateUser{}
		g.users[user] = u
	}
	// After every change the gate admits what it can (dispatch), so a free
	// place here means every waiter's user is at userMax: a user under it
	// goes ahead.
	if g.running < g.n && u.running < g.userMax {
		g.start(u)
		g.mu.Unlock()
		return g.releaser(user), nil
	}
	if len(u.queue) >= g.perUser {
		g.forget(user, u)
		g.mu.Unlock()
		return nil, errQueueFull
	}
	g.seq++
	w := &gateWaiter{seq: g.seq, ready: make(chan struct{})}
	u.queue = append(u.queue, w)
	g.waiting++
	g.mu.Unlock()

	select {
	case <-w.ready:
		return g.releaser(user), nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	if w.admitted {
		// Admitted as ctx ended: pass the place on.
		g.mu.Unlock()
		g.releaser(user)()
		return nil, ctx.Err()
	}
	for i, x := range u.queue {
		if x == w {
			u.queue = append(u.queue[:i], u.queue[i+1:]...)
			break
		}
	}
	g.waiting--
	g.forget(user, u)
	g.mu.Unlock()
	return nil, ctx.Err()
}

// start counts one more running search of u. Under g.mu.
func (g *gate) start(u *gateUser) {
	u.running++
	g.running++
	g.admitted++
	g.peak = max(g.peak, g.running)
}

// forget drops u when it has nothing running or waiting. Under g.mu.
func (g *gate) forget(user UserRef, u *gateUser) {
	if u.running == 0 && len(u.queue) == 0 {
		delete(g.users, user)
	}
}

func (g *gate) releaser(user UserRef) func() {
	var once sync.Once
	return func() { once.Do(func() { g.release(user) }) }
}

// release ends one of user's searches and admits the next waiter.
func (g *gate) release(user UserRef) {
	g.mu.Lock()
	defer g.mu.Unlock()
	u := g.users[user]
	u.running--
	g.running--
	g.forget(user, u)
	g.dispatch()
}

// dispatch admits waiters while there are free places: each time the
// first waiter of the user with the fewest running, among the users under
// userMax. Under g.mu.
func (g *gate) dispatch() {
	for g.waiting > 0 && g.running < g.n {
		var next *gateUser
		for _, c := range g.users {
			if len(c.queue) == 0 || c.running >= g.userMax {
				continue
			}
			if next == nil || c.running < next.running || c.running == next.running && c.queue[0].seq < next.queue[0].seq {
				next = c
			}
		}
		if next == nil {
			return
		}
		w := next.queue[0]
		next.queue = next.queue[1:]
		g.waiting--
		g.start(next)
		w.admitted = true
		close(w.ready)
	}
}

// GateLoad is what the search gate is doing.
type GateLoad struct {
	Running, Waiting int
	// Peak is the most searches that ran at once; Admitted how many were
	// let through in all.
	Peak     int
	Admitted uint64
	// Users is how many users have a search running or waiting.
	Users int
}

func (g *gate) load() GateLoad {
	g.mu.Lock()
	defer g.mu.Unlock()
	return GateLoad{Running: g.running, Waiting: g.waiting, Peak: g.peak, Admitted: g.admitted, Users: len(g.users)}
}
