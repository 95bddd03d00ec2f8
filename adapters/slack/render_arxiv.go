package slack

// Context block: https://docs.slack.dev/reference/block-kit/blocks/context-block
// Links in mrkdwn: https://docs.slack.dev/messaging/formatting-message-text#linking-urls
//
// What a digest of a channel that follows arXiv categories (bot.Digest's
// Arxiv part) adds to the thread: a header that says where the papers come
// from and links to arXiv's list of the day's new papers, and the closing
// line under the last card. Pure like render.go: everything comes from the
// digest, so every attempt at a message sends the same blocks.

import (
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// arxivIntro is the header's context line for an arXiv digest: "10 of 241
// new papers in <https://arxiv.org/list/cs.LG/new|cs.LG> announced Tue 8
// Dec · the papers are in the thread", each category a link to its list.
// With the daily lists too it names Hugging Face as well. The order is
// left out: the digest does not say how the channel ranks its papers.
func arxivIntro(d *bot.Digest) string {
	a := d.Arxiv
	prefix := d.ArxivCounts("<" + bot.DailyListURL(d.ListDate) + "|Hugging Face Daily Papers>")
	suffix := " · the papers are in the thread"
	if !a.Day.IsZero() {
		suffix = " announced " + a.Day.Short() + suffix
	}
	return prefix + categoryList(a.Categories, maxContextText-bot.Length(prefix)-bot.Length(suffix)) + suffix
}

// categoryList writes cats joined with ", ", each a link to its list of
// new papers ("<https://arxiv.org/list/cs.LG/new|cs.LG>"), in at most max
// characters (bot.Length): from the first category on, as many are links
// as fit with the rest as text; when even the text does not fit, it is cut
// with "…".
func categoryList(cats []string, max int) string {
	if len(cats) == 0 || max <= 0 {
		return ""
	}
	plain := make([]string, len(cats))
	linked := make([]string, len(cats))
	for i, c := range cats {
		plain[i] = escapeMrkdwn(c)
		linked[i] = plain[i]
		if u := bot.CategoryListURL(c, maxButtonURL); u != "" && plain[i] == c {
			linked[i] = "<" + u + "|" + c + ">"
		}
	}
	if s, ok := bot.FitLinks(plain, linked, ", ", max); ok {
		return s
	}
	return truncateEscaped(strings.Join(cats, ", "), max)
}

// closingLine is the digest's closing line (bot.Digest.Closing, "and 231
// more new in cs.LG today") as mrkdwn with each category a link to its
// list page, in at most max characters; "" when the digest has none.
func closingLine(d *bot.Digest, max int) string {
	b, a, ok := d.Arxiv.MoreParts()
	if !ok {
		return ""
	}
	// escapeRun keeps the spaces around the list (the escapers trim).
	before, after := escapeRun(b, true), escapeRun(a, false)
	room := max - bot.Length(before) - bot.Length(after)
	if room < bot.Length(bot.Ellipsis) {
		return truncateEscaped(d.Closing(), max)
	}
	return before + categoryList(d.Arxiv.Categories, room) + after
}

// closingBlock is the context block that ends the message of d's last
// item, or nil for any other item or when the digest has no closing line.
func closingBlock(d *bot.Digest, it bot.Item) slackgo.Block {
	if !d.IsLast(it) {
		return nil
	}
	line := closingLine(d, maxContextText)
	if strings.TrimSpace(line) == "" {
		return nil
	}
	return &slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
		Elements: []slackgo.MixedElement{mrkdwnText(line)}}}
}

// closingText is the closing line for the fallback text, within max.
func closingText(d *bot.Digest, it bot.Item, max int) string {
	if !d.IsLast(it) {
		return ""
	}
	return truncateText(d.Closing(), max)
}

// maxClosingText bounds the closing line in an item's fallback text; the
// title gets the rest.
const maxClosingText = 1000

// renderThreadItem renders one paper of digest d as posted in its thread:
// the card, and after the last one the closing line (a context block of
// its own, and a line of the fallback text). The card is fitted with the
// closing block's size reserved, so the message stays within
// maxBlocksJSON.
func renderThreadItem(d *bot.Digest, it bot.Item, key string) message {
	closing := closingBlock(d, it)
	reserved := 0
	if closing != nil {
		reserved = blocksSize([]slackgo.Block{closing}) // its brackets make room for the comma
	}
	m := message{Blocks: itemCard(it, reserved)}
	m.Text = withClosingText(d, it, func(max int) string { return itemTextWithin(it.Paper, it.Rank, max) })
	if closing != nil {
		m.Blocks = append(m.Blocks, closing)
	}
	if key != "" {
		m.Metadata = metadataFor(key)
	}
	return m
}

// withClosingText is the fallback text made by text (given the room it
// has), with the closing line of the last item on a line of its own.
func withClosingText(d *bot.Digest, it bot.Item, text func(max int) string) string {
	c := closingText(d, it, maxClosingText)
	if c == "" {
		return text(maxText)
	}
	return text(maxText-1-bot.Length(c)) + "\n" + c
}

// minimalThreadItem is minimalItem with, on the last item, the closing
// line: it is what the thread ends with however the card had to be cut.
func minimalThreadItem(d *bot.Digest, it bot.Item, key string) message {
	m := minimalItem(it, key)
	if closing := closingBlock(d, it); closing != nil {
		m.Blocks = append(m.Blocks, closing)
		m.Text = withClosingText(d, it, func(max int) string { return orEllipsis(truncateText(it.Paper.DisplayTitle(), min(200, max))) })
	}
	return m
}

// categoriesText is the card's fact of a paper only arXiv has described,
// in place of Hugging Face's upvotes and comments: its categories, as
// arXiv lists them, escaped and at most max characters.
func categoriesText(p bot.Paper, max int) string {
	return truncateEscaped(strings.Join(p.Categories, ", "), max)
}
