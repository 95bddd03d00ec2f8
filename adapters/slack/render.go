package slack

// Block Kit blocks: https://docs.slack.dev/reference/block-kit/blocks
// chat.postMessage: https://docs.slack.dev/reference/methods/chat.postMessage
// Message metadata: https://docs.slack.dev/messaging/message-metadata
//
// This file turns a bot.Digest into Block Kit (command replies and direct
// messages: reply.go). It is pure: no I/O, and the same input always gives
// the same blocks. validate (validate.go) checks every limit Slack
// enforces, counted the stricter way (bot.Length: UTF-16 units), and runs
// before every send (Slack.checked), so a message Slack would refuse (it
// answers invalid_blocks for the whole message) is never sent.

import (
	"encoding/json"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// message is one Slack message: the fallback text, the blocks, and the
// metadata that carries the delivery-log key.
type message struct {
	// Text is the plain-text fallback (notifications, screen readers),
	// escaped like mrkdwn (& < > as entities, mentions broken), at most
	// maxText runes. Send it with MsgOptionText(text, false).
	Text     string
	Blocks   []slackgo.Block
	Metadata *slackgo.SlackMetadata // nil for command replies
}

// metadataEvent is the event_type of the metadata on every digest message.
const metadataEvent = "paperboy_delivery"

// Slack's limits, in characters (runes), from the Block Kit reference.
const (
	maxBlocks       = 50
	maxHeaderText   = 150
	maxSectionText  = 3000
	maxFields       = 10
	maxFieldText    = 2000
	maxContextItems = 10
	maxContextText  = 3000 // a text object's limit; the context block sets none of its own
	maxActionItems  = 25
	maxButtonText   = 75
	maxButtonURL    = 3000
	maxButtonValue  = 2000
	maxActionID     = 255
	maxBlockID      = 255
	maxImageURL     = 3000
	maxAltText      = 2000
)

// Our own limits.
const (
	// maxBlocksJSON bounds the JSON of a message's blocks, as slack-go sends
	// it (encoding/json: & < > written as \u0026 \u003c \u003e), counted in
	// UTF-16 code units (an emoji counts two). Slack refuses larger block
	// lists with msg_blocks_too_long; the limit is undocumented and was
	// measured at about 13,200 characters (slackapi/bolt-js#2509), so
	// 12,000 leaves a margin of about 10%.
	maxBlocksJSON = 12_000
	// maxText bounds the fallback text. Slack truncates text at 40,000
	// characters but refuses long text in some places (ephemeral replies
	// at about 3,000), so 3,000 is safe everywhere.
	maxText = 3000
	// maxReplyTitle bounds a reply title too long for a header block,
	// shown as a bold section instead.
	maxReplyTitle = 1000
	// maxAuthorDisplay bounds one author's name before the names are joined.
	maxAuthorDisplay = 100
	// maxListTitle bounds a title in a list of papers (as on Discord).
	maxListTitle = 150
	// maxStanding bounds a paper's standing (bot.Paper.Standing: its
	// upvotes, or its arXiv category, which comes from outside) in a list.
	maxStanding = 100
)

// metadataFor is the metadata of a digest message sent for a delivery-log
// key. conversations.history and conversations.replies return it with
// include_all_metadata, so the adapter can find the message after a crash
// (see keyOf).
func metadataFor(key string) *slackgo.SlackMetadata {
	return &slackgo.SlackMetadata{EventType: metadataEvent, EventPayload: map[string]any{"key": key}}
}

// keyOf returns the delivery-log key in a message's metadata, or "" when
// the message carries none (or metadata of another kind).
func keyOf(m slackgo.Message) string {
	if m.Metadata.EventType != metadataEvent {
		return ""
	}
	key, _ := m.Metadata.EventPayload["key"].(string)
	return key
}

// renderHeader renders the message a digest's thread starts from: the
// title, and a line that says where the papers come from, linked to the
// day's list (Hugging Face's, or for an arXiv digest arXiv's list of each
// category's new papers, see arxivIntro).
func renderHeader(d *bot.Digest, key string) message {
	intro := fmt.Sprintf("%s from <%s|Hugging Face Daily Papers>, most upvoted first · the papers are in the thread",
		bot.Count(len(d.Items), "paper"), bot.DailyListURL(d.ListDate))
	if d.Arxiv != nil {
		intro = arxivIntro(d)
	}
	m := message{
		Text: orEllipsis(truncateText(d.Header(), maxText)),
		Blocks: []slackgo.Block{
			titleBlock(d.Title()),
			&slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
				Elements: []slackgo.MixedElement{mrkdwnText(intro)}}},
		},
	}
	if key != "" {
		m.Metadata = metadataFor(key)
	}
	return m
}

// mrkdwnText is a mrkdwn text object with verbatim set, so Slack does not
// turn URLs, channel names or mentions in it into links on its own.
func mrkdwnText(s string) *slackgo.TextBlockObject {
	return &slackgo.TextBlockObject{Type: slackgo.MarkdownType, Text: s, Verbatim: true}
}

// plainText is a plain_text object with emoji off, so ":fire:" stays text.
func plainText(s string) *slackgo.TextBlockObject {
	no := false
	return &slackgo.TextBlockObject{Type: slackgo.PlainTextType, Text: s, Emoji: &no}
}

func orEllipsis(s string) string {
	if s == "" {
		return bot.Ellipsis
	}
	return s
}

// blocksSize is the length of the blocks' JSON in UTF-16 code units
// (see maxBlocksJSON).
func blocksSize(blocks []slackgo.Block) int {
	b, err := json.Marshal(blocks)
	if err != nil {
		return maxBlocksJSON + 1
	}
	return bot.Length(string(b))
}

// minimalHeader is the header sent when the rendered one would break a
// limit (see Slack.checked): the digest's title and paper count in one
// section.
func minimalHeader(d *bot.Digest, key string) message {
	title := truncateEscaped(d.Header(), maxHeaderText)
	m := message{Text: orEllipsis(truncateText(d.Header(), maxText)),
		Blocks: []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(orEllipsis(title))}}}
	if key != "" {
		m.Metadata = metadataFor(key)
	}
	return m
}

// minimalItem is the card sent when the rendered one would break a limit
// (see Slack.checked): the numbered title, cut short, with the paper's
// link buttons, so the rest of the thread goes on.
func minimalItem(it bot.Item, key string) message {
	text := "*" + titleLink(it.Paper, it.Rank, 100) + "*"
	blocks := []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(text)}}
	if buttons := linkButtons(it.Paper, 200); len(buttons) > 0 {
		blocks = append(blocks, &slackgo.ActionBlock{Type: slackgo.MBTAction, Elements: &slackgo.BlockElements{ElementSet: buttons}})
	}
	blocks = withWatch(blocks, it)
	m := message{Blocks: blocks, Text: orEllipsis(truncateText(it.Paper.DisplayTitle(), 200))}
	if key != "" {
		m.Metadata = metadataFor(key)
	}
	return m
}
