package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// msgInput is a decoded create- or edit-message body.
type msgInput struct {
	body            json.RawMessage
	content         string
	hasContent      bool
	embeds          []*discordgo.MessageEmbed
	hasEmbeds       bool
	components      json.RawMessage
	hasComponents   bool
	allowedMentions json.RawMessage
	nonce           string
	nonceRaw        json.RawMessage
	enforceNonce    bool
	flags           int
	hasFlags        bool
	attachments     []string
	hasOther        bool // stickers or a poll
}

func isNull(r json.RawMessage) bool {
	t := bytes.TrimSpace(r)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// payloadJSON extracts the JSON of a request: the body itself, or the
// payload_json part of a multipart body, with the uploaded file names.
func payloadJSON(body []byte, contentType string) ([]byte, []string, *apiError) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if !strings.HasPrefix(mt, "multipart/") {
		return body, nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var payload []byte
	var files []string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, codeErr(CodeInvalidFormBody)
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			payload = data
		} else if p.FileName() != "" {
			files = append(files, p.FileName())
		}
	}
	if payload == nil {
		payload = []byte("{}")
	}
	return payload, files, nil
}

// decodeJSON unmarshals a body, turning errors into Discord's answers:
// invalid UTF-8 and wrong types give 50035, broken JSON gives 50109.
func decodeJSON(body []byte, v any) *apiError {
	if !utf8.Valid(body) {
		var f formErrors
		f.add("UNICODE_INVALID", "Request body contains invalid UTF-8.")
		return f.err()
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		var f formErrors
		path := []string{}
		if te.Field != "" {
			path = strings.Split(te.Field, ".")
		}
		f.add("BASE_TYPE_INVALID", "Could not interpret value as "+te.Type.String()+".", path...)
		return f.err()
	}
	return codeErr(CodeInvalidJSON)
}

// decodeMessage parses a message body (create, edit, forum post message,
// interaction response data).
func decodeMessage(body []byte, files []string) (msgInput, *apiError) {
	var raw struct {
		Content         *string         `json:"content"`
		Embeds          json.RawMessage `json:"embeds"`
		Embed           json.RawMessage `json:"embed"`
		Components      json.RawMessage `json:"components"`
		AllowedMentions json.RawMessage `json:"allowed_mentions"`
		Nonce           json.RawMessage `json:"nonce"`
		EnforceNonce    bool            `json:"enforce_nonce"`
		Flags           *int            `json:"flags"`
		StickerIDs      []string        `json:"sticker_ids"`
		Poll            json.RawMessage `json:"poll"`
	}
	in := msgInput{body: append(json.RawMessage(nil), body...), attachments: files}
	if e := decodeJSON(body, &raw); e != nil {
		return in, e
	}
	var f formErrors
	if raw.Content != nil {
		in.content, in.hasContent = *raw.Content, true
	}
	embeds := raw.Embeds
	if isNull(embeds) && !isNull(raw.Embed) {
		embeds = json.RawMessage("[" + string(raw.Embed) + "]")
	}
	if !isNull(embeds) {
		in.hasEmbeds = true
		var list []*discordgo.MessageEmbed
		if err := json.Unmarshal(embeds, &list); err != nil {
			f.add("BASE_TYPE_INVALID", "Invalid embeds.", "embeds")
		}
		for _, e := range list {
			if e != nil {
				in.embeds = append(in.embeds, e)
			}
		}
	}
	if !isNull(raw.Components) {
		in.components, in.hasComponents = raw.Components, true
	}
	if raw.AllowedMentions != nil {
		in.allowedMentions = raw.AllowedMentions
	}
	if !isNull(raw.Nonce) {
		in.nonceRaw = raw.Nonce
		var str string
		if err := json.Unmarshal(raw.Nonce, &str); err == nil {
			in.nonce = str
		} else if _, err := strconv.ParseInt(string(bytes.TrimSpace(raw.Nonce)), 10, 64); err == nil {
			in.nonce = string(bytes.TrimSpace(raw.Nonce))
		} else {
			f.add("NONCE_TYPE_INVALID", "Nonce must be a string or an integer.", "nonce")
		}
	}
	in.enforceNonce = raw.EnforceNonce
	if raw.Flags != nil {
		in.flags, in.hasFlags = *raw.Flags, true
	}
	in.hasOther = len(raw.StickerIDs) > 0 || !isNull(raw.Poll)
	if !f.empty() {
		return in, f.err()
	}
	return in, nil
}
