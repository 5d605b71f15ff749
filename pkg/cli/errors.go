package cli

import (
	"errors"
	"fmt"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitInterrupted is the shell's code for a command ended by Ctrl-C
	// (128 + SIGINT).
	ExitInterrupted = 130
)

// A usageError is a mistake in the command line: it exits with [ExitUsage].
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

// A hintError carries a suggestion printed after the error.
type hintError struct {
	err  error
	hint string
}

func (e hintError) Error() string { return e.err.Error() }
func (e hintError) Unwrap() error { return e.err }

func withHint(err error, hint string) error { return hintError{err, hint} }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func hintOf(err error) string {
	var h hintError
	if errors.As(err, &h) {
		return h.hint
	}
	return ""
}
