package whatif

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// busyHalfYear is 26 weeks of a busy manager's calendar from Monday 5
// January 2026 in Berlin, as a source gives it and classified: 200 meeting
// series (20 weekly, 30 every other week, 50 every four weeks, 100
// one-offs; about 50 meetings a week, the series in the mornings and
// early afternoons), a daily lunch, focus blocks, and a
// day out of office now and then.
func busyHalfYear(t testing.TB) analyze.Input {
	loc := zone(t, "Europe/Berlin")
	rng := rand.New(rand.NewPCG(26, 200))
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 26*7)
	var people []calendar.Person
	for i := range 30 {
		people = append(people, calendar.Person{Email: fmt.Sprintf("peer%d@example.com", i), Name: fmt.Sprintf("Peer %d", i)})
	}
	var events []calendar.Event
	add := func(title, uid string, recurring bool, start time.Time, minutes int, guests int) {
		e := calendar.Event{
			UID: uid, Title: title, Start: start, End: start.Add(time.Duration(minutes) * time.Minute), Recurring: recurring,
			Status: calendar.StatusConfirmed, Type: calendar.TypeDefault, Organizer: people[rng.IntN(len(people))],
		}
		if guests > 0 {
			e.Attendees = []calendar.Attendee{{Person: calendar.Person{Email: me}, Response: calendar.ResponseAccepted}}
			for range guests {
				e.Attendees = append(e.Attendees, calendar.Attendee{Person: people[rng.IntN(len(people))], Response: calendar.ResponseAccepted})
			}
		}
		events = append(events, e)
	}
	clock := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 8+rng.IntN(9), 15*rng.IntN(4), 0, 0, loc)
	}
	for k := range 100 {
		weekday := 1 + rng.IntN(5)
		every := 28
		switch {
		case k < 20:
			every = 7
		case k < 50:
			every = 14
		}
		first := from.AddDate(0, 0, weekday-1+7*rng.IntN(every/7))
		// Series sit in the morning or early in the afternoon.
		start := time.Date(first.Year(), first.Month(), first.Day(), []int{9, 10, 11, 13, 14}[rng.IntN(5)], 15*rng.IntN(4), 0, 0, loc)
		minutes := []int{15, 25, 30, 45}[rng.IntN(4)]
		guests := 1 + rng.IntN(8)
		for d := first; d.Before(to); d = d.AddDate(0, 0, every) {
			at := time.Date(d.Year(), d.Month(), d.Day(), start.Hour(), start.Minute(), 0, 0, loc)
			add(fmt.Sprint("series ", k), fmt.Sprintf("series-%d@example.com", k), true, at, minutes, guests)
		}
	}
	for k := range 100 {
		d := from.AddDate(0, 0, rng.IntN(26*7))
		add(fmt.Sprint("one-off ", k), fmt.Sprintf("one-off-%d@example.com", k), false, clock(d), 30+15*rng.IntN(3), 1+rng.IntN(5))
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		add("Lunch", "", false, time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc), 45, 0)
		if rng.IntN(3) == 0 {
			add("Focus time", "", false, clock(d), 120, 0)
		}
		if rng.IntN(25) == 0 {
			add("Out of office", "", false, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc), 24*60, 0)
		}
	}
	rules := classify.DefaultRules()
	rules.Me = []string{me}
	return analyze.Input{Events: classify.Classify(events, rules), From: from, To: to, Settings: analyze.DefaultSettings(loc)}
}

// TestBusyHalfYear checks that the benchmarks' calendar is what they say:
// 200 meeting series over 26 weeks.
func TestBusyHalfYear(t *testing.T) {
	in := busyHalfYear(t)
	c := NewCalendar(in, []string{me})
	series := c.Series()
	if len(series) != 200 || len(c.Result().Weeks) != 26 {
		t.Errorf("%d series over %d weeks", len(series), len(c.Result().Weeks))
	}
	costly := 0
	for _, s := range series {
		if s.FocusCostMinutes > 0 {
			costly++
		}
	}
	if costly < 20 {
		t.Errorf("only %d of the series cost focus time", costly)
	}
}

// BenchmarkSeries groups 26 weeks of meetings into 200 series and counts
// what each one costs: the minutes by one more analysis, the focus cost
// by counting again only the days each series is on.
func BenchmarkSeries(b *testing.B) {
	in := busyHalfYear(b)
	c := NewCalendar(in, []string{me})
	b.ReportAllocs()
	for b.Loop() {
		if s := c.Series(); len(s) != 200 {
			b.Fatalf("%d series", len(s))
		}
	}
	b.ReportMetric(float64(len(in.Events)), "events")
}

// BenchmarkFocusCostsByFreshAnalysis is what the focus costs of the same
// 200 series would take with a fresh analysis of the whole range without
// each: the yardstick for counting only the days a series touches.
func BenchmarkFocusCostsByFreshAnalysis(b *testing.B) {
	in := busyHalfYear(b)
	c := NewCalendar(in, []string{me})
	series := c.Series()
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range series {
			analyzeWith(in, leaveOut(in.Events, s.Events))
		}
	}
}

// BenchmarkNewCalendar is the analysis a what-if starts from.
func BenchmarkNewCalendar(b *testing.B) {
	in := busyHalfYear(b)
	b.ReportAllocs()
	for b.Loop() {
		NewCalendar(in, []string{me})
	}
}

// BenchmarkTarget finds what to drop from the 26 weeks to look like an IC.
func BenchmarkTarget(b *testing.B) {
	in := busyHalfYear(b)
	c := NewCalendar(in, []string{me})
	series := c.Series()
	j := Judging{Bands: verdict.DefaultBands()}
	b.ReportAllocs()
	var drops int
	for b.Loop() {
		tg, err := c.Target(series, Goal{Track: verdict.TrackIC}, j)
		if err != nil || !tg.Reached {
			b.Fatalf("not reached: %v %q", err, tg.Says)
		}
		drops = len(tg.Drop)
	}
	b.ReportMetric(float64(drops), "drops")
}

// BenchmarkSuggestMoves finds better times for the five most costly
// series of the 26 weeks.
func BenchmarkSuggestMoves(b *testing.B) {
	in := busyHalfYear(b)
	c := NewCalendar(in, []string{me})
	series := c.Series()
	b.ReportAllocs()
	for b.Loop() {
		c.SuggestMoves(series, MoveOptions{})
	}
}

// BenchmarkTrend rolls the 26 weeks over four.
func BenchmarkTrend(b *testing.B) {
	in := busyHalfYear(b)
	res := analyze.Analyze(in)
	j := Judging{Bands: verdict.DefaultBands()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTrend(res, j, TrendOptions{TopPeople: 5}); err != nil {
			b.Fatal(err)
		}
	}
}
