package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitUntil yields until cond holds; it fails the test only if cond never
// holds (a stuck gate), it measures nothing.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// admission is one acquire running in its own goroutine.
type admission struct {
	user    UserRef
	release func()
	err     error
	done    chan struct{}
}

func acquireAsync(ctx context.Context, g *gate, u UserRef, order chan<- *admission) *admission {
	a := &admission{user: u, done: make(chan struct{})}
	go func() {
		a.release, a.err = g.acquire(ctx, u)
		if order != nil && a.err == nil {
			order <- a
		}
		close(a.done)
	}()
	return a
}

// One user may take all places but one: another user's search starts at
// once, ahead of the first user's backlog. When the gate is full, the next
// free place goes to the user with the fewest searches running, not to the
// oldest waiter, and each user's backlog is served in order.
func TestGateAdmitsOtherUsersAheadOfABacklog(t *testing.T) {
	g := newGate(3, 16)
	a, b, c := UserRef{Platform: "slack", ID: "A"}, UserRef{Platform: "slack", ID: "B"}, UserRef{Platform: "slack", ID: "C"}
	ctx := context.Background()
	order := make(chan *admission, 16)
	var running []*admission
	var queued []*admission
	for i := range 7 {
		x := acquireAsync(ctx, g, a, order)
		if i < 2 {
			running = append(running, x)
			waitUntil(t, "A's first two admitted", func() bool { return g.load().Running == i+1 })
			<-order
			continue
		}
		queued = append(queued, x)
		waitUntil(t, "A's backlog queued", func() bool { return g.load().Waiting == i-1 })
	}
	if l := g.load(); l.Running != 2 || l.Waiting != 5 {
		t.Fatalf("A alone: %+v, want 2 running (one place kept for others), 5 waiting", l)
	}
	bs := acquireAsync(ctx, g, b, order)
	if first := <-order; first != bs {
		t.Fatalf("admitted: a search of %s, want B's", first.user.ID)
	}
	// Full now: C waits, and goes first when one of A's ends (A still has
	// one running, C none).
	cs := acquireAsync(ctx, g, c, order)
	waitUntil(t, "C waiting", func() bool { return g.load().Waiting == 6 })
	running[0].release()
	if first := <-order; first != cs {
		t.Fatalf("first admitted after a release: a search of %s, want C's", first.user.ID)
	}
	// One release at a time, each admission received before the next, so
	// the order seen is the order admitted.
	bs.release()
	cs.release()
	prev := running[1]
	for i, want := range queued {
		got := <-order
		if got != want {
			t.Fatalf("A's backlog admitted out of order at %d", i)
		}
		if l := g.load(); l.Running > 2 {
			t.Fatalf("%d of A's running, at most 2", l.Running)
		}
		prev.release()
		prev = got
	}
	prev.release()
	if l := g.load(); l.Running != 0 || l.Waiting != 0 || l.Users != 0 || l.Peak != 3 || l.Admitted != 9 {
		t.Fatalf("load at the end = %+v, want nothing running or kept, peak 3, 9 admitted", l)
	}
}

// A waiter whose context ends leaves the queue at once and is not admitted
// later; a user past perUser waiting searches is refused without waiting.
func TestGateCancelAndQueueBound(t *testing.T) {
	g := newGate(1, 2)
	u := UserRef{Platform: "discord", ID: "1"}
	hold, err := g.acquire(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w1 := acquireAsync(ctx, g, u, nil)
	w2 := acquireAsync(context.Background(), g, u, nil)
	waitUntil(t, "two waiting", func() bool { return g.load().Waiting == 2 })
	if _, err := g.acquire(context.Background(), u); !errors.Is(err, errQueueFull) {
		t.Fatalf("third waiting search: %v, want errQueueFull", err)
	}
	cancel()
	<-w1.done
	if !errors.Is(w1.err, context.Canceled) || w1.release != nil {
		t.Fatalf("cancelled waiter: %v", w1.err)
	}
	if l := g.load(); l.Waiting != 1 {
		t.Fatalf("waiting after cancel = %d, want 1", l.Waiting)
	}
	hold()
	hold() // a second call is a no-op
	<-w2.done
	if w2.err != nil {
		t.Fatal(w2.err)
	}
	if l := g.load(); l.Running != 1 {
		t.Fatalf("running = %d after the second release, want 1 (a release counted twice?)", l.Running)
	}
	w2.release()
	if l := g.load(); l.Running != 0 || l.Waiting != 0 || l.Users != 0 {
		t.Fatalf("load at the end = %+v", l)
	}
}

// Many users at once, some giving up: never more than the cap inside, nor
// more than cap-1 of one user's, and everything that got in got out.
func TestGateNeverPastTheCap(t *testing.T) {
	const n = 3
	g := newGate(n, 64)
	var inside, peak atomic.Int32
	var perUser [5]atomic.Int32
	var userPeak atomic.Int32
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i%7 == 0 {
				c, cancel := context.WithCancel(ctx)
				defer cancel()
				ctx = c
				go cancel()
			}
			release, err := g.acquire(ctx, UserRef{Platform: "p", ID: fmt.Sprint(i % 5)})
			if err != nil {
				return
			}
			raise(&userPeak, perUser[i%5].Add(1))
			defer perUser[i%5].Add(-1)
			raise(&peak, inside.Add(1))
			runtime.Gosched()
			inside.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > n {
		t.Fatalf("%d inside at once, cap %d", p, n)
	}
	if p := userPeak.Load(); p > n-1 {
		t.Fatalf("%d of one user's inside at once, want at most %d", p, n-1)
	}
	if l := g.load(); l.Running != 0 || l.Waiting != 0 || l.Users != 0 {
		t.Fatalf("load at the end = %+v", l)
	}
}

// raise sets m to v if v is more.
func raise(m *atomic.Int32, v int32) {
	for {
		p := m.Load()
		if v <= p || m.CompareAndSwap(p, v) {
			return
		}
	}
}
