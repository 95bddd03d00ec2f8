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
	"strconv"
	"strings"

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

// itemTextWithin is the fallback text of a paper, "3. Title https://…",
// in at most max characters.
func itemTextWithin(p bot.Paper, rank, max int) string {
	tail := ""
	if p.HasArxivID() {
		tail = " " + p.PageURL()
	}
	prefix := ""
	if rank > 0 {
		prefix = strconv.Itoa(rank) + ". "
	}
	room := max - bot.Length(prefix+tail)
	return orEllipsis(strings.TrimSpace(prefix + truncateText(p.DisplayTitle(), room) + tail))
}

// cardLimits are the lengths a paper card is built with. A card that would
// exceed maxBlocksJSON (only hostile input comes close: 3,000-character
// links full of "&", which JSON writes as \u0026) is built again with the
// next, smaller set; the last one always fits.
type cardLimits struct {
	title, summary, authors, org int // escaped runes
	alt                          int // runes of the title in the alt text; 0: no thumbnail
	link                         int // longest code or project link
}

var cardLevels = []cardLimits{
	{title: 300, summary: 1500, authors: 1000, org: 256, alt: 300, link: maxButtonURL},
	{title: 300, summary: 1500, authors: 500, org: 150, alt: 150, link: 1000},
	{title: 200, summary: 600, authors: 200, org: 100, alt: 100, link: 300},
	{title: 150, summary: 300, authors: 120, org: 60, alt: 0, link: 200},
}

// fitCard returns the largest card of p (see cardLevels) whose blocks, with
// reserved more characters of JSON, fit in maxBlocksJSON.
func fitCard(p bot.Paper, rank, reserved int) []slackgo.Block {
	var blocks []slackgo.Block
	for _, lim := range cardLevels {
		blocks = paperCard(p, rank, lim)
		if blocksSize(blocks)+reserved <= maxBlocksJSON {
			break
		}
	}
	return blocks
}

// paperCard is a paper's card: a section with the numbered title linked to
// its page (bot.Paper.PageURL: Hugging Face's, or arXiv's for a paper only
// arXiv has described; rank 0 leaves the number out), the summary and the
// thumbnail; a context line with authors, upvotes and comments (for a
// paper only arXiv has described, which Hugging Face has no counts of,
// its arXiv categories instead) and organization; and the link buttons.
func paperCard(p bot.Paper, rank int, lim cardLimits) []slackgo.Block {
	text := "*" + titleLink(p, rank, lim.title) + "*"
	if p.HasArxivID() && bot.LooksLikeURL(p.DisplayTitle()) {
		text += " " + pageLink(p)
	}
	// Summary works on whitespace-collapsed text; clean first so that the
	// dropped characters do not count against its length.
	q := p
	q.AISummary, q.Abstract = cleanText(p.AISummary), cleanText(p.Abstract)
	if s := truncateEscaped(bot.Summary(q, bot.SummaryLen), lim.summary); s != "" {
		text += "\n" + s
	}
	section := &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(text)}
	if lim.alt > 0 && validLink(p.Thumbnail, maxImageURL, true) {
		section.Accessory = &slackgo.Accessory{ImageElement: slackgo.NewImageBlockElement(p.Thumbnail,
			"thumbnail: "+bot.Truncate(p.DisplayTitle(), lim.alt))}
	}
	blocks := []slackgo.Block{section}

	var authors []string
	for _, a := range p.Authors {
		if a = bot.Truncate(cleanText(a), maxAuthorDisplay); a != "" {
			authors = append(authors, a)
		}
	}
	var facts []string
	if a := truncateEscaped(bot.ShortAuthors(authors, 3), lim.authors); a != "" {
		facts = append(facts, a)
	}
	if p.ArxivOnly() {
		if c := categoriesText(p, lim.org); c != "" {
			facts = append(facts, c)
		}
	} else {
		facts = append(facts, "▲ "+bot.Count(p.Upvotes, "upvote"), bot.Count(p.Comments, "comment"))
	}
	if o := truncateEscaped(p.Organization(), lim.org); o != "" {
		facts = append(facts, o)
	}
	blocks = append(blocks, &slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
		Elements: []slackgo.MixedElement{mrkdwnText(strings.Join(facts, " · "))}}})

	if buttons := linkButtons(p, lim.link); len(buttons) > 0 {
		blocks = append(blocks, &slackgo.ActionBlock{Type: slackgo.MBTAction, Elements: &slackgo.BlockElements{ElementSet: buttons}})
	}
	return blocks
}

// watchButton is the Watch button of an item (see withWatch).
func watchButton(it bot.Item) *slackgo.ButtonBlockElement {
	return &slackgo.ButtonBlockElement{Type: slackgo.METButton, Text: plainText("Watch"),
		ActionID: actionPrefix + "watch", Value: bot.WatchAction(it.Paper.ID)}
}

// itemCard is fitCard for a digest item: with its Watch button (when
// it.Watch) counted in the room the card has.
func itemCard(it bot.Item, reserved int) []slackgo.Block {
	extra := 0
	if it.Watch {
		extra = blocksSize([]slackgo.Block{slackgo.NewActionBlock("", watchButton(it))})
	}
	return withWatch(fitCard(it.Paper, it.Rank, reserved+extra), it)
}

// withWatch adds the item's Watch button (when it.Watch and its paper has
// an arXiv id, the watch's key) to the card's link buttons, or in an
// actions block of its own when the card has none. Everyone sees it; a
// press is answered only to the presser, never by replacing the post
// (bot.ActionReplaces).
func withWatch(blocks []slackgo.Block, it bot.Item) []slackgo.Block {
	if !it.Watch || !it.Paper.HasArxivID() {
		return blocks
	}
	if n := len(blocks); n > 0 {
		if a, ok := blocks[n-1].(*slackgo.ActionBlock); ok && a.Elements != nil && len(a.Elements.ElementSet) < maxActionItems {
			a.Elements.ElementSet = append(a.Elements.ElementSet, watchButton(it))
			return blocks
		}
	}
	return append(blocks, &slackgo.ActionBlock{Type: slackgo.MBTAction, Elements: &slackgo.BlockElements{ElementSet: []slackgo.BlockElement{watchButton(it)}}})
}

// titleLink is a paper's title (p.DisplayTitle, cut to max) as the label
// of a link to its page (bot.Paper.PageURL), after "N. " when rank > 0. A
// title that looks like a web address (bot.LooksLikeURL) is never the
// label of a link that leads elsewhere: it is written as text (its own
// URLs linked to themselves), and the caller adds pageLink after it.
func titleLink(p bot.Paper, rank, max int) string {
	prefix := ""
	if rank > 0 {
		prefix = strconv.Itoa(rank) + ". "
	}
	title := p.DisplayTitle()
	if !p.HasArxivID() || bot.LooksLikeURL(title) {
		return prefix + truncateEscaped(title, max)
	}
	return prefix + "<" + p.PageURL() + "|" + truncateEscaped(title, max) + ">"
}

// hfLink is a link to the paper's Hugging Face page with a label of
// paperboy's own.
func hfLink(p bot.Paper) string { return "<" + p.HuggingFaceURL() + "|Hugging Face>" }

// pageLink is a link to the paper's page (bot.Paper.PageURL) with a label
// of paperboy's own: hfLink, or for a paper only arXiv has described a
// link to its arXiv page.
func pageLink(p bot.Paper) string {
	if p.ArxivOnly() {
		return "<" + p.ArxivURL() + "|arXiv>"
	}
	return hfLink(p)
}

// linkButtons are a paper's link buttons, as on Discord: Hugging Face (not
// for a paper only arXiv has described: Hugging Face has no page worth
// visiting), arXiv, PDF (when the id is an arXiv id), code (with its
// GitHub stars) and project page, each only when its link is a
// well-formed http(s) URL (a bad one would make Slack refuse the whole
// message); the code and project links also at most maxLink characters.
// A link already on an earlier button (Hugging Face lists some papers' own
// page as their project page) is left out. Each button has its own
// action_id; Slack still sends an interaction for a click on a link
// button, which the adapter acknowledges.
func linkButtons(p bot.Paper, maxLink int) []slackgo.BlockElement {
	type link struct{ id, label, url string }
	var links []link
	if p.HasArxivID() {
		if !p.ArxivOnly() {
			links = append(links, link{"link_hf", "Hugging Face", p.HuggingFaceURL()})
		}
		links = append(links,
			link{"link_arxiv", "arXiv", p.ArxivURL()},
			link{"link_pdf", "PDF", p.PDFURL()})
	}
	code := "Code"
	if p.GitHubStars > 0 {
		code += " ★ " + bot.CompactCount(p.GitHubStars)
	}
	links = append(links,
		link{"link_code", code, strings.TrimSpace(p.GitHubRepo)},
		link{"link_project", "Project", strings.TrimSpace(p.ProjectPage)})

	var buttons []slackgo.BlockElement
	seen := make(map[string]bool)
	for _, l := range links {
		if !validLink(l.url, min(maxLink, maxButtonURL), false) || seen[l.url] {
			continue
		}
		seen[l.url] = true
		buttons = append(buttons, &slackgo.ButtonBlockElement{
			Type: slackgo.METButton, Text: plainText(bot.Truncate(l.label, maxButtonText)), ActionID: l.id, URL: l.url})
	}
	return buttons
}

// titleBlock shows a title: a header block when it fits in one (150
// characters) and holds none of & < > (whether Slack decodes entities in
// plain text is not documented, so it never has to), else a bold section.
// It returns nil for an empty title.
func titleBlock(title string) slackgo.Block {
	c := cleanText(title)
	if c == "" {
		return nil
	}
	if !strings.ContainsAny(c, "&<>") {
		// escapeEntities only breaks mentions here.
		if h := escapeEntities(c); bot.Length(h) <= maxHeaderText {
			return &slackgo.HeaderBlock{Type: slackgo.MBTHeader, Text: plainText(h)}
		}
	}
	return &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText("*" + truncateEscaped(c, maxReplyTitle-2) + "*")}
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
