package slack

import (
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why a request was rejected (the reasons the rejections are counted and
// logged by; all but RejectTeam are HTTP mode's).
const (
	RejectSignature = "bad signature"   // unsigned, wrongly signed or too old
	RejectReplay    = "replay"          // a signature seen before
	RejectBody      = "unreadable body" // cut off or too slow (ReadTimeout)
	RejectTooBig    = "too big"         // a body over 64 KiB
	RejectMethod    = "wrong method"    // not a POST
	RejectPath      = "unknown path"    // not /slack/commands or /slack/interactivity
	RejectPayload   = "bad payload"     // signed, but not a form or payload paperboy reads
	RejectTeam      = "other workspace" // signed, from a workspace paperboy is not installed in
)

// rejectInterval is how often at most rejected requests are logged.
const rejectInterval = time.Minute

// rejects counts the requests HTTP mode refuses and logs them at most once
// a minute, with the counts, so that unauthenticated requests cannot flood
// the log.
type rejects struct {
	now func() time.Time

	mu      sync.Mutex
	total   map[string]int64 // since start
	pending map[string]int64 // since the last log line
	last    time.Time        // the last log line; zero before the first
}

func newRejects(now func() time.Time) *rejects {
	return &rejects{now: now, total: map[string]int64{}, pending: map[string]int64{}}
}

// add counts one rejection and logs the pending counts when the last line
// is a minute old or more (the first rejection is logged at once).
func (r *rejects) add(log *slog.Logger, reason string) {
	r.mu.Lock()
	r.total[reason]++
	r.pending[reason]++
	r.mu.Unlock()
	r.maybeLog(log, false)
}

// flush logs the pending counts if there are any, whatever the time
// (Shutdown).
func (r *rejects) flush(log *slog.Logger) { r.maybeLog(log, true) }

// tick logs the pending counts if a minute has passed (on every accepted
// request, so that counts never wait for the next rejection for long).
func (r *rejects) tick(log *slog.Logger) { r.maybeLog(log, false) }

func (r *rejects) maybeLog(log *slog.Logger, force bool) {
	r.mu.Lock()
	now := r.now()
	if len(r.pending) == 0 || (!force && !r.last.IsZero() && now.Sub(r.last) < rejectInterval) {
		r.mu.Unlock()
		return
	}
	var n int64
	parts := make([]string, 0, len(r.pending))
	for _, k := range slices.Sorted(maps.Keys(r.pending)) {
		n += r.pending[k]
		parts = append(parts, k+": "+strconv.FormatInt(r.pending[k], 10))
	}
	since := r.last
	r.pending = map[string]int64{}
	r.last = now
	r.mu.Unlock()
	args := []any{"count", n, "reasons", strings.Join(parts, ", ")}
	if !since.IsZero() {
		args = append(args, "since", since.UTC().Format(time.RFC3339))
	}
	log.Warn("slack: rejected requests (logged at most once a minute)", args...)
}
