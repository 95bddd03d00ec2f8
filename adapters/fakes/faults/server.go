package faults

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Server is the loopback HTTP server under a fake, with a client that
// sends every request to it.
type Server struct {
	ts        *httptest.Server
	base      *url.URL
	transport *http.Transport
	client    *http.Client
	done      chan struct{}
	closeOnce sync.Once
}

// NewServer starts h on a loopback httptest server.
func NewServer(h http.Handler) *Server {
	s := &Server{done: make(chan struct{})}
	s.ts = httptest.NewServer(h)
	s.base, _ = url.Parse(s.ts.URL)
	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	s.transport.Proxy = nil
	s.client = &http.Client{
		Transport: &rewriteTransport{base: s.transport, target: s.base},
		Timeout:   30 * time.Second,
	}
	return s
}

// URL returns the base URL, like http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.ts.URL }

// Client returns an http.Client whose transport sends every request,
// whatever its scheme and host, to this server, keeping the path and
// query. Its timeout is 30 s.
func (s *Server) Client() *http.Client { return s.client }

// Close stops the server; requests sleeping in Sleep end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.transport.CloseIdleConnections()
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// Sleep waits d for a request: false if the request's context ended (the
// client went away: a timeout) or the server closed first.
func (s *Server) Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// rewriteTransport redirects requests to the fake.
type rewriteTransport struct {
	base   http.RoundTripper
	target *url.URL
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.URL.Scheme = t.target.Scheme
	r2.URL.Host = t.target.Host
	r2.Host = t.target.Host
	return t.base.RoundTrip(r2)
}

// Drop closes a request's connection without a response: the client sees
// a broken connection (io.EOF, "connection reset").
func Drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
