package discordfake

import (
	"net/http"
	"strconv"
)

// Discord JSON error codes used by the fake.
const (
	CodeGeneral               = 0
	CodeUnknownChannel        = 10003
	CodeUnknownGuild          = 10004
	CodeUnknownMember         = 10007
	CodeUnknownMessage        = 10008
	CodeUnknownUser           = 10013
	CodeUnknownWebhook        = 10015
	CodeUnknownInteraction    = 10062
	CodeCannotSendInForum     = 40058
	CodeAlreadyAcknowledged   = 40060
	CodeMissingAccess         = 50001
	CodeCannotEditOthers      = 50005
	CodeEmptyMessage          = 50006
	CodeCannotMessageUser     = 50007
	CodeNonTextChannel        = 50008
	CodeMissingPermissions    = 50013
	CodeWrongChannelType      = 50024
	CodeInvalidFormBody       = 50035
	CodeThreadArchived        = 50083
	CodeInvalidJSON           = 50109
	CodeThreadAlreadyCreated  = 160004
	CodeResourceOverloaded    = 130000
	CodeUnknownApplicationCmd = 10063
)

var codeMessages = map[int]string{
	CodeUnknownChannel:        "Unknown Channel",
	CodeUnknownGuild:          "Unknown Guild",
	CodeUnknownMember:         "Unknown Member",
	CodeUnknownMessage:        "Unknown Message",
	CodeUnknownUser:           "Unknown User",
	CodeUnknownWebhook:        "Unknown Webhook",
	CodeUnknownInteraction:    "Unknown interaction",
	CodeUnknownApplicationCmd: "Unknown application command",
	CodeCannotSendInForum:     "Cannot send messages in a forum channel",
	CodeAlreadyAcknowledged:   "Interaction has already been acknowledged.",
	CodeMissingAccess:         "Missing Access",
	CodeCannotEditOthers:      "Cannot edit a message authored by another user",
	CodeEmptyMessage:          "Cannot send an empty message",
	CodeCannotMessageUser:     "Cannot send messages to this user",
	CodeNonTextChannel:        "Cannot send messages in a non-text channel",
	CodeMissingPermissions:    "Missing Permissions",
	CodeWrongChannelType:      "Cannot execute action on this channel type",
	CodeInvalidFormBody:       "Invalid Form Body",
	CodeThreadArchived:        "Thread is archived",
	CodeInvalidJSON:           "The request body contains invalid JSON.",
	CodeThreadAlreadyCreated:  "A thread has already been created for this message",
	CodeResourceOverloaded:    "API resource is currently overloaded. Try again a little later.",
}

// CodeMessage returns Discord's message text for a JSON error code.
func CodeMessage(code int) string {
	if m, ok := codeMessages[code]; ok {
		return m
	}
	return "Error " + strconv.Itoa(code)
}

// CodeStatus returns the HTTP status Discord uses with a JSON error code.
func CodeStatus(code int) int {
	switch {
	case code == CodeMissingAccess || code == CodeMissingPermissions || code == CodeCannotMessageUser ||
		code == CodeCannotEditOthers:
		return http.StatusForbidden
	case code >= 10001 && code <= 10099:
		return http.StatusNotFound
	case code == CodeResourceOverloaded:
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// apiError is an error answer: a status and Discord's JSON error body.
type apiError struct {
	Status  int            `json:"-"`
	Message string         `json:"message"`
	Code    int            `json:"code"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func codeErr(code int) *apiError {
	return &apiError{Status: CodeStatus(code), Message: CodeMessage(code), Code: code}
}

// statusErr is the body Discord sends for a bare HTTP error ("404: Not
// Found", code 0).
func statusErr(status int) *apiError {
	return &apiError{Status: status, Message: strconv.Itoa(status) + ": " + http.StatusText(status), Code: 0}
}

// formErrors accumulates 50035 "Invalid Form Body" field errors in
// Discord's nested {"field":{"0":{"sub":{"_errors":[...]}}}} shape.
type formErrors struct {
	root map[string]any
}

func (f *formErrors) add(code, message string, path ...string) {
	if f.root == nil {
		f.root = map[string]any{}
	}
	node := f.root
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	list, _ := node["_errors"].([]any)
	node["_errors"] = append(list, map[string]any{"code": code, "message": message})
}

func (f *formErrors) empty() bool { return len(f.root) == 0 }

func (f *formErrors) err() *apiError {
	if f.empty() {
		return nil
	}
	e := codeErr(CodeInvalidFormBody)
	e.Errors = f.root
	return e
}

func (f *formErrors) maxLen(n, max int, path ...string) {
	if n > max {
		f.add("BASE_TYPE_MAX_LENGTH", "Must be "+strconv.Itoa(max)+" or fewer in length.", path...)
	}
}

func (f *formErrors) between(n, min, max int, path ...string) {
	if n < min || n > max {
		f.add("BASE_TYPE_BAD_LENGTH", "Must be between "+strconv.Itoa(min)+" and "+strconv.Itoa(max)+" in length.", path...)
	}
}

func (f *formErrors) required(path ...string) {
	f.add("BASE_TYPE_REQUIRED", "This field is required", path...)
}
