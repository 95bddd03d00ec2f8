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
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

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

// Discord's limits, in characters (runes: see validate).
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

// threadName is the name of a digest's thread: its title. Thread names are
// plain text (no markdown), at most 100 characters.
func threadName(d *bot.Digest) string {
	if name := bot.Truncate(cleanText(d.Title()), maxThreadName); name != "" {
		return name
	}
	return "Daily Papers"
}

// renderHeader renders the message a digest's thread starts from.
func renderHeader(d *bot.Digest, key string) createMessage {
	link := "https://huggingface.co/papers"
	if !d.ListDate.IsZero() {
		link += "/date/" + d.ListDate.String()
	}
	return createMessage{
		Embeds: []*discordgo.MessageEmbed{{
			Title:       truncateEscaped(d.Header(), maxTitle),
			URL:         link,
			Description: headerDescription,
			Color:       hfYellow,
			Footer:      &discordgo.MessageEmbedFooter{Text: "paperboy · " + refFor(key)},
		}},
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(key),
		EnforceNonce:    true,
	}
}

// renderItem renders one paper of a digest, posted in the thread.
func renderItem(it bot.Item, key string) createMessage {
	footer := refFor(key)
	if id, ok := bot.NormalizeID(it.Paper.ID); ok && id == it.Paper.ID {
		footer = "arXiv " + id + " · " + footer
	}
	return createMessage{
		Embeds:          []*discordgo.MessageEmbed{paperEmbed(it.Paper, it.Rank, footer)},
		Components:      linkButtons(it.Paper),
		AllowedMentions: noMentions(),
		Nonce:           nonceFor(key),
		EnforceNonce:    true,
	}
}

// paperEmbed is a paper's card: the numbered title linked to its Hugging
// Face page, its summary, authors, counters, organization and thumbnail.
// rank 0 leaves the number out. footer is plain text (Discord renders no
// markdown in footers) and is not escaped.
func paperEmbed(p bot.Paper, rank int, footer string) *discordgo.MessageEmbed {
	prefix := ""
	if rank > 0 {
		prefix = strconv.Itoa(rank) + ". "
	}
	title := cleanText(p.Title)
	if title == "" {
		title = cleanText(p.ID)
	}
	e := &discordgo.MessageEmbed{
		Title: strings.TrimSpace(prefix + truncateEscaped(title, maxTitle-utf8.RuneCountInString(prefix))),
		Color: hfYellow,
	}
	if hasArxivID(p) && validLink(p.HuggingFaceURL(), maxImageURL, false) {
		e.URL = p.HuggingFaceURL()
	}

	// Summary works on whitespace-collapsed text; clean first so that the
	// dropped characters do not count against its length.
	q := p
	q.AISummary, q.Abstract = cleanText(p.AISummary), cleanText(p.Abstract)
	e.Description = truncateEscaped(bot.Summary(q, bot.SummaryLen), maxDescription)

	var authors []string
	for _, a := range p.Authors {
		if a = bot.Truncate(cleanText(a), maxAuthorDisplay); a != "" {
			authors = append(authors, a)
		}
	}
	if v := truncateEscaped(bot.ShortAuthors(authors, 3), maxFieldValue); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Authors", Value: v, Inline: true})
	}
	e.Fields = append(e.Fields,
		&discordgo.MessageEmbedField{Name: "Upvotes", Value: strconv.Itoa(p.Upvotes), Inline: true},
		&discordgo.MessageEmbedField{Name: "Comments", Value: strconv.Itoa(p.Comments), Inline: true},
	)
	if v := truncateEscaped(p.Organization(), maxOrganization); v != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Organization", Value: v, Inline: true})
	}

	if validLink(p.Thumbnail, maxImageURL, true) {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: p.Thumbnail}
	}
	if f := bot.Truncate(cleanText(footer), maxFooter); f != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: f}
	}
	return e
}

// hasArxivID reports whether p's links built from its id (Hugging Face,
// arXiv, PDF) can be trusted: the id is a bare arXiv id.
func hasArxivID(p bot.Paper) bool {
	id, ok := bot.NormalizeID(p.ID)
	return ok && id == p.ID
}

// linkButtons is a paper's row of link buttons: Hugging Face, arXiv, PDF,
// code (with its GitHub stars) and project page, each only when its link is
// a well-formed http(s) URL Discord accepts (a bad one would make Discord
// reject the whole message). A link already on an earlier button (Hugging
// Face lists some papers' own page as their project page) is left out. It
// returns nil when there is no button.
func linkButtons(p bot.Paper) []discordgo.MessageComponent {
	type link struct{ label, url string }
	var links []link
	if hasArxivID(p) {
		links = append(links,
			link{"Hugging Face", p.HuggingFaceURL()},
			link{"arXiv", p.ArxivURL()},
			link{"PDF", p.PDFURL()})
	}
	code := "Code"
	if p.GitHubStars > 0 {
		code += " ★ " + compactCount(p.GitHubStars)
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
			Label: bot.Truncate(l.label, maxButtonLabel),
			Style: discordgo.LinkButton,
			URL:   l.url,
		})
	}
	if len(buttons) == 0 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
}

// compactCount formats a count the way GitHub shows stars, rounding down so
// it never claims more than there are: 999, 1.2k, 12k, 79k, 1.5M.
func compactCount(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n)
	case n < 10_000:
		return decimal(n/100) + "k"
	case n < 1_000_000:
		return strconv.Itoa(n/1000) + "k"
	case n < 10_000_000:
		return decimal(n/100_000) + "M"
	default:
		return strconv.Itoa(n/1_000_000) + "M"
	}
}

// decimal formats tenths: 12 → "1.2", 10 → "1".
func decimal(tenths int) string {
	s := strconv.Itoa(tenths / 10)
	if tenths%10 != 0 {
		s += "." + strconv.Itoa(tenths%10)
	}
	return s
}

// hostRe is a DNS name with at least one dot (Discord refuses link buttons
// to hosts it cannot resolve as a domain, such as "x").
var hostRe = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$`)

// validLink reports whether s is an absolute http:// or https:// URL (only
// https when httpsOnly; scheme in lower case) of at most max characters,
// printable ASCII, with a domain name, a valid port if any, no user info. Stricter than Discord, which rejects the whole
// message over one malformed URL: a link that fails here is left out.
func validLink(s string, max int, httpsOnly bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	if !strings.HasPrefix(s, "https://") && (httpsOnly || !strings.HasPrefix(s, "http://")) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil {
		return false
	}
	if !hostRe.MatchString(u.Hostname()) {
		return false
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	return true
}

// validate checks c against Discord's limits, so that a payload Discord
// would refuse (400) is caught before it is sent, and by tests. Lengths are
// counted in runes (Unicode code points), as Discord counts characters.
func (c createMessage) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	text := func(what, s string, max int, required bool) {
		switch n := utf8.RuneCountInString(s); {
		case !utf8.ValidString(s):
			bad("%s is not valid UTF-8", what)
		case n > max:
			bad("%s has %d characters (max %d)", what, n, max)
		case required && strings.TrimSpace(s) == "":
			bad("%s is empty", what)
		}
	}
	link := func(what, s string, max int) {
		if s != "" && !validLink(s, max, false) {
			bad("%s %q is not a valid http(s) URL of at most %d characters", what, s, max)
		}
	}

	text("content", c.Content, maxContent, false)
	if c.Content == "" && len(c.Embeds) == 0 && len(c.Components) == 0 {
		bad("message is empty")
	}
	if len(c.Embeds) > maxEmbeds {
		bad("%d embeds (max %d)", len(c.Embeds), maxEmbeds)
	}
	total := 0
	for i, e := range c.Embeds {
		if e == nil {
			bad("embed %d is nil", i)
			continue
		}
		at := fmt.Sprintf("embed %d", i)
		text(at+" title", e.Title, maxTitle, false)
		text(at+" description", e.Description, maxDescription, false)
		link(at+" url", e.URL, maxImageURL)
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if len(e.Fields) > maxFields {
			bad("%s has %d fields (max %d)", at, len(e.Fields), maxFields)
		}
		for j, f := range e.Fields {
			if f == nil {
				bad("%s field %d is nil", at, j)
				continue
			}
			text(fmt.Sprintf("%s field %d name", at, j), f.Name, maxFieldName, true)
			text(fmt.Sprintf("%s field %d value", at, j), f.Value, maxFieldValue, true)
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			text(at+" footer", e.Footer.Text, maxFooter, true)
			link(at+" footer icon", e.Footer.IconURL, maxImageURL)
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			text(at+" author", e.Author.Name, maxAuthorName, true)
			link(at+" author url", e.Author.URL, maxImageURL)
			link(at+" author icon", e.Author.IconURL, maxImageURL)
			total += utf8.RuneCountInString(e.Author.Name)
		}
		if e.Thumbnail != nil {
			if !validLink(e.Thumbnail.URL, maxImageURL, false) {
				bad("%s thumbnail %q is not a valid http(s) URL", at, e.Thumbnail.URL)
			}
		}
		if e.Image != nil {
			if !validLink(e.Image.URL, maxImageURL, false) {
				bad("%s image %q is not a valid http(s) URL", at, e.Image.URL)
			}
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil && e.Author == nil &&
			e.Thumbnail == nil && e.Image == nil {
			bad("%s is empty", at)
		}
	}
	if total > maxEmbedTotal {
		bad("embeds have %d characters in all (max %d)", total, maxEmbedTotal)
	}
	c.validateComponents(bad)

	text("nonce", c.Nonce, maxNonce, false)
	if c.EnforceNonce && c.Nonce == "" {
		bad("enforce_nonce without a nonce")
	}
	if c.AllowedMentions == nil {
		bad("allowed_mentions is missing: Discord would ping every mention")
	} else {
		am := c.AllowedMentions
		if am.Parse == nil || len(am.Parse) != 0 {
			bad(`allowed_mentions must have "parse": [] (got %v)`, am.Parse)
		}
		if len(am.Roles) != 0 || len(am.Users) != 0 {
			bad("allowed_mentions allows roles %v and users %v: paperboy pings nobody", am.Roles, am.Users)
		}
	}
	if other := c.Flags &^ (discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications); other != 0 {
		bad("flags %d cannot be set when creating a message", other)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("discord: invalid message: %w", errors.Join(errs...))
}

// validateComponents checks the action rows of c: link buttons (a URL, no
// custom_id), other buttons (a custom_id, no URL), at most 5 in a row and 5
// rows. No other component is used in a created message.
func (c createMessage) validateComponents(bad func(string, ...any)) {
	if len(c.Components) > maxRows {
		bad("%d action rows (max %d)", len(c.Components), maxRows)
	}
	for i, comp := range c.Components {
		var row discordgo.ActionsRow
		switch r := comp.(type) {
		case discordgo.ActionsRow:
			row = r
		case *discordgo.ActionsRow:
			if r == nil {
				bad("row %d is nil", i)
				continue
			}
			row = *r
		default:
			bad("component %d is a %T, not an action row", i, comp)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > maxRowItems {
			bad("row %d has %d components (1 to %d)", i, len(row.Components), maxRowItems)
		}
		for j, item := range row.Components {
			var b discordgo.Button
			switch v := item.(type) {
			case discordgo.Button:
				b = v
			case *discordgo.Button:
				if v == nil {
					bad("row %d component %d is nil", i, j)
					continue
				}
				b = *v
			default:
				bad("row %d component %d is a %T, not a button", i, j, item)
				continue
			}
			at := fmt.Sprintf("row %d button %d", i, j)
			switch n := utf8.RuneCountInString(b.Label); {
			case !utf8.ValidString(b.Label):
				bad("%s label is not valid UTF-8", at)
			case n > maxButtonLabel:
				bad("%s label has %d characters (max %d)", at, n, maxButtonLabel)
			case strings.TrimSpace(b.Label) == "" && b.Emoji == nil:
				bad("%s has no label", at)
			}
			if b.Style == discordgo.LinkButton {
				if b.CustomID != "" {
					bad("%s is a link button with a custom_id", at)
				}
				if !validLink(b.URL, maxButtonURL, false) {
					bad("%s URL %q is not a valid http(s) URL of at most %d characters", at, b.URL, maxButtonURL)
				}
			} else {
				if b.URL != "" {
					bad("%s has a URL but is not a link button", at)
				}
				if n := utf8.RuneCountInString(b.CustomID); n == 0 || n > maxCustomID || !utf8.ValidString(b.CustomID) {
					bad("%s custom_id has %d characters (1 to %d)", at, n, maxCustomID)
				}
			}
		}
	}
}
