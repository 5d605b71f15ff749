package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/microsoft/identitytest"
	"golang.org/x/oauth2"
)

// microsoftFactory is a factory whose environment (env, which a test may
// change) points at fresh fakes of Microsoft Graph and the Microsoft
// identity platform, with a token file in a temporary config folder.
func microsoftFactory(t *testing.T) (f *Factory, api *graphtest.Server, id *identitytest.Server, env map[string]string) {
	t.Helper()
	api = graphtest.New()
	t.Cleanup(api.Close)
	id = identitytest.New()
	t.Cleanup(id.Close)
	api.SetTokenCheck(id.ValidAccessToken)
	env = map[string]string{
		microsoft.EnvAPIURL:        api.Endpoint(),
		auth.EnvMicrosoftAuthority: id.AuthorityURL(),
		"EMTIME_CONFIG_DIR":        filepath.Join(t.TempDir(), "config"),
		"EMTIME_TOKEN_STORE":       "file",
		EnvMicrosoftRetryDelay:     "1ms",
	}
	ios, _, _, _ := Test()
	return &Factory{IO: ios, Now: time.Now, Getenv: func(k string) string { return env[k] }}, api, id, env
}

// microsoftSignIn keeps a sign-in of id in f's config folder, as after a
// login; its access token expires at expiry.
func microsoftSignIn(t *testing.T, f *Factory, id *identitytest.Server, expiry time.Time) auth.Stored {
	t.Helper()
	access, refresh := id.Issue(strings.Join(microsoft.Scopes(), " "))
	st := auth.Stored{
		Token:   &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", Expiry: expiry},
		Account: graphtest.DefaultUser, ClientID: id.ClientID, Tenant: "organizations",
	}
	if err := auth.Microsoft("", "").FileStore(f.Getenv("EMTIME_CONFIG_DIR")).Save(st); err != nil {
		t.Fatal(err)
	}
	return st
}

// me reads /me with hc, as a Microsoft source would.
func me(t *testing.T, f *Factory, hc *http.Client) (microsoft.User, error) {
	t.Helper()
	src, err := microsoft.New(microsoft.Options{HTTPClient: hc, BaseURL: f.Getenv(microsoft.EnvAPIURL)})
	if err != nil {
		t.Fatal(err)
	}
	return src.Me(context.Background())
}

// TestMicrosoftClient: the client a Microsoft source is opened with
// carries the stored sign-in, refreshed (and saved) when it expired, and
// tries a throttled request again, telling each retry.
func TestMicrosoftClient(t *testing.T) {
	f, api, id, _ := microsoftFactory(t)
	old := microsoftSignIn(t, f, id, time.Now().Add(-time.Minute))
	api.InjectFault(graphtest.Fault{Path: "/v1.0/me", Status: 429, RetryAfter: "0", Times: 2})
	var mu sync.Mutex
	var notices []string
	hc, creds, err := f.microsoftClient(context.Background(), true, func(n httpretry.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n.String())
	})
	if err != nil {
		t.Fatal(err)
	}
	if creds.Via != "signed in" || creds.Account != graphtest.DefaultUser {
		t.Errorf("creds %+v", creds)
	}
	user, err := me(t, f, hc)
	if err != nil || user.Address() != graphtest.DefaultUser {
		t.Fatalf("me %+v, error %v", user, err)
	}
	if len(notices) != 2 || !strings.HasPrefix(notices[0], "rate limit; retrying 2/5 in ") {
		t.Errorf("notices %q", notices)
	}
	saved, err := auth.Microsoft("", "").FileStore(f.Getenv("EMTIME_CONFIG_DIR")).Load()
	if err != nil || saved.Token.RefreshToken == old.Token.RefreshToken || !id.ValidAccessToken(saved.Token.AccessToken) {
		t.Errorf("refreshed sign-in not saved: %+v, %v", saved, err)
	}
}

// TestMicrosoftClientNotSignedIn: nobody signed in to Microsoft says how
// to sign in; a ready token of the environment is used as is.
func TestMicrosoftClientNotSignedIn(t *testing.T) {
	f, _, id, env := microsoftFactory(t)
	_, _, err := f.microsoftClient(context.Background(), true, nil)
	if err == nil || err.Error() != "not signed in to Microsoft 365" {
		t.Fatalf("error %v", err)
	}
	if h := hintOf(err); !strings.HasPrefix(h, "sign in with 'emtime auth login --provider microsoft --client-id ID'") || !strings.Contains(h, "--demo") {
		t.Errorf("hint %q", h)
	}

	at, _ := id.Issue("User.Read")
	env[auth.EnvMicrosoftAccessToken] = at
	env[auth.EnvAccessToken] = "google's, not used"
	hc, creds, err := f.microsoftClient(context.Background(), false, nil)
	if err != nil || creds.Via != auth.EnvMicrosoftAccessToken {
		t.Fatalf("creds %+v, error %v", creds, err)
	}
	if user, err := me(t, f, hc); err != nil || user.Address() != graphtest.DefaultUser {
		t.Errorf("me %+v, error %v", user, err)
	}
}

// TestMicrosoftError: a refused sign-in is told in the sign-in's words, a
// run out of time with a hint, Graph's errors with theirs.
func TestMicrosoftError(t *testing.T) {
	f, api, id, _ := microsoftFactory(t)
	st := microsoftSignIn(t, f, id, time.Now().Add(-time.Minute))
	id.RevokeRefreshToken(st.Token.RefreshToken)
	hc, _, err := f.microsoftClient(context.Background(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = me(t, f, hc)
	err = microsoftError(err)
	if !errors.Is(err, auth.ErrSignInAgain) || !strings.HasPrefix(err.Error(), "microsoft no longer accepts the saved sign-in") || strings.HasPrefix(err.Error(), "me: ") {
		t.Errorf("refused sign-in: %v", err)
	}

	api.InjectFault(graphtest.Fault{Path: "/v1.0/me", Status: 403})
	microsoftSignIn(t, f, id, time.Now().Add(time.Hour))
	hc, _, _ = f.microsoftClient(context.Background(), false, nil)
	_, err = me(t, f, hc)
	if err = microsoftError(err); !strings.Contains(hintOf(err), "grant User.Read") {
		t.Errorf("403: %v, hint %q", err, hintOf(err))
	}

	api.InjectFault(graphtest.Fault{Path: "/v1.0/me", Stall: true})
	ctx, cancel := newGoogleDeadline(50 * time.Millisecond).within(context.Background())
	defer cancel()
	src, _ := microsoft.New(microsoft.Options{HTTPClient: hc, BaseURL: f.Getenv(microsoft.EnvAPIURL)})
	_, err = src.Me(ctx)
	err = microsoftError(err)
	if !strings.Contains(err.Error(), "stopped at the --timeout of 50ms, waiting for Microsoft Graph to answer try 1 of 5") ||
		!strings.Contains(hintOf(err), "give it longer with --timeout 5m") {
		t.Errorf("run out of time: %v, hint %q", err, hintOf(err))
	}
}

// TestAuthFlags: the flags of auth login, status and logout, with their
// defaults: Google unless --provider says otherwise.
func TestAuthFlags(t *testing.T) {
	ios, _, _, _ := Test()
	f := &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
	var login *AuthLoginOptions
	cmd := NewCmdAuthLogin(f, func(_ context.Context, l *AuthLoginOptions) error { login = l; return nil })
	cmd.SetArgs([]string{"--provider", "microsoft", "--client-id", identitytest.ClientID, "--tenant", "common", "--device"})
	if err := cmd.Execute(); err != nil || login.Provider != "microsoft" || login.ClientID != identitytest.ClientID || login.Tenant != "common" || !login.Device {
		t.Errorf("login flags: %v %+v", err, login)
	}
	cmd = NewCmdAuthLogin(f, func(_ context.Context, l *AuthLoginOptions) error { login = l; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || login.Provider != "google" {
		t.Errorf("login default: %v %+v", err, login)
	}
	var status *AuthStatusOptions
	cmd = NewCmdAuthStatus(f, func(_ context.Context, s *AuthStatusOptions) error { status = s; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || status.Provider != "" {
		t.Errorf("status default: %v %+v", err, status)
	}
	var logout *AuthLogoutOptions
	cmd = NewCmdAuthLogout(f, func(_ context.Context, l *AuthLogoutOptions) error { logout = l; return nil })
	cmd.SetArgs([]string{"--provider", "microsoft"})
	if err := cmd.Execute(); err != nil || logout.Provider != "microsoft" {
		t.Errorf("logout flags: %v %+v", err, logout)
	}

	for _, args := range [][]string{
		{"auth", "login", "--device"},
		{"auth", "login", "--tenant", "common"},
		{"auth", "login", "--provider", "microsoft", "--device", "--no-browser"},
		{"auth", "login", "--provider", "microsoft", "--client-id", "a b"},
		{"auth", "login", "--provider", "microsoft", "--tenant", "x/y"},
		{"auth", "logout", "--provider", "outlook"},
		{"auth", "status", "--provider", "outlook"},
	} {
		ios, _, _, errOut := Test()
		g := &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
		if code := Main(args, g); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (usage)\n%s", args, code, ExitUsage, errOut)
		}
	}
}

// TestMicrosoftProgressLine: while Microsoft 365 is read, a line on stderr
// when it is a terminal says what emtime waits for — the settings, each
// retry, the calendars and events read — and is erased once the events
// are in; none otherwise.
func TestMicrosoftProgressLine(t *testing.T) {
	for _, tty := range []bool{true, false} {
		f, api, id, env := microsoftFactory(t)
		f.IO.ErrTTY = tty
		microsoftSignIn(t, f, id, time.Now().Add(time.Hour))
		api.SetPageSizes(1)
		api.AddCalendar(graphtest.Calendar{ID: "AAMkTeam=", Name: "Team", Owner: &graphtest.EmailAddress{Address: "team@example.com"}})
		event := func(subject, day string) string {
			return `{"id": "` + subject + `", "subject": "` + subject + `", "start": {"dateTime": "2026-03-` + day + `T10:00:00", "timeZone": "UTC"},
				"end": {"dateTime": "2026-03-` + day + `T11:00:00", "timeZone": "UTC"}, "showAs": "busy", "type": "singleInstance"}`
		}
		for _, cal := range []string{graphtest.DefaultCalendarID, "AAMkTeam="} {
			if err := api.AddEventsJSON(cal, []byte("["+event(cal+"a", "16")+","+event(cal+"b", "17")+"]")); err != nil {
				t.Fatal(err)
			}
		}
		api.InjectFault(graphtest.Fault{Path: "mailboxSettings", Status: 429, RetryAfter: "0"})
		api.InjectFault(graphtest.Fault{Path: "calendarView", Status: 429, RetryAfter: "1"})
		env["EMTIME_NOW"] = "2026-03-18T12:00:00Z"
		cmd := NewCmdAnalyze(f, nil)
		cmd.SetArgs([]string{"--source", "microsoft", "--calendar", "Calendar", "--calendar", "Team", "--weeks", "1", "-o", "json"})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetContext(context.Background())
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		errOut := f.IO.ErrOut.(*bytes.Buffer).String()
		for _, want := range []string{
			"\r\x1b[Kemtime: reading your Microsoft 365 settings…",
			"\r\x1b[Kemtime: Microsoft Graph: rate limit; retrying 2/5 in 1 ms…",
			"\r\x1b[Kemtime: Microsoft Graph asked to wait 1 s (rate limit); retrying 2/5…",
			"\r\x1b[Kemtime: reading Microsoft 365: 0 of 2 calendars, 0 events",
			"\r\x1b[Kemtime: reading Microsoft 365: 2 of 2 calendars, 4 events\r\x1b[K",
		} {
			if got := strings.Contains(errOut, want); got != tty {
				t.Errorf("terminal %v: stderr has %q: %v\n%q", tty, want, got, errOut)
			}
		}
		if !tty && strings.ContainsAny(errOut, "\r\x1b") {
			t.Errorf("not a terminal, yet stderr holds CR or ESC: %q", errOut)
		}
	}
}
