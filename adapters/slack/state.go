package slack

import (
	"time"
)

// Modes of receiving commands, as State and the log lines name them.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// connState is how commands reach paperboy: connected (Socket Mode) or
// serving (HTTP mode), or not and why.
type connState struct {
	known     bool
	connected bool
	reason    string
	since     time.Time
	ups       int // how often it came up
}

// setState records the state of the command connection and logs a change
// of it once (not once per attempt): an INFO line when it comes up, a WARN
// line with the reason when it goes down.
func (s *Slack) setState(mode string, connected bool, reason string) {
	s.mu.Lock()
	st := &s.state
	changed := !st.known || st.connected != connected
	st.reason = reason
	if changed {
		st.known, st.connected, st.since = true, connected, s.opts.Now()
		if connected {
			st.ups++
		}
	}
	s.mu.Unlock()
	switch {
	case !changed || reason == "stopped":
	case connected:
		s.log.Info("slack: receiving commands", "mode", mode)
	default:
		s.log.Warn("slack: not receiving commands; retrying with backoff (logged again when this changes)", "mode", mode, "reason", reason)
	}
}

// ups is how often the connection came up so far.
func (s *Slack) ups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.ups
}

// State says whether slash commands are being received (Socket Mode
// connected, or the HTTP server serving) and, when not, why; since is when
// that last changed (zero before RunSocketMode or RunHTTP started).
func (s *Slack) State() (connected bool, reason string, since time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.state.known {
		return false, "not started", time.Time{}
	}
	return s.state.connected, s.state.reason, s.state.since
}
