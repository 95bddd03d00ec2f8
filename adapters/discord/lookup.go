package discord

import "github.com/bwmarrin/discordgo"

// How far back a lookup for an unconfirmed message reads: Discord returns
// at most 100 messages a request, newest first, and older ones page by
// page with `before`. A restart can come after people went on talking in
// the channel, thread or DM, so one page is not enough; the bound keeps a
// lookup in a busy channel to a few requests.
const (
	lookupPage  = 100
	lookupLimit = 1000
)

// recent reads the messages of channelID from the newest back, up to
// lookupLimit of them, and returns the first that carries ref, or nil.
func (d *Discord) recent(channelID, ref string, opts ...discordgo.RequestOption) (*discordgo.Message, error) {
	before := ""
	for read := 0; read < lookupLimit; {
		n := min(lookupPage, lookupLimit-read)
		msgs, err := d.s.ChannelMessages(channelID, n, before, "", "", opts...)
		if err != nil {
			return nil, err
		}
		for _, msg := range msgs {
			if refOf(msg) == ref {
				return msg, nil
			}
		}
		read += len(msgs)
		if len(msgs) < n {
			return nil, nil // the channel's first message
		}
		before = msgs[len(msgs)-1].ID
	}
	return nil, nil
}
