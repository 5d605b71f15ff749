package ics

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

// TestCustomizedTimeZone reads a zone Outlook names "Customized Time
// Zone": no name emtime knows, its daylight saving in the RRULEs of its
// STANDARD and DAYLIGHT components. Its summer meetings are at +02:00, its
// winter ones at +01:00, and a series repeats at 10:00 across the change,
// as python-recurring-ical-events finds them too.
func TestCustomizedTimeZone(t *testing.T) {
	c := load(t, "customized_zone.ics")
	r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
	var got []string
	for _, e := range r.Events {
		got = append(got, e.UID+" "+show(e, time.UTC))
	}
	// The reference's answer for the same file and year.
	want := []string{
		"e3 2026-03-23 09:00 – 2026-03-23 09:30 Weekly",
		"e3 2026-03-30 08:00 – 2026-03-30 08:30 Weekly",
		"e3 2026-04-06 08:00 – 2026-04-06 08:30 Weekly",
		"e1 2026-07-07 08:00 – 2026-07-07 09:00 Summer sync",
		"e2 2026-12-07 09:00 – 2026-12-07 10:00 Winter sync",
	}
	if !reflect.DeepEqual(got, want) || len(r.Warnings) != 0 {
		t.Errorf("occurrences\n%s\nwarnings %q\nwant\n%s\nand none", strings.Join(got, "\n"), r.Warnings, strings.Join(want, "\n"))
	}
}

// TestRuledZoneIsTheZone compares zones built from VTIMEZONE rules with
// the IANA zones whose rules they copy, at every hour from when those
// rules began (1996 for the European Union's) to 2100: the offset and the daylight
// saving are the same, and a wall clock is placed at the same instant.
func TestRuledZoneIsTheZone(t *testing.T) {
	tests := []struct {
		iana, vtimezone string
		from            time.Time
	}{
		{"Europe/Berlin", "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n",
			day(1996, 1, 1)},
		// Southern: daylight saving across the new year, and a half hour.
		{"Australia/Adelaide", "BEGIN:STANDARD\nDTSTART:20080406T030000\nTZOFFSETFROM:+1030\nTZOFFSETTO:+0930\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:20081005T020000\nTZOFFSETFROM:+0930\nTZOFFSETTO:+1030\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10\nEND:DAYLIGHT\n",
			day(2008, 4, 7)},
		// The United States since 2007, its rules until then ended by UNTIL.
		{"America/New_York", "BEGIN:STANDARD\nDTSTART:19671029T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10;UNTIL=20061029T060000Z\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:19870405T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4;UNTIL=20060402T070000Z\nEND:DAYLIGHT\n" +
			"BEGIN:DAYLIGHT\nDTSTART:20070311T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nEND:DAYLIGHT\n" +
			"BEGIN:STANDARD\nDTSTART:20071104T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nEND:STANDARD\n",
			day(1996, 1, 1)},
	}
	for _, tt := range tests {
		doc := "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Customized Time Zone\n" + tt.vtimezone + "END:VTIMEZONE\n" +
			"BEGIN:VEVENT\nUID:e\nDTSTART;TZID=Customized Time Zone:20260707T100000\nEND:VEVENT\nEND:VCALENDAR\n"
		c, err := Parse("z.ics", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.warnings) != 0 {
			t.Errorf("%s: warnings %q", tt.iana, c.warnings)
		}
		loc := c.masters[0].start.location(time.UTC)
		iana := zone(t, tt.iana)
		differ := 0
		for at := tt.from; at.Year() < 2100; at = at.Add(time.Hour) {
			_, off := at.In(loc).Zone()
			_, want := at.In(iana).Zone()
			w := wall(at.In(iana))
			if off != want || at.In(loc).IsDST() != at.In(iana).IsDST() || !rezone(w, loc).Equal(rezone(w, iana)) {
				if differ++; differ <= 3 {
					t.Errorf("%s at %s: offset %d (daylight saving %v), want %d (%v); %s read as %s, want %s", tt.iana, at.Format(time.RFC3339), off, at.In(loc).IsDST(), want, at.In(iana).IsDST(), w.Format("2006-01-02T15:04"), rezone(w, loc).UTC().Format(time.RFC3339), rezone(w, iana).UTC().Format(time.RFC3339))
				}
			}
		}
		if differ > 3 {
			t.Errorf("%s: %d hours differ in all", tt.iana, differ)
		}
	}
}

// TestRuledZoneFallsBack reads VTIMEZONEs whose rules cannot make a zone:
// none that changes the offset, one that would change it every second, an
// RDATE list. Each is read as its fixed offset with a warning saying why, or
// as the zone its RDATEs give, and the work is bounded.
func TestRuledZoneFallsBack(t *testing.T) {
	tests := []struct {
		name, vtimezone string
		summer, winter  string // 10:00 on 2026-07-07 and 2026-12-07, in UTC
		warning         string
	}{
		{"no rules", "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\n", "09:00", "09:00",
			`z.ics: zone "Custom" is not one emtime knows; using its VTIMEZONE offset UTC+01:00 all year (no daylight saving)`},
		{"a rule that never changes the offset", "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:DAYLIGHT\n", "09:00", "09:00",
			`z.ics: zone "Custom" is not one emtime knows; using its VTIMEZONE offset UTC+01:00 all year (no daylight saving)`},
		{"a change every second", "BEGIN:STANDARD\nDTSTART:20260101T000000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=SECONDLY\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:20260101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\n", "09:00", "09:00",
			`z.ics: zone "Custom" is not one emtime knows, and its rules change the offset too often; using its VTIMEZONE offset UTC+01:00 all year (no daylight saving)`},
		{"an offset that is none", "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+9999\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n", "09:00", "09:00",
			`z.ics:4: VTIMEZONE "Custom": TZOFFSETTO "+9999" is not an offset like +0100 (at most 18 hours, minutes and seconds below 60); left this STANDARD out of the zone` + "\n" +
				`z.ics: zone "Custom" is not one emtime knows; using its VTIMEZONE offset UTC+01:00 all year (no daylight saving)`},
		{"RDATEs", "BEGIN:STANDARD\nDTSTART:20251026T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRDATE:20261025T030000\nEND:STANDARD\n" +
			"BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\n", "08:00", "09:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Custom\n" + tt.vtimezone + "END:VTIMEZONE\n" +
				"BEGIN:VEVENT\nUID:s\nDTSTART;TZID=Custom:20260707T100000\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nUID:w\nDTSTART;TZID=Custom:20261207T100000\nEND:VEVENT\nEND:VCALENDAR\n"
			var c *Calendar
			var err error
			alloc := allocated(func() { c, err = Parse("z.ics", strings.NewReader(doc)) })
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.warning != "" {
				want = strings.Split(tt.warning, "\n")
			}
			if !reflect.DeepEqual(c.warnings, want) {
				t.Errorf("warnings %q, want %q", c.warnings, want)
			}
			summer := c.masters[0].start.in(time.UTC).UTC().Format("15:04")
			winter := c.masters[1].start.in(time.UTC).UTC().Format("15:04")
			if summer != tt.summer || winter != tt.winter {
				t.Errorf("10:00 in summer is %s, in winter %s (UTC); want %s and %s", summer, winter, tt.summer, tt.winter)
			}
			if alloc > 8<<20 {
				t.Errorf("reading it allocated %d bytes, want at most 8 MiB", alloc)
			}
		})
	}
}

// TestManyRuledZonesAreBounded reads a calendar of a thousand zones of
// its own, each with daylight-saving rules: what working their changes
// out may cost is bounded for the calendar, past which a zone is read as
// its fixed offset with a warning, and every event is kept.
func TestManyRuledZonesAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\n")
	const zones = 1000
	for i := range zones {
		fmt.Fprintf(&b, "BEGIN:VTIMEZONE\nTZID:Custom %d\n"+
			"BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n"+
			"BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n"+
			"END:VTIMEZONE\n", i)
	}
	for i := range zones {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:e%d\nDTSTART;TZID=Custom %d:20260707T100000\nEND:VEVENT\n", i, i)
	}
	b.WriteString("END:VCALENDAR\n")
	c, err := Parse("z.ics", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	ruled, fixed := 0, 0
	for _, m := range c.masters {
		switch m.start.in(time.UTC).UTC().Hour() {
		case 8:
			ruled++
		case 9:
			fixed++
		}
	}
	if ruled+fixed != zones || fixed != len(c.warnings) || ruled < 300 || fixed == 0 {
		t.Errorf("%d events at +02:00, %d at +01:00, %d warnings; want %d events, at least 300 at +02:00, a warning for each at +01:00", ruled, fixed, len(c.warnings), zones)
	}
	for _, w := range c.warnings {
		if !strings.HasSuffix(w, `" is not one emtime knows, and its rules take more work than emtime gives a calendar's zones; using its VTIMEZONE offset UTC+01:00 all year (no daylight saving)`) {
			t.Errorf("warning %q", w)
			break
		}
	}
	t.Logf("%d zones built, %d read as fixed offsets; first warning %q", ruled, fixed, c.warnings[:min(1, len(c.warnings))])
}
