package identitytest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// scopes are the ones emtime asks Microsoft for.
var scopes = []string{"offline_access", "User.Read", "Calendars.ReadBasic", "MailboxSettings.Read"}

// endpoint is the tenant's endpoint for a public client, which names
// itself in the body of token requests.
func endpoint(s *Server, tenant string) oauth2.Endpoint {
	e := s.Endpoint(tenant)
	e.AuthStyle = oauth2.AuthStyleInParams
	return e
}

func config(s *Server, tenant string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:    s.ClientID,
		Endpoint:    endpoint(s, tenant),
		RedirectURL: "http://localhost:53682/",
		Scopes:      scopes,
	}
}

// approve plays the browser on the sign-in address: it returns the query
// the fake redirected to the loopback address with.
func approve(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %s", res.Status)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || loc.Host != "localhost:53682" {
		t.Fatalf("redirect to %v", loc)
	}
	return loc.Query()
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	s := New()
	defer s.Close()
	conf := config(s, "organizations")
	verifier := oauth2.GenerateVerifier()
	ctx := context.Background()
	code := func() string {
		q := approve(t, conf.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier)))
		if q.Get("state") != "st4te" || q.Get("code") == "" {
			t.Fatalf("redirect query %v", q)
		}
		return q.Get("code")
	}
	_, err := conf.Exchange(ctx, code(), oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !strings.HasPrefix(re.ErrorDescription, "AADSTS501481:") {
		t.Errorf("wrong verifier: %v", err)
	}
	c := code()
	tok, err := conf.Exchange(ctx, c, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || !s.ValidAccessToken(tok.AccessToken) || tok.Expiry.IsZero() {
		t.Errorf("token %+v", tok)
	}
	if got := s.Scopes(tok.AccessToken); !slices.Equal(got, []string{"User.Read", "Calendars.ReadBasic", "MailboxSettings.Read"}) {
		t.Errorf("scopes %q", got)
	}
	if _, err := conf.Exchange(ctx, c, oauth2.VerifierOption(verifier)); err == nil {
		t.Error("a code was exchanged twice")
	}

	// Without offline_access there is no refresh token.
	conf.Scopes = []string{"User.Read"}
	tok, err = conf.Exchange(ctx, code(), oauth2.VerifierOption(verifier))
	if err != nil || tok.RefreshToken != "" {
		t.Errorf("without offline_access: %+v, %v", tok, err)
	}
}

func TestAuthorizeRefuses(t *testing.T) {
	s := New()
	defer s.Close()
	conf := config(s, "organizations")
	verifier := oauth2.GenerateVerifier()
	check := func(name, authURL string, status int, want string) {
		t.Helper()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got := res.Header.Get("Location")
		if status != http.StatusFound {
			got = string(page)
		}
		if res.StatusCode != status || !strings.Contains(got, want) {
			t.Errorf("%s: %d %q, want %d with %q", name, res.StatusCode, got, status, want)
		}
	}
	check("no PKCE", conf.AuthCodeURL("s"), http.StatusFound, "error=invalid_request")
	bad := *conf
	bad.RedirectURL = "https://evil.example/"
	check("a redirect that is not loopback", bad.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), http.StatusBadRequest, "AADSTS50011")
	bad = *conf
	bad.ClientID = "someone-else"
	check("an unknown client", bad.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), http.StatusBadRequest, "AADSTS700016")
	check("an unknown tenant", config(s, "contoso.example").AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), http.StatusBadRequest, "AADSTS90002")
	s.SetConsent(ConsentDeclined)
	check("consent declined", conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), http.StatusFound, "error=access_denied&error_description=AADSTS65004")
	s.SetConsent(ConsentAdminRequired)
	check("admin consent required", conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), http.StatusFound, "AADSTS90094")
}

func TestTokenRefusesSecretsAndStrangers(t *testing.T) {
	s := New()
	defer s.Close()
	for _, tt := range []struct {
		name   string
		tenant string
		form   url.Values
		status int
		code   string
	}{
		{"a secret from a public client", "common", url.Values{"client_id": {s.ClientID}, "client_secret": {"x"}, "grant_type": {"refresh_token"}}, 401, "invalid_client"},
		{"an unknown client", "common", url.Values{"client_id": {"nobody"}, "grant_type": {"refresh_token"}}, 400, "unauthorized_client"},
		{"an unknown tenant", "nowhere", url.Values{"client_id": {s.ClientID}, "grant_type": {"refresh_token"}}, 400, "invalid_request"},
		{"an unknown grant", "common", url.Values{"client_id": {s.ClientID}, "grant_type": {"password"}}, 400, "unsupported_grant_type"},
		{"an unknown refresh token", "common", url.Values{"client_id": {s.ClientID}, "grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, 400, "invalid_grant"},
	} {
		st, body := post(t, s.Endpoint(tt.tenant).TokenURL, tt.form)
		if st != tt.status || body["error"] != tt.code {
			t.Errorf("%s: %d %v", tt.name, st, body)
		}
	}
}

func post(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func TestRefresh(t *testing.T) {
	s := New()
	defer s.Close()
	conf := config(s, "organizations")
	access, refresh := s.Issue(strings.Join(scopes, " "))
	old := &oauth2.Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(-time.Minute)}
	tok, err := conf.TokenSource(context.Background(), old).Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == access || tok.RefreshToken == refresh || tok.RefreshToken == "" || !s.ValidAccessToken(tok.AccessToken) {
		t.Errorf("refreshed %+v", tok)
	}
	if !s.RefreshTokenValid(refresh) {
		t.Error("the old refresh token no longer works")
	}
	s.RevokeRefreshToken(tok.RefreshToken)
	if s.ValidAccessToken(tok.AccessToken) {
		t.Error("revoking the refresh token kept its access token")
	}
	_, err = conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !strings.HasPrefix(re.ErrorDescription, "AADSTS700082:") {
		t.Errorf("revoked: %v", err)
	}
	// Consent taken back since: the refresh says what is missing.
	s.SetConsent(ConsentAdminRequired)
	_, err = conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: refresh}).Token()
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !strings.HasPrefix(re.ErrorDescription, "AADSTS90094:") {
		t.Errorf("admin consent: %v", err)
	}
}

// TestDeviceFlow is golang.org/x/oauth2's device flow against the fake:
// pending, the user approves, a token. x/oauth2 polls every Interval
// seconds (whole seconds, at least one), so this test takes two.
func TestDeviceFlow(t *testing.T) {
	s := New()
	defer s.Close()
	s.SetDeviceInterval(1)
	s.SetDevicePlan("authorization_pending")
	conf := config(s, "organizations")
	ctx := context.Background()
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if da.UserCode == "" || da.VerificationURI != s.URL+"/devicelogin" || da.Interval != 1 || time.Until(da.Expiry) < 14*time.Minute {
		t.Errorf("device auth %+v", da)
	}
	if !s.ApproveDevice(da.UserCode) {
		t.Fatal("no such user code")
	}
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ValidAccessToken(tok.AccessToken) || tok.RefreshToken == "" {
		t.Errorf("token %+v", tok)
	}
	var polls []int
	for _, r := range s.Requests() {
		if r.Form.Get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code" {
			polls = append(polls, r.Status)
		}
	}
	if !slices.Equal(polls, []int{400, 200}) {
		t.Errorf("polls answered %v, want pending then the token", polls)
	}
}

// TestDeviceAnswers: each planned answer, as a poll gets it.
func TestDeviceAnswers(t *testing.T) {
	for _, tt := range []struct {
		plan           []string
		code, suberror string
		aadsts         float64
		stops          bool
	}{
		{[]string{"authorization_pending"}, "authorization_pending", "", 70016, false},
		{[]string{"slow_down"}, "slow_down", "", 70016, false},
		{[]string{"expired_token"}, "expired_token", "", 70020, true},
		{[]string{"authorization_declined"}, "authorization_declined", "", 70000, true},
		{[]string{"access_denied"}, "access_denied", "", 70000, true},
		{[]string{"invalid_grant"}, "invalid_grant", "", 70000, false},
		{[]string{"consent_required"}, "invalid_grant", "consent_required", 65001, false},
		{[]string{"admin_consent_required"}, "invalid_grant", "consent_required", 90094, false},
	} {
		t.Run(tt.plan[0], func(t *testing.T) {
			s := New()
			defer s.Close()
			s.SetDevicePlan(tt.plan...)
			st, da := post(t, s.Endpoint("common").DeviceAuthURL, url.Values{"client_id": {s.ClientID}, "scope": {strings.Join(scopes, " ")}})
			if st != 200 || !strings.Contains(da["message"].(string), da["user_code"].(string)) {
				t.Fatalf("device code: %d %v", st, da)
			}
			poll := url.Values{"client_id": {s.ClientID}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da["device_code"].(string)}}
			st, body := post(t, s.Endpoint("common").TokenURL, poll)
			codes, _ := body["error_codes"].([]any)
			if st != 400 || body["error"] != tt.code || len(codes) != 1 || codes[0] != tt.aadsts || (body["suberror"] != nil) != (tt.suberror != "") {
				t.Errorf("poll: %d %v", st, body)
			}
			// Then: the code is gone, or still waits for the user.
			st, body = post(t, s.Endpoint("common").TokenURL, poll)
			want := "authorization_pending"
			if tt.stops {
				want = "bad_verification_code"
			}
			if body["error"] != want {
				t.Errorf("next poll: %d %v, want %s", st, body, want)
			}
		})
	}
	t.Run("an expired code", func(t *testing.T) {
		s := New()
		defer s.Close()
		s.SetDeviceLifetime(-time.Second)
		_, da := post(t, s.Endpoint("common").DeviceAuthURL, url.Values{"client_id": {s.ClientID}, "scope": {"User.Read"}})
		s.ApproveDevice(da["user_code"].(string))
		_, body := post(t, s.Endpoint("common").TokenURL, url.Values{"client_id": {s.ClientID}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da["device_code"].(string)}})
		if body["error"] != "expired_token" {
			t.Errorf("%v", body)
		}
	})
	t.Run("public client flows off", func(t *testing.T) {
		s := New()
		defer s.Close()
		s.SetPublicClientFlows(false)
		s.SetDevicePlan("approve")
		_, da := post(t, s.Endpoint("common").DeviceAuthURL, url.Values{"client_id": {s.ClientID}, "scope": {"User.Read"}})
		st, body := post(t, s.Endpoint("common").TokenURL, url.Values{"client_id": {s.ClientID}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da["device_code"].(string)}})
		if st != 401 || body["error"] != "invalid_client" || !strings.HasPrefix(body["error_description"].(string), "AADSTS7000218:") {
			t.Errorf("%d %v", st, body)
		}
	})
	t.Run("approved by plan", func(t *testing.T) {
		s := New()
		defer s.Close()
		s.SetDevicePlan("authorization_pending", "approve")
		_, da := post(t, s.Endpoint("common").DeviceAuthURL, url.Values{"client_id": {s.ClientID}, "scope": {"offline_access User.Read"}})
		poll := url.Values{"client_id": {s.ClientID}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da["device_code"].(string)}}
		post(t, s.Endpoint("common").TokenURL, poll)
		st, body := post(t, s.Endpoint("common").TokenURL, poll)
		if st != 200 || body["refresh_token"] == nil || body["scope"] != "User.Read" {
			t.Errorf("%d %v", st, body)
		}
	})
	t.Run("no scope", func(t *testing.T) {
		s := New()
		defer s.Close()
		st, body := post(t, s.Endpoint("common").DeviceAuthURL, url.Values{"client_id": {s.ClientID}})
		if st != 400 || body["error"] != "invalid_request" {
			t.Errorf("%d %v", st, body)
		}
	})
}

// TestBasicAuthRefused: credentials in an Authorization header are a
// confidential client's; x/oauth2's auto-detection sends them first, and
// the public client must name itself in the body instead.
func TestBasicAuthRefused(t *testing.T) {
	s := New()
	defer s.Close()
	req, _ := http.NewRequest(http.MethodPost, s.Endpoint("common").TokenURL, strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.ClientID, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != 401 || body["error"] != "invalid_client" {
		t.Errorf("%d %v", res.StatusCode, body)
	}
}
