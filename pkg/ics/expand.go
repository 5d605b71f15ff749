package ics

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/teambition/rrule-go"
)

// maxSteps bounds the occurrences one rule may generate for one query
// (from DTSTART, or from where [fastForward] moved it): a FREQ=SECONDLY
// rule must not stall a query.
const maxSteps = 100_000

// chunk is how many occurrences are kept per block: blocks are never
// copied as they fill, unlike one growing slice of large structs.
const chunk = 1024

// expansion is one query over a calendar in progress.
type expansion struct {
	c *Calendar
	q calendar.Query
	// dayLoc places all-day dates; floatLoc places floating times.
	dayLoc, floatLoc *time.Location
	blocks           [][]calendar.Event
	n                int
	// attendees is the current series' copy of its attendees, shared by
	// the occurrences of this query and never by the Calendar.
	attendees []calendar.Attendee
	warnings  []string
}

func (x *expansion) warn(e *entry, format string, args ...any) {
	x.warnings = append(x.warnings, place(x.c.name, e.line, e.uid)+": "+fmt.Sprintf(format, args...))
}

// emit adds an occurrence of e if it overlaps the window.
func (x *expansion) emit(e *entry, start, end time.Time, allDay bool) {
	if end.Before(start) {
		end = start
	}
	ev := e.proto
	ev.Start, ev.End, ev.AllDay = start, end, allDay
	if !ev.Overlaps(x.q.From, x.q.To) {
		return
	}
	if x.attendees == nil && len(e.proto.Attendees) > 0 {
		x.attendees = slices.Clone(e.proto.Attendees)
	}
	ev.Attendees = x.attendees
	if x.n%chunk == 0 {
		x.blocks = append(x.blocks, make([]calendar.Event, 0, chunk))
	}
	b := &x.blocks[len(x.blocks)-1]
	*b = append(*b, ev)
	x.n++
}

// sorted returns the occurrences by start, then UID, then the order they
// were found in. It sorts small keys, not the events themselves.
func (x *expansion) sorted() []calendar.Event {
	type key struct {
		sec  int64
		nsec int32
		i    int32
	}
	at := func(i int32) *calendar.Event { return &x.blocks[i/chunk][i%chunk] }
	keys := make([]key, 0, x.n)
	for i := 0; i < x.n; i++ {
		e := at(int32(i))
		keys = append(keys, key{e.Start.Unix(), int32(e.Start.Nanosecond()), int32(i)})
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		if c := strings.Compare(at(a.i).UID, at(b.i).UID); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]calendar.Event, len(keys))
	for j, k := range keys {
		out[j] = *at(k.i)
	}
	return out
}

// dayNumber counts days from 1970-01-01 to t's date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// skips holds what a series must leave out: EXDATEs and the occurrences
// its overrides replace, as instants and as whole days.
type skips struct {
	at  map[int64]bool
	day map[int64]bool
}

func (s *skips) addAt(t time.Time) {
	if s.at == nil {
		s.at = map[int64]bool{}
	}
	s.at[t.Unix()] = true
}

func (s *skips) addDay(t time.Time) {
	if s.day == nil {
		s.day = map[int64]bool{}
	}
	s.day[dayNumber(t)] = true
}

func (s *skips) has(t time.Time) bool {
	return s.at[t.Unix()] || len(s.day) > 0 && s.day[dayNumber(t)]
}

// series emits the occurrences of a master entry: its DTSTART, its RRULEs
// and RDATEs, less its EXDATEs and the occurrences its overrides replace.
func (x *expansion) series(m *entry) {
	x.attendees = nil
	defer func() {
		if p := recover(); p != nil {
			x.warn(m, "cannot expand it (internal error: %v); skipped it", p)
		}
	}()
	if m.start.kind == kindDate {
		x.allDaySeries(m)
		return
	}
	x.timedSeries(m)
}

func (x *expansion) replaced(m *entry) []dateTime {
	if m.uid == "" {
		return nil
	}
	var out []dateTime
	for _, o := range x.c.byUID[m.uid] {
		out = append(out, *o.rid)
	}
	return out
}

func (x *expansion) timedSeries(m *entry) {
	loc := m.start.location(x.floatLoc)
	dtstart := m.start.in(x.floatLoc)
	length := func(t time.Time) time.Time { return t }
	switch {
	case m.end != nil:
		end := m.end.in(x.floatLoc)
		if m.end.kind == kindDate {
			end = rezone(m.end.civil, loc)
		}
		d := end.Sub(dtstart)
		length = func(t time.Time) time.Time { return t.Add(d) }
	case m.dur != nil:
		length = m.dur.after
	}

	var skip skips
	for _, d := range slices.Concat(m.exdates, x.replaced(m)) {
		if d.kind == kindDate {
			skip.addDay(d.civil)
		} else {
			skip.addAt(d.in(x.floatLoc))
		}
	}
	var seen map[int64]bool
	if len(m.rules) > 1 || len(m.rdates) > 0 {
		seen = map[int64]bool{}
	}
	occur := func(t, end time.Time) {
		if seen != nil {
			if seen[t.Unix()] {
				return
			}
			seen[t.Unix()] = true
		}
		if skip.has(t.In(loc)) {
			return
		}
		x.emit(m, t, end, false)
	}

	withStart := len(m.rules) == 0
	for _, r := range m.rules {
		if r.until == nil || !timedUntil(*r.until, loc).Before(dtstart) {
			withStart = true
		}
	}
	if withStart {
		occur(dtstart, length(dtstart))
	}
	for _, rd := range m.rdates {
		t := rd.at.in(x.floatLoc)
		if rd.at.kind == kindDate {
			y, mo, d := rd.at.civil.Date()
			t = time.Date(y, mo, d, dtstart.Hour(), dtstart.Minute(), dtstart.Second(), 0, loc)
		}
		end := length(t)
		switch {
		case rd.end != nil:
			end = rd.end.in(x.floatLoc)
		case rd.dur != nil:
			end = rd.dur.after(t)
		}
		occur(t, end)
	}
	for _, r := range m.rules {
		opt := r.opt
		opt.Dtstart = dtstart
		if r.until != nil {
			opt.Until = timedUntil(*r.until, loc)
		}
		// No occurrence starting before this can reach into the window.
		earliest := x.q.From.Add(-length(x.q.From).Sub(x.q.From)).AddDate(0, 0, -1)
		fastForward(&opt, wall(earliest.In(loc)))
		x.iterate(m, r.text, opt, func(t time.Time) {
			if withStart && seen == nil && t.Equal(dtstart) {
				return
			}
			occur(t, length(t))
		}, func(t time.Time) bool { return !t.Before(x.q.To) })
	}
}

// timedUntil places an UNTIL for a series of date-times: UTC as it is, a
// local time in the series' zone, and a date as the end of that day there.
func timedUntil(u dateTime, loc *time.Location) time.Time {
	switch u.kind {
	case kindUTC:
		return u.civil
	case kindDate:
		y, m, d := u.civil.Date()
		return time.Date(y, m, d, 23, 59, 59, 0, loc)
	}
	return rezone(u.civil, loc)
}

// allDaySeries expands a series of dates. It runs on dates at midnight UTC,
// where no day is missing an hour, and places each date in dayLoc.
func (x *expansion) allDaySeries(m *entry) {
	first := m.start.civil
	days := 1
	switch {
	case m.end != nil:
		days = int(dayNumber(m.end.civil) - dayNumber(first))
		if m.end.civil.Sub(dayOf(m.end.civil)) > 0 {
			days++
		}
	case m.dur != nil:
		days = m.dur.wholeDays()
	}
	if days < 1 {
		days = 1
	}
	var skip skips
	for _, d := range slices.Concat(m.exdates, x.replaced(m)) {
		skip.addDay(d.civil)
	}
	var seen map[int64]bool
	if len(m.rules) > 1 || len(m.rdates) > 0 {
		seen = map[int64]bool{}
	}
	occur := func(day time.Time) {
		n := dayNumber(day)
		if seen != nil {
			if seen[n] {
				return
			}
			seen[n] = true
		}
		if skip.day[n] {
			return
		}
		y, mo, d := day.Date()
		x.emit(m, time.Date(y, mo, d, 0, 0, 0, 0, x.dayLoc), time.Date(y, mo, d+days, 0, 0, 0, 0, x.dayLoc), true)
	}

	untils := make([]time.Time, len(m.rules))
	withStart := len(m.rules) == 0
	for i, r := range m.rules {
		if r.until == nil {
			withStart = true
			continue
		}
		switch u := *r.until; u.kind {
		case kindDate, kindFloating:
			untils[i] = u.civil
		default:
			// An instant: the dates whose midnight in dayLoc is not after it.
			untils[i] = wall(u.in(x.dayLoc).In(x.dayLoc))
		}
		if !untils[i].Before(first) {
			withStart = true
		}
	}
	if withStart {
		occur(first)
	}
	for _, rd := range m.rdates {
		occur(dayOf(rd.at.civil))
	}
	for i, r := range m.rules {
		opt := r.opt
		opt.Dtstart = first
		opt.Until = untils[i]
		fastForward(&opt, wall(x.q.From.In(x.dayLoc)).AddDate(0, 0, -days-1))
		x.iterate(m, r.text, opt, func(t time.Time) {
			if withStart && seen == nil && t.Equal(first) {
				return
			}
			occur(t)
		}, func(t time.Time) bool {
			y, mo, d := t.Date()
			return !time.Date(y, mo, d, 0, 0, 0, 0, x.dayLoc).Before(x.q.To)
		})
	}
}

// fastForward moves a rule's DTSTART ahead by whole periods to just before
// earliest (a wall clock, as a time in UTC), so that a series that began
// long ago costs what its window holds, not its history. It leaves rules
// with a COUNT, which counts from the first DTSTART, and monthly and yearly
// rules, which are cheap to run from the start.
func fastForward(opt *rrule.ROption, earliest time.Time) {
	if opt.Count > 0 {
		return
	}
	interval := int64(max(opt.Interval, 1))
	var step int64
	switch opt.Freq {
	case rrule.SECONDLY:
		step = interval
	case rrule.MINUTELY:
		step = 60 * interval
	case rrule.HOURLY:
		step = 3600 * interval
	case rrule.DAILY:
		step = 86400 * interval
	case rrule.WEEKLY:
		step = 7 * 86400 * interval
	default:
		return
	}
	start := wall(opt.Dtstart)
	gap := earliest.Unix() - start.Unix()
	if gap <= step {
		return
	}
	loc := opt.Dtstart.Location()
	opt.Dtstart = rezone(time.Unix(start.Unix()+gap/step*step, 0).UTC(), loc)
}

// iterate runs one rule from its DTSTART until past reports true, handing
// each occurrence to each.
func (x *expansion) iterate(m *entry, text string, opt rrule.ROption, each func(time.Time), past func(time.Time) bool) {
	r, err := rrule.NewRRule(opt)
	if err != nil {
		x.warn(m, "cannot expand RRULE %q: %v; left the repeats out", clip(text, 80), err)
		return
	}
	next := r.Iterator()
	for n := 0; ; n++ {
		t, ok := next()
		if !ok || past(t) {
			return
		}
		if n == maxSteps {
			x.warn(m, "stopped expanding after %d occurrences; left the later ones out", maxSteps)
			return
		}
		each(t)
	}
}

// single emits an override: one occurrence with its own start and end.
func (x *expansion) single(o *entry) {
	x.attendees = nil
	if o.start.kind == kindDate {
		days := 1
		switch {
		case o.end != nil:
			days = int(dayNumber(o.end.civil) - dayNumber(o.start.civil))
			if o.end.civil.Sub(dayOf(o.end.civil)) > 0 {
				days++
			}
		case o.dur != nil:
			days = o.dur.wholeDays()
		}
		if days < 1 {
			days = 1
		}
		y, mo, d := o.start.civil.Date()
		x.emit(o, time.Date(y, mo, d, 0, 0, 0, 0, x.dayLoc), time.Date(y, mo, d+days, 0, 0, 0, 0, x.dayLoc), true)
		return
	}
	loc := o.start.location(x.floatLoc)
	start := o.start.in(x.floatLoc)
	end := start
	switch {
	case o.end != nil && o.end.kind == kindDate:
		end = rezone(o.end.civil, loc)
	case o.end != nil:
		end = o.end.in(x.floatLoc)
	case o.dur != nil:
		end = o.dur.after(start)
	}
	x.emit(o, start, end, false)
}
