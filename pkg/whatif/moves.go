package whatif

import (
	"fmt"
	"slices"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
)

// AttendeesNotKnown is what every suggested move leaves open: the tool
// reads my calendar only.
const AttendeesNotKnown = "emtime sees only your calendar: whether the other attendees are free at the new time is not known"

// MoveOptions say which series to find a better time for, and how finely
// to look.
type MoveOptions struct {
	// Top is how many series to look at, from the first given; zero is 5.
	Top int
	// Step is the spacing of the start times tried, from midnight; zero
	// is 15 minutes.
	Step time.Duration
}

// Move is the best time found for a series: the same days, another time.
type Move struct {
	// Series is the series, by index in the series given.
	Series int
	// Found is true when some time recovers focus; To and GainMinutes are
	// then set.
	Found bool
	// Weekdays are the days of the week the series meets on; From is its
	// latest occurrence's start, To the new start, as wall-clock times
	// from midnight.
	Weekdays []time.Weekday
	From, To time.Duration
	// GainMinutes is the focus time the range gains with every occurrence
	// moved to To on its own day.
	GainMinutes int
	// Says tells it in a sentence.
	Says string
}

// SuggestMoves finds, for each of the first opts.Top series given, the
// start time that would recover the most focus if every occurrence moved
// there on its own day: a time inside working hours where I am free (no other meeting, no
// time out or personal, no booked focus block) on every day of those
// weekdays in the range that I work, and not only on the days the series
// meets. The gain is counted, not estimated: the days are counted again
// with the occurrences moved. The other attendees' calendars are not known
// ([AttendeesNotKnown]).
func (c *Calendar) SuggestMoves(series []Series, opts MoveOptions) []Move {
	if opts.Top <= 0 {
		opts.Top = 5
	}
	if opts.Step <= 0 {
		opts.Step = 15 * time.Minute
	}
	var out []Move
	for k := range series[:min(opts.Top, len(series))] {
		out = append(out, c.move(k, series[k], opts.Step))
	}
	return out
}

func (c *Calendar) move(k int, s Series, step time.Duration) Move {
	zone := c.in.Settings.Zone
	events := c.in.Events
	latest := events[s.Events[len(s.Events)-1]].Start.In(zone)
	m := Move{Series: k, Weekdays: s.Weekdays, From: sinceMidnight(latest)}
	for _, j := range s.Events {
		e := events[j]
		if e.AllDay || !e.End.After(e.Start) || !sameDay(e.Start.In(zone), e.End.Add(-time.Nanosecond).In(zone)) {
			m.Says = fmt.Sprintf("\"%s\" is not moved: an occurrence runs past midnight, is all day or has no length", s.Title)
			return m
		}
	}

	st := c.state()
	// The days the series meets, without it; and the other days of its
	// weekdays with working time, where a time must be free too.
	meetDays, without := st.recount(dropping(s))
	wo := make(map[int]analyze.Day, len(meetDays))
	for i, d := range meetDays {
		wo[d] = without[i]
	}
	var probeDays []int
	for d, day := range c.res.Days {
		if _, meets := wo[d]; !meets && slices.Contains(s.Weekdays, day.Start.Weekday()) && day.CapacityMinutes > 0 {
			probeDays = append(probeDays, d)
			wo[d] = day
		}
	}

	// The times to try: from the earliest start of work on those weekdays
	// to the latest end.
	lo, hi := 24*time.Hour, time.Duration(0)
	for _, wd := range s.Weekdays {
		if span := c.in.Settings.Hours[wd]; !span.IsZero() {
			lo, hi = min(lo, span.Start), max(hi, span.End)
		}
	}
	lo = lo.Truncate(step)
	best := -1
	for at := lo; at < hi; at += step {
		moved := make([]classify.Event, len(s.Events))
		same := true
		for i, j := range s.Events {
			moved[i] = events[j]
			ev := *events[j].Event // a moved copy of its own: the occurrence is shared
			ev.Start, ev.End = c.at(events[j].Start, at), c.at(events[j].Start, at).Add(events[j].End.Sub(events[j].Start))
			moved[i].Event = &ev
			same = same && moved[i].Start.Equal(events[j].Start)
		}
		if same {
			continue
		}
		days, counted := st.recount(change{drop: s.Events, days: s.days, add: moved})
		if !c.free(moved, wo, days, counted) {
			continue
		}
		probes := make([]classify.Event, len(probeDays))
		for i, d := range probeDays {
			probes[i] = moved[len(moved)-1]
			ev := *probes[i].Event
			ev.Start = c.at(c.res.Days[d].Start, at)
			ev.End = ev.Start.Add(moved[len(moved)-1].End.Sub(moved[len(moved)-1].Start))
			probes[i].Event = &ev
		}
		if pdays, pcounted := st.recount(change{add: probes}); !c.free(probes, wo, pdays, pcounted) {
			continue
		}
		gain := 0
		for i, d := range days {
			gain += counted[i].FocusMinutes - c.res.Days[d].FocusMinutes
		}
		if gain > best || (gain == best && absDur(at-m.From) < absDur(m.To-m.From)) {
			best, m.To = gain, at
		}
	}
	if best <= 0 {
		m.To = 0
		m.Says = fmt.Sprintf("no time on %s inside working hours, free in every week, would give back focus time by moving \"%s\"",
			weekdays(s.Weekdays), s.Title)
		return m
	}
	m.Found, m.GainMinutes = true, best
	m.Says = fmt.Sprintf("moving \"%s\" from %s to %s on %s would give back %s of focus time over the range",
		s.Title, clock(m.From), clock(m.To), weekdays(s.Weekdays), hours(best))
	if days := c.res.Total.Days; days >= 14 {
		m.Says += fmt.Sprintf(" (%s a week)", hours(best*7/days))
	}
	return m
}

// free reports whether meetings put where they are would each sit in free
// working time on its day: the day's meeting minutes rise by their whole
// length, its capacity and after-hours minutes stay, and no booked focus
// block is under them. without holds each day's tally before they are
// put there, days and counted the days' tallies once they are.
func (c *Calendar) free(meetings []classify.Event, without map[int]analyze.Day, days []int, counted []analyze.Day) bool {
	length := make(map[int]int)
	for _, e := range meetings {
		d, ok := c.dayIndex(e.Start)
		if !ok {
			return false
		}
		a, b := e.Start.Round(time.Minute), e.End.Round(time.Minute)
		length[d] += int(b.Sub(a) / time.Minute)
		for _, j := range c.byDay[d] {
			f := c.in.Events[j]
			fa, fb := f.Start.Round(time.Minute), f.End.Round(time.Minute)
			if f.Kind == classify.KindFocus && fa.Before(fb) && fa.Before(b) && fb.After(a) {
				return false
			}
		}
	}
	for i, d := range days {
		w, ok := without[d]
		if !ok || counted[i].MeetingMinutes-w.MeetingMinutes != length[d] ||
			counted[i].CapacityMinutes != w.CapacityMinutes ||
			counted[i].AfterHoursMeetingMinutes != w.AfterHoursMeetingMinutes {
			return false
		}
	}
	return true
}

// at is the instant at wall-clock time off on the day of t.
func (c *Calendar) at(t time.Time, off time.Duration) time.Time {
	t = t.In(c.in.Settings.Zone)
	y, mo, d := t.Date()
	return time.Date(y, mo, d, int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, c.in.Settings.Zone)
}

// dayIndex is the index of the day of the range holding t.
func (c *Calendar) dayIndex(t time.Time) (int, bool) {
	days := c.res.Days
	if len(days) == 0 || t.Before(days[0].Start) || !t.Before(c.res.To) {
		return 0, false
	}
	// The last day that starts at or before t.
	i, _ := slices.BinarySearchFunc(days, t, func(d analyze.Day, t time.Time) int {
		if d.Start.After(t) {
			return 1
		}
		return -1
	})
	return i - 1, true
}

func sinceMidnight(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
