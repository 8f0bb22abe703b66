package runner

import (
	"errors"
	"fmt"
	"strings"
)

// ErrConfig marks a usage or configuration error: nothing was sent. Every
// *ConfigError wraps it.
var ErrConfig = errors.New("configuration error")

// ErrUnreachable marks a target that could not be reached or timed out.
var ErrUnreachable = errors.New("target unreachable")

// ConfigError is a usage or configuration error: an option that is wrong, a
// report that cannot be written, a baseline that cannot be read, or a target
// that refused correctly signed credentials. Nothing was sent, or nothing
// after the one preflight lookup. Its message names Options fields by their
// Go names ("Cases -1: want 1 or more"); Text names them the caller's way
// (cmd/vcheck names its flags). errors.Is(err, ErrConfig) holds for every
// ConfigError.
type ConfigError struct {
	// Field is the Options field at fault, e.g. "Cases", "RequireCodes" or
	// "Credentials.Secret"; "Reporters" when Reporter's Check failed; ""
	// when no one field is (nothing was left to send, say).
	Field string
	// Reporter is the reporter whose Check refused its destination, when
	// Field is "Reporters".
	Reporter Reporter
	// parts is the message: literal text, and field references (ref) that
	// Text names.
	parts []any
	err   error
}

// ref is a reference to an Options field inside a ConfigError's message.
type ref string

// configErr returns the ConfigError about field whose message is parts:
// strings (already formatted) and refs. An error among parts is shown by
// its text and wrapped.
func configErr(field string, parts ...any) *ConfigError {
	e := &ConfigError{Field: field}
	for _, p := range parts {
		if err, ok := p.(error); ok {
			e.err = err
			p = err.Error()
		}
		e.parts = append(e.parts, p)
	}
	return e
}

// configf is a ConfigError of no one field, such as a merge's files that
// are not the shards of one run.
func configf(format string, args ...any) *ConfigError {
	return configErr("", fmt.Sprintf(format, args...))
}

// Error names each field by its Go name.
func (e *ConfigError) Error() string { return e.Text(nil) }

// Text is the message with each Options field it names written as name
// gives it; nil, or a name that returns "", keeps the field's Go name.
func (e *ConfigError) Text(name func(field string) string) string {
	var b strings.Builder
	for _, p := range e.parts {
		switch p := p.(type) {
		case ref:
			n := ""
			if name != nil {
				n = name(string(p))
			}
			if n == "" {
				n = string(p)
			}
			b.WriteString(n)
		default:
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

// Unwrap gives ErrConfig and the error the message was built on, if any.
func (e *ConfigError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrConfig, e.err}
	}
	return []error{ErrConfig}
}

// unjudgedError is a target that answered but could not be judged; it
// takes ErrUnreachable's exit code without claiming the target is down.
type unjudgedError struct{ reason string }

func (e *unjudgedError) Error() string { return "target could not be judged: " + e.reason }
func (e *unjudgedError) Unwrap() error { return ErrUnreachable }
