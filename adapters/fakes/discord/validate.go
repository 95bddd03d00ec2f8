package discordfake

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits, counted as length counts (see there).
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooterText       = 2048
	MaxAuthorName       = 256
	MaxEmbedTotal       = 6000
	MaxActionRows       = 5
	MaxRowButtons       = 5
	MaxButtonLabel      = 80
	MaxCustomID         = 100
	MaxButtonURL        = 512
	MaxNonce            = 25
	MaxThreadName       = 100
	MaxSelectOptions    = 25
)

// flagComponentsV2 is IS_COMPONENTS_V2: such messages use layout components
// the fake does not validate.
const flagComponentsV2 = 1 << 15

// length is how long s is against Discord's limits: in UTF-16 code units,
// so a character outside the Basic Multilingual Plane (most emoji, the
// mathematical alphanumerics) counts 2 and every other character 1.
// Discord documents its limits in characters and has counted code points,
// while its JavaScript clients count UTF-16 units; the fake refuses what
// either count would refuse, so a 128-emoji title (128 code points, 256
// units) is at the title limit and one more unit is over it. Bodies are
// valid UTF-8 by the time anything is measured (decodeJSON refuses the
// others).
func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// validateMessage checks Discord's limits. requireNonEmpty adds the
// "Cannot send an empty message" check (50006) of message creation.
func validateMessage(in *msgInput, requireNonEmpty bool) *apiError {
	var f formErrors
	f.maxLen(length(in.content), MaxContent, "content")
	f.maxLen(length(in.nonce), MaxNonce, "nonce")
	validateEmbeds(&f, in.embeds)
	if in.hasComponents && in.flags&flagComponentsV2 == 0 {
		validateComponents(&f, in.components)
	}
	if !f.empty() {
		return f.err()
	}
	if requireNonEmpty && strings.TrimSpace(in.content) == "" && len(in.embeds) == 0 &&
		!hasItems(in.components) && len(in.attachments) == 0 && !in.hasOther {
		return codeErr(CodeEmptyMessage)
	}
	return nil
}

func hasItems(r json.RawMessage) bool {
	if isNull(r) {
		return false
	}
	var list []json.RawMessage
	if json.Unmarshal(r, &list) != nil {
		return true
	}
	return len(list) > 0
}

func validURL(u string, schemes ...string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" {
		return false
	}
	for _, s := range schemes {
		if strings.EqualFold(p.Scheme, s) {
			return s == "discord" || p.Host != ""
		}
	}
	return false
}

func validateEmbeds(f *formErrors, embeds []*discordgo.MessageEmbed) {
	f.maxLen(len(embeds), MaxEmbeds, "embeds")
	total := 0
	for i, e := range embeds {
		ix := strconv.Itoa(i)
		f.maxLen(length(e.Title), MaxEmbedTitle, "embeds", ix, "title")
		f.maxLen(length(e.Description), MaxEmbedDescription, "embeds", ix, "description")
		total += length(e.Title) + length(e.Description)
		if e.URL != "" && !validURL(e.URL, "http", "https") {
			f.add("URL_TYPE_INVALID_URL", "Not a well formed URL.", "embeds", ix, "url")
		}
		if e.Timestamp != "" {
			if _, err := time.Parse(time.RFC3339, e.Timestamp); err != nil {
				f.add("DATE_TYPE_INVALID", "Invalid ISO8601 timestamp.", "embeds", ix, "timestamp")
			}
		}
		if e.Color < 0 || e.Color > 0xFFFFFF {
			f.add("NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.", "embeds", ix, "color")
		}
		f.maxLen(len(e.Fields), MaxEmbedFields, "embeds", ix, "fields")
		for j, fl := range e.Fields {
			if fl == nil {
				continue
			}
			jx := strconv.Itoa(j)
			if fl.Name == "" {
				f.required("embeds", ix, "fields", jx, "name")
			}
			if fl.Value == "" {
				f.required("embeds", ix, "fields", jx, "value")
			}
			f.maxLen(length(fl.Name), MaxFieldName, "embeds", ix, "fields", jx, "name")
			f.maxLen(length(fl.Value), MaxFieldValue, "embeds", ix, "fields", jx, "value")
			total += length(fl.Name) + length(fl.Value)
		}
		if e.Footer != nil {
			if e.Footer.Text == "" {
				f.required("embeds", ix, "footer", "text")
			}
			f.maxLen(length(e.Footer.Text), MaxFooterText, "embeds", ix, "footer", "text")
			total += length(e.Footer.Text)
		}
		if e.Author != nil {
			if e.Author.Name == "" {
				f.required("embeds", ix, "author", "name")
			}
			f.maxLen(length(e.Author.Name), MaxAuthorName, "embeds", ix, "author", "name")
			if e.Author.URL != "" && !validURL(e.Author.URL, "http", "https") {
				f.add("URL_TYPE_INVALID_URL", "Not a well formed URL.", "embeds", ix, "author", "url")
			}
			total += length(e.Author.Name)
		}
	}
	if total > MaxEmbedTotal {
		f.add("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000", "embeds")
	}
}

type compNode struct {
	Type       int               `json:"type"`
	Style      int               `json:"style"`
	Label      *string           `json:"label"`
	CustomID   *string           `json:"custom_id"`
	URL        *string           `json:"url"`
	SkuID      string            `json:"sku_id"`
	Emoji      json.RawMessage   `json:"emoji"`
	Options    []json.RawMessage `json:"options"`
	Components []compNode        `json:"components"`
}

func isSelect(t int) bool { return t == 3 || (t >= 5 && t <= 8) }

func validateComponents(f *formErrors, raw json.RawMessage) {
	var rows []compNode
	if err := json.Unmarshal(raw, &rows); err != nil {
		f.add("BASE_TYPE_INVALID", "Invalid components.", "components")
		return
	}
	f.maxLen(len(rows), MaxActionRows, "components")
	seen := map[string]bool{}
	for i, row := range rows {
		ix := strconv.Itoa(i)
		if row.Type != 1 {
			f.add("UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,).", "components", ix, "type")
			continue
		}
		f.between(len(row.Components), 1, MaxRowButtons, "components", ix, "components")
		hasSelect := false
		for _, c := range row.Components {
			hasSelect = hasSelect || isSelect(c.Type)
		}
		if hasSelect && len(row.Components) > 1 {
			f.add("COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width", "components", ix, "components")
		}
		for j, c := range row.Components {
			path := []string{"components", ix, "components", strconv.Itoa(j)}
			at := func(field string) []string { return append(append([]string{}, path...), field) }
			if c.CustomID != nil {
				if seen[*c.CustomID] {
					f.add("COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated", at("custom_id")...)
				}
				seen[*c.CustomID] = true
			}
			switch {
			case c.Type == 2:
				validateButton(f, c, at)
			case isSelect(c.Type):
				if c.CustomID == nil || *c.CustomID == "" {
					f.required(at("custom_id")...)
				} else {
					f.maxLen(length(*c.CustomID), MaxCustomID, at("custom_id")...)
				}
				if c.Type == 3 {
					f.between(len(c.Options), 1, MaxSelectOptions, at("options")...)
				}
			default:
				f.add("UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).", at("type")...)
			}
		}
	}
}

func validateButton(f *formErrors, c compNode, at func(string) []string) {
	if c.Label != nil {
		f.maxLen(length(*c.Label), MaxButtonLabel, at("label")...)
	}
	hasLabel := (c.Label != nil && *c.Label != "") || !isNull(c.Emoji)
	switch c.Style {
	case 5: // link
		if c.URL == nil || *c.URL == "" {
			f.required(at("url")...)
		} else if length(*c.URL) > MaxButtonURL {
			f.maxLen(length(*c.URL), MaxButtonURL, at("url")...)
		} else if !validURL(*c.URL, "http", "https", "discord") {
			f.add("URL_TYPE_INVALID_URL", "Not a well formed URL.", at("url")...)
		}
		if c.CustomID != nil {
			f.add("BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID", "A link button cannot have a custom_id.", at("custom_id")...)
		}
		if !hasLabel {
			f.add("BUTTON_COMPONENT_INVALID", "A button needs a label or an emoji.", at("label")...)
		}
	case 1, 2, 3, 4:
		if c.CustomID == nil || *c.CustomID == "" {
			f.required(at("custom_id")...)
		} else {
			f.maxLen(length(*c.CustomID), MaxCustomID, at("custom_id")...)
		}
		if c.URL != nil {
			f.add("BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons can have a url.", at("url")...)
		}
		if !hasLabel {
			f.add("BUTTON_COMPONENT_INVALID", "A button needs a label or an emoji.", at("label")...)
		}
	case 6: // premium
		if c.SkuID == "" {
			f.required(at("sku_id")...)
		}
	default:
		f.add("BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.", at("style")...)
	}
}

// validateThreadName checks a thread name (1 to 100 characters, as length
// counts them).
func validateThreadName(f *formErrors, name string) {
	f.between(length(strings.TrimSpace(name)), 1, MaxThreadName, "name")
}

// validAutoArchive reports whether d is an allowed auto_archive_duration.
func validAutoArchive(d int) bool {
	return d == 60 || d == 1440 || d == 4320 || d == 10080
}
