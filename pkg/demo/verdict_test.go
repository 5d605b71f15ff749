package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/verdict"
)

// TestVerdictEveryWeek runs each persona through the analysis with the
// default settings, as `emtime analyze --demo=persona` does, with its
// built-in git history laid on its calendar, and checks that every full
// week gets the persona's own verdict, and the coding track of its commits
// (the engineer's ic, the tech lead's hybrid, the manager's and the
// director's em; only the director, coding in the evenings, at risk of
// being the bottleneck): all of 2024 (which holds every exception in the
// calendars), the first twelve weeks of the series in 1958, twelve weeks in
// 1999, 2019, 2026 and 2031 (across daylight-saving changes), and the
// twelve weeks around today. The promoted persona is the engineer in every
// week before its switch and the manager in every week from it on, both on
// [today] and on the real today, and in the twelve weeks around its switch.
func TestVerdictEveryWeek(t *testing.T) {
	ny := newYork(t)
	for _, p := range demo.Personas() {
		nows := []time.Time{today()}
		if p == "promoted" {
			nows = append(nows, time.Now())
		}
		for _, now := range nows {
			at, err := demo.PromotedOn(now)
			if err != nil {
				t.Fatal(err)
			}
			ranges := []struct {
				from  time.Time
				weeks int
			}{
				{day(t, "1958-03-24"), 12}, // the first weeks of the series
				{day(t, "1999-03-15"), 12}, // 4 April 1999: clocks go forward, on the rules of the time
				{day(t, "2019-06-03"), 12},
				{day(t, "2024-01-01"), 52},
				{day(t, "2026-02-16"), 12}, // 8 March 2026: clocks go forward
				{day(t, "2031-10-13"), 12}, // 2 November 2031: clocks go back
				{mondayOf(time.Now().In(ny)).AddDate(0, 0, -7*8), 12},
			}
			if p == "promoted" {
				ranges = append(ranges, struct {
					from  time.Time
					weeks int
				}{at.AddDate(0, 0, -7*6), 12})
			}
			for _, r := range ranges {
				role := func(week time.Time) string {
					if p != "promoted" {
						return p
					}
					if week.Before(at) {
						return "ic"
					}
					return "em"
				}
				judgeWeeks(t, p, now, r.from, r.weeks, role)
			}
		}
	}
}

// mondayOf is midnight on the Monday of t's week, in t's zone.
func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// codingTracks are the coding track of each persona's commits.
var codingTracks = map[string]verdict.Track{
	"ic": verdict.TrackIC, "hybrid": verdict.TrackHybrid, "em": verdict.TrackEM, "overloaded": verdict.TrackEM,
}

// judgeWeeks analyzes the persona's weeks from from on the day now, with its
// git history, and checks each against role, the persona whose week it is.
func judgeWeeks(t *testing.T, p string, now, from time.Time, weeks int, role func(week time.Time) string) {
	t.Helper()
	ny := newYork(t)
	to := from.AddDate(0, 0, 7*weeks)
	info, events := loadOn(t, p, now, from, to)

	me, how := classify.InferMe(info, events)
	if len(me) != 1 || me[0] != owners[p] {
		t.Fatalf("%s: inferred me %q (%s), want %s", p, me, how, owners[p])
	}
	rules := classify.DefaultRules()
	rules.Me = me
	settings := analyze.DefaultSettings(ny)
	settings.Domain = me[0][strings.IndexByte(me[0], '@')+1:]
	h, err := demo.GitHistory(context.Background(), p, now, gitlog.Options{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	coding := &analyze.Coding{}
	for _, s := range gitlog.Sessions(h.Commits, gitlog.DefaultGap, gitlog.DefaultLead) {
		coding.Sessions = append(coding.Sessions, analyze.CodingSession{Start: s.Start, End: s.End})
	}
	for _, c := range h.Commits {
		coding.Commits = append(coding.Commits, analyze.CodingCommit{When: c.When, Repos: c.Repos})
	}
	res := analyze.Analyze(analyze.Input{Events: classify.Classify(events, rules), From: from, To: to, Settings: settings, Coding: coding})

	full := 0
	for _, w := range res.Weeks {
		if !w.Full {
			continue
		}
		full++
		want := role(w.Start)
		v := verdict.Judge(verdict.FromCalendar(w.Tally), verdict.DefaultBands())
		meeting, _ := w.MeetingShare()
		focus, _ := w.FocusShare()
		where := p + ", week of " + w.Start.Format("2006-01-02")
		if string(v.Track) != want {
			t.Errorf("%s: verdict %s, want %s (meetings %.1f%%, focus %.1f%%): %s",
				where, v.Track, want, 100*meeting, 100*focus, strings.Join(v.Reasons, " "))
		}
		if want == "em" && (v.BottleneckRisk || focus > 0.30) {
			t.Errorf("%s: focus %.1f%%, want at most the EM coding band (30%%)", where, 100*focus)
		}
		in := verdict.FromCalendar(w.Tally)
		in.Git = &verdict.Git{AfterHoursMax: verdict.DefaultAfterHoursCoding}
		g := verdict.Judge(in, verdict.DefaultBands())
		coded, _ := w.CodingShare()
		if g.Track != v.Track || g.CodingTrack != codingTracks[want] || g.BottleneckRisk != (want == "overloaded") {
			t.Errorf("%s: with git, track %s, coding track %s (coding %.1f%%, %dh%02d after hours), bottleneck %v; want %s, %s, %v: %s",
				where, g.Track, g.CodingTrack, 100*coded, w.CodingAfterHoursMinutes/60, w.CodingAfterHoursMinutes%60, g.BottleneckRisk,
				want, codingTracks[want], want == "overloaded", strings.Join(g.Reasons, " "))
		}
		if w.Commits == 0 || w.Repos == 0 {
			t.Errorf("%s: %d commits in %d repositories, want some", where, w.Commits, w.Repos)
		}
		if w.AfterHoursMeetingMinutes == 0 {
			t.Errorf("%s: no meeting outside working hours", where)
		}
		if want == "overloaded" && w.AfterHoursMeetingMinutes < 90 {
			t.Errorf("%s: %d minutes of meetings outside working hours, want several calls", where, w.AfterHoursMeetingMinutes)
		}
		if w.FocusBookedMinutes == 0 {
			t.Errorf("%s: no booked focus block", where)
		}
		if w.ExternalMeetingMinutes == 0 {
			t.Errorf("%s: no meeting with another domain", where)
		}
	}
	// Start on a Monday: every week of the range is full.
	if full != weeks {
		t.Errorf("%s from %s: %d full weeks, want %d", p, from.Format("2006-01-02"), full, weeks)
	}
}
