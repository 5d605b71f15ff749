// Package identitytest is a fake Microsoft identity platform (Entra ID's
// v2.0 endpoints) on loopback, for tests of signing in to Microsoft 365
// and Outlook.com and of the commands built on it.
//
// It knows one public client (an app registration with no secret) and
// serves, under /{tenant}/oauth2/v2.0/ for "common", "organizations",
// "consumers" and its own tenant id:
//
//   - authorize: plays the sign-in and consent pages. It approves at once
//     and redirects to the loopback redirect_uri (http://localhost or
//     127.0.0.1, any port, as Entra allows public clients) with a code and
//     the state, or with the error [Server.SetConsent] asks for: consent
//     declined, or consent only an administrator can give.
//   - token: exchanges a code only against the PKCE verifier of its S256
//     challenge; refreshes (always with a new refresh token, as Entra
//     does); polls device codes. A refresh token is issued only when
//     offline_access was asked for. A client secret, or credentials in an
//     Authorization header, are refused: the client is public
//     (AADSTS700025) and names itself in the body (oauth2.AuthStyleInParams).
//   - devicecode: starts the device flow. Each poll of a device code
//     plays the next answer of [Server.SetDevicePlan] (authorization_pending,
//     slow_down, expired_token, authorization_declined, access_denied,
//     bad_verification_code, invalid_grant, consent_required,
//     admin_consent_required); once the plan is played it stays pending
//     until [Server.ApproveDevice], or succeeds at once when the plan ends
//     with "approve".
//
// Errors are in Entra's shape ({"error", "error_description": "AADSTS…",
// "error_codes", "suberror", …}). Access tokens it issued and did not
// expire or revoke are reported by [Server.ValidAccessToken], which
// graphtest's token check can use; [Server.Scopes] says what each grants.
//
// In a testscript Setup:
//
//	id := identitytest.New()
//	env.Defer(id.Close)
//	env.Setenv("EMTIME_MICROSOFT_AUTHORITY_URL", id.AuthorityURL())
package identitytest

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ClientID is the one public client the fake knows, and TenantID its own
// tenant, unless changed on the server.
const (
	ClientID = "11111111-2222-3333-4444-555555555555"
	TenantID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

// What [Server.SetConsent] can make the consent page answer.
const (
	// ConsentDeclined: the user pressed Cancel on the consent page
	// (access_denied, AADSTS65004).
	ConsentDeclined = "declined"
	// ConsentAdminRequired: the tenant lets only administrators consent
	// (access_denied, AADSTS90094), and the user went back to the app.
	ConsentAdminRequired = "admin"
)

// Request is a request the fake received.
type Request struct {
	// Path is the path ("/organizations/oauth2/v2.0/token").
	Path string
	// Form is the query and body parameters.
	Form url.Values
	// Status is what the fake answered.
	Status int
}

// Server is the fake identity platform.
type Server struct {
	*httptest.Server
	// ClientID and TenantID are the client and tenant the fake knows.
	ClientID string
	TenantID string

	mu        sync.Mutex
	codes     map[string]grant
	access    map[string]issued // access token → what it grants
	refresh   map[string]string // refresh token → scope, while valid
	devices   map[string]*device
	consent   string
	plan      []string
	interval  int
	deviceTTL time.Duration
	expiresIn time.Duration
	publicOff bool
	requests  []Request
}

type grant struct {
	challenge, redirect, scope string
}

type issued struct {
	refresh string
	scope   string
}

type device struct {
	userCode string
	scope    string
	plan     []string
	approved bool
	expires  time.Time
}

// New starts a fake that knows one public client, [ClientID], in tenant
// [TenantID]. Close it when done.
func New() *Server {
	s := &Server{
		ClientID:  ClientID,
		TenantID:  TenantID,
		codes:     map[string]grant{},
		access:    map[string]issued{},
		refresh:   map[string]string{},
		devices:   map[string]*device{},
		interval:  5,
		deviceTTL: 15 * time.Minute,
		expiresIn: time.Hour,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.deviceCode)
	s.Server = httptest.NewServer(mux)
	return s
}

// AuthorityURL is the authority to configure
// (EMTIME_MICROSOFT_AUTHORITY_URL): endpoints are it, a tenant and
// "/oauth2/v2.0/…", as at https://login.microsoftonline.com/.
func (s *Server) AuthorityURL() string { return s.URL + "/" }

// Endpoint is the oauth2 endpoint of a tenant, as
// golang.org/x/oauth2/microsoft.AzureADEndpoint gives it for the real one.
func (s *Server) Endpoint(tenant string) oauth2.Endpoint {
	base := s.URL + "/" + tenant + "/oauth2/v2.0/"
	return oauth2.Endpoint{AuthURL: base + "authorize", TokenURL: base + "token", DeviceAuthURL: base + "devicecode"}
}

// SetConsent makes the consent page answer [ConsentDeclined] or
// [ConsentAdminRequired]; "" approves.
func (s *Server) SetConsent(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent = c
}

// SetDevicePlan sets the answers to the polls of device codes issued from
// now on, one a poll, in order (see the package doc).
func (s *Server) SetDevicePlan(answers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plan = slices.Clone(answers)
}

// SetDeviceInterval sets the polling interval, in seconds, that device
// codes announce (default 5, as at Entra).
func (s *Server) SetDeviceInterval(secs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interval = secs
}

// SetDeviceLifetime sets how long device codes are valid (default 15
// minutes).
func (s *Server) SetDeviceLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deviceTTL = d
}

// SetPublicClientFlows says whether the app registration allows public
// client flows (the device flow needs it; default true). Off, device code
// polls are refused with AADSTS7000218, as Entra does.
func (s *Server) SetPublicClientFlows(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicOff = !on
}

// SetExpiresIn sets the lifetime announced for new access tokens.
func (s *Server) SetExpiresIn(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expiresIn = d
}

// ApproveDevice is the user entering userCode at the verification page
// and consenting: the device code's next poll succeeds (after any answers
// still planned). It reports whether such a code is waiting.
func (s *Server) ApproveDevice(userCode string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == userCode {
			d.approved = true
			return true
		}
	}
	return false
}

// Issue mints an access and a refresh token as a sign-in with scope would,
// for tests that start signed in.
func (s *Server) Issue(scope string) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	refresh = newToken("0.fake-refresh-")
	s.refresh[refresh] = scope
	access = newToken("eyJ0eXAiOiJKV1Qi.fake-access-")
	s.access[access] = issued{refresh: refresh, scope: scope}
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

// Scopes are the scopes an access token grants (nil for one not issued
// here or no longer valid).
func (s *Server) Scopes(token string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[token]
	if !ok {
		return nil
	}
	return strings.Fields(a.scope)
}

// ExpireAccessToken voids an access token, as when it runs out before the
// client thinks it has.
func (s *Server) ExpireAccessToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, token)
}

// RevokeRefreshToken voids a refresh token and the access tokens it gave,
// as when the user signs out everywhere or an administrator revokes the
// app's sessions.
func (s *Server) RevokeRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refresh, token)
	for at, a := range s.access {
		if a.refresh == token {
			delete(s.access, at)
		}
	}
}

// RefreshTokenValid reports whether a refresh token is still accepted.
func (s *Server) RefreshTokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.refresh[token]
	return ok
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) recordLocked(r *http.Request, status int) {
	s.requests = append(s.requests, Request{Path: r.URL.Path, Form: r.Form, Status: status})
}

// knownTenant: the tenant in the path is one this fake serves.
func (s *Server) knownTenant(t string) bool {
	return t == "common" || t == "organizations" || t == "consumers" || t == s.TenantID
}

// pageError answers an error page, as the sign-in pages do for what cannot
// be sent back to the app.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.mu.Lock()
	s.recordLocked(r, status)
	s.mu.Unlock()
	http.Error(w, msg, status)
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	q := r.Form
	if t := r.PathValue("tenant"); !s.knownTenant(t) {
		s.pageError(w, r, http.StatusBadRequest, "AADSTS90002: Tenant '"+t+"' not found.")
		return
	}
	if q.Get("client_id") != s.ClientID {
		s.pageError(w, r, http.StatusBadRequest, "AADSTS700016: Application with identifier '"+q.Get("client_id")+"' was not found in the directory.")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || (redirect.Hostname() != "localhost" && redirect.Hostname() != "127.0.0.1") {
		s.pageError(w, r, http.StatusBadRequest, "AADSTS50011: The redirect URI '"+q.Get("redirect_uri")+"' specified in the request does not match the redirect URIs configured for the application.")
		return
	}
	answer := url.Values{}
	if st := q.Get("state"); st != "" {
		answer.Set("state", st)
	}
	s.mu.Lock()
	consent := s.consent
	s.mu.Unlock()
	switch {
	case q.Get("response_type") != "code":
		answer.Set("error", "unsupported_response_type")
		answer.Set("error_description", "AADSTS700054: response_type 'code' is required.")
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		// Entra accepts a plain challenge too; this fake wants S256.
		answer.Set("error", "invalid_request")
		answer.Set("error_description", "AADSTS9002325: Proof Key for Code Exchange is required (S256).")
	case consent == ConsentDeclined:
		answer.Set("error", "access_denied")
		answer.Set("error_subcode", "cancel")
		answer.Set("error_description", "AADSTS65004: User declined to consent to access the app.")
	case consent == ConsentAdminRequired:
		answer.Set("error", "access_denied")
		answer.Set("error_description", "AADSTS90094: The grant requires admin permission.")
	default:
		code := newToken("0.fake-code-")
		s.mu.Lock()
		s.codes[code] = grant{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), scope: q.Get("scope")}
		s.mu.Unlock()
		answer.Set("code", code)
	}
	redirect.RawQuery = answer.Encode()
	s.mu.Lock()
	s.recordLocked(r, http.StatusFound)
	s.mu.Unlock()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// aadError is an error of the token endpoints, in Entra's shape.
type aadError struct {
	status   int
	code     string
	aadsts   int
	desc     string
	suberror string
}

var deviceAnswers = map[string]aadError{
	"authorization_pending":  {400, "authorization_pending", 70016, "The provided request has not yet been authorized by the user. The user must input their code.", ""},
	"slow_down":              {400, "slow_down", 70016, "Polling too often: wait longer between requests.", ""},
	"expired_token":          {400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.", ""},
	"authorization_declined": {400, "authorization_declined", 70000, "The user declined the authorization request.", ""},
	"access_denied":          {400, "access_denied", 70000, "The user denied the request.", ""},
	"bad_verification_code":  {400, "bad_verification_code", 70019, "Verification code expired or not recognised.", ""},
	"invalid_grant":          {400, "invalid_grant", 70000, "Provided grant is invalid or malformed.", ""},
	"consent_required":       {400, "invalid_grant", 65001, "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.", "consent_required"},
	"admin_consent_required": {400, "invalid_grant", 90094, "The grant requires admin permission.", "consent_required"},
}

func (s *Server) writeAADLocked(w http.ResponseWriter, r *http.Request, e aadError) {
	s.recordLocked(r, e.status)
	body := map[string]any{
		"error":             e.code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nCorrelation ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: %s", e.aadsts, e.desc, time.Now().UTC().Format("2006-01-02 15:04:05Z")),
		"error_codes":       []int{e.aadsts},
		"timestamp":         time.Now().UTC().Format("2006-01-02 15:04:05Z"),
		"trace_id":          "00000000-0000-0000-0000-000000000000",
		"correlation_id":    "00000000-0000-0000-0000-000000000000",
		"error_uri":         s.URL + "/error?code=" + fmt.Sprint(e.aadsts),
	}
	if e.suberror != "" {
		body["suberror"] = e.suberror
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(body)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.Form
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := r.PathValue("tenant"); !s.knownTenant(t) {
		s.writeAADLocked(w, r, aadError{400, "invalid_request", 90002, "Tenant '" + t + "' not found.", ""})
		return
	}
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if hid, hsecret, basic := r.BasicAuth(); basic {
		// HTTP Basic is how confidential clients send their secret; a
		// public client names itself in the body.
		id, secret = hid, cmp.Or(hsecret, "(sent in an Authorization header)")
	}
	switch {
	case id != s.ClientID:
		s.writeAADLocked(w, r, aadError{400, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in the directory.", ""})
		return
	case secret != "" || f.Get("client_assertion") != "":
		s.writeAADLocked(w, r, aadError{401, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", ""})
		return
	}
	switch gt := f.Get("grant_type"); gt {
	case "authorization_code":
		g, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code"))
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		switch {
		case !ok:
			s.writeAADLocked(w, r, aadError{400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity.", ""})
		case f.Get("redirect_uri") != g.redirect:
			s.writeAADLocked(w, r, aadError{400, "invalid_grant", 50011, "The redirect URI does not match the one the code was issued for.", ""})
		case f.Get("code_verifier") == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
			s.writeAADLocked(w, r, aadError{400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.", ""})
		default:
			s.issueLocked(w, r, g.scope)
		}
	case "refresh_token":
		scope, ok := s.refresh[f.Get("refresh_token")]
		switch {
		case !ok:
			s.writeAADLocked(w, r, aadError{400, "invalid_grant", 700082, "The refresh token has expired or was revoked. Sign in again.", ""})
		case s.consent == ConsentAdminRequired:
			s.writeAADLocked(w, r, deviceAnswers["admin_consent_required"])
		case s.consent == ConsentDeclined:
			s.writeAADLocked(w, r, deviceAnswers["consent_required"])
		default:
			// Entra issues a new refresh token with every refresh; the old
			// one stays valid until it expires.
			s.issueLocked(w, r, scope)
		}
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := s.devices[f.Get("device_code")]
		switch {
		case s.publicOff:
			s.writeAADLocked(w, r, aadError{401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", ""})
		case !ok:
			s.writeAADLocked(w, r, deviceAnswers["bad_verification_code"])
		case len(d.plan) > 0 && d.plan[0] != "approve":
			answer := d.plan[0]
			d.plan = d.plan[1:]
			e, known := deviceAnswers[answer]
			if !known {
				e = aadError{400, answer, 70000, "Planned answer.", ""}
			}
			if e.code == "expired_token" || e.code == "authorization_declined" || e.code == "access_denied" {
				delete(s.devices, f.Get("device_code"))
			}
			s.writeAADLocked(w, r, e)
		case time.Now().After(d.expires):
			delete(s.devices, f.Get("device_code"))
			s.writeAADLocked(w, r, deviceAnswers["expired_token"])
		case d.approved || (len(d.plan) > 0 && d.plan[0] == "approve"):
			delete(s.devices, f.Get("device_code"))
			s.issueLocked(w, r, d.scope)
		default:
			s.writeAADLocked(w, r, deviceAnswers["authorization_pending"])
		}
	default:
		s.writeAADLocked(w, r, aadError{400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + gt + "'.", ""})
	}
}

// issueLocked answers new tokens for scope: a refresh token only when
// offline_access is among the scopes, as at Entra.
func (s *Server) issueLocked(w http.ResponseWriter, r *http.Request, scope string) {
	at := newToken("eyJ0eXAiOiJKV1Qi.fake-access-")
	var granted []string
	offline := false
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "offline_access":
			offline = true
		case "openid", "profile", "email":
		default:
			granted = append(granted, sc)
		}
	}
	body := map[string]any{
		"token_type":     "Bearer",
		"scope":          strings.Join(granted, " "),
		"expires_in":     int(s.expiresIn / time.Second),
		"ext_expires_in": int(s.expiresIn / time.Second),
		"access_token":   at,
	}
	rt := ""
	if offline {
		rt = newToken("0.fake-refresh-")
		s.refresh[rt] = scope
		body["refresh_token"] = rt
	}
	s.access[at] = issued{refresh: rt, scope: strings.Join(granted, " ")}
	s.recordLocked(r, http.StatusOK)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(body)
}

func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.Form
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.knownTenant(r.PathValue("tenant")):
		s.writeAADLocked(w, r, aadError{400, "invalid_request", 90002, "Tenant '" + r.PathValue("tenant") + "' not found.", ""})
		return
	case f.Get("client_id") != s.ClientID:
		s.writeAADLocked(w, r, aadError{400, "unauthorized_client", 700016, "Application with identifier '" + f.Get("client_id") + "' was not found in the directory.", ""})
		return
	case strings.TrimSpace(f.Get("scope")) == "":
		s.writeAADLocked(w, r, aadError{400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.", ""})
		return
	}
	dc := newToken("fake-device-")
	user := strings.ToUpper(newToken("")[:8])
	user = strings.NewReplacer("-", "X", "_", "Y").Replace(user)
	s.devices[dc] = &device{userCode: user, scope: f.Get("scope"), plan: slices.Clone(s.plan), expires: time.Now().Add(s.deviceTTL)}
	verify := s.URL + "/devicelogin"
	s.recordLocked(r, http.StatusOK)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{
		"user_code":        user,
		"device_code":      dc,
		"verification_uri": verify,
		"expires_in":       int(s.deviceTTL / time.Second),
		"interval":         s.interval,
		"message":          "To sign in, use a web browser to open the page " + verify + " and enter the code " + user + " to authenticate.",
	})
}

func newToken(prefix string) string {
	b := make([]byte, 18)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}
