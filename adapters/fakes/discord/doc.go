// Package discordfake is an in-process fake of the Discord REST API (v9) for
// tests.
//
// New starts an httptest server that answers the REST routes paperboy uses:
// the bot user and its application, gateway URL lookups, channels and messages (with nonce
// idempotency and Discord's size limits), threads started from messages,
// forum posts, thread archiving, DMs, the guild and its members (for
// permission computations), application command bulk overwrites,
// interaction callbacks and their webhook edits and follow-ups. Responses use
// Discord's JSON shapes, error bodies ({"message":...,"code":...} with the
// JSON error codes Discord uses) and rate-limit headers, so the real
// github.com/bwmarrin/discordgo client can be pointed at it:
//
//	srv := discordfake.New()
//	defer srv.Close()
//	dg, _ := discordgo.New("Bot token")
//	dg.Client = srv.Client() // rewrites https://discord.com to the fake
//
// Every request is recorded (Requests) and the stored state can be inspected
// (Messages, Threads, Channel, DMs, Commands, InteractionResponses). Faults
// are injected by rule (AddRule): error statuses with realistic bodies, 429s
// with Retry-After, slow responses, and connections dropped before or after
// the request took effect, and forgotten nonces (Rule.ForgetNonce). AddMix
// fails a share of requests with a seeded mix of faults (MixedFaults:
// 429, 500, timeout, drop after apply, forgotten nonce). The rule engine,
// and these methods, are shared with the Slack fake (package faults:
// Controls). SetRateLimit sets the limit per bucket (a route and its
// major parameter: channel, guild, webhook) that the fake advertises in
// its X-RateLimit-* headers and enforces with 429s; the default is
// DefaultRateLimit per DefaultRateLimitWindow. Violations reports
// requests that ignored an earlier 429's retry_after; Stats counts requests
// and injected faults by kind; Stored counts messages, threads, thread
// messages and DMs.
//
// StartGateway adds a minimal gateway (websocket, JSON, no compression:
// HELLO, IDENTIFY → READY, RESUME, heartbeats) through which a test
// dispatches events such as INTERACTION_CREATE to a running bot; without
// it, /gateway returns a URL nobody listens on.
//
// What it does not fake: gateway compression, sharding and the events
// Discord sends unasked, attachments' contents and CDN, reactions, pins,
// webhooks other than interaction tokens, audit logs, guild management,
// member lists (only single members), slowmode, automatic thread archiving by inactivity (use
// ArchiveThread), mentions parsing, and global (cross-route) rate limits.
// Permissions are computed only for channels whose guild was added with
// AddGuild; channels of unknown guilds let the bot do everything.
//
// Lengths are counted in UTF-16 code units, not bytes or code points: a
// character outside the Basic Multilingual Plane counts 2, so the fake
// refuses a title of 129 emoji (258 units) although it has fewer than 256
// code points. That is the stricter of the two counts Discord's limits
// have been measured in (code points by its API, UTF-16 units by its
// clients); a body within it is within either.
//
// A Server is safe for concurrent use.
package discordfake
