// Package httpretry tries HTTP calls again when they fail in passing, for
// every source that reads a provider over HTTP (Google Calendar, Microsoft
// Graph) and for the OAuth token endpoints behind their sign-ins.
//
// A [Policy] bounds the retries of one call: how many tries, the backoff
// between them (exponential, with jitter), the longest a call waits in all
// ([Policy.MaxWait]) and how long one try may take ([Policy.Timeout]). A
// Retry-After the server sends, in seconds or as an HTTP date, replaces
// the backoff; one longer than what may still be waited ends the call at
// once, saying how long the server asked for, rather than sleep it out.
// Dropped connections, connections reset, reset HTTP/2 streams and tries
// that ran out of time are failures in passing ([Transient]); so are 429
// and 5xx answers.
//
// It offers the retries two ways:
//
//   - [Transport], an http.RoundTripper, for a client that reads answers
//     itself (Microsoft Graph's, the token endpoint's): each try's answer
//     is read whole within the try's deadline, and handed back buffered;
//     when the retries end on a status, the last answer is returned as it
//     came, for the caller to read its error ([Transport.StatusErrors]
//     turns it into a [*GaveUpError] instead).
//   - [Do], a call helper, for a client library that reads the answer
//     itself and reports errors of its own (Google's calendar/v3, whose
//     googleapi.Error the google package judges with a [Judge]).
//
// What a caller does to the calls (its deadline, a cancellation) ends the
// retries, and the error says what the call was waiting for
// ([*StoppedError]). A [RunLimit] is the deadline of a whole run's work
// with one provider (the command line's --timeout), whose error says so.
//
// Errors that come out of here say what failed in the words of
// [Policy.Service] and, when several tries were made, "(gave up after N
// tries)" ([GaveUpAfter]). They hold no server text but a status line.
package httpretry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http2"
)

// Policy bounds the retries of one call. Zero fields take the defaults.
type Policy struct {
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
	// (default [DefaultTimeout]); negative means no bound of its own (the
	// caller bounds the whole call). A try that outlasts it is abandoned
	// and, like a dropped connection, tried again within the bounds above.
	Timeout time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests record
	// the waits through it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Service names who is called, in messages: "Google",
	// "Microsoft Graph", "google's token endpoint" (default "the server").
	Service string
}

// DefaultTimeout is how long one try may take by default: long enough for
// a page of a few thousand events on a slow line, short enough that a
// stalled connection does not hang the run.
const DefaultTimeout = 60 * time.Second

// WithDefaults is p with its zero fields set to the defaults.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultTimeout
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	if p.Service == "" {
		p.Service = "the server"
	}
	return p
}

// Sleep waits d, or until ctx is done, when it returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff is the wait before try attempt+1: BaseDelay doubled per try, at
// most MaxDelay, less a random jitter of up to half.
func (p Policy) Backoff(attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// MaxRetryAfter caps the wait a Retry-After may ask for (it is never slept
// out, only reported): a number of seconds too big to be a duration must
// not wrap around into a short one.
const MaxRetryAfter = 30 * 24 * time.Hour

// RetryAfter reads a Retry-After header: seconds, or an HTTP date; 0 when
// there is none, or it cannot be read, or the date has passed.
func RetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	switch {
	case err == nil && secs >= 0:
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
		return MaxRetryAfter
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, MaxRetryAfter)
		}
	}
	return 0
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

// Tries says a number of tries: "1 try", "5 tries".
func Tries(n int) string {
	if n == 1 {
		return "1 try"
	}
	return fmt.Sprintf("%d tries", n)
}

// GaveUpAfter is what follows the failure of a call tried attempts times:
// "" for one try, " (gave up after 5 tries)", or, when the next try would
// have come after the caller's deadline, " (gave up after 2 tries: the
// next would come after the run's time limit)".
func GaveUpAfter(attempts int, deadline bool) string {
	switch {
	case deadline:
		return fmt.Sprintf(" (gave up after %s: the next would come after the run's time limit)", Tries(attempts))
	case attempts > 1:
		return fmt.Sprintf(" (gave up after %s)", Tries(attempts))
	}
	return ""
}

// Transient reports whether a transport error is a failure in passing,
// worth another try: a dropped connection (EOF, reset, aborted, broken
// pipe), a reset HTTP/2 stream ([ResetStream]), or a deadline or network
// timeout within the try (a token endpoint's that stalled, a dial that
// timed out). It does not know the caller's own deadline: a caller asks
// only while its context is alive.
func Transient(err error) bool {
	var te *TimeoutError
	switch {
	case err == nil:
		return false
	case errors.As(err, &te):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case ResetStream(err):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ResetStream reports whether err is HTTP/2's way of dropping a request:
// its stream reset by the server (INTERNAL_ERROR, or REFUSED_STREAM, which
// net/http does not always retry itself), or the connection it was on lost
// or shut with GOAWAY. net/http's own stream errors answer errors.As for
// x/net's [http2.StreamError]; the others are known by their text only.
func ResetStream(err error) bool {
	var se http2.StreamError
	if errors.As(err, &se) {
		return se.Code == http2.ErrCodeInternal || se.Code == http2.ErrCodeRefusedStream
	}
	msg := err.Error()
	return strings.Contains(msg, "http2: client connection lost") ||
		strings.Contains(msg, "http2: server sent GOAWAY")
}

// Reason says in a few words what made a try fail in passing, for a
// notice: "no answer within 60 s", "no answer in time", "connection
// dropped".
func Reason(err error) string {
	var te *TimeoutError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("no answer within %s", HumanWait(te.Limit))
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	}
	return "connection dropped"
}

// TimeoutError is a try abandoned after [Policy.Timeout].
type TimeoutError struct {
	Service string
	Limit   time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out: no answer from %s within %s", e.Service, e.Limit)
}

// Unwrap gives context.DeadlineExceeded and the transport's error.
func (e *TimeoutError) Unwrap() []error { return []error{context.DeadlineExceeded, e.Err} }

// Timeout is true: a [net.Error] would say so.
func (e *TimeoutError) Timeout() bool { return true }

// StoppedError is a call its caller's context ended (the run's time limit,
// most often), saying what it was waiting for.
type StoppedError struct {
	ctxErr  error // context.Canceled or context.DeadlineExceeded
	cause   error // context.Cause: the caller's reason
	waiting string
	last    string // the reason of the failure before, if any
}

func stopped(ctx context.Context, waiting, last string) *StoppedError {
	return &StoppedError{ctxErr: ctx.Err(), cause: context.Cause(ctx), waiting: waiting, last: last}
}

func (e *StoppedError) Error() string {
	msg := fmt.Sprintf("%v, waiting for %s", e.cause, e.waiting)
	if e.last != "" {
		msg += " (before that: " + e.last + ")"
	}
	return msg
}

// Unwrap gives the context's error and its cause.
func (e *StoppedError) Unwrap() []error {
	if e.cause == e.ctxErr {
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.cause}
}

// RunLimit is the end of a run's work with one provider, a limit after it
// started: the command line's --timeout.
type RunLimit struct {
	at    time.Time
	limit time.Duration
}

// NewRunLimit is a run's limit, limit from now.
func NewRunLimit(limit time.Duration) RunLimit {
	return RunLimit{at: time.Now().Add(limit), limit: limit}
}

// Within is ctx ending at the limit, with a [*RunTimeout] as its cause.
func (l RunLimit) Within(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(ctx, l.at, &RunTimeout{Limit: l.limit})
}

// RunTimeout is why a run's work was stopped: its --timeout ran out.
type RunTimeout struct{ Limit time.Duration }

func (e *RunTimeout) Error() string { return fmt.Sprintf("stopped at the --timeout of %s", e.Limit) }
