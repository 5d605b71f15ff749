package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestEventsList checks the list a terminal shows: the zone once, a day
// header, a line per event cut to the width with "…" (a wide character
// taking two columns), a meeting shown by its category, an all-day event
// over days by its last day, a commit without a subject by its hash, what
// a calendar's text could do to the terminal taken out, and with Wide a
// second line with the reason and the people, dim only on a colour
// terminal.
func TestEventsList(t *testing.T) {
	events := []Event{
		{Start: "2026-03-02T00:00:00+01:00", End: "2026-03-05T00:00:00+01:00", AllDay: true, Title: "Offsite", Kind: "ignored", Reason: "all-day event, not out of office"},
		{Start: "2026-03-02T09:00:00+01:00", End: "2026-03-02T09:15:00+01:00", Title: "Stand-up \x1b[2Jnow", Kind: "meeting", Category: "recurring",
			Reason: "recurring meeting", People: []string{"bob@example.com", "carol@example.com", "dan@example.com", "eve@example.com"}, WorkingMinutes: 15},
		{Start: "2026-03-02T10:00:00+01:00", End: "2026-03-02T11:00:00+01:00", Title: strings.Repeat("設計レビュー", 10), Kind: "meeting", Category: "large", WorkingMinutes: 60},
		{Start: "2026-03-03T22:00:00+01:00", End: "2026-03-04T01:00:00+01:00", Title: "Release night", Kind: "meeting", Category: "ad_hoc", AfterHoursMinutes: 180},
		{Start: "2026-03-03T23:10:00+01:00", End: "2026-03-03T23:10:00+01:00", Kind: KindCommit, Reason: "commit 0123456789ab"},
	}
	var b bytes.Buffer
	if err := WriteEventsList(&b, events, "Europe/Berlin", Style{Unicode: true, Terminal: true, Width: 60}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"Times in Europe/Berlin.\n",
		"\nMon 2026-03-02\n  to Wed 03-04     ignored                 Offsite\n",
		"  09:00-09:15      recurring  0h15         Stand-up now\n",
		"  10:00-11:00      large      1h00         設計レビュー設計…\n",
		"\nTue 2026-03-03\n  22:00-Wed 01:00  ad_hoc     +3h00 after  Release night\n",
		"  23:10            commit                  commit 012345678…\n",
		"5 events; --wide adds",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the list lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b") {
		t.Errorf("an escape sequence reached the terminal:\n%q", got)
	}
	for line := range strings.SplitSeq(got, "\n") {
		cols := 0
		for _, r := range line {
			cols++
			if r >= 0x3000 {
				cols++ // a wide character
			}
		}
		if cols > 60 {
			t.Errorf("a line is %d columns wide, over 60: %q", cols, line)
		}
	}

	b.Reset()
	if err := WriteEventsList(&b, events, "Europe/Berlin", Style{Unicode: true, Terminal: true, Width: 60, Wide: true, Color: true}); err != nil {
		t.Fatal(err)
	}
	wide := b.String()
	if !strings.Contains(wide, "recurring meeting; with bob@example.com,") || !strings.Contains(wide, "and 2 others") {
		t.Errorf("--wide lacks the reason and the people:\n%s", wide)
	}
	if !strings.Contains(wide, "\x1b[2m") || strings.Contains(wide, "--wide adds") {
		t.Errorf("--wide on a colour terminal: want dim lines and no pointer to --wide:\n%s", wide)
	}
}
