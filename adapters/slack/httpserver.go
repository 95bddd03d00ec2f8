package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Limits of the HTTP-mode server. Slack sends small bodies (at most 64 KiB
// are read) and wants the acknowledgement within 3 seconds, so a client
// that trickles its request is cut off.
const (
	HTTPReadHeaderTimeout = 5 * time.Second
	HTTPReadTimeout       = 10 * time.Second
	HTTPWriteTimeout      = 10 * time.Second
	HTTPIdleTimeout       = 60 * time.Second
	HTTPMaxHeaderBytes    = 16 << 10
)

// NewHTTPServer returns the HTTP-mode server for addr: HTTPHandler with
// read, header, write and idle timeouts and a header size cap. Its own
// error log (TLS and connection errors) goes to the adapter's logger at
// debug level.
func (s *Slack) NewHTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.HTTPHandler(),
		ReadHeaderTimeout: HTTPReadHeaderTimeout,
		ReadTimeout:       HTTPReadTimeout,
		WriteTimeout:      HTTPWriteTimeout,
		IdleTimeout:       HTTPIdleTimeout,
		MaxHeaderBytes:    HTTPMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// RunHTTP serves HTTP mode until ctx ends, then shuts the server down
// (waiting up to 5 s for requests being read; the command handlers are
// Shutdown's) and returns nil. ln, when not nil, is the first listener
// (so a caller can fail at once on a port in use); afterwards, and when
// ln is nil, it listens on addr (ln's address when addr is empty). A
// failing listener or server is retried with backoff for as long as ctx
// lasts; State reports it and each change is logged once.
func (s *Slack) RunHTTP(ctx context.Context, addr string, ln net.Listener) error {
	if addr == "" && ln != nil {
		addr = ln.Addr().String()
	}
	if addr == "" {
		return errors.New("slack: HTTP mode needs a listen address")
	}
	defer s.setState(ModeHTTP, false, "stopped")
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if ln == nil {
			var err error
			if ln, err = net.Listen("tcp", addr); err != nil {
				s.setState(ModeHTTP, false, fmt.Sprintf("listen on %s: %v", addr, err))
				if s.opts.Sleep(ctx, reconnectDelay(attempt)) != nil {
					return nil
				}
				continue
			}
		}
		srv := s.NewHTTPServer(addr)
		errc := make(chan error, 1)
		go func(ln net.Listener) { errc <- srv.Serve(ln) }(ln)
		s.setState(ModeHTTP, true, "")
		attempt = 0
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = srv.Shutdown(sctx)
			cancel()
			<-errc
			return nil
		case err := <-errc:
			ln = nil
			s.setState(ModeHTTP, false, fmt.Sprintf("serve on %s: %v", addr, err))
			_ = srv.Close()
		}
		if s.opts.Sleep(ctx, reconnectDelay(attempt)) != nil {
			return nil
		}
	}
	return nil
}
