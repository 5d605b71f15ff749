package google

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/api/googleapi"
)

// Retry bounds the retries of one API call. Zero fields take the defaults.
type Retry struct {
	// MaxAttempts is how many times a call is tried in all (default 5).
	MaxAttempts int
	// BaseDelay is the first backoff (default 1s); each retry doubles it, up
	// to MaxDelay (default 30s), and a random jitter takes up to half off.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait bounds the time one call spends waiting between tries
	// (default 2m); a Retry-After beyond it ends the retries.
	MaxWait time.Duration
	// Timeout bounds each try, from the request to the end of the answer
	// (default [DefaultTimeout]). A try that outlasts it is abandoned and,
	// like a dropped connection, tried again within the bounds above.
	Timeout time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests record
	// the waits through it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultTimeout is how long one request to the Calendar API may take
// before it is abandoned: long enough for a page of 2500 events on a slow
// line, short enough that a stalled connection does not hang the run.
const DefaultTimeout = 60 * time.Second

func (r Retry) withDefaults() Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 5
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = time.Second
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 30 * time.Second
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 2 * time.Minute
	}
	if r.Timeout <= 0 {
		r.Timeout = DefaultTimeout
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	return r
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attemptsError records that a call was given up after several tries.
type attemptsError struct {
	err      error
	attempts int
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }

// timeoutError is a try abandoned after [Retry.Timeout].
type timeoutError struct {
	limit time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("timed out: no answer from Google within %s", e.limit)
}
func (e *timeoutError) Unwrap() error { return e.err }

// call runs fn, retrying transient failures within r's bounds. Each try
// gets a context that ends after r.Timeout.
func call[T any](ctx context.Context, r Retry, fn func(context.Context) (T, error)) (T, error) {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		v, err := try(ctx, r.Timeout, fn)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return v, ctx.Err()
		}
		transient, after := retryable(err)
		if !transient {
			return v, err
		}
		if attempt >= r.MaxAttempts {
			return v, &attemptsError{err: err, attempts: attempt}
		}
		d := backoff(r, attempt)
		if after > 0 {
			d = after
		}
		if waited+d > r.MaxWait {
			return v, &attemptsError{err: err, attempts: attempt}
		}
		waited += d
		if err := r.Sleep(ctx, d); err != nil {
			return v, err
		}
	}
}

// try runs fn once, within limit. Running out of time is a *timeoutError;
// ctx ending is not.
func try[T any](ctx context.Context, limit time.Duration, fn func(context.Context) (T, error)) (T, error) {
	tctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	v, err := fn(tctx)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		err = &timeoutError{limit: limit, err: err}
	}
	return v, err
}

// backoff is the wait before try attempt+1: BaseDelay doubled per try, at
// most MaxDelay, less a random jitter of up to half.
func backoff(r Retry, attempt int) time.Duration {
	d := r.BaseDelay << (attempt - 1)
	if d <= 0 || d > r.MaxDelay {
		d = r.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryable reports whether err is worth another try, and the wait Google
// asked for, if any.
func retryable(err error) (bool, time.Duration) {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch {
		case ge.Code == http.StatusTooManyRequests, ge.Code >= 500:
			return true, retryAfter(ge.Header)
		case ge.Code == http.StatusForbidden:
			for _, item := range ge.Errors {
				if item.Reason == "rateLimitExceeded" || item.Reason == "userRateLimitExceeded" {
					return true, retryAfter(ge.Header)
				}
			}
		}
		return false, 0
	}
	var te *timeoutError
	switch {
	case errors.As(err, &te):
		return true, 0
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true, 0
	case errors.Is(err, context.DeadlineExceeded):
		// A deadline within the try, the token endpoint's for one (the
		// caller's own has ended the retries before this is asked).
		return true, 0
	case resetStream(err):
		return true, 0
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true, 0
	}
	return false, 0
}

// resetStream reports whether err is HTTP/2's way of dropping a request:
// its stream reset by Google (INTERNAL_ERROR, or REFUSED_STREAM, which
// net/http does not always retry itself), or the connection it was on lost
// or shut with GOAWAY. net/http's own stream errors answer errors.As for
// x/net's [http2.StreamError]; the others are known by their text only.
func resetStream(err error) bool {
	var se http2.StreamError
	if errors.As(err, &se) {
		return se.Code == http2.ErrCodeInternal || se.Code == http2.ErrCodeRefusedStream
	}
	msg := err.Error()
	return strings.Contains(msg, "http2: client connection lost") ||
		strings.Contains(msg, "http2: server sent GOAWAY")
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
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
	e := &Error{What: what, Calendar: calendarID, Attempts: 1, Err: err}
	var ae *attemptsError
	if errors.As(err, &ae) {
		e.Attempts = ae.attempts
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		e.Code = ge.Code
		if len(ge.Errors) > 0 {
			e.Reason = ge.Errors[0].Reason
		}
	}
	return e
}

func (e *Error) Error() string {
	var msg string
	var ge *googleapi.Error
	var ue *url.Error
	var te *timeoutError
	switch {
	case errors.As(e.Err, &te):
		msg = te.Error()
	case errors.As(e.Err, &ge):
		text := ge.Message
		if len(ge.Errors) > 0 && ge.Errors[0].Message != "" {
			text = ge.Errors[0].Message
		}
		if text == "" {
			text = http.StatusText(ge.Code)
		}
		if e.Reason != "" {
			msg = e.Reason + ": " + text
		} else {
			msg = fmt.Sprintf("%d: %s", ge.Code, text)
		}
	case errors.As(e.Err, &ue):
		// The request's address says nothing the user needs.
		msg = ue.Err.Error()
	default:
		msg = e.Err.Error()
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (gave up after %d tries)", e.Attempts)
	}
	return e.What + ": " + msg
}

func (e *Error) Unwrap() error { return e.Err }
