package ics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

const fixtures = "../../testdata/ics"

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// load parses a fixture by its file name, which is also its name in messages.
func load(t testing.TB, file string) *Calendar {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Parse(file, f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return c
}

func query(t testing.TB, c *Calendar, q calendar.Query) calendar.Result {
	t.Helper()
	r, err := c.Events(context.Background(), q)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	return r
}

// show writes an occurrence as "start – end title", in loc, with its
// status and all-day flag when they are not the usual.
func show(e calendar.Event, loc *time.Location) string {
	s := e.Start.In(loc).Format("2006-01-02 15:04") + " – " + e.End.In(loc).Format("2006-01-02 15:04") + " " + e.Title
	if e.Status != calendar.StatusConfirmed {
		s += " [" + string(e.Status) + "]"
	}
	if e.AllDay {
		s += " [all-day]"
	}
	return s
}

func TestEvents(t *testing.T) {
	utc := time.UTC
	berlin := zone(t, "Europe/Berlin")
	newYork := zone(t, "America/New_York")
	tokyo := zone(t, "Asia/Tokyo")
	year := calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1), Zone: utc}
	tests := []struct {
		name    string
		file    string
		uid     string // only occurrences of this UID, when set
		q       calendar.Query
		display *time.Location
		want    []string
	}{
		{"weekly BYDAY with COUNT", "rrule.ics", "weekly-mo-we", year, berlin, []string{
			"2026-03-02 09:00 – 2026-03-02 09:15 Standup",
			"2026-03-04 09:00 – 2026-03-04 09:15 Standup",
			"2026-03-09 09:00 – 2026-03-09 09:15 Standup",
			"2026-03-11 09:00 – 2026-03-11 09:15 Standup",
			"2026-03-16 09:00 – 2026-03-16 09:15 Standup",
		}},
		{"monthly BYDAY=1MO", "rrule.ics", "first-monday", year, berlin, []string{
			"2026-01-05 10:00 – 2026-01-05 11:00 Planning",
			"2026-02-02 10:00 – 2026-02-02 11:00 Planning",
			"2026-03-02 10:00 – 2026-03-02 11:00 Planning",
		}},
		{"monthly BYDAY=-1FR until a UTC time", "rrule.ics", "last-friday", year, berlin, []string{
			"2026-01-30 16:00 – 2026-01-30 17:00 Demo",
			"2026-02-27 16:00 – 2026-02-27 17:00 Demo",
			"2026-03-27 16:00 – 2026-03-27 17:00 Demo",
			"2026-04-24 16:00 – 2026-04-24 17:00 Demo",
		}},
		{"BYMONTHDAY, INTERVAL and UNTIL as a date (that whole day)", "rrule.ics", "mid-month", year, utc, []string{
			"2026-01-15 12:00 – 2026-01-15 13:00 Review",
			"2026-03-15 12:00 – 2026-03-15 13:00 Review",
			"2026-05-15 12:00 – 2026-05-15 13:00 Review",
			"2026-07-15 12:00 – 2026-07-15 13:00 Review",
		}},
		{"daily INTERVAL=3 with UNTIL on the last occurrence", "rrule.ics", "every-3-days", year, berlin, []string{
			"2026-03-01 08:00 – 2026-03-01 08:10 Check",
			"2026-03-04 08:00 – 2026-03-04 08:10 Check",
			"2026-03-07 08:00 – 2026-03-07 08:10 Check",
			"2026-03-10 08:00 – 2026-03-10 08:10 Check",
		}},
		{"WKST=MO", "rrule.ics", "wkst-mo", year, utc, []string{
			"2026-08-04 09:00 – 2026-08-04 10:00 Fortnight MO",
			"2026-08-09 09:00 – 2026-08-09 10:00 Fortnight MO",
			"2026-08-18 09:00 – 2026-08-18 10:00 Fortnight MO",
			"2026-08-23 09:00 – 2026-08-23 10:00 Fortnight MO",
		}},
		{"WKST=SU", "rrule.ics", "wkst-su", year, utc, []string{
			"2026-08-04 09:00 – 2026-08-04 10:00 Fortnight SU",
			"2026-08-16 09:00 – 2026-08-16 10:00 Fortnight SU",
			"2026-08-18 09:00 – 2026-08-18 10:00 Fortnight SU",
			"2026-08-30 09:00 – 2026-08-30 10:00 Fortnight SU",
		}},
		{"a rule with no end is expanded only in the window", "rrule.ics", "endless",
			calendar.Query{From: day(2026, 3, 2), To: day(2026, 3, 5), Zone: utc}, utc, []string{
				"2026-03-02 09:00 – 2026-03-02 09:15 Daily since 2020",
				"2026-03-03 09:00 – 2026-03-03 09:15 Daily since 2020",
				"2026-03-04 09:00 – 2026-03-04 09:15 Daily since 2020",
			}},
		// Shown in UTC: the wall clock in Berlin stays 09:00 as CEST begins.
		{"Berlin wall clock kept across spring DST", "rrule.ics", "dst-berlin", year, utc, []string{
			"2026-03-23 08:00 – 2026-03-23 09:00 Across spring DST",
			"2026-03-30 07:00 – 2026-03-30 08:00 Across spring DST",
			"2026-04-06 07:00 – 2026-04-06 08:00 Across spring DST",
		}},
		{"New York wall clock kept across autumn DST", "rrule.ics", "dst-newyork", year, utc, []string{
			"2026-10-26 13:00 – 2026-10-26 13:30 Across autumn DST",
			"2026-11-02 14:00 – 2026-11-02 14:30 Across autumn DST",
		}},
		{"EXDATE: TZID, UTC comma list, VALUE=DATE", "exdate.ics", "weekly-exdates", year, berlin, []string{
			"2026-03-02 10:00 – 2026-03-02 10:30 One-on-one",
			"2026-03-30 10:00 – 2026-03-30 10:30 One-on-one",
		}},
		{"EXDATE on an all-day series", "exdate.ics", "allday-exdates", year, utc, []string{
			"2026-06-01 00:00 – 2026-06-02 00:00 Conference [all-day]",
			"2026-06-03 00:00 – 2026-06-04 00:00 Conference [all-day]",
			"2026-06-05 00:00 – 2026-06-06 00:00 Conference [all-day]",
		}},
		{"RDATE: zoned, duplicate of a rule occurrence, PERIOD with end and duration", "rdate.ics", "rdates", year, utc, []string{
			"2026-01-05 19:00 – 2026-01-05 20:00 Sync",
			"2026-01-12 19:00 – 2026-01-12 20:00 Sync",
			"2026-01-14 21:00 – 2026-01-14 22:00 Sync",
			"2026-01-20 13:00 – 2026-01-20 17:00 Sync",
			"2026-01-22 13:00 – 2026-01-22 13:30 Sync",
		}},
		{"RDATE without RRULE, less an EXDATE", "rdate.ics", "rdates-only", year, utc, []string{
			"2026-02-03 10:00 – 2026-02-03 12:00 Workshop",
			"2026-02-17 10:00 – 2026-02-17 12:00 Workshop",
		}},
		{"overrides: moved, shortened, cancelled, this-and-future, matching nothing", "overrides.ics", "", year, berlin, []string{
			"2026-03-03 15:00 – 2026-03-03 16:00 Weekly",
			"2026-03-11 11:00 – 2026-03-11 12:00 Moved",
			"2026-03-17 15:00 – 2026-03-17 15:20 Shortened",
			"2026-03-24 15:00 – 2026-03-24 16:00 Weekly [cancelled]",
			"2026-03-31 16:00 – 2026-03-31 17:00 Later from now on",
			"2026-04-08 09:00 – 2026-04-08 10:00 Extra",
		}},
		{"DURATION and missing DTEND", "durations.ics", "", year, utc, []string{
			"2026-03-02 09:00 – 2026-03-02 10:30 Ninety minutes",
			"2026-03-02 15:00 – 2026-03-02 15:45 Weekly with duration",
			"2026-03-03 00:00 – 2026-03-04 00:00 A date alone [all-day]",
			"2026-03-04 12:00 – 2026-03-04 12:00 A moment",
			"2026-03-05 00:00 – 2026-03-08 00:00 Three days [all-day]",
			"2026-03-09 15:00 – 2026-03-09 15:45 Weekly with duration",
			// P1D is a day on the calendar: 23 hours as CEST begins.
			"2026-03-28 11:00 – 2026-03-29 10:00 One day over the DST change",
		}},
		{"all-day and floating in the query zone (New York)", "floating.ics", "",
			calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 31), Zone: newYork}, newYork, []string{
				"2026-03-02 00:00 – 2026-03-04 00:00 Offsite [all-day]",
				"2026-03-02 09:00 – 2026-03-02 10:00 Floating",
				"2026-03-02 17:00 – 2026-03-02 17:30 Floating weekly",
			}},
		{"all-day and floating in the query zone (Tokyo)", "floating.ics", "",
			calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 31), Zone: tokyo}, tokyo, []string{
				"2026-03-02 00:00 – 2026-03-04 00:00 Offsite [all-day]",
				"2026-03-02 09:00 – 2026-03-02 10:00 Floating",
				"2026-03-02 17:00 – 2026-03-02 17:30 Floating weekly",
			}},
		{"floating times in X-WR-TIMEZONE, all-day in the query zone", "floating_zoned.ics", "",
			calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 31), Zone: newYork}, newYork, []string{
				"2026-03-02 00:00 – 2026-03-04 00:00 Offsite [all-day]",
				"2026-03-02 03:00 – 2026-03-02 04:00 Floating",
				"2026-03-02 11:00 – 2026-03-02 11:30 Floating weekly",
			}},
		{"zones: Windows, mozilla, display names, VTIMEZONE offset, UTC", "zones.ics", "", year, utc, []string{
			"2026-03-02 03:30 – 2026-03-02 04:30 Custom zone",
			"2026-03-02 03:30 – 2026-03-02 04:30 India",
			"2026-03-02 08:00 – 2026-03-02 09:00 Floating in the calendar's zone",
			"2026-03-02 08:00 – 2026-03-02 09:00 W. Europe",
			"2026-03-02 09:00 – 2026-03-02 10:00 Microsoft UTC",
			"2026-03-02 09:00 – 2026-03-02 10:00 UTC",
			"2026-03-02 14:00 – 2026-03-02 15:00 Eastern",
			"2026-03-02 14:00 – 2026-03-02 15:00 Mozilla",
			"2026-03-02 17:00 – 2026-03-02 18:00 Pacific",
			"2026-06-02 07:00 – 2026-06-02 08:00 Display name in summer",
			"2026-06-02 08:00 – 2026-06-02 09:00 GMT Standard Time in summer",
		}},
		{"overlap, not start: long and cross-midnight occurrences are kept whole", "overlap.ics", "",
			calendar.Query{From: day(2026, 3, 2), To: day(2026, 3, 3), Zone: utc}, utc, []string{
				"2026-03-01 00:00 – 2026-03-04 00:00 Three-day trip [all-day]",
				"2026-03-01 20:00 – 2026-03-02 04:00 Night shift",
				"2026-03-01 22:00 – 2026-03-02 02:00 Sunday night into Monday",
				"2026-03-02 00:00 – 2026-03-02 00:00 Reminder at the start",
				"2026-03-02 20:00 – 2026-03-03 04:00 Night shift",
			}},
		{"duplicates keep the highest SEQUENCE, then the last", "duplicates.ics", "", year, utc, []string{
			"2026-03-02 08:00 – 2026-03-02 08:30 Monday",
			"2026-03-02 09:00 – 2026-03-02 10:00 No UID",
			"2026-03-02 09:00 – 2026-03-02 10:00 No UID",
			"2026-03-02 09:00 – 2026-03-02 10:00 Second copy",
			"2026-03-02 14:00 – 2026-03-02 15:00 Override v3",
			"2026-03-03 08:00 – 2026-03-03 08:30 Tuesday",
		}},
		{"VTODO and VJOURNAL are ignored", "mapping.ics", "", calendar.Query{From: day(2026, 3, 2), To: day(2026, 3, 3), Zone: utc}, utc, []string{
			"2026-03-02 09:00 – 2026-03-02 10:00 Design review, part 2; bring notes [tentative]",
			"2026-03-02 11:00 – 2026-03-02 11:30 Zoom in location",
			"2026-03-02 12:00 – 2026-03-02 12:30 Teams in description",
			"2026-03-02 13:00 – 2026-03-02 13:30 Webex in URL",
			"2026-03-02 14:00 – 2026-03-02 14:30 RFC 7986 conference",
			"2026-03-02 15:00 – 2026-03-02 15:30 No link",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := query(t, load(t, tt.file), tt.q)
			var got []string
			for _, e := range r.Events {
				if tt.uid == "" || e.UID == tt.uid {
					got = append(got, show(e, tt.display))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAllDayIsMidnightInQueryZone(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	r := query(t, load(t, "floating.ics"), calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 31), Zone: tokyo})
	e := r.Events[0]
	if !e.AllDay || !e.Start.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, tokyo)) || !e.End.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, tokyo)) {
		t.Errorf("all-day event: %v – %v (all-day %v), want midnights in Tokyo", e.Start, e.End, e.AllDay)
	}
	if e.Start.Location() != tokyo {
		t.Errorf("all-day start in %v, want Asia/Tokyo", e.Start.Location())
	}
}

func TestInfo(t *testing.T) {
	tests := []struct {
		name, file, doc string
		want            calendar.Info
		warning         string
	}{
		{name: "name, no zone", file: "rrule.ics", want: calendar.Info{Name: "Rules"}},
		{name: "Windows zone mapped to IANA", file: "zones.ics", want: calendar.Info{Name: "Zones", Zone: "Europe/Berlin"}},
		{name: "IANA zone", file: "overrides.ics", want: calendar.Info{Zone: "Europe/Berlin"}},
		{name: "escaped name", file: "mapping.ics", want: calendar.Info{Name: "Team, work"}},
		{name: "unknown zone ignored", doc: "BEGIN:VCALENDAR\nX-WR-CALNAME:Mine\nX-WR-TIMEZONE:Atlantis/Central\nEND:VCALENDAR\n",
			want: calendar.Info{Name: "Mine"}, warning: `doc.ics: X-WR-TIMEZONE "Atlantis/Central" is not a known zone; ignored it`},
		{name: "India Standard Time", doc: "BEGIN:VCALENDAR\nX-WR-TIMEZONE:India Standard Time\nEND:VCALENDAR\n",
			want: calendar.Info{Zone: "Asia/Kolkata"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *Calendar
			if tt.file != "" {
				c = load(t, tt.file)
			} else {
				var err error
				if c, err = Parse("doc.ics", strings.NewReader(tt.doc)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.Info(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Info = %+v, want %+v", got, tt.want)
			}
			if tt.warning != "" {
				r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2026, 1, 2)})
				if !reflect.DeepEqual(r.Warnings, []string{tt.warning}) {
					t.Errorf("warnings = %q, want %q", r.Warnings, tt.warning)
				}
			}
		})
	}
}

func TestMapping(t *testing.T) {
	r := query(t, load(t, "mapping.ics"), calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 8)})
	byUID := map[string]calendar.Event{}
	for _, e := range r.Events {
		byUID[e.UID] = e
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings: %q", r.Warnings)
	}
	want := calendar.Event{
		UID:         "mapped@example.com",
		Title:       "Design review, part 2; bring notes",
		Start:       time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		End:         time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		Status:      calendar.StatusTentative,
		Transparent: true,
		Type:        calendar.TypeDefault,
		Organizer:   calendar.Person{Email: "ann.lee@example.com", Name: "Lee, Ann"},
		Attendees: []calendar.Attendee{
			{Person: calendar.Person{Email: "ann.lee@example.com", Name: "Lee, Ann"}, Response: calendar.ResponseAccepted, Organizer: true},
			{Person: calendar.Person{Email: "bo@example.com", Name: "Bo"}, Response: calendar.ResponseTentative, Optional: true},
			{Person: calendar.Person{Email: "cy@example.com", Name: "Cy"}, Response: calendar.ResponseDeclined},
			{Person: calendar.Person{Email: "di@example.com", Name: "Di"}, Response: calendar.ResponseNeedsAction},
			{Person: calendar.Person{Email: "room4@resource.example.com", Name: "Room 4"}, Response: calendar.ResponseAccepted, Resource: true},
			{Person: calendar.Person{Email: "projector@resource.example.com"}, Response: calendar.ResponseDelegated, Resource: true},
			{Person: calendar.Person{Email: "platform@example.com", Name: "Platform team"}, Response: calendar.ResponseNeedsAction, Group: true},
		},
		ConferenceURL: "https://meet.google.com/abc-defg-hij",
		Origin:        "mapping.ics:8",
	}
	if got := byUID[want.UID]; !reflect.DeepEqual(got, want) {
		t.Errorf("event:\n got %+v\nwant %+v", got, want)
	}
	tests := []struct {
		uid, conference, origin string
		typ                     calendar.Type
		allDay                  bool
	}{
		{"oof@example.com", "", "mapping.ics:33", calendar.TypeOutOfOffice, true},
		{"zoom@example.com", "https://us02web.zoom.us/j/123456789?pwd=abc", "mapping.ics:45", calendar.TypeDefault, false},
		{"teams@example.com", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d", "mapping.ics:52", calendar.TypeDefault, false},
		{"webex@example.com", "https://acme.webex.com/meet/ann", "mapping.ics:60", calendar.TypeDefault, false},
		{"conference@example.com", "https://video.example.com/room/7", "mapping.ics:68", calendar.TypeDefault, false},
		{"plain@example.com", "", "mapping.ics:75", calendar.TypeDefault, false},
	}
	for _, tt := range tests {
		e, ok := byUID[tt.uid]
		if !ok {
			t.Errorf("%s: missing", tt.uid)
			continue
		}
		if e.ConferenceURL != tt.conference || e.Origin != tt.origin || e.Type != tt.typ || e.AllDay != tt.allDay || e.Recurring {
			t.Errorf("%s: conference %q origin %q type %q all-day %v recurring %v; want %q %q %q %v false",
				tt.uid, e.ConferenceURL, e.Origin, e.Type, e.AllDay, e.Recurring, tt.conference, tt.origin, tt.typ, tt.allDay)
		}
	}
}

func TestRecurringAndOrigin(t *testing.T) {
	r := query(t, load(t, "overrides.ics"), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
	want := []string{"overrides.ics:13", "overrides.ics:5", "overrides.ics:20", "overrides.ics:28", "overrides.ics:37", "overrides.ics:45"}
	var got []string
	for _, e := range r.Events {
		got = append(got, e.Origin)
		if !e.Recurring {
			t.Errorf("%s at %v: Recurring false, want true", e.Title, e.Start)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("origins %q, want %q", got, want)
	}
	single := query(t, load(t, "durations.ics"), calendar.Query{From: day(2026, 3, 2), To: day(2026, 3, 3)})
	for _, e := range single.Events {
		if e.Recurring != (e.UID == "dur-weekly") {
			t.Errorf("%s: Recurring %v", e.UID, e.Recurring)
		}
	}
}

func TestBadEntries(t *testing.T) {
	r := query(t, load(t, "bad.ics"), calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 8)})
	var got []string
	for _, e := range r.Events {
		got = append(got, show(e, time.UTC))
	}
	wantEvents := []string{
		"2026-03-02 08:00 – 2026-03-02 09:00 End before start",
		"2026-03-02 09:00 – 2026-03-02 10:00 Good",
		"2026-03-02 11:00 – 2026-03-02 11:30 One EXDATE unreadable",
	}
	if !reflect.DeepEqual(got, wantEvents) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantEvents, "\n"))
	}
	wantWarnings := []string{
		`bad.ics:10 (UID bad-date): DTSTART: "20260230T090000Z" is not a date; skipped it`,
		`bad.ics:16 (UID abc@x): end 2026-03-02T09:00 is before start 2026-03-02T10:00; swapped them`,
		`bad.ics:22 (UID unknown-zone): DTSTART: unknown zone "Mars/Olympus_Mons"; skipped it`,
		`bad.ics:27 (UID broken-rrule): RRULE "FREQ=SOMETIMES;COUNT=3": undefined frequency: SOMETIMES; skipped it`,
		`bad.ics:33 (UID no-start): no DTSTART; skipped it`,
		`bad.ics:38: DURATION: "one hour": not a duration; skipped it`,
		`bad.ics:43 (UID bad-exdate): ignored unreadable EXDATE yesterday`,
	}
	if !reflect.DeepEqual(r.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
}

func TestZoneWarnings(t *testing.T) {
	r := query(t, load(t, "zones.ics"), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
	want := []string{
		`zones.ics:95 (UID nowhere): DTSTART: unknown zone "Nowhere/Special"; skipped it`,
		`zones.ics: zone "Custom Zone" is not one emtime knows; using its VTIMEZONE offset UTC+05:30 all year (no daylight saving)`,
	}
	if !reflect.DeepEqual(r.Warnings, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestBrokenFiles(t *testing.T) {
	tests := []struct {
		name, file, doc string
		err             string   // the error, when the file cannot be read at all
		warnings        []string // else what is said about it
		uids            []string // and the entries read
	}{
		{name: "missing file", file: "no-such-file.ics", err: "cannot read calendar: open ../../testdata/ics/no-such-file.ics: no such file or directory"},
		{name: "not iCalendar", file: "notcal.ics", err: "../../testdata/ics/notcal.ics: not an iCalendar file"},
		{name: "empty", doc: "", err: "doc.ics: not an iCalendar file"},
		{name: "BEGIN:VCALENDAR inside a calendar", doc: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20260302T090000Z\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nDTSTART:20260302T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
			uids: []string{"a", "b"}, warnings: []string{
				"doc.ics:2: BEGIN:VEVENT has no END:VEVENT before line 5; closed it there",
				"doc.ics:5: BEGIN:VCALENDAR inside the calendar begun on line 1; read on as one calendar",
			}},
		{name: "cut inside a VEVENT", file: "truncated.ics", uids: []string{"complete"}, warnings: []string{
			"../../testdata/ics/truncated.ics:10: the file ends inside this VEVENT (no END:VEVENT); skipped it",
			"../../testdata/ics/truncated.ics: no END:VCALENDAR after line 14; the file may be cut short, read what was there",
		}},
		{name: "no END:VCALENDAR", file: "unterminated.ics", uids: []string{"complete"}, warnings: []string{
			"../../testdata/ics/unterminated.ics: no END:VCALENDAR after line 9; the file may be cut short, read what was there",
		}},
		{name: "mismatched END, unclosed VEVENT, two calendars in one file", file: "mismatched.ics", uids: []string{"unclosed", "after", "second-calendar"}, warnings: []string{
			"../../testdata/ics/mismatched.ics:7: END:VTOOD does not match BEGIN:VTODO (line 4); read it as END:VTODO",
			"../../testdata/ics/mismatched.ics:8: BEGIN:VEVENT has no END:VEVENT before line 13; closed it there",
		}},
		{name: "CR line ends, lower-case BEGIN", doc: "begin:vcalendar\rbegin:vevent\rUID:cr\rDTSTART:20260302T090000Z\rend:vevent\rend:vcalendar\r", uids: []string{"cr"}},
		{name: "a line with no colon is dropped", doc: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nGARBAGE\nDTSTART:20260302T090000Z\nEND:VEVENT\nEND:VCALENDAR\n", uids: []string{"x"}, warnings: []string{
			`doc.ics: 1 malformed line(s) dropped or read without parameters (first: "GARBAGE")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *Calendar
			var err error
			if tt.file != "" {
				c, err = ReadFile(filepath.Join(fixtures, tt.file))
			} else {
				c, err = Parse("doc.ics", strings.NewReader(tt.doc))
			}
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if strings.Contains(tt.err, "not an iCalendar") && !errors.Is(err, ErrNotCalendar) {
					t.Errorf("error does not wrap ErrNotCalendar")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
			var uids []string
			for _, e := range r.Events {
				uids = append(uids, e.UID)
			}
			if !reflect.DeepEqual(uids, tt.uids) {
				t.Errorf("UIDs %q, want %q", uids, tt.uids)
			}
			if !reflect.DeepEqual(r.Warnings, tt.warnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(tt.warnings, "\n"))
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	c := load(t, "rrule.ics")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Events(ctx, calendar.Query{From: day(2026, 1, 1), To: day(2026, 2, 1)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Events with a cancelled context: %v", err)
	}
	if _, err := c.Info(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Info with a cancelled context: %v", err)
	}
	if _, err := c.Events(context.Background(), calendar.Query{From: day(2026, 2, 1), To: day(2026, 1, 1)}); err == nil {
		t.Error("Events with To before From: no error")
	}
}

// TestConcurrentEvents runs queries at once; run with -race to check that
// a Calendar is read-only once parsed.
func TestConcurrentEvents(t *testing.T) {
	c := load(t, "overrides.ics")
	want := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.Events(context.Background(), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("concurrent query differs: %v", err)
			}
		}()
	}
	wg.Wait()
}

func TestWindowsZonesLoad(t *testing.T) {
	tests := map[string]string{
		"W. Europe Standard Time":                                "Europe/Berlin",
		"eastern standard time":                                  "America/New_York",
		"(UTC-05:00) Eastern Time (US & Canada)":                 "America/New_York",
		"/citadel.org/20190914_1/Europe/Paris":                   "Europe/Paris",
		"/mozilla.org/20070129_1/America/Argentina/Buenos_Aires": "America/Argentina/Buenos_Aires",
		"(GMT+09:00) Osaka, Sapporo, Tokyo":                      "Asia/Tokyo",
	}
	for tzid, want := range tests {
		loc, err := newZoneBook("x").lookup(tzid)
		if err != nil || loc.String() != want {
			t.Errorf("lookup(%q) = %v, %v; want %s", tzid, loc, err, want)
		}
	}
	if _, err := newZoneBook("x").lookup("Local"); err == nil {
		t.Error(`lookup("Local") found a zone; it must not use the machine's`)
	}
}

func TestParseDuration(t *testing.T) {
	tests := map[string]duration{
		"PT1H30M":  {secs: 5400},
		"P3D":      {days: 3},
		"P1W":      {days: 7},
		"P1DT12H":  {days: 1, secs: 43200},
		"-PT15M":   {secs: -900},
		"PT0S":     {},
		"+P2DT10S": {days: 2, secs: 10},
	}
	for in, want := range tests {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "1H", "PT", "PTH", "P1H", "PT1D", "P1DX", "PT99999999999S"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q): no error", in)
		}
	}
}

func ExampleCalendar_Events() {
	doc := `BEGIN:VCALENDAR
X-WR-CALNAME:Work
BEGIN:VEVENT
UID:standup@example.com
SUMMARY:Standup
DTSTART;TZID=Europe/Berlin:20260302T091500
DTEND;TZID=Europe/Berlin:20260302T093000
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR
END:VEVENT
END:VCALENDAR
`
	c, err := Parse("work.ics", strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	r, _ := c.Events(context.Background(), calendar.Query{
		From: time.Date(2026, 3, 6, 0, 0, 0, 0, berlin),
		To:   time.Date(2026, 3, 10, 0, 0, 0, 0, berlin),
		Zone: berlin,
	})
	for _, e := range r.Events {
		fmt.Println(e.Start.Format("Mon 02 Jan 15:04"), e.Title, e.Origin)
	}
	// Output:
	// Fri 06 Mar 09:15 Standup work.ics:3
	// Mon 09 Mar 09:15 Standup work.ics:3
}

// TestFastForward checks that starting a rule near the window, as Events
// does for old series, finds what expanding it from DTSTART finds.
func TestFastForward(t *testing.T) {
	rules := []struct {
		rule       string
		from, to   time.Time // the whole run, from DTSTART
		wFrom, wTo time.Time // the window checked
	}{
		{"FREQ=DAILY;INTERVAL=3", day(2019, 1, 1), day(2026, 1, 1), day(2025, 10, 26), day(2025, 10, 29)},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=SU", day(2019, 1, 1), day(2026, 1, 1), day(2025, 3, 1), day(2025, 4, 15)},
		{"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", day(2019, 1, 1), day(2026, 1, 1), day(2025, 3, 1), day(2025, 4, 15)},
		{"FREQ=HOURLY;INTERVAL=5", day(2019, 1, 1), day(2020, 1, 1), day(2019, 10, 26), day(2019, 10, 29)},
		{"FREQ=MINUTELY;INTERVAL=7;BYHOUR=9,10", day(2019, 1, 1), day(2020, 1, 1), day(2019, 10, 27), day(2019, 10, 29)},
		{"FREQ=SECONDLY;INTERVAL=97", day(2019, 3, 5), day(2019, 3, 20), day(2019, 3, 18), day(2019, 3, 19)},
	}
	for _, r := range rules {
		doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nDTSTART;TZID=Europe/Berlin:20190305T091700\nDURATION:PT50M\nRRULE:" + r.rule + "\nEND:VEVENT\nEND:VCALENDAR\n"
		c, err := Parse("ff.ics", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range query(t, c, calendar.Query{From: r.from, To: r.to}).Events {
			if e.Overlaps(r.wFrom, r.wTo) {
				want = append(want, show(e, time.UTC))
			}
		}
		var got []string
		for _, e := range query(t, c, calendar.Query{From: r.wFrom, To: r.wTo}).Events {
			got = append(got, show(e, time.UTC))
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: window gives %d occurrences, full run %d\ngot  %q\nwant %q", r.rule, len(got), len(want), got, want)
		}
	}
}

func TestRunawayRuleIsBounded(t *testing.T) {
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nDTSTART:00010101T000000Z\nRRULE:FREQ=SECONDLY\nEND:VEVENT\nEND:VCALENDAR\n"
	c, err := Parse("run.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
	want := []string{"run.ics:2 (UID s): stopped expanding after 100000 occurrences; left the later ones out"}
	if !reflect.DeepEqual(r.Warnings, want) || len(r.Events) == 0 || len(r.Events) > maxRuleOccurrences {
		t.Errorf("%d occurrences, warnings %q; want some, and %q", len(r.Events), r.Warnings, want)
	}
}
