package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/auth/oauthtest"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"
)

// googleFactory is a factory whose environment points at fresh fakes of
// Google, with a token file in a temporary config folder.
func googleFactory(t *testing.T) (*Factory, *googletest.Server, *oauthtest.Server) {
	t.Helper()
	api := googletest.New()
	t.Cleanup(api.Close)
	o := oauthtest.New()
	t.Cleanup(o.Close)
	api.SetTokenCheck(o.ValidAccessToken)
	env := map[string]string{
		"EMTIME_GOOGLE_API_URL":   api.Endpoint(),
		"EMTIME_OAUTH_AUTH_URL":   o.AuthURL(),
		"EMTIME_OAUTH_TOKEN_URL":  o.TokenURL(),
		"EMTIME_OAUTH_REVOKE_URL": o.RevokeURL(),
		"EMTIME_CONFIG_DIR":       filepath.Join(t.TempDir(), "config"),
		"EMTIME_TOKEN_STORE":      "file",
		EnvRetryDelay:             "1ms",
	}
	f := testFactory()
	f.Getenv = func(k string) string { return env[k] }
	return f, api, o
}

// syncBuffer is a buffer written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLoginNoBrowser is `emtime auth login --no-browser` over SSH: the
// address is printed, the user approves on another machine, whose browser
// cannot reach the loopback address, and pastes the address it was sent to.
func TestLoginNoBrowser(t *testing.T) {
	f, _, o := googleFactory(t)
	pasteR, pasteW := io.Pipe()
	defer pasteW.Close()
	errOut := &syncBuffer{}
	f.IO.In, f.IO.ErrOut = pasteR, errOut

	go pasteApproval(t, errOut, pasteW)

	clientJSON := filepath.Join(t.TempDir(), "client_secret.json")
	if err := os.WriteFile(clientJSON, o.ClientJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := NewCmdAuthLogin(f, nil)
	cmd.SetArgs([]string{"--no-browser", "--credentials", clientJSON})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetContext(context.Background())
	if err := cmd.Execute(); err != nil {
		t.Fatalf("login: %v\n%s", err, errOut)
	}
	got := errOut.String()
	for _, want := range []string{
		"Open this address in a browser to sign in to Google:",
		"copy the whole address from its address bar and paste it here:",
		"Signed in as " + googletest.DefaultPrimary + "; the token is kept in ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Opening your browser") {
		t.Error("--no-browser opened a browser")
	}
	st, err := auth.NewFileStore(f.Getenv("EMTIME_CONFIG_DIR")).Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Account != googletest.DefaultPrimary || !o.ValidAccessToken(st.Token.AccessToken) {
		t.Errorf("kept sign-in: account %q, token valid %v", st.Account, o.ValidAccessToken(st.Token.AccessToken))
	}
	if _, err := auth.LoadClient(f.Getenv("EMTIME_CONFIG_DIR"), func(string) string { return "" }); err != nil {
		t.Errorf("client not kept: %v", err)
	}
}

// pasteApproval plays the user of `emtime auth login --no-browser` on
// another machine: it opens the address printed on errOut, approves, and
// pastes the address the browser is sent to into paste.
func pasteApproval(t *testing.T, errOut *syncBuffer, paste io.Writer) {
	authURL := regexp.MustCompile(`(?m)^  (http://\S+/authorize\?\S+)$`)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 500 {
		m := authURL.FindStringSubmatch(errOut.String())
		if m == nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		res, err := noRedirect.Get(m[1])
		if err != nil {
			t.Error(err)
			return
		}
		res.Body.Close()
		io.WriteString(paste, res.Header.Get("Location")+"\n")
		return
	}
	t.Error("no sign-in address printed")
}

// TestGoogleStalls: a Google that stops answering, the Calendar API or the
// token endpoint, ends the run with an error saying it timed out, after
// the tries EMTIME_GOOGLE_TIMEOUT bounds, instead of hanging it.
func TestGoogleStalls(t *testing.T) {
	run := func(t *testing.T, f *Factory, newCmd func(*Factory) *cobra.Command, args ...string) error {
		t.Helper()
		cmd := newCmd(f)
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetContext(context.Background())
		return cmd.Execute()
	}
	analyze := func(f *Factory) *cobra.Command { return NewCmdAnalyze(f, nil) }
	login := func(f *Factory) *cobra.Command { return NewCmdAuthLogin(f, nil) }

	t.Run("calendar api", func(t *testing.T) {
		f, api, o := googleFactory(t)
		f.Getenv = withEnv(f.Getenv, EnvTimeout, "50ms")
		signIn(t, f, o)
		api.InjectFault(googletest.Fault{Path: "events", Stall: true, Times: 100})
		err := run(t, f, analyze, "--weeks", "1")
		want := "calendar primary: timed out: no answer from Google within 50ms (gave up after 5 tries)"
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("error = %v, want it to end %q", err, want)
		}
	})
	t.Run("token endpoint, refreshing", func(t *testing.T) {
		f, _, o := googleFactory(t)
		f.Getenv = withEnv(f.Getenv, EnvTimeout, "50ms")
		signIn(t, f, o)
		st, err := auth.NewFileStore(f.Getenv("EMTIME_CONFIG_DIR")).Load()
		if err != nil {
			t.Fatal(err)
		}
		st.Token.Expiry = time.Now().Add(-time.Hour)
		if err := auth.NewFileStore(f.Getenv("EMTIME_CONFIG_DIR")).Save(st); err != nil {
			t.Fatal(err)
		}
		o.SetStallToken(true)
		err = run(t, f, analyze, "--weeks", "1")
		if err == nil || !strings.Contains(err.Error(), "timed out") {
			t.Errorf("error = %v, want a time-out", err)
		}
	})
	t.Run("token endpoint, signing in", func(t *testing.T) {
		f, _, o := googleFactory(t)
		f.Getenv = withEnv(f.Getenv, EnvTimeout, "50ms")
		if err := auth.SaveClientJSON(f.Getenv("EMTIME_CONFIG_DIR"), o.ClientJSON()); err != nil {
			t.Fatal(err)
		}
		o.SetStallToken(true)
		pasteR, pasteW := io.Pipe()
		defer pasteW.Close()
		errOut := &syncBuffer{}
		f.IO.In, f.IO.ErrOut = pasteR, errOut
		go pasteApproval(t, errOut, pasteW)
		err := run(t, f, login, "--no-browser")
		if want := "finish the sign-in at the token endpoint: timed out"; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
}

// withEnv is getenv with k set to v.
func withEnv(getenv func(string) string, k, v string) func(string) string {
	return func(key string) string {
		if key == k {
			return v
		}
		return getenv(key)
	}
}

// TestLoginNoBrowserStdinClosed: `emtime auth login --no-browser` with
// standard input closed fails at once, saying so, with a hint.
func TestLoginNoBrowserStdinClosed(t *testing.T) {
	f, _, o := googleFactory(t)
	f.IO.In = strings.NewReader("")
	if err := auth.SaveClientJSON(f.Getenv("EMTIME_CONFIG_DIR"), o.ClientJSON()); err != nil {
		t.Fatal(err)
	}
	cmd := NewCmdAuthLogin(f, nil)
	cmd.SetArgs([]string{"--no-browser"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetContext(context.Background())
	err := cmd.Execute()
	if err == nil || err.Error() != "nothing was pasted (standard input is closed)" {
		t.Fatalf("error = %v, want nothing was pasted", err)
	}
	if h := hintOf(err); !strings.Contains(h, "paste the address") {
		t.Errorf("hint = %q", h)
	}
	if _, err := auth.NewFileStore(f.Getenv("EMTIME_CONFIG_DIR")).Load(); err == nil {
		t.Error("a sign-in was kept")
	}
}

// TestAuthStatusFileMode: `emtime auth status` shows the token file's real
// mode, and warns when the file or its folder is open to others.
func TestAuthStatusFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	tests := []struct {
		file, folder os.FileMode
		mode         string
		warnings     []string
	}{
		{0o600, 0o700, "(mode 0600)", nil},
		{0o644, 0o700, "(mode 0644)", []string{"token.json has mode 0644, wider than 0600: chmod 600 "}},
		{0o600, 0o755, "(mode 0600)", []string{"config has mode 0755, wider than 0700: chmod 700 "}},
	}
	for _, tt := range tests {
		f, _, o := googleFactory(t)
		signIn(t, f, o)
		dir := f.Getenv("EMTIME_CONFIG_DIR")
		path := auth.NewFileStore(dir).Path
		if err := os.Chmod(path, tt.file); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, tt.folder); err != nil {
			t.Fatal(err)
		}
		cmd := NewCmdAuthStatus(f, nil)
		cmd.SetArgs(nil)
		cmd.SetContext(context.Background())
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		out := f.IO.Out.(*bytes.Buffer).String()
		errOut := f.IO.ErrOut.(*bytes.Buffer).String()
		if want := "  kept in:  file " + path + " " + tt.mode + "\n"; !strings.Contains(out, want) {
			t.Errorf("file %04o: stdout lacks %q:\n%s", tt.file, want, out)
		}
		if n := strings.Count(errOut, "emtime: warning: "); n != len(tt.warnings) {
			t.Errorf("file %04o, folder %04o: %d warnings, want %d:\n%s", tt.file, tt.folder, n, len(tt.warnings), errOut)
		}
		for _, w := range tt.warnings {
			if !strings.Contains(errOut, w) {
				t.Errorf("stderr lacks %q:\n%s", w, errOut)
			}
		}
	}
}

// TestProgressLine: while fetching, a progress line on stderr when it is a
// terminal, erased once the events are in; none otherwise.
func TestProgressLine(t *testing.T) {
	for _, tty := range []bool{true, false} {
		f, api, o := googleFactory(t)
		f.IO.ErrTTY = tty
		api.SetPageSizes(1)
		api.AddCalendar(googletest.Calendar{ID: "team@group.calendar.google.com", Summary: "Team"})
		for _, id := range []string{"primary", "team@group.calendar.google.com"} {
			api.AddEvents(id,
				&calendarapi.Event{Summary: "a", Start: &calendarapi.EventDateTime{DateTime: "2026-03-16T10:00:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2026-03-16T11:00:00Z"}},
				&calendarapi.Event{Summary: "b", Start: &calendarapi.EventDateTime{DateTime: "2026-03-17T10:00:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2026-03-17T11:00:00Z"}})
		}
		signIn(t, f, o)

		cmd := NewCmdAnalyze(f, nil)
		cmd.SetArgs([]string{"--calendar", "primary", "--calendar", "team@group.calendar.google.com", "--weeks", "1", "-o", "json"})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetContext(context.Background())
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		errOut := f.IO.ErrOut.(*bytes.Buffer).String()
		drawn := strings.Contains(errOut, "\r\x1b[Kemtime: reading Google Calendar: 0 of 2 calendars, 1 event") &&
			strings.Contains(errOut, "\r\x1b[Kemtime: reading Google Calendar: 2 of 2 calendars, 4 events\r\x1b[K")
		if tty && !drawn {
			t.Errorf("terminal: no progress line, or not erased: %q", errOut)
		}
		if !tty && strings.Contains(errOut, "reading Google Calendar") {
			t.Errorf("not a terminal: progress line drawn: %q", errOut)
		}
	}
}

// signIn keeps a sign-in issued by the fake, as `emtime auth login` would.
func signIn(t *testing.T, f *Factory, o *oauthtest.Server) {
	t.Helper()
	dir := f.Getenv("EMTIME_CONFIG_DIR")
	if err := auth.SaveClientJSON(dir, o.ClientJSON()); err != nil {
		t.Fatal(err)
	}
	access, refresh := o.Issue()
	st := auth.Stored{
		Token:   &oauth2.Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(time.Hour)},
		Account: googletest.DefaultPrimary,
		Scopes:  auth.Scopes(),
	}
	if err := auth.NewFileStore(dir).Save(st); err != nil {
		t.Fatal(err)
	}
}

func TestGoogleFlags(t *testing.T) {
	o, err := parseAnalyze(t, "--calendar", "primary", "--calendar", "team@group.calendar.google.com",
		"--service-account", "key.json", "--impersonate", "me@example.com")
	if err != nil {
		t.Fatal(err)
	}
	g := o.Source.Google
	if strings.Join(g.ids(), " ") != "primary team@group.calendar.google.com" || g.ServiceAccount != "key.json" || g.Impersonate != "me@example.com" {
		t.Errorf("google options = %+v", g)
	}
	if o, err = parseAnalyze(t, "--weeks", "4"); err != nil {
		t.Errorf("no source flag: %v; want Google Calendar", err)
	} else if got := strings.Join(o.Source.Google.ids(), " "); got != "primary" {
		t.Errorf("no source flag: calendars %q, want primary", got)
	}

	var cal *CalendarsOptions
	cmd := NewCmdCalendars(testFactory(), func(_ context.Context, c *CalendarsOptions) error { cal = c; return nil })
	cmd.SetArgs([]string{"-o", "json", "--service-account", "k.json"})
	if err := cmd.Execute(); err != nil || cal.Output != "json" || cal.Access.ServiceAccount != "k.json" {
		t.Errorf("calendars flags: %v %+v", err, cal)
	}
	var login *AuthLoginOptions
	cmd = NewCmdAuthLogin(testFactory(), func(_ context.Context, l *AuthLoginOptions) error { login = l; return nil })
	cmd.SetArgs([]string{"--credentials", "c.json", "--no-browser"})
	if err := cmd.Execute(); err != nil || login.Credentials != "c.json" || !login.NoBrowser {
		t.Errorf("login flags: %v %+v", err, login)
	}
}
