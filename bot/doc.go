// Package bot is paperboy's domain: papers, channels and their settings, the
// daily digest, the scheduler, the delivery log's rules and the interfaces
// (Source, Platform, Store) that the adapters and the store implement.
//
// It imports only the standard library. Everything that talks to the outside
// world lives in adapters/* and store, which import bot; bot imports none of
// them.
package bot
