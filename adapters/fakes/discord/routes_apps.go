package discordfake

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Interaction timing rules.
const (
	InteractionDeadline = 3 * time.Second
	InteractionTokenTTL = 15 * time.Minute
)

// codeInvalidWebhookToken is answered for interaction tokens older than 15
// minutes.
const codeInvalidWebhookToken = 50027

func init() {
	codeMessages[codeInvalidWebhookToken] = "Invalid Webhook Token"
}

// ---- application commands ----

func (s *Server) hGetCommands(c *call) reply {
	cmds := s.commands[cmdKey{c.p["app"], c.p["guild"]}]
	if cmds == nil {
		cmds = []json.RawMessage{}
	}
	return ok(cmds)
}

// hPutCommands bulk-overwrites an application's commands (global or in a
// guild). Commands keep their id when a command of the same name and type
// existed before, as on Discord.
func (s *Server) hPutCommands(c *call) reply {
	app, guild := c.p["app"], c.p["guild"]
	var list []map[string]any
	if e := decodeJSON(c.body, &list); e != nil {
		return failed(e)
	}
	var f formErrors
	if len(list) > 100 {
		f.maxLen(len(list), 100)
	}
	seen := map[string]bool{}
	for i, cmd := range list {
		ix := strconv.Itoa(i)
		typ := cmdType(cmd)
		name, _ := cmd["name"].(string)
		desc, _ := cmd["description"].(string)
		validateCommandName(&f, name, typ == 1, ix, "name")
		if typ == 1 {
			f.between(length(desc), 1, 100, ix, "description")
		} else if desc != "" {
			f.add("APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED", "Context menu commands cannot have a description.", ix, "description")
		}
		validateOptions(&f, cmd["options"], ix, "options")
		k := strconv.Itoa(typ) + "/" + name
		if seen[k] {
			f.add("APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique", ix, "name")
		}
		seen[k] = true
	}
	if !f.empty() {
		return failForm(&f)
	}
	key := cmdKey{app, guild}
	oldIDs := s.commandIDs[key]
	newIDs := map[string]string{}
	out := make([]json.RawMessage, 0, len(list))
	for _, cmd := range list {
		typ := cmdType(cmd)
		name, _ := cmd["name"].(string)
		k := strconv.Itoa(typ) + "/" + name
		id, found := oldIDs[k]
		if !found {
			id = s.nextIDLocked()
		}
		newIDs[k] = id
		cmd["id"] = id
		cmd["application_id"] = app
		cmd["version"] = s.nextIDLocked()
		cmd["type"] = typ
		if guild != "" {
			cmd["guild_id"] = guild
		} else {
			delete(cmd, "guild_id")
		}
		if _, has := cmd["default_member_permissions"]; !has {
			cmd["default_member_permissions"] = nil
		}
		if _, has := cmd["description"]; !has {
			cmd["description"] = ""
		}
		if _, has := cmd["nsfw"]; !has {
			cmd["nsfw"] = false
		}
		b, _ := json.Marshal(cmd)
		out = append(out, b)
	}
	s.commandIDs[key] = newIDs
	s.commands[key] = out
	return ok(out)
}

func cmdType(cmd map[string]any) int {
	if t, ok := cmd["type"].(float64); ok && t != 0 {
		return int(t)
	}
	return 1
}

// validateCommandName checks a command or option name: 1 to 32 characters;
// for slash commands and options lowercase without spaces.
func validateCommandName(f *formErrors, name string, strict bool, path ...string) {
	f.between(length(name), 1, 32, path...)
	if !strict {
		return
	}
	for _, r := range name {
		if unicode.IsUpper(r) || unicode.IsSpace(r) || !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' || r == '_') {
			f.add("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", path...)
			return
		}
	}
}

func validateOptions(f *formErrors, v any, path ...string) {
	opts, _ := v.([]any)
	f.maxLen(len(opts), 25, path...)
	for i, o := range opts {
		m, _ := o.(map[string]any)
		if m == nil {
			continue
		}
		p := append(append([]string{}, path...), strconv.Itoa(i))
		name, _ := m["name"].(string)
		desc, _ := m["description"].(string)
		validateCommandName(f, name, true, append(p, "name")...)
		f.between(length(desc), 1, 100, append(p, "description")...)
		if ch, ok := m["choices"].([]any); ok {
			f.maxLen(len(ch), 25, append(p, "choices")...)
		}
		validateOptions(f, m["options"], append(p, "options")...)
	}
}

// ---- interactions ----

// hInteractionCallback records the first response to an interaction. A
// second one fails with 40060; a registered interaction answered after 3
// seconds fails with 10062.
func (s *Server) hInteractionCallback(c *call) reply {
	id, token := c.p["interaction"], c.p["token"]
	if created, found := s.registered[id]; found && c.now.Sub(created) > InteractionDeadline {
		return failCode(CodeUnknownInteraction)
	}
	if _, acked := s.tokens[token]; acked {
		return failCode(CodeAlreadyAcknowledged)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if e := decodeJSON(payload, &body); e != nil {
		return failed(e)
	}
	var original *msgState
	switch body.Type {
	case 1, 8, 10, 12:
	case 6:
		// A deferred update acknowledges a component on an existing message;
		// that message becomes @original, to be edited: the channel's own
		// message when the fake knows it (RegisterComponentMessage), else a
		// stand-in (an ephemeral reply the fake never stored).
		original = &msgState{Message: Message{ID: s.nextIDLocked(), Author: s.bot, Timestamp: c.now}}
		if m, ok := s.messages[s.componentMsgs[id]]; ok {
			original = m
		}
	case 4, 5, 7:
		in := msgInput{}
		if !isNull(body.Data) {
			var e *apiError
			if in, e = decodeMessage(body.Data, files); e != nil {
				return failed(nestErrors(e, "data"))
			}
		}
		if e := validateMessage(&in, body.Type == 4); e != nil {
			return failed(nestErrors(e, "data"))
		}
		original = &msgState{Message: Message{
			ID: s.nextIDLocked(), Author: s.bot, Content: in.content,
			Components: in.components, AllowedMentions: in.allowedMentions,
			Flags: in.flags & (storableFlags | 1<<6), Timestamp: c.now, Body: in.body,
		}}
		original.embedsJSON = marshalEmbeds(in.embeds)
		if body.Type == 5 {
			original.Flags |= 1 << 7 // LOADING
		}
	case 9:
		var modal struct {
			CustomID   string          `json:"custom_id"`
			Title      string          `json:"title"`
			Components json.RawMessage `json:"components"`
		}
		_ = json.Unmarshal(body.Data, &modal)
		var f formErrors
		f.between(length(modal.CustomID), 1, MaxCustomID, "data", "custom_id")
		f.between(length(modal.Title), 1, 45, "data", "title")
		if !hasItems(modal.Components) {
			f.required("data", "components")
		}
		if !f.empty() {
			return failForm(&f)
		}
	default:
		var f formErrors
		f.add("BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.", "type")
		return failForm(&f)
	}
	s.tokens[token] = &tokenState{interactionID: id, callbackType: body.Type, ackAt: c.now, original: original}
	rec := InteractionResponse{
		Kind: "callback", InteractionID: id, Token: token, Type: body.Type,
		Data: append(json.RawMessage(nil), body.Data...), Time: c.now,
	}
	if original != nil {
		rec.MessageID = original.ID
	}
	s.recordInteractionLocked(rec)
	return noContent()
}

// nestErrors moves form errors under a field (e.g. "data").
func nestErrors(e *apiError, field string) *apiError {
	if len(e.Errors) > 0 {
		e.Errors = map[string]any{field: e.Errors}
	}
	return e
}

// tokenLocked finds the interaction webhook for a token.
func (s *Server) tokenLocked(c *call) (*tokenState, *apiError) {
	ts, found := s.tokens[c.p["token"]]
	if !found {
		return nil, codeErr(CodeUnknownWebhook)
	}
	if c.now.Sub(ts.ackAt) > InteractionTokenTTL {
		e := codeErr(codeInvalidWebhookToken)
		e.Status = 401
		return nil, e
	}
	return ts, nil
}

func (s *Server) webhookMessageLocked(c *call, ts *tokenState) *msgState {
	id := c.p["message"]
	if id == "@original" {
		return ts.original
	}
	return s.followupLookup[c.p["token"]+"/"+id]
}

func (s *Server) hGetWebhookMessage(c *call) reply {
	ts, e := s.tokenLocked(c)
	if e != nil {
		return failed(e)
	}
	m := s.webhookMessageLocked(c, ts)
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	return ok(s.wireMessageLocked(m, false))
}

// hEditWebhookMessage edits the original interaction response (@original)
// or a follow-up.
func (s *Server) hEditWebhookMessage(c *call) reply {
	ts, e := s.tokenLocked(c)
	if e != nil {
		return failed(e)
	}
	m := s.webhookMessageLocked(c, ts)
	if m == nil {
		// Also for @original after a callback without a message (a modal).
		return failCode(CodeUnknownMessage)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	in, e := decodeMessage(payload, files)
	if e != nil {
		return failed(e)
	}
	if e := applyEdit(m, &in, c.now); e != nil {
		return failed(e)
	}
	m.Flags &^= 1 << 7 // no longer loading
	m.appID = c.p["app"]
	s.recordInteractionLocked(InteractionResponse{
		Kind: "edit", InteractionID: ts.interactionID, ApplicationID: c.p["app"], Token: c.p["token"],
		Data: append(json.RawMessage(nil), payload...), MessageID: m.ID, Time: c.now,
	})
	return ok(s.wireMessageLocked(m, false))
}

func (s *Server) hDeleteWebhookMessage(c *call) reply {
	ts, e := s.tokenLocked(c)
	if e != nil {
		return failed(e)
	}
	m := s.webhookMessageLocked(c, ts)
	if m == nil {
		return failCode(CodeUnknownMessage)
	}
	if c.p["message"] == "@original" {
		ts.original = nil
	} else {
		delete(s.followupLookup, c.p["token"]+"/"+c.p["message"])
	}
	s.recordInteractionLocked(InteractionResponse{
		Kind: "delete", InteractionID: ts.interactionID, ApplicationID: c.p["app"], Token: c.p["token"],
		MessageID: m.ID, Time: c.now,
	})
	return noContent()
}

// hFollowup creates a follow-up message; with ?wait=true it returns the
// message, otherwise 204.
func (s *Server) hFollowup(c *call) reply {
	ts, e := s.tokenLocked(c)
	if e != nil {
		return failed(e)
	}
	payload, files, e := payloadJSON(c.body, c.r.Header.Get("Content-Type"))
	if e != nil {
		return failed(e)
	}
	in, e := decodeMessage(payload, files)
	if e != nil {
		return failed(e)
	}
	if e := validateMessage(&in, true); e != nil {
		return failed(e)
	}
	m := &msgState{Message: Message{
		ID: s.nextIDLocked(), Author: s.bot, Content: in.content,
		Components: in.components, AllowedMentions: in.allowedMentions,
		Flags: in.flags & (storableFlags | 1<<6), Attachments: in.attachments, Timestamp: c.now, Body: in.body,
	}, appID: c.p["app"]}
	m.embedsJSON = marshalEmbeds(in.embeds)
	s.followupLookup[c.p["token"]+"/"+m.ID] = m
	s.recordInteractionLocked(InteractionResponse{
		Kind: "followup", InteractionID: ts.interactionID, ApplicationID: c.p["app"], Token: c.p["token"],
		Data: append(json.RawMessage(nil), payload...), MessageID: m.ID, Time: c.now,
	})
	if strings.EqualFold(c.r.URL.Query().Get("wait"), "true") {
		return ok(s.wireMessageLocked(m, false))
	}
	return noContent()
}

// hGetApplication answers the bot's application: its id is the bot user's,
// as for every bot created since 2016.
func (s *Server) hGetApplication(c *call) reply {
	return ok(map[string]any{"id": s.bot.ID, "name": s.bot.Username, "bot_public": false})
}
