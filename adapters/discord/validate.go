package discord

// Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// Component limits: https://discord.com/developers/docs/components/reference#button
//
// Every body built from paper or user data is checked here before it is
// sent (Discord.checked, on every post, forum post, edit, direct message,
// interaction answer, follow-up and refusal; a deferral, whose data shows
// nothing, with check(false); thread names with checkThreadName): Discord
// refuses a whole message over one field past a limit, and a refused
// digest item would be a paper missing from the day's thread.

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// problem is one way a body breaks Discord's rules: the field and a
// sentence about it. Neither ever holds the field's value (a URL from
// paper data may carry credentials; a title is not for the logs).
type problem struct{ field, text string }

// invalidError is what validate returns: every problem of a body.
type invalidError struct{ problems []problem }

func (e *invalidError) Error() string {
	texts := make([]string, len(e.problems))
	for i, p := range e.problems {
		texts[i] = p.text
	}
	return "discord: invalid message: " + strings.Join(texts, "; ")
}

// fields names the fields that are wrong, comma-separated.
func (e *invalidError) fields() string {
	var out []string
	seen := map[string]bool{}
	for _, p := range e.problems {
		if !seen[p.field] {
			seen[p.field] = true
			out = append(out, p.field)
		}
	}
	return strings.Join(out, ", ")
}

// invalidFields names the fields err (from validate) says are wrong.
func invalidFields(err error) string {
	if ie, ok := err.(*invalidError); ok {
		return ie.fields()
	}
	return ""
}

// validate checks c against Discord's limits and paperboy's own rules
// (mention nobody), so that a body Discord would refuse (400) is never
// sent. Lengths are counted with bot.Length, in UTF-16 units: a character
// outside the Basic Multilingual Plane counts 2, so text within a limit
// counted this way is within it however Discord counts. It returns nil or
// an *invalidError.
func (c createMessage) validate() error { return c.check(true) }

// check is validate; requireBody false allows a body with nothing to show
// (the data of a deferred interaction response).
func (c createMessage) check(requireBody bool) error {
	var ps []problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, problem{field, fmt.Sprintf(format, args...)})
	}
	text := func(what, s string, max int, required bool) {
		switch n := bot.Length(s); {
		case !utf8.ValidString(s):
			bad(what, "%s is not valid UTF-8", what)
		case n > max:
			bad(what, "%s has %d characters (max %d)", what, n, max)
		case required && strings.TrimSpace(s) == "":
			bad(what, "%s is empty", what)
		}
	}
	link := func(what, s string, max int) {
		if s != "" && !validLink(s, max, false) {
			bad(what, "%s is not a valid http(s) URL of at most %d characters", what, max)
		}
	}

	text("content", c.Content, maxContent, false)
	if requireBody && c.Content == "" && len(c.Embeds) == 0 && len(c.Components) == 0 {
		bad("message", "message is empty")
	}
	if len(c.Embeds) > maxEmbeds {
		bad("embeds", "%d embeds (max %d)", len(c.Embeds), maxEmbeds)
	}
	total := 0
	for i, e := range c.Embeds {
		at := fmt.Sprintf("embed %d", i)
		if e == nil {
			bad(at, "%s is nil", at)
			continue
		}
		text(at+" title", e.Title, maxTitle, false)
		text(at+" description", e.Description, maxDescription, false)
		link(at+" url", e.URL, maxImageURL)
		total += bot.Length(e.Title) + bot.Length(e.Description)
		if len(e.Fields) > maxFields {
			bad(at+" fields", "%s has %d fields (max %d)", at, len(e.Fields), maxFields)
		}
		for j, f := range e.Fields {
			fat := fmt.Sprintf("%s field %d", at, j)
			if f == nil {
				bad(fat, "%s is nil", fat)
				continue
			}
			text(fat+" name", f.Name, maxFieldName, true)
			text(fat+" value", f.Value, maxFieldValue, true)
			total += bot.Length(f.Name) + bot.Length(f.Value)
		}
		if e.Footer != nil {
			text(at+" footer", e.Footer.Text, maxFooter, true)
			link(at+" footer icon", e.Footer.IconURL, maxImageURL)
			total += bot.Length(e.Footer.Text)
		}
		if e.Author != nil {
			text(at+" author", e.Author.Name, maxAuthorName, true)
			link(at+" author url", e.Author.URL, maxImageURL)
			link(at+" author icon", e.Author.IconURL, maxImageURL)
			total += bot.Length(e.Author.Name)
		}
		if e.Thumbnail != nil && !validLink(e.Thumbnail.URL, maxImageURL, false) {
			bad(at+" thumbnail", "%s thumbnail is not a valid http(s) URL", at)
		}
		if e.Image != nil && !validLink(e.Image.URL, maxImageURL, false) {
			bad(at+" image", "%s image is not a valid http(s) URL", at)
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Footer == nil && e.Author == nil &&
			e.Thumbnail == nil && e.Image == nil {
			bad(at, "%s is empty", at)
		}
	}
	if total > maxEmbedTotal {
		bad("embeds", "embeds have %d characters in all (max %d)", total, maxEmbedTotal)
	}
	c.validateComponents(bad)

	text("nonce", c.Nonce, maxNonce, false)
	if c.EnforceNonce && c.Nonce == "" {
		bad("nonce", "enforce_nonce without a nonce")
	}
	if c.AllowedMentions == nil {
		bad("allowed_mentions", "allowed_mentions is missing: Discord would ping every mention")
	} else {
		am := c.AllowedMentions
		if am.Parse == nil || len(am.Parse) != 0 {
			bad("allowed_mentions", `allowed_mentions must have "parse": [] (got %v)`, am.Parse)
		}
		if len(am.Roles) != 0 || len(am.Users) != 0 {
			bad("allowed_mentions", "allowed_mentions allows %d roles and %d users: paperboy pings nobody", len(am.Roles), len(am.Users))
		}
	}
	if other := c.Flags &^ (discordgo.MessageFlagsSuppressEmbeds | discordgo.MessageFlagsSuppressNotifications); other != 0 {
		bad("flags", "flags %d cannot be set when creating a message", other)
	}
	if len(ps) == 0 {
		return nil
	}
	return &invalidError{ps}
}

// validateComponents checks the action rows of c: link buttons (a URL, no
// custom_id), other buttons (a custom_id, no URL), at most 5 in a row and 5
// rows. No other component is used in a created message.
func (c createMessage) validateComponents(bad func(field, format string, args ...any)) {
	if len(c.Components) > maxRows {
		bad("components", "%d action rows (max %d)", len(c.Components), maxRows)
	}
	for i, comp := range c.Components {
		rat := fmt.Sprintf("row %d", i)
		var row discordgo.ActionsRow
		switch r := comp.(type) {
		case discordgo.ActionsRow:
			row = r
		case *discordgo.ActionsRow:
			if r == nil {
				bad(rat, "%s is nil", rat)
				continue
			}
			row = *r
		default:
			bad(rat, "component %d is a %T, not an action row", i, comp)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > maxRowItems {
			bad(rat, "%s has %d components (1 to %d)", rat, len(row.Components), maxRowItems)
		}
		for j, item := range row.Components {
			at := fmt.Sprintf("%s button %d", rat, j)
			var b discordgo.Button
			switch v := item.(type) {
			case discordgo.Button:
				b = v
			case *discordgo.Button:
				if v == nil {
					bad(at, "%s is nil", at)
					continue
				}
				b = *v
			default:
				bad(at, "%s component %d is a %T, not a button", rat, j, item)
				continue
			}
			switch n := bot.Length(b.Label); {
			case !utf8.ValidString(b.Label):
				bad(at+" label", "%s label is not valid UTF-8", at)
			case n > maxButtonLabel:
				bad(at+" label", "%s label has %d characters (max %d)", at, n, maxButtonLabel)
			case strings.TrimSpace(b.Label) == "" && b.Emoji == nil:
				bad(at+" label", "%s has no label", at)
			}
			if b.Style == discordgo.LinkButton {
				if b.CustomID != "" {
					bad(at+" custom_id", "%s is a link button with a custom_id", at)
				}
				if !validLink(b.URL, maxButtonURL, false) {
					bad(at+" url", "%s URL is not a valid http(s) URL of at most %d characters", at, maxButtonURL)
				}
			} else {
				if b.URL != "" {
					bad(at+" url", "%s has a URL but is not a link button", at)
				}
				if n := bot.Length(b.CustomID); n == 0 || n > maxCustomID || !utf8.ValidString(b.CustomID) {
					bad(at+" custom_id", "%s custom_id has %d characters (1 to %d)", at, n, maxCustomID)
				}
			}
		}
	}
}

// checkThreadName checks a thread or forum post name: 1 to 100
// characters (bot.Length), valid UTF-8.
func checkThreadName(name string) error {
	if n := bot.Length(name); !utf8.ValidString(name) || strings.TrimSpace(name) == "" || n > maxThreadName {
		return &invalidError{[]problem{{"thread name", fmt.Sprintf("thread name has %d characters (1 to %d)", n, maxThreadName)}}}
	}
	return nil
}

// validLink reports whether s may be sent to Discord as a link (a
// button, an embed URL, a thumbnail): bot.ValidLink's rules, and no more.
// The difference from Slack's validLink is deliberate: Discord takes every
// URL in a JSON field of its own (url, thumbnail.url), never inside
// markup, so the characters Slack's <url|label> cannot hold (< > | and
// the like) need no check here; the one place a link goes into markdown,
// a masked link in content, also refuses < and > (see linkMarkdown).
func validLink(s string, max int, httpsOnly bool) bool {
	return bot.ValidLink(s, max, httpsOnly)
}

// checked returns m if it is valid, else, after one ERROR line naming the
// fields at fault, the minimal body fallback makes (always valid by
// construction; checked too). If that fails as well it returns an error
// naming the fields, and nothing may be sent. what names the operation in
// the log line; attrs add to it (paper_id, channel). The bodies' texts
// are never logged.
func (d *Discord) checked(what string, m createMessage, fallback func() createMessage, attrs ...any) (createMessage, error) {
	if d.testMangle != nil {
		d.testMangle(&m, false)
	}
	err := m.validate()
	if err == nil {
		return m, nil
	}
	d.log.Error("discord: a message would break Discord's limits; sending a minimal one instead",
		append([]any{"op", what, "field", invalidFields(err), "error", err.Error()}, attrs...)...)
	fb := fallback()
	if d.testMangle != nil {
		d.testMangle(&fb, true)
	}
	if ferr := fb.validate(); ferr != nil {
		return createMessage{}, fmt.Errorf("discord: %s: not sent: the message breaks Discord's limits (%s), and so does its minimal form (%s): %w",
			what, invalidFields(err), invalidFields(ferr), ferr)
	}
	return fb, nil
}
