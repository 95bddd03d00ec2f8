package discord

// How failed requests are named in logs and errors: by method and route
// template, never by URL. An interaction's URLs hold its token (which lets
// anyone post and edit as the bot in that channel for 15 minutes), and Go's
// *url.Error, discordgo's RateLimitError and its debug lines all print the
// URL they were given.

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// route is one REST endpoint: a method and a path template (under
// /api/v9), whose {parameters} are never filled in when it is shown.
type route struct{ method, path string }

func (r route) String() string { return r.method + " " + r.path }

// The routes the adapter calls.
var (
	routeGetApplication     = route{"GET", "/oauth2/applications/@me"}
	routeGetChannel         = route{"GET", "/channels/{channel}"}
	routeEditChannel        = route{"PATCH", "/channels/{channel}"}
	routeListMessages       = route{"GET", "/channels/{channel}/messages"}
	routeCreateMessage      = route{"POST", "/channels/{channel}/messages"}
	routeGetMessage         = route{"GET", "/channels/{channel}/messages/{message}"}
	routeThreadFromMessage  = route{"POST", "/channels/{channel}/messages/{message}/threads"}
	routeStartForumPost     = route{"POST", "/channels/{channel}/threads"}
	routeActiveThreads      = route{"GET", "/guilds/{guild}/threads/active"}
	routeGetMember          = route{"GET", "/guilds/{guild}/members/{user}"}
	routeCreateDM           = route{"POST", "/users/@me/channels"}
	routeGlobalCommands     = route{"PUT", "/applications/{app}/commands"}
	routeGuildCommands      = route{"PUT", "/applications/{app}/guilds/{guild}/commands"}
	routeInteractionRespond = route{"POST", "/interactions/{interaction}/{token}/callback"}
	routeEditOriginal       = route{"PATCH", "/webhooks/{app}/{token}/messages/@original"}
	routeFollowup           = route{"POST", "/webhooks/{app}/{token}"}
)

// pathTemplates are the templates a request path is matched against to
// name it (routePath): the adapter's routes and the other endpoints
// discordgo may call on its behalf.
var pathTemplates = []string{
	"/users/@me", "/users/@me/channels", "/users/{user}", "/oauth2/applications/@me",
	"/gateway", "/gateway/bot",
	"/channels/{channel}", "/channels/{channel}/messages", "/channels/{channel}/messages/{message}",
	"/channels/{channel}/messages/{message}/threads", "/channels/{channel}/threads",
	"/channels/{channel}/threads/archived/public",
	"/guilds/{guild}", "/guilds/{guild}/threads/active", "/guilds/{guild}/members/{user}",
	"/applications/{app}", "/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands",
	"/interactions/{interaction}/{token}/callback",
	"/webhooks/{app}/{token}", "/webhooks/{app}/{token}/messages/@original", "/webhooks/{app}/{token}/messages/{message}",
}

// literalSegments are the path segments that are never a parameter.
var literalSegments = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range pathTemplates {
		for _, s := range strings.Split(strings.Trim(t, "/"), "/") {
			if !strings.HasPrefix(s, "{") {
				m[s] = true
			}
		}
	}
	return m
}()

// routePath names a request path by its template: "/api/v9/webhooks/1/
// abc/messages/@original" is "/webhooks/{app}/{token}/messages/@original".
// A path no template matches keeps only its literal segments (every other
// one is "{…}"), so whatever it holds, no token survives.
func routePath(p string) string {
	p = strings.TrimPrefix(p, "/api")
	if rest, ok := strings.CutPrefix(p, "/v"); ok {
		if i := strings.IndexByte(rest, '/'); i > 0 && strings.Trim(rest[:i], "0123456789") == "" {
			p = rest[i:]
		}
	}
	if strings.Trim(p, "/") == "" {
		return "/"
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for _, t := range pathTemplates {
		ts := strings.Split(strings.Trim(t, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		same := true
		for i := range ts {
			if !strings.HasPrefix(ts[i], "{") && ts[i] != segs[i] {
				same = false
				break
			}
		}
		if same {
			return t
		}
	}
	for i, s := range segs {
		if !literalSegments[s] {
			segs[i] = "{…}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// requestRoute returns the route of the request err carries, if it
// carries one.
func requestRoute(err error) (route, bool) {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Request != nil && rest.Request.URL != nil {
		return route{rest.Request.Method, routePath(rest.Request.URL.Path)}, true
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return route{strings.ToUpper(ue.Op), routePath(u.Path)}, true
		}
		return route{strings.ToUpper(ue.Op), "{…}"}, true
	}
	return route{}, false
}

// failedRoute is the route a failed call is named by: the one its error
// carries (a call may make several requests), or r.
func failedRoute(r route, err error) route {
	if got, ok := requestRoute(err); ok {
		return got
	}
	return r
}

// cause renders why a request failed, without its URL: the status and
// Discord's message for an answer, the transport's reason otherwise.
func cause(err error) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		msg := ""
		if rest.Message != nil {
			msg = fmt.Sprintf(": %s (code %d)", rest.Message.Message, rest.Message.Code)
		}
		status := ""
		if rest.Response != nil {
			status = rest.Response.Status
		}
		return scrub("HTTP " + status + msg)
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		// Its Error() names the URL.
		return fmt.Sprintf("HTTP 429 rate limited, retry after %s", rl.RetryAfter)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return cause(ue.Err)
	}
	return scrub(err.Error())
}

// failure is the error of a failed call: what was being done, the route,
// and the cause. It unwraps to err (for errors.As on discordgo's types);
// its text never holds a URL.
func failure(what string, r route, err error) *requestError {
	return &requestError{msg: "discord: " + what + " (" + failedRoute(r, err).String() + "): " + cause(err), err: err}
}

var (
	urlRe = regexp.MustCompile(`(?i)\b(?:https?|wss?)://[^\s"'<>,)]+`)
	// tokenFieldRe matches a token field in JSON or in Go's %#v and %+v
	// (discordgo's debug lines print interactions and IDENTIFY payloads).
	tokenFieldRe = regexp.MustCompile(`(?i)("?token"?\s*[:=]\s*)("[^"]*"|[^\s,}]+)`)
	botTokenRe   = regexp.MustCompile(`Bot [A-Za-z0-9._-]{20,}`)
)

// scrub removes bearer material from text: each URL becomes its scheme,
// host and route template (its query dropped), each token field
// "{token}", each "Bot <token>" "Bot {token}".
func scrub(s string) string {
	s = urlRe.ReplaceAllStringFunc(s, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "{url}"
		}
		if u.Path == "" {
			return u.Scheme + "://" + u.Host
		}
		return u.Scheme + "://" + u.Host + routePath(u.Path)
	})
	s = tokenFieldRe.ReplaceAllString(s, `${1}"{token}"`)
	return botTokenRe.ReplaceAllString(s, "Bot {token}")
}
