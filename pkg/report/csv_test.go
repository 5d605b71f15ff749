package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/verdict"
)

// The fixtures below are shared by the CSV, Markdown and redaction tests:
// a report and an event list written out literally, so that every value a
// test expects is in plain sight.

func fxShare(f float64) *float64 { return &f }

// fxReport has three weeks: a full one, the current one (whose people
// include bob under another case and one of my aliases), and a week with no
// capacity (null shares); three people, two of my addresses, a calendar
// file name and a warning quoting a UID.
func fxReport() Report {
	w1 := Week{WeekStart: "2026-03-02", WeekEnd: "2026-03-08", Full: true, Tally: Tally{
		TimeTally: analyze.TimeTally{Days: 7, WorkDays: 5, WorkingMinutes: 2400, CapacityMinutes: 2400,
			MeetingMinutes: 1320, FocusMinutes: 600, FragmentedMinutes: 480,
			AfterHoursMeetingMinutes: 30, FocusBookedMinutes: 120, ExternalMeetingMinutes: 60},
		MeetingShare: fxShare(0.55), FocusShare: fxShare(0.25), FragmentedShare: fxShare(0.2),
		MeetingTally: analyze.MeetingTally{MeetingCount: 14, BackToBackChains: 3, MeetingFreeDays: 0, LongestFocusMinutes: 180},
		Categories:   map[string]Category{"one_on_one": {4, 180}, "recurring": {8, 960}, "large": {2, 180}},
		TopPeople:    []Person{{"bob@corp.example", 300}, {"Carol Danvers", 120}},
		Verdict: verdict.Verdict{Track: verdict.TrackEM,
			Reasons: []string{"meetings take 55% of working time, inside an engineering manager's 50%–75%", "focus time is 25%"}},
	}}
	w2 := Week{WeekStart: "2026-03-09", WeekEnd: "2026-03-15", Full: true, Current: true, Tally: Tally{
		TimeTally: analyze.TimeTally{Days: 7, WorkDays: 5, WorkingMinutes: 2400, CapacityMinutes: 1920, OutOfOfficeMinutes: 480,
			MeetingMinutes: 480, FocusMinutes: 1200, FragmentedMinutes: 240, PersonalMinutes: 60},
		MeetingShare: fxShare(0.25), FocusShare: fxShare(0.625), FragmentedShare: fxShare(0.125),
		MeetingTally: analyze.MeetingTally{MeetingCount: 6, MeetingFreeDays: 1, LongestFocusMinutes: 300},
		Categories:   map[string]Category{"one_on_one": {2, 60}, "interview": {1, 60}},
		TopPeople:    []Person{{"Carol Danvers", 200}, {"BOB@corp.example", 100}, {"ana.alias@corp.example", 30}},
		Verdict: verdict.Verdict{Track: verdict.TrackIC,
			Reasons: []string{"focus time is 63%, within an individual contributor's 60%–100% coding time", "title says \"vacation\""}},
	}}
	w3 := Week{WeekStart: "2026-03-16", WeekEnd: "2026-03-18", Tally: Tally{
		TimeTally:  analyze.TimeTally{Days: 3, WorkDays: 3, WorkingMinutes: 1440, OutOfOfficeMinutes: 1440},
		Categories: map[string]Category{}, TopPeople: []Person{},
		Verdict: verdict.Verdict{Track: verdict.TrackNone, Reasons: []string{"no working time: out of office all week"}},
	}}
	cw := w2
	return Report{
		Head: Head{
			SchemaVersion: SchemaVersion,
			Timezone:      "Europe/Berlin",
			Today:         "2026-03-11",
			Range:         Range{From: "2026-03-02", To: "2026-03-18", Days: 17, Weeks: 3},
			Me:            []string{"ana@corp.example", "Ana.Alias@corp.example"},
			Sources:       []string{"ana-work.ics"},
			Settings: Settings{
				WorkHours: map[string]string{"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-17:00"},
				WeekStart: "mon", FocusMinMinutes: 120, BackToBackGapMinutes: 5, LargeMeetingPeople: 10,
				Domain: "corp.example",
				Bands:  Bands{EMMeetingMin: 0.5, EMMeetingMax: 0.75, ICFocusMin: 0.6, ICFocusMax: 1, EMFocusMax: 0.2},
			},
		},
		Weeks: []Week{w1, w2, w3},
		Summary: Summary{From: "2026-03-02", To: "2026-03-18", Tally: Tally{
			TimeTally: analyze.TimeTally{Days: 17, WorkDays: 13, WorkingMinutes: 6240, CapacityMinutes: 4320,
				MeetingMinutes: 1800, FocusMinutes: 1800, FragmentedMinutes: 720},
			MeetingShare: fxShare(0.4167), FocusShare: fxShare(0.4167), FragmentedShare: fxShare(0.1667),
			MeetingTally: analyze.MeetingTally{MeetingCount: 20, BackToBackChains: 3, MeetingFreeDays: 1, LongestFocusMinutes: 300},
			Categories:   map[string]Category{"one_on_one": {6, 240}, "recurring": {8, 960}},
			TopPeople:    []Person{{"bob@corp.example", 400}, {"Carol Danvers", 320}, {"dave@partner.example", 60}},
			Verdict: verdict.Verdict{Track: verdict.TrackHybrid,
				Reasons: []string{"meetings take 42% of working time, below an engineering manager's 50%–75%"}},
		}, CurrentWeek: &cw},
		Heat:     []HeatDay{{Weekday: "mon", Days: 3, MeetingMinutes: [24]int{9: 60, 10: 30}, FocusMinutes: [24]int{13: 60}}},
		Warnings: []string{"ana-work.ics:42 (UID secret-uid-7@corp.example): end before start"},
	}
}

// fxEvents share people with fxReport; two share a title and a UID.
func fxEvents() []Event {
	return []Event{
		{Start: "2026-03-02T10:00:00+01:00", End: "2026-03-02T10:30:00+01:00", Title: "Salary review with Bob", Kind: "meeting",
			Category: "one_on_one", Reason: "two people", People: []string{"bob@corp.example"}, WorkingMinutes: 30,
			UID: "secret-uid-1@corp.example", Origin: "ana-work.ics:10"},
		{Start: "2026-03-03T10:00:00+01:00", End: "2026-03-03T11:00:00+01:00", Title: "Project Falcon | budget", Kind: "meeting",
			Category: "recurring", Reason: "recurring series", People: []string{"Carol Danvers", "dave@partner.example", "ana.alias@corp.example"},
			Recurring: true, WorkingMinutes: 60, UID: "secret-uid-2@corp.example", Origin: "ana-work.ics:20"},
		{Start: "2026-03-10T10:00:00+01:00", End: "2026-03-10T11:00:00+01:00", Title: "Project Falcon | budget", Kind: "meeting",
			Category: "recurring", Reason: "recurring series", People: []string{"BOB@corp.example", "Carol Danvers"},
			Recurring: true, WorkingMinutes: 45, AfterHoursMinutes: 15, UID: "secret-uid-2@corp.example", Origin: "ana-work.ics:20"},
		{Start: "2026-03-13T00:00:00+01:00", End: "2026-03-14T00:00:00+01:00", AllDay: true, Title: "Vacation in Lisbon", Kind: "out_of_office",
			Reason: "title says \"vacation\"", People: []string{}, AwayMinutes: 480, UID: "secret-uid-3@corp.example", Origin: "ana-work.ics:30"},
	}
}

// readCSV parses CSV output, checking every row has the header's width.
func csvRead(t *testing.T, b []byte) (header []string, rows []map[string]string) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("output does not parse as CSV: %v\n%s", err, b)
	}
	if len(records) == 0 {
		t.Fatalf("no header row:\n%s", b)
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

func csvShareCell(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}

func TestWriteCSVHasOneRowPerWeekWithTheReportsValues(t *testing.T) {
	withCustom := fxReport()
	withCustom.Weeks[2].Categories = map[string]Category{"board": {1, 90}}
	tests := []struct {
		name  string
		r     Report
		extra []string // category columns beyond the built-in ones
	}{
		{"three weeks", fxReport(), nil},
		{"no weeks", Report{}, nil},
		{"a custom category", withCustom, []string{"board"}},
	}
	wantHeader := []string{
		"week_start", "week_end", "full", "current", "capacity_minutes", "meeting_minutes", "focus_minutes",
		"fragmented_minutes", "out_of_office_minutes", "personal_minutes", "after_hours_meeting_minutes",
		"focus_booked_minutes", "external_meeting_minutes", "meeting_share", "focus_share", "fragmented_share",
		"meeting_count", "back_to_back_chains", "meeting_free_days", "longest_focus_minutes",
		"interview_count", "interview_minutes", "one_on_one_count", "one_on_one_minutes", "large_count", "large_minutes",
		"recurring_count", "recurring_minutes", "ad_hoc_count", "ad_hoc_minutes",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, tt.r); err != nil {
				t.Fatal(err)
			}
			header, rows := csvRead(t, buf.Bytes())
			want := slices.Clone(wantHeader)
			for _, c := range tt.extra {
				want = append(want, c+"_count", c+"_minutes")
			}
			want = append(want, "track", "bottleneck_risk", "reasons")
			if !slices.Equal(header, want) {
				t.Errorf("header =\n%q\nwant\n%q", header, want)
			}
			if len(rows) != len(tt.r.Weeks) {
				t.Fatalf("%d rows, want one per week (%d)", len(rows), len(tt.r.Weeks))
			}
			for i, wk := range tt.r.Weeks {
				row := rows[i]
				wantCells := map[string]string{
					"week_start": wk.WeekStart, "week_end": wk.WeekEnd,
					"full": strconv.FormatBool(wk.Full), "current": strconv.FormatBool(wk.Current),
					"capacity_minutes": strconv.Itoa(wk.CapacityMinutes), "meeting_minutes": strconv.Itoa(wk.MeetingMinutes),
					"focus_minutes": strconv.Itoa(wk.FocusMinutes), "fragmented_minutes": strconv.Itoa(wk.FragmentedMinutes),
					"out_of_office_minutes": strconv.Itoa(wk.OutOfOfficeMinutes), "personal_minutes": strconv.Itoa(wk.PersonalMinutes),
					"after_hours_meeting_minutes": strconv.Itoa(wk.AfterHoursMeetingMinutes),
					"focus_booked_minutes":        strconv.Itoa(wk.FocusBookedMinutes),
					"external_meeting_minutes":    strconv.Itoa(wk.ExternalMeetingMinutes),
					"meeting_share":               csvShareCell(wk.MeetingShare), "focus_share": csvShareCell(wk.FocusShare),
					"fragmented_share": csvShareCell(wk.FragmentedShare),
					"meeting_count":    strconv.Itoa(wk.MeetingCount), "back_to_back_chains": strconv.Itoa(wk.BackToBackChains),
					"meeting_free_days": strconv.Itoa(wk.MeetingFreeDays), "longest_focus_minutes": strconv.Itoa(wk.LongestFocusMinutes),
					"track": string(wk.Track), "bottleneck_risk": strconv.FormatBool(wk.BottleneckRisk),
					"reasons": strings.Join(wk.Reasons, "; "),
				}
				// The category columns sit between longest_focus_minutes and track.
				for _, h := range want[20 : len(want)-3] {
					if c, ok := strings.CutSuffix(h, "_count"); ok {
						wantCells[h] = strconv.Itoa(wk.Categories[c].Count)
					} else if c, ok := strings.CutSuffix(h, "_minutes"); ok {
						wantCells[h] = strconv.Itoa(wk.Categories[c].Minutes)
					}
				}
				for h, v := range wantCells {
					if row[h] != v {
						t.Errorf("week %d: %s = %q, want %q", i+1, h, row[h], v)
					}
				}
			}
		})
	}
}

func TestCSVSharesParseBackToTheSameNumbers(t *testing.T) {
	r := fxReport()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	_, rows := csvRead(t, buf.Bytes())
	for i, wk := range r.Weeks {
		for col, share := range map[string]*float64{"meeting_share": wk.MeetingShare, "focus_share": wk.FocusShare, "fragmented_share": wk.FragmentedShare} {
			cell := rows[i][col]
			if share == nil {
				if cell != "" {
					t.Errorf("week %d: %s = %q, want an empty cell for a null share", i+1, col, cell)
				}
				continue
			}
			if got, err := strconv.ParseFloat(cell, 64); err != nil || got != *share {
				t.Errorf("week %d: %s = %q, want %v", i+1, col, cell, *share)
			}
		}
	}
}

func TestCSVNeutralisesFormulasInText(t *testing.T) {
	tests := []struct {
		title, want string
	}{
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"+1 555 0100 call", "'+1 555 0100 call"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "' =1+1"},
		{"\r=1+1", "' =1+1"},
		{"  @SUM(A1)", "'  @SUM(A1)"},
		{"Planning = fun", "Planning = fun"},
		{"1:1 with Bob, \"quoted\"\nsecond line", "1:1 with Bob, \"quoted\" second line"},
		{"Windows\r\nline end", "Windows line end"},
		{"\x1b[2Jcleared\x07 \x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "cleared link"},
		{"\x1b[31m=1+1", "'=1+1"},
		{"bidi \u202egnp.exe", "bidi gnp.exe"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.title), func(t *testing.T) {
			e := Event{Start: "2026-03-02T10:00:00+01:00", End: "2026-03-02T11:00:00+01:00", Title: tt.title,
				Kind: "meeting", People: []string{"=cmd|' /C calc'!A0", "bob@corp.example"}, WorkingMinutes: 60}
			var buf bytes.Buffer
			if err := WriteEventsCSV(&buf, []Event{e}); err != nil {
				t.Fatal(err)
			}
			header, rows := csvRead(t, buf.Bytes())
			wantHeader := []string{"start", "end", "all_day", "title", "kind", "category", "reason", "people", "recurring",
				"working_minutes", "after_hours_minutes", "away_minutes", "uid", "origin"}
			if !slices.Equal(header, wantHeader) {
				t.Errorf("header = %q, want %q", header, wantHeader)
			}
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			row := rows[0]
			if row["title"] != tt.want {
				t.Errorf("title cell = %q, want %q", row["title"], tt.want)
			}
			if want := "'=cmd|' /C calc'!A0;bob@corp.example"; row["people"] != want {
				t.Errorf("people cell = %q, want %q", row["people"], want)
			}
			if row["working_minutes"] != "60" || row["start"] != e.Start || row["all_day"] != "false" {
				t.Errorf("numbers, times or flags were touched: %v", row)
			}
		})
	}
}

func TestCSVNeutralisesFormulasInReasons(t *testing.T) {
	r := Report{Weeks: []Week{{WeekStart: "2026-03-02", Tally: Tally{
		Verdict: verdict.Verdict{Track: verdict.TrackIC, Reasons: []string{"=1+1", "fine"}}, MeetingShare: fxShare(0.1),
	}}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	_, rows := csvRead(t, buf.Bytes())
	if got := rows[0]["reasons"]; got != "'=1+1; fine" {
		t.Errorf("reasons = %q, want the formula quoted", got)
	}
	if got := rows[0]["meeting_share"]; got != "0.1" {
		t.Errorf("meeting_share = %q, want 0.1", got)
	}
}

func TestEventsCSVHasOneRowPerEvent(t *testing.T) {
	events := fxEvents()
	var buf bytes.Buffer
	if err := WriteEventsCSV(&buf, events); err != nil {
		t.Fatal(err)
	}
	_, rows := csvRead(t, buf.Bytes())
	if len(rows) != len(events) {
		t.Fatalf("%d rows, want %d", len(rows), len(events))
	}
	for i, e := range events {
		row := rows[i]
		want := map[string]string{
			"start": e.Start, "end": e.End, "all_day": strconv.FormatBool(e.AllDay), "title": e.Title,
			"kind": e.Kind, "category": e.Category, "reason": e.Reason, "people": strings.Join(e.People, ";"),
			"recurring": strconv.FormatBool(e.Recurring), "working_minutes": strconv.Itoa(e.WorkingMinutes),
			"after_hours_minutes": strconv.Itoa(e.AfterHoursMinutes), "away_minutes": strconv.Itoa(e.AwayMinutes),
			"uid": e.UID, "origin": e.Origin,
		}
		for h, v := range want {
			if row[h] != v {
				t.Errorf("event %d: %s = %q, want %q", i+1, h, row[h], v)
			}
		}
	}
}
