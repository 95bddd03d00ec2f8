package slack

// Block Kit blocks: https://docs.slack.dev/reference/block-kit/blocks

import (
	"strconv"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

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
