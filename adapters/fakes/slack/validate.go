package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// Limits the fake enforces, counted in UTF-16 code units (see length).
const (
	// MaxTextChars is the longest top-level "text": more fails with
	// msg_too_long.
	MaxTextChars = 40000
	// MaxBlocks is the most blocks in a message.
	MaxBlocks = 50
	// MaxBlocksJSONChars is the longest blocks JSON, counted in UTF-16
	// units of its compact encoding (json.Compact of what was sent); more fails with
	// msg_blocks_too_long. Slack documents no number: reports put the limit
	// between about 13,170 and 13,300 characters depending on the blocks,
	// so the fake uses a round value at the low end.
	MaxBlocksJSONChars = 13200
	// MaxSectionText is the longest section text; MaxSectionField the
	// longest of its (at most MaxSectionFields) fields.
	MaxSectionText   = 3000
	MaxSectionField  = 2000
	MaxSectionFields = 10
	// MaxHeaderText is the longest header text (plain_text only).
	MaxHeaderText = 150
	// MaxMarkdownText is the longest markdown block text.
	MaxMarkdownText = 12000
	// MaxContextElements and MaxActionsElements bound those blocks.
	MaxContextElements = 10
	MaxActionsElements = 25
	// MaxButtonText, MaxButtonValue and MaxURL apply to buttons (MaxURL
	// also to image URLs).
	MaxButtonText  = 75
	MaxButtonValue = 2000
	MaxURL         = 3000
	// MaxAltText is the longest image alt_text.
	MaxAltText = 2000
	// MaxBlockID and MaxActionID bound block_id and action_id.
	MaxBlockID  = 255
	MaxActionID = 255
	// MaxMessageErrors caps the messages listed in an invalid_blocks
	// answer's response_metadata.
	MaxMessageErrors = 20
)

// knownBlocks are the block types the fake accepts in messages.
var knownBlocks = map[string]bool{
	"section": true, "header": true, "divider": true, "context": true, "actions": true,
	"image": true, "rich_text": true, "markdown": true, "input": true, "file": true,
	"video": true, "table": true, "call": true, "context_actions": true, "card": true,
	"carousel": true, "alert": true, "plan": true, "task_card": true, "data_table": true,
	"data_visualization": true,
}

// blockCheck collects Block Kit errors as Slack words them:
// "[ERROR] <what> [json-pointer:/blocks/0/text/text]".
type blockCheck struct {
	msgs      []string
	actionIDs map[string]bool
	blockIDs  map[string]bool
}

func (b *blockCheck) add(ptr, format string, a ...any) {
	if len(b.msgs) < MaxMessageErrors {
		b.msgs = append(b.msgs, "[ERROR] "+fmt.Sprintf(format, a...)+" [json-pointer:"+ptr+"]")
	}
}

// length is how long s is against Slack's limits: in UTF-16 code units,
// so a character outside the Basic Multilingual Plane (most emoji, the
// mathematical alphanumerics) counts 2 and every other character 1.
// Slack documents its limits in characters; its clients are JavaScript,
// which counts UTF-16 units, so the fake refuses what either count would
// refuse.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func (b *blockCheck) maxLen(ptr, s string, max int) {
	if length(s) > max {
		b.add(ptr, "must be less than %d characters", max+1)
	}
}

// validateBlocks checks a blocks JSON array. It returns the compact JSON,
// and either "" or the error code ("invalid_blocks_format",
// "invalid_blocks" with messages, or "msg_blocks_too_long").
func validateBlocks(raw string) (json.RawMessage, string, []string) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(raw)); err != nil {
		return nil, "invalid_blocks_format", nil
	}
	compact := json.RawMessage(buf.Bytes())
	var blocks []any
	if err := json.Unmarshal(compact, &blocks); err != nil {
		return nil, "invalid_blocks_format", nil
	}
	b := &blockCheck{actionIDs: map[string]bool{}, blockIDs: map[string]bool{}}
	if len(blocks) > MaxBlocks {
		b.add("/blocks", "no more than %d items allowed", MaxBlocks)
	}
	for i, bl := range blocks {
		b.block(bl, "/blocks/"+strconv.Itoa(i))
	}
	if len(b.msgs) > 0 {
		return compact, "invalid_blocks", b.msgs
	}
	if length(string(compact)) > MaxBlocksJSONChars {
		return compact, "msg_blocks_too_long", nil
	}
	return compact, "", nil
}

func (b *blockCheck) block(v any, ptr string) {
	o, ok := v.(map[string]any)
	if !ok {
		b.add(ptr, "must be an object")
		return
	}
	typ, _ := o["type"].(string)
	if typ == "" {
		b.add(ptr, "missing required field: type")
		return
	}
	if !knownBlocks[typ] {
		b.add(ptr+"/type", "unsupported type: %s", typ)
		return
	}
	if id, present := o["block_id"]; present {
		s, ok := id.(string)
		switch {
		case !ok || s == "":
			b.add(ptr+"/block_id", "must be a non-empty string")
		case length(s) > MaxBlockID:
			b.maxLen(ptr+"/block_id", s, MaxBlockID)
		case b.blockIDs[s]:
			b.add(ptr+"/block_id", "duplicate block_id: %s", s)
		default:
			b.blockIDs[s] = true
		}
	}
	switch typ {
	case "section":
		text, hasText := o["text"]
		fields, hasFields := o["fields"].([]any)
		if !hasText && !hasFields {
			b.add(ptr, "must provide either text or fields")
		}
		if hasText {
			b.textObj(text, ptr+"/text", false, MaxSectionText)
		}
		if hasFields {
			if len(fields) > MaxSectionFields {
				b.add(ptr+"/fields", "no more than %d items allowed", MaxSectionFields)
			}
			for i, f := range fields {
				b.textObj(f, ptr+"/fields/"+strconv.Itoa(i), false, MaxSectionField)
			}
		}
		if acc, ok := o["accessory"]; ok {
			b.element(acc, ptr+"/accessory")
		}
	case "header":
		b.textObj(o["text"], ptr+"/text", true, MaxHeaderText)
	case "markdown":
		s, ok := o["text"].(string)
		if !ok || s == "" {
			b.add(ptr+"/text", "must be more than 0 characters")
		} else {
			b.maxLen(ptr+"/text", s, MaxMarkdownText)
		}
	case "context":
		els, _ := o["elements"].([]any)
		b.count(ptr+"/elements", len(els), MaxContextElements)
		for i, e := range els {
			p := ptr + "/elements/" + strconv.Itoa(i)
			eo, _ := e.(map[string]any)
			if t, _ := eo["type"].(string); t == "image" {
				b.image(eo, p)
				continue
			}
			b.textObj(e, p, false, MaxSectionText)
		}
	case "actions":
		els, _ := o["elements"].([]any)
		b.count(ptr+"/elements", len(els), MaxActionsElements)
		for i, e := range els {
			b.element(e, ptr+"/elements/"+strconv.Itoa(i))
		}
	case "image":
		b.image(o, ptr)
		if t, ok := o["title"]; ok {
			b.textObj(t, ptr+"/title", true, 2000)
		}
	case "input":
		b.textObj(o["label"], ptr+"/label", true, 2000)
		if el, ok := o["element"]; ok {
			b.element(el, ptr+"/element")
		} else {
			b.add(ptr, "missing required field: element")
		}
	case "rich_text":
		if els, ok := o["elements"].([]any); !ok || len(els) == 0 {
			b.add(ptr+"/elements", "must provide at least 1 item")
		}
	}
}

func (b *blockCheck) count(ptr string, n, max int) {
	switch {
	case n == 0:
		b.add(ptr, "must provide at least 1 item")
	case n > max:
		b.add(ptr, "no more than %d items allowed", max)
	}
}

// textObj checks a text composition object.
func (b *blockCheck) textObj(v any, ptr string, plainOnly bool, max int) {
	o, ok := v.(map[string]any)
	if !ok {
		b.add(ptr, "must be a text object")
		return
	}
	typ, _ := o["type"].(string)
	switch {
	case typ != "plain_text" && typ != "mrkdwn":
		b.add(ptr+"/type", "must be a valid enum value")
	case plainOnly && typ != "plain_text":
		b.add(ptr+"/type", "must be plain_text")
	case typ == "mrkdwn" && o["emoji"] != nil:
		b.add(ptr+"/emoji", "emoji is only allowed with plain_text")
	}
	s, ok := o["text"].(string)
	if !ok || s == "" {
		b.add(ptr+"/text", "must be more than 0 characters")
		return
	}
	b.maxLen(ptr+"/text", s, max)
}

// image checks an image block or element.
func (b *blockCheck) image(o map[string]any, ptr string) {
	u, hasURL := o["image_url"].(string)
	_, hasFile := o["slack_file"]
	switch {
	case !hasURL && !hasFile:
		b.add(ptr, "missing required field: image_url")
	case hasURL && u == "":
		b.add(ptr+"/image_url", "must be more than 0 characters")
	case hasURL:
		b.maxLen(ptr+"/image_url", u, MaxURL)
	}
	alt, ok := o["alt_text"].(string)
	if !ok || alt == "" {
		b.add(ptr, "missing required field: alt_text")
	} else {
		b.maxLen(ptr+"/alt_text", alt, MaxAltText)
	}
}

// element checks an interactive or image element.
func (b *blockCheck) element(v any, ptr string) {
	o, ok := v.(map[string]any)
	if !ok {
		b.add(ptr, "must be an object")
		return
	}
	typ, _ := o["type"].(string)
	if typ == "" {
		b.add(ptr, "missing required field: type")
		return
	}
	if id, present := o["action_id"]; present {
		s, ok := id.(string)
		switch {
		case !ok || s == "":
			b.add(ptr+"/action_id", "must be more than 0 characters")
		case length(s) > MaxActionID:
			b.maxLen(ptr+"/action_id", s, MaxActionID)
		case b.actionIDs[s]:
			b.add(ptr+"/action_id", "duplicate action_id: %s", s)
		default:
			b.actionIDs[s] = true
		}
	}
	if p, ok := o["placeholder"]; ok {
		b.textObj(p, ptr+"/placeholder", true, 150)
	}
	switch typ {
	case "image":
		b.image(o, ptr)
	case "button":
		b.textObj(o["text"], ptr+"/text", true, MaxButtonText)
		if u, present := o["url"]; present {
			s, _ := u.(string)
			if s == "" {
				b.add(ptr+"/url", "must be more than 0 characters")
			} else {
				b.maxLen(ptr+"/url", s, MaxURL)
			}
		}
		if val, present := o["value"]; present {
			s, _ := val.(string)
			b.maxLen(ptr+"/value", s, MaxButtonValue)
		}
		if st, present := o["style"]; present {
			if s, _ := st.(string); s != "primary" && s != "danger" {
				b.add(ptr+"/style", "must be a valid enum value")
			}
		}
	case "overflow":
		opts, _ := o["options"].([]any)
		b.count(ptr+"/options", len(opts), 5)
		b.options(opts, ptr+"/options")
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes":
		opts, hasOpts := o["options"].([]any)
		if hasOpts {
			b.count(ptr+"/options", len(opts), 100)
			b.options(opts, ptr+"/options")
		} else if _, groups := o["option_groups"]; !groups {
			b.add(ptr, "missing required field: options")
		}
	}
}

func (b *blockCheck) options(opts []any, ptr string) {
	for i, op := range opts {
		p := ptr + "/" + strconv.Itoa(i)
		oo, ok := op.(map[string]any)
		if !ok {
			b.add(p, "must be an object")
			continue
		}
		b.textObj(oo["text"], p+"/text", false, 75)
		if s, _ := oo["value"].(string); s == "" {
			b.add(p+"/value", "must be more than 0 characters")
		} else {
			b.maxLen(p+"/value", s, 150)
		}
	}
}

// parseMetadata checks a message metadata JSON object: an object with a
// non-empty string event_type and an object event_payload. It returns the
// compact JSON and its parts, or ok false (invalid_metadata_format).
func parseMetadata(raw string) (compact json.RawMessage, eventType string, payload json.RawMessage, ok bool) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(raw)); err != nil {
		return nil, "", nil, false
	}
	var md struct {
		EventType    *string         `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal(buf.Bytes(), &md); err != nil || md.EventType == nil || *md.EventType == "" {
		return nil, "", nil, false
	}
	if p := bytes.TrimSpace(md.EventPayload); len(p) == 0 || p[0] != '{' {
		return nil, "", nil, false
	}
	return json.RawMessage(buf.Bytes()), *md.EventType, md.EventPayload, true
}
