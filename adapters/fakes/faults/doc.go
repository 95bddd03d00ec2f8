// Package faults is the fault-injection engine the fake servers under
// adapters/fakes share (Discord, Slack, Hugging Face): an ordered list of
// rules with a seeded generator, a mixed-fault mode, fixed-window rate
// limiting, tracking of requests that ignore a 429's Retry-After
// (violations), tallies of requests and injected faults, and the HTTP
// plumbing of a loopback fake (sleeping that ends when the server closes,
// dropped connections, a client that rewrites any host to the fake).
//
// Engine bundles that machinery for one fake, and its Controls are the
// fault-control methods (AddRule, AddMix, ClearRules, Seed, SetRateLimit,
// Violations, Stats) the Discord and Slack fakes embed in their Server,
// written once.
//
// Each fake keeps its own Rule type (what a rule matches and the error it
// answers with are platform-specific: a Discord JSON code, a Slack error
// string) and its own wire formats; this package holds what is the same:
// which request a rule applies to, in what order, with what probability,
// and the bookkeeping the reliability tests read (docs/RELIABILITY.md).
//
// Fault kinds are named by strings recorded on each request (Request.Fault
// in the fakes): see the Kind constants.
package faults
