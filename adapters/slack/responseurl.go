package slack

import (
	"net/url"
	"strings"
)

// HooksHost is the host of Slack's response URLs.
const HooksHost = "hooks.slack.com"

// responseURLAllowed reports whether paperboy may POST to a response_url a
// request names: https on Slack's hooks host (port 443 or none), or the
// scheme and host name (any port) of the configured Web API URL (a fake
// in tests).
// Anything else is answered through chat.postEphemeral instead: a signed
// request must not make paperboy POST to an address of its choosing.
func (s *Slack) responseURLAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && host == HooksHost && (u.Port() == "" || u.Port() == "443") {
		return true
	}
	api, err := url.Parse(s.opts.APIURL)
	if err != nil {
		return false
	}
	return u.Scheme == api.Scheme && host == strings.ToLower(api.Hostname())
}
