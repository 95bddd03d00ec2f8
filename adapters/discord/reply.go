package discord

// Replies to commands and direct messages: content in Discord markdown,
// one paper as a card. https://discord.com/developers/docs/resources/message#create-message

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// maxStanding bounds a paper's standing (bot.Paper.Standing: its upvotes,
// or its arXiv category, which comes from outside) in a list.
const maxStanding = 100

// renderReply renders a command reply or a direct message: the text as
// content (escaped), one paper as a card with its link buttons, several as
// a numbered list of links. A reply without a card is sent with
// SUPPRESS_EMBEDS: its links (written <url>, which already shows no
// preview) can never unfold into previews, whatever a client does. A card
// is the bot's own embed and is never suppressed.
func renderReply(r bot.Reply) createMessage {
	return renderReplyWithin(r, maxContent)
}

// renderReplyWithin is renderReply with the content kept within max
// characters (bot.Length).
func renderReplyWithin(r bot.Reply, max int) createMessage {
	lines := replyTextLines(r)
	msg := createMessage{AllowedMentions: noMentions()}
	switch {
	case len(r.Papers) == 1:
		msg.Embeds = []*discordgo.MessageEmbed{paperEmbed(r.Papers[0], 0, "")}
		msg.Components = linkButtons(r.Papers[0])
	case len(r.Papers) > 1:
		for n, p := range r.Papers {
			lines = append(lines, fmt.Sprintf("%d. %s · %s", n+1, linkMarkdown(p.DisplayTitle(), 150, p.PageURL()), truncateEscaped(p.Standing(), maxStanding)))
		}
	}
	msg.Components = append(msg.Components, actionButtons(r.Buttons, maxRows-len(msg.Components))...)
	msg.Content = fitLines(lines, max)
	if msg.Content == "" && len(msg.Embeds) == 0 {
		msg.Content = bot.Ellipsis
	}
	if len(msg.Embeds) == 0 {
		msg.Flags |= discordgo.MessageFlagsSuppressEmbeds
	}
	return msg
}

// replyFallback is the answer sent when a reply's would break a Discord
// limit (see Discord.checked).
func replyFallback() createMessage {
	return createMessage{
		Content:         "Sorry, this answer could not be shown: it would break one of Discord's message limits.",
		AllowedMentions: noMentions(),
		Flags:           discordgo.MessageFlagsSuppressEmbeds,
	}
}

func replyTextLines(r bot.Reply) []string {
	var lines []string
	if t := bot.CleanText(r.Title); t != "" {
		lines = append(lines, bold(t))
	}
	for _, l := range r.Lines {
		lines = append(lines, renderLine(l))
	}
	return lines
}

// bold renders untrusted text escaped and in bold, unless it holds a URL:
// no markdown goes around a URL.
func bold(s string) string {
	if len(bot.FindURLs(bot.CleanText(s))) > 0 {
		return escapeMarkdown(s)
	}
	return "**" + escapeMarkdown(s) + "**"
}

// FitsDM reports whether a direct message's text fits in one Discord
// message without dropping a line (alert batches are split where it does
// not).
func (d *Discord) FitsDM(r bot.Reply) bool {
	return bot.Length(strings.Join(replyTextLines(r), "\n")) <= maxContent-dmRefRoom-2
}

// dmRefPrefix starts the last line of every direct message: Discord's
// small-text markdown, then the reference of the message's delivery-log
// key. Direct messages have no embed to carry it in a footer, as digest
// messages do, and FindDM looks for it after a restart.
const dmRefPrefix = "-# paperboy · "

// dmRefRoom is what the reference line takes of a direct message's content.
var dmRefRoom = bot.Length("\n" + dmRefPrefix + refFor(""))

// renderDM renders a direct message with key's reference on its last line.
func renderDM(r bot.Reply, key string) createMessage {
	msg := renderReplyWithin(r, maxContent-dmRefRoom)
	if msg.Content != "" {
		msg.Content += "\n"
	}
	msg.Content += dmRefPrefix + refFor(key)
	msg.Nonce, msg.EnforceNonce = nonceFor(key), true
	return msg
}

// dmFallback is the direct message sent for key when renderDM's would
// break a Discord limit (see Discord.checked).
func dmFallback(key string) createMessage {
	return renderDM(bot.Reply{Lines: []bot.Line{{bot.Text(
		"paperboy had a message for you that could not be shown here: it would break one of Discord's message limits.")}}}, key)
}

// dmRefOf returns the reference on the last line of a direct message's
// content (as renderDM puts it), or "".
func dmRefOf(m *discordgo.Message) string {
	if m == nil {
		return ""
	}
	last := m.Content[strings.LastIndexByte(m.Content, '\n')+1:]
	if !strings.HasPrefix(last, dmRefPrefix) {
		return ""
	}
	return refRe.FindString(last)
}

// actionButtons renders a reply's buttons (search paging, the watch
// list's) as rows of at most maxRowItems, at most rows rows; their
// custom_id is the bot's opaque action.
func actionButtons(bs []bot.Button, rows int) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for len(bs) > 0 && len(out) < rows {
		row := discordgo.ActionsRow{}
		for _, b := range bs[:min(len(bs), maxRowItems)] {
			row.Components = append(row.Components, discordgo.Button{Label: buttonLabel(b.Label),
				Style: discordgo.SecondaryButton, CustomID: b.Action})
		}
		out = append(out, row)
		bs = bs[min(len(bs), maxRowItems):]
	}
	return out
}

// linkMarkdown is a masked link to u labelled with label (untrusted text,
// escaped and cut to max characters): "[label](<u>)". A label that looks
// like a web address (bot.LooksLikeURL) would show one address and lead
// to another: it is written as text, followed by a link of its own
// ("[Hugging Face](<u>)"). A u Discord could not take as a link leaves
// only the text.
func linkMarkdown(label string, max int, u string) string {
	c := bot.CleanText(label)
	text := truncateEscaped(c, max)
	if !validLink(u, maxImageURL, false) || strings.ContainsAny(u, "<>") {
		return text
	}
	if text == "" || bot.LooksLikeURL(c) {
		if text != "" {
			text += " "
		}
		return text + "[" + linkName(u) + "](<" + u + ">)"
	}
	return "[" + text + "](<" + u + ">)"
}

// linkName is the label of a link whose text could not be its label.
func linkName(u string) string {
	switch {
	case strings.HasPrefix(u, "https://huggingface.co/"):
		return "Hugging Face"
	case strings.HasPrefix(u, "https://arxiv.org/"):
		return "arXiv"
	}
	return "link"
}

func renderLine(l bot.Line) string {
	var b strings.Builder
	for _, s := range l {
		// Escaping collapses white space; keep the spaces between spans.
		if strings.HasPrefix(s.Text, " ") && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		c := bot.CleanText(s.Text)
		switch {
		case s.URL != "":
			b.WriteString(linkMarkdown(c, maxContent, s.URL))
		case c == "":
		case s.Code:
			b.WriteString(codeSpan(c))
		case s.Bold:
			b.WriteString(bold(s.Text))
		default:
			b.WriteString(escapeMarkdown(s.Text))
		}
		if strings.HasSuffix(s.Text, " ") && c != "" {
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// codeSpan renders cleaned text as inline code, which Discord shows
// literally: mass mentions defused, backticks (which would end the span)
// replaced by a look-alike. Code spans may echo what a user typed (an
// unknown subcommand, a query). Text holding a URL or an invite is
// written as escaped text instead: inside code a URL would not link, and
// an invite could still show its card.
func codeSpan(c string) string {
	if len(bot.FindURLs(c)) > 0 || inviteHostAt(c) >= 0 {
		return escapeMarkdown(c)
	}
	return "`" + bot.DefuseMentions(strings.ReplaceAll(c, "`", "ˋ")) + "`"
}

// fitLines joins lines within max characters (bot.Length), dropping whole
// lines from the end (a cut markdown line could break its formatting or a
// link) and saying so.
func fitLines(lines []string, max int) string {
	out := ""
	for n, l := range lines {
		next := l
		if out != "" {
			next = out + "\n" + l
		}
		if bot.Length(next) <= max-2 {
			out = next
			continue
		}
		for kept := n; kept >= 0; kept-- {
			more := fmt.Sprintf("… (%d more %s)", len(lines)-kept, plural(len(lines)-kept, "line"))
			body := strings.Join(lines[:kept], "\n")
			if body != "" {
				more = body + "\n" + more
			}
			if bot.Length(more) <= max {
				return more
			}
		}
		return bot.Ellipsis
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
