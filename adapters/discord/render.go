package discord

// Create Message: https://discord.com/developers/docs/resources/message#create-message
// Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// Buttons: https://discord.com/developers/docs/components/reference#button
//
// This file turns a bot.Digest into the JSON bodies the adapter posts. It is
// pure: no I/O, and the same digest and keys always give the same bytes.

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// createMessage is the JSON body of POST /channels/{id}/messages. discordgo's
// MessageSend has no nonce/enforce_nonce, so the adapter sends this itself.
type createMessage struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
}

// Discord's limits, in characters as bot.Length counts them (UTF-16 units:
// see validate).
const (
	maxContent       = 2000
	maxEmbeds        = 10
	maxTitle         = 256
	maxDescription   = 4096
	maxFields        = 25
	maxFieldName     = 256
	maxFieldValue    = 1024
	maxFooter        = 2048
	maxAuthorName    = 256
	maxEmbedTotal    = 6000
	maxRows          = 5
	maxRowItems      = 5
	maxButtonLabel   = 80
	maxButtonURL     = 512
	maxCustomID      = 100
	maxNonce         = 25
	maxThreadName    = 100
	maxImageURL      = 2048 // not documented by Discord; a sane bound
	maxOrganization  = 256  // ours: a field value may hold 1024
	maxAuthorDisplay = 100  // ours, per author name, before joining
)

// hfYellow is the Hugging Face yellow, the colour of every digest embed.
const hfYellow = 0xFFD21E

// headerDescription is the header's one line under the title.
const headerDescription = "The most upvoted papers of the day on Hugging Face: one card per paper in the thread below."

// noMentions allows no mention of any kind. The JSON says "parse": [] (an
// empty, non-nil list): with no allowed_mentions at all Discord would ping
// whatever the content mentions.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// nonceFor is the create-message nonce for a delivery-log key: "pb" and the
// first 23 hex digits of the key's SHA-256, 25 characters (Discord's
// maximum). Deterministic, so a retry after a crash sends the same nonce and
// Discord (for a few minutes) returns the first message instead of posting
// again.
func nonceFor(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "pb" + hex.EncodeToString(sum[:])[:23]
}

// refFor is the reference put in the embed footer of every message sent for
// key. Discord forgets nonces after minutes; after a restart the adapter
// finds an earlier message by this reference (see refOf).
func refFor(key string) string { return "ref " + nonceFor(key) }

var refRe = regexp.MustCompile(`\bref pb[0-9a-f]{23}\b`)

// refOf returns the reference (as refFor makes it) found in the footers of
// m's embeds or, for a direct message, on its content's last line (see
// renderDM), or "" if there is none.
func refOf(m *discordgo.Message) string {
	if m == nil {
		return ""
	}
	for _, e := range m.Embeds {
		if e == nil || e.Footer == nil {
			continue
		}
		if ref := refRe.FindString(e.Footer.Text); ref != "" {
			return ref
		}
	}
	return dmRefOf(m)
}

// threadName is the name of a digest's thread (or forum post): its title,
// cleaned and with mass mentions defused like every text paperboy sends.
// Thread names are plain text (no markdown), at most 100 characters.
func threadName(d *bot.Digest) string {
	if name := bot.Truncate(bot.DefuseMentions(bot.CleanText(d.Title())), maxThreadName); name != "" {
		return name
	}
	return "Daily Papers"
}

// renderHeader renders the message a digest's thread starts from: the
// header line linked to the day's list (Hugging Face's, or for an arXiv
// digest arXiv's list of its first category's new papers) and a line that
// says where the papers come from.
func renderHeader(d *bot.Digest, key string) createMessage {
	link := bot.DailyListURL(d.ListDate)
	description, color := headerDescription, hfYellow
	if d.Arxiv != nil {
		link, description, color = arxivHeaderLink(d.Arxiv), arxivDescription(d), arxivColor(d.Arxiv)
	}
	return createMessage{
		Embeds: []*discordgo.MessageEmbed{{
			Title:       truncateEscaped(d.Header(), maxTitle),
			URL:         link,
			Description: description,
			Color:       color,
			Footer:      &discordgo.MessageEmbedFooter{Text: "paperboy · " + refFor(key)},
		}},
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(key),
		EnforceNonce:    true,
	}
}

// minimalHeader is the header sent when renderHeader's would break a
// limit (see Discord.checked): a plain title, the link and the reference,
// which every later attempt looks for.
func minimalHeader(d *bot.Digest, key string) createMessage {
	m := renderHeader(d, key)
	e := m.Embeds[0]
	title := "Daily Papers"
	if d.Arxiv != nil && !d.Arxiv.WithLists {
		title = "New on arXiv"
	}
	m.Embeds = []*discordgo.MessageEmbed{{Title: title, URL: e.URL, Color: e.Color, Footer: e.Footer}}
	return m
}

// itemFooter is the footer of a digest item: the arXiv id (when it is one)
// and the reference of key.
func itemFooter(p bot.Paper, key string) string {
	if p.HasArxivID() {
		return "arXiv " + p.ID + " · " + refFor(key)
	}
	return refFor(key)
}

// renderItem renders one paper of a digest, posted in the thread.
func renderItem(it bot.Item, key string) createMessage {
	footer := itemFooter(it.Paper, key)
	return createMessage{
		Embeds:          []*discordgo.MessageEmbed{paperEmbed(it.Paper, it.Rank, footer)},
		Components:      withWatch(linkButtons(it.Paper), it),
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(key),
		EnforceNonce:    true,
	}
}

// minimalItem is the card sent for a digest item when renderItem's would
// break a limit (see Discord.checked): the numbered title, the paper's id
// and reference in the footer, the links its id gives. One bad item must
// not keep the rest of the thread from being posted, nor be posted again
// and again: it carries the same nonce and reference.
func minimalItem(it bot.Item, key string) createMessage {
	m := createMessage{
		Embeds:          []*discordgo.MessageEmbed{titleEmbed(it.Paper, it.Rank, itemFooter(it.Paper, key))},
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(key),
		EnforceNonce:    true,
	}
	if it.Paper.HasArxivID() {
		p := it.Paper
		m.Components = withWatch(linkButtons(bot.Paper{ID: p.ID, ListDate: p.ListDate, Categories: p.Categories}), it)
	}
	return m
}

// withWatch adds the item's Watch button (when it.Watch and its paper has
// an arXiv id, the watch's key) to its link buttons: in their row when
// there is room, else in a row of its own. Everyone sees it; a press is
// answered only to the presser (bot.ActionReplaces).
func withWatch(rows []discordgo.MessageComponent, it bot.Item) []discordgo.MessageComponent {
	if !it.Watch || !it.Paper.HasArxivID() {
		return rows
	}
	watch := discordgo.Button{Label: "Watch", Style: discordgo.SecondaryButton, CustomID: bot.WatchAction(it.Paper.ID)}
	if n := len(rows); n > 0 {
		if row, ok := rows[n-1].(discordgo.ActionsRow); ok && len(row.Components) < maxRowItems {
			row.Components = append(row.Components, watch)
			rows[n-1] = row
			return rows
		}
	}
	return append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{watch}})
}

// titleEmbed is the top of a paper's card: the numbered title (rank 0
// leaves the number out), linked to its page (bot.Paper.PageURL: Hugging
// Face's, or arXiv's for a paper only arXiv has described), and footer
// (plain text: Discord renders no markdown in footers; cleaned, not
// escaped). A title that looks like a web address is not made a link: it
// would show one address and lead to another (the Hugging Face or arXiv
// button still links the paper). The card of a paper only arXiv has
// described is arXiv's red.
func titleEmbed(p bot.Paper, rank int, footer string) *discordgo.MessageEmbed {
	prefix := ""
	if rank > 0 {
		prefix = strconv.Itoa(rank) + ". "
	}
	title := p.DisplayTitle()
	e := &discordgo.MessageEmbed{
		Title: strings.TrimSpace(prefix + truncateEscaped(title, maxTitle-bot.Length(prefix))),
		Color: hfYellow,
	}
	if p.ArxivOnly() {
		e.Color = arxivRed
	}
	if p.HasArxivID() && validLink(p.PageURL(), maxImageURL, false) && !bot.LooksLikeURL(title) {
		e.URL = p.PageURL()
	}
	if f := bot.Truncate(bot.DefuseMentions(bot.CleanText(footer)), maxFooter); f != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}
	return e
}

// paperEmbed is a paper's card: the numbered title linked to its page
// (see titleEmbed), its summary, authors, Hugging Face's counters (for a
// paper only arXiv has described, which Hugging Face has no counts of,
// its arXiv categories instead), organization and thumbnail.
func paperEmbed(p bot.Paper, rank int, footer string) *discordgo.MessageEmbed {
	e := titleEmbed(p, rank, footer)

	// Summary works on whitespace-collapsed text; clean first so that the
	// dropped characters do not count against its length.
	q := p
	q.AISummary, q.Abstract = bot.CleanText(p.AISummary), bot.CleanText(p.Abstract)
	e.Description = truncateEscaped(bot.Summary(q, bot.SummaryLen), maxDescription)

	var authors []string
	for _, a := range p.Authors {
		if a = bot.Truncate(bot.CleanText(a), maxAuthorDisplay); a != "" {
			authors = append(authors, a)
		}
	}
	if v := truncateEscaped(bot.ShortAuthors(authors, 3), maxFieldValue); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Authors", Value: v, Inline: true})
	}
	if p.ArxivOnly() {
		if f := categoriesField(p); f != nil {
			e.Fields = append(e.Fields, f)
		}
	} else {
		e.Fields = append(e.Fields,
			&discordgo.MessageEmbedField{Name: "Upvotes", Value: strconv.Itoa(p.Upvotes), Inline: true},
			&discordgo.MessageEmbedField{Name: "Comments", Value: strconv.Itoa(p.Comments), Inline: true},
		)
	}
	if v := truncateEscaped(p.Organization(), maxOrganization); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Organization", Value: v, Inline: true})
	}

	if validLink(p.Thumbnail, maxImageURL, true) {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: p.Thumbnail}
	}
	return e
}

// linkButtons is a paper's row of link buttons: Hugging Face (not for a
// paper only arXiv has described: Hugging Face has no page worth
// visiting), arXiv, PDF, code (with its GitHub stars) and project page,
// each only when its link is a well-formed http(s) URL Discord accepts (a
// bad one would make Discord reject the whole message). A link already on
// an earlier button (Hugging Face lists some papers' own page as their
// project page) is left out. It returns nil when there is no button.
func linkButtons(p bot.Paper) []discordgo.MessageComponent {
	type link struct{ label, url string }
	var links []link
	if p.HasArxivID() {
		if !p.ArxivOnly() {
			links = append(links, link{"Hugging Face", p.HuggingFaceURL()})
		}
		links = append(links,
			link{"arXiv", p.ArxivURL()},
			link{"PDF", p.PDFURL()})
	}
	code := "Code"
	if p.GitHubStars > 0 {
		code += " ★ " + bot.CompactCount(p.GitHubStars)
	}
	links = append(links,
		link{code, strings.TrimSpace(p.GitHubRepo)},
		link{"Project", strings.TrimSpace(p.ProjectPage)})

	var buttons []discordgo.MessageComponent
	seen := make(map[string]bool)
	for _, l := range links {
		if !validLink(l.url, maxButtonURL, false) || seen[l.url] || len(buttons) == maxRowItems {
			continue
		}
		seen[l.url] = true
		buttons = append(buttons, discordgo.Button{
			Label: buttonLabel(l.label),
			Style: discordgo.LinkButton,
			URL:   l.url,
		})
	}
	if len(buttons) == 0 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
}

// buttonLabel is a button's label: plain text (no markdown), cleaned, mass
// mentions defused, at most 80 characters; never empty.
func buttonLabel(s string) string {
	if l := bot.Truncate(bot.DefuseMentions(bot.CleanText(s)), maxButtonLabel); l != "" {
		return l
	}
	return bot.Ellipsis
}
