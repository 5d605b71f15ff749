package ics

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// A rule is searched on wall clocks: dates and times as written, held in
// time.UTC, where no day is missing an hour. The caller places each start
// in the series' zone.

// stop says why the search of a rule ended.
type stop uint8

const (
	// stopDone: the caller had enough (past the range, past UNTIL, or
	// enough occurrences kept).
	stopDone stop = iota
	// stopEnd: the rule ended: its COUNT is reached, or it has no start
	// before the search's horizon.
	stopEnd
	// stopNever: the rule yields no start at all, up to the horizon, or
	// (horizon 0) ever.
	stopNever
	// stopSteps: the rule spent its own step budget.
	stopSteps
	// stopRun: the run's budget is spent or the query was cancelled; the
	// expansion's err says which.
	stopRun
	// stopPeriod: one period of the rule (a year of a YEARLY rule, say)
	// holds more starts than rrule-go may build at once; nothing was
	// searched.
	stopPeriod
)

const (
	// libraryMaxYear is the last year rrule-go searches. Its loop looks
	// for the next start until it finds one or passes this year, with no
	// other bound: a rule that allows no day at all (BYMONTH=2;
	// BYMONTHDAY=30) is searched to here.
	libraryMaxYear = 9999
	// cycle is the Gregorian calendar's period in years: 400 years are
	// 146,097 days or 20,871 weeks, so weekdays, leap years and the
	// lengths of months repeat exactly.
	cycle = 400
	// A step is about 10 ns: one day rrule-go tries against one BY value.
	// A start rrule-go hands on costs some 400 ns more, one of the
	// sub-daily search some 20 ns.
	libraryStart  = 40
	subDailyStart = 2
	// maxPeriodStarts is the most starts one period of a DAILY, WEEKLY,
	// MONTHLY or YEARLY rule may hold. rrule-go builds each period's
	// starts whole, in a slice, before it hands on the first of them, and
	// cannot be stopped inside: a YEARLY rule listing every day and every
	// second of the day builds 31.6 million (25 s and 2.7 GB) in its first
	// step. It is as many as one series may keep in a query; a start built
	// costs about as much as one handed on (some 300 ns and, as the slice
	// grows, up to 72 bytes), so a period at the bound takes some 30 ms
	// and 7 MB.
	maxPeriodStarts = maxRuleOccurrences
)

// search is the search of one rule in one query.
type search struct {
	x *expansion
	// steps spent so far, and why the search stopped when it ran out.
	steps int64
	out   stop
	// found counts the starts handed on; last is the last of them.
	found int
	last  time.Time
	// horizon is the last year the library searched (0: not used).
	horizon int
	// period is how many starts one period of the rule may hold, when
	// that was too many to search (stopPeriod).
	period int64
}

// charge spends n steps; false means stop, with s.out saying why.
func (s *search) charge(n int64) bool {
	s.steps += n
	if !s.x.spend(n, 0, 0) {
		s.out = stopRun
		return false
	}
	if s.steps > maxRuleSteps {
		s.out = stopSteps
		return false
	}
	return true
}

// run searches opt from opt.Dtstart, a wall clock, handing each start to
// each until each returns false, the rule ends or a budget is spent.
// Starts before from may be skipped (only rules without COUNT are moved
// ahead); to is where the caller will stop, and bounds the search of a
// rule that finds nothing.
func (s *search) run(opt rrule.ROption, from, to time.Time, each func(time.Time) bool) stop {
	if !opt.Dtstart.Before(to) {
		// A series that begins after the range has nothing in it; its
		// search, moved by whole cycles to the range, would look past
		// the year 9999.
		return stopDone
	}
	switch opt.Freq {
	case rrule.HOURLY, rrule.MINUTELY, rrule.SECONDLY:
		return s.subDaily(opt, from, to, each)
	}
	fastForward(&opt, from)
	return s.library(opt, to, func(t time.Time) bool {
		s.found++
		s.last = t
		return each(t)
	})
}

// library runs a DAILY, WEEKLY, MONTHLY or YEARLY rule with rrule-go.
// rrule-go cannot be stopped inside its search for the next start, so the
// search is made short instead: the rule is moved ahead by whole 400-year
// cycles, which changes no weekday, leap year or month length, until the
// end of the range lies in the last cycle before libraryMaxYear, where
// rrule-go gives up. No call can then search more than the rule's gap
// between two starts or that cycle, and each call is charged afterwards
// for the days it covered: rrule-go looks at each day of each period it
// visits (one period of each interval), and tries each day against every
// value of the rule's BY lists and BYSETPOS. What rrule-go builds in one
// step, the starts of one period, is known before it is asked: a rule
// whose period may hold more than maxPeriodStarts is not searched at all,
// and the starts one period may hold are charged before the first call,
// the first starts handed on then costing nothing more.
func (s *search) library(opt rrule.ROption, to time.Time, each func(time.Time) bool) stop {
	perPeriod := periodStarts(opt)
	if perPeriod > maxPeriodStarts {
		s.period = perPeriod
		return stopPeriod
	}
	// rrule-go first lists the times of day a DAILY or longer rule
	// allows: up to 86,400 of them.
	if !s.charge(int64(max(len(opt.Byhour), 1)*max(len(opt.Byminute), 1)*max(len(opt.Bysecond), 1)) + perPeriod*libraryStart) {
		return s.out
	}
	prepaid := perPeriod
	weight := int64(1 + len(opt.Bymonth) + len(opt.Byweekday) + len(opt.Bymonthday) + len(opt.Byyearday) +
		len(opt.Byweekno) + len(opt.Byeaster) + len(opt.Bysetpos))
	shift := 0
	if y := to.Year(); y < libraryMaxYear-1 {
		shift = (libraryMaxYear - 1 - y) / cycle * cycle
	}
	opt.Dtstart = opt.Dtstart.AddDate(shift, 0, 0)
	// UNTIL is the caller's: rrule-go would take a zero UNTIL for none,
	// and none for 290 years after DTSTART.
	end := time.Date(libraryMaxYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	opt.Until = end
	s.horizon = libraryMaxYear - shift
	if opt.Dtstart.IsZero() { // rrule-go would read it as now
		return stopNever
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return stopNever
	}
	interval := int64(max(opt.Interval, 1))
	next := r.Iterator()
	prev := opt.Dtstart
	got := 0
	for {
		t, ok := next()
		upto := t
		if !ok {
			if opt.Count > 0 && got >= opt.Count {
				return stopEnd
			}
			upto = end
		}
		cost := (upto.Unix() - prev.Unix()) / 86400 * weight / interval
		switch {
		case ok && prepaid > 0:
			prepaid--
		case ok:
			cost += libraryStart
		}
		if !s.charge(max(1, cost)) {
			return s.out
		}
		if !ok {
			if got == 0 {
				return stopNever
			}
			return stopEnd
		}
		prev = t
		got++
		if !each(t.AddDate(-shift, 0, 0)) {
			return stopDone
		}
	}
}

// periodStarts is the most starts rrule-go may build for one period of a
// DAILY, WEEKLY, MONTHLY or YEARLY rule (a day, a week, a month, a year):
// the days of the period its date parts may allow, times the times of day
// it lists, or its BYSETPOS values when they are fewer.
func periodStarts(o rrule.ROption) int64 {
	n := periodDays(o) * int64(max(len(o.Byhour), 1)*max(len(o.Byminute), 1)*max(len(o.Bysecond), 1))
	if len(o.Bysetpos) > 0 {
		n = min(n, int64(len(o.Bysetpos)))
	}
	return n
}

// periodDays is the most days one period of a DAILY, WEEKLY, MONTHLY or
// YEARLY rule may hold, as rrule-go reads its date parts: the fewest any
// one of them allows, each of which every day must match. A rule without
// BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY or BYEASTER falls on DTSTART's
// day of the month (YEARLY: in DTSTART's month, or each BYMONTH), or its
// weekday (WEEKLY).
func periodDays(o rrule.ROption) int64 {
	monthdays := o.Bymonthday
	months := o.Bymonth
	weekdays := len(o.Byweekday)
	if len(o.Byweekno)+len(o.Byyearday)+len(o.Bymonthday)+len(o.Byweekday)+len(o.Byeaster) == 0 {
		switch o.Freq {
		case rrule.YEARLY:
			if len(months) == 0 {
				months = []int{int(o.Dtstart.Month())}
			}
			monthdays = []int{o.Dtstart.Day()}
		case rrule.MONTHLY:
			monthdays = []int{o.Dtstart.Day()}
		case rrule.WEEKLY:
			weekdays = 1
		}
	}
	if len(months) == 0 {
		months = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	}
	// The days of a month of n days that BYMONTHDAY allows, at most.
	inMonth := func(n int) int64 {
		k := 0
		for _, d := range monthdays {
			if d >= -n && d <= n {
				k++
			}
		}
		return int64(min(k, n))
	}
	// The weekdays BYDAY names, whatever their number, and the numbered
	// ones (BYDAY=2MO), which rrule-go reads only in MONTHLY and YEARLY
	// rules, as one day of each month or year.
	plain := map[int]bool{}
	numbered := 0
	for _, w := range o.Byweekday {
		if w.N() == 0 || o.Freq > rrule.MONTHLY {
			plain[w.Day()] = true
		} else {
			numbered++
		}
	}
	// BYMONTH and BYMONTHDAY bound a period of any length by the days
	// they allow in a year (a week spans two months at most, each once).
	var byMonth, byMonthday int64
	for _, m := range months {
		n := monthLength(m)
		byMonth += int64(n)
		byMonthday += inMonth(n)
	}
	bounds := []int64{byMonth}
	if len(monthdays) > 0 {
		bounds = append(bounds, byMonthday)
	}
	var days int64
	switch o.Freq {
	case rrule.YEARLY:
		days = 366
		if len(o.Byweekno) > 0 {
			// Each week number is 7 days; week 1 may also hold the last
			// days of the year, and the last week of the year before its
			// first.
			bounds = append(bounds, 7*int64(len(o.Byweekno))+14)
		}
		if weekdays > 0 {
			perYear := int64(1)
			if len(o.Bymonth) > 0 {
				perYear = int64(len(o.Bymonth))
			}
			bounds = append(bounds, 53*int64(len(plain))+perYear*int64(numbered))
		}
	case rrule.MONTHLY:
		// One month: the longest of those allowed.
		var inOne int64
		for _, m := range months {
			n := monthLength(m)
			days = max(days, int64(n))
			inOne = max(inOne, inMonth(n))
		}
		if len(monthdays) > 0 {
			bounds = append(bounds, inOne)
		}
		if weekdays > 0 {
			bounds = append(bounds, 5*int64(len(plain))+int64(numbered))
		}
	case rrule.WEEKLY:
		days = 7
		switch {
		case len(o.Byweekday) > 0:
			bounds = append(bounds, int64(len(plain)))
		case weekdays > 0: // DTSTART's weekday
			bounds = append(bounds, 1)
		}
	default: // DAILY
		days = 1
	}
	if len(o.Byyearday) > 0 {
		bounds = append(bounds, int64(len(o.Byyearday)))
	}
	if len(o.Byeaster) > 0 {
		bounds = append(bounds, int64(len(o.Byeaster)))
	}
	for _, b := range bounds {
		days = min(days, b)
	}
	return days
}

// monthLength is the most days month m has: 29 for February.
func monthLength(m int) int {
	switch m {
	case 2:
		return 29
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// subDaily runs an HOURLY, MINUTELY or SECONDLY rule. rrule-go's own loop
// for these steps through times until one is allowed, and never ends on a
// rule that allows none (FREQ=HOURLY;INTERVAL=2;BYHOUR=1 from an even
// hour): here rrule-go only finds the days the rule's date parts allow (as
// a DAILY rule), and the times of each day are worked out by arithmetic,
// at a cost of the fewer of the day's periods and the times its BYHOUR,
// BYMINUTE and BYSECOND allow. A rule that can never meet an allowed time
// is found before any search.
func (s *search) subDaily(opt rrule.ROption, from, to time.Time, each func(time.Time) bool) stop {
	var unit int64
	switch opt.Freq {
	case rrule.HOURLY:
		unit = 3600
	case rrule.MINUTELY:
		unit = 60
	default:
		unit = 1
	}
	step := int64(max(opt.Interval, 1)) * unit
	t0 := opt.Dtstart.Unix()
	_, m0, s0 := opt.Dtstart.Clock()
	// base0 is the start of the period (hour, minute or second) holding
	// DTSTART; the periods of the rule start every step from there.
	base0 := t0 - (int64(m0)*60+int64(s0))%unit

	// The limits: which periods are allowed, by their hour, minute and
	// second; nil allows all.
	hours := limit(opt.Byhour, 24)
	var minutes, seconds []bool
	if opt.Freq != rrule.HOURLY {
		minutes = limit(opt.Byminute, 60)
	}
	if opt.Freq == rrule.SECONDLY {
		seconds = limit(opt.Bysecond, 60)
	}
	allowed := func(tod int64) bool {
		return (hours == nil || hours[tod/3600]) && (minutes == nil || minutes[tod/60%60]) && (seconds == nil || seconds[tod%60])
	}
	// The times of each allowed period, as offsets from its start, after
	// BYSETPOS.
	offsets := periodOffsets(opt, m0, s0)
	if !s.charge(int64(1 + len(offsets))) {
		return s.out
	}
	if len(offsets) == 0 {
		return stopNever
	}
	// Whether any period, on any day, falls on an allowed time: the
	// periods meet the times of day base0 + k*gcd(step, 1 day).
	if hours != nil || minutes != nil || seconds != nil {
		g := gcd(step, 86400)
		tod := mod(base0, 86400) % g
		ok := false
		for ; tod < 86400; tod += g {
			if allowed(tod) {
				ok = true
				break
			}
		}
		if !s.charge(1 + tod/g) {
			return s.out
		}
		if !ok {
			return stopNever
		}
	}
	// choices is how many times of day the limits allow: on a day with
	// more periods than that, trying them is cheaper than visiting every
	// period.
	choices := count(hours, 24)
	if opt.Freq != rrule.HOURLY {
		choices *= count(minutes, 60)
	}
	if opt.Freq == rrule.SECONDLY {
		choices *= count(seconds, 60)
	}

	first := opt.Dtstart
	if opt.Count == 0 && from.After(first) {
		first = from
	}
	firstDay := dayOf(first)
	toDay := to.Unix()

	ended := false // COUNT reached
	// day hands on the starts of one day; false stops the search.
	day := func(d time.Time) bool {
		if d.Unix() >= toDay {
			s.out = stopDone
			return false
		}
		dayStart := d.Unix()
		dayEnd := dayStart + 86400
		k := max(0, ceilDiv(dayStart-base0, step))
		base := base0 + k*step
		periods := int64(0)
		if base < dayEnd {
			periods = ceilDiv(dayEnd-base, step)
		}
		visit := func(b int64) bool {
			if !s.charge(subDailyStart * int64(len(offsets))) {
				return false
			}
			for _, off := range offsets {
				t := b + off
				if t < t0 {
					continue
				}
				s.found++
				s.last = time.Unix(t, 0).UTC()
				if !each(s.last) {
					s.out = stopDone
					return false
				}
				if opt.Count > 0 && s.found >= opt.Count {
					ended = true
					return false
				}
			}
			return true
		}
		cost := min(periods, choices)
		if !s.charge(1 + cost) {
			return false
		}
		if periods == 0 {
			return true
		}
		if periods <= choices {
			for b := base; b < dayEnd; b += step {
				if allowed(b-dayStart) && !visit(b) {
					return false
				}
			}
			return true
		}
		// Periods start on whole hours, minutes or seconds: try each
		// allowed one of the day, in order.
		try := func(tod int64) bool {
			b := dayStart + tod
			return b < base0 || (b-base0)%step != 0 || visit(b)
		}
		for h := int64(0); h < 24; h++ {
			if hours != nil && !hours[h] {
				continue
			}
			if opt.Freq == rrule.HOURLY {
				if !try(h * 3600) {
					return false
				}
				continue
			}
			for m := int64(0); m < 60; m++ {
				if minutes != nil && !minutes[m] {
					continue
				}
				if opt.Freq == rrule.MINUTELY {
					if !try(h*3600 + m*60) {
						return false
					}
					continue
				}
				for sec := int64(0); sec < 60; sec++ {
					if (seconds == nil || seconds[sec]) && !try(h*3600+m*60+sec) {
						return false
					}
				}
			}
		}
		return true
	}

	if !hasDateParts(opt) {
		// Every day is allowed: visit the days that hold a period.
		for d := firstDay; day(d); {
			k := ceilDiv(max(d.Unix()+86400, base0)-base0, step)
			d = dayOf(time.Unix(base0+k*step, 0).UTC())
		}
		if ended {
			return stopEnd
		}
		return s.out
	}
	// Only some days are allowed: rrule-go finds them.
	days := rrule.ROption{
		Freq:       rrule.DAILY,
		Dtstart:    firstDay,
		Wkst:       opt.Wkst,
		Bymonth:    opt.Bymonth,
		Bymonthday: opt.Bymonthday,
		Byyearday:  opt.Byyearday,
		Byweekno:   opt.Byweekno,
		Byweekday:  opt.Byweekday,
		Byeaster:   opt.Byeaster,
	}
	why := s.library(days, to, day)
	switch {
	case ended:
		return stopEnd
	case why == stopDone: // day said stop, and s.out why
		return s.out
	}
	return why
}

// periodOffsets lists the times each period of a sub-daily rule holds,
// from its start, in order, after BYSETPOS: for HOURLY, every BYMINUTE and
// BYSECOND (else DTSTART's minute and second); for MINUTELY, every
// BYSECOND (else DTSTART's second); for SECONDLY, the second itself.
func periodOffsets(opt rrule.ROption, m0, s0 int) []int64 {
	mins, secs := []int{0}, []int{0}
	switch opt.Freq {
	case rrule.HOURLY:
		mins = orDefault(opt.Byminute, m0)
		secs = orDefault(opt.Bysecond, s0)
	case rrule.MINUTELY:
		secs = orDefault(opt.Bysecond, s0)
	}
	var set []int64
	for _, m := range mins {
		for _, s := range secs {
			set = append(set, int64(m)*60+int64(s))
		}
	}
	slices.Sort(set)
	set = slices.Compact(set)
	if len(opt.Bysetpos) == 0 {
		return set
	}
	var picked []int64
	for _, p := range opt.Bysetpos {
		i := p - 1
		if p < 0 {
			i = len(set) + p
		}
		if p != 0 && i >= 0 && i < len(set) {
			picked = append(picked, set[i])
		}
	}
	slices.Sort(picked)
	return slices.Compact(picked)
}

func orDefault(v []int, d int) []int {
	if len(v) == 0 {
		return []int{d}
	}
	return v
}

// limit turns a BYHOUR, BYMINUTE or BYSECOND list into a table of n
// entries; nil when the list is empty (everything allowed).
func limit(v []int, n int) []bool {
	if len(v) == 0 {
		return nil
	}
	t := make([]bool, n)
	for _, x := range v {
		if x >= 0 && x < n {
			t[x] = true
		}
	}
	return t
}

// count is how many entries a limit allows, of n.
func count(t []bool, n int64) int64 {
	if t == nil {
		return n
	}
	k := int64(0)
	for _, ok := range t {
		if ok {
			k++
		}
	}
	return k
}

// hasDateParts reports whether a rule limits the days it falls on.
func hasDateParts(o rrule.ROption) bool {
	return len(o.Bymonth) > 0 || len(o.Bymonthday) > 0 || len(o.Byyearday) > 0 ||
		len(o.Byweekno) > 0 || len(o.Byweekday) > 0 || len(o.Byeaster) > 0
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mod is a modulo that is never negative.
func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// ceilDiv divides, rounding up; b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// fastForward moves a DAILY or WEEKLY rule's DTSTART ahead by whole
// periods to just before earliest (both wall clocks), so that a series
// that began long ago costs what its range holds, not its history. It
// leaves rules with a COUNT, which counts from the first DTSTART, and
// monthly and yearly rules, whose search is cheap from the start.
func fastForward(opt *rrule.ROption, earliest time.Time) {
	if opt.Count > 0 {
		return
	}
	interval := int64(max(opt.Interval, 1))
	var step int64
	switch opt.Freq {
	case rrule.DAILY:
		step = 86400 * interval
	case rrule.WEEKLY:
		step = 7 * 86400 * interval
	default:
		return
	}
	gap := earliest.Unix() - opt.Dtstart.Unix()
	if gap <= step {
		return
	}
	opt.Dtstart = time.Unix(opt.Dtstart.Unix()+gap/step*step, 0).UTC()
}
