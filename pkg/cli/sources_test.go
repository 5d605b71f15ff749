package cli

import "testing"

// TestSourceChoice checks the kinds of calendar in the one place their
// choices are checked: which one is read, and every conflict, in words
// that name the flags.
func TestSourceChoice(t *testing.T) {
	tests := []struct {
		args []string
		read string // the kind read; "" when the command line is refused
		err  string
	}{
		{nil, "Google Calendar", ""},
		{[]string{"--calendar", "team@group.calendar.google.com"}, "Google Calendar", ""},
		{[]string{"--demo"}, "the demo calendar", ""},
		{[]string{"--ics", "a.ics", "--ics", "b.ics"}, "iCalendar files", ""},
		{[]string{"--ics", "a.ics", "--demo=ic"}, "", "--demo and --ics cannot be combined: choose one calendar"},
		{[]string{"--ics", "-", "--ics", "-"}, "", "--ics - reads standard input, which can be read only once"},
		{[]string{"--ics", "a.ics", "--service-account", "key.json"}, "", "--calendar, --service-account and --impersonate read Google Calendar: they cannot be combined with --ics or --demo"},
		{[]string{"--demo", "--service-account", ""}, "the demo calendar", ""}, // an empty value is no value
		{[]string{"--demo=cto"}, "", `unknown demo persona "cto": choose one of ic, hybrid, em, overloaded`},
		{[]string{"--calendar", " "}, "", "--calendar needs a calendar id, such as primary (see emtime calendars)"},
	}
	for _, tt := range tests {
		o, err := parseAnalyze(t, tt.args...)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err || !isUsage(err)):
			t.Errorf("%q: %v, want the usage error %q", tt.args, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.err == "" && o.plan.kind.name != tt.read:
			t.Errorf("%q: reads %s, want %s", tt.args, o.plan.kind.name, tt.read)
		}
	}
}
