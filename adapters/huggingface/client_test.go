package huggingface

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

const testUA = "paperboy/test (+https://github.com/paperboy-bot/paperboy)"

// waits records the waits a Client asks for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// fakeHub is an httptest server for /api/daily_papers whose answers a test
// scripts, and which records the requests it got.
type fakeHub struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	handle   func(w http.ResponseWriter, r *http.Request, n int) // n counts from 0
}

func newFakeHub(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeHub {
	t.Helper()
	h := &fakeHub{handle: handle}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/daily_papers" {
			http.Error(w, `{"error":"wrong path `+r.URL.Path+`"}`, http.StatusNotFound)
			return
		}
		h.mu.Lock()
		n := len(h.requests)
		h.requests = append(h.requests, r.Clone(context.Background()))
		h.mu.Unlock()
		h.handle(w, r, n)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *fakeHub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.requests)
}

func (h *fakeHub) request(i int) *http.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[i]
}

var fixedNow = time.Date(2026, 8, 21, 8, 0, 0, 0, time.UTC)

// newTestClient returns a Client for hub that never sleeps for real: no
// MinInterval, and every wait recorded in w.
func newTestClient(t *testing.T, hub *fakeHub, w *waits, mod func(*Options)) *Client {
	t.Helper()
	opts := Options{
		BaseURL:     hub.URL + "/",
		UserAgent:   testUA,
		MinInterval: -1,
		Sleep:       w.sleep,
		Now:         func() time.Time { return fixedNow },
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func element(id string, upvotes int) string {
	return fmt.Sprintf(`{"paper":{"id":%q,"title":"Paper %s","summary":"About %s.","authors":[{"name":"A. Author"}],"publishedAt":"2026-08-20T00:00:00.000Z","upvotes":%d},"publishedAt":"2026-08-19T20:00:00.000Z","numComments":0}`, id, id, id, upvotes)
}

func ids(papers []bot.Paper) string {
	s := make([]string, len(papers))
	for i, p := range papers {
		s[i] = p.ID
	}
	return strings.Join(s, " ")
}

func TestClientFixtures(t *testing.T) {
	files := map[string]string{
		"2024-10-25": "testdata/daily_papers_2024-10-25.json",
		"2025-05-22": "testdata/daily_papers_2025-05-22.json",
		"2026-08-21": "sample/daily_papers_2026-08-21.json",
	}
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(readFile(t, files[r.URL.Query().Get("date")]))
	})
	c := newTestClient(t, hub, &waits{}, nil)
	for day, n := range map[string]int{"2024-10-25": 25, "2025-05-22": 27, "2026-08-21": 17} {
		papers, err := papersOf(c.Day(context.Background(), date(t, day)))
		if err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		if len(papers) != n {
			t.Errorf("%s: %d papers, want %d", day, len(papers), n)
		}
		for _, p := range papers {
			if p.ListDate.String() != day || !p.FetchedAt.Equal(fixedNow) {
				t.Errorf("%s: %s has list date %s, fetched at %v", day, p.ID, p.ListDate, p.FetchedAt)
			}
		}
	}
	if hub.count() != 3 {
		t.Errorf("%d requests, want 3 (no Link header, so one page each)", hub.count())
	}
}

func TestClientRequest(t *testing.T) {
	for _, token := range []string{"", "hf_test_token"} {
		hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) { w.Write([]byte("[]")) })
		c := newTestClient(t, hub, &waits{}, func(o *Options) { o.Token = token })
		if c.Name() != "huggingface" {
			t.Errorf("Name() = %q", c.Name())
		}
		if _, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21"))); err != nil {
			t.Fatal(err)
		}
		r := hub.request(0)
		q := r.URL.Query()
		if r.Method != http.MethodGet || q.Get("date") != "2026-08-21" || q.Get("limit") != "100" || q.Get("p") != "0" || len(q) != 3 {
			t.Errorf("request %s %s", r.Method, r.URL)
		}
		if got := r.Header.Get("User-Agent"); got != testUA {
			t.Errorf("User-Agent %q", got)
		}
		auth, ok := r.Header["Authorization"]
		switch {
		case token == "" && ok:
			t.Errorf("Authorization sent without a token: %q", auth)
		case token != "" && r.Header.Get("Authorization") != "Bearer "+token:
			t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
	}
}

func TestClientPages(t *testing.T) {
	tests := []struct {
		name  string
		pages []string // body per page
		links []string // Link header per page
		want  string   // ids
		reqs  int
	}{
		{
			name:  "next link followed, stops without one",
			pages: []string{"[" + element("2608.00001", 9) + "," + element("2608.00002", 8) + "]", "[" + element("2608.00002", 8) + "," + element("2608.00003", 1) + "]"},
			links: []string{`<https://huggingface.co/api/daily_papers?date=2026-08-21&limit=100&p=1>; rel="next"`, ""},
			want:  "2608.00001 2608.00002 2608.00003", // the repeat of 2608.00002 is dropped
			reqs:  2,
		},
		{
			name:  "stops at an empty page",
			pages: []string{"[" + element("2608.00001", 9) + "]", "[]"},
			links: []string{`<https://huggingface.co/api/daily_papers?p=1>; rel="next"`, `<https://huggingface.co/api/daily_papers?p=2>; rel="next"`},
			want:  "2608.00001",
			reqs:  2,
		},
		{
			name:  "other relations are not next",
			pages: []string{"[" + element("2608.00001", 9) + "]"},
			links: []string{`<https://huggingface.co/api/daily_papers?p=0>; rel="prev", <https://x/?a=1,2>; rel="first"`},
			want:  "2608.00001",
			reqs:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if got := r.URL.Query().Get("p"); got != fmt.Sprint(n) {
					t.Errorf("request %d asked for p=%s", n, got)
				}
				if n >= len(tt.pages) {
					t.Errorf("request for page %d", n)
					w.Write([]byte("[]"))
					return
				}
				if tt.links[n] != "" {
					w.Header().Set("Link", tt.links[n])
				}
				w.Write([]byte(tt.pages[n]))
			})
			c := newTestClient(t, hub, &waits{}, nil)
			papers, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(papers); got != tt.want {
				t.Errorf("papers %s, want %s", got, tt.want)
			}
			if hub.count() != tt.reqs {
				t.Errorf("%d requests, want %d", hub.count(), tt.reqs)
			}
		})
	}
}

func TestClientPageLimit(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Link", `<https://huggingface.co/api/daily_papers?p=next>; rel="next"`)
		fmt.Fprintf(w, "[%s]", element(fmt.Sprintf("2608.%05d", n), 1))
	})
	c := newTestClient(t, hub, &waits{}, nil)
	papers, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
	if err != nil || len(papers) != maxPages || hub.count() != maxPages {
		t.Errorf("%d papers in %d requests, %v; want %d", len(papers), hub.count(), err, maxPages)
	}
}

func TestClientWeekend(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) { w.Write([]byte("[]\n")) })
	c := newTestClient(t, hub, &waits{}, nil)
	papers, err := papersOf(c.Day(context.Background(), date(t, "2026-08-23"))) // a Sunday
	if err != nil || papers == nil || len(papers) != 0 || hub.count() != 1 {
		t.Errorf("Sunday: %v, %v after %d requests; want an empty list", papers, err, hub.count())
	}
}

func TestNew(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		err  string
	}{
		{Options{}, "huggingface: a User-Agent is required"},
		{Options{UserAgent: "x", BaseURL: "huggingface.co"}, "not an http(s) URL"},
		{Options{UserAgent: "x", BaseURL: "https://user:pw@huggingface.co"}, "credentials"},
		{Options{UserAgent: "x", BaseURL: "https://huggingface.co/?x=1"}, "query"},
	} {
		if _, err := New(tt.opts); err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "pw") {
			t.Errorf("New(%+v): %v, want %q", tt.opts, err, tt.err)
		}
	}
	c, err := New(Options{UserAgent: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.endpoint != "https://huggingface.co/api/daily_papers" || c.timeout != DefaultTimeout ||
		c.maxRetries != DefaultMaxRetries || c.minInterval != DefaultMinInterval {
		t.Errorf("defaults: %s %v %d %v", c.endpoint, c.timeout, c.maxRetries, c.minInterval)
	}
	c, _ = New(Options{UserAgent: "x", BaseURL: "http://localhost:8080/hf//", MaxRetries: -1, MinInterval: -1, Timeout: -1})
	if c.endpoint != "http://localhost:8080/hf/api/daily_papers" || c.timeout != 0 || c.maxRetries != 0 || c.minInterval != 0 {
		t.Errorf("negative options: %s %v %d %v", c.endpoint, c.timeout, c.maxRetries, c.minInterval)
	}
	if _, err := papersOf(c.Day(context.Background(), bot.Date{})); err == nil {
		t.Error("Day of the zero date: no error")
	}
}

func TestHasNext(t *testing.T) {
	for _, tt := range []struct {
		links []string
		want  bool
	}{
		{nil, false},
		{[]string{`<https://huggingface.co/api/daily_papers?p=1>; rel="next"`}, true},
		{[]string{`<https://h/?p=1>; rel=next`}, true},
		{[]string{`<https://h/?p=1>;rel="prev next"`}, true},
		{[]string{`<https://h/?p=0>; rel="prev"`, `<https://h/?p=2>; REL="Next"`}, true},
		{[]string{`<https://h/?p=0>; rel="prev", <https://h/?p=2>; rel="next"`}, true},
		{[]string{`<https://h/?a=1,rel="next">; rel="prev"`}, false},
		{[]string{`<https://h/?p=2>; title="next"`}, false},
		{[]string{`rel="next"`}, false},
		{[]string{`<broken; rel="next"`}, false},
	} {
		if got := hasNext(tt.links); got != tt.want {
			t.Errorf("hasNext(%q) = %v, want %v", tt.links, got, tt.want)
		}
	}
}
