package discord

// Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// Markdown (masked links): https://support.discord.com/hc/en-us/articles/210298617
//
// What a digest of a channel that follows arXiv categories (bot.Digest's
// Arxiv part) adds to the thread: a header that says where the papers come
// from and links to arXiv's list of the day's new papers, and the closing
// line under the last card. Pure like render.go: everything comes from the
// digest, so every attempt at a message sends the same bytes.

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// arxivRed is arXiv's red: the colour of an arXiv digest's header and of
// the cards of papers only arXiv has described.
const arxivRed = 0xB31B1B

// arxivHeaderLink is where an arXiv digest's header title links to: the
// list page of its first category.
func arxivHeaderLink(a *bot.ArxivPart) string {
	if len(a.Categories) > 0 {
		if u := bot.CategoryListURL(a.Categories[0], maxImageURL); u != "" {
			return u
		}
	}
	return "https://arxiv.org/"
}

// arxivColor is the colour of an arXiv digest's header: arXiv's red, or
// the Hugging Face yellow when the channel follows the daily lists too.
func arxivColor(a *bot.ArxivPart) int {
	if a.WithLists {
		return hfYellow
	}
	return arxivRed
}

// arxivDescription is the header's line under the title for an arXiv
// digest: "10 of 241 new papers in [cs.LG](<https://arxiv.org/list/cs.LG/new>),
// announced Tue 8 Dec: one card per paper in the thread below." With the
// daily lists too it names Hugging Face as well. The order is left out:
// the digest does not say how the channel ranks its papers.
func arxivDescription(d *bot.Digest) string {
	a := d.Arxiv
	prefix := d.ArxivCounts(hfListLink(d.ListDate))
	suffix := ": one card per paper in the thread below."
	if !a.Day.IsZero() {
		suffix = ", announced " + a.Day.Short() + suffix
	}
	return prefix + categoryList(a.Categories, maxDescription-bot.Length(prefix)-bot.Length(suffix)) + suffix
}

// hfListLink is a masked link to the Hugging Face daily list of day.
func hfListLink(day bot.Date) string {
	return "[Hugging Face Daily Papers](<" + bot.DailyListURL(day) + ">)"
}

// categoryList writes cats joined with ", ", each a masked link to its
// list of new papers ("[cs.LG](<https://arxiv.org/list/cs.LG/new>)"), in
// at most max characters (bot.Length): from the first category on, as
// many are links as fit with the rest as text; when even the text does
// not fit, it is cut with "…". The angle brackets keep a link from
// unfolding into a preview wherever the text is shown.
func categoryList(cats []string, max int) string {
	if len(cats) == 0 || max <= 0 {
		return ""
	}
	plain := make([]string, len(cats))
	linked := make([]string, len(cats))
	for i, c := range cats {
		plain[i] = escapeMarkdown(c)
		linked[i] = plain[i]
		if u := bot.CategoryListURL(c, maxImageURL); u != "" && plain[i] == c {
			linked[i] = "[" + c + "](<" + u + ">)"
		}
	}
	if s, ok := bot.FitLinks(plain, linked, ", ", max); ok {
		return s
	}
	return truncateEscaped(strings.Join(cats, ", "), max)
}

// closingLine is the digest's closing line (bot.Digest.Closing, "and 231
// more new in cs.LG today") with each category a link to its list page, in
// at most max characters; "" when the digest has none.
func closingLine(d *bot.Digest, max int) string {
	b, a, ok := d.Arxiv.MoreParts()
	if !ok {
		return ""
	}
	// escapeWording keeps the spaces around the list (the escapers trim).
	before, after := escapeWording(b, true), escapeWording(a, false)
	room := max - bot.Length(before) - bot.Length(after)
	if room < bot.Length(bot.Ellipsis) {
		return truncateEscaped(d.Closing(), max)
	}
	return before + categoryList(d.Arxiv.Categories, room) + after
}

// escapeWording escapes a piece of the bot's own wording, keeping its
// spaces (escapeMarkdown would trim them).
func escapeWording(s string, atStart bool) string {
	var b strings.Builder
	escapeText(&b, s, atStart)
	return b.String()
}

// withClosing adds, to the message of d's last item, the digest's closing
// line as a small embed of its own under the card, fitted in what the
// card leaves of Discord's limits. The embed has no URL: embeds of one
// message that share a URL are shown merged.
func withClosing(m *createMessage, d *bot.Digest, it bot.Item) {
	if !d.IsLast(it) || d.Closing() == "" || len(m.Embeds) >= maxEmbeds {
		return
	}
	used := 0
	for _, e := range m.Embeds {
		used += embedLength(e)
	}
	line := closingLine(d, min(maxDescription, maxEmbedTotal-used))
	if strings.TrimSpace(line) == "" {
		return
	}
	m.Embeds = append(m.Embeds, &discordgo.MessageEmbed{Description: line, Color: arxivRed})
}

// embedLength is how much of the message's 6,000 characters of embed text
// e takes, counted as validate counts it.
func embedLength(e *discordgo.MessageEmbed) int {
	if e == nil {
		return 0
	}
	n := bot.Length(e.Title) + bot.Length(e.Description)
	for _, f := range e.Fields {
		if f != nil {
			n += bot.Length(f.Name) + bot.Length(f.Value)
		}
	}
	if e.Footer != nil {
		n += bot.Length(e.Footer.Text)
	}
	if e.Author != nil {
		n += bot.Length(e.Author.Name)
	}
	return n
}

// renderThreadItem renders one paper of digest d as posted in its thread:
// the card (renderItem), and under the last one the closing line.
func renderThreadItem(d *bot.Digest, it bot.Item, key string) createMessage {
	m := renderItem(it, key)
	withClosing(&m, d, it)
	return m
}

// minimalThreadItem is minimalItem with, on the last item, the closing
// line: it is what the thread ends with however the card had to be cut.
func minimalThreadItem(d *bot.Digest, it bot.Item, key string) createMessage {
	m := minimalItem(it, key)
	withClosing(&m, d, it)
	return m
}

// categoriesField is the card field of a paper only arXiv has described,
// in place of Hugging Face's upvotes and comments: its categories, as
// arXiv lists them.
func categoriesField(p bot.Paper) *discordgo.MessageEmbedField {
	name := "Category"
	if len(p.Categories) > 1 {
		name = "Categories"
	}
	v := truncateEscaped(strings.Join(p.Categories, ", "), maxOrganization)
	if v == "" {
		return nil
	}
	return &discordgo.MessageEmbedField{Name: name, Value: v, Inline: true}
}
