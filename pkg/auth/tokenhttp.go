package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/net/http2"
)

// TokenRetry bounds the retries of one call to Google's token endpoint
// (a refresh, the code exchange, a service account's token, a
// revocation), as package google bounds the Calendar API's. Zero fields
// take the defaults.
type TokenRetry struct {
	// MaxAttempts is how many times a call is tried in all (default 5).
	MaxAttempts int
	// BaseDelay is the first backoff (default 1s); each retry doubles it,
	// up to MaxDelay (default 30s), less a random jitter of up to half.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait bounds the time one call spends waiting between tries
	// (default 2m); a Retry-After beyond it fails the call at once.
	MaxWait time.Duration
}

func (r TokenRetry) withDefaults() TokenRetry {
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
	return r
}

// tokenClient is the client that calls the token and revoke endpoints: hc
// (http.DefaultClient when nil) with every try bounded by perTry (or
// [DefaultTokenTimeout]) unless hc has a Timeout of its own, which then
// bounds the whole call; 5xx answers, 429 and dropped connections retried
// within r; and no redirect followed to another origin, where the form
// would carry the client secret and the refresh token. A client made here
// is returned as is.
func tokenClient(hc *http.Client, perTry time.Duration, r TokenRetry) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	if _, ok := hc.Transport.(*tokenTransport); ok {
		return hc
	}
	if perTry <= 0 {
		perTry = DefaultTokenTimeout
	}
	if hc.Timeout > 0 {
		perTry = 0
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c := *hc
	c.Transport = &tokenTransport{base: base, perTry: perTry, retry: r.withDefaults()}
	c.CheckRedirect = sameOrigin(hc.CheckRedirect)
	return &c
}

// sameOrigin is a redirect policy that refuses another origin than the
// first request's, then asks next (or allows 10 redirects).
func sameOrigin(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if origin(req.URL) != origin(via[0].URL) {
			return &redirectError{to: clip(origin(req.URL), 100)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// origin is a URL's scheme, host and port.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// redirectError is a redirect to another origin, refused.
type redirectError struct{ to string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("google's answer redirected to another site (%s): refused, so that your sign-in is not sent there", e.to)
}

// tokenTransport tries a call to the token endpoint again after a 5xx, a
// 429 or a dropped connection. A try that outlasts perTry is not tried
// again here: it fails the call as timed out (a refresh made for a
// Calendar API request is then tried again with that request).
type tokenTransport struct {
	base   http.RoundTripper
	perTry time.Duration // 0: no bound of its own
	retry  TokenRetry
}

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	canRetry := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	var waited time.Duration
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
		tctx, cancel := ctx, context.CancelFunc(func() {})
		if t.perTry > 0 {
			tctx, cancel = context.WithTimeout(ctx, t.perTry)
		}
		res, err := t.base.RoundTrip(r.WithContext(tctx))
		var after time.Duration
		switch {
		case err != nil:
			timedOut := errors.Is(tctx.Err(), context.DeadlineExceeded)
			cancel()
			if ctx.Err() != nil {
				return nil, err
			}
			if timedOut {
				return nil, &tokenTimeout{limit: t.perTry, err: err}
			}
			if !transientNet(err) || !canRetry {
				return nil, err
			}
			if attempt >= t.retry.MaxAttempts {
				return nil, &tokenGaveUp{attempts: attempt, what: "the connection to google's token endpoint was dropped"}
			}
		case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
			after = retryAfter(res.Header)
			if !canRetry {
				res.Body = &cancelBody{ReadCloser: res.Body, cancel: cancel}
				return res, nil
			}
			drainBody(res)
			cancel()
			if attempt >= t.retry.MaxAttempts {
				return nil, &tokenGaveUp{attempts: attempt, what: fmt.Sprintf("google's token endpoint answered %d %s", res.StatusCode, http.StatusText(res.StatusCode))}
			}
		default:
			res.Body = &cancelBody{ReadCloser: res.Body, cancel: cancel}
			return res, nil
		}
		d := backoff(t.retry, attempt)
		if after > 0 {
			d = after
		}
		left := t.retry.MaxWait - waited
		if dl, ok := ctx.Deadline(); ok {
			left = min(left, time.Until(dl))
		}
		if d > max(left, 0) {
			if after > 0 {
				return nil, &tokenGaveUp{attempts: attempt, what: fmt.Sprintf("google's token endpoint asked to wait %s before trying again: try again later", humanWait(after))}
			}
			return nil, &tokenGaveUp{attempts: attempt, what: "google's token endpoint failed, and there is no time left to try again"}
		}
		waited += d
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
	}
}

// cancelBody ends a try's context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func drainBody(res *http.Response) {
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
}

// tokenTimeout is a try at the token endpoint that outlasted its bound.
type tokenTimeout struct {
	limit time.Duration
	err   error
}

func (e *tokenTimeout) Error() string {
	return fmt.Sprintf("no answer from google's token endpoint within %s", e.limit)
}
func (e *tokenTimeout) Unwrap() []error { return []error{context.DeadlineExceeded, e.err} }
func (e *tokenTimeout) Timeout() bool   { return true }

// tokenGaveUp is a call to the token endpoint given up after its retries.
// It does not unwrap to the network error it ended with: the call has
// been tried again already, and a caller must not take it for one worth
// another round.
type tokenGaveUp struct {
	attempts int
	what     string
}

func (e *tokenGaveUp) Error() string {
	if e.attempts <= 1 {
		return e.what
	}
	return fmt.Sprintf("%s (gave up after %d tries)", e.what, e.attempts)
}

// transientNet reports whether a transport error is a dropped request,
// worth another try: as package google judges the Calendar API's.
func transientNet(err error) bool {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var se http2.StreamError
	if errors.As(err, &se) {
		return se.Code == http2.ErrCodeInternal || se.Code == http2.ErrCodeRefusedStream
	}
	msg := err.Error()
	return strings.Contains(msg, "http2: client connection lost") ||
		strings.Contains(msg, "http2: server sent GOAWAY")
}

// backoff is the wait before try attempt+1: BaseDelay doubled per try, at
// most MaxDelay, less a random jitter of up to half.
func backoff(r TokenRetry, attempt int) time.Duration {
	d := r.BaseDelay << (attempt - 1)
	if d <= 0 || d > r.MaxDelay {
		d = r.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// maxRetryAfter caps what a Retry-After may ask for: it is never slept
// out, only reported.
const maxRetryAfter = 30 * 24 * time.Hour

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

// humanWait says a wait as a person would: "20 s", "3 minutes", "2 hours".
func humanWait(d time.Duration) string {
	switch {
	case d < 90*time.Second:
		return fmt.Sprintf("%d s", int(math.Ceil(d.Seconds())))
	case d < 120*time.Minute:
		return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
	}
	return fmt.Sprintf("%d hours", int(math.Ceil(d.Hours())))
}

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
