package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

var testNow = time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC) // a Wednesday

func testFactory() *Factory {
	ios, _, _, _ := Test()
	return &Factory{IO: ios, Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }}
}

// parseAnalyze runs the flag parsing of `emtime analyze` and returns the
// options its run function would get.
func parseAnalyze(t *testing.T, args ...string) (*AnalyzeOptions, error) {
	t.Helper()
	var got *AnalyzeOptions
	cmd := NewCmdAnalyze(testFactory(), func(_ context.Context, o *AnalyzeOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return got, err
}

func TestAnalyzeFlags(t *testing.T) {
	o, err := parseAnalyze(t, "--demo", "--weeks", "6", "--work-hours", "08:30-16:00", "--work-days", "sun-thu",
		"--week-start", "sun", "--focus-min", "90m", "--only-accepted", "--em-meeting-min", "40", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if o.Source.Demo != "em" {
		t.Errorf("--demo alone chose persona %q, want em", o.Source.Demo)
	}
	s := o.plan.Settings
	if got := s.Hours[time.Sunday].String(); got != "08:30-16:00" {
		t.Errorf("Sunday hours = %s, want 08:30-16:00", got)
	}
	if !s.Hours[time.Friday].IsZero() || !s.Hours[time.Saturday].IsZero() {
		t.Errorf("Friday and Saturday should be days off with --work-days sun-thu")
	}
	if s.WeekStart != time.Sunday || s.FocusMin != 90*time.Minute {
		t.Errorf("week start %v, focus min %v", s.WeekStart, s.FocusMin)
	}
	if !o.plan.Rules.OnlyAccepted || o.plan.Bands.EMMeetingMin != 0.40 || o.Output != "json" {
		t.Errorf("only-accepted %v, em band from %v, output %q", o.plan.Rules.OnlyAccepted, o.plan.Bands.EMMeetingMin, o.Output)
	}
}

func TestAnalyzeUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--weeks", "0"}, "--weeks must be between 1 and 1040"},
		{[]string{"--demo", "--from", "2026-03-09", "--to", "2026-03-02"}, "--from 2026-03-09 is after --to 2026-03-02"},
		{[]string{"--demo", "--from", "2026-03-02", "--to", "2026-03-09", "--weeks", "2"}, "cannot be combined"},
		{[]string{"--demo", "--from", "March 2"}, "is not a date"},
		{[]string{"--demo", "--work-hours", "17:00-09:00"}, "ends before it starts"},
		{[]string{"--demo", "--work-hours", "9-5"}, "not a time"},
		{[]string{"--demo", "--work-days", "mon-funday"}, "not a day of the week"},
		{[]string{"--demo", "--tz", "Mars/Olympus"}, "unknown time zone"},
		{[]string{"--demo", "--focus-min", "0s"}, "--focus-min"},
		{[]string{"--demo", "--em-meeting-min", "80"}, "EM meeting band is empty"},
		{[]string{"--demo=cto"}, "unknown demo persona"},
		{[]string{"--demo", "--ics", "x.ics"}, "cannot be combined"},
		{[]string{"--demo", "--me", "alex"}, "not an e-mail address"},
		{[]string{"--demo", "-o", "xml"}, "--output must be table, json, csv, markdown or html"},
		{[]string{"--demo", "--wekes", "2"}, "unknown flag"},
		{[]string{"--demo", "--calendar", "primary"}, "--calendar reads Google Calendar or Microsoft 365: it cannot be combined with --demo"},
		{[]string{"--source", "microsoft", "--impersonate", "me@example.com"}, "--impersonate needs --service-account"},
		{[]string{"--source", "outlook"}, `--source "outlook": want google or microsoft`},
		{[]string{"--impersonate", "me@example.com"}, "--impersonate needs --service-account"},
		{[]string{"--demo", "extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		_, err := parseAnalyze(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("analyze %v: error %v, want one saying %q", tt.args, err, tt.want)
			continue
		}
		if !isUsage(err) {
			t.Errorf("analyze %v: %v is not a usage error (exit 2)", tt.args, err)
		}
	}
}

func TestWindow(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, berlin)
		return d
	}
	tests := []struct {
		name     string
		args     []string
		from, to string // to is the last day included
	}{
		{"four weeks ending with the current week", nil, "2026-02-23", "2026-03-22"},
		{"one week", []string{"--weeks", "1"}, "2026-03-16", "2026-03-22"},
		{"weeks ending with the week holding --to", []string{"--to", "2026-01-07", "--weeks", "2"}, "2025-12-29", "2026-01-11"},
		{"an exact range", []string{"--from", "2026-03-04", "--to", "2026-03-10"}, "2026-03-04", "2026-03-10"},
		{"--from alone runs --weeks weeks", []string{"--from", "2026-03-04", "--weeks", "2"}, "2026-03-04", "2026-03-15"},
		{"weeks from Sunday", []string{"--week-start", "sun", "--weeks", "1"}, "2026-03-15", "2026-03-21"},
	}
	for _, tt := range tests {
		o, err := parseAnalyze(t, append([]string{"--demo"}, tt.args...)...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		p := o.plan.Plan
		p.Now = testNow
		from, to := p.Window(berlin)
		if !from.Equal(day(tt.from)) || !to.Equal(day(tt.to).AddDate(0, 0, 1)) {
			t.Errorf("%s: range %s to %s, want %s to %s (inclusive)", tt.name,
				from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02"), tt.from, tt.to)
		}
	}
}
