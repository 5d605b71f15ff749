package cli

import (
	"errors"
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// TestSourceChoice checks the kinds of calendar in the one place their
// choices are checked: which one is read — the one the flags choose, else
// the provider signed in to — and every conflict, in words that name the
// flags.
func TestSourceChoice(t *testing.T) {
	both := []string{"google", "microsoft"}
	tests := []struct {
		args     []string
		signedIn []string // the providers signed in to
		read     string   // the kind read; "" when the command line is refused
		nobody   bool     // read as Google's stand-in: nobody is signed in
		err      string
	}{
		{nil, []string{"google"}, "Google Calendar", false, ""},
		{nil, []string{"microsoft"}, "Microsoft 365", false, ""},
		{nil, nil, "Google Calendar", true, ""},
		{nil, both, "", false, "you are signed in to Google Calendar and Microsoft 365: choose the calendar to read with --source google or --source microsoft"},
		{[]string{"--source", "microsoft"}, both, "Microsoft 365", false, ""},
		{[]string{"--source", "google"}, both, "Google Calendar", false, ""},
		{[]string{"--source", "microsoft"}, nil, "Microsoft 365", false, ""}, // says "not signed in to Microsoft 365" when read
		{[]string{"--source", "outlook"}, nil, "", false, `--source "outlook": want google or microsoft (--ics and --demo read the others)`},
		{[]string{"--calendar", "team@group.calendar.google.com"}, []string{"google"}, "Google Calendar", false, ""},
		{[]string{"--calendar", "Team"}, []string{"microsoft"}, "Microsoft 365", false, ""},
		{[]string{"--calendar", "Team", "--source", "microsoft"}, both, "Microsoft 365", false, ""},
		{[]string{"--demo"}, both, "the demo calendar", false, ""},
		{[]string{"--ics", "a.ics", "--ics", "b.ics"}, both, "iCalendar files", false, ""},
		// A service account reads Google Calendar, whoever is signed in.
		{[]string{"--service-account", "key.json", "--impersonate", "me@example.com"}, []string{"microsoft"}, "Google Calendar", false, ""},
		{[]string{"--ics", "a.ics", "--demo=ic"}, nil, "", false, "--demo and --ics cannot be combined: choose one calendar"},
		{[]string{"--ics", "a.ics", "--source", "microsoft"}, nil, "", false, "--ics and --source microsoft cannot be combined: choose one calendar"},
		{[]string{"--source", "microsoft", "--service-account", "key.json"}, nil, "", false, "--service-account and --source microsoft cannot be combined: choose one calendar"},
		{[]string{"--ics", "-", "--ics", "-"}, nil, "", false, "--ics - reads standard input, which can be read only once"},
		{[]string{"--ics", "a.ics", "--service-account", "key.json"}, nil, "", false, "--ics and --service-account cannot be combined: choose one calendar"},
		{[]string{"--demo", "--calendar", "primary"}, nil, "", false, "--calendar reads Google Calendar or Microsoft 365: it cannot be combined with --demo"},
		{[]string{"--demo", "--calendar", "primary", "--impersonate", "me@example.com", "--service-account", ""}, nil, "", false,
			"--impersonate needs --service-account: the key of a service account with domain-wide delegation"},
		{[]string{"--source", "microsoft", "--impersonate", "me@example.com", "--service-account", ""}, nil, "", false,
			"--impersonate needs --service-account: the key of a service account with domain-wide delegation"},
		{[]string{"--demo", "--service-account", ""}, nil, "the demo calendar", false, ""}, // an empty value is no value
		{[]string{"--demo=cto"}, nil, "", false, `unknown demo persona "cto": choose one of ic, hybrid, em, overloaded, promoted`},
		{[]string{"--calendar", " "}, nil, "", false, "--calendar needs a calendar id, such as primary (see emtime calendars)"},
		// The cache's flags are Google's: Microsoft 365 is read in full.
		{[]string{"--ics", "a.ics", "--offline"}, nil, "", false, "--offline reads Google Calendar or Microsoft 365: it cannot be combined with --ics"},
		{[]string{"--offline", "--no-cache"}, []string{"google"}, "", false, "--offline and --no-cache cannot be combined: --refresh reads the calendars in full, --offline reads only the cache, --no-cache reads them without it"},
		{[]string{"--source", "microsoft", "--offline", "--refresh"}, nil, "", false, "--refresh and --offline cannot be combined: --refresh reads the calendars in full, --offline reads only the cache, --no-cache reads them without it"},
	}
	for _, tt := range tests {
		cmd := &cobra.Command{}
		var o sourceFlags
		addSourceFlags(cmd, &o)
		if err := cmd.Flags().Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		asked := 0
		k, err := o.pick(func(p string) (bool, error) { asked++; return slices.Contains(tt.signedIn, p), nil })
		if err == nil {
			err = o.checkSources(cmd.Flags(), k)
		}
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err || !isUsage(err)):
			t.Errorf("%q: %v, want the usage error %q", tt.args, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.err == "" && (k.name != tt.read || k.nobody != tt.nobody):
			t.Errorf("%q: reads %s (nobody signed in: %v), want %s (%v)", tt.args, k.name, k.nobody, tt.read, tt.nobody)
		}
		if k.by != "" && asked > 0 {
			t.Errorf("%q: asked who is signed in, though %s chooses", tt.args, k.by)
		}
	}

	// What cannot be told (a token store the environment names wrong)
	// fails the run.
	var o sourceFlags
	bad := errors.New(`EMTIME_TOKEN_STORE="vault": want file, keyring or auto`)
	if _, err := o.pick(func(string) (bool, error) { return false, bad }); !errors.Is(err, bad) {
		t.Errorf("a store that cannot be read: %v", err)
	}
}
