package ics

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

// corpus is a collection of real-world calendars from an iCalendar
// recurrence test suite, kept beside the repository; a user's clone does
// not have it.
const corpus = "../../../shared/corpus/ics"

// brokenOnPurpose are the corpus files that are wrong, on purpose or as
// exported: each must be refused with an error or read with a warning,
// never silently.
var brokenOnPurpose = map[string]bool{
	"bad_rrule_missing_until_event.ics":     true, // UNTL for UNTIL
	"end_before_start_event.ics":            true, // swapped
	"issue_132_swapped_start_and_end.ics":   true, // swapped
	"issue_201_test_matrix.ics":             true, // END:VTOOD, dates and date-times mixed
	"issue_61_time_zone_error.ics":          true, // an ORGANIZER line broken in two
	"Germany_Holidays.ics":                  true, // DTEND on the day of DTSTART
	"issue_201_mixed_datetime_and_date.ics": true, // a date DTSTART, a date-time DTEND
	"issue_4_rrule_until.ics":               true, // UNTIL a date on a series of date-times
	"issue_75_range_parameter.ics":          true, // the same
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpus, "*.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no corpus at %s", corpus)
	}
	return files
}

// TestCorpus reads every corpus file and expands 1990–2040.
func TestCorpus(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	q := calendar.Query{From: day(1990, 1, 1), To: day(2040, 1, 1), Zone: berlin}
	for _, path := range corpusFiles(t) {
		base := filepath.Base(path)
		t.Run(base, func(t *testing.T) {
			c, err := ReadFile(path)
			if brokenOnPurpose[base] {
				if err != nil {
					if !strings.Contains(err.Error(), base) {
						t.Errorf("error does not name the file: %v", err)
					}
					return
				}
				r := query(t, c, q)
				if len(r.Warnings) == 0 {
					t.Fatal("no error and no warning for a broken file")
				}
				for _, w := range r.Warnings {
					if !strings.Contains(w, base) {
						t.Errorf("warning does not name the file: %s", w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := query(t, c, q)
			if len(r.Warnings) > 0 {
				t.Errorf("warnings:\n%s", strings.Join(r.Warnings, "\n"))
			}
			for i := 1; i < len(r.Events); i++ {
				if r.Events[i].Start.Before(r.Events[i-1].Start) {
					t.Fatalf("not sorted at %d", i)
				}
			}
		})
	}
}

// TestCorpusOccurrences checks exact occurrences, worked out by hand from
// each file.
func TestCorpusOccurrences(t *testing.T) {
	corpusFiles(t)
	berlin := zone(t, "Europe/Berlin")
	newYork := zone(t, "America/New_York")
	la := zone(t, "America/Los_Angeles")
	tests := []struct {
		file    string
		title   string // only occurrences with this title, when set
		q       calendar.Query
		display *time.Location
		want    []string
	}{
		// COUNT=8 weekly from Monday 00:30; the EXDATE 2019-03-10T23:30Z
		// is Monday 11 March 00:30 in Berlin.
		{"each_week_but_one_deleted.ics", "", calendar.Query{From: day(2019, 1, 1), To: day(2020, 1, 1), Zone: berlin}, berlin, []string{
			"2019-03-04 00:30 – 2019-03-04 01:00 test6",
			"2019-03-18 00:30 – 2019-03-18 01:00 test6",
			"2019-03-25 00:30 – 2019-03-25 01:00 test6",
			"2019-04-01 00:30 – 2019-04-01 01:00 test6",
			"2019-04-08 00:30 – 2019-04-08 01:00 test6",
			"2019-04-15 00:30 – 2019-04-15 01:00 test6",
			"2019-04-22 00:30 – 2019-04-22 01:00 test6",
		}},
		// WEEKLY;WKST=SU;COUNT=6;BYDAY=MO,TU,WE from Monday 4 March.
		{"daylight_saving_time.ics", "Open Health HACKademy - freie Termine", calendar.Query{From: day(2019, 1, 1), To: day(2020, 1, 1), Zone: berlin}, berlin, []string{
			"2019-03-04 14:00 – 2019-03-04 18:00 Open Health HACKademy - freie Termine",
			"2019-03-05 14:00 – 2019-03-05 18:00 Open Health HACKademy - freie Termine",
			"2019-03-06 14:00 – 2019-03-06 18:00 Open Health HACKademy - freie Termine",
			"2019-03-11 14:00 – 2019-03-11 18:00 Open Health HACKademy - freie Termine",
			"2019-03-12 14:00 – 2019-03-12 18:00 Open Health HACKademy - freie Termine",
			"2019-03-13 14:00 – 2019-03-13 18:00 Open Health HACKademy - freie Termine",
		}},
		// Thursdays 08:30 in Berlin, less 7 March, across the change to
		// CEST on 31 March (shown in UTC: 07:30, then 06:30).
		{"daylight_saving_time.ics", "Montessori Schulklasse", calendar.Query{From: day(2019, 2, 25), To: day(2019, 4, 8), Zone: berlin}, time.UTC, []string{
			"2019-02-28 07:30 – 2019-02-28 13:30 Montessori Schulklasse",
			"2019-03-01 07:30 – 2019-03-01 13:30 Montessori Schulklasse",
			"2019-03-14 07:30 – 2019-03-14 13:30 Montessori Schulklasse",
			"2019-03-15 07:30 – 2019-03-15 13:30 Montessori Schulklasse",
			"2019-03-21 07:30 – 2019-03-21 13:30 Montessori Schulklasse",
			"2019-03-22 07:30 – 2019-03-22 13:30 Montessori Schulklasse",
			"2019-03-28 07:30 – 2019-03-28 13:30 Montessori Schulklasse",
			"2019-03-29 07:30 – 2019-03-29 13:30 Montessori Schulklasse",
			"2019-04-04 06:30 – 2019-04-04 12:30 Montessori Schulklasse",
			"2019-04-05 06:30 – 2019-04-05 12:30 Montessori Schulklasse",
		}},
		// The third event: DTSTART, and an RDATE that an EXDATE removes.
		{"rdate.ics", "rdate but exdate removes the date again", calendar.Query{From: day(2000, 1, 1), To: day(2040, 1, 1), Zone: time.UTC}, time.UTC, []string{
			"2024-08-03 19:00 – 2024-08-03 21:00 rdate but exdate removes the date again",
		}},
		// One override moves an occurrence's title; two move its time.
		{"recurring_events_moved.ics", "", calendar.Query{From: day(2019, 1, 1), To: day(2020, 1, 1), Zone: berlin}, berlin, []string{
			"2019-03-07 02:00 – 2019-03-07 03:00 New Event",
			"2019-03-08 01:00 – 2019-03-08 02:00 New Event",
			"2019-03-09 03:00 – 2019-03-09 04:00 New Event",
			"2019-03-10 02:00 – 2019-03-10 03:00 New Event",
			"2019-03-18 04:00 – 2019-03-18 05:00 test7",
			"2019-03-19 04:00 – 2019-03-19 05:00 test7 - edited",
			"2019-03-20 04:00 – 2019-03-20 05:00 test7",
		}},
		// DURATION:P3D on a date, PT3H on a floating time, and neither.
		{"duration.ics", "", calendar.Query{From: day(2018, 1, 1), To: day(2019, 1, 1), Zone: berlin}, berlin, []string{
			"2018-01-10 00:00 – 2018-01-13 00:00 Duration Event 1 [all-day]",
			"2018-01-15 10:00 – 2018-01-15 13:00 Duration Event 2",
			"2018-01-20 12:00 – 2018-01-20 12:00 Short event",
		}},
		{"issue_18_cancel_status.ics", "", calendar.Query{From: day(2020, 1, 1), To: day(2021, 1, 1), Zone: berlin}, berlin, []string{
			"2020-01-28 22:00 – 2020-01-28 23:00 one is cancelled",
			"2020-01-29 22:00 – 2020-01-29 23:00 one is cancelled [cancelled]",
			"2020-01-30 22:00 – 2020-01-30 23:00 one is cancelled",
		}},
		// UTC times; Google shows them in New York.
		{"x_wr_timezone_simple_events_issue_59.ics", "", calendar.Query{From: day(2021, 1, 1), To: day(2022, 1, 1), Zone: newYork}, newYork, []string{
			"2021-12-22 12:00 – 2021-12-22 13:00 Google Calendar says this is noon to 1PM on 12/22/2021",
			"2021-12-22 21:00 – 2021-12-22 22:00 Google says this is 9PM to 10PM on 12/22/2021",
		}},
		// Third Wednesdays (COUNT=9) less 20 December, plus a PERIOD RDATE.
		{"issue_113_period_in_rdate.ics", "", calendar.Query{From: day(2023, 1, 1), To: day(2025, 1, 1), Zone: time.UTC}, zone(t, "America/Vancouver"), []string{
			"2023-09-20 12:00 – 2023-09-20 14:00 Test RDATE",
			"2023-10-18 12:00 – 2023-10-18 14:00 Test RDATE",
			"2023-11-15 12:00 – 2023-11-15 14:00 Test RDATE",
			"2023-12-13 12:00 – 2023-12-13 15:00 Test RDATE",
			"2024-01-17 12:00 – 2024-01-17 14:00 Test RDATE",
			"2024-02-21 12:00 – 2024-02-21 14:00 Test RDATE",
			"2024-03-20 12:00 – 2024-03-20 14:00 Test RDATE",
			"2024-04-17 12:00 – 2024-04-17 14:00 Test RDATE",
			"2024-05-15 12:00 – 2024-05-15 14:00 Test RDATE",
		}},
		// TZID "Pacific Standard Time"; UNTIL 2023-06-08T17:00Z is the
		// start of the last Thursday, 10:00 PDT.
		{"issue_107_omitting_last_event.ics", "", calendar.Query{From: day(2023, 5, 20), To: day(2024, 1, 1), Zone: time.UTC}, la, []string{
			"2023-05-25 10:00 – 2023-05-25 11:00 ",
			"2023-06-01 10:00 – 2023-06-01 11:00 ",
			"2023-06-08 10:00 – 2023-06-08 11:00 ",
		}},
		// RECURRENCE-ID in UTC for a Berlin series, and as a date and a
		// UTC midnight for an all-day series.
		{"issue_36_recurrence_ID_format.ics", "", calendar.Query{From: day(2020, 9, 7), To: day(2020, 9, 22), Zone: berlin}, berlin, []string{
			"2020-09-07 00:00 – 2020-09-08 00:00 Base event [all-day]",
			"2020-09-10 14:00 – 2020-09-10 15:00 Base event",
			"2020-09-14 00:00 – 2020-09-15 00:00 Modified event 1 [all-day]",
			"2020-09-17 14:00 – 2020-09-17 15:00 Modified event",
			"2020-09-21 00:00 – 2020-09-22 00:00 Modified event 2 [all-day]",
		}},
		// An empty RRULE is no rule; DTEND equal to DTSTART is one day.
		{"Germany_Holidays.ics", "New Year's Day", calendar.Query{From: day(2019, 1, 1), To: day(2019, 1, 2), Zone: berlin}, berlin, []string{
			"2019-01-01 00:00 – 2019-01-02 00:00 New Year's Day [all-day]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.title, func(t *testing.T) {
			c, err := ReadFile(filepath.Join(corpus, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range query(t, c, tt.q).Events {
				if tt.title == "" || e.Title == tt.title {
					got = append(got, show(e, tt.display))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCorpusCounts checks long series by their number and their ends.
func TestCorpusCounts(t *testing.T) {
	corpusFiles(t)
	c, err := ReadFile(filepath.Join(corpus, "rdate.ics"))
	if err != nil {
		t.Fatal(err)
	}
	r := query(t, c, calendar.Query{From: day(2000, 1, 1), To: day(2040, 1, 1), Zone: time.UTC})
	byTitle := map[string][]calendar.Event{}
	for _, e := range r.Events {
		byTitle[e.Title] = append(byTitle[e.Title], e)
	}
	tests := []struct {
		title       string
		n           int
		first, last time.Time
		absent      time.Time
	}{
		// Daily 19:00Z from 2013-08-03 while before 2015-03-20T03:00Z: 594
		// days; the RDATE on 2014-07-05 is one of them.
		{"rdate and rrule overlap", 594, time.Date(2013, 8, 3, 19, 0, 0, 0, time.UTC), time.Date(2015, 3, 19, 19, 0, 0, 0, time.UTC), time.Time{}},
		// 2014-08-03 to 2016-03-19 is 595 days, less the EXDATE.
		{"rdate and rrule overlap but exdate removes the date again", 594, time.Date(2014, 8, 3, 19, 0, 0, 0, time.UTC), time.Date(2016, 3, 19, 19, 0, 0, 0, time.UTC), time.Date(2015, 7, 5, 19, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got := byTitle[tt.title]
		if len(got) != tt.n {
			t.Errorf("%s: %d occurrences, want %d", tt.title, len(got), tt.n)
			continue
		}
		if !got[0].Start.Equal(tt.first) || !got[len(got)-1].Start.Equal(tt.last) {
			t.Errorf("%s: from %v to %v, want %v to %v", tt.title, got[0].Start, got[len(got)-1].Start, tt.first, tt.last)
		}
		for _, e := range got {
			if e.Start.Equal(tt.absent) {
				t.Errorf("%s: occurrence at %v despite its EXDATE", tt.title, e.Start)
			}
		}
	}
}

func TestCorpusInfo(t *testing.T) {
	corpusFiles(t)
	tests := map[string]calendar.Info{
		"x_wr_timezone_simple_events_issue_59.ics": {Name: "This calendar features two events of which DTSTART and DTEND must be changed.", Zone: "America/New_York"},
		"Germany_Holidays.ics":                     {Name: "Germany Holidays", Zone: "Etc/GMT"},
		"issue_113_period_in_rdate.ics":            {Name: "Test RDATE"},
	}
	for file, want := range tests {
		c, err := ReadFile(filepath.Join(corpus, file))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := c.Info(context.Background())
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", file, got, want)
		}
	}
}

func corpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.ics"))
	local, _ := filepath.Glob(filepath.Join(fixtures, "*.ics"))
	for _, path := range append(local, files...) {
		data, err := os.ReadFile(path)
		if err == nil && len(data) < 20000 {
			f.Add(data)
		}
	}
}

// TestCorpusAgreesWithReference checks every corpus file against what
// python-recurring-ical-events finds (referenceCounts, referenceStarts),
// where emtime does not differ on purpose (marked there, and listed in the
// package doc). The tables were generated once, in December 2026, from
// python-recurring-ical-events at 170036d2eb0c0bf512a55b2549bbf313bc316a67,
// icalendar at 851cb47758689b54781c0712186d1d9e2ec57dd5 and x-wr-timezone at
// fed541f83a3d3722bd63c777c7b25d594d29ba24, with python-dateutil 2.9.0 and
// the system's zone database; occurrences are counted cancelled ones
// included, as the reference returns them.
func TestCorpusAgreesWithReference(t *testing.T) {
	corpusFiles(t)
	cals := map[string]*Calendar{}
	occurrences := func(t *testing.T, file, from, to, zoneName string) []calendar.Event {
		t.Helper()
		c, ok := cals[file]
		if !ok {
			var err error
			if c, err = ReadFile(filepath.Join(corpus, file)); err != nil {
				t.Fatal(err)
			}
			cals[file] = c
		}
		loc := zone(t, zoneName)
		f, err1 := time.ParseInLocation("20060102", from, loc)
		u, err2 := time.ParseInLocation("20060102", to, loc)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return query(t, c, calendar.Query{From: f, To: u, Zone: loc}).Events
	}
	seen := map[string]bool{}
	for _, w := range referenceCounts {
		seen[w.file] = true
		if got := occurrences(t, w.file, w.from, w.to, w.zone); len(got) != w.n {
			t.Errorf("%s %s–%s in %s: %d occurrences, want %d", w.file, w.from, w.to, w.zone, len(got), w.n)
		}
	}
	for _, path := range corpusFiles(t) {
		if !seen[filepath.Base(path)] {
			t.Errorf("%s: not in referenceCounts", filepath.Base(path))
		}
	}
	for _, w := range referenceStarts {
		var got []string
		for _, e := range occurrences(t, w.file, w.from, w.to, w.zone) {
			s := e.Start.UTC().Format(time.RFC3339)
			if e.AllDay {
				s = "D:" + e.Start.Format(time.DateOnly)
			}
			got = append(got, s)
		}
		slices.Sort(got)
		if !slices.Equal(got, w.starts) {
			t.Errorf("%s %s–%s in %s:\ngot  %q\nwant %q", w.file, w.from, w.to, w.zone, got, w.starts)
		}
	}
}
