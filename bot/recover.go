package bot

import (
	"context"
	"fmt"
	"runtime/debug"
)

// PanicError is a panic recovered while handling a command: the command
// fails like any other unexpected error (logged, and the user reads
// "something went wrong") instead of taking the whole bot down with it.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// recovered runs f and turns a panic in it into a *PanicError.
func recovered(f func() (Reply, error)) (r Reply, err error) {
	defer func() {
		if v := recover(); v != nil {
			r, err = Reply{}, &PanicError{Value: v, Stack: string(debug.Stack())}
		}
	}()
	return f()
}

// handleRecovered is handle with panics recovered; the stack of a panic
// is logged here, the error by the caller.
func (c *Commands) handleRecovered(ctx context.Context, cmd Command) (Reply, error) {
	r, err := recovered(func() (Reply, error) { return c.handle(ctx, cmd) })
	if p, ok := err.(*PanicError); ok {
		c.Bot.log().Error("recovered from a panic", "command", cmd.Name+" "+cmd.Sub, "stack", p.Stack)
	}
	return r, err
}
