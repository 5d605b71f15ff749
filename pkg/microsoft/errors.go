package microsoft

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/emtime/emtime/pkg/httpretry"
)

// The kinds of failure an [*Error] can be; test with errors.Is.
var (
	// ErrUnauthorized: Graph refused the access token (401, for example
	// InvalidAuthenticationToken when it expired).
	ErrUnauthorized = errors.New("microsoft graph refused the access token")
	// ErrAccessDenied: the sign-in lacks a permission (403,
	// ErrorAccessDenied); [Error.Permission] names it.
	ErrAccessDenied = errors.New("access denied")
	// ErrNotFound: no such item (404, ErrorItemNotFound), such as a
	// calendar id that is not, or no longer, the user's.
	ErrNotFound = errors.New("not found")
	// ErrThrottled: Graph asked to slow down (429, or 503 and 504 when it
	// is overloaded); [Error.RetryAfter] says for how long, if it did.
	ErrThrottled = errors.New("throttled by microsoft graph")
)

// Error is a failed Graph request, naming what it was about and Graph's
// answer.
type Error struct {
	// What names the request: "me", "mailbox settings", "calendar list",
	// "calendar Team".
	What string
	// Status is the HTTP status Graph answered, or 0 when none came.
	Status int
	// Code and Message are Graph's error code ("ErrorAccessDenied") and
	// text, from its {"error": {"code", "message"}} answer.
	Code    string
	Message string
	// RetryAfter is how long Graph asked to wait (Retry-After), or 0.
	RetryAfter time.Duration
	// Attempts is how many times the request was tried, when a retrying
	// transport ([RetryTransport]) tried it; the error says "(gave up
	// after N tries)" when it gave up on Graph's answer after several.
	Attempts int
	// RequestID is Graph's id of the request, for a support case.
	RequestID string
	// Permission is what the request needs ("Calendars.ReadBasic"), named
	// when it was refused for want of it.
	Permission string
	// Err is the transport's or the reader's error, when that is what
	// failed.
	Err error
}

// graphError is Graph's error answer.
type graphError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID string `json:"request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

func newError(what string, res *http.Response, body []byte) *Error {
	e := &Error{What: what, Status: res.StatusCode, RequestID: res.Header.Get("request-id")}
	var ge graphError
	if json.Unmarshal(body, &ge) == nil {
		e.Code = clean(ge.Error.Code, 80)
		e.Message = clean(ge.Error.Message, 300)
		if e.RequestID == "" {
			e.RequestID = ge.Error.InnerError.RequestID
		}
	}
	e.RequestID = clean(e.RequestID, 80)
	e.RetryAfter = httpretry.RetryAfter(res.Header)
	return e
}

// clean keeps server text printable and short.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// Is makes errors.Is(err, ErrThrottled) and the like work.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrAccessDenied:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrThrottled:
		return e.Status == http.StatusTooManyRequests ||
			e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout
	}
	return false
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Status == 0 || (e.Err != nil && e.Code == "") {
		if e.Err == nil {
			return e.What + ": failed"
		}
		return e.What + ": " + e.Err.Error()
	}
	said := e.Code
	if e.Message != "" {
		if said != "" {
			said += ": "
		}
		said += e.Message
	}
	if said == "" {
		said = http.StatusText(e.Status)
	}
	var msg string
	switch {
	case e.Is(ErrUnauthorized):
		msg = fmt.Sprintf("microsoft graph refused the access token (%s)", said)
	case e.Is(ErrAccessDenied):
		msg = fmt.Sprintf("access denied (%s)", said)
		if e.Permission != "" {
			msg += ": emtime needs the " + e.Permission + " permission"
		}
	case e.Is(ErrNotFound):
		msg = fmt.Sprintf("not found (%s)", said)
	case e.Is(ErrThrottled):
		msg = fmt.Sprintf("throttled by microsoft graph (%d %s)", e.Status, said)
		if e.RetryAfter > 0 {
			msg += fmt.Sprintf(", asked to wait %s", e.RetryAfter)
		}
	default:
		msg = fmt.Sprintf("%d %s", e.Status, said)
	}
	return e.What + ": " + msg + httpretry.GaveUpAfter(e.Attempts, false)
}

// Hint says what the user can do about the error, or "" when there is
// nothing to say.
func (e *Error) Hint() string {
	switch {
	case e.Is(ErrUnauthorized):
		return "sign in again: emtime auth login --provider microsoft"
	case e.Is(ErrAccessDenied) && e.Permission != "":
		return "sign in again and grant it (emtime auth login --provider microsoft); where your organization " +
			"lets only administrators consent, ask one to grant " + e.Permission + " to emtime's app registration"
	case e.Is(ErrNotFound):
		return "emtime calendars --source microsoft lists the calendars you can read"
	case e.Is(ErrThrottled):
		return "Microsoft 365 is busy, or is limiting how often emtime may ask: try again in a few minutes"
	}
	return ""
}
