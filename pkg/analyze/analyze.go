// Package analyze lays classified events over working hours in one zone and
// counts, per day, per week and for a whole range, where the time goes:
// meetings, focus (free stretches long enough to code in) and fragmented
// time.
//
// The accounting is exact to the minute: every event's start and end are
// rounded to the nearest minute, and for every day
//
//	meeting + focus + fragmented = capacity
//	capacity = working hours − out of office − personal
//
// where meeting is the union of meeting time (overlaps never count twice),
// out of office overrides everything at the same time, and a meeting
// overrides personal time. [Analyze] is a pure function of its [Input].
//
// # Layers and families
//
// An [Input] holds the layers laid over the days of the range, each in
// absolute time: the calendar's events, and, when git history was read, the
// coding sessions ([Coding]). Each day is laid out once — its working
// hours, the time out of office, in meetings and personal, and the free time
// they leave, stretch by stretch, then the coding sessions on it — and every
// counter reads that layout. Counters come in families, each one struct with
// its own add: [TimeTally] (where the working time goes), [MeetingTally] (how
// many meetings, and how they cut up the days), [CodingTally] (how much of
// the free time, and of the evenings, went to coding), [Categories] and the
// people ([PersonTally]). A day's [Tally] holds every family; a week's or a range's
// is the [Sum] of its days' tallies, and any other stretch (four weeks in a
// row, a range with one meeting series left out) is summed the same way:
// [Result.Days] keeps each day's tally, [CountDays] counts some days again on
// a changed input, and [Weeks] and [Sum] put them together.
//
// # Coding time
//
// Coding sessions are laid on the free time the calendar leaves: a
// session's minutes inside working hours count as coding only where they
// are focus or fragmented time (coding_minutes, and coding_in_focus_minutes
// for the part in focus stretches); outside working hours they count where
// no meeting is (coding_after_hours_minutes). A minute in a meeting, out of
// office or in personal time within working hours is not coding, whatever
// the commits say. So, every day, coding ≤ focus + fragmented and coding in
// focus ≤ coding. Commits count on the day they were made, a session on the
// day it starts, and a stretch's repositories once each ([CodingTally]).
//
// A new layer is a field of [Input], bucketed by day like the events and
// laid on the same day layout (layDay, then layCoding for the coding
// layer), with a family of its own: its struct (with the JSON keys package
// report shows it under), its add, the function that counts it on a day's
// layout (called from tallyDay), a field of [Tally] and a line in Tally's
// add. Nothing else here changes: days, weeks, ranges and what-ifs sum it
// like the rest, and package report shows it by embedding the family.
package analyze

import (
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

// Input is what [Analyze] counts: the layers of time laid over the same
// days, in the zone and working hours of Settings.
type Input struct {
	// Events are the calendar's classified events: the layer that splits
	// working time into meeting, focus and fragmented time. Ignored and
	// solo events count for nothing.
	Events []classify.Event
	// From and To are the range: the days from the midnight on or before
	// From up to the midnight on or before To (excluded). Events outside
	// it are ignored; an event that crosses its edge counts for the part
	// inside.
	From, To time.Time
	// Settings say how time is counted.
	Settings Settings
	// Coding is the layer of coding sessions from git history; nil when
	// none was read, and the coding family of every tally is then zero.
	Coding *Coding
}

// Tally is the accounting of a stretch of days: a day, a week or a whole
// range. It holds one field per family of counters; the families' fields are
// promoted, so t.MeetingMinutes is t.TimeTally.MeetingMinutes.
type Tally struct {
	TimeTally
	MeetingTally
	// CodingTally is the coding family: zero without a coding layer.
	CodingTally
	// Categories holds every category, with zero values for the unused.
	Categories Categories
	// People are the people I spend the most meeting minutes with, most
	// first (ties by address), at most Settings.TopPeople.
	People []PersonTally

	// people holds everyone's minutes, not only the top ones, so that
	// tallies add up exactly before the top ones are picked.
	people map[string]int
}

// TimeTally is where the working time of a stretch goes. Minutes are whole
// minutes; the JSON keys are those of the report.
type TimeTally struct {
	// Days in the stretch, and how many of them are working days.
	Days     int `json:"days"`
	WorkDays int `json:"work_days"`

	WorkingMinutes           int `json:"working_minutes"`             // working hours, before anything is taken off
	CapacityMinutes          int `json:"capacity_minutes"`            // working minutes − out of office − personal
	MeetingMinutes           int `json:"meeting_minutes"`             // union of meetings within working hours
	FocusMinutes             int `json:"focus_minutes"`               // free stretches of at least FocusMin
	FragmentedMinutes        int `json:"fragmented_minutes"`          // shorter free stretches
	OutOfOfficeMinutes       int `json:"out_of_office_minutes"`       // out of office within working hours
	PersonalMinutes          int `json:"personal_minutes"`            // personal time within working hours, not under a meeting
	AfterHoursMeetingMinutes int `json:"after_hours_meeting_minutes"` // union of meetings outside working hours
	FocusBookedMinutes       int `json:"focus_booked_minutes"`        // booked focus blocks within working hours
	// FocusBookedFragmentedMinutes are the booked focus blocks' free
	// minutes in stretches shorter than FocusMin: counted as fragmented.
	FocusBookedFragmentedMinutes int `json:"focus_booked_fragmented_minutes"`
	ExternalMeetingMinutes       int `json:"external_meeting_minutes"` // meeting minutes with someone outside my domain
}

func (t *TimeTally) add(u TimeTally) {
	t.Days += u.Days
	t.WorkDays += u.WorkDays
	t.WorkingMinutes += u.WorkingMinutes
	t.CapacityMinutes += u.CapacityMinutes
	t.MeetingMinutes += u.MeetingMinutes
	t.FocusMinutes += u.FocusMinutes
	t.FragmentedMinutes += u.FragmentedMinutes
	t.OutOfOfficeMinutes += u.OutOfOfficeMinutes
	t.PersonalMinutes += u.PersonalMinutes
	t.AfterHoursMeetingMinutes += u.AfterHoursMeetingMinutes
	t.FocusBookedMinutes += u.FocusBookedMinutes
	t.FocusBookedFragmentedMinutes += u.FocusBookedFragmentedMinutes
	t.ExternalMeetingMinutes += u.ExternalMeetingMinutes
}

// MeetingShare is MeetingMinutes / CapacityMinutes; ok is false when there
// is no capacity.
func (t TimeTally) MeetingShare() (share float64, ok bool) { return t.share(t.MeetingMinutes) }

// FocusShare is FocusMinutes / CapacityMinutes.
func (t TimeTally) FocusShare() (share float64, ok bool) { return t.share(t.FocusMinutes) }

// FragmentedShare is FragmentedMinutes / CapacityMinutes.
func (t TimeTally) FragmentedShare() (share float64, ok bool) { return t.share(t.FragmentedMinutes) }

func (t TimeTally) share(n int) (float64, bool) {
	if t.CapacityMinutes <= 0 {
		return 0, false
	}
	return float64(n) / float64(t.CapacityMinutes), true
}

// MeetingTally is how many meetings a stretch holds and how they cut up its
// days.
type MeetingTally struct {
	MeetingCount        int `json:"meeting_count"`         // meetings that start in the stretch and take some of my time
	BackToBackChains    int `json:"back_to_back_chains"`   // runs of two or more meetings with gaps under BackToBackGap
	MeetingFreeDays     int `json:"meeting_free_days"`     // working days with capacity and no meeting
	LongestFocusMinutes int `json:"longest_focus_minutes"` // longest focus stretch
}

func (t *MeetingTally) add(u MeetingTally) {
	t.MeetingCount += u.MeetingCount
	t.BackToBackChains += u.BackToBackChains
	t.MeetingFreeDays += u.MeetingFreeDays
	t.LongestFocusMinutes = max(t.LongestFocusMinutes, u.LongestFocusMinutes)
}

// Categories count the meetings of each category.
type Categories map[classify.Category]CategoryTally

func (c Categories) add(u Categories) {
	for k, ct := range u {
		sum := c[k]
		sum.Count += ct.Count
		sum.Minutes += ct.Minutes
		c[k] = sum
	}
}

// CategoryTally counts the meetings of one category. Where meetings
// overlap, the shared minutes go to the one that started first, so the
// minutes of all categories add up to MeetingMinutes.
type CategoryTally struct {
	Count   int
	Minutes int
}

// PersonTally is the meeting time shared with one person: the sum of the
// minutes (in or out of working hours, not while I am out) of every meeting
// they are on.
type PersonTally struct {
	Person  string
	Minutes int
}

// Day is one day of the range.
type Day struct {
	// Start is the day's midnight (or its first instant, where the clocks
	// skip midnight).
	Start time.Time
	Tally
}

// Week is one week of the range; the first and last may be cut short by
// the range.
type Week struct {
	// Start is midnight of the week's first day (or the first instant of
	// that day, where the clocks skip midnight); the week is the seven days
	// from there.
	Start time.Time
	// Full is true when all seven days are in the range.
	Full bool
	Tally
}

// Result is the accounting of a range.
type Result struct {
	// From and To are the range, midnights in the zone; To is excluded.
	From, To time.Time
	// Days are the days of the range, in order; Weeks are [Weeks] of them
	// and Total their [Sum].
	Days  []Day
	Weeks []Week
	Total Tally
	// Heat is where in the week the meetings and the focus stretches sit.
	Heat Heat
	// Events says what each event of the input adds up to, in the same
	// order.
	Events []EventTally
	// Sessions says what each coding session of the input adds up to, in
	// the same order; nil without a coding layer.
	Sessions []SessionTally
}

// EventTally is what one event adds up to within the range: the evidence
// for `emtime events`. Minutes are the event's own; where meetings overlap
// each one shows its own minutes, while the week counts their union once.
type EventTally struct {
	// WorkingMinutes are its minutes within working hours that count for
	// its kind: a meeting's or a focus block's while I am in, personal time
	// not under a meeting, out of office.
	WorkingMinutes int
	// AfterHoursMinutes are a meeting's minutes outside working hours while
	// I am in.
	AfterHoursMinutes int
	// AwayMinutes are a meeting's minutes while I am out of office: not
	// counted.
	AwayMinutes int
	// FragmentedMinutes are a booked focus block's free minutes in
	// stretches shorter than the focus minimum: counted as fragmented
	// time, not focus.
	FragmentedMinutes int
}

// Heat spreads meeting, focus and coding minutes over the weekday and the
// wall-clock hour they fall in, summed over the range. Meeting minutes
// include after-hours meetings; time out of office is left out. Coding
// minutes are those the coding family counts, in working hours and after
// them. Indexed by time.Weekday, then hour 0–23.
type Heat struct {
	Meeting [7][24]int
	Focus   [7][24]int
	Coding  [7][24]int
	// Days counts the days of each weekday in the range, to turn sums into
	// averages.
	Days [7]int
}

// WeekOf returns the index of the week holding t, or -1.
func (r Result) WeekOf(t time.Time) int {
	if t.Before(r.From) || !t.Before(r.To) {
		return -1
	}
	// The weeks follow each other without a gap: t is in the last one that
	// starts at or before it.
	for i := len(r.Weeks) - 1; i >= 0; i-- {
		if !t.Before(r.Weeks[i].Start) {
			return i
		}
	}
	return -1
}

// WeekStartOf returns midnight of the first day of the week holding t (or
// the first instant of that day, where the clocks skip midnight).
func (s Settings) WeekStartOf(t time.Time) time.Time {
	t = t.In(s.Zone)
	back := (int(t.Weekday()) - int(s.WeekStart) + 7) % 7
	return dayStart(t.Year(), t.Month(), t.Day()-back, s.Zone)
}

// Analyze counts every day of in's range, in in.Settings.Zone, and sums the
// days into weeks and the weeks into the range.
func Analyze(in Input) Result {
	s := in.Settings
	from, to := midnight(in.From, s.Zone), midnight(in.To, s.Zone)
	res := Result{From: from, To: to, Events: make([]EventTally, len(in.Events))}
	if in.Coding != nil {
		res.Sessions = make([]SessionTally, len(in.Coding.Sessions))
	}
	days := dayCount(from, to)
	if days <= 0 {
		res.Total = Sum(s.TopPeople)
		return res
	}
	buckets := bucket(in.Events, from, days, s.Zone, nil)
	coding := bucketCoding(in.Coding, from, days, s.Zone, nil)
	res.Days = make([]Day, days)
	y, m, dd := from.Date()
	for i := range days {
		d := dayStart(y, m, dd+i, s.Zone)
		l := s.layDay(d, in.Events, buckets[i])
		if coding != nil {
			l.layCoding(in.Coding, coding[i])
		}
		res.Days[i] = Day{Start: d, Tally: s.tallyDay(&l)}
		res.Heat.add(d.Weekday(), &l, s.Zone)
		for _, j := range buckets[i] {
			tallyEvent(&res.Events[j], &in.Events[j], &l)
		}
		if coding != nil {
			for _, j := range coding[i].sessions {
				tallySession(&res.Sessions[j], in.Coding.Sessions[j], &l)
			}
		}
	}
	res.Weeks = Weeks(s, res.Days)
	weeks := make([]Tally, len(res.Weeks))
	for i, w := range res.Weeks {
		weeks[i] = w.Tally
	}
	res.Total = Sum(s.TopPeople, weeks...)
	return res
}

// CountDays counts some days of in's range, each named by any instant in
// it, exactly as [Analyze] counts them; days outside the range are left
// out. The days come back earliest first, each once.
//
// A what-if changes the input (a meeting series left out, say), counts
// again only the days the change touches ([DaysOf]), puts them in place of
// the same days of [Result.Days], and sums them with [Weeks] and [Sum]: the
// weeks and the total are then those [Analyze] gives for the changed input.
func CountDays(in Input, days []time.Time) []Day {
	s := in.Settings
	from, to := midnight(in.From, s.Zone), midnight(in.To, s.Zone)
	n := dayCount(from, to)
	if n <= 0 {
		return nil
	}
	want := make([]bool, n)
	first := civilDay(from)
	for _, d := range days {
		if i := civilDay(d.In(s.Zone)) - first; i >= 0 && i < n {
			want[i] = true
		}
	}
	buckets := bucket(in.Events, from, n, s.Zone, want)
	coding := bucketCoding(in.Coding, from, n, s.Zone, want)
	var out []Day
	y, m, dd := from.Date()
	for i := range n {
		if want[i] {
			d := dayStart(y, m, dd+i, s.Zone)
			l := s.layDay(d, in.Events, buckets[i])
			if coding != nil {
				l.layCoding(in.Coding, coding[i])
			}
			out = append(out, Day{Start: d, Tally: s.tallyDay(&l)})
		}
	}
	return out
}

// DaysOf lists the days of in's range that events count on, as [Analyze]
// counts them: every day an event overlaps once rounded to the minute (an
// event of no length, the day it starts in), none for an ignored or a solo
// event. Each day is given by its first instant, earliest first.
func DaysOf(in Input, events []classify.Event) []time.Time {
	s := in.Settings
	from, to := midnight(in.From, s.Zone), midnight(in.To, s.Zone)
	n := dayCount(from, to)
	if n <= 0 {
		return nil
	}
	var out []time.Time
	y, m, dd := from.Date()
	for i, b := range bucket(events, from, n, s.Zone, nil) {
		if len(b) > 0 {
			out = append(out, dayStart(y, m, dd+i, s.Zone))
		}
	}
	return out
}

// Weeks groups days that follow each other, earliest first, into the weeks
// of s that hold them, each the [Sum] of its days; a week is Full when all
// seven of its days are there.
func Weeks(s Settings, days []Day) []Week {
	var weeks []Week
	for _, d := range days {
		if ws := s.WeekStartOf(d.Start); len(weeks) == 0 || !ws.Equal(weeks[len(weeks)-1].Start) {
			weeks = append(weeks, Week{Start: ws, Tally: newTally()})
		}
		weeks[len(weeks)-1].add(d.Tally)
	}
	for i := range weeks {
		w := &weeks[i]
		w.Full = w.Days == 7
		w.finish(s.TopPeople)
	}
	return weeks
}

// Sum is the tally of the stretch that tallies of this package make
// together (days or weeks of one range, none counted twice): every family
// adds its counters up (the longest focus stretch is the longest of
// theirs), and the people are merged, everyone's minutes, before the top
// ones are picked, at most top.
func Sum(top int, tallies ...Tally) Tally {
	t := newTally()
	for _, u := range tallies {
		t.add(u)
	}
	t.finish(top)
	return t
}

func newTally() Tally {
	t := Tally{Categories: make(Categories), people: make(map[string]int)}
	for _, c := range classify.Categories() {
		t.Categories[c] = CategoryTally{}
	}
	return t
}

// add adds u to t, family by family; People is left for finish.
func (t *Tally) add(u Tally) {
	t.TimeTally.add(u.TimeTally)
	t.MeetingTally.add(u.MeetingTally)
	t.CodingTally.add(u.CodingTally)
	t.Categories.add(u.Categories)
	for p, m := range u.people {
		t.people[p] += m
	}
}

// finish picks the top people: the most minutes first, ties by address.
func (t *Tally) finish(top int) {
	top = max(top, 0)
	people := make([]PersonTally, 0, min(top, len(t.people)))
	for p, m := range t.people {
		if m <= 0 {
			continue
		}
		x := PersonTally{p, m}
		n := len(people)
		if n == top {
			if n == 0 || !x.before(people[n-1]) {
				continue
			}
			n-- // x takes the last one's place
		} else {
			people = append(people, PersonTally{})
		}
		for ; n > 0 && x.before(people[n-1]); n-- {
			people[n] = people[n-1]
		}
		people[n] = x
	}
	t.People = people
}

// before orders people by minutes, most first, then by address.
func (p PersonTally) before(q PersonTally) bool {
	if p.Minutes != q.Minutes {
		return p.Minutes > q.Minutes
	}
	return p.Person < q.Person
}

// A layout is one day laid out in minutes, as every family counts it.
type layout struct {
	day     interval // the whole day
	work    interval // its working hours; empty on a day off
	workDay bool     // the day has working hours
	workSet set      // work as a set, empty on a day off
	today   int      // the day's civilDay
	zone    *time.Location

	ooo      set // out of office, at any hour
	oooWork  set // out of office within working hours
	meetAll  set // meetings, not while out of office, at any hour
	meet     set // meetAll within working hours
	personal set // personal time within working hours, not out, not under a meeting
	free     set // the working time left: focus and fragmented stretches
	focus    set // the free stretches long enough to count as focus
	booked   set // booked focus blocks within working hours, not out

	meetings []*classify.Event // the day's meetings

	// The coding layer, when there is one (layCoding).
	sessions      set             // coding sessions, at any hour
	codingWork    set             // sessions within working hours on free time
	codingAfter   set             // sessions outside working hours, not under a meeting
	sessionStarts int             // sessions that start today
	commits       []*CodingCommit // commits made today
}

// layDay lays out the day starting at midnight d, given the events that
// overlap it.
func (s Settings) layDay(d time.Time, all []classify.Event, idx []int32) layout {
	y, m, dd := d.Date()
	l := layout{day: interval{minuteOf(d), minuteOf(dayStart(y, m, dd+1, s.Zone))}, today: civilDay(d), zone: s.Zone}
	span := s.Hours[d.Weekday()]
	l.workDay = !span.IsZero()
	if l.workDay {
		// Wall-clock times; kept inside the day where a daylight-saving
		// change skips the clock past them.
		l.work = interval{
			max(minuteOf(wallClock(y, m, dd, span.Start, s.Zone)), l.day.a),
			min(minuteOf(wallClock(y, m, dd, span.End, s.Zone)), l.day.b),
		}
		l.work.b = max(l.work.a, l.work.b)
	}
	l.workSet = set{}
	if l.work.len() > 0 {
		l.workSet = set{l.work}
	}

	var oooIv, meetIv, personalIv, focusIv []interval
	for _, j := range idx {
		e := &all[j]
		iv := interval{minuteOf(e.Start), minuteOf(e.End)}
		switch e.Kind {
		case classify.KindOutOfOffice:
			oooIv = append(oooIv, iv)
		case classify.KindMeeting:
			meetIv = append(meetIv, iv)
			l.meetings = append(l.meetings, e)
		case classify.KindPersonal:
			personalIv = append(personalIv, iv)
		case classify.KindFocus:
			focusIv = append(focusIv, iv)
		}
	}
	l.ooo = union(oooIv).clip(l.day)
	l.meetAll = union(meetIv).clip(l.day).minus(l.ooo)
	l.meet = l.meetAll.clip(l.work)
	l.personal = union(personalIv).clip(l.work).minus(l.ooo).minus(l.meet)
	l.oooWork = l.ooo.clip(l.work)
	l.free = l.workSet.minus(l.oooWork).minus(l.meet).minus(l.personal)
	for _, st := range l.free {
		if st.len() >= int64(s.FocusMin/time.Minute) {
			l.focus = append(l.focus, st)
		}
	}
	l.booked = union(focusIv).clip(l.work).minus(l.ooo)
	return l
}

// tallyDay counts every family on a day's layout.
func (s Settings) tallyDay(l *layout) Tally {
	t := newTally()
	t.TimeTally = l.timeTally()
	t.CodingTally = l.codingTally()
	for _, st := range l.focus {
		t.LongestFocusMinutes = max(t.LongestFocusMinutes, int(st.len()))
	}
	if l.workDay && t.CapacityMinutes > 0 && t.MeetingMinutes == 0 {
		t.MeetingFreeDays = 1
	}
	s.countMeetings(&t, l)
	t.finish(s.TopPeople)
	return t
}

// timeTally is the time family of a day, but for the external meeting
// minutes, which countMeetings adds.
func (l *layout) timeTally() TimeTally {
	t := TimeTally{
		Days:                     1,
		WorkingMinutes:           int(l.work.len()),
		OutOfOfficeMinutes:       int(l.oooWork.len()),
		PersonalMinutes:          int(l.personal.len()),
		MeetingMinutes:           int(l.meet.len()),
		FocusMinutes:             int(l.focus.len()),
		AfterHoursMeetingMinutes: int(l.meetAll.minus(l.workSet).len()),
		FocusBookedMinutes:       int(l.booked.len()),

		FocusBookedFragmentedMinutes: int(l.booked.and(l.free).minus(l.focus).len()),
	}
	if l.workDay {
		t.WorkDays = 1
	}
	t.CapacityMinutes = t.WorkingMinutes - t.OutOfOfficeMinutes - t.PersonalMinutes
	t.FragmentedMinutes = int(l.free.len()) - t.FocusMinutes
	return t
}

func (h *Heat) add(wd time.Weekday, l *layout, zone *time.Location) {
	h.Days[wd]++
	spread(&h.Meeting[wd], l.meetAll, zone)
	spread(&h.Focus[wd], l.focus, zone)
	spread(&h.Coding[wd], l.codingWork.or(l.codingAfter), zone)
}

// spread adds the minutes of s to the wall-clock hours they fall in.
func spread(hours *[24]int, s set, zone *time.Location) {
	for _, iv := range s {
		for a := iv.a; a < iv.b; {
			t := time.Unix(a*60, 0).In(zone)
			next := minuteOf(time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, zone))
			if next <= a { // a clock change folded the hour back
				next = a + 60 - int64(t.Minute())
			}
			b := min(next, iv.b)
			hours[t.Hour()] += int(b - a)
			a = b
		}
	}
}

// tallyEvent adds one day of an event to its tally. It counts lengths
// alone, with no set made: out of office and the meetings are disjoint
// (meetings are counted where I am in), and the working hours are one
// interval.
func tallyEvent(t *EventTally, e *classify.Event, l *layout) {
	mine := interval{minuteOf(e.Start), minuteOf(e.End)}.meet(l.day)
	if mine.len() == 0 {
		return
	}
	var inWork interval
	if len(l.workSet) > 0 {
		inWork = mine.meet(l.work)
	}
	// The minutes of inWork while I am in.
	workIn := inWork.len() - inWork.overlap(l.ooo)
	switch e.Kind {
	case classify.KindMeeting:
		away := mine.overlap(l.ooo)
		t.WorkingMinutes += int(workIn)
		t.AfterHoursMinutes += int(mine.len() - away - workIn)
		t.AwayMinutes += int(away)
	case classify.KindFocus:
		t.WorkingMinutes += int(workIn)
		// Free minutes of the block outside the focus stretches (which
		// lie within the free time): fragmented.
		t.FragmentedMinutes += int(inWork.overlap(l.free) - inWork.overlap(l.focus))
	case classify.KindPersonal:
		t.WorkingMinutes += int(workIn - inWork.overlap(l.meet))
	case classify.KindOutOfOffice:
		t.WorkingMinutes += int(inWork.len())
	}
}

// countMeetings counts the day's meetings one by one: their categories,
// count, people, external time and back-to-back chains.
func (s Settings) countMeetings(t *Tally, l *layout) {
	meetings := l.meetings
	if len(meetings) == 0 {
		return
	}
	// Earliest first, longest first on a tie: overlapping minutes go to the
	// meeting that started first.
	slices.SortStableFunc(meetings, func(x, y *classify.Event) int {
		if c := x.Start.Compare(y.Start); c != 0 {
			return c
		}
		return y.End.Compare(x.End)
	})
	// The sets of one meeting, in room reused from one to the next.
	var mine, inWork, part, covered, spare set
	var lists peopleLists
	var external []interval
	var chainEnd int64
	chainLen := 0
	for _, e := range meetings {
		iv := interval{minuteOf(e.Start), minuteOf(e.End)}
		day := iv.meet(l.day)
		mine = appendMinus(mine[:0], set{day}, l.ooo) // the part of the meeting I attend today
		if mine.len() == 0 {
			continue
		}
		inWork = appendClip(inWork[:0], mine, l.work)
		part = appendMinus(part[:0], inWork, covered)
		spare = appendOr(spare[:0], covered, part)
		covered, spare = spare, covered
		ct := t.Categories[e.Category]
		ct.Minutes += int(part.len())
		if civilDay(timeOf(iv.a, s.Zone)) == l.today {
			ct.Count++
			t.MeetingCount++
		}
		t.Categories[e.Category] = ct
		if i := lists.add(e.People, int(mine.len())); i >= 0 && lists.isExternal(i, s.Domain) {
			external = append(external, inWork...)
		}
		// Back-to-back chains, on the time I attend.
		first, last := mine[0].a, mine[len(mine)-1].b
		if chainLen > 0 && first-chainEnd < int64(s.BackToBackGap/time.Minute) {
			chainLen++
			chainEnd = max(chainEnd, last)
		} else {
			if chainLen >= 2 {
				t.BackToBackChains++
			}
			chainLen, chainEnd = 1, last
		}
	}
	if chainLen >= 2 {
		t.BackToBackChains++
	}
	t.ExternalMeetingMinutes = int(union(external).len())
	lists.addTo(t.people)
}

// peopleLists sums the minutes of the lists of people of a day's
// meetings, list by list, before they are added to each person, and says
// once a list whether it names someone from outside: the meetings of a
// series share one list (see [classify.Event]), so a day costs a sum per
// list, not an entry of a map per person and meeting. A day of 28,000
// overlapping occurrences of 20 series of 1,000 guests each (a 1 MB file
// can hold it) is 20 lists, not 28 million entries.
type peopleLists struct {
	lists    [][]string
	minutes  []int
	external []int8          // 0 not yet known, 1 no, 2 yes
	index    map[listKey]int // once there are many lists
}

// listKey names a list by its room and length.
type listKey struct {
	first *string
	n     int
}

// add adds minutes to the list people and returns its number, or -1 for
// an empty list.
func (p *peopleLists) add(people []string, minutes int) int {
	if len(people) == 0 {
		return -1
	}
	i := -1
	switch {
	case p.index != nil:
		if j, ok := p.index[listKey{&people[0], len(people)}]; ok {
			i = j
		}
	default:
		for j, l := range p.lists {
			if &l[0] == &people[0] && len(l) == len(people) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		i = len(p.lists)
		p.lists = append(p.lists, people)
		p.minutes = append(p.minutes, 0)
		p.external = append(p.external, 0)
		if p.index != nil {
			p.index[listKey{&people[0], len(people)}] = i
		} else if len(p.lists) > 32 {
			p.index = make(map[listKey]int, 2*len(p.lists))
			for j, l := range p.lists {
				p.index[listKey{&l[0], len(l)}] = j
			}
		}
	}
	p.minutes[i] += minutes
	return i
}

// isExternal reports whether list i names someone whose address is not
// at domain; with no domain, no one is.
func (p *peopleLists) isExternal(i int, domain string) bool {
	if p.external[i] == 0 {
		p.external[i] = 1
		if externalPeople(p.lists[i], domain) {
			p.external[i] = 2
		}
	}
	return p.external[i] == 2
}

// addTo adds everyone's minutes to minutes.
func (p *peopleLists) addTo(minutes map[string]int) {
	for i, l := range p.lists {
		for _, person := range l {
			minutes[person] += p.minutes[i]
		}
	}
}

// externalPeople reports whether people names someone whose address is
// not at domain; with no domain, no one is.
func externalPeople(people []string, domain string) bool {
	if domain == "" {
		return false
	}
	for _, p := range people {
		at := strings.LastIndexByte(p, '@')
		if at >= 0 && !strings.EqualFold(p[at+1:], domain) {
			return true
		}
	}
	return false
}

// bucket lists, for each day of the range (each day where want is true,
// unless want is nil), the events that overlap it once rounded to the
// minute, as they are counted. An event of zero length belongs to the day
// it starts in.
func bucket(events []classify.Event, from time.Time, days int, zone *time.Location, want []bool) [][]int32 {
	buckets := make([][]int32, days)
	first := civilDay(from)
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case classify.KindIgnored, classify.KindSolo:
			continue
		}
		start, end := minuteOf(e.Start), minuteOf(e.End)
		a := civilDay(timeOf(start, zone)) - first
		b := a
		if end > start {
			b = civilDay(timeOf(end-1, zone)) - first
		}
		for d := max(a, 0); d <= b && d < days; d++ {
			if want == nil || want[d] {
				buckets[d] = append(buckets[d], int32(i))
			}
		}
	}
	return buckets
}

// civilDay numbers the calendar day of t (in t's own zone) from the epoch.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayCount(from, to time.Time) int { return civilDay(to) - civilDay(from) }

func midnight(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return dayStart(y, m, d, zone)
}

// dayStart returns the first instant of the day y-m-d (normalized as by
// time.Date) in zone: its midnight, or, where a daylight-saving change skips
// midnight (Chile, Cuba, Paraguay…), the moment the clock jumps, since
// time.Date would then land on the evening before.
func dayStart(y int, m time.Month, d int, zone *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, zone)
	if t.Hour() != 0 && civilDay(t) < civilDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		_, jump := t.ZoneBounds()
		return jump
	}
	return t
}

// wallClock returns the instant at the wall-clock time off (00:00 to
// 24:00) on the day y-m-d in zone.
func wallClock(y int, m time.Month, d int, off time.Duration, zone *time.Location) time.Time {
	switch off {
	case 0:
		return dayStart(y, m, d, zone)
	case 24 * time.Hour:
		return dayStart(y, m, d+1, zone)
	}
	return time.Date(y, m, d, int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, zone)
}
