package console

// What a digest of a channel that follows arXiv categories (bot.Digest's
// Arxiv part) adds to the thread printed: where the papers come from, with
// the address of arXiv's list of the day's new papers, under the header,
// and the closing line after the last paper.

import (
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// arxivIntro is the line under an arXiv digest's header: "10 of 241 new
// papers in cs.LG announced Tue 8 Dec", as on the chat platforms. The
// order is left out: the digest does not say how the channel ranks its
// papers.
func arxivIntro(d *bot.Digest) string {
	a := d.Arxiv
	s := d.ArxivCounts("Hugging Face Daily Papers") + Clean(a.CategoryLabel())
	if !a.Day.IsZero() {
		s += " announced " + a.Day.Short()
	}
	return s
}

// arxivListLink is the address of the list of the first category's new
// papers, or "" when the digest names none.
func arxivListLink(a *bot.ArxivPart) string {
	if len(a.Categories) == 0 {
		return ""
	}
	return bot.ArxivListURL(Clean(a.Categories[0]))
}

// renderArxivIntro writes the intro of an arXiv digest, wrapped to Width,
// and the list's address.
func (c *Console) renderArxivIntro(b *strings.Builder, d *bot.Digest) {
	for _, line := range wrap(arxivIntro(d), Width) {
		b.WriteString(line + "\n")
	}
	if u := arxivListLink(d.Arxiv); u != "" {
		b.WriteString(c.style(dim, u) + "\n")
	}
}

// renderClosing writes, after the last item of d, the digest's closing
// line ("and 231 more new in cs.LG today"), wrapped to Width; nothing for
// any other item or when the digest has no closing line.
func (c *Console) renderClosing(b *strings.Builder, d *bot.Digest, it bot.Item) {
	if !d.IsLast(it) {
		return
	}
	closing := Clean(d.Closing())
	if closing == "" {
		return
	}
	for _, line := range wrap(closing, Width) {
		b.WriteString(c.style(dim, line) + "\n")
	}
	b.WriteString("\n")
}
