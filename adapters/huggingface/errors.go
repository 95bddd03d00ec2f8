// Errors of the Hugging Face API client (https://huggingface.co/docs/hub/en/api):
// every one reads "huggingface: GET <url>: <what went wrong>", quotes at
// most a short, sanitized excerpt of an unexpected body, and never holds
// the access token.

package huggingface

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// transportError turns a failure of the per-request context into a plain
// timeout message; anything else stays as it is. *url.Error is unwrapped
// because it repeats the URL, which requestError already names.
func (c *Client) transportError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{after: c.timeout}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// timeoutError reports a request cut off by Options.Timeout.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string { return fmt.Sprintf("no complete response within %v", e.after) }
func (e *timeoutError) Timeout() bool { return true }

// StatusError is an HTTP error status from Hugging Face, with the message
// of its JSON error body when it had one.
type StatusError struct {
	StatusCode int
	Message    string // from {"error": "..."}, or an excerpt of the body
}

// Error reads "HTTP 404 Not Found: <message>"; the request's URL is added
// by the error that wraps it.
func (e *StatusError) Error() string {
	s := "HTTP " + strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (c *Client) statusError(resp *response) error {
	body := c.redactBody(resp.body)
	msg, ok := errorMessage(body)
	if !ok {
		msg = describeBody(body)
	}
	return &StatusError{StatusCode: resp.status, Message: msg}
}

// errorMessage returns the message of a {"error": "..."} body.
func errorMessage(body []byte) (string, bool) {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || strings.TrimSpace(e.Error) == "" {
		return "", false
	}
	return excerpt([]byte(e.Error), 300), true
}

// describeBody names an unexpected body for an error message, quoting at
// most excerptBytes of it.
func describeBody(body []byte) string {
	t := bytes.TrimLeft(body, " \t\r\n\ufeff")
	switch {
	case len(t) == 0:
		return "an empty body"
	case t[0] == '<':
		return fmt.Sprintf("HTML %q", excerpt(t, excerptBytes))
	case t[0] == '{':
		return fmt.Sprintf("a JSON object %q", excerpt(t, excerptBytes))
	default:
		return fmt.Sprintf("%q", excerpt(t, excerptBytes))
	}
}

// redactBody removes the token from a body before any of it goes into an
// error, in case the server echoes the request back. It runs before the
// body is cut to an excerpt, so no part of the token survives the cut.
func (c *Client) redactBody(b []byte) []byte {
	if c.token == "" {
		return b
	}
	return bytes.ReplaceAll(b, []byte(c.token), []byte("[token]"))
}

// redact is redactBody for text, a last guard before logging.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[token]")
}

// requestError is every error of a request: "huggingface: GET <url>: ...".
type requestError struct {
	url      string
	err      error
	attempts int // set when it gave up retrying
}

func (e *requestError) Error() string {
	s := "huggingface: GET " + e.url + ": " + e.err.Error()
	if e.attempts > 0 {
		s += fmt.Sprintf(" (gave up after %d attempt", e.attempts)
		if e.attempts > 1 {
			s += "s"
		}
		s += ")"
	}
	return s
}

func (e *requestError) Unwrap() error { return e.err }
