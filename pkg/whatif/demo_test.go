package whatif

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/verdict"
)

// demoCalendar reads four weeks of a demo persona from Monday 2 March 2026
// as `emtime analyze --demo` does: the iCalendar reader, the owner
// inferred, the default rules.
func demoCalendar(t *testing.T, persona string) (*Calendar, []string) {
	t.Helper()
	loc := newYork(t)
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 28)
	src, err := demo.Source(persona, to)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := src.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Events(ctx, calendar.Query{From: from, To: to, Zone: loc})
	if err != nil {
		t.Fatal(err)
	}
	rules := classify.DefaultRules()
	rules.Me, _ = classify.InferMe(info, res.Events)
	in := analyze.Input{Events: classify.Classify(res.Events, rules), From: from, To: to, Settings: analyze.DefaultSettings(loc)}
	return NewCalendar(in, rules.Me), rules.Me
}

// TestDemoManager asks the questions a new manager asks of the EM demo
// calendar, read as a user's own export would be, and checks every answer
// against a fresh analysis of the changed calendar.
func TestDemoManager(t *testing.T) {
	c, me := demoCalendar(t, "em")
	in, res := c.Input(), c.Result()
	j := Judging{Bands: verdict.DefaultBands()}
	if v := j.Judge(res.Total); v.Track != verdict.TrackEM {
		t.Fatalf("the EM persona's four weeks are %s", v.Track)
	}
	series := c.Series()
	var minutes int
	for _, s := range series {
		minutes += s.Minutes
		uids := map[string]bool{}
		for _, j := range s.Events {
			uids[in.Events[j].UID] = true
		}
		if s.Recurring && len(uids) != 1 {
			t.Errorf("%q: occurrences of %d UIDs", s.Title, len(uids))
		}
		fresh := analyzeWith(in, leaveOut(in.Events, s.Events))
		if got := fresh.Total.FocusMinutes - res.Total.FocusMinutes; got != s.FocusCostMinutes {
			t.Errorf("%q: focus cost %d, a fresh analysis without it gains %d", s.Title, s.FocusCostMinutes, got)
		}
	}
	if minutes != res.Total.MeetingMinutes {
		t.Errorf("the series add up to %d minutes, the range has %d", minutes, res.Total.MeetingMinutes)
	}
	standup := slices.IndexFunc(series, func(s Series) bool {
		return s.Title == "Team stand-up" || strings.Contains(strings.ToLower(s.Title), "stand-up")
	})
	if standup < 0 || series[standup].Occurrences < 15 || !series[standup].OrganizerIsMe {
		t.Errorf("the daily stand-up %d: %+v", standup, series)
	}
	if series[0].FocusCostMinutes <= 0 {
		t.Errorf("the costliest series costs %d minutes of focus", series[0].FocusCostMinutes)
	}

	// What it would take to look like an IC again.
	tg, err := c.Target(series, Goal{Track: verdict.TrackIC}, j)
	if err != nil {
		t.Fatal(err)
	}
	if !tg.Reached || len(tg.Drop) == 0 || len(tg.Says) == 0 {
		t.Fatalf("target: %+v", tg)
	}
	var drop [][]int
	for _, k := range tg.Drop {
		drop = append(drop, series[k].Events)
	}
	if v := j.Judge(analyzeWith(in, leaveOut(in.Events, drop...)).Total); v.Track != verdict.TrackIC {
		t.Errorf("without the %d series to drop a fresh analysis says %s", len(tg.Drop), v.Track)
	}
	t.Logf("%s (%v)", strings.Join(tg.Says, "; "), me)

	// Better times for the five costliest.
	for _, m := range c.SuggestMoves(series, MoveOptions{}) {
		t.Log(m.Says)
		if m.Found && m.GainMinutes <= 0 {
			t.Errorf("a move that gains %d", m.GainMinutes)
		}
	}
}
