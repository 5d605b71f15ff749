package google

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// MaxAnswerBytes bounds the body of one answer from the Calendar API. A
// page of 2,500 ordinary events is 2–5 MB; a larger answer is refused
// rather than read into memory.
const MaxAnswerBytes = 32 << 20

// maxPages bounds the pages of one listing, maxPageToken the length of a
// page token: Google's are a few hundred bytes, and each page holds up to
// 2,500 events.
const (
	maxPages     = 10_000
	maxPageToken = 8 << 10
)

// guard is hc made safe for what a server may answer: a redirect to
// another origin is refused, for the transport under hc would send the
// bearer token along; a redirect within the origin is followed as hc
// would. No answer's body is read past [MaxAnswerBytes].
func guard(hc *http.Client) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = &boundedTransport{base: base, limit: MaxAnswerBytes}
	next := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if from, to := origin(via[0].URL), origin(req.URL); from != to {
			return &redirectError{to: clip(to, 100)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("google redirected the request more than 10 times: stopped")
		}
		return nil
	}
	return &c
}

// origin is a URL's scheme, host and port: "https://www.googleapis.com:443".
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
	return fmt.Sprintf("the answer redirected to another site (%s): refused, so that your Google sign-in is not sent there", e.to)
}

// errTooLarge is an answer longer than [MaxAnswerBytes].
var errTooLarge = fmt.Errorf("google's answer is larger than %d MB: refused", MaxAnswerBytes>>20)

// boundedTransport cuts every answer's body at limit bytes.
type boundedTransport struct {
	base  http.RoundTripper
	limit int64
}

func (t *boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(req)
	if err != nil || res.Body == nil {
		return res, err
	}
	if res.ContentLength > t.limit {
		res.Body.Close()
		return nil, errTooLarge
	}
	res.Body = &boundedBody{rc: res.Body, left: t.limit}
	return res, nil
}

// boundedBody fails a read that would go past its limit.
type boundedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

func (b *boundedBody) Close() error { return b.rc.Close() }

// pager follows the page tokens of one listing. A token seen before in
// the same listing (the same page again, or a cycle A→B→A) is an error:
// read on, the listing would never end; stopped, it would be short. So
// are a listing of more than maxPages pages and a token longer than
// maxPageToken.
type pager struct {
	seen map[[sha256.Size]byte]bool
}

func (p *pager) next(token string) error {
	if len(token) > maxPageToken {
		return fmt.Errorf("google sent a page token of %d bytes: refused", len(token))
	}
	if p.seen == nil {
		p.seen = map[[sha256.Size]byte]bool{}
	}
	sum := sha256.Sum256([]byte(token))
	if p.seen[sum] {
		return errSamePage
	}
	if len(p.seen) >= maxPages {
		return fmt.Errorf("google sent more than %d pages: stopped", maxPages)
	}
	p.seen[sum] = true
	return nil
}

// errSamePage is a listing whose next page token came back again.
var errSamePage = errors.New("google sent the same page twice")
