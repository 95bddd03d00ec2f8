package slack

// Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks
// Formatting (escaping, links): https://docs.slack.dev/messaging/formatting-message-text
//
// Every message built from paper or user data is checked here before it
// is sent (Slack.checked, on every post, update, direct message,
// response_url and ephemeral answer): Slack refuses a whole message over
// one block past a limit (invalid_blocks), and a refused digest item
// would be a paper missing from the day's thread.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/bot"
)

// validate checks m against Slack's limits and paperboy's escaping rules,
// so that a message Slack would refuse, or one whose text could ping or
// link, is caught before it is sent and by tests. Lengths are counted the
// stricter way (bot.Length: UTF-16 units, see checkString).
func (m message) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	text := func(what string, t *slackgo.TextBlockObject, max int, plainOnly bool) {
		if t == nil {
			bad("%s: no text object", what)
			return
		}
		switch t.Type {
		case slackgo.PlainTextType:
		case slackgo.MarkdownType:
			if plainOnly {
				bad("%s must be plain_text", what)
			}
			if !t.Verbatim {
				bad("%s: mrkdwn without verbatim: true", what)
			}
			if t.Emoji != nil {
				bad("%s: emoji set on mrkdwn", what)
			}
			if err := checkMrkdwn(t.Text); err != nil {
				bad("%s: %v", what, err)
			}
		default:
			bad("%s: text type %q", what, t.Type)
		}
		checkString(bad, what, t.Text, max, true)
	}

	if len(m.Blocks) == 0 && m.Text == "" {
		bad("message is empty")
	}
	if len(m.Blocks) > maxBlocks {
		bad("%d blocks (max %d)", len(m.Blocks), maxBlocks)
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, blk := range m.Blocks {
		at := fmt.Sprintf("block %d", i)
		if blk == nil {
			bad("%s is nil", at)
			continue
		}
		if id := blk.ID(); id != "" {
			checkString(bad, at+" block_id", id, maxBlockID, true)
			if blockIDs[id] {
				bad("%s: block_id %q repeats", at, id)
			}
			blockIDs[id] = true
		}
		switch b := blk.(type) {
		case *slackgo.HeaderBlock:
			text(at+" header", b.Text, maxHeaderText, true)
		case *slackgo.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				bad("%s: section without text or fields", at)
			}
			if b.Text != nil {
				text(at+" text", b.Text, maxSectionText, false)
			}
			if len(b.Fields) > maxFields {
				bad("%s: %d fields (max %d)", at, len(b.Fields), maxFields)
			}
			for j, f := range b.Fields {
				text(fmt.Sprintf("%s field %d", at, j), f, maxFieldText, false)
			}
			if a := b.Accessory; a != nil {
				switch {
				case a.ImageElement != nil:
					checkImage(bad, at+" image", a.ImageElement)
				case a.ButtonElement != nil:
					checkButton(bad, text, actionIDs, at+" button", a.ButtonElement)
				default:
					bad("%s: accessory is neither an image nor a button", at)
				}
			}
		case *slackgo.ContextBlock:
			els := b.ContextElements.Elements
			if len(els) == 0 || len(els) > maxContextItems {
				bad("%s: %d context elements (1 to %d)", at, len(els), maxContextItems)
			}
			for j, el := range els {
				switch e := el.(type) {
				case *slackgo.TextBlockObject:
					text(fmt.Sprintf("%s element %d", at, j), e, maxContextText, false)
				case *slackgo.ImageBlockElement:
					checkImage(bad, fmt.Sprintf("%s image %d", at, j), e)
				default:
					bad("%s element %d is a %T", at, j, el)
				}
			}
		case *slackgo.ActionBlock:
			var els []slackgo.BlockElement
			if b.Elements != nil {
				els = b.Elements.ElementSet
			}
			if len(els) == 0 || len(els) > maxActionItems {
				bad("%s: %d elements (1 to %d)", at, len(els), maxActionItems)
			}
			for j, el := range els {
				if btn, ok := el.(*slackgo.ButtonBlockElement); ok && btn != nil {
					checkButton(bad, text, actionIDs, fmt.Sprintf("%s button %d", at, j), btn)
				} else {
					bad("%s element %d is a %T, not a button", at, j, el)
				}
			}
		default:
			bad("%s is a %T, which paperboy does not send", at, blk)
		}
	}
	if n := blocksSize(m.Blocks); n > maxBlocksJSON {
		bad("blocks have %d characters of JSON (max %d)", n, maxBlocksJSON)
	}

	checkString(bad, "text", m.Text, maxText, len(m.Blocks) == 0)
	if err := checkMrkdwn(m.Text); err != nil {
		bad("text: %v", err)
	}
	if md := m.Metadata; md != nil {
		if md.EventType != metadataEvent {
			bad("metadata event_type %q, want %q", md.EventType, metadataEvent)
		}
		if key, ok := md.EventPayload["key"].(string); !ok || key == "" || !utf8.ValidString(key) {
			bad("metadata without a key")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("slack: invalid message: %w", errors.Join(errs...))
}

// checkString checks that s is valid UTF-8 of at most max characters,
// counted the stricter way (bot.Length: UTF-16 units), and not blank when
// required.
func checkString(bad func(string, ...any), what, s string, max int, required bool) {
	switch n := bot.Length(s); {
	case !utf8.ValidString(s):
		bad("%s is not valid UTF-8", what)
	case n > max:
		bad("%s has %d characters (max %d)", what, n, max)
	case required && strings.TrimSpace(s) == "":
		bad("%s is empty", what)
	}
}

func checkImage(bad func(string, ...any), what string, img *slackgo.ImageBlockElement) {
	if img.ImageURL == nil || !validLink(*img.ImageURL, maxImageURL, true) {
		bad("%s: image_url is not an https URL of at most %d characters", what, maxImageURL)
	}
	checkString(bad, what+" alt_text", img.AltText, maxAltText, true)
}

func checkButton(bad func(string, ...any), text func(string, *slackgo.TextBlockObject, int, bool),
	actionIDs map[string]bool, what string, b *slackgo.ButtonBlockElement) {
	text(what+" text", b.Text, maxButtonText, true)
	if b.URL != "" && !validLink(b.URL, maxButtonURL, false) {
		bad("%s: url %q is not an http(s) URL of at most %d characters", what, b.URL, maxButtonURL)
	}
	checkString(bad, what+" action_id", b.ActionID, maxActionID, true)
	if actionIDs[b.ActionID] {
		bad("%s: action_id %q repeats", what, b.ActionID)
	}
	actionIDs[b.ActionID] = true
	checkString(bad, what+" value", b.Value, maxButtonValue, false)
	if b.Style != "" && b.Style != slackgo.StylePrimary && b.Style != slackgo.StyleDanger {
		bad("%s: style %q", what, b.Style)
	}
}

// validLink reports whether s may be sent to Slack as a link (a button's
// url, an image, a link in mrkdwn): bot.ValidLink's rules, and none of
// < > | " \ ^ ` { }. The difference from Discord's validLink is
// deliberate: Slack takes most links inside mrkdwn as <url|label>, which
// cannot hold < > or | (the label would end early, or the rest become a
// link of its own), and RFC 3986 allows none of the others in a URL; a
// link that fails is left out rather than risk Slack refusing the
// message. Discord takes its links in JSON fields of their own and needs
// no such check.
func validLink(s string, max int, httpsOnly bool) bool {
	return bot.ValidLink(s, max, httpsOnly) && !strings.ContainsAny(s, `<>|"\^{}`+"`")
}

// botLinkRe is a link as paperboy writes it: <http(s) URL|label>.
var botLinkRe = regexp.MustCompile(`<(https?://[^<>|\s]+)\|([^<>]*)>`)

// entities are the only ones paperboy writes.
var entities = strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "")

// allowedInvisible reports whether the default-ignorable r at byte i of s
// is one paperboy may send: the U+200B that bot.DefuseMentions puts after
// the "@" of a mass mention, or a joiner or variation selector inside an
// emoji (bot.CleanText keeps those).
func allowedInvisible(s string, i int, r rune) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	rest := s[i+utf8.RuneLen(r):]
	next, _ := utf8.DecodeRuneInString(rest)
	switch r {
	case '\u200b':
		return prev == '@' && bot.DefuseMentions("@"+rest) != "@"+rest
	case '\u200d':
		return (bot.IsPictographic(prev) || prev == '\ufe0f' || prev >= 0x1F3FB && prev <= 0x1F3FF) && bot.IsPictographic(next)
	case '\ufe0e', '\ufe0f':
		return bot.IsPictographic(prev) || strings.ContainsRune("0123456789#*", prev)
	}
	return false
}

// checkMrkdwn reports text that could make Slack do more than show it:
// after the bot's own links (a valid http(s) URL with its & written as
// &amp;) are replaced by their labels and &amp; &lt; &gt; are removed, no
// < > & may remain (so no <!channel>, <@U…>, <#C…> or foreign link can),
// nor a control character other than a new line, nor an invisible
// character other than those allowedInvisible allows.
func checkMrkdwn(s string) error {
	var bad []string
	rest := botLinkRe.ReplaceAllStringFunc(s, func(link string) string {
		sub := botLinkRe.FindStringSubmatch(link)
		u := sub[1]
		if strings.Count(u, "&") != strings.Count(u, "&amp;") || !validLink(strings.ReplaceAll(u, "&amp;", "&"), maxButtonURL, false) {
			bad = append(bad, fmt.Sprintf("link to %q", u))
			return link
		}
		return sub[2]
	})
	rest = entities.Replace(rest)
	if i := strings.IndexAny(rest, "<>&"); i >= 0 {
		bad = append(bad, fmt.Sprintf("unescaped %q", rest[i]))
	}
	for i, r := range s {
		if unicode.IsControl(r) && r != '\n' || bot.IsDefaultIgnorable(r) && !allowedInvisible(s, i, r) {
			bad = append(bad, fmt.Sprintf("character %U", r))
			break
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, ", "))
	}
	return nil
}

// checked returns m when it keeps every limit and escaping rule
// (message.validate), so that nothing Slack would refuse, or that could
// ping or link, is ever sent. Otherwise it logs one ERROR line naming what
// is wrong and returns fallback(), a minimal message that is always valid
// (checked too); if even that fails, the error names the fields and
// nothing is sent.
func (s *Slack) checked(what string, m message, fallback func() message) (message, error) {
	if s.mangle != nil {
		s.mangle(what, &m)
	}
	err := m.validate()
	if err == nil {
		return m, nil
	}
	s.log.Error("a message would break Slack's limits; sending a minimal one instead", "op", what, "error", err.Error())
	f := fallback()
	if s.mangle != nil {
		s.mangle(what+" (minimal)", &f)
	}
	if ferr := f.validate(); ferr != nil {
		return message{}, fmt.Errorf("slack: %s: not sent: %w", what, errors.Join(err, ferr))
	}
	return f, nil
}
