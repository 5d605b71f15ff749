package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/auth/oauthtest"
	"github.com/emtime/emtime/pkg/google/googletest"
	"golang.org/x/oauth2"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func startOAuth(t *testing.T) *oauthtest.Server {
	o := oauthtest.New()
	t.Cleanup(o.Close)
	return o
}

func endpoints(o *oauthtest.Server) auth.Endpoints {
	return auth.Endpoints{AuthURL: o.AuthURL(), TokenURL: o.TokenURL(), RevokeURL: o.RevokeURL()}
}

func client(o *oauthtest.Server) auth.Client {
	return auth.Client{ID: o.ClientID, Secret: o.ClientSecret}
}

// noRedirect is a browser that stops at the first redirect.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// approve plays the user on the consent page: it returns where the fake
// Google sends the browser back to.
func approve(t *testing.T, authURL string) string {
	t.Helper()
	res, err := noRedirect.Get(authURL)
	if err != nil {
		t.Error(err)
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("authorize: %s", res.Status)
	}
	return res.Header.Get("Location")
}

func TestLoginBrowser(t *testing.T) {
	o := startOAuth(t)
	page := make(chan string, 1)
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Client:    client(o),
		Endpoints: endpoints(o),
		Open: func(u string) error {
			go func() { // the browser: consent page, then the loopback redirect
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
		},
		Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := <-page; !strings.Contains(p, "200 OK") || !strings.Contains(p, "emtime is signed in") {
		t.Errorf("browser shows %q", p)
	}
	if st.Token.AccessToken == "" || st.Token.RefreshToken == "" || st.Token.Expiry.IsZero() {
		t.Errorf("token = %+v", st.Token)
	}
	if !o.ValidAccessToken(st.Token.AccessToken) || !o.RefreshTokenValid(st.Token.RefreshToken) {
		t.Error("tokens not the ones issued")
	}
	if !slices.Equal(st.Scopes, auth.Scopes()) {
		t.Errorf("scopes = %v", st.Scopes)
	}

	reqs := o.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/authorize" || reqs[1].Path != "/token" {
		t.Fatalf("requests = %+v", reqs)
	}
	a, tok := reqs[0].Form, reqs[1].Form
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(a.Get("redirect_uri")) {
		t.Errorf("redirect_uri = %q", a.Get("redirect_uri"))
	}
	wantScope := "https://www.googleapis.com/auth/calendar.events.readonly https://www.googleapis.com/auth/calendar.calendarlist.readonly https://www.googleapis.com/auth/calendar.settings.readonly"
	if a.Get("scope") != wantScope {
		t.Errorf("scope = %q, want %q", a.Get("scope"), wantScope)
	}
	if a.Get("code_challenge_method") != "S256" || a.Get("code_challenge") == "" || len(a.Get("state")) < 32 || a.Get("access_type") != "offline" {
		t.Errorf("authorize query = %v", a)
	}
	if tok.Get("grant_type") != "authorization_code" || tok.Get("code_verifier") == "" || tok.Get("redirect_uri") != a.Get("redirect_uri") {
		t.Errorf("token form = %v", tok)
	}
}

// lines hands over what Login writes, line by line.
type lines chan string

func (l lines) Write(p []byte) (int, error) {
	for _, s := range strings.Split(string(p), "\n") {
		l <- s
	}
	return len(p), nil
}

func TestLoginNoBrowserPaste(t *testing.T) {
	o := startOAuth(t)
	out := make(lines, 100)
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { // the user, on another machine
		for l := range out {
			u := strings.TrimSpace(l)
			if !strings.HasPrefix(u, o.AuthURL()) {
				continue
			}
			back := approve(t, u)
			io.WriteString(pw, "not the address\n")
			io.WriteString(pw, "  "+back+"  \n")
			return
		}
	}()
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o),
		Paste: pr, Out: out, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !o.ValidAccessToken(st.Token.AccessToken) {
		t.Error("token not issued by the fake")
	}
}

// TestLoginNothingPasted: with standard input closed, nothing can be
// pasted: the sign-in fails at once rather than at the timeout.
func TestLoginNothingPasted(t *testing.T) {
	o := startOAuth(t)
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o),
		Paste: strings.NewReader("\nnot the address\n"), Timeout: 10 * time.Second,
	})
	if !errors.Is(err, auth.ErrNothingPasted) {
		t.Fatalf("error = %v, want %v", err, auth.ErrNothingPasted)
	}
	if want := "nothing was pasted (standard input is closed)"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

// TestLoginLoopbackBeforeEOF: the browser's redirect reaching the loopback
// address wins over a standard input that closes afterwards.
func TestLoginLoopbackBeforeEOF(t *testing.T) {
	o := startOAuth(t)
	pr, pw := io.Pipe()
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o), Paste: pr, Timeout: 10 * time.Second,
		Open: func(u string) error {
			go func() {
				// The whole page read: the handler has handed over the code.
				if res, err := http.Get(approve(t, u)); err == nil {
					io.ReadAll(res.Body)
					res.Body.Close()
				}
				pw.Close()
			}()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !o.ValidAccessToken(st.Token.AccessToken) {
		t.Error("token not issued by the fake")
	}
}

func TestLoginRejects(t *testing.T) {
	tests := []struct {
		name    string
		paste   bool
		deny    string
		scope   string
		alter   func(back string) string
		wantErr error
		want    string
	}{
		// An answer with another state or none is refused and the sign-in
		// waits on (see TestLoginStrays): with nothing else coming, it
		// times out, saying an answer was refused.
		{name: "state mismatch at the loopback", alter: withState("forged"), wantErr: auth.ErrStateMismatch, want: "state mismatch"},
		{name: "state mismatch pasted", paste: true, alter: withState("forged"), wantErr: auth.ErrStateMismatch, want: "state mismatch"},
		{name: "no state", alter: withState(""), wantErr: auth.ErrStateMismatch},
		{name: "user said no", deny: "access_denied", want: "google refused the sign-in: access_denied"},
		{name: "box unticked", scope: "https://www.googleapis.com/auth/calendar.events.readonly", want: "emtime needs https://www.googleapis.com/auth/calendar.calendarlist.readonly, https://www.googleapis.com/auth/calendar.settings.readonly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOAuth(t)
			o.SetDeny(tt.deny)
			o.SetGrantedScope(tt.scope)
			pr, pw := io.Pipe()
			defer pw.Close()
			opts := auth.LoginOptions{Client: client(o), Endpoints: endpoints(o), Timeout: 10 * time.Second}
			if errors.Is(tt.wantErr, auth.ErrStateMismatch) {
				opts.Timeout = 500 * time.Millisecond // it waits on: for nothing
			}
			opts.Open = func(u string) error {
				go func() {
					back := approve(t, u)
					if tt.alter != nil {
						back = tt.alter(back)
					}
					if tt.paste {
						io.WriteString(pw, back+"\n")
						return
					}
					if res, err := http.Get(back); err == nil {
						res.Body.Close()
					}
				}()
				return nil
			}
			if tt.paste {
				opts.Paste = pr
			}
			_, err := auth.Login(context.Background(), opts)
			if err == nil {
				t.Fatal("login succeeded")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if errors.Is(tt.wantErr, auth.ErrStateMismatch) && !errors.Is(err, auth.ErrLoginTimeout) {
				t.Errorf("error = %v, want the sign-in to have waited on, to its timeout", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to say %q", err, tt.want)
			}
			var issued, revoked []string
			for _, r := range o.Requests() {
				if r.Path == "/token" && tt.wantErr != nil {
					t.Error("code exchanged despite the mismatch")
				}
				if r.Path == "/token" && r.Status == http.StatusOK {
					issued = append(issued, r.Form.Get("code"))
				}
				if r.Path == "/revoke" && r.Status == http.StatusOK {
					revoked = append(revoked, r.Form.Get("token"))
				}
			}
			// A grant made is revoked when the sign-in fails after it.
			if len(issued) != len(revoked) {
				t.Errorf("%d grants made, %d revoked", len(issued), len(revoked))
			}
			for _, tok := range revoked {
				if o.RefreshTokenValid(tok) || o.ValidAccessToken(tok) {
					t.Errorf("revoked token still valid")
				}
			}
		})
	}
}

func withState(state string) func(string) string {
	return func(back string) string {
		u, _ := url.Parse(back)
		q := u.Query()
		q.Set("state", state)
		u.RawQuery = q.Encode()
		return u.String()
	}
}

func TestLoginTimeout(t *testing.T) {
	o := startOAuth(t)
	var out strings.Builder
	start := time.Now()
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o),
		Open:    func(string) error { return errors.New("no display") },
		Out:     &out,
		Timeout: 100 * time.Millisecond,
	})
	if !errors.Is(err, auth.ErrLoginTimeout) {
		t.Fatalf("error = %v, want a timeout", err)
	}
	if want := "timed out waiting for the google sign-in after 100ms: run emtime auth login again"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want %q", err, want)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("took too long")
	}
	if !strings.Contains(out.String(), "Could not open a browser (no display)") || !strings.Contains(out.String(), o.AuthURL()+"?") {
		t.Errorf("instructions = %q", out.String())
	}
}

func TestFileStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "emtime")
	s := auth.NewFileStore(dir)
	if _, err := s.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Fatalf("Load of nothing = %v", err)
	}
	want := auth.Stored{
		Token:   &oauth2.Token{AccessToken: "at-secret", TokenType: "Bearer", RefreshToken: "rt-secret", Expiry: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)},
		Account: "me@example.com",
		Scopes:  auth.Scopes(),
	}
	for range 2 { // a second save replaces the file
		if err := s.Save(want); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("config dir mode = %v, want 0700", di.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "token.json" {
		t.Errorf("config dir holds %v, want token.json alone", entries)
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if *got.Token != *want.Token || got.Account != want.Account || !slices.Equal(got.Scopes, want.Scopes) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
	if d := s.Describe(); d != "file "+filepath.Join(dir, "token.json") {
		t.Errorf("Describe = %q", d)
	}
	if err := s.Delete(); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(); err != nil {
		t.Errorf("second Delete = %v", err)
	}
	if _, err := s.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("Load after Delete = %v", err)
	}
	os.WriteFile(s.Path, []byte("{not json at-secret"), 0o600)
	if _, err := s.Load(); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("damaged file: %v", err)
	}
}

// TestFileStoreTightensFolder: saving the token into a config folder that
// others can read takes their access away, from that folder only.
func TestFileStoreTightensFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	parent := filepath.Join(t.TempDir(), "config")
	dir := filepath.Join(parent, "emtime")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{parent, dir} {
		if err := os.Chmod(d, 0o755); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	s := auth.NewFileStore(dir)
	if err := s.Save(auth.Stored{Token: &oauth2.Token{AccessToken: "at", RefreshToken: "rt"}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want os.FileMode
	}{{dir, 0o700}, {parent, 0o755}, {s.Path, 0o600}} {
		fi, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tt.want {
			t.Errorf("%s: mode %04o, want %04o", tt.path, fi.Mode().Perm(), tt.want)
		}
	}
	st, err := auth.CurrentStatus(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.FileMode != 0o600 || st.FolderMode != 0o700 {
		t.Errorf("status modes: file %04o, folder %04o", st.FileMode, st.FolderMode)
	}
}

func TestOpenStore(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode, want string
	}{
		{"file", "file " + filepath.Join(dir, "token.json")},
		{"keyring", "system keyring (service emtime)"},
		{"bogus", ""},
	}
	for _, tt := range tests {
		s, err := auth.OpenStore(dir, env(map[string]string{auth.EnvTokenStore: tt.mode}))
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%s: no error", tt.mode)
		case tt.want != "" && (err != nil || s.Describe() != tt.want):
			t.Errorf("%s: %v, %v", tt.mode, s, err)
		}
	}
	// Auto: an existing token file wins, whatever keyring there is.
	auth.NewFileStore(dir).Save(auth.Stored{Token: &oauth2.Token{AccessToken: "x"}})
	s, err := auth.OpenStore(dir, env(nil))
	if err != nil || s.Describe() != "file "+filepath.Join(dir, "token.json") {
		t.Errorf("auto with a token file: %v, %v", s, err)
	}
}

func TestConfigDir(t *testing.T) {
	got, err := auth.ConfigDir(env(map[string]string{auth.EnvConfigDir: "/tmp/x"}))
	if err != nil || got != "/tmp/x" {
		t.Errorf("ConfigDir = %q, %v", got, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "/home/u/.config")
	t.Setenv("HOME", "/home/u")
	got, err = auth.ConfigDir(env(nil))
	if base, _ := os.UserConfigDir(); err != nil || got != filepath.Join(base, "emtime") {
		t.Errorf("ConfigDir = %q, %v", got, err)
	}
}

func TestClientCredentials(t *testing.T) {
	o := startOAuth(t)
	dir := filepath.Join(t.TempDir(), "emtime")
	if _, err := auth.LoadClient(dir, env(nil)); !errors.Is(err, auth.ErrNoClient) {
		t.Errorf("nothing configured: %v", err)
	}
	if err := auth.SaveClientJSON(dir, []byte(`{"type":"service_account"}`)); err == nil {
		t.Error("a service account key saved as the client")
	}
	if err := auth.SaveClientJSON(dir, o.ClientJSON()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "client.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("client.json: %v, %v", fi, err)
	}
	c, err := auth.LoadClient(dir, env(nil))
	if err != nil || c != client(o) {
		t.Errorf("from file: %+v, %v", c, err)
	}
	c, err = auth.LoadClient(dir, env(map[string]string{auth.EnvClientID: "id", auth.EnvClientSecret: "secret"}))
	if err != nil || c != (auth.Client{ID: "id", Secret: "secret"}) {
		t.Errorf("from env: %+v, %v", c, err)
	}
	if _, err := auth.LoadClient(dir, env(map[string]string{auth.EnvClientID: "id"})); err == nil {
		t.Error("half the env accepted")
	}
}

// signedIn stores a sign-in issued by o, as after a login; the access
// token expires at expiry.
func signedIn(t *testing.T, o *oauthtest.Server, expiry time.Time) (dir string, store *auth.FileStore, st auth.Stored) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "emtime")
	if err := auth.SaveClientJSON(dir, o.ClientJSON()); err != nil {
		t.Fatal(err)
	}
	at, rt := o.Issue()
	st = auth.Stored{Token: &oauth2.Token{AccessToken: at, TokenType: "Bearer", RefreshToken: rt, Expiry: expiry}, Account: "me@example.com", Scopes: auth.Scopes()}
	store = auth.NewFileStore(dir)
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
	return dir, store, st
}

// now is the fixed clock of the tests.
var now = time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// apiGet reads the time zone setting from a fake API that accepts only
// tokens the fake OAuth server issued.
func apiGet(t *testing.T, o *oauthtest.Server, creds *auth.Credentials) (*googletest.Server, error) {
	t.Helper()
	api := googletest.New()
	t.Cleanup(api.Close)
	api.SetTokenCheck(o.ValidAccessToken)
	res, err := creds.Client().Get(api.Endpoint() + "users/me/settings/timezone")
	if err != nil {
		return api, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("api answered %s", res.Status)
	}
	return api, nil
}

func TestRefresh(t *testing.T) {
	tests := []struct {
		name   string
		rotate bool
	}{
		{"refreshed access token saved", false},
		{"rotated refresh token saved", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOAuth(t)
			o.SetRotateRefresh(tt.rotate)
			dir, store, old := signedIn(t, o, now.Add(-time.Minute))
			creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			if creds.Via != "signed in" || creds.Account != "me@example.com" {
				t.Errorf("creds = %+v", creds)
			}
			if _, err := apiGet(t, o, creds); err != nil {
				t.Fatal(err)
			}
			saved, err := store.Load()
			if err != nil {
				t.Fatal(err)
			}
			if saved.Token.AccessToken == old.Token.AccessToken || !o.ValidAccessToken(saved.Token.AccessToken) {
				t.Error("refreshed access token not saved")
			}
			if saved.Token.Expiry.IsZero() || saved.Account != "me@example.com" {
				t.Errorf("saved = %+v", saved)
			}
			rotated := saved.Token.RefreshToken != old.Token.RefreshToken
			if rotated != tt.rotate || !o.RefreshTokenValid(saved.Token.RefreshToken) {
				t.Errorf("refresh token rotated=%v, want %v; valid=%v", rotated, tt.rotate, o.RefreshTokenValid(saved.Token.RefreshToken))
			}
		})
	}
}

// TestTokenEndpointStalls: a token endpoint that stops answering fails the
// refresh and the code exchange after TokenTimeout, saying so, instead of
// hanging.
func TestTokenEndpointStalls(t *testing.T) {
	o := startOAuth(t)
	dir, store, _ := signedIn(t, o, now.Add(-time.Minute))
	o.SetStallToken(true)
	creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock, TokenTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = creds.Token()
	if want := "refresh the google sign-in: timed out"; err == nil || err.Error() != want {
		t.Errorf("refresh: error = %v, want %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("refresh: error = %v, want it to wrap context.DeadlineExceeded", err)
	}

	_, err = auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o), Timeout: 10 * time.Second, TokenTimeout: 50 * time.Millisecond,
		Open: func(u string) error {
			go func() {
				if res, err := http.Get(approve(t, u)); err == nil {
					res.Body.Close()
				}
			}()
			return nil
		},
	})
	if want := "finish the sign-in at the token endpoint: timed out"; err == nil || err.Error() != want {
		t.Errorf("login: error = %v, want %q", err, want)
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	o := startOAuth(t)
	dir, store, old := signedIn(t, o, now.Add(time.Hour)) // fresh here, dead at Google
	o.ExpireAccessToken(old.Token.AccessToken)
	creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	api, err := apiGet(t, o, creds)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range api.Requests() {
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(statuses, []int{401, 200}) {
		t.Errorf("api answered %v, want [401 200]", statuses)
	}
	refreshes := 0
	for _, r := range o.Requests() {
		if r.Form.Get("grant_type") == "refresh_token" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Errorf("%d refreshes, want 1", refreshes)
	}
	if saved, _ := store.Load(); saved.Token.AccessToken == old.Token.AccessToken {
		t.Error("new access token not saved")
	}
}

// tokensIn returns the tokens of st found in s.
func tokensIn(s string, st auth.Stored) []string {
	var found []string
	for _, tok := range []string{st.Token.AccessToken, st.Token.RefreshToken} {
		if tok != "" && strings.Contains(s, tok) {
			found = append(found, tok)
		}
	}
	return found
}

func TestSignInAgain(t *testing.T) {
	tests := []struct {
		name  string
		setup func(o *oauthtest.Server, api *googletest.Server, st auth.Stored)
		fresh bool
	}{
		{name: "revoked refresh token", setup: func(o *oauthtest.Server, _ *googletest.Server, st auth.Stored) {
			o.RevokeRefreshToken(st.Token.RefreshToken)
		}},
		{name: "401 after a refresh", fresh: true, setup: func(_ *oauthtest.Server, api *googletest.Server, _ auth.Stored) {
			api.SetTokenCheck(func(string) bool { return false })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOAuth(t)
			expiry := now.Add(-time.Minute)
			if tt.fresh {
				expiry = now.Add(time.Hour)
			}
			dir, store, st := signedIn(t, o, expiry)
			api := googletest.New()
			defer api.Close()
			api.SetTokenCheck(o.ValidAccessToken)
			tt.setup(o, api, st)
			creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			_, err = creds.Client().Get(api.Endpoint() + "users/me/settings/timezone")
			if !errors.Is(err, auth.ErrSignInAgain) {
				t.Fatalf("error = %v, want ErrSignInAgain", err)
			}
			if !strings.Contains(err.Error(), "sign in again: emtime auth login") {
				t.Errorf("error = %q", err)
			}
			if found := tokensIn(err.Error(), st); len(found) > 0 {
				t.Errorf("error shows a token: %q", err)
			}
			if n := len(api.Requests()); tt.fresh && n != 2 {
				t.Errorf("%d api requests, want 2 (one retry after the refresh)", n)
			}
		})
	}
}

func TestAccessTokenEnv(t *testing.T) {
	o := startOAuth(t)
	at, _ := o.Issue()
	creds, err := auth.Resolve(context.Background(), auth.Options{Dir: t.TempDir(), Getenv: env(map[string]string{auth.EnvAccessToken: at, auth.EnvTokenStore: "file"})})
	if err != nil {
		t.Fatal(err)
	}
	if creds.Via != auth.EnvAccessToken {
		t.Errorf("Via = %q", creds.Via)
	}
	if _, err := apiGet(t, o, creds); err != nil {
		t.Fatal(err)
	}
	o.ExpireAccessToken(at)
	api := googletest.New()
	defer api.Close()
	api.SetTokenCheck(o.ValidAccessToken)
	_, err = creds.Client().Get(api.Endpoint() + "users/me/settings/timezone")
	if !errors.Is(err, auth.ErrAccessTokenRefused) || strings.Contains(err.Error(), at) {
		t.Errorf("error = %v", err)
	}
}

func TestServiceAccount(t *testing.T) {
	tests := []struct {
		name     string
		tokenURL bool
	}{
		{"token_uri of the key", false},
		{"token URL overridden", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOAuth(t)
			key := o.ServiceAccountKey()
			var ep auth.Endpoints
			if tt.tokenURL {
				ep.TokenURL = o.TokenURL()
				key = []byte(strings.Replace(string(key), o.TokenURL(), "http://127.0.0.1:1/unused", 1))
			}
			creds, err := auth.Resolve(context.Background(), auth.Options{
				Dir: t.TempDir(), Endpoints: ep,
				ServiceAccountKey: key, Impersonate: "boss@example.com",
				Getenv: env(map[string]string{auth.EnvAccessToken: "ignored"}),
			})
			if err != nil {
				t.Fatal(err)
			}
			if creds.Via != "service account" || creds.Account != "boss@example.com" {
				t.Errorf("creds = %+v", creds)
			}
			if _, err := apiGet(t, o, creds); err != nil {
				t.Fatal(err)
			}
			reqs := o.Requests()
			if len(reqs) != 1 || reqs[0].Subject != "boss@example.com" {
				t.Errorf("token requests = %+v", reqs)
			}
		})
	}
	if _, err := auth.Resolve(context.Background(), auth.Options{ServiceAccountKey: startOAuth(t).ClientJSON()}); err == nil {
		t.Error("an oauth client taken for a service account key")
	}
}

func TestResolveNotSignedIn(t *testing.T) {
	_, err := auth.Resolve(context.Background(), auth.Options{Dir: t.TempDir(), Getenv: env(map[string]string{auth.EnvTokenStore: "file"})})
	if !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("error = %v", err)
	}
}

func TestLogout(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(o *oauthtest.Server, st auth.Stored) string // returns the revoke URL
		wantErr error
	}{
		{name: "revoked", prepare: func(o *oauthtest.Server, _ auth.Stored) string { return o.RevokeURL() }},
		{name: "already revoked at google", prepare: func(o *oauthtest.Server, st auth.Stored) string {
			o.RevokeRefreshToken(st.Token.RefreshToken)
			return o.RevokeURL()
		}},
		{name: "google unreachable", prepare: func(*oauthtest.Server, auth.Stored) string { return "http://127.0.0.1:1/revoke" }, wantErr: auth.ErrNotRevoked},
		{name: "google fails", prepare: func(o *oauthtest.Server, _ auth.Stored) string { return o.URL + "/nowhere" }, wantErr: auth.ErrNotRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOAuth(t)
			_, store, st := signedIn(t, o, now.Add(time.Hour))
			revokeURL := tt.prepare(o, st)
			got, err := auth.Logout(context.Background(), auth.LogoutOptions{Store: store, RevokeURL: revokeURL})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && len(tokensIn(err.Error(), st)) > 0 {
				t.Errorf("error shows a token: %q", err)
			}
			if got.Account != "me@example.com" {
				t.Errorf("logged out %+v", got)
			}
			if o.RefreshTokenValid(st.Token.RefreshToken) && tt.wantErr == nil {
				t.Error("refresh token still valid at google")
			}
			if _, err := store.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
				t.Errorf("still stored: %v", err)
			}
		})
	}
	if _, err := auth.Logout(context.Background(), auth.LogoutOptions{Store: auth.NewFileStore(t.TempDir())}); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("logout of nobody: %v", err)
	}
}

func TestCurrentStatus(t *testing.T) {
	o := startOAuth(t)
	_, store, st := signedIn(t, o, now.Add(time.Hour))
	s, err := auth.CurrentStatus(store, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Status{SignedIn: true, Via: "signed in", Account: "me@example.com", Scopes: auth.Scopes(), Store: store.Describe(), Expiry: st.Token.Expiry, Refreshable: true}
	if !s.Expiry.Equal(want.Expiry) || s.Account != want.Account || !slices.Equal(s.Scopes, want.Scopes) || s.Store != want.Store || !s.SignedIn || !s.Refreshable || s.Via != want.Via {
		t.Errorf("status = %+v, want %+v", s, want)
	}
	s, _ = auth.CurrentStatus(auth.NewFileStore(t.TempDir()), env(nil))
	if s.SignedIn {
		t.Error("signed in with nothing stored")
	}
	s, _ = auth.CurrentStatus(auth.NewFileStore(t.TempDir()), env(map[string]string{auth.EnvAccessToken: "x"}))
	if !s.SignedIn || s.Via != auth.EnvAccessToken {
		t.Errorf("with EMTIME_ACCESS_TOKEN: %+v", s)
	}
}

// TestNoTokenInErrors forces failures against a token endpoint that echoes
// everything it is sent, and checks no error repeats a token or secret.
func TestNoTokenInErrors(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_request","echo":"`+r.Form.Encode()+`","auth":"`+r.Header.Get("Authorization")+`"}`)
	}))
	defer echo.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "not json "+r.Form.Encode())
	}))
	defer garbage.Close()

	o := startOAuth(t)
	secrets := []string{o.ClientSecret}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: error shows a secret: %q", what, err)
			}
		}
	}
	for _, tokenURL := range []string{echo.URL, garbage.URL} {
		dir, store, st := signedIn(t, o, now.Add(-time.Minute))
		secrets = append(secrets, st.Token.AccessToken, st.Token.RefreshToken)
		creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: auth.Endpoints{TokenURL: tokenURL}, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		_, err = creds.Token()
		check("refresh at "+tokenURL, err)
		_, err = creds.Client().Get(echo.URL)
		check("api call with refresh at "+tokenURL, err)

		if _, err = auth.Logout(context.Background(), auth.LogoutOptions{Store: store, RevokeURL: tokenURL}); err != nil {
			check("logout at "+tokenURL, err) // a 200, even of garbage, counts as revoked
		}
	}

	// A login whose code exchange meets the echoing endpoint.
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: auth.Endpoints{AuthURL: o.AuthURL(), TokenURL: echo.URL},
		Open: func(u string) error {
			go func() {
				back := approve(t, u)
				code, _ := url.Parse(back)
				secrets = append(secrets, code.Query().Get("code"))
				if res, err := http.Get(back); err == nil {
					res.Body.Close()
				}
			}()
			return nil
		},
		Timeout: 10 * time.Second,
	})
	check("login", err)

	// A damaged token file.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "token.json"), []byte(`{"access_token": "at-in-a-bad-file`), 0o600)
	secrets = append(secrets, "at-in-a-bad-file")
	_, err = auth.Resolve(context.Background(), auth.Options{Dir: dir, Getenv: env(map[string]string{auth.EnvTokenStore: "file"})})
	check("damaged file", err)
}
