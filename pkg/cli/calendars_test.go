package cli

import (
	"strings"
	"testing"
)

// TestWriteCalendars checks the calendar list as a person sees it on a
// terminal (a table under its header, or a sentence when there is none)
// and as a script reads it through a pipe (one calendar a line,
// tab-separated, no header).
func TestWriteCalendars(t *testing.T) {
	header := []string{"Id", "Name", "Zone", "Access", "Primary"}
	rows := [][]string{
		{"me@example.com", "Me", "Europe/Berlin", "owner", "primary"},
		{"team@group.calendar.google.com", "Team", "UTC", "reader", ""},
	}
	ios, _, out, _ := Test()
	ios.OutTTY = true
	if err := writeCalendars(ios, header, rows, "none"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var head, team string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "Zone"):
			head = l
		case strings.Contains(l, "Team"):
			team = l
		}
	}
	for _, h := range header {
		if !strings.Contains(head, h) {
			t.Errorf("the table's header %q lacks %q:\n%s", head, h, out)
		}
	}
	if !strings.Contains(team, "team@group.calendar.google.com") || !strings.Contains(team, "reader") {
		t.Errorf("the team calendar's row %q:\n%s", team, out)
	}

	ios, _, out, _ = Test()
	ios.OutTTY = true
	if err := writeCalendars(ios, header, nil, "No calendars in your calendar list."); err != nil || out.String() != "No calendars in your calendar list.\n" {
		t.Errorf("no calendars on a terminal: %q, %v", out, err)
	}

	ios, _, out, _ = Test()
	if err := writeCalendars(ios, header, rows, "none"); err != nil {
		t.Fatal(err)
	}
	if want := "me@example.com\tMe\tEurope/Berlin\towner\tprimary\nteam@group.calendar.google.com\tTeam\tUTC\treader\t\n"; out.String() != want {
		t.Errorf("through a pipe:\n%q\nwant\n%q", out, want)
	}
}
