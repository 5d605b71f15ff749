// Package analyze lays classified events over working hours in one zone and
// counts, per week and for a whole range, where the time goes: meetings,
// focus (free stretches long enough to code in) and fragmented time.
//
// The accounting is exact to the minute: every event's start and end are
// rounded to the nearest minute, and for every day
//
//	meeting + focus + fragmented = capacity
//	capacity = working hours − out of office − personal
//
// where meeting is the union of meeting time (overlaps never count twice),
// out of office overrides everything at the same time, and a meeting
// overrides personal time. [Analyze] is a pure function of its inputs.
package analyze

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

// Tally is the accounting of a stretch of days: a week or a whole range.
// Minutes are whole minutes.
type Tally struct {
	// Days in the range, and how many of them are working days.
	Days     int
	WorkDays int

	WorkingMinutes           int // working hours, before anything is taken off
	CapacityMinutes          int // working minutes − out of office − personal
	MeetingMinutes           int // union of meetings within working hours
	FocusMinutes             int // free stretches of at least FocusMin
	FragmentedMinutes        int // shorter free stretches
	OutOfOfficeMinutes       int // out of office within working hours
	PersonalMinutes          int // personal time within working hours, not under a meeting
	AfterHoursMeetingMinutes int // union of meetings outside working hours
	FocusBookedMinutes       int // booked focus blocks within working hours
	ExternalMeetingMinutes   int // meeting minutes with someone outside my domain

	MeetingCount        int // meetings that start in the range and take some of my time
	BackToBackChains    int // runs of two or more meetings with gaps under BackToBackGap
	MeetingFreeDays     int // working days with capacity and no meeting
	LongestFocusMinutes int // longest focus stretch

	// Categories holds every category, with zero values for the unused.
	Categories map[classify.Category]CategoryTally
	// People are the people I spend the most meeting minutes with, most
	// first (ties by address), at most Settings.TopPeople.
	People []PersonTally

	people map[string]int
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

// MeetingShare is MeetingMinutes / CapacityMinutes; ok is false when there
// is no capacity.
func (t Tally) MeetingShare() (share float64, ok bool) { return t.share(t.MeetingMinutes) }

// FocusShare is FocusMinutes / CapacityMinutes.
func (t Tally) FocusShare() (share float64, ok bool) { return t.share(t.FocusMinutes) }

// FragmentedShare is FragmentedMinutes / CapacityMinutes.
func (t Tally) FragmentedShare() (share float64, ok bool) { return t.share(t.FragmentedMinutes) }

func (t Tally) share(n int) (float64, bool) {
	if t.CapacityMinutes <= 0 {
		return 0, false
	}
	return float64(n) / float64(t.CapacityMinutes), true
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
	Weeks    []Week
	Total    Tally
	// Heat is where in the week the meetings and the focus stretches sit.
	Heat Heat
	// Events says what each event given to [Analyze] adds up to, in the same
	// order.
	Events []EventTally
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
}

// Heat spreads meeting and focus minutes over the weekday and the
// wall-clock hour they fall in, summed over the range. Meeting minutes
// include after-hours meetings; time out of office is left out. Indexed by
// time.Weekday, then hour 0–23.
type Heat struct {
	Meeting [7][24]int
	Focus   [7][24]int
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

// Analyze counts the days from the midnight on or before from up to the
// midnight on or before to (excluded), in s.Zone. Events outside the range
// are ignored; an event that crosses its edge counts for the part inside.
func Analyze(events []classify.Event, from, to time.Time, s Settings) Result {
	from, to = midnight(from, s.Zone), midnight(to, s.Zone)
	res := Result{From: from, To: to, Total: newTally(), Events: make([]EventTally, len(events))}
	days := dayCount(from, to)
	if days <= 0 {
		return res
	}
	buckets := bucket(events, from, days, s.Zone)
	y, m, dd := from.Date()
	week := -1
	for i := 0; i < days; i++ {
		d := dayStart(y, m, dd+i, s.Zone)
		if ws := s.WeekStartOf(d); week < 0 || !ws.Equal(res.Weeks[week].Start) {
			res.Weeks = append(res.Weeks, Week{Start: ws, Tally: newTally()})
			week++
		}
		day := s.countDay(d, events, buckets[i], res.Events)
		res.Heat.add(d.Weekday(), day, s.Zone)
		res.Weeks[week].add(day)
		res.Total.add(day)
	}
	for i := range res.Weeks {
		w := &res.Weeks[i]
		w.Full = w.Days == 7
		w.finish(s.TopPeople)
	}
	res.Total.finish(s.TopPeople)
	return res
}

func newTally() Tally {
	t := Tally{Categories: make(map[classify.Category]CategoryTally), people: make(map[string]int)}
	for _, c := range classify.Categories() {
		t.Categories[c] = CategoryTally{}
	}
	return t
}

func (t *Tally) add(d dayTally) {
	t.Days++
	if d.workDay {
		t.WorkDays++
	}
	t.WorkingMinutes += d.working
	t.CapacityMinutes += d.capacity
	t.MeetingMinutes += d.meeting
	t.FocusMinutes += d.focus
	t.FragmentedMinutes += d.fragmented
	t.OutOfOfficeMinutes += d.outOfOffice
	t.PersonalMinutes += d.personal
	t.AfterHoursMeetingMinutes += d.afterHours
	t.FocusBookedMinutes += d.focusBooked
	t.ExternalMeetingMinutes += d.external
	t.MeetingCount += d.meetingCount
	t.BackToBackChains += d.chains
	if d.workDay && d.capacity > 0 && d.meeting == 0 {
		t.MeetingFreeDays++
	}
	t.LongestFocusMinutes = max(t.LongestFocusMinutes, d.longestFocus)
	for c, ct := range d.categories {
		sum := t.Categories[c]
		sum.Count += ct.Count
		sum.Minutes += ct.Minutes
		t.Categories[c] = sum
	}
	for p, m := range d.people {
		t.people[p] += m
	}
}

func (t *Tally) finish(top int) {
	people := make([]PersonTally, 0, len(t.people))
	for p, m := range t.people {
		if m > 0 {
			people = append(people, PersonTally{p, m})
		}
	}
	sort.Slice(people, func(i, j int) bool {
		if people[i].Minutes != people[j].Minutes {
			return people[i].Minutes > people[j].Minutes
		}
		return people[i].Person < people[j].Person
	})
	if len(people) > top {
		people = people[:top]
	}
	t.People = people
}

// dayTally is the accounting of one day.
type dayTally struct {
	workDay                                        bool
	working, capacity, meeting, focus, fragmented  int
	outOfOffice, personal, afterHours, focusBooked int
	external, meetingCount, chains, longestFocus   int
	categories                                     map[classify.Category]CategoryTally
	people                                         map[string]int
	// meetingTime (not under out of office, any hour) and focusTime (the
	// focus stretches) feed the heat map.
	meetingTime, focusTime set
}

func (h *Heat) add(wd time.Weekday, d dayTally, zone *time.Location) {
	h.Days[wd]++
	spread(&h.Meeting[wd], d.meetingTime, zone)
	spread(&h.Focus[wd], d.focusTime, zone)
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

// countDay does the accounting of the day starting at midnight d, given the
// events that overlap it.
func (s Settings) countDay(d time.Time, all []classify.Event, idx []int32, per []EventTally) dayTally {
	events := make([]*classify.Event, len(idx))
	for k, j := range idx {
		events[k] = &all[j]
	}
	y, m, dd := d.Date()
	day := interval{minuteOf(d), minuteOf(dayStart(y, m, dd+1, s.Zone))}
	var work interval
	span := s.Hours[d.Weekday()]
	out := dayTally{workDay: !span.IsZero()}
	if out.workDay {
		// Wall-clock times; kept inside the day where a daylight-saving
		// change skips the clock past them.
		work = interval{
			max(minuteOf(wallClock(y, m, dd, span.Start, s.Zone)), day.a),
			min(minuteOf(wallClock(y, m, dd, span.End, s.Zone)), day.b),
		}
		work.b = max(work.a, work.b)
	}
	workSet := set{}
	if work.len() > 0 {
		workSet = set{work}
	}

	var oooIv, meetIv, personalIv, focusIv []interval
	var meetings []*classify.Event
	for _, e := range events {
		iv := interval{minuteOf(e.Start), minuteOf(e.End)}
		switch e.Kind {
		case classify.KindOutOfOffice:
			oooIv = append(oooIv, iv)
		case classify.KindMeeting:
			meetIv = append(meetIv, iv)
			meetings = append(meetings, e)
		case classify.KindPersonal:
			personalIv = append(personalIv, iv)
		case classify.KindFocus:
			focusIv = append(focusIv, iv)
		}
	}
	ooo := union(oooIv).clip(day)
	meetAll := union(meetIv).clip(day).minus(ooo)
	meet := meetAll.clip(work)
	personal := union(personalIv).clip(work).minus(ooo).minus(meet)
	oooWork := ooo.clip(work)
	free := workSet.minus(oooWork).minus(meet).minus(personal)

	out.working = int(work.len())
	out.outOfOffice = int(oooWork.len())
	out.personal = int(personal.len())
	out.meeting = int(meet.len())
	out.capacity = out.working - out.outOfOffice - out.personal
	for _, st := range free {
		n := int(st.len())
		if st.len() >= int64(s.FocusMin/time.Minute) {
			out.focus += n
			out.longestFocus = max(out.longestFocus, n)
		} else {
			out.fragmented += n
		}
	}
	out.afterHours = int(meetAll.minus(workSet).len())
	out.meetingTime = meetAll
	for _, st := range free {
		if st.len() >= int64(s.FocusMin/time.Minute) {
			out.focusTime = append(out.focusTime, st)
		}
	}
	out.focusBooked = int(union(focusIv).clip(work).minus(ooo).len())
	s.countMeetings(&out, meetings, civilDay(d), day, work, ooo)
	for _, j := range idx {
		tallyEvent(&per[j], &all[j], day, workSet, ooo, meet)
	}
	return out
}

// tallyEvent adds one day of an event to its tally.
func tallyEvent(t *EventTally, e *classify.Event, day interval, work, ooo, meet set) {
	mine := set{{minuteOf(e.Start), minuteOf(e.End)}}.clip(day)
	if mine.len() == 0 {
		return
	}
	inWork := mine
	if len(work) == 0 {
		inWork = nil
	} else {
		inWork = mine.clip(work[0])
	}
	switch e.Kind {
	case classify.KindMeeting:
		t.WorkingMinutes += int(inWork.minus(ooo).len())
		t.AfterHoursMinutes += int(mine.minus(work).minus(ooo).len())
		t.AwayMinutes += int(mine.len() - mine.minus(ooo).len())
	case classify.KindFocus:
		t.WorkingMinutes += int(inWork.minus(ooo).len())
	case classify.KindPersonal:
		t.WorkingMinutes += int(inWork.minus(ooo).minus(meet).len())
	case classify.KindOutOfOffice:
		t.WorkingMinutes += int(inWork.len())
	}
}

// countMeetings fills the per-meeting figures of a day: categories, count,
// people, external time and back-to-back chains.
func (s Settings) countMeetings(out *dayTally, meetings []*classify.Event, today int, day, work interval, ooo set) {
	out.categories = make(map[classify.Category]CategoryTally)
	out.people = make(map[string]int)
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
	var covered set
	var external []interval
	var chainEnd int64
	chainLen := 0
	for _, e := range meetings {
		iv := interval{minuteOf(e.Start), minuteOf(e.End)}
		mine := set{iv}.clip(day).minus(ooo) // the part of the meeting I attend today
		if mine.len() == 0 {
			continue
		}
		inWork := mine.clip(work)
		part := inWork.minus(covered)
		covered = covered.or(part)
		ct := out.categories[e.Category]
		ct.Minutes += int(part.len())
		if civilDay(timeOf(iv.a, s.Zone)) == today {
			ct.Count++
			out.meetingCount++
		}
		out.categories[e.Category] = ct
		for _, p := range e.People {
			out.people[p] += int(mine.len())
		}
		if s.isExternal(e) {
			external = append(external, inWork...)
		}
		// Back-to-back chains, on the time I attend.
		first, last := mine[0].a, mine[len(mine)-1].b
		if chainLen > 0 && first-chainEnd < int64(s.BackToBackGap/time.Minute) {
			chainLen++
			chainEnd = max(chainEnd, last)
		} else {
			if chainLen >= 2 {
				out.chains++
			}
			chainLen, chainEnd = 1, last
		}
	}
	if chainLen >= 2 {
		out.chains++
	}
	out.external = int(union(external).len())
}

func (s Settings) isExternal(e *classify.Event) bool {
	if s.Domain == "" {
		return false
	}
	for _, p := range e.People {
		at := strings.LastIndexByte(p, '@')
		if at >= 0 && !strings.EqualFold(p[at+1:], s.Domain) {
			return true
		}
	}
	return false
}

// bucket lists, for each day of the range, the events that overlap it once
// rounded to the minute, as they are counted. An event of zero length belongs
// to the day it starts in.
func bucket(events []classify.Event, from time.Time, days int, zone *time.Location) [][]int32 {
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
			buckets[d] = append(buckets[d], int32(i))
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
