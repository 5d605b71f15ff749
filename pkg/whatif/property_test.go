package whatif

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// calendars runs check on n random calendars, stopping at the first that
// fails unless -v.
func calendars(t *testing.T, seed uint64, n int, check func(t *testing.T, rng *rand.Rand, in analyze.Input)) {
	calendarsOf(t, randomInput, seed, n, check)
}

func calendarsOf(t *testing.T, random func(testing.TB, *rand.Rand) analyze.Input, seed uint64, n int, check func(t *testing.T, rng *rand.Rand, in analyze.Input)) {
	rng := rand.New(rand.NewPCG(20260302, seed))
	if testing.Short() {
		n /= 5
	}
	for i := range n {
		in := random(t, rng)
		name := fmt.Sprintf("calendar %d in %s from %s, %d events", i, in.Settings.Zone, in.From.Format(time.DateTime), len(in.Events))
		if !t.Run(name, func(t *testing.T) { check(t, rng, in) }) && !testing.Verbose() {
			t.FailNow()
		}
	}
}

// leaveOut is the events without those at the indexes given.
func leaveOut(events []classify.Event, drop ...[]int) []classify.Event {
	gone := make(map[int]bool)
	for _, d := range drop {
		for _, j := range d {
			gone[j] = true
		}
	}
	var out []classify.Event
	for j, e := range events {
		if !gone[j] {
			out = append(out, e)
		}
	}
	return out
}

// analyzeWith is a fresh analysis of in's range on other events.
func analyzeWith(in analyze.Input, events []classify.Event) analyze.Result {
	in.Events = events
	return analyze.Analyze(in)
}

// sameAccounting reports where a what-if's result differs from a fresh
// analysis: days, weeks and total.
func sameAccounting(t *testing.T, what string, got, want analyze.Result) {
	t.Helper()
	if !reflect.DeepEqual(got.Days, want.Days) {
		t.Errorf("%s: the days differ from a fresh analysis", what)
	}
	if !reflect.DeepEqual(got.Weeks, want.Weeks) {
		t.Errorf("%s: the weeks differ from a fresh analysis", what)
	}
	if !reflect.DeepEqual(got.Total, want.Total) {
		t.Errorf("%s: the total is\n%+v\na fresh analysis says\n%+v", what, got.Total, want.Total)
	}
}

// TestSeriesAddUp checks, over random calendars, that every meeting the
// range counts is in exactly one series, that the series' minutes add up
// to the range's meeting minutes and their occurrences to its meeting
// count, and that a series is the occurrences of one recurring meeting (by
// SeriesID, else UID) or a one-off alone.
func TestSeriesAddUp(t *testing.T) {
	calendars(t, 1, 300, func(t *testing.T, _ *rand.Rand, in analyze.Input) {
		c := NewCalendar(in, []string{me})
		series := c.Series()
		total := c.Result().Total
		var minutes, occurrences int
		owner := make(map[int]string)
		for _, s := range series {
			minutes += s.Minutes
			occurrences += s.Occurrences
			if len(s.Events) == 0 {
				t.Errorf("series %s has no occurrence", s.Key)
			}
			for _, j := range s.Events {
				if prev, ok := owner[j]; ok {
					t.Errorf("event %d is in series %s and %s", j, prev, s.Key)
				}
				owner[j] = s.Key
				e := in.Events[j]
				want := fmt.Sprint("event:", j)
				switch {
				case e.Recurring && e.SeriesID != "":
					want = "series:" + e.SeriesID
				case e.Recurring && e.UID != "":
					want = "series:" + e.UID
				}
				if s.Key != want || e.Kind != classify.KindMeeting {
					t.Errorf("event %d (%s, recurring %v, UID %q, series %q) is in series %s", j, e.Kind, e.Recurring, e.UID, e.SeriesID, s.Key)
				}
			}
			if days := total.Days; days > 0 && s.WeeklyMinutes != float64(s.Minutes)*7/float64(days) {
				t.Errorf("series %s: %v minutes a week from %d minutes over %d days", s.Key, s.WeeklyMinutes, s.Minutes, days)
			}
		}
		if minutes != total.MeetingMinutes {
			t.Errorf("the series' minutes add up to %d, the range has %d meeting minutes", minutes, total.MeetingMinutes)
		}
		if occurrences != total.MeetingCount {
			t.Errorf("the series' occurrences add up to %d, the range counts %d meetings", occurrences, total.MeetingCount)
		}
		// A meeting in no series is on no day of the range.
		for j, e := range in.Events {
			if _, ok := owner[j]; !ok && e.Kind == classify.KindMeeting {
				if days := analyze.DaysOf(in, []classify.Event{e}); len(days) > 0 {
					t.Errorf("meeting %d (%v–%v) counts on %v but is in no series", j, e.Start, e.End, days)
				}
			}
		}
		if !slices.IsSortedFunc(series, func(a, b Series) int { return b.FocusCostMinutes - a.FocusCostMinutes }) {
			t.Errorf("series not sorted by focus cost")
		}
	})
}

// TestFocusCostIsExact checks, over random calendars, that each series'
// focus cost is the difference in focus minutes between a fresh analysis
// without it and the calendar as it is, and that the calendar counted
// without some series is, day by day, week by week and in total, a fresh
// analysis of the events without them.
func TestFocusCostIsExact(t *testing.T) {
	calendars(t, 2, 300, func(t *testing.T, rng *rand.Rand, in analyze.Input) {
		c := NewCalendar(in, []string{me})
		base := c.Result().Total.FocusMinutes
		series := c.Series()
		for _, s := range series {
			fresh := analyzeWith(in, leaveOut(in.Events, s.Events))
			if got := fresh.Total.FocusMinutes - base; s.FocusCostMinutes != got {
				t.Errorf("series %s (%q, %d occurrences): focus cost %d, a fresh analysis without it gains %d", s.Key, s.Title, len(s.Events), s.FocusCostMinutes, got)
			}
			if s.FocusCostMinutes < 0 {
				t.Errorf("series %s: a negative focus cost %d", s.Key, s.FocusCostMinutes)
			}
			sameAccounting(t, "without "+s.Key, c.Without(s), fresh)
		}
		if len(series) > 1 {
			some := slices.Clone(series)
			rng.Shuffle(len(some), func(i, j int) { some[i], some[j] = some[j], some[i] })
			some = some[:1+rng.IntN(len(some)-1)]
			var drop [][]int
			for _, s := range some {
				drop = append(drop, s.Events)
			}
			sameAccounting(t, fmt.Sprintf("without %d series", len(some)), c.Without(some...), analyzeWith(in, leaveOut(in.Events, drop...)))
		}
	})
}

func randomBands(rng *rand.Rand) verdict.Bands {
	b := verdict.DefaultBands()
	if rng.IntN(2) == 0 {
		b.EMMeetingMin = 0.05 + 0.4*rng.Float64()
		b.EMMeetingMax = b.EMMeetingMin + (1-b.EMMeetingMin)*rng.Float64()
		b.ICCodingMin = 0.2 + 0.6*rng.Float64()
		b.ICCodingMax = b.ICCodingMin + (1-b.ICCodingMin)*rng.Float64()
	}
	return b
}

// TestRollingIsTheStretchAnalysed checks, over random calendars and
// windows, that each week's rolling tally is a fresh analysis of the days
// of its window (at most the window's weeks, fewer at the start), judged
// as such; that transitions are exactly the weeks whose rolling track,
// so judged, differs from the week before; and that the current track has
// held since the week the trend says.
func TestRollingIsTheStretchAnalysed(t *testing.T) {
	transitions := 0
	defer func() {
		if transitions == 0 {
			t.Errorf("no transition in any random calendar")
		}
	}()
	calendarsOf(t, randomBusyInput, 3, 200, func(t *testing.T, rng *rand.Rand, in analyze.Input) {
		j := Judging{Bands: randomBands(rng)}
		window := 1 + rng.IntN(6)
		res := analyze.Analyze(in)
		tr, err := NewTrend(res, j, TrendOptions{Window: window, TopPeople: in.Settings.TopPeople})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Weeks) != len(res.Weeks) {
			t.Fatalf("%d weeks in the trend, %d in the range", len(tr.Weeks), len(res.Weeks))
		}
		var tracks []verdict.Track
		for i, w := range tr.Weeks {
			first := max(0, i-window+1)
			stretch := in
			stretch.From = res.Weeks[first].Start
			if stretch.From.Before(res.From) {
				stretch.From = res.From
			}
			stretch.To = res.To
			if i+1 < len(res.Weeks) {
				stretch.To = res.Weeks[i+1].Start
			}
			want := analyze.Analyze(stretch).Total
			if w.Rolling.Weeks != i-first+1 || !w.Rolling.Start.Equal(res.Weeks[first].Start) {
				t.Errorf("week %d rolls over %d weeks from %v, want %d from %v", i, w.Rolling.Weeks, w.Rolling.Start, i-first+1, res.Weeks[first].Start)
			}
			if !reflect.DeepEqual(w.Rolling.Tally, want) {
				t.Errorf("week %d: the rolling tally is\n%+v\na fresh analysis of %v–%v says\n%+v", i, w.Rolling.Tally, stretch.From, stretch.To, want)
			}
			v := verdict.Judge(verdict.FromCalendar(want), j.Bands)
			if !reflect.DeepEqual(w.Rolling.Verdict, v) {
				t.Errorf("week %d: rolling verdict %+v, the stretch's is %+v", i, w.Rolling.Verdict, v)
			}
			if !reflect.DeepEqual(w.Verdict, verdict.Judge(verdict.FromCalendar(w.Tally), j.Bands)) {
				t.Errorf("week %d: the week's own verdict is not the verdict of its tally", i)
			}
			if meeting, ok := want.MeetingShare(); w.Rolling.Shares.Capacity != ok || w.Rolling.Shares.Meeting != meeting {
				t.Errorf("week %d: rolling meeting share %v (%v), the stretch's %v (%v)", i, w.Rolling.Shares.Meeting, w.Rolling.Shares.Capacity, meeting, ok)
			}
			tracks = append(tracks, v.Track)
		}
		var want []string
		for i := 1; i < len(tracks); i++ {
			if tracks[i] != tracks[i-1] {
				want = append(want, fmt.Sprintf("%d %s→%s", i, tracks[i-1], tracks[i]))
			}
		}
		transitions += len(tr.Transitions)
		var got []string
		for _, x := range tr.Transitions {
			got = append(got, fmt.Sprintf("%d %s→%s", x.Week, x.From, x.To))
			if !x.Start.Equal(res.Weeks[x.Week].Start) || x.Says == "" {
				t.Errorf("transition %+v: not at its week's start, or says nothing", x)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("transitions %v, the rolling tracks change at %v", got, want)
		}
		if n := len(tracks); n > 0 {
			since := n - 1
			for since > 0 && tracks[since-1] == tracks[n-1] {
				since--
			}
			if h := tr.Current; h.Track != tracks[n-1] || h.SinceWeek != since || h.Weeks != n-since || h.FromStart != (since == 0) {
				t.Errorf("current %+v, want %s since week %d", h, tracks[n-1], since)
			}
		}
	})
}

// TestTargetIsReached checks, over random calendars and goals, that a
// target reached is reached by a fresh analysis of the calendar without
// the series it drops, and needs every one of them; and that a target not
// reached is not reached even without every series.
func TestTargetIsReached(t *testing.T) {
	var seen struct{ already, reached, several, not int }
	defer func() {
		t.Logf("%+v", seen)
		if seen.already == 0 || seen.reached == 0 || seen.several == 0 || seen.not == 0 {
			t.Errorf("the random calendars do not try every case: %+v", seen)
		}
	}()
	calendarsOf(t, randomBusyInput, 4, 150, func(t *testing.T, rng *rand.Rand, in analyze.Input) {
		j := Judging{Bands: randomBands(rng)}
		c := NewCalendar(in, []string{me})
		series := c.Series()
		var g Goal
		switch rng.IntN(6) {
		case 5:
			// Rarely reached: the free time is seldom all in long stretches.
			share := 0.95 + 0.05*rng.Float64()
			g.FocusShare = &share
		case 0, 1:
			g.Track = verdict.TrackIC
		case 2:
			g.Track = verdict.TrackHybrid
		case 3:
			g.Track = verdict.TrackEM
		default:
			share := rng.Float64()
			if rng.IntN(2) == 0 {
				g.MeetingShare = &share
			} else {
				g.FocusShare = &share
			}
		}
		tg, err := c.Target(series, g, j)
		if err != nil {
			t.Fatal(err)
		}
		reached := func(drop []int) bool {
			var events [][]int
			for _, k := range drop {
				events = append(events, series[k].Events)
			}
			total := analyzeWith(in, leaveOut(in.Events, events...)).Total
			return g.reached(j.Judge(total), j.Shares(total))
		}
		all := make([]int, len(series))
		for k := range all {
			all[k] = k
		}
		switch {
		case tg.Already:
			seen.already++
		case tg.Reached:
			seen.reached++
			if len(tg.Drop) > 1 {
				seen.several++
			}
		default:
			seen.not++
		}
		switch {
		case tg.Already:
			if !reached(nil) || len(tg.Drop) != 0 {
				t.Errorf("already there, yet %d to drop, or a fresh analysis is not there", len(tg.Drop))
			}
		case tg.Reached:
			if !reached(tg.Drop) {
				t.Errorf("dropping %v does not reach %+v on a fresh analysis", tg.Drop, g)
			}
			var events [][]int
			for _, k := range tg.Drop {
				events = append(events, series[k].Events)
			}
			fresh := analyzeWith(in, leaveOut(in.Events, events...)).Total
			if !reflect.DeepEqual(tg.Tally, fresh) || tg.After != j.Shares(fresh) || !reflect.DeepEqual(tg.Verdict, j.Judge(fresh)) {
				t.Errorf("the range after the drops is not a fresh analysis' %+v", fresh.TimeTally)
			}
			for i := range tg.Drop {
				if rest := slices.Delete(slices.Clone(tg.Drop), i, i+1); reached(rest) {
					t.Errorf("dropping %v reaches the goal without series %d", rest, tg.Drop[i])
				}
			}
			if len(tg.Steps) != len(tg.Drop) || tg.Steps[len(tg.Steps)-1].Shares != tg.After {
				t.Errorf("%d steps for %d drops, the last not the range after", len(tg.Steps), len(tg.Drop))
			}
		default:
			if reached(all) || len(tg.Drop) != 0 || tg.All.Reached {
				t.Errorf("not reached, yet a fresh analysis without every series is there, or %d drops given", len(tg.Drop))
			}
			if len(tg.Says) == 0 {
				t.Errorf("not reached and says nothing")
			}
		}
		if tg.All.Series != len(series) || tg.All.Reached != reached(all) {
			t.Errorf("without every series: %+v, a fresh analysis says reached %v", tg.All, reached(all))
		}
	})
}

// TestMovesAreFreeAndExact checks, over random calendars, that a
// suggested time is free on every working day of the series' weekdays
// (no other meeting, time out, personal time or focus block under it,
// inside working hours), checked event by event; and that its gain is
// the difference in focus minutes of a fresh analysis with the series
// moved there.
func TestMovesAreFreeAndExact(t *testing.T) {
	found := 0
	defer func() {
		if found == 0 {
			t.Errorf("no move found in any random calendar")
		}
	}()
	calendars(t, 5, 150, func(t *testing.T, rng *rand.Rand, in analyze.Input) {
		c := NewCalendar(in, []string{me})
		series := c.Series()
		s := in.Settings
		res := c.Result()
		for _, m := range c.SuggestMoves(series, MoveOptions{Top: 3, Step: 30 * time.Minute}) {
			if !m.Found {
				continue
			}
			found++
			sr := series[m.Series]
			events := leaveOut(in.Events, sr.Events)
			var moved []classify.Event
			for _, j := range sr.Events {
				e := in.Events[j]
				d := e.Start.In(s.Zone)
				start := time.Date(d.Year(), d.Month(), d.Day(), int(m.To/time.Hour), int(m.To%time.Hour/time.Minute), 0, 0, s.Zone)
				ev := *e.Event // the occurrence is shared: move a copy
				ev.Start, ev.End = start, start.Add(ev.End.Sub(ev.Start))
				e.Event = &ev
				moved = append(moved, e)
			}
			fresh := analyzeWith(in, append(slices.Clone(events), moved...))
			if got := fresh.Total.FocusMinutes - res.Total.FocusMinutes; got != m.GainMinutes || got <= 0 {
				t.Errorf("moving %s to %s: gain %d, a fresh analysis gains %d", sr.Key, clock(m.To), m.GainMinutes, got)
			}
			// Every working day of those weekdays, with time to work.
			length := in.Events[sr.Events[len(sr.Events)-1]].End.Sub(in.Events[sr.Events[len(sr.Events)-1]].Start)
			for _, d := range res.Days {
				if !slices.Contains(sr.Weekdays, d.Start.Weekday()) || d.CapacityMinutes == 0 {
					continue
				}
				a := time.Date(d.Start.Year(), d.Start.Month(), d.Start.Day(), int(m.To/time.Hour), int(m.To%time.Hour/time.Minute), 0, 0, s.Zone)
				b := a.Add(length)
				for _, mv := range moved {
					if mv.Start.Equal(a) {
						b = mv.End // its own length that day
					}
				}
				span := s.Hours[d.Start.Weekday()]
				if m.To < span.Start || m.To+b.Sub(a).Round(time.Minute) > span.End {
					t.Errorf("moving %s to %s: outside working hours %v on %v", sr.Key, clock(m.To), span, d.Start)
				}
				for _, e := range events {
					switch e.Kind {
					case classify.KindMeeting, classify.KindOutOfOffice, classify.KindPersonal, classify.KindFocus:
					default:
						continue
					}
					ea, eb := e.Start.Round(time.Minute), e.End.Round(time.Minute)
					if ea.Before(eb) && ea.Before(b.Round(time.Minute)) && eb.After(a) {
						t.Errorf("moving %s to %s on %v: %s %q is there (%v–%v)", sr.Key, clock(m.To), d.Start.Format(time.DateOnly), e.Kind, e.Title, e.Start, e.End)
					}
				}
			}
		}
	})
}
