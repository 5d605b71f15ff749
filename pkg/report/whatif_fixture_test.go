package report

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
)

// promotion reads testdata/promotion.ics, the calendar that turns into a
// manager's on Monday 9 February 2026, from from for weeks weeks, as
// emtime would (UTC, the default settings, me@example.com), and gives its
// what-if calendar, today being Wednesday 18 March 2026.
func promotion(t *testing.T, from time.Time, weeks int) (*whatif.Calendar, analyze.Settings, classify.Rules, time.Time) {
	t.Helper()
	f, err := os.Open("../../testdata/promotion.ics")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := ics.Parse("promotion.ics", f)
	if err != nil {
		t.Fatal(err)
	}
	to := from.AddDate(0, 0, 7*weeks)
	res, err := src.Events(context.Background(), calendar.Query{From: from, To: to, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	rules := classify.DefaultRules()
	rules.Me = []string{"me@example.com"}
	s := analyze.DefaultSettings(time.UTC)
	s.Domain = "example.com"
	in := analyze.Input{Events: classify.Classify(res.Events, rules), From: from, To: to, Settings: s}
	return whatif.NewCalendar(in, rules.Me), s, rules, time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
}

// promotionTrend is the trend of the twelve weeks from Monday 29
// December 2025, drawn in at most columns columns (0: one a week).
func promotionTrend(t *testing.T, window, columns int) TrendReport {
	t.Helper()
	c, s, rules, today := promotion(t, time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), 12)
	j := whatif.Judging{Bands: verdict.DefaultBands()}
	tr, err := whatif.NewTrend(c.Result(), j, whatif.TrendOptions{Window: window, TopPeople: s.TopPeople})
	if err != nil {
		t.Fatal(err)
	}
	in := TrendInput{Trend: tr, Result: c.Result(), Settings: s, Rules: rules, Bands: j.Bands, Today: today,
		Me: rules.Me, Sources: []string{"promotion.ics"}}
	if columns > 0 {
		in.Columns = tr.Buckets(columns, j)
	}
	return NewTrend(in)
}

// promotionMeetings is the meetings' report of the last four weeks, with
// the target of an IC's calendar and better times for the first three.
func promotionMeetings(t *testing.T) MeetingsReport {
	t.Helper()
	c, s, rules, today := promotion(t, time.Date(2026, 2, 23, 0, 0, 0, 0, time.UTC), 4)
	j := whatif.Judging{Bands: verdict.DefaultBands()}
	series := c.Series()
	tg, err := c.Target(series, whatif.Goal{Track: verdict.TrackIC}, j)
	if err != nil {
		t.Fatal(err)
	}
	return NewMeetings(MeetingsInput{
		Result: c.Result(), Verdict: j.Judge(c.Result().Total), Settings: s, Rules: rules, Bands: j.Bands, Today: today,
		Me: rules.Me, Sources: []string{"promotion.ics"}, Series: series, Sort: "focus-cost",
		Target: &tg, Moves: c.SuggestMoves(series, whatif.MoveOptions{Top: 3}),
	})
}
