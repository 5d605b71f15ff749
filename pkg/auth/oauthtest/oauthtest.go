// Package oauthtest is a fake Google OAuth server on loopback, for tests of
// emtime's sign-in and of the commands built on it.
//
// /authorize plays Google's consent page: it approves at once and
// redirects to the loopback redirect_uri with a code and the state (a test
// plays the browser by GETting the sign-in address and following the
// redirect). /token exchanges a code only against the PKCE verifier of its
// S256 challenge, refreshes access tokens (rotating the refresh token when
// asked, refusing revoked ones with invalid_grant) and mints tokens for
// service-account JWT assertions; it can be made to stall
// ([Server.SetStallToken]), or to fail, drop or redirect
// ([Server.InjectFault]). /revoke revokes. Access tokens it issued
// and did not expire or revoke are reported by [Server.ValidAccessToken],
// which googletest's token check can use.
//
// In a testscript Setup:
//
//	o := oauthtest.New()
//	env.Defer(o.Close)
//	env.Setenv("EMTIME_OAUTH_AUTH_URL", o.AuthURL())
//	env.Setenv("EMTIME_OAUTH_TOKEN_URL", o.TokenURL())
//	env.Setenv("EMTIME_OAUTH_REVOKE_URL", o.RevokeURL())
//	env.Setenv("EMTIME_CLIENT_ID", o.ClientID)
//	env.Setenv("EMTIME_CLIENT_SECRET", o.ClientSecret)
package oauthtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is a request the fake received.
type Request struct {
	Path string
	// Form is the query and body parameters.
	Form url.Values
	// Subject is the impersonated user of a service-account assertion.
	Subject string
	// Status is what the fake answered.
	Status int
}

// Fault is an answer the fake gives instead of the real one.
type Fault struct {
	// Path selects the requests: "/token", "/authorize", "/revoke"; ""
	// means any.
	Path string
	// Status is the HTTP status answered, with Error and Description as
	// the OAuth error JSON when set.
	Status             int
	Error, Description string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Drop closes the connection without answering.
	Drop bool
	// Redirect answers 307 to this URL prefix, the request's path after it.
	Redirect string
	// Times is how many requests get the fault; 0 means 1.
	Times int
}

// Server is the fake OAuth server.
type Server struct {
	*httptest.Server
	// ClientID and ClientSecret are the one client the fake knows.
	ClientID     string
	ClientSecret string

	mu        sync.Mutex
	codes     map[string]grant
	access    map[string]string // access token → refresh token it came from ("" for none)
	refresh   map[string]bool   // refresh token → still valid
	rotate    bool
	expiresIn time.Duration
	scope     string
	deny      string
	denyDesc  string
	faults    []Fault
	requests  []Request
	saKey     []byte
	stall     bool

	closing   chan struct{} // closed by Close: stalled requests end
	closeOnce sync.Once
}

type grant struct {
	challenge, redirect, scope string
}

// New starts a fake that knows one client. Close it when done.
func New() *Server {
	s := &Server{
		ClientID:     "emtime-test.apps.googleusercontent.com",
		ClientSecret: "test-client-secret",
		codes:        map[string]grant{},
		access:       map[string]string{},
		refresh:      map[string]bool{},
		expiresIn:    time.Hour,
		closing:      make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /revoke", s.revoke)
	s.Server = httptest.NewServer(s.faulty(mux))
	return s
}

// InjectFault queues a fault; faults are used in the order queued.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, f)
}

// faulty plays the queued faults, recording the requests they answer.
func (s *Server) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var f Fault
		found := false
		for i, x := range s.faults {
			if x.Path == "" || x.Path == r.URL.Path {
				f, found = x, true
				s.faults[i].Times--
				if s.faults[i].Times <= 0 {
					s.faults = slices.Delete(s.faults, i, i+1)
				}
				break
			}
		}
		s.mu.Unlock()
		if !found {
			next.ServeHTTP(w, r)
			return
		}
		r.ParseForm()
		switch {
		case f.Drop:
			s.record(r, 0, "")
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case f.Redirect != "":
			s.record(r, http.StatusTemporaryRedirect, "")
			http.Redirect(w, r, strings.TrimSuffix(f.Redirect, "/")+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		default:
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			s.record(r, f.Status, "")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.Status)
			if f.Error != "" {
				json.NewEncoder(w).Encode(map[string]string{"error": f.Error, "error_description": f.Description})
			}
		}
	})
}

// Close ends any stalled request, then shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.Server.Close()
}

// AuthURL, TokenURL and RevokeURL are the endpoints to configure.
func (s *Server) AuthURL() string   { return s.URL + "/authorize" }
func (s *Server) TokenURL() string  { return s.URL + "/token" }
func (s *Server) RevokeURL() string { return s.URL + "/revoke" }

// ClientJSON is a "Desktop app" client JSON for this fake, as the Google
// Cloud console hands it out.
func (s *Server) ClientJSON() []byte {
	b, _ := json.Marshal(map[string]any{"installed": map[string]any{
		"client_id":     s.ClientID,
		"project_id":    "emtime-test",
		"auth_uri":      s.AuthURL(),
		"token_uri":     s.TokenURL(),
		"client_secret": s.ClientSecret,
		"redirect_uris": []string{"http://localhost"},
	}})
	return b
}

// SetRotateRefresh makes every refresh issue a new refresh token and void
// the old one.
func (s *Server) SetRotateRefresh(rotate bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotate = rotate
}

// SetExpiresIn sets the lifetime announced for new access tokens.
func (s *Server) SetExpiresIn(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expiresIn = d
}

// SetGrantedScope makes the fake grant scope (space-separated) instead of
// what was asked, as when a user unticks a box on the consent page.
func (s *Server) SetGrantedScope(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scope = scope
}

// SetStallToken makes /token hold every request without answering, until
// the client gives up or the server is closed: a token endpoint that has
// stopped responding. Such requests are recorded with status 0.
func (s *Server) SetStallToken(stall bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = stall
}

// SetDeny makes /authorize answer with error=code (e.g. "access_denied");
// "" approves.
func (s *Server) SetDeny(code string) {
	s.SetDenyWith(code, "")
}

// SetDenyWith is [Server.SetDeny] with an error_description, which may be
// anything a hostile provider sends.
func (s *Server) SetDenyWith(code, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny, s.denyDesc = code, description
}

// Issue mints an access and a refresh token as a sign-in would, for tests
// that start signed in.
func (s *Server) Issue() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	refresh = newToken("1//fake-refresh-")
	s.refresh[refresh] = true
	access = newToken("ya29.fake-access-")
	s.access[access] = refresh
	return access, refresh
}

// ValidAccessToken reports whether token was issued here and is neither
// expired nor revoked.
func (s *Server) ValidAccessToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.access[token]
	return ok
}

// ExpireAccessToken voids an access token, as when it runs out at Google
// before the client thinks it has.
func (s *Server) ExpireAccessToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, token)
}

// RevokeRefreshToken voids a refresh token and the access tokens it gave,
// as when the user removes the app's access in their Google account.
func (s *Server) RevokeRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeLocked(token)
}

// RefreshTokenValid reports whether a refresh token is still accepted.
func (s *Server) RefreshTokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh[token]
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ServiceAccountKey is a service account key JSON whose token_uri is this
// fake (a fresh RSA key, made once per server).
func (s *Server) ServiceAccountKey() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saKey != nil {
		return s.saKey
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	s.saKey, _ = json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "emtime-test",
		"private_key_id": "fake-key-1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "emtime@emtime-test.iam.gserviceaccount.com",
		"client_id":      "1234567890",
		"token_uri":      s.TokenURL(),
	})
	return s.saKey
}

func (s *Server) record(r *http.Request, status int, subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Subject: subject, Status: status})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	q := r.Form
	fail := func(status int, msg string) {
		s.record(r, status, "")
		http.Error(w, msg, status)
	}
	if q.Get("client_id") != s.ClientID {
		fail(http.StatusUnauthorized, "invalid_client: unknown client_id")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || (redirect.Hostname() != "127.0.0.1" && redirect.Hostname() != "localhost" && redirect.Hostname() != "::1") {
		fail(http.StatusBadRequest, "invalid_request: redirect_uri must be a loopback address")
		return
	}
	if q.Get("response_type") != "code" {
		fail(http.StatusBadRequest, "unsupported_response_type")
		return
	}
	answer := url.Values{"state": {q.Get("state")}}
	s.mu.Lock()
	deny, denyDesc := s.deny, s.denyDesc
	s.mu.Unlock()
	switch {
	case deny != "":
		answer.Set("error", deny)
		if denyDesc != "" {
			answer.Set("error_description", denyDesc)
		}
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		answer.Set("error", "invalid_request")
		answer.Set("error_description", "PKCE S256 required")
	default:
		code := newToken("4/fake-code-")
		s.mu.Lock()
		s.codes[code] = grant{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), scope: q.Get("scope")}
		s.mu.Unlock()
		answer.Set("code", code)
		answer.Set("scope", q.Get("scope"))
	}
	redirect.RawQuery = answer.Encode()
	s.record(r, http.StatusFound, "")
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	stall := s.stall
	s.mu.Unlock()
	if stall {
		s.record(r, 0, "")
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	}
	f := r.Form
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	grantType := f.Get("grant_type")
	if grantType == "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		s.jwtGrant(w, r)
		return
	}
	if id != s.ClientID || secret != s.ClientSecret {
		s.oauthError(w, r, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch grantType {
	case "authorization_code":
		g, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code"))
		if !ok {
			s.oauthErrorLocked(w, r, http.StatusBadRequest, "invalid_grant", "Malformed auth code.")
			return
		}
		if f.Get("redirect_uri") != g.redirect {
			s.oauthErrorLocked(w, r, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
			return
		}
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if f.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			s.oauthErrorLocked(w, r, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
			return
		}
		rt := newToken("1//fake-refresh-")
		s.refresh[rt] = true
		s.issueLocked(w, r, rt, true, g.scope)
	case "refresh_token":
		rt := f.Get("refresh_token")
		if !s.refresh[rt] {
			s.oauthErrorLocked(w, r, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		sendRefresh := false
		if s.rotate {
			s.revokeLocked(rt)
			rt = newToken("1//fake-refresh-")
			s.refresh[rt] = true
			sendRefresh = true
		}
		s.issueLocked(w, r, rt, sendRefresh, "")
	default:
		s.oauthErrorLocked(w, r, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+grantType)
	}
}

// issueLocked answers a new access token tied to refresh token rt.
func (s *Server) issueLocked(w http.ResponseWriter, r *http.Request, rt string, sendRefresh bool, scope string) {
	at := newToken("ya29.fake-access-")
	s.access[at] = rt
	if s.scope != "" {
		scope = s.scope
	}
	body := map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int(s.expiresIn / time.Second),
	}
	if scope != "" {
		body["scope"] = scope
	}
	if sendRefresh {
		body["refresh_token"] = rt
	}
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Status: http.StatusOK})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(body)
}

// jwtGrant mints a token for a service-account assertion. The signature is
// not checked: the fake reads the claims.
func (s *Server) jwtGrant(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.Form.Get("assertion"), ".")
	var claims struct {
		Iss   string `json:"iss"`
		Sub   string `json:"sub"`
		Scope string `json:"scope"`
	}
	if len(parts) != 3 {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "Invalid JWT.")
		return
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims.Iss == "" || claims.Scope == "" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "Invalid JWT.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := newToken("ya29.fake-sa-access-")
	s.access[at] = ""
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Subject: claims.Sub, Status: http.StatusOK})
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int(s.expiresIn / time.Second),
	})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	tok := r.Form.Get("token")
	s.mu.Lock()
	defer s.mu.Unlock()
	_, isAccess := s.access[tok]
	if !s.refresh[tok] && !isAccess {
		s.oauthErrorLocked(w, r, http.StatusBadRequest, "invalid_token", "Token expired or revoked")
		return
	}
	s.revokeLocked(tok)
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Status: http.StatusOK})
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte("{}"))
}

// revokeLocked voids a token; a refresh token takes its access tokens along.
func (s *Server) revokeLocked(tok string) {
	if _, ok := s.refresh[tok]; ok {
		s.refresh[tok] = false
		for at, rt := range s.access {
			if rt == tok {
				delete(s.access, at)
			}
		}
	}
	delete(s.access, tok)
}

func (s *Server) oauthError(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauthErrorLocked(w, r, status, code, desc)
}

func (s *Server) oauthErrorLocked(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Status: status})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func newToken(prefix string) string {
	b := make([]byte, 18)
	rand.Read(b)
	return fmt.Sprintf("%s%s", prefix, base64.RawURLEncoding.EncodeToString(b))
}
