package google

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

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
	// deadline is true when the next try would have come after the
	// caller's deadline.
	deadline bool
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

// waitError is a Retry-After longer than the retries may still wait: the
// call fails at once rather than sleep it out.
type waitError struct {
	asked, left time.Duration
	err         error // Google's answer
}

func (e *waitError) Error() string {
	return fmt.Sprintf("Google asked to wait %s before trying again, more than the %s emtime waits: try again later",
		HumanWait(e.asked), HumanWait(e.left))
}
func (e *waitError) Unwrap() error { return e.err }

// stoppedError is a call its caller's context ended (the run's time limit,
// most often), saying what it was waiting for.
type stoppedError struct {
	ctxErr  error // context.Canceled or context.DeadlineExceeded
	cause   error // context.Cause: the caller's reason
	waiting string
	last    error // the failure before, if any
}

func (e *stoppedError) Error() string {
	msg := fmt.Sprintf("%v, waiting for %s", e.cause, e.waiting)
	if e.last != nil {
		msg += " (before that: " + reason(e.last) + ")"
	}
	return msg
}

func (e *stoppedError) Unwrap() []error {
	if e.cause == e.ctxErr {
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.cause}
}

func stopped(ctx context.Context, waiting string, last error) error {
	return &stoppedError{ctxErr: ctx.Err(), cause: context.Cause(ctx), waiting: waiting, last: last}
}

// errEmptyAnswer is a successful answer with nothing in it (a JSON null).
var errEmptyAnswer = errors.New("google sent an empty answer")

// RetryNotice tells that a call failed in passing and is about to be tried
// again, for a progress line: see [Options.Retrying].
type RetryNotice struct {
	// What names the request, as [Error.What] does.
	What string
	// Attempt is the try about to be made (2 for the first retry), of
	// MaxAttempts.
	Attempt, MaxAttempts int
	// Wait is how long emtime waits before it.
	Wait time.Duration
	// Asked is true when Wait is what Google asked for (Retry-After).
	Asked bool
	// Reason says in a few words what failed: "rate limit",
	// "backendError (503)", "no answer within 60 s", "connection dropped".
	// It holds no text of the server's but a reason made of letters and
	// digits.
	Reason string
}

// String is the notice in words, for a terminal:
// "Google asked to wait 20 s (rate limit); retrying 2/5…".
func (n RetryNotice) String() string {
	if n.Asked {
		return fmt.Sprintf("Google asked to wait %s (%s); retrying %d/%d…", HumanWait(n.Wait), n.Reason, n.Attempt, n.MaxAttempts)
	}
	return fmt.Sprintf("%s; retrying %d/%d in %s…", n.Reason, n.Attempt, n.MaxAttempts, HumanWait(n.Wait))
}

// HumanWait says a wait the way a person would: "20 s", "3 minutes",
// "2 hours", rounded up.
func HumanWait(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", int(math.Ceil(float64(d)/float64(time.Millisecond))))
	case d < 90*time.Second:
		return fmt.Sprintf("%d s", int(math.Ceil(d.Seconds())))
	case d < 120*time.Minute:
		return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
	}
	return fmt.Sprintf("%d hours", int(math.Ceil(d.Hours())))
}

// caller is how a Source makes its calls: within its retry bounds,
// telling each retry to its notice callback.
type caller struct {
	retry  Retry
	notify func(RetryNotice) // nil: nobody to tell
}

// call runs fn, retrying transient failures within c's bounds. Each try
// gets a context that ends after the retry's Timeout. A Retry-After longer
// than what may still be waited (the retries' MaxWait, or what is left
// before ctx's deadline) fails at once. When ctx ends, the error says what
// the call was waiting for. An answer that is nil (Google sent null) is
// an error too: no caller needs to check for it.
func call[T any](ctx context.Context, c caller, what string, fn func(context.Context) (*T, error)) (*T, error) {
	r := c.retry
	var waited time.Duration
	var last error
	for attempt := 1; ; attempt++ {
		v, err := try(ctx, r.Timeout, fn)
		if err == nil && v == nil {
			err = errEmptyAnswer
		}
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return nil, stopped(ctx, fmt.Sprintf("Google to answer try %d of %d", attempt, r.MaxAttempts), last)
		}
		transient, after := retryable(err)
		if !transient {
			return nil, err
		}
		if attempt >= r.MaxAttempts {
			return nil, &attemptsError{err: err, attempts: attempt}
		}
		d := backoff(r, attempt)
		if after > 0 {
			d = after
		}
		left := r.MaxWait - waited
		if dl, ok := ctx.Deadline(); ok {
			left = min(left, time.Until(dl))
		}
		left = max(left, 0)
		if d > left {
			ae := &attemptsError{err: err, attempts: attempt, deadline: left < r.MaxWait-waited}
			if after > 0 {
				return nil, &waitError{asked: after, left: left, err: ae}
			}
			return nil, ae
		}
		waited += d
		if c.notify != nil {
			c.notify(RetryNotice{What: what, Attempt: attempt + 1, MaxAttempts: r.MaxAttempts, Wait: d, Asked: after > 0, Reason: reason(err)})
		}
		if serr := r.Sleep(ctx, d); serr != nil {
			if ctx.Err() == nil {
				return nil, serr
			}
			return nil, stopped(ctx, fmt.Sprintf("the %s before try %d of %d", HumanWait(d), attempt+1, r.MaxAttempts), err)
		}
		last = err
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
	secs, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err == nil && secs >= 0:
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
		return maxRetryAfter
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, maxRetryAfter)
		}
	}
	return 0
}

// maxRetryAfter caps the wait a Retry-After may ask for (it is never slept
// out, only reported): a number of seconds too big to be a duration must
// not wrap around into a short one.
const maxRetryAfter = 30 * 24 * time.Hour

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
			e.Reason = clip(ge.Errors[0].Reason, 60)
		}
	}
	return e
}

func (e *Error) Error() string {
	var we *waitError
	var se *stoppedError
	switch {
	case errors.As(e.Err, &we):
		return e.What + ": " + describe(we.err) + "; " + we.Error()
	case errors.As(e.Err, &se):
		return e.What + ": " + se.Error()
	}
	msg := describe(e.Err)
	var ae *attemptsError
	switch {
	case errors.As(e.Err, &ae) && ae.deadline:
		msg += fmt.Sprintf(" (gave up after %s: the next would come after the run's time limit)", tries(e.Attempts))
	case e.Attempts > 1:
		msg += fmt.Sprintf(" (gave up after %s)", tries(e.Attempts))
	}
	return e.What + ": " + msg
}

func tries(n int) string {
	if n == 1 {
		return "1 try"
	}
	return fmt.Sprintf("%d tries", n)
}

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
	var te *timeoutError
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
	var te *timeoutError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("no answer within %s", HumanWait(te.limit))
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
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	}
	return "connection dropped"
}

func (e *Error) Unwrap() error { return e.Err }
