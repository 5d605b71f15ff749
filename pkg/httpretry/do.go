package httpretry

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Verdict is what a [Judge] makes of a failed try.
type Verdict struct {
	// Retry is true when the failure is in passing: worth another try.
	Retry bool
	// After is the wait the server asked for (Retry-After), or 0.
	After time.Duration
	// Reason says in a few words what failed, for a notice: "rate limit",
	// "backendError (503)", "connection dropped". It must hold no text of
	// the server's but a reason made of letters and digits.
	Reason string
}

// Judge says whether a try's error is worth another try. It is not asked
// about a [*TimeoutError] (which is) or once the caller's context ended.
type Judge func(error) Verdict

// Notice tells that a call failed in passing and is about to be tried
// again, for a progress line.
type Notice struct {
	// Service is who was called ([Policy.Service]).
	Service string
	// What names the request ("calendar primary"), or "".
	What string
	// Attempt is the try about to be made (2 for the first retry), of
	// MaxAttempts.
	Attempt, MaxAttempts int
	// Wait is how long the call waits before it.
	Wait time.Duration
	// Asked is true when Wait is what the server asked for (Retry-After).
	Asked bool
	// Reason is the [Verdict]'s.
	Reason string
}

// String is the notice in words, for a terminal:
// "Google asked to wait 20 s (rate limit); retrying 2/5…".
func (n Notice) String() string {
	if n.Asked {
		return fmt.Sprintf("%s asked to wait %s (%s); retrying %d/%d…", n.Service, HumanWait(n.Wait), n.Reason, n.Attempt, n.MaxAttempts)
	}
	return fmt.Sprintf("%s; retrying %d/%d in %s…", n.Reason, n.Attempt, n.MaxAttempts, HumanWait(n.Wait))
}

// AttemptsError records that a call made with [Do] was given up after
// several tries; Err is the last try's error.
type AttemptsError struct {
	Err      error
	Attempts int
	// Deadline is true when the next try would have come after the
	// caller's deadline.
	Deadline bool
}

func (e *AttemptsError) Error() string { return e.Err.Error() }
func (e *AttemptsError) Unwrap() error { return e.Err }

// WaitError is a Retry-After longer than the retries may still wait: the
// call fails at once rather than sleep it out. Err is an [*AttemptsError]
// holding the answer that asked.
type WaitError struct {
	Service     string
	Asked, Left time.Duration
	Err         error
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("%s asked to wait %s before trying again, more than the %s emtime waits: try again later",
		e.Service, HumanWait(e.Asked), HumanWait(e.Left))
}
func (e *WaitError) Unwrap() error { return e.Err }

// Attempts is how many times the call made with [Do] that failed with err
// was tried: 1 unless err holds an [*AttemptsError]. (A [*GaveUpError]
// says its tries itself; a [Count] counts a [Transport]'s.)
func Attempts(err error) int {
	var ae *AttemptsError
	if errors.As(err, &ae) {
		return ae.Attempts
	}
	return 1
}

// Explain says why a call made with [Do] failed: describe(err) for the
// last try's error, followed by how the retries ended — "(gave up after 3
// tries)", what the server asked to wait for, or what the call was
// waiting for when its context ended.
func Explain(err error, describe func(error) string) string {
	var we *WaitError
	var se *StoppedError
	switch {
	case errors.As(err, &we):
		return describe(we.Err) + "; " + we.Error()
	case errors.As(err, &se):
		return se.Error()
	}
	deadline := false
	var ae *AttemptsError
	if errors.As(err, &ae) {
		deadline = ae.Deadline
	}
	return describe(err) + GaveUpAfter(Attempts(err), deadline)
}

// Do runs fn, trying again the failures judge calls in passing, within
// p's bounds (see [Policy]). Each try gets a context that ends after the
// policy's Timeout; a try that outlasts it fails with a [*TimeoutError]
// and is tried again. notify, when set, is told before each wait; what
// names the call in it.
//
// It returns fn's error when judge says it is not worth another try; an
// [*AttemptsError] when the tries ran out, or the next would come after
// ctx's deadline; a [*WaitError] when a Retry-After is longer than what
// may still be waited; and a [*StoppedError] when ctx ended.
func Do[T any](ctx context.Context, p Policy, what string, judge Judge, notify func(Notice), fn func(context.Context) (T, error)) (T, error) {
	p = p.WithDefaults()
	var zero T
	var waited time.Duration
	last := ""
	for attempt := 1; ; attempt++ {
		v, err := try(ctx, p, fn)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, stopped(ctx, fmt.Sprintf("%s to answer try %d of %d", p.Service, attempt, p.MaxAttempts), last)
		}
		var verdict Verdict
		var te *TimeoutError
		if errors.As(err, &te) {
			verdict = Verdict{Retry: true, Reason: Reason(err)}
		} else {
			verdict = judge(err)
		}
		if !verdict.Retry {
			return zero, err
		}
		if attempt >= p.MaxAttempts {
			return zero, &AttemptsError{Err: err, Attempts: attempt}
		}
		d := p.Backoff(attempt)
		if verdict.After > 0 {
			d = verdict.After
		}
		left := p.MaxWait - waited
		if dl, ok := ctx.Deadline(); ok {
			left = min(left, time.Until(dl))
		}
		left = max(left, 0)
		if d > left {
			ae := &AttemptsError{Err: err, Attempts: attempt, Deadline: left < p.MaxWait-waited}
			if verdict.After > 0 {
				return zero, &WaitError{Service: p.Service, Asked: verdict.After, Left: left, Err: ae}
			}
			return zero, ae
		}
		waited += d
		if notify != nil {
			notify(Notice{Service: p.Service, What: what, Attempt: attempt + 1, MaxAttempts: p.MaxAttempts, Wait: d, Asked: verdict.After > 0, Reason: verdict.Reason})
		}
		if serr := p.Sleep(ctx, d); serr != nil {
			if ctx.Err() == nil {
				return zero, serr
			}
			return zero, stopped(ctx, fmt.Sprintf("the %s before try %d of %d", HumanWait(d), attempt+1, p.MaxAttempts), verdict.Reason)
		}
		last = verdict.Reason
	}
}

// try runs fn once, within p.Timeout. Running out of time is a
// *TimeoutError; ctx ending is not.
func try[T any](ctx context.Context, p Policy, fn func(context.Context) (T, error)) (T, error) {
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if p.Timeout > 0 {
		tctx, cancel = context.WithTimeout(ctx, p.Timeout)
	}
	defer cancel()
	v, err := fn(tctx)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		err = &TimeoutError{Service: p.Service, Limit: p.Timeout, Err: err}
	}
	return v, err
}
