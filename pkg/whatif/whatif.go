// Package whatif answers the questions a range's accounting leads to: how
// the weeks have changed ([NewTrend]: the track over months, rolled over a
// window of weeks), what each meeting series costs in focus time
// ([Calendar.Series]), what it would take to reach a track
// ([Calendar.Target]), and where a series could move to give focus back
// ([Calendar.SuggestMoves]).
//
// Every figure here is the accounting of package analyze, re-run: never a
// second formula. A stretch of weeks is the [analyze.Sum] of their tallies
// (minutes, not a mean of shares), judged by the same verdict as a week. A
// meeting series left out or moved is a changed input: the days it touches
// are counted again with [analyze.CountDays] on the events of those days
// ([analyze.EventsByDay]), put in place of the same days, and summed again,
// so what a what-if says is what [analyze.Analyze] says of the changed
// calendar, minute for minute. The package prints nothing and reads no
// clock: the range is the caller's.
//
// # What stands for coding time
//
// A stretch is judged by a [Judging]: the bands, and how the verdict's
// input is made of a tally. With the calendar alone that is
// [verdict.FromCalendar], where focus time stands in for coding time. When
// the accounting gains a coding layer (commits from git), its Measure makes
// the input from the tally's coding family instead; the verdicts, the
// rolling tracks, the targets and [Shares.Coding] then follow it, and
// nothing else here changes.
package whatif

import (
	"slices"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// Judging is how a stretch of time is judged. A command judges as its
// loading does: Judging{Bands: l.Bands, Measure: l.Measure} of a
// pipeline.Loaded judges every stretch as l.Judge does, on the same
// input.
type Judging struct {
	// Bands are the article's bands.
	Bands verdict.Bands
	// Measure makes the verdict's input of a stretch's tally: it says
	// what stands for coding time. Nil is [verdict.FromCalendar].
	Measure func(analyze.Tally) verdict.Input
}

func (j Judging) input(t analyze.Tally) verdict.Input {
	if j.Measure == nil {
		return verdict.FromCalendar(t)
	}
	return j.Measure(t)
}

// Judge gives the verdict of a stretch of time.
func (j Judging) Judge(t analyze.Tally) verdict.Verdict { return verdict.Judge(j.input(t), j.Bands) }

// Shares are the shares of a stretch's capacity that its track follows.
type Shares struct {
	// Capacity is false when the stretch has no working capacity: the
	// shares are then zero and mean nothing (the track is none).
	Capacity bool
	// Meeting and Focus are the meeting and focus minutes over capacity
	// (0.5 is 50%).
	Meeting, Focus float64
	// Coding is the share the verdict takes as coding time, and CodingFrom
	// what measured it: with the calendar alone, the focus share.
	Coding     float64
	CodingFrom verdict.CodingMeasure
	// FromGit is true when git history was read, and Commits is then the
	// share of capacity coded, measured from my commits (the tally's
	// coding family): it gives the coding track, beside the calendar's.
	FromGit bool
	Commits float64
}

// Shares gives the shares of a stretch of time, as it is judged.
func (j Judging) Shares(t analyze.Tally) Shares {
	meeting, ok := t.MeetingShare()
	focus, _ := t.FocusShare()
	in := j.input(t)
	sh := Shares{Capacity: ok, Meeting: meeting, Focus: focus, Coding: in.Coding.Share, CodingFrom: in.Coding.Measure}
	if in.Git != nil {
		sh.FromGit = true
		sh.Commits, _ = t.CodingShare()
	}
	return sh
}

// A Calendar is a range's accounting, ready to be counted again on a
// changed input: the input, the result of [analyze.Analyze] on it, and the
// addresses that are mine (to tell the meetings I organise and my answers).
//
// A Calendar is not safe for use by several goroutines at once.
type Calendar struct {
	in    analyze.Input
	res   analyze.Result
	me    classify.Me
	byDay [][]int
	// dayOf gives a day's index in res.Days from its first instant.
	dayOf map[int64]int
}

// NewCalendar analyses in and keeps what a what-if needs. me lists my
// addresses (classify.Rules.Me); an attendee the source marks as me
// counts as me too.
func NewCalendar(in analyze.Input, me []string) *Calendar {
	c := &Calendar{in: in, res: analyze.Analyze(in), me: classify.NewMe(me), byDay: analyze.EventsByDay(in)}
	c.dayOf = make(map[int64]int, len(c.res.Days))
	for i, d := range c.res.Days {
		c.dayOf[d.Start.Unix()] = i
	}
	return c
}

// Result is the accounting of the calendar as it is.
func (c *Calendar) Result() analyze.Result { return c.res }

// Input is what the calendar was counted from.
func (c *Calendar) Input() analyze.Input { return c.in }

// A state is the calendar with some events left out: each day's tally as
// [analyze.Analyze] counts the changed input.
type state struct {
	c    *Calendar
	drop []bool // by index in c.in.Events
	days []analyze.Day
	// lean holds the days' lean tallies, to weigh choices quickly.
	lean []analyze.Tally
	// seen marks the events taken while recounting, by generation.
	seen []uint32
	gen  uint32
}

func (c *Calendar) state() *state {
	st := &state{
		c: c, drop: make([]bool, len(c.in.Events)), seen: make([]uint32, len(c.in.Events)),
		days: slices.Clone(c.res.Days), lean: make([]analyze.Tally, len(c.res.Days)),
	}
	for i, d := range c.res.Days {
		st.lean[i] = d.Lean()
	}
	return st
}

// A change to the calendar: events of the input left out (drop) or given
// back (keep), on the days given (by index in the result, in order), and
// events added.
type change struct {
	drop, keep []int
	days       []int
	add        []classify.Event
}

// dropping is the change that leaves out series.
func dropping(series ...Series) change {
	var ch change
	for _, s := range series {
		ch.drop = append(ch.drop, s.Events...)
		ch.days = append(ch.days, s.days...)
	}
	if len(series) > 1 {
		slices.Sort(ch.days)
		ch.days = slices.Compact(ch.days)
	}
	return ch
}

// recount counts again the days a change touches, on top of what the
// state already leaves out. It returns the days' indexes, in order, and
// their new tallies.
func (st *state) recount(ch change) ([]int, []analyze.Day) {
	c := st.c
	days := ch.days
	if len(ch.add) > 0 {
		days = slices.Clone(days)
		for _, d := range analyze.DaysOf(c.in, ch.add) {
			days = append(days, c.dayOf[d.Unix()])
		}
		slices.Sort(days)
		days = slices.Compact(days)
	}
	if len(days) == 0 {
		return nil, nil
	}
	was := make([]bool, 0, len(ch.drop)+len(ch.keep))
	for _, j := range ch.drop {
		was = append(was, st.drop[j])
		st.drop[j] = true
	}
	for _, j := range ch.keep {
		was = append(was, st.drop[j])
		st.drop[j] = false
	}
	defer func() {
		// Backwards, for an event named twice.
		all := slices.Concat(ch.drop, ch.keep)
		for i := len(all) - 1; i >= 0; i-- {
			st.drop[all[i]] = was[i]
		}
	}()
	st.gen++
	events := make([]classify.Event, 0, 16*len(days)+len(ch.add))
	starts := make([]time.Time, len(days))
	for k, d := range days {
		starts[k] = c.res.Days[d].Start
		for _, j := range c.byDay[d] {
			if !st.drop[j] && st.seen[j] != st.gen {
				st.seen[j] = st.gen
				events = append(events, c.in.Events[j])
			}
		}
	}
	events = append(events, ch.add...)
	in := c.in
	in.Events = events
	counted := analyze.CountDays(in, starts)
	if len(counted) != len(days) {
		// CountDays counts every day of the range it is given, once: the
		// days here all come from the range.
		panic("whatif: a day of the range was not counted again")
	}
	return days, counted
}

// apply makes a change of events left out or given back for good, with
// its days as recounted.
func (st *state) apply(ch change, days []int, counted []analyze.Day) {
	for _, j := range ch.drop {
		st.drop[j] = true
	}
	for _, j := range ch.keep {
		st.drop[j] = false
	}
	for k, d := range days {
		st.days[d], st.lean[d] = counted[k], counted[k].Lean()
	}
}

// leanTotal is the range's lean tally in this state.
func (st *state) leanTotal() analyze.Tally { return analyze.Sum(0, st.lean...) }

// total is the range's tally in this state.
func (st *state) total() analyze.Tally { return sumDays(st.c.in.Settings.TopPeople, st.days) }

// leanWith is the range's lean tally in this state with some days
// replaced: what its shares and verdict read.
func (st *state) leanWith(days []int, counted []analyze.Day) analyze.Tally {
	all := slices.Clone(st.lean)
	for k, d := range days {
		all[d] = counted[k].Lean()
	}
	return analyze.Sum(0, all...)
}

func sumDays(top int, days []analyze.Day) analyze.Tally {
	all := make([]analyze.Tally, len(days))
	for i, d := range days {
		all[i] = d.Tally
	}
	return analyze.Sum(top, all...)
}
