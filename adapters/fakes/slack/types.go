package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// APIPrefix is the path prefix of every Web API method the fake serves:
// requests go to URL()+"/api/<method>", like https://slack.com/api/<method>.
const APIPrefix = "/api/"

// ResponseURLPrefix is the path prefix of the response URLs made by
// Server.ResponseURL.
const ResponseURLPrefix = "/commands/response/"

// MethodResponseURL is the method name under which POSTs to response URLs
// are recorded (Request.Method) and matched by rules (Rule.Method).
const MethodResponseURL = "response_url"

// Channel is a conversation as the fake stores it: a public or private
// channel, or a DM (IM) channel.
type Channel struct {
	// ID is the conversation id: C… for channels (G… works too), D… for
	// DMs.
	ID string
	// Name is the channel name without "#". chat.postMessage also accepts
	// "#name" or "name" as the channel.
	Name string
	// IsPrivate marks a private channel. The fake answers channel_not_found
	// (as Slack does) when the bot is not a member of a private channel.
	IsPrivate bool
	// IsArchived makes posts fail with is_archived.
	IsArchived bool
	// IsIM marks a DM channel; User is then the other party.
	IsIM bool
	// User is the DM's other party (IM channels only).
	User string
	// Members lists the user ids in the channel. The bot must be one of
	// them (see Server.BotUserID) to post or read history; an ephemeral
	// message's recipient must be one too.
	Members []string
	// Created is the creation time (defaults to when it was added).
	Created time.Time
}

// User is a workspace member known to the fake (users.info,
// conversations.open, chat.postEphemeral).
type User struct {
	// ID is the user id (U… or W…).
	ID string
	// TeamID defaults to the bot's team.
	TeamID         string
	Name           string
	RealName       string
	TZ             string
	IsAdmin        bool
	IsOwner        bool
	IsPrimaryOwner bool
	IsRestricted   bool
	IsBot          bool
	// Deleted marks a deactivated user: users.info still answers, with
	// "deleted": true; conversations.open fails with user_disabled.
	Deleted bool
}

// Message is a stored message (a snapshot: changing it changes nothing in
// the fake).
type Message struct {
	// Channel is the id of the conversation the message is in.
	Channel string
	// TS is the message's timestamp id, like "1732600000.000100": unique
	// across the whole server and strictly increasing in creation order.
	TS string
	// ThreadTS is the parent's ts for a thread reply, and the message's own
	// TS for a parent that has replies (as on Slack); "" otherwise.
	ThreadTS string
	// User is the author: the bot's user id for messages posted through
	// the API.
	User string
	// BotID is the bot id for messages posted by the bot ("" for messages
	// added as another user with AddMessage).
	BotID string
	// Username is the "username" parameter as sent, if any.
	Username string
	// Text is the top-level text as sent.
	Text string
	// Blocks is the blocks JSON array as sent (compacted), nil if none.
	Blocks json.RawMessage
	// Metadata is the message metadata JSON object as sent (compacted), nil
	// if none. EventType and EventPayload are its parts.
	Metadata     json.RawMessage
	EventType    string
	EventPayload json.RawMessage
	// UnfurlLinks, UnfurlMedia and Mrkdwn are the parameters as sent ("true",
	// "false", "1"...), "" when absent.
	UnfurlLinks string
	UnfurlMedia string
	Mrkdwn      string
	// ReplyBroadcast is set for a thread reply posted with reply_broadcast:
	// it also shows in the channel (Messages, conversations.history).
	ReplyBroadcast bool
	// ReplyCount, ReplyUsers and LatestReply describe a parent's thread.
	ReplyCount  int
	ReplyUsers  []string
	LatestReply string
	// Subtype is "" for ordinary messages, "thread_broadcast" for a
	// broadcast reply, "tombstone" for a deleted parent whose replies remain.
	Subtype string
	// EditedTS is the ts of the last chat.update, "" if never edited.
	EditedTS string
	// Params are the request parameters that created the message (form
	// values, or a JSON body flattened: strings as-is, other values as
	// JSON text). The token is removed.
	Params url.Values
	// Time is when the message was stored.
	Time time.Time
}

// PayloadField returns a string field of the message metadata's
// event_payload, like m.PayloadField("key"), or "" if there is none.
func (m Message) PayloadField(name string) string {
	var p map[string]any
	if json.Unmarshal(m.EventPayload, &p) != nil {
		return ""
	}
	v, _ := p[name].(string)
	return v
}

// Ephemeral is a chat.postEphemeral call the fake accepted.
type Ephemeral struct {
	Channel string
	// User is the recipient.
	User string
	Text string
	// Blocks is the blocks JSON as sent (compacted), nil if none.
	Blocks   json.RawMessage
	ThreadTS string
	// MessageTS is the message_ts the fake answered.
	MessageTS string
	Params    url.Values
	Time      time.Time
}

// Response is a POST to a response URL that the fake accepted.
type Response struct {
	// Name is the name given to Server.ResponseURL.
	Name string
	// Use counts the accepted POSTs to this URL, from 1.
	Use int
	// Body is the request body as received.
	Body        []byte
	ContentType string
	// Text, Blocks (raw JSON), ResponseType ("ephemeral", "in_channel" or
	// ""), ReplaceOriginal, DeleteOriginal and ThreadTS are decoded from a
	// JSON body.
	Text            string
	Blocks          json.RawMessage
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	ThreadTS        string
	// Time is when the request arrived, to check the 3-second ack and
	// 30-minute validity.
	Time time.Time
}

// Request is one recorded HTTP request and what became of it.
type Request struct {
	// Seq numbers requests in arrival order, from 1.
	Seq int
	// Method is the Slack method from the path, like "chat.postMessage",
	// or MethodResponseURL for a response URL POST; for other paths it is
	// the path itself.
	Method string
	// HTTPMethod is GET or POST.
	HTTPMethod string
	Path       string
	RawQuery   string
	// ContentType is the Content-Type header as sent.
	ContentType string
	// Params are the request parameters: query values, then form fields or
	// a flattened JSON body (strings as-is, other values as JSON text).
	// They include "token" when it was sent as a form field.
	Params url.Values
	// Channel is the "channel" parameter ("" if none).
	Channel string
	// Header is a copy of the request headers (Authorization included).
	Header http.Header
	Body   []byte
	// Time is when the request arrived.
	Time time.Time
	// Key is the rate-limit key: Method, plus " [channel]" when a channel
	// was given (or " [name]" for response URLs).
	Key string
	// Status is the HTTP status sent; 0 if no response was sent (the
	// connection was dropped or the client went away).
	Status int
	// Error is the "error" of an {"ok":false} answer ("ratelimited" for a
	// 429), "" otherwise.
	Error string
	// Fault names the rule action applied: "", "status" (an HTTP error
	// status), "error" (an {"ok":false} answer from a rule), "rate-limit"
	// (429 from a rule), "drop-before", "drop-after", "delay",
	// "enforced-rate-limit" (the fake's own limiter, or a request sent
	// before an earlier 429's Retry-After had passed) or "canceled".
	Fault string
	// Applied reports whether the method ran successfully, i.e. the
	// request took effect (a message was stored, a DM opened...).
	Applied bool
	// Dropped reports whether the connection was closed without a
	// response.
	Dropped bool
	// Violation reports whether the request arrived before an earlier
	// 429's retry time on the same key had passed.
	Violation bool
	// TS is the ts of the message the request created, updated or deleted
	// (message_ts for chat.postEphemeral), "" if none.
	TS string
}

// Violation is a request that arrived on a key (method + channel) before
// the retry time of an earlier 429 on that key had passed.
type Violation struct {
	Seq     int
	Method  string
	Channel string
	// Key is the rate-limit key (see Request.Key).
	Key string
	// Time is when the offending request arrived.
	Time time.Time
	// RetryAt is when the earlier 429 allowed the next request.
	RetryAt time.Time
	// Early is RetryAt - Time.
	Early time.Duration
}

// Rule injects a fault into matching requests. A zero field matches or does
// nothing. Rules are consulted in the order they were added; the first rule
// that applies to a request wins and later rules do not see that request.
type Rule struct {
	// Method matches the Slack method name, like "chat.postMessage", or
	// MethodResponseURL (empty = any).
	Method string
	// Channel matches the "channel" parameter exactly (empty = any).
	Channel string
	// Times is how many matching requests the rule applies to (0 = every
	// matching request).
	Times int
	// Skip lets this many matching requests through first.
	Skip int
	// Prob, if > 0, applies the rule with this probability, drawn from the
	// server's seeded generator (see Server.Seed).
	Prob float64
	// Status is an HTTP status to answer with. 5xx and other non-429
	// statuses get a short text/html body, as Slack's edge sends (with
	// Error set, the JSON {"ok":false,"error":Error} instead). 429 answers
	// {"ok":false,"error":"ratelimited"} with a Retry-After of RetryAfter
	// (one Retry-After unit if RetryAfter is 0; no Retry-After header at all
	// if RetryAfter < 0). Status 200 without Error answers an HTML body
	// with status 200, which slack-go fails to decode.
	Status int
	// RetryAfter > 0 answers 429 (when Status is 0 or 429): the Retry-After
	// header is RetryAfter in whole Retry-After units (seconds unless
	// SetRetryAfterUnit), rounded up and at least 1, and
	// X-Fake-Retry-After-Ms carries the exact milliseconds.
	RetryAfter time.Duration
	// Error answers HTTP 200 {"ok":false,"error":Error}, like
	// "not_in_channel", "channel_not_found", "is_archived", "invalid_auth",
	// "msg_too_long", "invalid_blocks" or "fatal_error".
	Error string
	// Delay sleeps before answering (or before applying the request when no
	// Status, Error or RetryAfter is set). It ends early if the client goes
	// away (the request is then not applied) or the server closes.
	Delay time.Duration
	// DropBeforeApply closes the connection without a response and without
	// applying the request.
	DropBeforeApply bool
	// DropAfterApply applies the request (stores the message etc.) and then
	// closes the connection without a response: an ambiguous failure.
	DropAfterApply bool
}
