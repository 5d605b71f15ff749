package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/gitlog"
)

// weekCoding measures one week of a persona's demo coding against its own
// calendar, classified with the default rules: its capacity (minutes of
// working hours, Monday–Friday 09:00–17:00, not out of office or
// personal), the minutes of session inside working hours and not under a
// meeting, out of office or personal entry, the minutes of session outside
// working hours, and the commits that fall inside such an entry.
func weekCoding(t *testing.T, sessions []gitlog.Session, commits []gitlog.Commit, events []calendar.Event, owner string, from, to time.Time) (capacity, inHours, afterHours int, inMeeting []string) {
	t.Helper()
	rules := classify.DefaultRules()
	rules.Me = []string{owner}
	classified := classify.Classify(events, rules)
	under := func(m time.Time, kinds ...classify.Kind) bool {
		for _, e := range classified {
			if m.Before(e.End) && !m.Before(e.Start) && slices.Contains(kinds, e.Kind) {
				return true
			}
		}
		return false
	}
	busy := func(m time.Time) bool {
		return under(m, classify.KindMeeting, classify.KindOutOfOffice, classify.KindPersonal)
	}
	working := func(m time.Time) bool {
		wd := m.Weekday()
		return wd != time.Saturday && wd != time.Sunday && m.Hour() >= 9 && m.Hour() < 17
	}
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		if working(m) && !under(m, classify.KindOutOfOffice, classify.KindPersonal) {
			capacity++
		}
	}
	for _, s := range sessions {
		for m := s.Start.In(from.Location()); m.Before(s.End); m = m.Add(time.Minute) {
			if m.Before(from) || !m.Before(to) || busy(m) {
				continue
			}
			if working(m) {
				inHours++
			} else {
				afterHours++
			}
		}
	}
	for _, c := range commits {
		if busy(c.When) && !c.When.Before(from) && c.When.Before(to) {
			inMeeting = append(inMeeting, c.When.In(from.Location()).Format(time.DateTime))
		}
	}
	return capacity, inHours, afterHours, inMeeting
}

// TestGitHistory checks each persona's built-in git history against its
// role, week by week: the engineer codes for at least 60% of its working
// time, the tech lead between 30% and 60%, the manager a little (above
// nothing, at most 30%), the director at most 30% in working hours but four
// hours or more after them. No commit falls in a meeting, and the same day
// gets the same commits whatever the window. The promoted persona codes as
// the engineer before its switch (22 December 2025, on [today]) and as the
// manager from it on.
func TestGitHistory(t *testing.T) {
	ny := newYork(t)
	ctx := context.Background()
	at := day(t, "2025-12-22")
	for _, p := range demo.Personas() {
		starts := []string{"2024-01-01", "2026-03-02"}
		if p == "promoted" {
			starts = append(starts, "2025-11-03") // seven weeks before the switch, three after
		}
		for _, start := range starts {
			from := day(t, start)
			to := from.AddDate(0, 0, 7*10)
			h, err := demo.GitHistory(ctx, p, today(), gitlog.Options{From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			_, events := load(t, p, from.AddDate(0, 0, -1), to.AddDate(0, 0, 1))
			sessions := gitlog.Sessions(h.Commits, gitlog.DefaultGap, gitlog.DefaultLead)
			for w := from; w.Before(to); w = w.AddDate(0, 0, 7) {
				wEnd := w.AddDate(0, 0, 7)
				capacity, in, after, inMeeting := weekCoding(t, sessions, h.Commits, events, owners[p], w, wEnd)
				share := float64(in) / float64(capacity)
				where := p + ", week of " + w.Format("2006-01-02")
				t.Logf("%s: coding %.0f%% in hours, %d minutes after", where, 100*share, after)
				role := p
				if p == "promoted" {
					role = "ic"
					if !w.Before(at) {
						role = "em"
					}
				}
				switch role {
				case "ic":
					if share < 0.60 {
						t.Errorf("%s: coding %.0f%% of working time, want at least 60%%", where, 100*share)
					}
				case "hybrid":
					if share < 0.30 || share >= 0.60 {
						t.Errorf("%s: coding %.0f%%, want 30–60%%", where, 100*share)
					}
				case "em":
					if share <= 0 || share > 0.30 {
						t.Errorf("%s: coding %.0f%%, want a little, at most 30%%", where, 100*share)
					}
				case "overloaded":
					if share > 0.30 || after < 4*60 {
						t.Errorf("%s: coding %.0f%% in hours and %d minutes after, want at most 30%% and 4 hours or more after", where, 100*share, after)
					}
				}
				if p != "overloaded" && after > 60 {
					t.Errorf("%s: %d minutes coded after hours", where, after)
				}
				if len(inMeeting) > 0 {
					t.Errorf("%s: commits in meetings at %v", where, inMeeting)
				}
			}
			for _, c := range h.Commits {
				if c.Email != owners[p] || len(c.Repos) != 1 || len(c.Hash) != 40 {
					t.Fatalf("%s: commit %+v", p, c)
				}
			}
			// A window that starts mid-way holds the same commits there.
			mid := from.AddDate(0, 0, 17).Add(13 * time.Hour)
			h2, err := demo.GitHistory(ctx, p, today(), gitlog.Options{From: mid, To: to})
			if err != nil {
				t.Fatal(err)
			}
			var tail []gitlog.Commit
			for _, c := range h.Commits {
				if !c.When.Before(h2.From) {
					tail = append(tail, c)
				}
			}
			if len(tail) != len(h2.Commits) || len(tail) == 0 || tail[0].Hash != h2.Commits[0].Hash || tail[len(tail)-1].Hash != h2.Commits[len(h2.Commits)-1].Hash {
				t.Errorf("%s: %d commits from %v in the long window, %d in the short one", p, len(tail), h2.From.In(ny), len(h2.Commits))
			}
		}
	}
	if _, err := demo.GitHistory(ctx, "nobody", today(), gitlog.Options{From: day(t, "2024-01-01"), To: day(t, "2024-01-08")}); err == nil {
		t.Error("an unknown persona has a git history")
	}
}
