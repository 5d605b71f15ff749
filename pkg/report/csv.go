package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/textsafe"
)

// WriteCSV writes the report's weeks as CSV: a header row, then one row per
// week, in the order of [Report.Weeks]. Minutes are whole numbers, shares
// are fractions as in the JSON document (0.6125 is 61.25%) and empty when a
// week has no capacity, booleans are true or false, and the reasons are
// joined with "; ". Every meeting category has a count and a minutes
// column, in the order of [Settings.Categories].
//
// Every text cell is one line: a line break or a tab in it becomes a space,
// and escape sequences and other control characters are taken out. Text
// cells that a spreadsheet would take for a formula (starting with =, +, -
// or @, after any spaces) get a leading single quote; numbers are written
// as they are.
func WriteCSV(w io.Writer, r Report) error {
	return writeColumns(w, weekColumns(categoryOrder(r.Settings.Categories, weekCategories(r.Weeks)), r.HasGit()), r.Weeks)
}

// writeColumns writes a CSV table of rows: the columns' names, then a
// line per row.
func writeColumns[T any](w io.Writer, cols []column[T], rows []T) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvCells(header)); err != nil {
		return err
	}
	row := make([]string, len(cols))
	for _, x := range rows {
		for i, c := range cols {
			row[i] = c.cell(x)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// A column is one column of a CSV table of Ts (weeks, the trend's
// weeks): its name (the JSON key of what it holds) and its cell for a T.
type column[T any] struct {
	name string
	cell func(T) string
}

// weekColumns are the weekly CSV's columns, a table per family, so that a
// column's name and its value are written once; the coding family's only
// with git history. A new family of counters adds its table here.
func weekColumns(categories []string, git bool) []column[Week] {
	cols := []column[Week]{
		textColumn("week_start", func(w Week) string { return w.WeekStart }),
		textColumn("week_end", func(w Week) string { return w.WeekEnd }),
		boolColumn("full", func(w Week) bool { return w.Full }),
		boolColumn("current", func(w Week) bool { return w.Current }),
	}
	cols = append(cols, timeColumns()...)
	cols = append(cols, shareColumns()...)
	cols = append(cols, meetingColumns()...)
	cols = append(cols, categoryColumns(categories)...)
	if git {
		cols = append(cols, codingColumns()...)
	}
	return append(cols, verdictColumns(git)...)
}

// codingColumns are the coding family's, and its shares.
func codingColumns() []column[Week] {
	return []column[Week]{
		intColumn("coding_minutes", func(w Week) int { return w.CodingMinutes }),
		intColumn("coding_in_focus_minutes", func(w Week) int { return w.CodingInFocusMinutes }),
		intColumn("coding_after_hours_minutes", func(w Week) int { return w.CodingAfterHoursMinutes }),
		intColumn("commits", func(w Week) int { return w.Commits }),
		intColumn("coding_sessions", func(w Week) int { return w.CodingSessions }),
		intColumn("repos", func(w Week) int { return w.Repos }),
		shareColumn("coding_share", func(w Week) *float64 { return w.CodingShare }),
		shareColumn("focus_used_for_coding", func(w Week) *float64 { return w.FocusUsedForCoding }),
	}
}

// timeColumns are the time family's: where the capacity went.
func timeColumns() []column[Week] {
	return []column[Week]{
		intColumn("capacity_minutes", func(w Week) int { return w.CapacityMinutes }),
		intColumn("meeting_minutes", func(w Week) int { return w.MeetingMinutes }),
		intColumn("focus_minutes", func(w Week) int { return w.FocusMinutes }),
		intColumn("fragmented_minutes", func(w Week) int { return w.FragmentedMinutes }),
		intColumn("out_of_office_minutes", func(w Week) int { return w.OutOfOfficeMinutes }),
		intColumn("personal_minutes", func(w Week) int { return w.PersonalMinutes }),
		intColumn("after_hours_meeting_minutes", func(w Week) int { return w.AfterHoursMeetingMinutes }),
		intColumn("focus_booked_minutes", func(w Week) int { return w.FocusBookedMinutes }),
		intColumn("external_meeting_minutes", func(w Week) int { return w.ExternalMeetingMinutes }),
	}
}

func shareColumns() []column[Week] {
	return []column[Week]{
		shareColumn("meeting_share", func(w Week) *float64 { return w.MeetingShare }),
		shareColumn("focus_share", func(w Week) *float64 { return w.FocusShare }),
		shareColumn("fragmented_share", func(w Week) *float64 { return w.FragmentedShare }),
	}
}

// meetingColumns are the meeting family's.
func meetingColumns() []column[Week] {
	return []column[Week]{
		intColumn("meeting_count", func(w Week) int { return w.MeetingCount }),
		intColumn("back_to_back_chains", func(w Week) int { return w.BackToBackChains }),
		intColumn("meeting_free_days", func(w Week) int { return w.MeetingFreeDays }),
		intColumn("longest_focus_minutes", func(w Week) int { return w.LongestFocusMinutes }),
	}
}

// categoryColumns are a count and a minutes column per category.
func categoryColumns(categories []string) []column[Week] {
	var cols []column[Week]
	for _, c := range categories {
		cols = append(cols,
			intColumn(c+"_count", func(w Week) int { return w.Categories[c].Count }),
			intColumn(c+"_minutes", func(w Week) int { return w.Categories[c].Minutes }))
	}
	return cols
}

func verdictColumns(git bool) []column[Week] {
	cols := []column[Week]{textColumn("track", func(w Week) string { return string(w.Track) })}
	if git {
		cols = append(cols, textColumn("coding_track", func(w Week) string { return string(w.CodingTrack) }))
	}
	return append(cols,
		boolColumn("bottleneck_risk", func(w Week) bool { return w.BottleneckRisk }),
		textColumn("reasons", func(w Week) string { return strings.Join(w.Reasons, "; ") }))
}

func intColumn[T any](name string, n func(T) int) column[T] {
	return column[T]{name, func(x T) string { return strconv.Itoa(n(x)) }}
}

func boolColumn[T any](name string, b func(T) bool) column[T] {
	return column[T]{name, func(x T) string { return strconv.FormatBool(b(x)) }}
}

func shareColumn[T any](name string, s func(T) *float64) column[T] {
	return column[T]{name, func(x T) string { return csvShare(s(x)) }}
}

// textColumn holds text, guarded by [csvCell].
func textColumn[T any](name string, s func(T) string) column[T] {
	return column[T]{name, func(x T) string { return csvCell(s(x)) }}
}

// WriteEventsCSV writes the events as CSV: a header row, then one row per
// event with its start, end, all_day, title, kind, category, reason, people
// (joined with ";"), recurring, what it adds up to (working_minutes,
// after_hours_minutes, away_minutes), uid and origin; when the list holds
// rows from git history, then repositories (joined with ";"), commits,
// hash and uncounted_minutes (a coding session's minutes not counted). Text cells are guarded against formula injection as in
// [WriteCSV].
func WriteEventsCSV(w io.Writer, events []Event) error {
	bw := bufio.NewWriterSize(w, flushAt)
	cw := csv.NewWriter(bw)
	header := []string{
		"start", "end", "all_day", "title", "kind", "category", "reason", "people", "recurring",
		"working_minutes", "after_hours_minutes", "away_minutes", "uid", "origin",
	}
	git := hasCoding(events)
	if git {
		header = append(header, "repositories", "commits", "hash", "uncounted_minutes")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range events {
		row := []string{
			csvCell(e.Start), csvCell(e.End), strconv.FormatBool(e.AllDay),
			csvCell(e.Title), csvCell(e.Kind), csvCell(e.Category), csvCell(e.Reason),
			csvCell(strings.Join(e.People, ";")), strconv.FormatBool(e.Recurring),
			strconv.Itoa(e.WorkingMinutes), strconv.Itoa(e.AfterHoursMinutes), strconv.Itoa(e.AwayMinutes),
			csvCell(e.UID), csvCell(e.Origin),
		}
		if git {
			row = append(row, csvCell(strings.Join(e.Repositories, ";")), strconv.Itoa(e.Commits), csvCell(e.Hash), strconv.Itoa(e.UncountedMinutes))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// weekCategories are the categories the weeks name, counted or not.
func weekCategories(weeks []Week) map[string]Category {
	all := make(map[string]Category)
	for _, wk := range weeks {
		for c := range wk.Categories {
			all[c] = Category{}
		}
	}
	return all
}

// csvShare writes a share as the JSON document does, or an empty cell when
// there is none.
func csvShare(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}

// csvCell makes a text cell one line with no control character (see
// [textsafe.Line]: a line break or a tab becomes a space, an escape
// sequence goes), then guards it against formula injection: a spreadsheet
// evaluates a cell that starts with =, +, - or @ (and, in some, after
// leading blanks), so such a cell gets a leading single quote, which
// spreadsheets show as text. Numbers never pass through here.
func csvCell(s string) string {
	s = textsafe.Line(s)
	if t := strings.TrimLeft(s, " "); t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}

func csvCells(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = csvCell(s)
	}
	return out
}
