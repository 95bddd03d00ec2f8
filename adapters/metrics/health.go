package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Check is one readiness check: Run returns nil when it passes, else why
// not, in one line.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Readiness is the JSON body of /readyz: Status "ready" or "not ready",
// the names of the failed checks (sorted), and each check's result ("ok"
// or why not).
type Readiness struct {
	Status string            `json:"status"`
	Failed []string          `json:"failed,omitempty"`
	Checks map[string]string `json:"checks"`
}

// Ready runs every check at once, each for at most timeout (a check that
// has not answered by then fails with "no answer within …"), and returns
// the result.
func Ready(ctx context.Context, checks []Check, timeout time.Duration) Readiness {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(checks))
	for _, c := range checks {
		go func() { results <- result{c.Name, c.Run(ctx)} }()
	}
	r := Readiness{Status: "ready", Checks: map[string]string{}}
	for _, c := range checks {
		r.Checks[c.Name] = fmt.Sprintf("no answer within %s", timeout)
	}
	for range checks {
		var res result
		select {
		case res = <-results:
		case <-ctx.Done():
		}
		if res.name == "" {
			break // the rest did not answer in time
		}
		r.Checks[res.name] = "ok"
		if res.err != nil {
			r.Checks[res.name] = oneLine(res.err.Error())
		}
	}
	for name, v := range r.Checks {
		if v != "ok" {
			r.Failed = append(r.Failed, name)
		}
	}
	if len(r.Failed) > 0 {
		sort.Strings(r.Failed)
		r.Status = "not ready"
	}
	return r
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ReadyHandler serves /readyz: 200 when every check passes, 503 when one
// fails, with the Readiness as JSON either way.
func ReadyHandler(checks []Check, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := Ready(r.Context(), checks, timeout)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if len(res.Failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
	})
}

// HealthHandler serves /healthz: 200 "ok" while the process serves at all.
func HealthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
}

// SourcesCheck checks that the sources answer: every source fetched in
// the last maxAge has been fetched successfully in the last maxAge (or, in
// the first maxAge of the process, not failed for longer than the process
// has run), and some source was fetched in the last maxAge once the
// process is older than that. A source no longer fetched (no channel
// follows it any more) is left out.
func (m *Metrics) SourcesCheck(maxAge time.Duration) func(context.Context) error {
	return func(context.Context) error {
		now := m.now()
		m.mu.Lock()
		defer m.mu.Unlock()
		var stale []string
		recent := false
		for name, st := range m.sources {
			if now.Sub(st.attempt) > maxAge {
				continue
			}
			recent = true
			since := st.success
			if since.IsZero() {
				since = m.started
			}
			if now.Sub(since) > maxAge {
				what := "no successful fetch since paperboy started " + ago(now.Sub(m.started))
				if !st.success.IsZero() {
					what = "last successful fetch " + ago(now.Sub(st.success))
				}
				if st.err != nil {
					what += "; the last one failed: " + oneLine(st.err.Error())
				}
				stale = append(stale, name+": "+what)
			}
		}
		if len(stale) > 0 {
			slices.Sort(stale)
			return fmt.Errorf("%s (the limit is %s, 3 poll intervals)", strings.Join(stale, "; "), maxAge)
		}
		if !recent && now.Sub(m.started) > maxAge {
			return fmt.Errorf("no source was fetched in the last %s (3 poll intervals)", maxAge)
		}
		return nil
	}
}

func ago(d time.Duration) string { return d.Round(time.Second).String() + " ago" }

// ReadyTimeout is how long /readyz waits for its checks.
const ReadyTimeout = 3 * time.Second

// Mux serves GET /metrics, /healthz and /readyz (with checks).
func (m *Metrics) Mux(checks []Check) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.Handle("GET /healthz", HealthHandler())
	mux.Handle("GET /readyz", ReadyHandler(checks, ReadyTimeout))
	return mux
}
