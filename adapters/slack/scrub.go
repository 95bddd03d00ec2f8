package slack

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// Route templates that stand in for a URL in error text. A response_url
// (and an interaction's) is a bearer URL: anyone holding it may answer as
// the bot for 30 minutes. Socket Mode's websocket URL carries a ticket.
const (
	routeResponseURL = "{response_url}"
	routeSocketURL   = "{socket_mode_url}"
)

// requestError is a failed HTTP request described by its method, a route
// template and the cause, never by its URL. It unwraps to the cause and
// keeps the timeout flag of the *url.Error it replaces, so the retry
// classification is unchanged.
type requestError struct {
	msg     string
	cause   error
	timeout bool
}

func (e *requestError) Error() string   { return e.msg }
func (e *requestError) Unwrap() error   { return e.cause }
func (e *requestError) Timeout() bool   { return e.timeout }
func (e *requestError) Temporary() bool { return e.timeout }

// scrub returns err with every URL a transport error (*url.Error) names
// replaced by a route template: /api/<method> for the Web API, else
// {response_url}. Any other error is returned as it is.
func (s *Slack) scrub(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	route := s.route(ue.URL)
	msg := err.Error()
	for _, form := range []string{strconv.Quote(ue.URL), ue.URL} {
		msg = strings.ReplaceAll(msg, form, route)
	}
	if ue.URL == "" || strings.Contains(msg, ue.URL) {
		// Never the URL, whatever the error's shape.
		msg = ue.Op + " " + route + ": " + describeCause(ue.Err)
	}
	return &requestError{msg: msg, cause: ue.Err, timeout: ue.Timeout()}
}

// route is the template of a request URL: the Web API's path without its
// query, {socket_mode_url} for a websocket URL, or {response_url} for
// anything else.
func (s *Slack) route(raw string) string {
	if strings.HasPrefix(raw, "ws://") || strings.HasPrefix(raw, "wss://") {
		return routeSocketURL
	}
	base := s.opts.APIURL
	if rest, ok := strings.CutPrefix(raw, base); ok {
		method, _, _ := strings.Cut(rest, "?")
		if u, err := url.Parse(base); err == nil && isMethodName(method) {
			return strings.TrimSuffix(u.Path, "/") + "/" + method
		}
		return "/api/{method}"
	}
	return routeResponseURL
}

// isMethodName reports whether s looks like a Web API method name
// (chat.postMessage), so that nothing else is echoed into a route.
func isMethodName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// describeCause is a cause's text, itself scrubbed of any URL it names.
func describeCause(err error) string {
	if err == nil {
		return "unknown error"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + routeResponseURL + ": " + describeCause(ue.Err)
	}
	return err.Error()
}

// describe is an error's text without the URL a transport error names
// (*url.Error): for a response_url that is a credential.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		msg := err.Error()
		for _, form := range []string{strconv.Quote(ue.URL), ue.URL} {
			msg = strings.ReplaceAll(msg, form, routeResponseURL)
		}
		if ue.URL == "" || strings.Contains(msg, ue.URL) {
			msg = ue.Op + " " + routeResponseURL + ": " + describeCause(ue.Err)
		}
		return msg
	}
	return err.Error()
}
