package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/httpretry"
)

// TokenRetry bounds the retries of one call to a token endpoint (a
// refresh, the code exchange, a device code's poll, a service account's
// token, a revocation), as the sources bound their API calls (package
// httpretry). Zero fields take the defaults.
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

// tokenClient is the client that calls p's token and revoke endpoints:
// hc (http.DefaultClient when nil) with every try bounded by perTry (or
// [DefaultTokenTimeout]) unless hc has a Timeout of its own, which then
// bounds the whole call; 5xx answers, 429 and dropped connections retried
// within r ([httpretry.Transport]); and no redirect followed to another
// origin, where the form would carry the client secret and the refresh
// token. A client made here is returned as is.
//
// A try that outlasts perTry is not tried again here: it fails the call
// as timed out (a refresh made for an API request is then tried again with
// that request).
func tokenClient(hc *http.Client, perTry time.Duration, r TokenRetry, p Provider) *http.Client {
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
		perTry = -1 // the client's own Timeout bounds the call
	}
	r = r.withDefaults()
	c := *hc
	c.Transport = &tokenTransport{httpretry.Transport{
		Base: hc.Transport,
		Policy: httpretry.Policy{
			MaxAttempts: r.MaxAttempts, BaseDelay: r.BaseDelay, MaxDelay: r.MaxDelay, MaxWait: r.MaxWait,
			Timeout: perTry,
			Service: p.Name + "'s token endpoint",
		},
		MaxBody:       maxTokenAnswer,
		StopOnTimeout: true,
		StatusErrors:  true,
	}}
	c.CheckRedirect = sameOrigin(hc.CheckRedirect, p)
	return &c
}

// maxTokenAnswer bounds a token endpoint's answer: a few kilobytes
// whatever the provider.
const maxTokenAnswer = 1 << 20

// tokenTransport is the retrying transport of a client made by
// tokenClient.
type tokenTransport struct{ httpretry.Transport }

// sameOrigin is a redirect policy that refuses another origin than the
// first request's, then asks next (or allows 10 redirects).
func sameOrigin(next func(*http.Request, []*http.Request) error, p Provider) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if origin(req.URL) != origin(via[0].URL) {
			return &redirectError{provider: p.Name, to: clip(origin(req.URL), 100)}
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
type redirectError struct{ provider, to string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("%s's answer redirected to another site (%s): refused, so that your sign-in is not sent there", e.provider, e.to)
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
