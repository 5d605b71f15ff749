package ics

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/teambition/rrule-go"
)

// chunk is how many occurrences are kept per block: blocks are never
// copied as they fill, as one growing slice would be, over and over.
const chunk = 4096

// occurrence is an occurrence found, before it is made into a
// calendar.Event: its entry (an index into expansion.entries) and its
// times, as seconds and nanoseconds with their zones by number (in
// expansion.zones). A sixth of an event's size, and with no pointer in
// it, for the garbage collector to skip.
type occurrence struct {
	start, end         int64
	startNsec, endNsec int32
	entry              int32
	startZone, endZone int32
	allDay             bool
}

// expansion is one query over a calendar in progress.
type expansion struct {
	ctx    context.Context
	c      *Calendar
	q      calendar.Query
	budget *Budget
	// dayLoc places all-day dates; floatLoc places floating times.
	dayLoc, floatLoc *time.Location
	// found are the occurrences kept, in the order they were found, in
	// blocks of chunk; n counts them. Each names its entry in entries,
	// which index numbers.
	found   [][]occurrence
	n       int
	entries []*entry
	index   map[*entry]int32
	// last is the entry of the last occurrence kept, and its number.
	last      *entry
	lastIndex int32
	// zones are the zones of the occurrences' times, numbered by zoneIndex.
	zones     []*time.Location
	zoneIndex map[*time.Location]int32
	warnings  []string
	// standing holds the overrides that stand, by UID; a stale one (see
	// [expansion.stands]) is dropped.
	standing map[string][]*entry
	// excluded holds each series' EXDATEs, for [expansion.stands].
	excluded map[*entry]skips
	// cur names the entry being expanded; what it has cost so far.
	cur     where
	curCost spent
	// err ends the query: the run's budget is spent, or ctx is done.
	err error
}

func (x *expansion) warn(e *entry, format string, args ...any) {
	x.warnings = append(x.warnings, place(x.c.name, e.line, e.uid)+": "+fmt.Sprintf(format, args...))
}

// begin starts the expansion of e: what it costs is charged to it.
func (x *expansion) begin(e *entry) {
	x.cur, x.curCost = where{x.c.name, e.line, e.uid}, spent{}
}

// spend charges steps, occurrences and their guests to the current entry
// and the run; false means the query must end, with x.err saying why.
func (x *expansion) spend(steps, occurrences, attendance int64) bool {
	if x.err != nil {
		return false
	}
	before := x.curCost.steps
	x.curCost.steps += steps
	x.curCost.occurrences += occurrences
	x.curCost.attendance += attendance
	if err := x.budget.spend(steps, occurrences, attendance, x.cur, x.curCost); err != nil {
		x.err = err
		return false
	}
	if before>>16 != x.curCost.steps>>16 {
		if err := x.ctx.Err(); err != nil {
			x.err = err
			return false
		}
	}
	return true
}

// emit adds an occurrence of e if it overlaps the window, and reports
// whether it did.
func (x *expansion) emit(e *entry, start, end time.Time, allDay bool) bool {
	if x.err != nil {
		return false
	}
	if end.Before(start) {
		end = start
	}
	if !overlaps(start, end, x.q.From, x.q.To) {
		return false
	}
	if !x.spend(0, 1, int64(len(e.proto.Attendees))) {
		return false
	}
	if e != x.last {
		i, ok := x.index[e]
		if !ok {
			i = int32(len(x.entries))
			x.entries = append(x.entries, e)
			x.index[e] = i
		}
		x.last, x.lastIndex = e, i
	}
	if x.n%chunk == 0 {
		x.found = append(x.found, make([]occurrence, 0, chunk))
	}
	b := &x.found[len(x.found)-1]
	*b = append(*b, occurrence{
		start: start.Unix(), end: end.Unix(), startNsec: int32(start.Nanosecond()), endNsec: int32(end.Nanosecond()),
		entry: x.lastIndex, startZone: x.zone(start.Location()), endZone: x.zone(end.Location()), allDay: allDay,
	})
	x.n++
	return true
}

// zone numbers loc among the zones of the occurrences.
func (x *expansion) zone(loc *time.Location) int32 {
	if n := len(x.zones); n > 0 && x.zones[n-1] == loc {
		return int32(n - 1)
	}
	if i, ok := x.zoneIndex[loc]; ok {
		return i
	}
	if x.zoneIndex == nil {
		x.zoneIndex = map[*time.Location]int32{}
	}
	i := int32(len(x.zones))
	x.zones = append(x.zones, loc)
	x.zoneIndex[loc] = i
	return i
}

// overlaps is [calendar.Event.Overlaps] for an occurrence from start to
// end.
func overlaps(start, end, from, to time.Time) bool {
	if !end.After(start) {
		return !start.Before(from) && start.Before(to)
	}
	return start.Before(to) && end.After(from)
}

// events returns the occurrences as events, by start, then UID, then the
// order they were found in. It sorts small keys, not the events, and makes
// each event once, in its place.
func (x *expansion) events() []calendar.Event {
	// Each entry's UID, by its rank among them, so that sorting compares
	// numbers: a calendar of many series has many occurrences at the same
	// time, and comparing their UIDs would look each one up.
	order := make([]int32, len(x.entries))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(x.entries[a].uid, x.entries[b].uid) })
	rank := make([]int32, len(x.entries))
	for i, e := range order {
		if i > 0 && x.entries[e].uid != x.entries[order[i-1]].uid {
			rank[e] = rank[order[i-1]] + 1
		} else if i > 0 {
			rank[e] = rank[order[i-1]]
		}
	}
	at := func(i int32) *occurrence { return &x.found[i/chunk][i%chunk] }
	// before says whether the occurrence found i-th comes before the one
	// found j-th: by start, then UID, then the order they were found in.
	before := func(i, j int32) bool {
		a, b := at(i), at(j)
		switch {
		case a.start != b.start:
			return a.start < b.start
		case a.startNsec != b.startNsec:
			return a.startNsec < b.startNsec
		case rank[a.entry] != rank[b.entry]:
			return rank[a.entry] < rank[b.entry]
		}
		return i < j
	}
	// The occurrences come in runs already in order (a series' own, the
	// one-off events of a file written in order), which are merged.
	var runs []run
	first := int32(0)
	for i := int32(1); i <= int32(x.n); i++ {
		if i == int32(x.n) || before(i, i-1) {
			runs = append(runs, run{first, i})
			first = i
		}
	}
	m := merge{runs: runs, before: before}
	m.init()
	out := make([]calendar.Event, x.n)
	for j := range out {
		o := at(m.pop())
		ev := &out[j]
		*ev = x.entries[o.entry].proto
		// The instants and zones they were found in: the same times.
		ev.Start = time.Unix(o.start, int64(o.startNsec)).In(x.zones[o.startZone])
		ev.End = time.Unix(o.end, int64(o.endNsec)).In(x.zones[o.endZone])
		ev.AllDay = o.allDay
	}
	return out
}

// run is a run of occurrences in order, from the next to be taken to its
// end (excluded), by the order they were found in.
type run struct{ next, end int32 }

// merge takes the occurrences of runs in order, earliest first: a heap of
// the runs, by the first occurrence each has left.
type merge struct {
	runs   []run
	heap   []int32 // indices of runs
	before func(i, j int32) bool
}

func (m *merge) init() {
	m.heap = make([]int32, len(m.runs))
	for i := range m.heap {
		m.heap[i] = int32(i)
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
}

// less orders two runs of the heap by the next occurrence of each.
func (m *merge) less(a, b int) bool {
	return m.before(m.runs[m.heap[a]].next, m.runs[m.heap[b]].next)
}

func (m *merge) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(m.heap) {
			return
		}
		c := l
		if r := l + 1; r < len(m.heap) && m.less(r, l) {
			c = r
		}
		if !m.less(c, i) {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}

// pop returns the earliest occurrence left; there must be one.
func (m *merge) pop() int32 {
	r := &m.runs[m.heap[0]]
	o := r.next
	if r.next++; r.next == r.end {
		last := len(m.heap) - 1
		m.heap[0] = m.heap[last]
		m.heap = m.heap[:last]
	}
	m.down(0)
	return o
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

// exdates collects a series' EXDATEs, and the RECURRENCE-IDs given, as
// what to leave out of it: for a series of dates, whole days; for one of
// date-times, instants, and whole days for EXDATEs that are dates.
func (x *expansion) exdates(m *entry, rids []dateTime) skips {
	var s skips
	for _, d := range slices.Concat(m.exdates, rids) {
		if m.start.kind == kindDate || d.kind == kindDate {
			s.addDay(d.civil)
		} else {
			s.addAt(d.in(x.floatLoc))
		}
	}
	return s
}

// series emits the occurrences of a master entry: its DTSTART, its RRULEs
// and RDATEs, less its EXDATEs and the occurrences its overrides replace,
// moved and resized from each RANGE=THISANDFUTURE override on.
func (x *expansion) series(m *entry) {
	x.begin(m)
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

// zoneOf is the zone a series of date-times repeats in: its DTSTART's,
// except that a series in UTC in a calendar with an X-WR-TIMEZONE repeats
// on that zone's wall clock, as Google Calendar, which writes such files,
// shows it: the same local time across a daylight-saving change.
func (x *expansion) zoneOf(m *entry) *time.Location {
	if m.start.kind == kindUTC && x.c.zone != nil {
		return x.c.zone
	}
	return m.start.location(x.floatLoc)
}

// timedLength returns the end of an occurrence of timed entry e that
// starts at t: its DTEND as a fixed length, or its DURATION.
func (x *expansion) timedLength(e *entry, loc *time.Location) func(time.Time) time.Time {
	start := e.start.in(x.floatLoc)
	switch {
	case e.end != nil:
		end := e.end.in(x.floatLoc)
		if e.end.kind == kindDate {
			end = rezone(e.end.civil, loc)
		}
		d := end.Sub(start)
		return func(t time.Time) time.Time { return t.Add(d) }
	case e.dur != nil:
		return e.dur.after
	}
	return func(t time.Time) time.Time { return t }
}

// future is a RANGE=THISANDFUTURE override as it applies to the
// occurrences after it: moved by shift, with its own length and details.
type future struct {
	o      *entry
	rid    time.Time // an instant, or for a series of dates a date
	shift  time.Duration
	days   int // for a series of dates: the shift in days
	length func(time.Time) time.Time
	span   int // for a series of dates: its length in days
}

func (x *expansion) futures(m *entry, loc *time.Location) []future {
	var out []future
	for _, o := range x.standing[m.uid] {
		if !o.future {
			continue
		}
		f := future{o: o}
		if m.start.kind == kindDate {
			f.rid = dayOf(o.rid.civil)
			f.days = int(dayNumber(o.start.civil) - dayNumber(o.rid.civil))
			f.span = dateSpan(o)
		} else {
			f.rid = o.rid.in(x.floatLoc)
			start := o.start.in(x.floatLoc)
			if o.start.kind == kindDate {
				start = rezone(o.start.civil, loc)
			}
			f.shift = start.Sub(f.rid)
			f.length = x.timedLength(o, loc)
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b future) int { return a.rid.Compare(b.rid) })
	return out
}

// latest is the last override of fs (sorted) whose RECURRENCE-ID is
// before t.
func latest(fs []future, t time.Time) *future {
	i := sort.Search(len(fs), func(i int) bool { return !fs[i].rid.Before(t) })
	if i == 0 {
		return nil
	}
	return &fs[i-1]
}

func (x *expansion) replaced(m *entry) []dateTime {
	var out []dateTime
	for _, o := range x.standing[m.uid] {
		out = append(out, *o.rid)
	}
	return out
}

func (x *expansion) timedSeries(m *entry) {
	loc := x.zoneOf(m)
	length := x.timedLength(m, loc)
	skip := x.exdates(m, x.replaced(m))
	fs := x.futures(m, loc)

	// The wall clocks to search: no occurrence starting outside them can
	// reach into the window, however long or moved.
	longest := length(x.q.From).Sub(x.q.From)
	var later, earlier time.Duration
	for _, f := range fs {
		longest = max(longest, f.length(x.q.From).Sub(x.q.From))
		later = max(later, f.shift)
		earlier = max(earlier, -f.shift)
	}
	from := wall(x.q.From.In(loc)).Add(-longest-later).AddDate(0, 0, -1)
	to := wall(x.q.To.In(loc)).Add(earlier).AddDate(0, 0, 1)

	kept := 0
	x.timedStarts(m, loc, from, to, false, func(t, end time.Time) bool {
		if skip.has(t.In(loc)) {
			return true
		}
		e, start := m, t
		f := latest(fs, t)
		if f != nil {
			e, start = f.o, t.Add(f.shift)
		}
		switch {
		case !end.IsZero(): // an RDATE period keeps its own length
			end = start.Add(end.Sub(t))
		case f != nil:
			end = f.length(start)
		default:
			end = length(start)
		}
		if x.emit(e, start, end, false) {
			if kept++; kept == maxRuleOccurrences {
				x.capped(m)
			}
		}
		return kept < maxRuleOccurrences && x.err == nil
	})
}

// timedStarts hands each to the start of every instance of timed series m
// (its DTSTART, RDATEs and RRULEs, each once) whose wall clock in loc lies
// in [from, to), with the end an RDATE PERIOD gives it (else the zero
// time). each returns false to stop the rule it came from. Unless quiet, a
// rule that cannot be expanded in full is named in a warning.
func (x *expansion) timedStarts(m *entry, loc *time.Location, from, to time.Time, quiet bool, each func(start, end time.Time) bool) {
	dtstart := m.start.in(x.floatLoc)
	dtWall := wall(dtstart.In(loc))
	var seen map[int64]bool
	if len(m.rules) > 1 || len(m.rdates) > 0 {
		seen = map[int64]bool{}
	}
	inRange := func(w time.Time) bool { return !w.Before(from) && w.Before(to) }
	hand := func(t, end time.Time) bool {
		if seen != nil {
			if seen[t.Unix()] {
				return true
			}
			seen[t.Unix()] = true
		}
		return each(t, end)
	}
	untils := make([]*time.Time, len(m.rules))
	withStart := len(m.rules) == 0
	for i, r := range m.rules {
		if r.until == nil {
			withStart = true
			continue
		}
		u := timedUntil(*r.until, loc)
		untils[i] = &u
		if !u.Before(dtstart) {
			withStart = true
		}
	}
	if withStart && inRange(dtWall) && !hand(dtstart, time.Time{}) {
		return
	}
	for _, rd := range m.rdates {
		t := rd.at.in(x.floatLoc)
		if rd.at.kind == kindDate {
			y, mo, d := rd.at.civil.Date()
			t = time.Date(y, mo, d, dtWall.Hour(), dtWall.Minute(), dtWall.Second(), 0, loc)
		}
		var end time.Time
		switch {
		case rd.end != nil:
			end = rd.end.in(x.floatLoc)
		case rd.dur != nil:
			end = rd.dur.after(t)
		}
		if inRange(wall(t.In(loc))) && !hand(t, end) {
			return
		}
	}
	for i, r := range m.rules {
		opt := r.opt
		opt.Dtstart = dtWall
		until := untils[i]
		s := &search{x: x}
		why := s.run(opt, from, to, func(w time.Time) bool {
			if !w.Before(to) {
				return false
			}
			t := rezone(w, loc)
			if until != nil && t.After(*until) {
				return false
			}
			if withStart && seen == nil && t.Equal(dtstart) || w.Before(from) {
				return true
			}
			return hand(t, time.Time{})
		})
		if !quiet {
			x.searched(m, r, s, why, from)
		}
		if x.err != nil {
			return
		}
	}
}

// capped warns that series m reached maxRuleOccurrences.
func (x *expansion) capped(m *entry) {
	count := ""
	for _, r := range m.rules {
		if r.opt.Count > maxRuleOccurrences {
			count = fmt.Sprintf(" (its COUNT=%d is more than emtime keeps of one series)", r.opt.Count)
		}
	}
	x.warn(m, "stopped expanding after %d occurrences%s; left the later ones out", maxRuleOccurrences, count)
}

// searched warns about a rule whose search ended before its end. from is
// where the range's search begins (a wall clock).
func (x *expansion) searched(m *entry, r rule, s *search, why stop, from time.Time) {
	text := clip(r.text, 80)
	switch why {
	case stopNever:
		if s.horizon == 0 {
			x.warn(m, "RRULE %q can never yield an occurrence; left its repeats out", text)
		} else {
			x.warn(m, "RRULE %q yields no occurrence up to the year %d; left its repeats out", text, s.horizon)
		}
	case stopPeriod:
		x.warn(m, "RRULE %q may yield %s starts in one %s, more than emtime expands of one rule at once (%s); left its repeats out",
			text, thousands(s.period), periodName(r.opt.Freq), thousands(maxPeriodStarts))
	case stopSteps:
		count := ""
		if r.opt.Count > s.found {
			count = fmt.Sprintf(" (its COUNT=%d is more than emtime can expand)", r.opt.Count)
		}
		switch {
		case s.found == 0:
			x.warn(m, "RRULE %q%s: found no occurrence in %s steps of search; left its repeats out", text, count, thousands(s.steps))
		case s.last.Before(from):
			x.warn(m, "RRULE %q%s: gave up after %s steps of search, at %s, before the range; left its repeats out", text, count, thousands(s.steps), s.last.Format(time.DateOnly))
		default:
			x.warn(m, "RRULE %q%s: gave up after %s steps of search, at %s; left the later occurrences out", text, count, thousands(s.steps), s.last.Format("2006-01-02T15:04:05"))
		}
	}
}

// periodName names the period of a DAILY, WEEKLY, MONTHLY or YEARLY rule.
func periodName(f rrule.Frequency) string {
	switch f {
	case rrule.YEARLY:
		return "year"
	case rrule.MONTHLY:
		return "month"
	case rrule.WEEKLY:
		return "week"
	}
	return "day"
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

// dateSpan is how many days an all-day entry lasts: to its DTEND's date
// (a day more if DTEND has a time of day), or its DURATION in whole days,
// and never less than one.
func dateSpan(e *entry) int {
	days := 1
	switch {
	case e.end != nil:
		days = int(dayNumber(e.end.civil) - dayNumber(e.start.civil))
		if e.end.civil.Sub(dayOf(e.end.civil)) > 0 {
			days++
		}
	case e.dur != nil:
		days = e.dur.wholeDays()
	}
	return max(days, 1)
}

// allDaySeries expands a series of dates. It runs on dates at midnight UTC,
// where no day is missing an hour, and places each date in dayLoc.
func (x *expansion) allDaySeries(m *entry) {
	days := dateSpan(m)
	skip := x.exdates(m, x.replaced(m))
	fs := x.futures(m, time.UTC)
	longest, later, earlier := days, 0, 0
	for _, f := range fs {
		longest = max(longest, f.span)
		later = max(later, f.days)
		earlier = max(earlier, -f.days)
	}
	from := wall(x.q.From.In(x.dayLoc)).AddDate(0, 0, -longest-later-1)
	to := wall(x.q.To.In(x.dayLoc)).AddDate(0, 0, earlier+1)
	kept := 0
	x.allDayStarts(m, from, to, false, func(day time.Time) bool {
		if skip.day[dayNumber(day)] {
			return true
		}
		e, span := m, days
		if f := latest(fs, day); f != nil {
			e, span, day = f.o, f.span, day.AddDate(0, 0, f.days)
		}
		y, mo, d := day.Date()
		if x.emit(e, time.Date(y, mo, d, 0, 0, 0, 0, x.dayLoc), time.Date(y, mo, d+span, 0, 0, 0, 0, x.dayLoc), true) {
			if kept++; kept == maxRuleOccurrences {
				x.capped(m)
			}
		}
		return kept < maxRuleOccurrences && x.err == nil
	})
}

// allDayStarts hands each the date of every instance of all-day series m
// (its DTSTART, RDATEs and RRULEs, each once) in [from, to), as midnight
// UTC; each returns false to stop the rule it came from. Unless quiet, a
// rule that cannot be expanded in full is named in a warning.
func (x *expansion) allDayStarts(m *entry, from, to time.Time, quiet bool, each func(day time.Time) bool) {
	first := m.start.civil
	seen := map[int64]bool{}
	inRange := func(d time.Time) bool { return !d.Before(from) && d.Before(to) }
	hand := func(day time.Time) bool {
		n := dayNumber(day)
		if seen[n] {
			return true
		}
		seen[n] = true
		return each(dayOf(day))
	}
	untils := make([]*time.Time, len(m.rules))
	withStart := len(m.rules) == 0
	for i, r := range m.rules {
		if r.until == nil {
			withStart = true
			continue
		}
		var u time.Time
		switch uv := *r.until; uv.kind {
		case kindDate, kindFloating:
			u = uv.civil
		default:
			// An instant: the dates whose midnight in dayLoc is not after it.
			u = wall(uv.in(x.dayLoc).In(x.dayLoc))
		}
		untils[i] = &u
		if !u.Before(first) {
			withStart = true
		}
	}
	if withStart && inRange(first) && !hand(first) {
		return
	}
	for _, rd := range m.rdates {
		if d := dayOf(rd.at.civil); inRange(d) && !hand(d) {
			return
		}
	}
	for i, r := range m.rules {
		opt := r.opt
		opt.Dtstart = first
		until := untils[i]
		s := &search{x: x}
		why := s.run(opt, from, to, func(t time.Time) bool {
			if !t.Before(to) || until != nil && t.After(*until) {
				return false
			}
			if t.Before(from) {
				return true
			}
			return hand(t)
		})
		if !quiet {
			x.searched(m, r, s, why, from)
		}
		if x.err != nil {
			return
		}
	}
}

// stands reports whether override o of series m still stands. It does not
// when the series' EXDATE removes the occurrence it replaces, or when o
// is a copy of an older version of the series (it repeats an RRULE,
// RDATE or EXDATE, with a lower SEQUENCE) whose occurrence the series no
// longer has: what Google Calendar and Thunderbird leave behind when a
// series is changed or a changed occurrence deleted.
func (x *expansion) stands(m, o *entry) bool {
	x.begin(m)
	skip, ok := x.excluded[m]
	if !ok {
		if x.excluded == nil {
			x.excluded = map[*entry]skips{}
		}
		skip = x.exdates(m, nil)
		x.excluded[m] = skip
	}
	if m.start.kind == kindDate {
		if skip.day[dayNumber(o.rid.civil)] {
			return false
		}
	} else if skip.has(o.rid.in(x.floatLoc).In(x.zoneOf(m))) {
		return false
	}
	if !o.copiesRules || o.seq >= m.seq {
		return true
	}
	found := false
	if m.start.kind == kindDate {
		day := dayOf(o.rid.civil)
		x.allDayStarts(m, day, day.AddDate(0, 0, 1), true, func(d time.Time) bool {
			found = found || d.Equal(day)
			return !found
		})
		return found
	}
	loc := x.zoneOf(m)
	rid := o.rid.in(x.floatLoc)
	w := wall(rid.In(loc))
	x.timedStarts(m, loc, w.AddDate(0, 0, -1), w.AddDate(0, 0, 1), true, func(t, _ time.Time) bool {
		found = found || t.Equal(rid)
		return !found
	})
	return found
}

// single emits an override: one occurrence with its own start and end.
func (x *expansion) single(o *entry) {
	x.begin(o)
	if o.start.kind == kindDate {
		y, mo, d := o.start.civil.Date()
		x.emit(o, time.Date(y, mo, d, 0, 0, 0, 0, x.dayLoc), time.Date(y, mo, d+dateSpan(o), 0, 0, 0, 0, x.dayLoc), true)
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
