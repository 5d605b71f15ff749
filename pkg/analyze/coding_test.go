package analyze

import (
	"reflect"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

// TestCodingWeek lays hand-placed coding sessions on a week of meetings,
// time off and lunch, and checks every coding figure a user would check,
// counted by hand from the rules: coding counts on free working time and
// after hours not under a meeting, never in a meeting, out of office or at
// lunch.
func TestCodingWeek(t *testing.T) {
	utc := time.UTC
	events := []classify.Event{
		ev(t, utc, classify.KindMeeting, "2026-03-02 10:00 11:00"),
		ev(t, utc, classify.KindOutOfOffice, "2026-03-03 00:00 2026-03-04 00:00"),
		ev(t, utc, classify.KindPersonal, "2026-03-04 12:00 13:00"),
		ev(t, utc, classify.KindMeeting, "2026-03-05 16:00 18:00"),
	}
	session := func(a, b string) CodingSession {
		return CodingSession{Start: at(t, utc, a), End: at(t, utc, b)}
	}
	commit := func(when string, repos ...string) CodingCommit {
		return CodingCommit{When: at(t, utc, when), Repos: repos}
	}
	coding := &Coding{
		Sessions: []CodingSession{
			session("2026-03-02 09:00", "2026-03-02 12:00"), // across the meeting: 120 coded, 60 in it
			session("2026-03-03 14:00", "2026-03-03 15:00"), // out of office: not coding
			session("2026-03-03 20:00", "2026-03-03 21:00"), // an evening of the day off: after hours
			session("2026-03-04 11:30", "2026-03-04 13:30"), // across lunch: 60 coded
			session("2026-03-05 16:30", "2026-03-05 19:00"), // in a meeting past the day's end: 60 after it
			session("2026-03-06 23:00", "2026-03-07 01:00"), // Friday night into Saturday
			session("2026-03-08 10:00", "2026-03-08 10:00"), // one commit, no lead: no time
			session("2026-03-09 09:00", "2026-03-09 09:30"), // the next week
		},
		Commits: []CodingCommit{
			commit("2026-03-02 09:30", "api"), commit("2026-03-02 12:00", "api"),
			commit("2026-03-03 15:00", "web"), commit("2026-03-03 21:00", "web"),
			commit("2026-03-04 12:10", "api"), commit("2026-03-04 13:30", "api"),
			commit("2026-03-05 19:00", "infra"),
			commit("2026-03-07 01:00", "api"),
			commit("2026-03-08 10:00", "docs", "api"), // in two clones
			commit("2026-03-09 09:30", "api"),
		},
	}
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-16 00:00"),
		Settings: DefaultSettings(utc), Coding: coding})

	w := res.Weeks[0]
	expect(t, "capacity", w.CapacityMinutes, 1860)
	expect(t, "focus", w.FocusMinutes, 1680)
	expect(t, "fragmented", w.FragmentedMinutes, 60)
	want := CodingTally{CodingMinutes: 180, CodingInFocusMinutes: 120, CodingAfterHoursMinutes: 240,
		Commits: 9, CodingSessions: 7, Repos: 4}
	got := w.CodingTally
	got.repos = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("week 1 coding\n got %+v\nwant %+v", got, want)
	}
	if s, ok := w.CodingShare(); !ok || s != 180.0/1860 {
		t.Errorf("coding share %v %v, want 180/1860", s, ok)
	}
	if s, ok := w.FocusUsedForCoding(); !ok || s != 120.0/1680 {
		t.Errorf("focus used for coding %v %v, want 120/1680", s, ok)
	}

	w2 := res.Weeks[1]
	if w2.CodingMinutes != 30 || w2.CodingInFocusMinutes != 30 || w2.Commits != 1 || w2.CodingSessions != 1 || w2.Repos != 1 {
		t.Errorf("week 2 coding %+v, want 30 minutes in focus from 1 commit in 1 repository", w2.CodingTally)
	}
	// api is in both weeks: the range counts it once.
	if res.Total.Repos != 4 || res.Total.Commits != 10 || res.Total.CodingMinutes != 210 {
		t.Errorf("range coding %+v, want 210 minutes, 10 commits in 4 repositories", res.Total.CodingTally)
	}

	// Saturday holds the end of Friday's session and its commit, but not
	// the session, which started on Friday.
	sat := res.Days[5]
	if sat.CodingAfterHoursMinutes != 60 || sat.Commits != 1 || sat.CodingSessions != 0 {
		t.Errorf("Saturday %+v, want 60 minutes after hours, 1 commit, no session starting", sat.CodingTally)
	}

	wantSessions := []SessionTally{
		{WorkingMinutes: 120, UncountedMinutes: 60},
		{UncountedMinutes: 60},
		{AfterHoursMinutes: 60},
		{WorkingMinutes: 60, UncountedMinutes: 60},
		{AfterHoursMinutes: 60, UncountedMinutes: 90},
		{AfterHoursMinutes: 120},
		{},
		{WorkingMinutes: 30},
	}
	if !reflect.DeepEqual(res.Sessions, wantSessions) {
		t.Errorf("sessions\n got %+v\nwant %+v", res.Sessions, wantSessions)
	}

	heat := map[[2]int]int{}
	for wd := range 7 {
		for h := range 24 {
			if m := res.Heat.Coding[wd][h]; m > 0 {
				heat[[2]int{wd, h}] = m
			}
		}
	}
	wantHeat := map[[2]int]int{
		{1, 9}: 60 + 30, {1, 11}: 60, {2, 20}: 60, {3, 11}: 30, {3, 13}: 30, {4, 18}: 60, {5, 23}: 60, {6, 0}: 60,
	}
	if !reflect.DeepEqual(heat, wantHeat) {
		t.Errorf("coding heat %v, want %v", heat, wantHeat)
	}
}

// TestNoCodingLayer checks that without a coding layer the coding family
// is zero and nothing else changes.
func TestNoCodingLayer(t *testing.T) {
	utc := time.UTC
	in := Input{Events: []classify.Event{ev(t, utc, classify.KindMeeting, "2026-03-02 10:00 11:00")},
		From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: DefaultSettings(utc)}
	without := Analyze(in)
	in.Coding = &Coding{}
	with := Analyze(in)
	if without.Sessions != nil || with.Sessions == nil {
		t.Errorf("session tallies %v without a layer, %v with an empty one", without.Sessions, with.Sessions)
	}
	with.Sessions = nil
	if !reflect.DeepEqual(without, with) {
		t.Errorf("an empty coding layer changed the analysis")
	}
	if !reflect.DeepEqual(without.Total.CodingTally, CodingTally{}) {
		t.Errorf("coding family %+v without a layer", without.Total.CodingTally)
	}
	if _, ok := without.Total.FocusUsedForCoding(); !ok {
		t.Errorf("a week with focus has a share of it used for coding")
	}
	if _, ok := (Tally{}).FocusUsedForCoding(); ok {
		t.Errorf("no focus time, yet a share of it used for coding")
	}
}
