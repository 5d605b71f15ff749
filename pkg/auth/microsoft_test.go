package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/microsoft/identitytest"
	"golang.org/x/oauth2"
)

func startIdentity(t *testing.T) *identitytest.Server {
	id := identitytest.New()
	t.Cleanup(id.Close)
	return id
}

// microsoftAt is the Microsoft sign-in of the fake identity platform.
func microsoftAt(id *identitytest.Server, tenant string) *auth.Provider {
	p := auth.Microsoft(id.AuthorityURL(), tenant)
	return &p
}

// browse plays the browser: it opens u, follows the redirect back to the
// loopback address, and hands over the page it ends on.
func browse(page chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			res, err := http.Get(u)
			if err != nil {
				page <- err.Error()
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			page <- res.Status + " " + string(b)
		}()
		return nil
	}
}

// TestMicrosoftLoginBrowser: the browser sign-in to Microsoft is the same
// flow as Google's with Microsoft's table: a public client (no secret,
// named in the body), PKCE, the offline_access scope instead of
// access_type=offline, a redirect to http://localhost:PORT/ as app
// registrations are given, and a sign-in that keeps its client and tenant.
func TestMicrosoftLoginBrowser(t *testing.T) {
	id := startIdentity(t)
	page := make(chan string, 1)
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Provider: microsoftAt(id, ""),
		Client:   auth.Client{ID: id.ClientID},
		Open:     browse(page),
		Timeout:  10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := <-page; !strings.Contains(p, "200 OK") || !strings.Contains(p, "emtime is signed in") {
		t.Errorf("browser shows %q", p)
	}
	if !id.ValidAccessToken(st.Token.AccessToken) || !id.RefreshTokenValid(st.Token.RefreshToken) || st.Token.Expiry.IsZero() {
		t.Errorf("token = %+v", st.Token)
	}
	if st.ClientID != id.ClientID || st.Tenant != "organizations" {
		t.Errorf("sign-in keeps client %q, tenant %q", st.ClientID, st.Tenant)
	}
	if want := []string{"User.Read", "Calendars.ReadBasic", "MailboxSettings.Read"}; !slices.Equal(st.Scopes, want) {
		t.Errorf("scopes = %v, want %v", st.Scopes, want)
	}

	reqs := id.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/organizations/oauth2/v2.0/authorize" || reqs[1].Path != "/organizations/oauth2/v2.0/token" {
		t.Fatalf("requests = %+v", reqs)
	}
	a, tok := reqs[0].Form, reqs[1].Form
	if !regexp.MustCompile(`^http://localhost:\d+/$`).MatchString(a.Get("redirect_uri")) {
		t.Errorf("redirect_uri = %q", a.Get("redirect_uri"))
	}
	if a.Get("scope") != strings.Join(microsoft.Scopes(), " ") || a.Get("code_challenge_method") != "S256" || len(a.Get("state")) < 32 {
		t.Errorf("authorize query = %v", a)
	}
	if a.Has("access_type") || a.Has("prompt") {
		t.Errorf("Google's parameters sent to Microsoft: %v", a)
	}
	if tok.Get("client_id") != id.ClientID || tok.Has("client_secret") || tok.Get("code_verifier") == "" || tok.Get("redirect_uri") != a.Get("redirect_uri") {
		t.Errorf("token form = %v", tok)
	}
}

// TestMicrosoftLoginTenant: --tenant is the path of every endpoint.
func TestMicrosoftLoginTenant(t *testing.T) {
	id := startIdentity(t)
	page := make(chan string, 1)
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Provider: microsoftAt(id, identitytest.TenantID), Client: auth.Client{ID: id.ClientID}, Open: browse(page), Timeout: 10 * time.Second,
	})
	<-page
	if err != nil || st.Tenant != identitytest.TenantID {
		t.Fatalf("tenant %q, error %v", st.Tenant, err)
	}
	for _, r := range id.Requests() {
		if !strings.HasPrefix(r.Path, "/"+identitytest.TenantID+"/oauth2/v2.0/") {
			t.Errorf("request to %s", r.Path)
		}
	}
}

// TestMicrosoftLoginRefused: a consent the user declined, and one only an
// administrator may give, end the sign-in saying what to do.
func TestMicrosoftLoginRefused(t *testing.T) {
	tests := []struct {
		consent string
		want    []string
	}{
		{identitytest.ConsentDeclined, []string{"microsoft refused the sign-in: you declined to give emtime access: sign in again and accept the permissions", "(AADSTS65004)"}},
		{identitytest.ConsentAdminRequired, []string{"microsoft refused the sign-in: your organization lets only administrators consent to apps: ask an administrator to grant",
			"offline_access, User.Read, Calendars.ReadBasic and MailboxSettings.Read to the application (client) ID " + identitytest.ClientID, "Grant admin consent", "(AADSTS90094)"}},
	}
	for _, tt := range tests {
		t.Run(tt.consent, func(t *testing.T) {
			id := startIdentity(t)
			id.SetConsent(tt.consent)
			page := make(chan string, 1)
			_, err := auth.Login(context.Background(), auth.LoginOptions{
				Provider: microsoftAt(id, ""), Client: auth.Client{ID: id.ClientID}, Open: browse(page), Timeout: 10 * time.Second,
			})
			if p := <-page; !strings.Contains(p, "emtime could not sign in") {
				t.Errorf("browser shows %q", p)
			}
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nwant it to hold %q", err, w)
				}
			}
			if err != nil && strings.Contains(err.Error(), "Trace ID") {
				t.Errorf("error repeats Microsoft's trace lines: %q", err)
			}
		})
	}
}

// waits records the waits between polls instead of sleeping them.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

// TestMicrosoftDevice: the device sign-in prints where to go and the code,
// polls at the interval Microsoft asks for while the user has not
// answered (five seconds more after slow_down), and ends in a sign-in, or
// saying what went wrong.
func TestMicrosoftDevice(t *testing.T) {
	tests := []struct {
		name     string
		plan     []string
		setup    func(*identitytest.Server)
		waits    []time.Duration
		want     string // "" for success
		wantIs   error
		wantMore string
	}{
		{name: "pending, then approved", plan: []string{"authorization_pending", "authorization_pending", "approve"},
			waits: []time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}},
		{name: "slow down", plan: []string{"slow_down", "authorization_pending", "approve"},
			waits: []time.Duration{5 * time.Second, 10 * time.Second, 10 * time.Second}},
		{name: "declined", plan: []string{"authorization_pending", "authorization_declined"},
			want: "the sign-in was declined: run emtime auth login --provider microsoft --device again, and approve it"},
		{name: "expired", plan: []string{"authorization_pending", "expired_token"}, wantIs: auth.ErrLoginTimeout,
			want: "the code expired before the sign-in was approved: run emtime auth login --provider microsoft --device again"},
		{name: "never approved", setup: func(id *identitytest.Server) { id.SetDeviceLifetime(12 * time.Second) }, wantIs: auth.ErrLoginTimeout,
			waits: []time.Duration{5 * time.Second, 5 * time.Second}, want: "the code expired before the sign-in was approved"},
		{name: "admin consent required", plan: []string{"authorization_pending", "admin_consent_required"},
			want: "finish the device sign-in: your organization lets only administrators consent to apps: ask an administrator to grant the Microsoft Graph delegated permissions offline_access, User.Read, Calendars.ReadBasic and MailboxSettings.Read to the application (client) ID " + identitytest.ClientID},
		{name: "consent required", plan: []string{"consent_required"},
			want: "finish the device sign-in: emtime's permissions have not been consented to in this directory: sign in once in a browser (without --device) to consent"},
		{name: "public client flows off", setup: func(id *identitytest.Server) { id.SetPublicClientFlows(false) },
			want: `finish the device sign-in: the app registration does not allow public client flows: in Entra ID, App registrations, the app, Authentication, turn on "Allow public client flows", then sign in again (AADSTS7000218)`},
		{name: "unknown tenant", setup: func(id *identitytest.Server) {}, wantMore: "no-such-tenant",
			want: `start the device sign-in: there is no directory "no-such-tenant": check --tenant`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := startIdentity(t)
			id.SetDevicePlan(tt.plan...)
			if tt.setup != nil {
				tt.setup(id)
			}
			tenant := ""
			if tt.wantMore != "" {
				tenant = tt.wantMore
			}
			var out strings.Builder
			w := &waits{}
			st, err := auth.DeviceLogin(context.Background(), auth.DeviceOptions{
				Provider: microsoftAt(id, tenant), Client: auth.Client{ID: id.ClientID}, Out: &out, Sleep: w.sleep,
			})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("error %v\nwant it to start %q", err, tt.want)
			case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
				t.Errorf("error %v, want it to match %v", err, tt.wantIs)
			}
			if tt.waits != nil && !slices.Equal(w.d, tt.waits) {
				t.Errorf("waits %v, want %v", w.d, tt.waits)
			}
			if tt.want != "" {
				return
			}
			if !regexp.MustCompile(`(?s)To sign in to Microsoft, open this address in a browser.*\n  http://127\.0\.0\.1:\d+/devicelogin\n\nand enter the code [A-Z0-9]{8}\n`).MatchString(out.String()) {
				t.Errorf("instructions:\n%s", out.String())
			}
			if !id.ValidAccessToken(st.Token.AccessToken) || !id.RefreshTokenValid(st.Token.RefreshToken) || st.ClientID != id.ClientID || st.Tenant != "organizations" {
				t.Errorf("sign-in %+v", st)
			}
			var polls int
			for _, r := range id.Requests() {
				if r.Form.Get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code" {
					polls++
					if r.Form.Has("client_secret") || r.Form.Get("client_id") != id.ClientID {
						t.Errorf("poll form %v", r.Form)
					}
				}
			}
			if polls != len(tt.waits) {
				t.Errorf("%d polls, want %d", polls, len(tt.waits))
			}
		})
	}
}

// TestDeviceNeedsAProvider: Google offers emtime no device sign-in.
func TestDeviceNeedsAProvider(t *testing.T) {
	g := auth.Google(auth.Endpoints{})
	_, err := auth.DeviceLogin(context.Background(), auth.DeviceOptions{Provider: &g, Client: auth.Client{ID: "x"}})
	if err == nil || !strings.Contains(err.Error(), "Google offers no device sign-in to emtime") {
		t.Errorf("error %v", err)
	}
}

// microsoftSignedIn stores a Microsoft sign-in issued by id, as after a
// login; the access token expires at expiry.
func microsoftSignedIn(t *testing.T, id *identitytest.Server, expiry time.Time) (dir string, store *auth.FileStore, st auth.Stored) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "emtime")
	at, rt := id.Issue(strings.Join(microsoft.Scopes(), " "))
	st = auth.Stored{
		Token:   &oauth2.Token{AccessToken: at, TokenType: "Bearer", RefreshToken: rt, Expiry: expiry},
		Account: "me@example.com", Scopes: []string{"User.Read", "Calendars.ReadBasic", "MailboxSettings.Read"},
		ClientID: id.ClientID, Tenant: "organizations",
	}
	store = auth.Microsoft("", "").FileStore(dir)
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
	return dir, store, st
}

// graphGet reads who I am from a fake Graph that accepts only the fake
// identity platform's tokens.
func graphGet(t *testing.T, id *identitytest.Server, creds *auth.Credentials) (*graphtest.Server, error) {
	t.Helper()
	api := graphtest.New()
	t.Cleanup(api.Close)
	api.SetTokenCheck(id.ValidAccessToken)
	res, err := creds.Client().Get(api.Endpoint() + "me")
	if err != nil {
		return api, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("graph answered %s", res.Status)
	}
	return api, nil
}

// TestMicrosoftRefresh: an expired access token is refreshed with the
// client and tenant the sign-in was made with, as a public client, and
// the new refresh token Microsoft issues with every refresh is saved.
func TestMicrosoftRefresh(t *testing.T) {
	id := startIdentity(t)
	dir, store, old := microsoftSignedIn(t, id, now.Add(-time.Minute))
	// Signed in to another tenant than the provider's: the sign-in's wins.
	old.Tenant = identitytest.TenantID
	if err := store.Save(old); err != nil {
		t.Fatal(err)
	}
	creds, err := auth.Resolve(context.Background(), auth.Options{Provider: microsoftAt(id, ""), Dir: dir, Store: store, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if creds.Via != "signed in" || creds.Account != "me@example.com" || creds.Provider.Name != auth.ProviderMicrosoft {
		t.Errorf("creds = %+v", creds)
	}
	if _, err := graphGet(t, id, creds); err != nil {
		t.Fatal(err)
	}
	saved, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if saved.Token.AccessToken == old.Token.AccessToken || !id.ValidAccessToken(saved.Token.AccessToken) {
		t.Error("refreshed access token not saved")
	}
	if saved.Token.RefreshToken == old.Token.RefreshToken || !id.RefreshTokenValid(saved.Token.RefreshToken) {
		t.Error("the new refresh token not saved")
	}
	if saved.ClientID != id.ClientID || saved.Tenant != identitytest.TenantID || saved.Account != "me@example.com" {
		t.Errorf("saved = %+v", saved)
	}
	reqs := id.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/"+identitytest.TenantID+"/oauth2/v2.0/token" || reqs[0].Form.Get("client_id") != id.ClientID || reqs[0].Form.Has("client_secret") {
		t.Errorf("requests = %+v", reqs)
	}
}

// TestMicrosoftSignInAgain: a refresh token Microsoft no longer accepts,
// and a consent an administrator withdrew, say so in Microsoft's words.
func TestMicrosoftSignInAgain(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*identitytest.Server, auth.Stored)
		want  string
	}{
		{"revoked", func(id *identitytest.Server, st auth.Stored) { id.RevokeRefreshToken(st.Token.RefreshToken) },
			"microsoft no longer accepts the saved sign-in (the saved sign-in has expired or was revoked (AADSTS700082)): sign in again: emtime auth login --provider microsoft"},
		{"admin consent withdrawn", func(id *identitytest.Server, _ auth.Stored) { id.SetConsent(identitytest.ConsentAdminRequired) },
			"microsoft no longer accepts the saved sign-in (your organization lets only administrators consent to apps: ask an administrator to grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := startIdentity(t)
			dir, store, st := microsoftSignedIn(t, id, now.Add(-time.Minute))
			tt.setup(id, st)
			creds, err := auth.Resolve(context.Background(), auth.Options{Provider: microsoftAt(id, ""), Dir: dir, Store: store, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			_, err = creds.Token()
			if !errors.Is(err, auth.ErrSignInAgain) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to start %q", err, tt.want)
			}
			if found := tokensIn(err.Error(), st); len(found) > 0 {
				t.Errorf("error shows a token: %q", err)
			}
		})
	}
}

// TestMicrosoftAccessTokenEnv: EMTIME_MICROSOFT_ACCESS_TOKEN is used as
// is for Microsoft, never for Google, and Google's variable never for
// Microsoft.
func TestMicrosoftAccessTokenEnv(t *testing.T) {
	id := startIdentity(t)
	at, _ := id.Issue("User.Read")
	getenv := env(map[string]string{auth.EnvMicrosoftAccessToken: at, auth.EnvAccessToken: "google-token", auth.EnvTokenStore: "file"})
	creds, err := auth.Resolve(context.Background(), auth.Options{Provider: microsoftAt(id, ""), Dir: t.TempDir(), Getenv: getenv})
	if err != nil || creds.Via != auth.EnvMicrosoftAccessToken {
		t.Fatalf("creds %+v, error %v", creds, err)
	}
	if _, err := graphGet(t, id, creds); err != nil {
		t.Fatal(err)
	}
	id.ExpireAccessToken(at)
	api := graphtest.New()
	defer api.Close()
	api.SetTokenCheck(id.ValidAccessToken)
	_, err = creds.Client().Get(api.Endpoint() + "me")
	if !errors.Is(err, auth.ErrAccessTokenRefused) || !strings.Contains(err.Error(), "microsoft refused the access token in EMTIME_MICROSOFT_ACCESS_TOKEN") || strings.Contains(err.Error(), at) {
		t.Errorf("error = %v", err)
	}

	g, err := auth.Resolve(context.Background(), auth.Options{Dir: t.TempDir(), Getenv: env(map[string]string{auth.EnvMicrosoftAccessToken: at, auth.EnvTokenStore: "file"})})
	if !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("Google took Microsoft's token: %+v, %v", g, err)
	}
	_, err = auth.Resolve(context.Background(), auth.Options{Provider: microsoftAt(id, ""), Dir: t.TempDir(), Getenv: env(map[string]string{auth.EnvAccessToken: "google-token", auth.EnvTokenStore: "file"})})
	if !errors.Is(err, auth.ErrNotSignedIn) || err.Error() != "not signed in to microsoft 365" {
		t.Errorf("Microsoft without a sign-in: %v", err)
	}
}

// TestMicrosoftLogout: Microsoft has no revocation for a public client:
// the sign-in is deleted here and nothing is asked of Microsoft.
func TestMicrosoftLogout(t *testing.T) {
	id := startIdentity(t)
	_, store, st := microsoftSignedIn(t, id, now.Add(time.Hour))
	p := microsoftAt(id, "")
	if p.Revocable() {
		t.Error("a public client's grant revocable")
	}
	got, err := auth.Logout(context.Background(), auth.LogoutOptions{Provider: p, Store: store})
	if err != nil || got.Account != st.Account {
		t.Fatalf("logged out %+v, error %v", got, err)
	}
	if _, err := store.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("still stored: %v", err)
	}
	if n := len(id.Requests()); n != 0 {
		t.Errorf("%d requests to Microsoft", n)
	}
	if _, err := auth.Logout(context.Background(), auth.LogoutOptions{Provider: p, Store: store}); !errors.Is(err, auth.ErrNotSignedIn) || err.Error() != "not signed in to microsoft 365" {
		t.Errorf("second logout: %v", err)
	}
}

func TestMicrosoftStatus(t *testing.T) {
	id := startIdentity(t)
	_, store, st := microsoftSignedIn(t, id, now.Add(time.Hour))
	p := microsoftAt(id, "")
	s, err := p.Status(store, env(nil))
	if err != nil || !s.SignedIn || s.Account != st.Account || s.ClientID != id.ClientID || s.Tenant != "organizations" || !s.Refreshable {
		t.Errorf("status %+v, error %v", s, err)
	}
	s, _ = p.Status(store, env(map[string]string{auth.EnvAccessToken: "google's"}))
	if s.Via != "signed in" {
		t.Errorf("Google's ready token taken for Microsoft's: %+v", s)
	}
	s, _ = p.Status(store, env(map[string]string{auth.EnvMicrosoftAccessToken: "x"}))
	if s.Via != auth.EnvMicrosoftAccessToken {
		t.Errorf("with EMTIME_MICROSOFT_ACCESS_TOKEN: %+v", s)
	}
}

func TestProviderFromEnv(t *testing.T) {
	getenv := env(map[string]string{auth.EnvMicrosoftAuthority: "http://127.0.0.1:9/", auth.EnvTokenURL: "http://127.0.0.1:8/token"})
	g, err := auth.ProviderFromEnv("google", getenv, "")
	if err != nil || g.Endpoints.TokenURL != "http://127.0.0.1:8/token" || g.Name != auth.ProviderGoogle {
		t.Errorf("google: %+v, %v", g, err)
	}
	m, err := auth.ProviderFromEnv("microsoft", getenv, "contoso.onmicrosoft.com")
	if err != nil || m.Endpoints.DeviceURL != "http://127.0.0.1:9/contoso.onmicrosoft.com/oauth2/v2.0/devicecode" || m.Tenant != "contoso.onmicrosoft.com" {
		t.Errorf("microsoft: %+v, %v", m, err)
	}
	m, _ = auth.ProviderFromEnv("microsoft", env(nil), "")
	if m.Endpoints.AuthURL != "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize" {
		t.Errorf("default authority: %+v", m.Endpoints)
	}
	for _, bad := range []string{"../common", "a b", "x?y", strings.Repeat("a", 300)} {
		if _, err := auth.ProviderFromEnv("microsoft", env(nil), bad); err == nil {
			t.Errorf("tenant %q accepted", bad)
		}
	}
	if _, err := auth.ProviderFromEnv("yahoo", env(nil), ""); err == nil || err.Error() != `no provider "yahoo": want google or microsoft` {
		t.Errorf("yahoo: %v", err)
	}
}

// TestMicrosoftLoginTimeout: nobody approving in time says how to sign in
// without a browser here, in Microsoft's words.
func TestMicrosoftLoginTimeout(t *testing.T) {
	id := startIdentity(t)
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Provider: microsoftAt(id, ""), Client: auth.Client{ID: id.ClientID},
		Open: func(string) error { return nil }, Timeout: 50 * time.Millisecond,
	})
	want := "timed out waiting for the microsoft sign-in after 50ms: run emtime auth login --provider microsoft again (with --device to sign in with a code instead, or --no-browser to paste the address)"
	if !errors.Is(err, auth.ErrLoginTimeout) || err.Error() != want {
		t.Errorf("error %v\nwant %q", err, want)
	}
	_, err = auth.Login(context.Background(), auth.LoginOptions{Provider: microsoftAt(id, "")})
	if !errors.Is(err, auth.ErrNoClient) || err.Error() != "no client ID to sign in to Microsoft with" {
		t.Errorf("no client: %v", err)
	}
}
