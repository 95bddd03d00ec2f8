package bot

import (
	"errors"
	"fmt"
)

// Error codes for errors a user should read.
const (
	EInvalid  = "invalid"   // bad input: config, command arguments, dates
	ENotFound = "not_found" // no such channel, paper, list
	EConflict = "conflict"  // the work was already done or is being done
	EBusy     = "busy"      // past a fair-use limit: try again later
)

// Error is an error meant for a person: Message says what is wrong and how
// to fix it, in one line. Adapters turn Code into a reply or an exit code in
// one place.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrNotFound is returned by stores when a looked-up row does not exist.
var ErrNotFound = &Error{Code: ENotFound, Message: "not found"}
