package discordfake

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// call is one request as seen by a route handler.
type call struct {
	r    *http.Request
	body []byte
	p    map[string]string
	now  time.Time
}

// reply is a handler's answer: an error, or a status and a JSON body (nil
// body: no body, for 204).
type reply struct {
	status int
	body   any
	err    *apiError
}

func ok(body any) reply            { return reply{status: http.StatusOK, body: body} }
func failed(e *apiError) reply     { return reply{err: e} }
func noContent() reply             { return reply{status: http.StatusNoContent} }
func failCode(code int) reply      { return failed(codeErr(code)) }
func failForm(f *formErrors) reply { return failed(f.err()) }

type handler func(s *Server, c *call) reply

type route struct {
	method  string
	pattern string
	segs    []string
	h       handler
	// noAuth routes (interaction callbacks, interaction webhooks) are
	// authenticated by the token in the path, as on Discord.
	noAuth bool
}

var routes []*route

func init() {
	add := func(method, pattern string, h handler, noAuth bool) {
		routes = append(routes, &route{method: method, pattern: pattern, segs: splitPath(pattern), h: h, noAuth: noAuth})
	}
	add("GET", "/users/@me", (*Server).hGetMe, false)
	add("POST", "/users/@me/channels", (*Server).hCreateDM, false)
	add("GET", "/users/{user}", (*Server).hGetUser, false)
	add("GET", "/oauth2/applications/@me", (*Server).hGetApplication, false)
	add("GET", "/gateway", (*Server).hGateway, false)
	add("GET", "/gateway/bot", (*Server).hGatewayBot, false)
	add("GET", "/channels/{channel}", (*Server).hGetChannel, false)
	add("PATCH", "/channels/{channel}", (*Server).hEditChannel, false)
	add("GET", "/channels/{channel}/messages", (*Server).hListMessages, false)
	add("POST", "/channels/{channel}/messages", (*Server).hCreateMessage, false)
	add("GET", "/channels/{channel}/messages/{message}", (*Server).hGetMessage, false)
	add("PATCH", "/channels/{channel}/messages/{message}", (*Server).hEditMessage, false)
	add("DELETE", "/channels/{channel}/messages/{message}", (*Server).hDeleteMessage, false)
	add("POST", "/channels/{channel}/messages/{message}/threads", (*Server).hThreadFromMessage, false)
	add("POST", "/channels/{channel}/threads", (*Server).hStartThread, false)
	add("GET", "/channels/{channel}/threads/archived/public", (*Server).hArchivedThreads, false)
	add("GET", "/guilds/{guild}/threads/active", (*Server).hActiveThreads, false)
	add("GET", "/guilds/{guild}", (*Server).hGetGuild, false)
	add("GET", "/guilds/{guild}/members/{user}", (*Server).hGetMember, false)
	add("GET", "/applications/{app}/commands", (*Server).hGetCommands, false)
	add("PUT", "/applications/{app}/commands", (*Server).hPutCommands, false)
	add("GET", "/applications/{app}/guilds/{guild}/commands", (*Server).hGetCommands, false)
	add("PUT", "/applications/{app}/guilds/{guild}/commands", (*Server).hPutCommands, false)
	add("POST", "/interactions/{interaction}/{token}/callback", (*Server).hInteractionCallback, true)
	add("POST", "/webhooks/{app}/{token}", (*Server).hFollowup, true)
	add("GET", "/webhooks/{app}/{token}/messages/{message}", (*Server).hGetWebhookMessage, true)
	add("PATCH", "/webhooks/{app}/{token}/messages/{message}", (*Server).hEditWebhookMessage, true)
	add("DELETE", "/webhooks/{app}/{token}/messages/{message}", (*Server).hDeleteWebhookMessage, true)
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route for a request path (without APIPrefix). It returns
// the route, its parameters, and whether some route has this path with
// another method (for 405).
func match(method, path string) (*route, map[string]string, bool) {
	segs := splitPath(path)
	pathKnown := false
	for _, rt := range routes {
		params, ok := matchSegs(rt.segs, segs)
		if !ok {
			continue
		}
		if rt.method != method {
			pathKnown = true
			continue
		}
		return rt, params, true
	}
	return nil, nil, pathKnown
}

func matchSegs(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// bucketOf returns the X-RateLimit-Bucket hash (shared by all requests on a
// route, like Discord's) and the limiter key: the route plus its major
// parameter (channel, guild, or webhook/interaction id and token), which is
// how Discord scopes per-route limits.
func bucketOf(method, path string, rt *route, params map[string]string) (hash, key string) {
	var template string
	if rt != nil {
		template = method + " " + rt.pattern
	} else {
		segs := splitPath(path)
		for i, sg := range segs {
			if _, err := strconv.ParseUint(sg, 10, 64); err == nil {
				segs[i] = "{id}"
			}
		}
		template = method + " /" + strings.Join(segs, "/")
	}
	h := fnv.New64a()
	h.Write([]byte(template))
	hash = strconv.FormatUint(h.Sum64(), 16)
	major := ""
	switch {
	case params["channel"] != "":
		major = params["channel"]
	case params["guild"] != "" && params["app"] == "":
		major = params["guild"]
	case params["token"] != "" && params["app"] != "":
		major = params["app"] + "/" + params["token"]
	case params["token"] != "":
		major = params["interaction"] + "/" + params["token"]
	case params["app"] != "":
		major = params["app"]
		if params["guild"] != "" {
			major += "/" + params["guild"]
		}
	}
	key = template
	if major != "" {
		key += " [" + major + "]"
	}
	return hash, key
}

func formatUint(v uint64) string { return strconv.FormatUint(v, 10) }
