package gitlog

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// at is a time on Monday 3 June 2024 in New York, "15:04" or "15:04:05".
func at(t *testing.T, clock string) time.Time {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	layout := "2006-01-02 15:04"
	if len(clock) > 5 {
		layout += ":05"
	}
	v, err := time.ParseInLocation(layout, "2024-06-03 "+clock, ny)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSessions(t *testing.T) {
	type want struct {
		start, end string
		commits    int
		repos      []string
	}

	tests := []struct {
		name    string
		commits []string // clock times, each "HH:MM[:SS]" on the same day, repo "r"
		gap     time.Duration
		lead    time.Duration
		want    []want
	}{
		{"none", nil, DefaultGap, DefaultLead, nil},
		{"one commit is the lead long", []string{"10:00"}, DefaultGap, DefaultLead,
			[]want{{"09:30", "10:00", 1, []string{"r"}}}},
		{"exactly the gap apart joins", []string{"10:00", "12:00"}, DefaultGap, DefaultLead,
			[]want{{"09:30", "12:00", 2, []string{"r"}}}},
		{"a second past the gap splits", []string{"10:00", "12:00:01"}, DefaultGap, DefaultLead,
			[]want{{"09:30", "10:00", 1, []string{"r"}}, {"11:30:01", "12:00:01", 1, []string{"r"}}}},
		{"a chain of short gaps is one session", []string{"09:00", "10:30", "12:00", "13:59"}, DefaultGap, DefaultLead,
			[]want{{"08:30", "13:59", 4, []string{"r"}}}},
		{"unsorted input is sorted", []string{"14:00", "10:00", "10:20"}, DefaultGap, DefaultLead,
			[]want{{"09:30", "10:20", 2, []string{"r"}}, {"13:30", "14:00", 1, []string{"r"}}}},
		{"the same second twice", []string{"10:00", "10:00"}, DefaultGap, DefaultLead,
			[]want{{"09:30", "10:00", 2, []string{"r"}}}},
		{"a lead longer than the gap merges what would overlap", []string{"10:00", "10:50"}, 30 * time.Minute, time.Hour,
			[]want{{"09:00", "10:50", 2, []string{"r"}}}},
		{"a lead longer than the gap, apart by more than the lead", []string{"10:00", "11:01"}, 30 * time.Minute, time.Hour,
			[]want{{"09:00", "10:00", 1, []string{"r"}}, {"10:01", "11:01", 1, []string{"r"}}}},
		{"zero gap and lead: each second its own session", []string{"10:00", "10:00:01"}, 0, 0,
			[]want{{"10:00", "10:00", 1, []string{"r"}}, {"10:00:01", "10:00:01", 1, []string{"r"}}}},
		{"negative values count as zero", []string{"10:00"}, -time.Hour, -time.Hour,
			[]want{{"10:00", "10:00", 1, []string{"r"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var commits []Commit
			for _, c := range tt.commits {
				commits = append(commits, Commit{When: at(t, c), Repos: []string{"r"}})
			}
			before := slices.Clone(commits)
			got := Sessions(commits, tt.gap, tt.lead)
			if !slices.EqualFunc(before, commits, func(a, b Commit) bool { return a.When.Equal(b.When) }) {
				t.Error("Sessions reordered its input")
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d sessions %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if !g.Start.Equal(at(t, w.start)) || !g.End.Equal(at(t, w.end)) || g.Commits != w.commits || !slices.Equal(g.Repos, w.repos) {
					t.Errorf("session %d = %s–%s %d commits %v, want %s–%s %d commits %v", i,
						g.Start.In(at(t, "00:00").Location()).Format("15:04:05"), g.End.In(at(t, "00:00").Location()).Format("15:04:05"),
						g.Commits, g.Repos, w.start, w.end, w.commits, w.repos)
				}
			}
		})
	}
}

func TestSessionsCrossMidnightAndRepos(t *testing.T) {
	// A commit at 00:10 has its lead start the evening before; a commit at
	// 23:30 joins one at 01:00 the next day; repositories are merged.
	ny := at(t, "00:00").Location()
	d := func(day, h, m int) time.Time { return time.Date(2024, 6, day, h, m, 0, 0, ny) }
	commits := []Commit{
		{When: d(3, 0, 10), Repos: []string{"api"}},
		{When: d(3, 23, 30), Repos: []string{"web"}},
		{When: d(4, 1, 0), Repos: []string{"api", "web"}},
		{When: d(4, 1, 20), Repos: []string{"cli"}},
	}
	got := Sessions(commits, DefaultGap, DefaultLead)
	if len(got) != 2 {
		t.Fatalf("got %d sessions, want 2: %+v", len(got), got)
	}
	if !got[0].Start.Equal(d(2, 23, 40)) || !got[0].End.Equal(d(3, 0, 10)) {
		t.Errorf("first session %v–%v, want the lead to start at 23:40 the day before", got[0].Start.In(ny), got[0].End.In(ny))
	}
	if !got[1].Start.Equal(d(3, 23, 0)) || !got[1].End.Equal(d(4, 1, 20)) || got[1].Commits != 3 {
		t.Errorf("second session %v–%v with %d commits, want 23:00–01:20 with 3", got[1].Start.In(ny), got[1].End.In(ny), got[1].Commits)
	}
	if !slices.Equal(got[1].Repos, []string{"api", "cli", "web"}) {
		t.Errorf("second session repos %v, want api, cli, web", got[1].Repos)
	}
}

// TestSessionsProperties checks, on random commits, that sessions never
// overlap, hold every commit once, and that the coding time inside a
// window depends only on the commits Read keeps: [from − gap, to +
// max(gap, lead)).
func TestSessionsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	for round := range 500 {
		gap := time.Duration(rng.IntN(180)) * time.Minute
		lead := time.Duration(rng.IntN(90)) * time.Minute
		var commits []Commit
		for range rng.IntN(40) {
			commits = append(commits, Commit{When: base.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)})
		}
		all := Sessions(commits, gap, lead)
		total := 0
		for i, s := range all {
			total += s.Commits
			if s.End.Before(s.Start) {
				t.Fatalf("round %d: session %d ends before it starts", round, i)
			}
			if i > 0 && !all[i-1].End.Before(s.Start) {
				t.Fatalf("round %d: sessions %d and %d overlap: %v–%v, %v–%v", round, i-1, i, all[i-1].Start, all[i-1].End, s.Start, s.End)
			}
		}
		if total != len(commits) {
			t.Fatalf("round %d: sessions hold %d commits, want %d", round, total, len(commits))
		}
		from := base.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
		to := from.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
		w := window{from: from.Add(-gap), to: to.Add(max(gap, lead))}
		var kept []Commit
		for _, c := range commits {
			if w.holds(c.When) {
				kept = append(kept, c)
			}
		}
		if a, b := covered(all, from, to), covered(Sessions(kept, gap, lead), from, to); a != b {
			t.Fatalf("round %d (gap %v lead %v): %v coded in the window from all commits, %v from the kept ones", round, gap, lead, a, b)
		}
	}
}

// covered is how much of [from, to) the sessions cover.
func covered(sessions []Session, from, to time.Time) time.Duration {
	var d time.Duration
	for _, s := range sessions {
		start, end := latest(s.Start, from), earliest(s.End, to)
		if end.After(start) {
			d += end.Sub(start)
		}
	}
	return d
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
