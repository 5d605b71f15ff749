package httpretry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultMaxBody bounds the answer a [Transport] reads within a try.
const DefaultMaxBody = 32 << 20

// ErrTooLarge is an answer longer than [Transport.MaxBody]: refused, not
// read into memory, and not tried again.
var ErrTooLarge = errors.New("the answer is too large")

// Transport is an http.RoundTripper that tries a request again when it
// fails in passing: a 429 or 5xx answer, a dropped connection, a reset
// stream, a try that outlasted [Policy.Timeout]. It waits between tries as
// the answer's Retry-After asks, else the policy's backoff, within its
// bounds; the waits stop when the request's context ends.
//
// Each try's answer is read whole within the try's deadline (at most
// MaxBody bytes) and handed back buffered, so that a stall in the middle
// of a body is a try that timed out, like one before the headers.
// Answers tried again are read and dropped.
//
// It tries again only a request whose body can be sent again (none, or
// one with GetBody, as http.NewRequest makes for a strings.Reader), and
// any method: put it in front of calls that are safe to repeat (GETs, a
// token endpoint's). Put it outside an authorizing transport, so that
// each try asks for the current token.
//
// A Transport holds no state of its own: one may serve many requests at
// once.
type Transport struct {
	// Base sends each try; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Policy bounds the retries; its Service names who answers, in
	// messages.
	Policy Policy
	// MaxBody bounds the answer read within a try; zero means
	// [DefaultMaxBody]. A longer answer fails with [ErrTooLarge].
	MaxBody int64
	// StopOnTimeout: a try that outlasts Policy.Timeout is not tried
	// again; the request fails with a [*TimeoutError]. For a call made on
	// behalf of another call that is tried again itself (a token refresh
	// made for an API request), so that their tries do not multiply.
	StopOnTimeout bool
	// StatusErrors: when the retries end on an answer's status (the tries
	// ran out, or its Retry-After is too long), the request fails with a
	// [*GaveUpError] saying so. Without it, that last answer is returned as
	// it came, for the caller to read its error.
	StatusErrors bool
	// Retrying, when set, is told before each wait. Calls may come from
	// several requests at once.
	Retrying func(Notice)
}

// Count counts the tries of the requests made with a context given by
// [Track].
type Count struct{ n atomic.Int64 }

// N is the number of tries counted.
func (c *Count) N() int { return int(c.n.Load()) }

type countKey struct{}

// Track is ctx with a [Count] of the tries a [Transport] makes of the
// requests made with it, for "(gave up after N tries)".
func Track(ctx context.Context) (context.Context, *Count) {
	c := &Count{}
	return context.WithValue(ctx, countKey{}, c), c
}

// GaveUpError is a request a [Transport] gave up on after its retries:
// What says what failed, in the words of [Policy.Service]. It does not
// unwrap to the error it ended with (Last): the request has been tried
// again already, and a caller must not take it for one worth another
// round.
type GaveUpError struct {
	What     string
	Attempts int
	// Status is the last answer's status, when the retries ended on one.
	Status int
	// Last is the last try's transport error, when they ended on one.
	Last error
}

func (e *GaveUpError) Error() string { return e.What + GaveUpAfter(e.Attempts, false) }

// RetryStatus reports whether an answer's status is worth another try:
// 429 Too Many Requests and every 5xx.
func RetryStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

// RoundTrip sends req, trying again within the policy's bounds.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p := t.Policy.WithDefaults()
	count, _ := ctx.Value(countKey{}).(*Count)
	canRetry := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	var waited time.Duration
	last := ""
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		if count != nil {
			count.n.Add(1)
		}
		res, err := t.try(ctx, r, p)
		var v Verdict
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, stopped(ctx, fmt.Sprintf("%s to answer try %d of %d", p.Service, attempt, p.MaxAttempts), last)
			}
			var te *TimeoutError
			timedOut := errors.As(err, &te)
			if timedOut && t.StopOnTimeout {
				return nil, err
			}
			if !canRetry || !Transient(err) {
				return nil, err
			}
			if attempt >= p.MaxAttempts {
				return nil, &GaveUpError{What: failed(p.Service, err), Attempts: attempt, Last: err}
			}
			v = Verdict{Retry: true, Reason: Reason(err)}
		case RetryStatus(res.StatusCode) && canRetry:
			if attempt >= p.MaxAttempts {
				return t.gaveUp(res, &GaveUpError{What: answered(p.Service, res), Attempts: attempt, Status: res.StatusCode})
			}
			v = Verdict{Retry: true, After: RetryAfter(res.Header), Reason: statusReason(p.Service, res.StatusCode)}
		default:
			return res, nil
		}
		d := p.Backoff(attempt)
		if v.After > 0 {
			d = v.After
		}
		left := p.MaxWait - waited
		if dl, ok := ctx.Deadline(); ok {
			left = min(left, time.Until(dl))
		}
		if d > max(left, 0) {
			ge := &GaveUpError{What: p.Service + " failed, and there is no time left to try again", Attempts: attempt, Last: err}
			if v.After > 0 {
				ge.What = fmt.Sprintf("%s asked to wait %s before trying again: try again later", p.Service, HumanWait(v.After))
			}
			if res == nil {
				return nil, ge
			}
			ge.Status = res.StatusCode
			return t.gaveUp(res, ge)
		}
		if res != nil {
			res.Body.Close() // buffered: nothing left to drain
		}
		waited += d
		if t.Retrying != nil {
			t.Retrying(Notice{Service: p.Service, Attempt: attempt + 1, MaxAttempts: p.MaxAttempts, Wait: d, Asked: v.After > 0, Reason: v.Reason})
		}
		if serr := p.Sleep(ctx, d); serr != nil {
			if ctx.Err() == nil {
				return nil, serr
			}
			return nil, stopped(ctx, fmt.Sprintf("the %s before try %d of %d", HumanWait(d), attempt+1, p.MaxAttempts), v.Reason)
		}
		last = v.Reason
	}
}

// gaveUp ends the retries on res: the answer itself, or with StatusErrors
// the error ge.
func (t *Transport) gaveUp(res *http.Response, ge *GaveUpError) (*http.Response, error) {
	if !t.StatusErrors {
		return res, nil
	}
	res.Body.Close()
	return nil, ge
}

// try sends r once, reading the answer within p.Timeout. Running out of
// time is a *TimeoutError; ctx ending is not.
func (t *Transport) try(ctx context.Context, r *http.Request, p Policy) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if p.Timeout > 0 {
		tctx, cancel = context.WithTimeout(ctx, p.Timeout)
	}
	defer cancel()
	res, err := base.RoundTrip(r.WithContext(tctx))
	if err == nil {
		err = t.buffer(res)
		if err != nil {
			res = nil
		}
	}
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		err = &TimeoutError{Service: p.Service, Limit: p.Timeout, Err: err}
	}
	return res, err
}

// buffer reads res's body whole, at most MaxBody bytes, and puts it back
// as a buffer.
func (t *Transport) buffer(res *http.Response) error {
	if res.Body == nil || res.Body == http.NoBody {
		return nil
	}
	defer res.Body.Close()
	limit := t.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if res.ContentLength > limit {
		return fmt.Errorf("%w: %d bytes, more than the %s emtime reads", ErrTooLarge, res.ContentLength, size(limit))
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return err
	}
	if int64(len(body)) > limit {
		return fmt.Errorf("%w: more than the %s emtime reads", ErrTooLarge, size(limit))
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	return nil
}

// size says a number of bytes: "32 MiB", "4096 bytes".
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// failed says what a transport error that outlasted the retries was.
func failed(service string, err error) string {
	var te *TimeoutError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("no answer from %s within %s", service, te.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer from %s in time", service)
	}
	return fmt.Sprintf("the connection to %s was dropped", service)
}

func answered(service string, res *http.Response) string {
	return fmt.Sprintf("%s answered %d %s", service, res.StatusCode, http.StatusText(res.StatusCode))
}

func statusReason(service string, code int) string {
	if code == http.StatusTooManyRequests {
		return "rate limit"
	}
	return fmt.Sprintf("%s answered %d", service, code)
}
