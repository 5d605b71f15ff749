package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/httpretry"
	"google.golang.org/api/googleapi"
)

// Retry bounds the retries of one API call (see [httpretry.Policy]). Zero
// fields take the defaults; Service is "Google".
type Retry = httpretry.Policy

// DefaultTimeout is how long one request to the Calendar API may take
// before it is abandoned: long enough for a page of 2500 events on a slow
// line, short enough that a stalled connection does not hang the run.
const DefaultTimeout = httpretry.DefaultTimeout

// service is Google in the retries' messages.
const service = "Google"

// errEmptyAnswer is a successful answer with nothing in it (a JSON null).
var errEmptyAnswer = errors.New("google sent an empty answer")

// RetryNotice tells that a call failed in passing and is about to be tried
// again, for a progress line: see [Options.Retrying]. Its What names the
// request, as [Error.What] does; its Reason holds no text of Google's but
// a reason made of letters and digits ("rate limit", "backendError
// (503)", "no answer within 60 s", "connection dropped").
type RetryNotice = httpretry.Notice

// HumanWait says a wait the way a person would: "20 s", "3 minutes",
// "2 hours", rounded up.
func HumanWait(d time.Duration) string { return httpretry.HumanWait(d) }

// caller is how a Source makes its calls: within its retry bounds,
// telling each retry to its notice callback.
type caller struct {
	retry  Retry
	notify func(RetryNotice) // nil: nobody to tell
}

// call runs fn within c's retry bounds ([httpretry.Do]), judging Google's
// errors with [judge]. An answer that is nil (Google sent null) is an
// error too: no caller needs to check for it.
func call[T any](ctx context.Context, c caller, what string, fn func(context.Context) (*T, error)) (*T, error) {
	return httpretry.Do(ctx, c.retry, what, judge, c.notify, func(ctx context.Context) (*T, error) {
		v, err := fn(ctx)
		if err == nil && v == nil {
			err = errEmptyAnswer
		}
		return v, err
	})
}

// judge says whether a failed call is worth another try: Google's rate
// limits (429, and 403 with rateLimitExceeded or userRateLimitExceeded),
// its 5xx answers, and the transport's failures in passing.
func judge(err error) httpretry.Verdict {
	retry, after := retryable(err)
	return httpretry.Verdict{Retry: retry, After: after, Reason: reason(err)}
}

// retryable reports whether err is worth another try, and the wait Google
// asked for, if any.
func retryable(err error) (bool, time.Duration) {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch {
		case ge.Code == http.StatusTooManyRequests, ge.Code >= 500:
			return true, httpretry.RetryAfter(ge.Header)
		case ge.Code == http.StatusForbidden:
			for _, item := range ge.Errors {
				if item.Reason == "rateLimitExceeded" || item.Reason == "userRateLimitExceeded" {
					return true, httpretry.RetryAfter(ge.Header)
				}
			}
		}
		return false, 0
	}
	// A deadline within the try (the token endpoint's, for one) is among
	// the transient failures: the caller's own has ended the retries
	// before this is asked.
	return httpretry.Transient(err), 0
}

// Error is a failed call, naming what it was about and Google's reason.
type Error struct {
	// What names the request: "calendar team@group.calendar.google.com",
	// "setting timezone", "calendar list".
	What string
	// Calendar is the calendar's id, when the request was about one.
	Calendar string
	// Code is the HTTP status Google answered, or 0.
	Code int
	// Reason is Google's reason ("notFound", "rateLimitExceeded"), or "".
	Reason string
	// Attempts is how many times the request was tried.
	Attempts int
	Err      error
}

func newError(what, calendarID string, err error) *Error {
	e := &Error{What: what, Calendar: calendarID, Attempts: httpretry.Attempts(err), Err: err}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		e.Code = ge.Code
		if len(ge.Errors) > 0 {
			e.Reason = clip(ge.Errors[0].Reason, 60)
		}
	}
	return e
}

func (e *Error) Error() string {
	return e.What + ": " + httpretry.Explain(e.Err, describe)
}

func (e *Error) Unwrap() error { return e.Err }

// maxServerText bounds what of a server's message goes into an error.
const maxServerText = 200

// clip cuts a string that came from a server to n bytes at most, on a
// rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// describe says what went wrong in one call: Google's reason and message,
// that it timed out, or the transport's failure.
func describe(err error) string {
	var ge *googleapi.Error
	var ue *url.Error
	var te *httpretry.TimeoutError
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.As(err, &ge):
		text := ge.Message
		reason := ""
		if len(ge.Errors) > 0 {
			reason = ge.Errors[0].Reason
			if ge.Errors[0].Message != "" {
				text = ge.Errors[0].Message
			}
		}
		if text == "" {
			text = http.StatusText(ge.Code)
		}
		text = clip(text, maxServerText)
		if reason != "" {
			return clip(reason, 60) + ": " + text
		}
		return fmt.Sprintf("%d: %s", ge.Code, text)
	case errors.As(err, &ue):
		// The request's address says nothing the user needs.
		return ue.Err.Error()
	}
	return err.Error()
}

// reason says in a few words what made a try fail, for a retry notice.
func reason(err error) string {
	var ge *googleapi.Error
	var te *httpretry.TimeoutError
	switch {
	case errors.As(err, &te):
		return httpretry.Reason(err)
	case errors.As(err, &ge):
		if ge.Code == http.StatusTooManyRequests {
			return "rate limit"
		}
		if len(ge.Errors) > 0 {
			r := ge.Errors[0].Reason
			if r == "userRateLimitExceeded" || r == "rateLimitExceeded" {
				return "rate limit"
			}
			// Google's reasons are words ("backendError"): anything else
			// stays out of the progress line, which is drawn as is.
			if r != "" && len(r) <= 60 && strings.IndexFunc(r, func(c rune) bool {
				return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
			}) < 0 {
				return fmt.Sprintf("%s (%d)", r, ge.Code)
			}
		}
		return fmt.Sprintf("Google answered %d", ge.Code)
	}
	return httpretry.Reason(err)
}
