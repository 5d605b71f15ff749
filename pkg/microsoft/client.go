package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/emtime/emtime/pkg/httpretry"
)

// DefaultBaseURL is Microsoft Graph's v1.0 endpoint.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0/"

// EnvAPIURL overrides the Graph base URL (tests, proxies); the CLI reads it
// and passes it as [Options.BaseURL].
const EnvAPIURL = "EMTIME_GRAPH_API_URL"

// Budgets for what one answer and one read may cost, whatever the server
// sends.
const (
	// MaxAnswerBytes bounds one answer's body. A page of [PageSize]
	// events of 500 attendees each (Exchange's most) is under half of it.
	MaxAnswerBytes = 32 << 20
	// MaxPages bounds the pages followed for one list: a server that
	// hands out new next links for ever is stopped, not followed.
	MaxPages = 1000
)

// PageSize is the $top asked of calendarView (which serves at most 1000):
// large enough that a month is one or two pages, small enough that a page
// of large meetings stays far below [MaxAnswerBytes].
const PageSize = 250

// preferUTC asks Graph for every dateTime in UTC; all-day events still come
// as the midnights of their dates.
const preferUTC = `outlook.timezone="UTC"`

// client makes the GET requests of Graph's API: it joins paths to the base
// URL, follows next links only to that base, bounds what it reads, and turns
// Graph's error answers into [*Error]. It has no retry loop of its own: a
// retrying http.RoundTripper in the HTTP client's transport
// ([RetryTransport]) does that (it sees every try, a next link included,
// as a plain GET), and the tries it made are counted for the error.
type client struct {
	http *http.Client
	base *url.URL
}

func newClient(hc *http.Client, base string) (*client, error) {
	if hc == nil {
		return nil, errors.New("microsoft graph: no http client with credentials")
	}
	if base == "" {
		base = DefaultBaseURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("microsoft graph: base URL %q is not an http(s) address", base)
	}
	u.RawQuery, u.Fragment = "", ""
	return &client{http: hc, base: u}, nil
}

// resolve turns a path relative to the base ("me/calendarView") into an
// address.
func (c *client) resolve(path string, q url.Values) *url.URL {
	u := c.base.JoinPath(path)
	u.RawQuery = q.Encode()
	return u
}

// follow checks a next link Graph sent: it must lead to the same origin and
// under the same base path, or the bearer token would go elsewhere.
func (c *client) follow(link string) (*url.URL, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("%w: unreadable next link", errBadNextLink)
	}
	if !u.IsAbs() {
		u = c.base.ResolveReference(u)
	}
	if !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) ||
		!strings.HasPrefix(u.Path, c.base.Path) || u.User != nil {
		return nil, fmt.Errorf("%w: it leads to %s, not %s", errBadNextLink, origin(u), origin(c.base))
	}
	u.Fragment = ""
	return u, nil
}

var errBadNextLink = errors.New("graph sent a next link this client will not follow")

func origin(u *url.URL) string {
	if u.Host == "" {
		return "(no host)"
	}
	return u.Scheme + "://" + u.Host
}

// request describes a call for its errors: what it is about ("calendar
// Team", "mailbox settings") and the permission it needs.
type request struct {
	what string
	need string
	// pageSize, when set, is asked with Prefer: odata.maxpagesize (the
	// delta query takes no $top).
	pageSize int
}

// get fetches u and decodes the JSON answer into v.
func (c *client) get(ctx context.Context, r request, u *url.URL, v any) error {
	what := r.what
	ctx, tries := httpretry.Track(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return &Error{What: what, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	prefer := preferUTC
	if r.pageSize > 0 {
		prefer += fmt.Sprintf(", odata.maxpagesize=%d", r.pageSize)
	}
	req.Header.Set("Prefer", prefer)
	res, err := c.http.Do(req)
	if err != nil {
		var stopped *httpretry.StoppedError
		switch {
		case errors.As(err, &stopped):
			// What the retries were waiting for when ctx ended, with its
			// cause (the run's --timeout).
			return &Error{What: what, Err: stopped}
		case ctx.Err() != nil:
			return ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			// The address may carry a skip token; the cause says enough.
			err = ue.Err
		}
		return &Error{What: what, Err: err}
	}
	defer res.Body.Close()
	body, err := readBounded(res.Body)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &Error{What: what, Status: res.StatusCode, Err: err}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		e := newError(what, res, body)
		e.Attempts = tries.N()
		if e.Is(ErrAccessDenied) {
			e.Permission = r.need
		}
		return e
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{What: what, Status: res.StatusCode, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}

// RetryTransport is the retrying transport a Graph client needs in front
// of its authorizing one (base, which asks for the current token on every
// try): package httpretry's, shared with the other sources, trying a GET
// again on 429, 5xx, a dropped connection or a reset stream, waiting as
// Retry-After asks, each try within policy's Timeout, its answer read
// within it and at most [MaxAnswerBytes]. When it gives up on an answer,
// that answer becomes the [*Error], which says how many tries were made.
// policy's Service defaults to "Microsoft Graph".
func RetryTransport(base http.RoundTripper, policy httpretry.Policy) *httpretry.Transport {
	if policy.Service == "" {
		policy.Service = "Microsoft Graph"
	}
	return &httpretry.Transport{Base: base, Policy: policy, MaxBody: MaxAnswerBytes}
}

// errTooLarge is an answer past MaxAnswerBytes.
var errTooLarge = fmt.Errorf("answer larger than %d MiB", MaxAnswerBytes>>20)

func readBounded(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(body) > MaxAnswerBytes {
		return nil, errTooLarge
	}
	return body, nil
}

// page is one page of a Graph collection, its items left raw so that one
// unreadable item is skipped, not the page.
type page struct {
	Value     []json.RawMessage `json:"value"`
	NextLink  string            `json:"@odata.nextLink"`
	DeltaLink string            `json:"@odata.deltaLink"`
}

// list reads every page of a collection, from u on, handing each page's
// items to each. A next link seen before is an error (read on, the list
// would never end; stopped, it would be short), and so is one that leads
// elsewhere, or more than MaxPages pages.
func (c *client) list(ctx context.Context, r request, u *url.URL, each func([]json.RawMessage) error) error {
	_, err := c.pages(ctx, r, u, each)
	return err
}

// pages is [client.list] returning the delta link of the last page, ""
// when it has none; a delta link that leads elsewhere than the base is
// refused as a next link is, so the state token it carries (and the
// bearer token with it) goes nowhere but Graph.
func (c *client) pages(ctx context.Context, r request, u *url.URL, each func([]json.RawMessage) error) (string, error) {
	what := r.what
	seen := map[string]bool{u.String(): true}
	for n := 1; ; n++ {
		var p page
		if err := c.get(ctx, r, u, &p); err != nil {
			return "", err
		}
		if err := each(p.Value); err != nil {
			return "", err
		}
		if p.NextLink == "" {
			if p.DeltaLink == "" {
				return "", nil
			}
			d, err := c.follow(p.DeltaLink)
			if err != nil {
				return "", &Error{What: what, Err: fmt.Errorf("delta link: %w", err)}
			}
			return d.String(), nil
		}
		next, err := c.follow(p.NextLink)
		if err != nil {
			return "", &Error{What: what, Err: err}
		}
		if seen[next.String()] {
			return "", &Error{What: what, Err: errSamePage}
		}
		if n >= MaxPages {
			return "", &Error{What: what, Err: fmt.Errorf("more than %d pages: stopped", MaxPages)}
		}
		seen[next.String()] = true
		u = next
	}
}

// errSamePage is a list whose next link came back to a page already read.
var errSamePage = errors.New("graph sent the same page twice")
