package discord

// GatewayReady reports whether the gateway connection is up: identified,
// and its heartbeats acknowledged. It is false before Open (or with the
// gateway off), after Close, and while discordgo reconnects after a drop.
// https://discord.com/developers/docs/events/gateway#connection-lifecycle
func (d *Discord) GatewayReady() bool {
	d.s.RLock()
	defer d.s.RUnlock()
	return d.s.DataReady
}
