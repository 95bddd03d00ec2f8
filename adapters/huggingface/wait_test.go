package huggingface

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestClientRetries(t *testing.T) {
	ok := "[" + element("2608.20335", 38) + "]"
	tests := []struct {
		name  string
		fail  func(w http.ResponseWriter)
		waits func(t *testing.T, w []time.Duration)
	}{
		{
			name: "500 then success: backoff",
			fail: func(w http.ResponseWriter) { http.Error(w, "oops", http.StatusInternalServerError) },
			waits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] < time.Second || w[0] > 1250*time.Millisecond {
					t.Errorf("waits %v, want one of 1s plus up to 25%%", w)
				}
			},
		},
		{
			name: "429 with Retry-After in seconds",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			waits: wantWaits(time.Second),
		},
		{
			name: "429 with Retry-After as an HTTP date",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", fixedNow.Add(7*time.Second).Format(http.TimeFormat))
				w.WriteHeader(http.StatusTooManyRequests)
			},
			waits: wantWaits(7 * time.Second),
		},
		{
			name: "429 with a huge Retry-After is capped",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "86400")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			waits: wantWaits(5 * time.Minute),
		},
		{
			name: "429 with a RateLimit header",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("RateLimit", `"api";r=0;t=42`)
				w.WriteHeader(http.StatusTooManyRequests)
			},
			waits: wantWaits(42 * time.Second),
		},
		{
			name: "503 with RateLimit-Reset",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("RateLimit-Reset", "3")
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			waits: wantWaits(3 * time.Second),
		},
		{
			name: "connection cut in the body",
			fail: func(w http.ResponseWriter) {
				w.Header().Set("Content-Length", "5000")
				w.Write([]byte(`[{"paper":`))
			},
			waits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] < time.Second {
					t.Errorf("waits %v, want one backoff", w)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					tt.fail(w)
					return
				}
				w.Write([]byte(ok))
			})
			rec := &waits{}
			c := newTestClient(t, hub, rec, nil)
			papers, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
			if err != nil || ids(papers) != "2608.20335" || hub.count() != 2 {
				t.Fatalf("papers %q, %v after %d requests", ids(papers), err, hub.count())
			}
			tt.waits(t, rec.list())
		})
	}
}

func wantWaits(want ...time.Duration) func(*testing.T, []time.Duration) {
	return func(t *testing.T, got []time.Duration) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("waits %v, want %v", got, want)
		}
	}
}

func TestClientGivesUp(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Error(w, `{"error":"Service temporarily unavailable"}`, http.StatusServiceUnavailable)
	})
	rec := &waits{}
	c := newTestClient(t, hub, rec, func(o *Options) { o.MaxRetries = 3 })
	_, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
	if hub.count() != 4 {
		t.Errorf("%d requests, want 4 (MaxRetries 3)", hub.count())
	}
	want := "huggingface: GET " + hub.URL + "/api/daily_papers?date=2026-08-21&limit=100&p=0: HTTP 503 Service Unavailable: Service temporarily unavailable (gave up after 4 attempts)"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("not a StatusError: %#v", err)
	}
	w := rec.list()
	if len(w) != 3 {
		t.Fatalf("waits %v, want 3", w)
	}
	for i, base := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if w[i] < base || w[i] > base+base/4 {
			t.Errorf("wait %d = %v, want %v plus up to 25%%", i, w[i], base)
		}
	}

	// The default is four retries.
	hub = newFakeHub(t, hub.handle)
	c = newTestClient(t, hub, &waits{}, nil)
	if _, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21"))); err == nil || hub.count() != DefaultMaxRetries+1 {
		t.Errorf("default: %d requests, %v", hub.count(), err)
	}
}

func TestClientTimeout(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	c := newTestClient(t, hub, &waits{}, func(o *Options) {
		o.Timeout = 100 * time.Millisecond
		o.MaxRetries = 1
	})
	start := time.Now()
	_, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), "no complete response within 100ms (gave up after 2 attempts)") {
		t.Errorf("error %v", err)
	}
	if hub.count() != 2 {
		t.Errorf("%d requests, want 2", hub.count())
	}
}

func TestClientCancelDuringRetryAfter(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	opts := Options{BaseURL: hub.URL, UserAgent: testUA, MinInterval: -1} // the real Sleep
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = papersOf(c.Day(ctx, date(t, "2026-08-21")))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v", elapsed)
	}
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "huggingface: ") {
		t.Errorf("error %v", err)
	}
	if hub.count() != 1 {
		t.Errorf("%d requests, want 1", hub.count())
	}

	// Already canceled: no request at all.
	_, err = papersOf(c.Day(ctx, date(t, "2026-08-21")))
	if !errors.Is(err, context.Canceled) || hub.count() != 1 {
		t.Errorf("canceled context: %v, %d requests", err, hub.count())
	}
}

func TestClientMinInterval(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) { w.Write([]byte("[]")) })
	rec := &waits{}
	now := fixedNow
	c := newTestClient(t, hub, rec, func(o *Options) {
		o.MinInterval = 0 // the default, 600ms
		o.Now = func() time.Time { return now }
	})
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := papersOf(c.Day(ctx, date(t, "2026-08-22"))); err != nil {
			t.Fatal(err)
		}
		now = now.Add(100 * time.Millisecond)
	}
	// Request 2 comes 100ms after request 1's slot; request 3 after the
	// reserved slot of request 2, 1.2s after the first.
	if got := fmt.Sprint(rec.list()); got != "[500ms 1s]" {
		t.Errorf("waits %s, want [500ms 1s]", got)
	}
}
