package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes the report's weeks as CSV: a header row, then one row per
// week, in the order of [Report.Weeks]. Minutes are whole numbers, shares
// are fractions as in the JSON document (0.6125 is 61.25%) and empty when a
// week has no capacity, booleans are true or false, and the reasons are
// joined with "; ". Every meeting category has a count and a minutes
// column, in the order of [Settings.Categories].
//
// Text cells that a spreadsheet would take for a formula (starting with =,
// +, -, @, a tab or a carriage return) get a leading single quote; numbers
// are written as they are.
func WriteCSV(w io.Writer, r Report) error {
	cats := categoryOrder(r.Settings.Categories, weekCategories(r.Weeks))
	header := []string{
		"week_start", "week_end", "full", "current",
		"capacity_minutes", "meeting_minutes", "focus_minutes", "fragmented_minutes",
		"out_of_office_minutes", "personal_minutes", "after_hours_meeting_minutes",
		"focus_booked_minutes", "external_meeting_minutes",
		"meeting_share", "focus_share", "fragmented_share",
		"meeting_count", "back_to_back_chains", "meeting_free_days", "longest_focus_minutes",
	}
	for _, c := range cats {
		header = append(header, c+"_count", c+"_minutes")
	}
	header = append(header, "track", "bottleneck_risk", "reasons")

	cw := csv.NewWriter(w)
	if err := cw.Write(csvCells(header)); err != nil {
		return err
	}
	for _, wk := range r.Weeks {
		row := []string{
			csvCell(wk.WeekStart), csvCell(wk.WeekEnd),
			strconv.FormatBool(wk.Full), strconv.FormatBool(wk.Current),
			strconv.Itoa(wk.CapacityMinutes), strconv.Itoa(wk.MeetingMinutes),
			strconv.Itoa(wk.FocusMinutes), strconv.Itoa(wk.FragmentedMinutes),
			strconv.Itoa(wk.OutOfOfficeMinutes), strconv.Itoa(wk.PersonalMinutes),
			strconv.Itoa(wk.AfterHoursMeetingMinutes), strconv.Itoa(wk.FocusBookedMinutes),
			strconv.Itoa(wk.ExternalMeetingMinutes),
			csvShare(wk.MeetingShare), csvShare(wk.FocusShare), csvShare(wk.FragmentedShare),
			strconv.Itoa(wk.MeetingCount), strconv.Itoa(wk.BackToBackChains),
			strconv.Itoa(wk.MeetingFreeDays), strconv.Itoa(wk.LongestFocusMinutes),
		}
		for _, c := range cats {
			ct := wk.Categories[c]
			row = append(row, strconv.Itoa(ct.Count), strconv.Itoa(ct.Minutes))
		}
		row = append(row, csvCell(string(wk.Track)), strconv.FormatBool(wk.BottleneckRisk),
			csvCell(strings.Join(wk.Reasons, "; ")))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteEventsCSV writes the events as CSV: a header row, then one row per
// event with its start, end, all_day, title, kind, category, reason, people
// (joined with ";"), recurring, what it adds up to (working_minutes,
// after_hours_minutes, away_minutes), uid and origin. Text cells are
// guarded against formula injection as in [WriteCSV].
func WriteEventsCSV(w io.Writer, events []Event) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{
		"start", "end", "all_day", "title", "kind", "category", "reason", "people", "recurring",
		"working_minutes", "after_hours_minutes", "away_minutes", "uid", "origin",
	}); err != nil {
		return err
	}
	for _, e := range events {
		if err := cw.Write([]string{
			csvCell(e.Start), csvCell(e.End), strconv.FormatBool(e.AllDay),
			csvCell(e.Title), csvCell(e.Kind), csvCell(e.Category), csvCell(e.Reason),
			csvCell(strings.Join(e.People, ";")), strconv.FormatBool(e.Recurring),
			strconv.Itoa(e.WorkingMinutes), strconv.Itoa(e.AfterHoursMinutes), strconv.Itoa(e.AwayMinutes),
			csvCell(e.UID), csvCell(e.Origin),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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

// csvCell guards a text cell against formula injection: a spreadsheet
// evaluates a cell that starts with =, +, - or @ (and, in some, after a
// leading tab or carriage return), so such a cell gets a leading single
// quote, which spreadsheets show as text. Numbers never pass through here.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
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
