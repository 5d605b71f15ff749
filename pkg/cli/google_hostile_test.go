package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/spf13/cobra"
	calendarapi "google.golang.org/api/calendar/v3"
)

// TestTimeoutFlag: --timeout bounds the Google work of analyze, events,
// calendars and auth login; it defaults to 2 minutes and must be positive.
func TestTimeoutFlag(t *testing.T) {
	o, err := parseAnalyze(t, "--weeks", "1")
	if err != nil || o.Source.Google.Timeout != 2*time.Minute {
		t.Errorf("default: %v, timeout %v; want 2m", err, o.Source.Google.Timeout)
	}
	if o, err = parseAnalyze(t, "--timeout", "5m"); err != nil || o.Source.Google.Timeout != 5*time.Minute {
		t.Errorf("--timeout 5m: %v, %+v", err, o)
	}
	for _, bad := range []string{"0", "-1s"} {
		_, err := parseAnalyze(t, "--timeout", bad)
		if !isUsage(err) || !strings.Contains(err.Error(), "--timeout must be a positive duration such as 2m") {
			t.Errorf("--timeout %s: %v, want a usage error", bad, err)
		}
	}
	if _, err := parseAnalyze(t, "--timeout", "soon"); !isUsage(err) {
		t.Errorf("--timeout soon: %v, want a usage error", err)
	}

	var cal *CalendarsOptions
	cmd := NewCmdCalendars(testFactory(), func(_ context.Context, c *CalendarsOptions) error { cal = c; return nil })
	cmd.SetArgs([]string{"--timeout", "30s"})
	if err := cmd.Execute(); err != nil || cal.Access.Timeout != 30*time.Second {
		t.Errorf("calendars --timeout: %v %+v", err, cal)
	}
	var login *AuthLoginOptions
	cmd = NewCmdAuthLogin(testFactory(), func(_ context.Context, l *AuthLoginOptions) error { login = l; return nil })
	cmd.SetArgs([]string{"--timeout", "1m"})
	if err := cmd.Execute(); err != nil || login.Timeout != time.Minute {
		t.Errorf("auth login --timeout: %v %+v", err, login)
	}
}

// TestRunTimeout: a Google that never answers ends the run at --timeout,
// long before its tries would (each try may take a minute here), with an
// error that says what it was waiting for and a hint; so does a stalled
// token endpoint while refreshing, and `emtime calendars`.
func TestRunTimeout(t *testing.T) {
	run := func(t *testing.T, f *Factory, cmd *cobra.Command, args ...string) error {
		t.Helper()
		cmd.SetArgs(args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetContext(context.Background())
		return cmd.Execute()
	}
	hint := "Google is slow or not answering: try again later, or give it longer with --timeout 5m"
	t.Run("events stall", func(t *testing.T) {
		f, api, o := googleFactory(t)
		signIn(t, f, o)
		api.InjectFault(googletest.Fault{Path: "events", Stall: true, Times: 100})
		err := run(t, f, NewCmdAnalyze(f, nil), "--weeks", "1", "--timeout", "300ms")
		want := "google:primary: calendar primary: stopped at the --timeout of 300ms, waiting for Google to answer try 1 of 5"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
		if h := hintOf(err); h != hint {
			t.Errorf("hint = %q", h)
		}
	})
	t.Run("a stall after a 503", func(t *testing.T) {
		f, api, o := googleFactory(t)
		signIn(t, f, o)
		api.InjectFault(googletest.Fault{Path: "settings", Status: 503})
		api.InjectFault(googletest.Fault{Path: "settings", Stall: true, Times: 100})
		err := run(t, f, NewCmdEvents(f, nil), "--timeout", "300ms")
		want := "google:primary: setting timezone: stopped at the --timeout of 300ms, waiting for Google to answer try 2 of 5 (before that: backendError (503))"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
	})
	t.Run("token endpoint stalls while refreshing", func(t *testing.T) {
		f, _, o := googleFactory(t)
		signIn(t, f, o)
		expire(t, f)
		o.SetStallToken(true)
		err := run(t, f, NewCmdAnalyze(f, nil), "--weeks", "1", "--timeout", "300ms")
		want := "google:primary: setting timezone: stopped at the --timeout of 300ms, waiting for Google to answer try 1 of 5"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
	})
	t.Run("calendars", func(t *testing.T) {
		f, api, o := googleFactory(t)
		signIn(t, f, o)
		api.InjectFault(googletest.Fault{Path: "calendarList", Stall: true, Times: 100})
		err := run(t, f, NewCmdCalendars(f, nil), "--timeout", "300ms")
		want := "calendar list: stopped at the --timeout of 300ms, waiting for Google to answer try 1 of 5"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
		if h := hintOf(err); h != hint {
			t.Errorf("hint = %q", h)
		}
	})
}

// expire marks the kept access token as expired, so that the next call
// refreshes it.
func expire(t *testing.T, f *Factory) {
	t.Helper()
	store := auth.NewFileStore(f.Getenv("EMTIME_CONFIG_DIR"))
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	st.Token.Expiry = time.Now().Add(-time.Hour)
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
}

// TestProgressRetries: on a terminal the line says what emtime waits for,
// retries included, and is erased; off a terminal nothing of it is drawn.
func TestProgressRetries(t *testing.T) {
	for _, tty := range []bool{true, false} {
		f, api, o := googleFactory(t)
		f.IO.ErrTTY = tty
		signIn(t, f, o)
		api.AddEvents("primary", &calendarapi.Event{Summary: "a", Start: &calendarapi.EventDateTime{DateTime: "2026-03-16T10:00:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2026-03-16T11:00:00Z"}})
		api.InjectFault(googletest.Fault{Path: "settings", Status: 429, RetryAfter: "1"})
		api.InjectFault(googletest.Fault{Path: "events", Status: 503})
		cmd := NewCmdEvents(f, nil)
		cmd.SetArgs([]string{"-o", "json"})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetContext(context.Background())
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		errOut := f.IO.ErrOut.(*bytes.Buffer).String()
		for _, want := range []string{
			"\r\x1b[Kemtime: reading your Google Calendar settings…",
			"\r\x1b[Kemtime: setting timezone: Google asked to wait 1 s (rate limit); retrying 2/5…",
			"\r\x1b[Kemtime: reading Google Calendar: 0 of 1 calendars, 0 events",
			"\r\x1b[Kemtime: calendar primary: backendError (503); retrying 2/5 in ",
			"\r\x1b[Kemtime: reading Google Calendar: 1 of 1 calendars, 1 event\r\x1b[K",
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
