package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// expiryMargin is how long before its expiry an access token is replaced.
const expiryMargin = 30 * time.Second

// Options configure [Resolve].
type Options struct {
	// Provider is who is signed in to; nil means [Google] with Endpoints.
	Provider *Provider
	// Dir is the config dir ([ConfigDir]): where the client JSON and the
	// token file are.
	Dir string
	// Getenv reads the provider's ready access token (EMTIME_ACCESS_TOKEN,
	// EMTIME_MICROSOFT_ACCESS_TOKEN), EMTIME_CLIENT_ID,
	// EMTIME_CLIENT_SECRET and EMTIME_TOKEN_STORE; nil reads nothing.
	Getenv func(string) string
	// Store keeps the sign-in; nil means the provider's
	// [Provider.OpenStore] of Dir.
	Store Store
	// Endpoints are Google's OAuth endpoints ([EndpointsFromEnv]) when
	// Provider is nil.
	Endpoints Endpoints
	// ServiceAccountKey, when set, is a Google service account key JSON
	// used instead of any sign-in, impersonating Impersonate (domain-wide
	// delegation) when that is set.
	ServiceAccountKey []byte
	Impersonate       string
	// HTTPClient calls the token endpoint and is the base of
	// [Credentials.Client]; nil means http.DefaultClient.
	HTTPClient *http.Client
	// TokenTimeout bounds each try of a call to the token endpoint when
	// HTTPClient has no Timeout of its own; zero means
	// [DefaultTokenTimeout].
	TokenTimeout time.Duration
	// TokenRetry bounds the retries of a call to the token endpoint.
	TokenRetry TokenRetry
	// Now is the clock that says whether an access token has expired; nil
	// means time.Now.
	Now func() time.Time
}

// DefaultTokenTimeout bounds each try of a call to a token or revoke
// endpoint, which answers in well under a second when it answers at all.
const DefaultTokenTimeout = 30 * time.Second

// Credentials are a way to call a provider as the user.
type Credentials struct {
	// Via says where they come from: "service account", the ready token's
	// variable ("EMTIME_ACCESS_TOKEN") or "signed in".
	Via string
	// Account is the user's address when known: the impersonated user, or
	// the one saved at sign-in.
	Account string
	// Provider is who they are for.
	Provider Provider
	src      refresher
	refused  error
	base     *http.Client
	ctx      context.Context // Resolve's: for a token asked for no request
}

// provider is the provider of opts: Google with its Endpoints unless
// another is given.
func (o Options) provider() Provider {
	if o.Provider != nil {
		return *o.Provider
	}
	return Google(o.Endpoints)
}

// refresher is a token source that can be told a token was refused. A
// token endpoint it calls for a request is called within ctx, the
// request's.
type refresher interface {
	Token(ctx context.Context) (*oauth2.Token, error)
	// Refresh returns a token other than the refused access token failed.
	Refresh(ctx context.Context, failed string) (*oauth2.Token, error)
}

// Resolve picks the credentials of the provider, first found wins: the
// service account key when given (Google's only); the ready access token
// of the environment ([Provider.AccessTokenEnv]), used as is; the sign-in
// in the store, refreshed and saved back on every refresh: with the OAuth
// client from [LoadClient] (Google), or with the public client and tenant
// the sign-in was made with (Microsoft). It returns an error matching
// [ErrNotSignedIn] when there is none of them.
func Resolve(ctx context.Context, opts Options) (*Credentials, error) {
	p := opts.provider()
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	thc := tokenClient(hc, opts.TokenTimeout, opts.TokenRetry, p)
	tctx := context.WithValue(ctx, oauth2.HTTPClient, thc)
	creds := func(via, account string, src refresher, refused error) *Credentials {
		return &Credentials{Via: via, Account: account, Provider: p, src: src, refused: refused, base: hc, ctx: ctx}
	}

	if len(opts.ServiceAccountKey) > 0 {
		if p.Name != ProviderGoogle {
			return nil, fmt.Errorf("a service account signs in to Google only, not to %s", p.Title)
		}
		src, err := newServiceAccount(tctx, opts.ServiceAccountKey, opts.Impersonate, p.Endpoints.TokenURL)
		if err != nil {
			return nil, err
		}
		return creds("service account", opts.Impersonate, src, ErrServiceAccountRefused), nil
	}
	if tok := getenv(p.AccessTokenEnv); tok != "" {
		return creds(p.AccessTokenEnv, "", staticSource{token: tok, refused: p.accessTokenRefused()}, p.accessTokenRefused()), nil
	}
	store := opts.Store
	if store == nil {
		var err error
		if store, err = p.OpenStore(opts.Dir, getenv); err != nil {
			return nil, err
		}
	}
	st, err := store.Load()
	if errors.Is(err, ErrNotSignedIn) {
		return nil, p.notSignedIn()
	}
	if err != nil {
		return nil, err
	}
	src := &savingSource{hc: thc, store: store, cur: st, now: now}
	switch {
	case p.PublicClient && st.ClientID == "":
		src.confErr = fmt.Errorf("the saved sign-in names no client: sign in again: %s", p.Login)
	case p.PublicClient:
		p = p.withTenant(st.Tenant)
		src.conf = p.config(Client{ID: st.ClientID}, "")
	default:
		if client, err := LoadClient(opts.Dir, getenv); err != nil {
			src.confErr = err
		} else {
			src.conf = p.config(client, "")
		}
	}
	src.p = p
	return creds("signed in", st.Account, src, p.signInAgain("")), nil
}

// Client is an HTTP client that authorizes every request. On a 401 it
// forces one refresh and tries again; a second 401 fails the request with
// [ErrSignInAgain] (or [ErrAccessTokenRefused], [ErrServiceAccountRefused]).
func (c *Credentials) Client() *http.Client {
	base := c.base.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport:     &transport{src: c.src, base: base, refused: c.refused, elsewhere: redirectElsewhere(c.Provider)},
		CheckRedirect: c.base.CheckRedirect,
		Jar:           c.base.Jar,
		Timeout:       c.base.Timeout,
	}
}

// SetAccount records the user's address (Google's primary calendar's id,
// Microsoft's mail address, read after [Login]) with a stored sign-in and
// saves it; for other credentials it only sets Account.
func (c *Credentials) SetAccount(account string) error {
	c.Account = account
	if s, ok := c.src.(*savingSource); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cur.Account = account
		return s.store.Save(s.cur)
	}
	return nil
}

// Token returns a valid access token, refreshing (and saving) it when it
// has expired. Callers should not print it.
func (c *Credentials) Token() (*oauth2.Token, error) {
	return c.src.Token(c.ctx)
}

// transport authorizes requests and answers a 401 with one forced refresh.
type transport struct {
	src       refresher
	base      http.RoundTripper
	refused   error
	elsewhere error
}

// redirectElsewhere is the error of a redirect to another origin than the
// first request's, which the transport will not authorize.
func redirectElsewhere(p Provider) error {
	return errors.New("the answer redirected to another site: refused, so that your " + p.Title + " sign-in is not sent there")
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	first := req
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
	}
	if first != req && origin(first.URL) != origin(req.URL) {
		closeBody(req)
		return nil, t.elsewhere
	}
	tok, err := t.src.Token(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	res, err := t.send(req, tok)
	if err != nil || res.StatusCode != http.StatusUnauthorized {
		return res, err
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return res, nil // cannot send the body twice
	}
	drain(res)
	fresh, err := t.src.Refresh(req.Context(), tok.AccessToken)
	if err != nil {
		return nil, err
	}
	res, err = t.send(req, fresh)
	if err != nil {
		return nil, err
	}
	if res.StatusCode == http.StatusUnauthorized {
		drain(res)
		return nil, t.refused
	}
	return res, nil
}

func (t *transport) send(req *http.Request, tok *oauth2.Token) (*http.Response, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	tok.SetAuthHeader(r)
	return t.base.RoundTrip(r)
}

func drain(res *http.Response) {
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// savingSource is the stored sign-in: it refreshes an expired access token
// and saves the new one, with any rotated refresh token, to the store.
type savingSource struct {
	p       Provider
	hc      *http.Client   // calls the token endpoint
	conf    *oauth2.Config // nil when no client is configured: confErr
	confErr error
	store   Store
	now     func() time.Time

	mu  sync.Mutex
	cur Stored
}

// within is the context of a call to the token endpoint: ctx (the
// request's) carrying the token endpoint's client.
func (s *savingSource) within(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.hc)
}

func (s *savingSource) Token(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.cur.Token; t.AccessToken != "" && (t.Expiry.IsZero() || s.now().Add(expiryMargin).Before(t.Expiry)) {
		return copyToken(t), nil
	}
	return s.refreshLocked(s.within(ctx))
}

func (s *savingSource) Refresh(ctx context.Context, failed string) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.Token.AccessToken != failed {
		return copyToken(s.cur.Token), nil // refreshed meanwhile
	}
	return s.refreshLocked(s.within(ctx))
}

func (s *savingSource) refreshLocked(ctx context.Context) (*oauth2.Token, error) {
	if s.cur.Token.RefreshToken == "" {
		return nil, s.p.signInAgain("")
	}
	if s.conf == nil {
		return nil, fmt.Errorf("refresh the %s sign-in: %w", s.p.Name, s.confErr)
	}
	tok, err := s.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: s.cur.Token.RefreshToken}).Token()
	if err != nil {
		reason := s.p.describeTokenErr(err, s.conf.ClientID)
		if isInvalidGrant(err) {
			return nil, s.p.signInAgain(reason, err)
		}
		return nil, newSafe("refresh the "+s.p.Name+" sign-in: "+reason, err)
	}
	next := cleanToken(tok)
	if next.RefreshToken == "" {
		next.RefreshToken = s.cur.Token.RefreshToken
	}
	st := s.cur
	st.Token = next
	if granted, _ := tok.Extra("scope").(string); granted != "" {
		st.Scopes = scopeList(granted)
	}
	s.cur = st
	if err := s.store.Save(st); err != nil {
		return nil, fmt.Errorf("keep the refreshed sign-in: %w", err)
	}
	return copyToken(next), nil
}

func copyToken(t *oauth2.Token) *oauth2.Token {
	c := *t
	return &c
}

// staticSource is a ready access token of the environment
// (EMTIME_ACCESS_TOKEN, EMTIME_MICROSOFT_ACCESS_TOKEN): used as is, never
// refreshed.
type staticSource struct {
	token   string
	refused error
}

func (s staticSource) Token(context.Context) (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: s.token, TokenType: "Bearer"}, nil
}

func (s staticSource) Refresh(context.Context, string) (*oauth2.Token, error) {
	return nil, s.refused
}

// serviceAccount mints tokens for a service account key, impersonating a
// user when a subject is given.
type serviceAccount struct {
	newSource func() (oauth2.TokenSource, error)

	mu  sync.Mutex
	ts  oauth2.TokenSource
	cur *oauth2.Token
}

func newServiceAccount(ctx context.Context, key []byte, subject, tokenURL string) (*serviceAccount, error) {
	if tokenURL != "" {
		var m map[string]any
		if err := json.Unmarshal(key, &m); err != nil {
			return nil, fmt.Errorf("read service account key: %w", err)
		}
		m["token_uri"] = tokenURL
		var err error
		if key, err = json.Marshal(m); err != nil {
			return nil, fmt.Errorf("read service account key: %w", err)
		}
	}
	params := google.CredentialsParams{Scopes: Scopes(), Subject: subject}
	newSource := func() (oauth2.TokenSource, error) {
		creds, err := google.CredentialsFromJSONWithTypeAndParams(ctx, key, google.ServiceAccount, params)
		if err != nil {
			return nil, fmt.Errorf("read service account key: %w", err)
		}
		return creds.TokenSource, nil
	}
	ts, err := newSource()
	if err != nil {
		return nil, err
	}
	return &serviceAccount{newSource: newSource, ts: ts}, nil
}

// Token mints or reuses a token. The service account's token source
// keeps the context it was made with: ctx is not used.
func (s *serviceAccount) Token(context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenLocked()
}

func (s *serviceAccount) tokenLocked() (*oauth2.Token, error) {
	tok, err := s.ts.Token()
	if err != nil {
		msg := "get a token for the service account: " + Google(Endpoints{}).describeTokenErr(err, "")
		if isInvalidGrant(err) || isUnauthorizedClient(err) {
			return nil, newSafe(msg+" (check its domain-wide delegation)", ErrServiceAccountRefused, err)
		}
		return nil, newSafe(msg, err)
	}
	s.cur = tok
	return tok, nil
}

func (s *serviceAccount) Refresh(_ context.Context, failed string) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.AccessToken != failed {
		return s.cur, nil
	}
	ts, err := s.newSource()
	if err != nil {
		return nil, err
	}
	s.ts = ts
	return s.tokenLocked()
}

func isUnauthorizedClient(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && (re.ErrorCode == "unauthorized_client" || jsonErrorCode(re.Body) == "unauthorized_client")
}
