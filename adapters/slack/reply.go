package slack

// Replies to commands and direct messages: a title, lines of mrkdwn, one
// paper as its card or several as a list, the reply's buttons.
// https://docs.slack.dev/reference/block-kit/blocks (section, actions),
// https://docs.slack.dev/messaging/formatting-message-text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// actionPrefix starts the action_id of a reply's buttons; the button's
// value is the bot's opaque action (search paging).
const actionPrefix = "paperboy_action_"

// actionButtons renders a reply's buttons (search paging, the watch
// list's) as one actions block.
func actionButtons(bs []bot.Button) slackgo.Block {
	if len(bs) == 0 {
		return nil
	}
	var els []slackgo.BlockElement
	for i, b := range bs[:min(len(bs), maxActionItems)] {
		btn := slackgo.NewButtonBlockElement(fmt.Sprintf("%s%d", actionPrefix, i), b.Action, plainText(truncateText(b.Label, 75)))
		els = append(els, btn)
	}
	return slackgo.NewActionBlock("paperboy_actions", els...)
}

// renderReply renders a command reply or a direct message: the title as a
// header, the lines as mrkdwn sections, one paper as its card, several as a
// numbered list of links. What does not fit in 50 blocks or the size budget
// is left out, and a line after the text says how much.
func renderReply(r bot.Reply) message {
	m := message{Text: orEllipsis(truncateText(r.Plain(), maxText))}
	fixed, entries := replyText(r)
	var card []slackgo.Block
	switch {
	case len(r.Papers) == 1:
		card = fitCard(r.Papers[0], 0, blocksSize(fixed)+noteReserve)
	case len(r.Papers) > 1:
		for n, p := range r.Papers {
			entries = append(entries, replyEntry{text: listLine(n+1, p), paper: true})
		}
	}

	if b := actionButtons(r.Buttons); b != nil {
		card = append(card, b) // counted with the card, so the size budget holds
	}
	sections, rest := packSections(entries, fixed, card)
	m.Blocks = append(fixed, sections...)
	if len(rest) > 0 {
		m.Blocks = append(m.Blocks, leftOutNote(rest)) // under the text it cuts short
	}
	m.Blocks = append(m.Blocks, card...)
	if len(m.Blocks) == 0 {
		m.Blocks = []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText("…")}}
	}
	return m
}

// replyText is the text of a reply as renderReply starts from it (and
// FitsDM measures it): the title's block, if any, and the rendered lines.
func replyText(r bot.Reply) (fixed []slackgo.Block, entries []replyEntry) {
	if b := titleBlock(r.Title); b != nil {
		fixed = append(fixed, b)
	}
	for _, l := range r.Lines {
		if s := renderLine(l); s != "" {
			entries = append(entries, replyEntry{text: s})
		}
	}
	return fixed, entries
}

// replyEntry is one rendered line of a reply: a line of text, or a paper
// of a list.
type replyEntry struct {
	text  string
	paper bool
}

// noteReserve is room kept for the note that says what was left out.
const noteReserve = 200

// packSections puts the entries, in order, into sections of at most
// maxSectionText characters, as many as fit with the fixed blocks before
// and the card after them in maxBlocks blocks and maxBlocksJSON (keeping
// room for the note). It returns the sections and the entries left out.
func packSections(entries []replyEntry, fixed, card []slackgo.Block) ([]slackgo.Block, []replyEntry) {
	var texts []string
	build := func(texts []string) []slackgo.Block {
		out := make([]slackgo.Block, 0, len(texts))
		for _, t := range texts {
			out = append(out, &slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(t)})
		}
		return out
	}
	fits := func(texts []string) bool {
		blocks := append(append(append([]slackgo.Block{}, fixed...), build(texts)...), card...)
		return len(blocks) < maxBlocks && blocksSize(blocks)+noteReserve <= maxBlocksJSON
	}
	for i, e := range entries {
		next := append([]string{}, texts...)
		if n := len(next); n > 0 && bot.Length(next[n-1])+1+bot.Length(e.text) <= maxSectionText {
			next[n-1] += "\n" + e.text
		} else {
			next = append(next, e.text)
		}
		if !fits(next) {
			return build(texts), entries[i:]
		}
		texts = next
	}
	return build(texts), nil
}

// leftOutNote says how many lines and papers did not fit.
func leftOutNote(rest []replyEntry) slackgo.Block {
	lines, papers := 0, 0
	for _, e := range rest {
		if e.paper {
			papers++
		} else {
			lines++
		}
	}
	var parts []string
	if lines > 0 {
		parts = append(parts, bot.Count(lines, "more line"))
	}
	if papers > 0 {
		parts = append(parts, bot.Count(papers, "more paper"))
	}
	text := "… and " + strings.Join(parts, " and ") + " not shown"
	return &slackgo.ContextBlock{Type: slackgo.MBTContext, ContextElements: slackgo.ContextElements{
		Elements: []slackgo.MixedElement{mrkdwnText(text)}}}
}

// listLine is one paper of a list: "2. <url|Title> · 41 upvotes" (for a
// paper only arXiv has described, its category: bot.Paper.Standing).
func listLine(n int, p bot.Paper) string {
	title := titleLink(p, n, maxListTitle)
	if p.HasArxivID() && bot.LooksLikeURL(p.DisplayTitle()) {
		title += " · " + pageLink(p)
	}
	return fmt.Sprintf("%s · %s", title, truncateEscaped(p.Standing(), maxStanding))
}

// renderLine renders one line of a reply as mrkdwn: Bold as *x*, Code as
// `x`, URL as <url|x>, all text escaped. Slack formats *x* and `x` only at
// word boundaries, so a space separates them from a letter or digit right
// next to them (a zero-width space would do it invisibly, but paperboy
// sends none but the one that defuses a mention). Markup never touches a
// URL: a Bold span that holds one is written without the markers, a Code
// span that holds one as text; a link whose label comes with a web
// address of its own (bot.LooksLikeURL) is written as that text followed
// by a separate link. A line longer than a section loses its formatting
// and is cut.
func renderLine(l bot.Line) string {
	var b strings.Builder
	boundary := false // the last piece was formatted and needs a boundary after it
	for _, sp := range l {
		core := cleanText(sp.Text)
		lead, trail := startsWithSpace(sp.Text), endsWithSpace(sp.Text)
		if lead && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
			boundary = false
		}
		if core == "" {
			continue
		}
		hasURL := len(bot.FindURLs(core)) > 0
		var piece string
		formatted := false
		switch {
		case sp.URL != "" && validLink(sp.URL, maxButtonURL, false) && bot.LooksLikeURL(core):
			piece = escapeLinked(core, b.Len() == 0) + " <" + strings.ReplaceAll(sp.URL, "&", "&amp;") + "|link>"
		case sp.URL != "" && validLink(sp.URL, maxButtonURL, false):
			piece = "<" + strings.ReplaceAll(sp.URL, "&", "&amp;") + "|" + escapeRun(core, false) + ">"
		case sp.Code && !hasURL:
			piece, formatted = "`"+escapeEntities(strings.ReplaceAll(core, "`", string(lookAlikes['`'])))+"`", true
		case sp.Bold && !hasURL:
			piece, formatted = "*"+escapeRun(core, false)+"*", true
		default:
			piece = escapeLinked(core, b.Len() == 0)
		}
		first, _ := utf8.DecodeRuneInString(piece)
		last, _ := utf8.DecodeLastRuneInString(b.String())
		if (formatted && wordRune(last)) || (boundary && wordRune(first)) {
			b.WriteByte(' ')
		}
		b.WriteString(piece)
		boundary = formatted
		if trail {
			b.WriteByte(' ')
			boundary = false
		}
	}
	s := strings.TrimRight(b.String(), " ")
	if bot.Length(s) > maxSectionText {
		var plain strings.Builder
		for _, sp := range l {
			plain.WriteString(sp.Text)
		}
		s = truncateEscaped(plain.String(), maxSectionText)
	}
	return s
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func endsWithSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

// minimalReply is the answer sent when the rendered one would break a
// limit (see Slack.checked).
func minimalReply() message {
	const text = "paperboy could not show this answer within Slack's limits; please try again, or narrow the search."
	return message{Text: text, Blocks: []slackgo.Block{&slackgo.SectionBlock{Type: slackgo.MBTSection, Text: mrkdwnText(text)}}}
}
