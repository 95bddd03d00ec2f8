// Package slackfake is an in-process fake of the Slack Web API for tests.
//
// New starts an httptest server that answers the Web API methods paperboy
// uses: auth.test, chat.postMessage (threads, Block Kit, message metadata),
// chat.postEphemeral, chat.update, chat.delete, conversations.history and
// conversations.replies (with include_all_metadata and cursor paging),
// conversations.info, conversations.open (DMs), users.info,
// apps.connections.open and api.test, plus response URLs for slash
// commands. Requests may be form-encoded, multipart or JSON, by POST or
// GET, with the token as "Authorization: Bearer" or a "token" form field.
// Answers use Slack's envelope ({"ok":true,...} or HTTP 200
// {"ok":false,"error":"..."}, "unknown_method" for anything else),
// Slack's error codes and its Block Kit limits, so the real
// github.com/slack-go/slack client can be pointed at it:
//
//	srv := slackfake.New()
//	defer srv.Close()
//	srv.AddChannel(slackfake.Channel{ID: "C1", Name: "papers", Members: []string{srv.BotUserID()}})
//	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()))
//
// (or slack.OptionHTTPClient(srv.Client()), which sends https://slack.com
// to the fake). Message timestamps are microsecond-style
// ("1732600000.000100"), unique across the server and strictly increasing,
// even for posts in the same second.
//
// Every request is recorded (Requests) and the state can be inspected
// (Messages, Replies, AllMessages, DMs, Ephemerals, Responses). Faults are
// injected by rule (AddRule), with the same rule shape as the Discord fake
// (adapters/fakes/discord): HTTP error statuses with Slack's HTML edge
// bodies, {"ok":false} errors, 429s with Retry-After, slow responses, and
// connections dropped before or after the request took effect; AddMix
// fails a share of requests with a seeded mix of them (MixedFaults). The
// rule engine, and these methods, are shared with the Discord fake
// (package faults: Controls). SetRateLimit adds a limiter per key, a
// method plus its "channel" parameter (chat.postMessage in C123) or the
// method alone without one; a request over the limit gets HTTP 429
// {"ok":false,"error":"ratelimited"} with Retry-After (the time left in
// the window, rounded up to whole Retry-After units, at least 1; see
// SetRetryAfterUnit). Violations reports requests sent before an earlier
// 429's Retry-After had passed; Stats counts requests and injected faults
// by kind; Stored counts messages, threads, replies and DMs.
//
// Scopes: every answer to an authenticated call carries the token's
// scopes in X-OAuth-Scopes and the method's in X-Accepted-OAuth-Scopes,
// as on Slack; the bot token has DefaultScopes until SetScopes, and a
// method whose scope it lacks answers missing_scope with "needed" and
// "provided" (see scopes.go for which method needs which).
//
// What it does not fake: Socket Mode (apps.connections.open returns a
// websocket URL nobody listens on) and the Events API (no events are ever
// delivered: tests call the bot's handlers directly), request signing,
// OAuth installs and the app-level token's scopes, files, reactions,
// pins, views and modals, scheduled messages, multi-person DMs, Slack's
// automatic block_id assignment and text rendering (blocks and text are
// stored as sent), the text a blocks-only message gets, per-tier rate
// limits (only SetRateLimit and rules), and in_channel response URL posts
// (recorded, not shown in a channel). A bot must be in Channel.Members to
// post or read history (public channels included, unlike Slack with
// channels:history).
//
// Lengths are counted in Unicode code points (runes).
//
// A Server is safe for concurrent use.
package slackfake
