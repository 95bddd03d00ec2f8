package discordfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"
)

// APIPrefix is the path prefix of every REST route the fake serves.
const APIPrefix = "/api/v9"

// Guild describes a guild for permission computations.
type Guild struct {
	// ID is the guild id. The @everyone role has the same id.
	ID string
	// Name is informational.
	Name string
	// OwnerID is the id of the guild owner, who has every permission.
	OwnerID string
	// Roles lists the guild's roles. Add a role whose ID equals the guild ID
	// for @everyone; without it @everyone grants nothing.
	Roles []Role
	// Members lists the guild's members. The bot needs a Member entry (or to
	// be the owner) to do anything in the guild's channels.
	Members []Member
}

// Role is a guild role with its permission bits (discordgo.Permission*).
type Role struct {
	ID          string
	Name        string
	Permissions int64
}

// Member is a guild member: a user and the ids of the roles it has
// (@everyone is implied).
type Member struct {
	UserID   string
	Username string
	Roles    []string
}

// Channel is a channel as the fake stores it: a guild channel, a thread or a
// DM channel.
type Channel struct {
	ID      string
	GuildID string
	// Type is the channel type: discordgo.ChannelTypeGuildText (0),
	// ChannelTypeGuildNews (5, announcement), ChannelTypeGuildForum (15),
	// threads (10, 11, 12) or ChannelTypeDM (1).
	Type discordgo.ChannelType
	Name string
	// Topic is informational.
	Topic string
	// ParentID is the parent channel of a thread (or the category of a
	// channel).
	ParentID string
	// PermissionOverwrites apply to a guild channel (threads use their
	// parent's).
	PermissionOverwrites []discordgo.PermissionOverwrite

	// Thread fields.

	// OwnerID is the user who created the thread.
	OwnerID string
	// Archived and Locked are the thread's archive state.
	Archived bool
	Locked   bool
	// AutoArchiveDuration is in minutes (60, 1440, 4320 or 10080).
	AutoArchiveDuration int
	// ArchiveTimestamp is when the archive state last changed.
	ArchiveTimestamp time.Time
	// StarterMessageID is the message the thread was started from (in the
	// parent channel), or the id of the forum post's first message (in the
	// thread itself). Both equal the thread id, as on Discord.
	StarterMessageID string
	// CreatedAt is when the fake created the thread or DM channel.
	CreatedAt time.Time

	// DM fields.

	// RecipientID is the other user of a DM channel.
	RecipientID string

	// LastMessageID is the id of the newest message in the channel.
	LastMessageID string
	// MessageCount counts messages created in the channel.
	MessageCount int
}

// Thread is a thread channel as returned by Threads.
type Thread struct {
	ID       string
	GuildID  string
	ParentID string
	Name     string
	// Type is 11 (public), 10 (announcement) or 12 (private).
	Type discordgo.ChannelType
	// StarterMessageID is the id of the message the thread was started from
	// ("" for a thread started without a message). For a forum post it is
	// the id of the post's first message. On Discord both equal the thread
	// id.
	StarterMessageID    string
	OwnerID             string
	Archived            bool
	Locked              bool
	AutoArchiveDuration int
	ArchiveTimestamp    time.Time
	CreatedAt           time.Time
	MessageCount        int
}

// User is a Discord user known to the fake.
type User struct {
	ID       string
	Username string
	Bot      bool
}

// Message is a stored message.
type Message struct {
	ID        string
	ChannelID string
	GuildID   string
	Author    User
	Content   string
	// Embeds are the embeds as stored (after any stripping).
	Embeds []*discordgo.MessageEmbed
	// EmbedsStripped is true when the request carried embeds and the bot
	// lacked EMBED_LINKS, so Discord dropped them silently.
	EmbedsStripped bool
	// Components is the "components" JSON as received (nil if absent or
	// null).
	Components json.RawMessage
	// AllowedMentions is the "allowed_mentions" JSON as received (nil if
	// absent), so tests can assert e.g. {"parse":[]}.
	AllowedMentions json.RawMessage
	// Nonce is the nonce as received (a JSON string's value or a number's
	// text), "" if none.
	Nonce        string
	EnforceNonce bool
	// Flags are the message flags; 32 (HAS_THREAD) is added when a thread
	// is started from the message.
	Flags int
	// ThreadID is the id of the thread started from this message, if any.
	ThreadID string
	// Attachments lists the file names of uploaded files (multipart).
	Attachments []string
	Timestamp   time.Time
	// EditedTimestamp is zero unless the message was edited.
	EditedTimestamp time.Time
	// Body is the JSON body of the request that created the message (the
	// payload_json part for multipart requests; the "message" object for a
	// forum post).
	Body json.RawMessage
}

// Request is one recorded HTTP request and what became of it.
type Request struct {
	// Seq numbers requests in arrival order, from 1.
	Seq      int
	Method   string
	Path     string
	RawQuery string
	Query    url.Values
	// Header is a copy of the request headers (Authorization included).
	Header http.Header
	Body   []byte
	// Time is when the request arrived.
	Time time.Time
	// Route is the matched route, like "POST /channels/{channel}/messages"
	// ("" if none matched).
	Route string
	// Bucket is the rate-limit key of the request (route + major
	// parameter).
	Bucket string
	// Status is the status sent; 0 if no response was sent (the connection
	// was dropped or the client went away).
	Status int
	// Fault names the rule action applied: "", "status", "rate-limit"
	// (429 from a rule), "drop-before", "drop-after", "delay",
	// "enforced-rate-limit" (the fake's own limiter) or "canceled".
	Fault string
	// Applied reports whether the route handler ran, i.e. the request took
	// effect (for writes: a message was stored, a thread created...).
	Applied bool
	// Dropped reports whether the connection was closed without a
	// response.
	Dropped bool
	// Violation reports whether the request arrived before an earlier 429's
	// retry_after on the same bucket had passed.
	Violation bool
}

// InteractionResponse records an interaction callback, an edit of the
// original response, or a follow-up.
type InteractionResponse struct {
	// Kind is "callback", "edit" (PATCH .../messages/{id}), "followup"
	// (POST /webhooks/{app}/{token}) or "delete".
	Kind          string
	InteractionID string
	ApplicationID string
	Token         string
	// Type is the callback type (4 channel message, 5 deferred channel
	// message, 6 deferred update, 7 update message, 9 modal, ...); 0 for
	// edits and follow-ups.
	Type int
	// Data is the callback's "data" object, or the whole JSON body of an
	// edit or follow-up.
	Data json.RawMessage
	// MessageID is the message created or edited ("@original" resolved to
	// the original response's id).
	MessageID string
	// Time is when the request arrived, to check the 3-second deadline.
	Time time.Time
}

// Violation is a request that arrived on a bucket before the retry_after of
// an earlier 429 on that bucket had passed.
type Violation struct {
	Seq    int
	Method string
	Path   string
	// Bucket is the rate-limit key (route + major parameter).
	Bucket string
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
	// Method matches the HTTP method (empty = any).
	Method string
	// PathPrefix matches the start of the URL path, like
	// "/api/v9/channels/123/messages" (a prefix without "/api/" gets
	// APIPrefix prepended). Note that it also matches longer paths such as
	// ".../messages/456/threads"; use Path for an exact match.
	PathPrefix string
	// Path matches the URL path exactly (same prefixing rule).
	Path string
	// Times is how many matching requests the rule applies to (0 = every
	// matching request).
	Times int
	// Skip lets this many matching requests through first.
	Skip int
	// Prob, if > 0, applies the rule with this probability, drawn from the
	// server's seeded generator (see Server.Seed).
	Prob float64
	// Status is the status to answer with, with a realistic error body.
	// With Code set and Status 0 the status is Discord's for that code;
	// with RetryAfter set and Status 0 it is 429.
	Status int
	// RetryAfter is the retry_after of a 429 (body field in seconds, plus
	// Retry-After rounded up to whole seconds and X-RateLimit-* headers with
	// Remaining 0).
	RetryAfter time.Duration
	// Code is the Discord JSON error code of a 4xx, e.g. 50001, 50013,
	// 10003, 50007, 160004, 50083.
	Code int
	// Delay sleeps before answering (or before applying the request when no
	// Status is set). It ends early if the client goes away (the request is
	// then not applied) or the server closes.
	Delay time.Duration
	// DropBeforeApply closes the connection without a response and without
	// applying the request.
	DropBeforeApply bool
	// DropAfterApply applies the request (stores the message etc.) and then
	// closes the connection without a response: an ambiguous failure.
	DropAfterApply bool
	// ForgetNonce drops the fake's nonce memory before the request is
	// handled, as Discord does after a few minutes: a retried message with
	// the same nonce is then stored again. Combined with DropAfterApply it
	// is the worst case of an ambiguous failure.
	ForgetNonce bool
}
