package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
)

// MeetingsReport is the document `emtime meetings -o json` prints: the
// range's meetings grouped into series, what each costs, and, when asked,
// the smallest set to drop to reach a target and better times for the
// costliest. Every figure is the what-if's ([whatif.Calendar.Series],
// [whatif.Calendar.Target], [whatif.Calendar.SuggestMoves]): the
// accounting of analyze run again on the calendar without (or with a
// moved) series, never an estimate.
type MeetingsReport struct {
	Head
	// Sort is the order of the series: focus-cost, minutes or
	// occurrences.
	Sort    string          `json:"sort"`
	Summary MeetingsSummary `json:"summary"`
	// Series are the range's series in that order; all of them, or the
	// first of them when the listing was cut (Summary.Series counts all).
	Series []MeetingSeries `json:"series"`
	// Target is the set of series to drop to reach a target, when one was
	// asked for; nil otherwise.
	Target *MeetingsTarget `json:"target"`
	// Moves are the better times found for the first series, when asked
	// for; AttendeesNotKnown then says what they leave open.
	Moves             []MeetingMove `json:"moves,omitempty"`
	AttendeesNotKnown string        `json:"attendees_not_known,omitempty"`
	Warnings          []string      `json:"warnings"`
}

// MeetingsSummary is the range as it is: the figures the series add up
// to, and its track.
type MeetingsSummary struct {
	CapacityMinutes int           `json:"capacity_minutes"`
	MeetingMinutes  int           `json:"meeting_minutes"`
	FocusMinutes    int           `json:"focus_minutes"`
	MeetingCount    int           `json:"meeting_count"`
	MeetingShare    *float64      `json:"meeting_share"`
	FocusShare      *float64      `json:"focus_share"`
	Track           verdict.Track `json:"track"`
	// Series counts every series of the range; Listed those in the
	// document's list.
	Series int `json:"series"`
	Listed int `json:"listed"`
}

// MeetingSeries is a meeting series of the range: a recurring meeting's
// occurrences, or a one-off meeting.
type MeetingSeries struct {
	// Key names the series within the range: "series:" and its series id
	// or UID, "event:" and a number for a one-off.
	Key       string         `json:"key"`
	Recurring bool           `json:"recurring"`
	Title     string         `json:"title"`
	Category  string         `json:"category"`
	People    int            `json:"people"`
	TopPeople []SeriesPerson `json:"top_people"`
	// MyResponse is my answer to its latest occurrence.
	MyResponse    string   `json:"my_response"`
	OrganizerIsMe bool     `json:"organizer_is_me"`
	OneOnOne      bool     `json:"one_on_one"`
	Interview     bool     `json:"interview"`
	Weekdays      []string `json:"weekdays"`
	Occurrences   int      `json:"occurrences"`
	// Minutes is its share of the range's meeting minutes (overlaps go to
	// the meeting that started first): the series' minutes add up to
	// meeting_minutes.
	Minutes       int     `json:"minutes"`
	WeeklyMinutes float64 `json:"weekly_minutes"`
	// FocusCostMinutes is the focus time the range would gain without the
	// series.
	FocusCostMinutes int `json:"focus_cost_minutes"`
}

// SeriesPerson is someone on a series.
type SeriesPerson struct {
	Person      string `json:"person"`
	Name        string `json:"name"`
	Occurrences int    `json:"occurrences"`
}

// MeetingsTarget is the smallest set of series found whose removal brings
// the range to a target.
type MeetingsTarget struct {
	// Track is the track aimed at (ic, hybrid, em), or empty when only
	// shares were; MeetingShare is the most the meeting share may be, and
	// FocusShare the least the focus share may be, when given.
	Track        verdict.Track `json:"track"`
	MeetingShare *float64      `json:"meeting_share"`
	FocusShare   *float64      `json:"focus_share"`
	// Reached is true when dropping Drop reaches the target; Already when
	// the range is there as it is.
	Reached bool `json:"reached"`
	Already bool `json:"already"`
	// Drop are the titles of the series to drop, in the order chosen, and
	// DropKeys their keys.
	Drop     []string     `json:"drop"`
	DropKeys []string     `json:"drop_keys"`
	Steps    []TargetStep `json:"steps"`

	MeetingShareBefore *float64      `json:"meeting_share_before"`
	FocusShareBefore   *float64      `json:"focus_share_before"`
	MeetingShareAfter  *float64      `json:"meeting_share_after"`
	FocusShareAfter    *float64      `json:"focus_share_after"`
	TrackAfter         verdict.Track `json:"track_after"`
	// WithoutMeetingsNotMine is the range without every series I do not
	// organise, and WithoutEveryMeeting without every series.
	WithoutMeetingsNotMine TargetOutcome `json:"without_meetings_not_mine"`
	WithoutEveryMeeting    TargetOutcome `json:"without_every_meeting"`
	Says                   []string      `json:"says"`

	// drop holds the dropped series, for the marks the tables show.
	drop []MeetingSeries
}

// TargetStep is the range after one more series is dropped.
type TargetStep struct {
	Title        string        `json:"title"`
	Key          string        `json:"key"`
	MeetingShare *float64      `json:"meeting_share"`
	FocusShare   *float64      `json:"focus_share"`
	Track        verdict.Track `json:"track"`
}

// TargetOutcome is the range with some series left out.
type TargetOutcome struct {
	Series       int           `json:"series"`
	MeetingShare *float64      `json:"meeting_share"`
	FocusShare   *float64      `json:"focus_share"`
	Track        verdict.Track `json:"track"`
	Reached      bool          `json:"reached"`
}

// MeetingMove is the best time found for a series: the same days,
// another time.
type MeetingMove struct {
	Title    string   `json:"title"`
	Key      string   `json:"key"`
	Weekdays []string `json:"weekdays"`
	// From is its latest occurrence's start and To the new start, as
	// wall-clock times (09:30); To is empty when no time was found.
	From        string `json:"from"`
	To          string `json:"to"`
	Found       bool   `json:"found"`
	GainMinutes int    `json:"gain_minutes"`
	Says        string `json:"says"`
}

// MeetingsInput is everything the meetings' report is made of.
type MeetingsInput struct {
	// Result is the range's accounting and Verdict its track.
	Result   analyze.Result
	Verdict  verdict.Verdict
	Settings analyze.Settings
	Rules    classify.Rules
	Bands    verdict.Bands
	Today    time.Time
	Me       []string
	Sources  []string
	Warnings []string
	// Git is what was read of git history; nil when none was.
	Git *Git
	// Series are every series of the range, in the order to list them,
	// and Sort the order's name; Top, when above zero, cuts the list.
	Series []whatif.Series
	Sort   string
	Top    int
	// Target and Moves are the what-ifs asked for, if any: the target's
	// and the moves' series are indexes in Series.
	Target *whatif.Target
	Moves  []whatif.Move
}

// NewMeetings builds the report of a range's meetings.
func NewMeetings(in MeetingsInput) MeetingsReport {
	res, s := in.Result, in.Settings
	t := res.Total
	r := MeetingsReport{
		Head: newHead(res, s, in.Rules, in.Bands, in.Git, in.Today, in.Me, in.Sources),
		Sort: in.Sort,
		Summary: MeetingsSummary{
			CapacityMinutes: t.CapacityMinutes, MeetingMinutes: t.MeetingMinutes, FocusMinutes: t.FocusMinutes,
			MeetingCount: t.MeetingCount, MeetingShare: share(t.MeetingShare()), FocusShare: share(t.FocusShare()),
			Track: in.Verdict.Track, Series: len(in.Series),
		},
		Series:   []MeetingSeries{},
		Warnings: nonNil(in.Warnings),
	}
	all := make([]MeetingSeries, len(in.Series))
	for i, x := range in.Series {
		all[i] = meetingSeries(x)
	}
	listed := all
	if in.Top > 0 && len(listed) > in.Top {
		listed = listed[:in.Top]
	}
	r.Series = append(r.Series, listed...)
	r.Summary.Listed = len(r.Series)
	if tg := in.Target; tg != nil {
		r.Target = meetingsTarget(*tg, all)
	}
	if in.Moves != nil {
		r.Moves = []MeetingMove{}
		r.AttendeesNotKnown = whatif.AttendeesNotKnown
	}
	for _, m := range in.Moves {
		x := all[m.Series]
		mv := MeetingMove{Title: x.Title, Key: x.Key, Weekdays: weekdayKeys(m.Weekdays), From: clockOf(m.From),
			Found: m.Found, GainMinutes: m.GainMinutes, Says: m.Says}
		if m.Found {
			mv.To = clockOf(m.To)
		}
		r.Moves = append(r.Moves, mv)
	}
	return r
}

func meetingSeries(x whatif.Series) MeetingSeries {
	people := make([]SeriesPerson, 0, len(x.TopPeople))
	for _, p := range x.TopPeople {
		people = append(people, SeriesPerson{Person: p.Person, Name: p.Name, Occurrences: p.Occurrences})
	}
	return MeetingSeries{
		Key: x.Key, Recurring: x.Recurring, Title: x.Title, Category: string(x.Category),
		People: x.People, TopPeople: people, MyResponse: string(x.Response),
		OrganizerIsMe: x.OrganizerIsMe, OneOnOne: x.OneOnOne, Interview: x.Interview,
		Weekdays: weekdayKeys(x.Weekdays), Occurrences: x.Occurrences, Minutes: x.Minutes,
		WeeklyMinutes: math.Round(x.WeeklyMinutes*100) / 100, FocusCostMinutes: x.FocusCostMinutes,
	}
}

func meetingsTarget(tg whatif.Target, all []MeetingSeries) *MeetingsTarget {
	g := tg.Goal
	out := &MeetingsTarget{
		Track: g.Track, MeetingShare: g.MeetingShare, FocusShare: g.FocusShare,
		Reached: tg.Reached, Already: tg.Already, Drop: []string{}, DropKeys: []string{}, Steps: []TargetStep{},
		MeetingShareBefore: shareOf(tg.Before, tg.Before.Meeting), FocusShareBefore: shareOf(tg.Before, tg.Before.Focus),
		MeetingShareAfter: shareOf(tg.After, tg.After.Meeting), FocusShareAfter: shareOf(tg.After, tg.After.Focus),
		TrackAfter:             tg.Verdict.Track,
		WithoutMeetingsNotMine: targetOutcome(tg.NotMine),
		WithoutEveryMeeting:    targetOutcome(tg.All),
		Says:                   nonNil(tg.Says),
	}
	for _, k := range tg.Drop {
		out.Drop = append(out.Drop, all[k].Title)
		out.DropKeys = append(out.DropKeys, all[k].Key)
		out.drop = append(out.drop, all[k])
	}
	for _, st := range tg.Steps {
		out.Steps = append(out.Steps, TargetStep{Title: all[st.Series].Title, Key: all[st.Series].Key,
			MeetingShare: shareOf(st.Shares, st.Shares.Meeting), FocusShare: shareOf(st.Shares, st.Shares.Focus), Track: st.Track})
	}
	return out
}

func targetOutcome(o whatif.Outcome) TargetOutcome {
	return TargetOutcome{Series: o.Series, MeetingShare: shareOf(o.Shares, o.Shares.Meeting),
		FocusShare: shareOf(o.Shares, o.Shares.Focus), Track: o.Track, Reached: o.Reached}
}

func weekdayKeys(days []time.Weekday) []string {
	out := make([]string, 0, len(days))
	for _, d := range days {
		out = append(out, weekdayKey(d))
	}
	return out
}

// clockOf writes a wall-clock offset from midnight: 09:30.
func clockOf(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// WriteMeetingsJSON writes the meetings' report as one indented JSON
// document, escaped as in [WriteJSON].
func WriteMeetingsJSON(w io.Writer, r MeetingsReport) error {
	return writeJSON(w, r, "  ")
}

// WriteMeetingsCSV writes the series as CSV: a header row, then one row
// per series listed, with the keys of the JSON document's series (the
// top people joined with ";", the weekdays with " "). Text cells are
// guarded as in [WriteCSV].
func WriteMeetingsCSV(w io.Writer, r MeetingsReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"key", "recurring", "title", "category", "people", "top_people", "my_response",
		"organizer_is_me", "one_on_one", "interview", "weekdays", "occurrences", "minutes", "weekly_minutes", "focus_cost_minutes"}); err != nil {
		return err
	}
	for _, x := range r.Series {
		var people []string
		for _, p := range x.TopPeople {
			people = append(people, p.Person)
		}
		if err := cw.Write([]string{
			csvCell(x.Key), strconv.FormatBool(x.Recurring), csvCell(x.Title), csvCell(x.Category),
			strconv.Itoa(x.People), csvCell(strings.Join(people, ";")), csvCell(x.MyResponse),
			strconv.FormatBool(x.OrganizerIsMe), strconv.FormatBool(x.OneOnOne), strconv.FormatBool(x.Interview),
			csvCell(strings.Join(x.Weekdays, " ")), strconv.Itoa(x.Occurrences), strconv.Itoa(x.Minutes),
			strconv.FormatFloat(x.WeeklyMinutes, 'f', -1, 64), strconv.Itoa(x.FocusCostMinutes),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteMeetingsMarkdown writes the meetings' report as GitHub-flavoured
// Markdown: a heading, the range's figures, a table of the series, then
// the target and the moves asked for, in words. Text from the calendar is
// escaped as in [WriteMarkdown].
func WriteMeetingsMarkdown(w io.Writer, r MeetingsReport) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Meetings, %s to %s (%s)\n\n", mdText(r.Range.From), mdText(r.Range.To), mdText(r.Timezone))
	b.WriteString(mdText(meetingsHeadline(r)) + "\n\n")
	b.WriteString("| Series | Category | People | Occurrences | Time | Per week | Focus cost |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.Series {
		title := mdText(x.Title)
		if x.OrganizerIsMe {
			title += " (you organise it)"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s |\n", title, mdText(categoryWords(x.Category)),
			x.People, x.Occurrences, hm(x.Minutes), hm(int(math.Round(x.WeeklyMinutes))), hm(x.FocusCostMinutes))
	}
	if more := r.Summary.Series - r.Summary.Listed; more > 0 {
		fmt.Fprintf(&b, "\nAnd %s more (--top 0 lists them all).\n", seriesCount(more))
	}
	if tg := r.Target; tg != nil {
		fmt.Fprintf(&b, "\n## %s\n\n", mdText(targetHeading(tg)))
		for _, s := range tg.Says {
			b.WriteString("- " + mdItem(capitalize(s)) + ".\n")
		}
		if len(tg.drop) > 0 {
			b.WriteString("\n")
			for i, x := range tg.drop {
				fmt.Fprintf(&b, "%d. %s%s\n", i+1, mdText(x.Title), mdText(seriesMarks(x)))
			}
		}
	}
	if r.Moves != nil {
		b.WriteString("\n## Better times\n\n")
		for _, m := range r.Moves {
			b.WriteString("- " + mdItem(capitalize(m.Says)) + ".\n")
		}
		b.WriteString("\n" + mdText(r.AttendeesNotKnown) + ".\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// meetingsHeadline is the range's figures in a sentence.
func meetingsHeadline(r MeetingsReport) string {
	s := r.Summary
	if s.MeetingCount == 0 && s.Series == 0 {
		return fmt.Sprintf("No meeting in the range; focus time is %s (%s).", hm(s.FocusMinutes), pctOf(s.FocusShare))
	}
	return fmt.Sprintf("%s in %s take %s, %s of working time; focus time is %s (%s). The series' time adds up to the meeting time; a series' focus cost is the focus time the range would gain without it.",
		plural(s.MeetingCount, "meeting"), seriesCount(s.Series), hm(s.MeetingMinutes), pctOf(s.MeetingShare),
		hm(s.FocusMinutes), pctOf(s.FocusShare))
}

// targetHeading names what the target aims at: "What to drop to look
// like an IC".
func targetHeading(tg *MeetingsTarget) string {
	var parts []string
	switch tg.Track {
	case verdict.TrackIC:
		parts = append(parts, "to look like an IC")
	case verdict.TrackHybrid:
		parts = append(parts, "to sit between the tracks")
	case verdict.TrackEM:
		parts = append(parts, "to look no busier than an EM")
	}
	if tg.MeetingShare != nil {
		parts = append(parts, "for meetings at most "+pct(*tg.MeetingShare)+" of working time")
	}
	if tg.FocusShare != nil {
		parts = append(parts, "for focus time at least "+pct(*tg.FocusShare))
	}
	return "What to drop " + strings.Join(parts, " and ")
}

// seriesMarks says what a series is that the user would be choosing.
func seriesMarks(x MeetingSeries) string {
	var marks []string
	if x.OrganizerIsMe {
		marks = append(marks, "you organise it")
	}
	if x.OneOnOne {
		marks = append(marks, "a 1:1")
	}
	if x.Interview {
		marks = append(marks, "an interview")
	}
	if len(marks) == 0 {
		return ""
	}
	return " (" + strings.Join(marks, ", ") + ")"
}

// categoryWords is a category as a table shows it: "1:1", "ad hoc".
func categoryWords(c string) string {
	switch c {
	case string(classify.CategoryOneOnOne):
		return "1:1"
	case string(classify.CategoryAdHoc):
		return "ad hoc"
	}
	return c
}

// seriesCount says "1 series", "6 series".
func seriesCount(n int) string { return strconv.Itoa(n) + " series" }
