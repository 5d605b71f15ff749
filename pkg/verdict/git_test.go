package verdict

import (
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
)

// coded is tally(meeting, focus, fragmented) with a coding family measured
// from commits: coding minutes of the 10,000 of capacity, coding after
// hours, commits and repositories.
func coded(meeting, focus, fragmented, coding, afterHours, commits, repos int) analyze.Tally {
	t := tally(meeting, focus, fragmented)
	t.Days = 7
	t.CodingMinutes, t.CodingAfterHoursMinutes = coding, afterHours
	t.Commits, t.Repos = commits, repos
	return t
}

func withGit(t analyze.Tally) Input {
	in := FromCalendar(t)
	in.Git = &Git{AfterHoursMax: DefaultAfterHoursCoding}
	return in
}

func TestJudgeWithCommits(t *testing.T) {
	tests := []struct {
		name        string
		tally       analyze.Tally
		track       Track
		codingTrack Track
		bottleneck  bool
		// reasons holds a substring of each reason, in order.
		reasons []string
	}{
		{name: "an IC's calendar and an IC's commits", tally: coded(2000, 6500, 1500, 6500, 0, 40, 2), track: TrackIC, codingTrack: TrackIC,
			reasons: []string{"is 65%, within", "meetings take 20%",
				"coding 65% of working time, from 40 commits in 2 repositories: within an individual contributor's 60%–70%"}},
		{name: "an IC's calendar, a manager's commits", tally: coded(2000, 6500, 1500, 1200, 0, 9, 2), track: TrackIC, codingTrack: TrackEM,
			reasons: []string{"is 65%, within", "meetings take 20%",
				"coding 12% of working time, from 9 commits in 2 repositories: within an engineering manager's 0–30%",
				"your calendar leaves an IC's focus time, but your commits say you code like a manager"}},
		{name: "coding exactly at the EM coding band's top is em", tally: coded(2000, 6500, 1500, 3000, 0, 1, 1), track: TrackIC, codingTrack: TrackEM,
			reasons: []string{"is 65%", "meetings", "coding 30% of working time, from 1 commit in 1 repository: within an engineering manager's 0–30%", "but your commits say you code like a manager"}},
		{name: "coding just above it is hybrid", tally: coded(2000, 6500, 1500, 3001, 0, 5, 1), track: TrackIC, codingTrack: TrackHybrid,
			reasons: []string{"is 65%", "meetings", "coding 30.01% of working time, from 5 commits in 1 repository: between an engineering manager's 0–30% and an individual contributor's 60%–70%",
				"your calendar leaves an IC's focus time, but your commits say you code like someone between the two tracks"}},
		{name: "coding at the IC band's bottom is ic", tally: coded(4500, 5000, 500, 6000, 0, 30, 3), track: TrackHybrid, codingTrack: TrackIC,
			reasons: []string{"meetings take 45%", "is 50%, short of", "another 5% is fragmented",
				"coding 60% of working time, from 30 commits in 3 repositories: within an individual contributor's",
				"your calendar sits between the two tracks, but your commits say you code like an IC"}},
		{name: "coding above even the IC band", tally: coded(1000, 8000, 1000, 7500, 0, 50, 1), track: TrackIC, codingTrack: TrackIC,
			reasons: []string{"is 80%, above even", "meetings", "coding 75% of working time, from 50 commits in 1 repository: above even an individual contributor's 60%–70%"}},
		{name: "an EM with focus left but not coding: no risk", tally: coded(5500, 3500, 1000, 900, 60, 4, 1), track: TrackEM, codingTrack: TrackEM,
			reasons: []string{"meetings take 55%", "focus time (free stretches long enough to code in) is 35%, above an EM's 0–30% coding time",
				"coding 9% of working time, from 4 commits in 1 repository: within an engineering manager's 0–30%; another 1h of coding fell outside working hours"}},
		{name: "an EM coding above the band: measured risk", tally: coded(5500, 3500, 1000, 3100, 0, 25, 2), track: TrackEM, codingTrack: TrackHybrid, bottleneck: true,
			reasons: []string{"meetings take 55%", "is 35%, above an EM's 0–30% coding time",
				"coding 31% of working time, from 25 commits in 2 repositories: between",
				"your calendar looks like a manager's, but your commits say you code like someone between the two tracks",
				"coding takes 31% of working time alongside an engineering manager's meetings, above an EM's 0–30%: an EM who still takes critical coding work risks becoming the team's bottleneck (measured from your commits)"}},
		{name: "an overloaded director coding at night: measured risk", tally: coded(9000, 0, 1000, 200, 300, 12, 2), track: TrackOverloaded, codingTrack: TrackEM, bottleneck: true,
			reasons: []string{"meetings take 90%", "almost no time", "coding 2% of working time, from 12 commits in 2 repositories: within an engineering manager's 0–30%",
				"5h of coding fell outside working hours, above 4h a week: an EM who still takes critical coding work risks becoming the team's bottleneck (measured from your commits)"}},
		{name: "after hours at the limit: no risk", tally: coded(6000, 1000, 3000, 500, 240, 3, 1), track: TrackEM, codingTrack: TrackEM,
			reasons: []string{"meetings take 60%", "is 10%, within", "coding 5% of working time, from 3 commits in 1 repository: within an engineering manager's 0–30%; another 4h of coding"}},
		{name: "an IC coding after hours is no bottleneck", tally: coded(2000, 6500, 1500, 6500, 900, 40, 2), track: TrackIC, codingTrack: TrackIC,
			reasons: []string{"is 65%", "meetings", "coding 65%"}},
		{name: "no commits", tally: coded(6000, 1000, 3000, 0, 0, 0, 0), track: TrackEM, codingTrack: TrackEM,
			reasons: []string{"meetings", "within", "no commits of mine in this stretch: coding 0% of working time, within an engineering manager's 0–30%"}},
		{name: "no capacity", tally: analyze.Tally{TimeTally: analyze.TimeTally{WorkingMinutes: 2400, OutOfOfficeMinutes: 2400}, CodingTally: analyze.CodingTally{CodingAfterHoursMinutes: 90, Commits: 3}},
			track: TrackNone, codingTrack: TrackNone,
			reasons: []string{"out of office for all working hours", "no working time to measure coding against; another 1h30 of coding fell outside working hours"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Judge(withGit(tt.tally), DefaultBands())
			if v.Track != tt.track || v.CodingTrack != tt.codingTrack || v.BottleneckRisk != tt.bottleneck {
				t.Errorf("track %s, coding track %s (bottleneck %v), want %s, %s (%v); reasons %q",
					v.Track, v.CodingTrack, v.BottleneckRisk, tt.track, tt.codingTrack, tt.bottleneck, v.Reasons)
			}
			if len(v.Reasons) != len(tt.reasons) {
				t.Fatalf("reasons %q, want %d", v.Reasons, len(tt.reasons))
			}
			for i, want := range tt.reasons {
				if !strings.Contains(v.Reasons[i], want) {
					t.Errorf("reason %d %q, want it to contain %q", i, v.Reasons[i], want)
				}
			}
			// The calendar's track never moves with the commits.
			if cal := Judge(FromCalendar(tt.tally), DefaultBands()); cal.Track != v.Track {
				t.Errorf("with commits the track is %s, from the calendar alone %s", v.Track, cal.Track)
			}
		})
	}
}

// TestAfterHoursOverWeeks: a stretch of four weeks is allowed four weeks'
// coding after hours.
func TestAfterHoursOverWeeks(t *testing.T) {
	four := coded(6000, 1000, 3000, 500, 960, 20, 1)
	four.Days = 28
	if v := Judge(withGit(four), DefaultBands()); v.BottleneckRisk {
		t.Errorf("16h after hours over four weeks is at risk: %q", v.Reasons)
	}
	four.CodingAfterHoursMinutes = 1000
	v := Judge(withGit(four), DefaultBands())
	if !v.BottleneckRisk || !strings.Contains(v.Reasons[len(v.Reasons)-1], "16h40 of coding fell outside working hours, above 16h (4h a week)") {
		t.Errorf("16h40 after hours over four weeks: %v, %q", v.BottleneckRisk, v.Reasons)
	}
	if strings.Count(strings.Join(v.Reasons, " "), "16h40") != 1 {
		t.Errorf("the coding after hours is said more than once: %q", v.Reasons)
	}
	part := coded(6000, 1000, 3000, 500, 241, 2, 1)
	part.Days = 3
	if v := Judge(withGit(part), DefaultBands()); !v.BottleneckRisk {
		t.Errorf("a part week is allowed a week's 4h, not less: %q", v.Reasons)
	}
	tight := withGit(coded(6000, 1000, 3000, 500, 61, 2, 1))
	tight.Git.AfterHoursMax = time.Hour
	if v := Judge(tight, DefaultBands()); !v.BottleneckRisk || !strings.Contains(v.Reasons[len(v.Reasons)-1], "above 1h a week") {
		t.Errorf("a limit of 1h: %q", v.Reasons)
	}
}

// TestBottleneckInferred: without git the bottleneck risk is the
// calendar's inference, and the reason says so.
func TestBottleneckInferred(t *testing.T) {
	v := Judge(FromCalendar(tally(5500, 3500, 1000)), DefaultBands())
	if !v.BottleneckRisk || v.CodingTrack != "" {
		t.Fatalf("bottleneck %v, coding track %q", v.BottleneckRisk, v.CodingTrack)
	}
	if want := "risks becoming the team's bottleneck (inferred from the calendar's free time; --git measures it from your commits)"; !strings.HasSuffix(v.Reasons[1], want) {
		t.Errorf("reason %q, want it to end %q", v.Reasons[1], want)
	}
}
