// Package verdict compares a stretch of time with the article's bands and
// says which track it resembles — an individual contributor's (IC) or an
// engineering manager's (EM) — and why, in words.
//
// The bands come from "Going from an Individual Contributor to an
// Engineering Manager is NOT a promotion": an IC codes 60–70% of the time,
// an EM 0–30%; an EM spends 50–75% of the time in meetings; an EM who still
// takes critical coding work becomes a bottleneck.
//
// A verdict is judged on an [Input]: the stretch's [analyze.Tally], and the
// share of its capacity taken as coding time, with what that share was
// measured from ([Coding]). The calendar alone can only say how much time
// was free to code in, so [FromCalendar] takes the focus share — free
// stretches long enough to code in — and the reasons say so. That is the
// track: the calendar's verdict, which needs nothing but a calendar.
//
// # The coding signal, measured
//
// When the tally's coding family was measured from my commits
// ([Input.Git]), the verdict also gives the coding track: ic when the
// coding share is at least the IC band's bottom, em when it is at most the
// EM coding band's top, hybrid between, none with no capacity; the reasons
// say it in a sentence, and say so when the two tracks disagree. The
// bottleneck risk is then measured too: an em or overloaded stretch whose
// coding share is above the EM coding band, or whose coding after hours is
// above [Git.AfterHoursMax] a week. Without git it is the calendar's
// inference (an em stretch whose focus share is above the EM coding band),
// and the reason says it is inferred.
package verdict

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
)

// Track is the kind of calendar a stretch of time resembles.
type Track string

const (
	// TrackIC is an individual contributor's calendar.
	TrackIC Track = "ic"
	// TrackHybrid sits between the tracks.
	TrackHybrid Track = "hybrid"
	// TrackEM is an engineering manager's calendar.
	TrackEM Track = "em"
	// TrackOverloaded has more meetings than even the EM band.
	TrackOverloaded Track = "overloaded"
	// TrackNone is a stretch with no working capacity (all out of office).
	TrackNone Track = "none"
)

// Bands are the article's bands, as shares of capacity (0.5 is 50%).
//
// The coding bands keep the names their flags, config keys and JSON keys
// were first given (ic-focus-min, ic-focus-max, em-focus-max), from the
// time focus time was the only measure of coding.
type Bands struct {
	// EMMeetingMin and EMMeetingMax bound an EM's meeting share.
	EMMeetingMin, EMMeetingMax float64
	// ICCodingMin and ICCodingMax bound an IC's coding share.
	ICCodingMin, ICCodingMax float64
	// EMCodingMax is the top of an EM's coding share; above it an EM risks
	// becoming a bottleneck.
	EMCodingMax float64
}

// DefaultBands returns the article's bands.
func DefaultBands() Bands {
	return Bands{EMMeetingMin: 0.50, EMMeetingMax: 0.75, ICCodingMin: 0.60, ICCodingMax: 0.70, EMCodingMax: 0.30}
}

// Validate reports bands that cannot work together, naming them by their
// flags.
func (b Bands) Validate() error {
	for _, v := range []struct {
		name string
		val  float64
	}{
		{"em-meeting-min", b.EMMeetingMin}, {"em-meeting-max", b.EMMeetingMax},
		{"ic-focus-min", b.ICCodingMin}, {"ic-focus-max", b.ICCodingMax}, {"em-focus-max", b.EMCodingMax},
	} {
		if math.IsNaN(v.val) || v.val < 0 || v.val > 1 {
			return fmt.Errorf("band %s must be a share between 0%% and 100%%", v.name)
		}
	}
	if b.EMMeetingMin > b.EMMeetingMax {
		return fmt.Errorf("the EM meeting band is empty: %s is above %s", pct(b.EMMeetingMin), pct(b.EMMeetingMax))
	}
	if b.ICCodingMin > b.ICCodingMax {
		return fmt.Errorf("the IC focus band is empty: %s is above %s", pct(b.ICCodingMin), pct(b.ICCodingMax))
	}
	return nil
}

// Verdict is the track a stretch of time resembles, with the reasons. The
// JSON keys are those of the report.
type Verdict struct {
	// Track is the calendar's verdict.
	Track Track `json:"track"`
	// CodingTrack is the track the coding measured from my commits
	// resembles; empty when no git history was read.
	CodingTrack Track `json:"coding_track,omitempty"`
	// Reasons explain the track in sentences, the deciding one first.
	Reasons []string `json:"reasons"`
	// BottleneckRisk is the article's bottleneck risk: an EM who still
	// takes critical coding work. With git history, set on an em or
	// overloaded stretch whose coding share is above the EM coding band or
	// whose coding after hours is above the limit; without, inferred for an
	// em stretch whose focus share is above the EM coding band.
	BottleneckRisk bool `json:"bottleneck_risk"`
}

// Input is what a stretch of time is judged on.
type Input struct {
	// Tally is the stretch's accounting: its meeting share places it
	// against the EM band, and its free time says what keeps it from the
	// IC track.
	Tally analyze.Tally
	// Coding is the share of the stretch's capacity taken as coding time
	// by the calendar's track.
	Coding Coding
	// Git, when not nil, says the tally's coding family was measured from
	// my commits, and how to judge it: the verdict then gives the coding
	// track and measures the bottleneck risk.
	Git *Git
}

// Git is how coding measured from git history is judged.
type Git struct {
	// AfterHoursMax is the most coding outside working hours a week may
	// hold before an em or overloaded week carries the bottleneck risk. A
	// stretch of several weeks is allowed as much for each week it holds.
	AfterHoursMax time.Duration
}

// DefaultAfterHoursCoding is the default of [Git.AfterHoursMax]: four
// hours a week, half a working day.
const DefaultAfterHoursCoding = 4 * time.Hour

// Coding is a share of capacity taken as coding time, and what it was
// measured from.
type Coding struct {
	// Share is a fraction of capacity (0.6 is 60%).
	Share float64
	// Measure is what measured it; the reasons name it.
	Measure CodingMeasure
}

// CodingMeasure is what a coding share was measured from.
type CodingMeasure int

const (
	// CodingFromFocus takes focus time, the free stretches long enough to
	// code in, as coding time: all a calendar can say of it.
	CodingFromFocus CodingMeasure = iota
)

// FromCalendar is the input for a stretch known from its calendar alone:
// its focus share stands in for coding time.
func FromCalendar(t analyze.Tally) Input {
	focus, _ := t.FocusShare()
	return Input{Tally: t, Coding: Coding{Share: focus, Measure: CodingFromFocus}}
}

// says is the start of a reason about the coding share, given as text.
func (c Coding) says(share string) string {
	switch c.Measure {
	case CodingFromFocus:
		return "focus time (free stretches long enough to code in) is " + share
	}
	return "coding time is " + share
}

// Judge gives the verdict for a stretch of time.
//
//   - meeting share above EMMeetingMax: overloaded;
//   - meeting share within the EM band: em (with the bottleneck warning when
//     the coding share is above EMCodingMax);
//   - meeting share below the EM band and coding share at least
//     ICCodingMin: ic;
//   - anything else: hybrid.
//
// With in.Git, the coding track and the measured bottleneck risk are added
// (see the package documentation).
func Judge(in Input, b Bands) Verdict {
	v := judgeCalendar(in, b)
	if in.Git != nil {
		v.measure(in.Tally, *in.Git, b)
	}
	return v
}

// inferred ends the bottleneck reason when only the calendar was read.
const inferred = " (inferred from the calendar's free time; --git measures it from your commits)"

func judgeCalendar(in Input, b Bands) Verdict {
	t := in.Tally
	meet, ok := t.MeetingShare()
	if !ok {
		return Verdict{Track: TrackNone, Reasons: []string{noCapacity(t)}}
	}
	coding := in.Coding.Share
	frag, _ := t.FragmentedShare()
	// Shares are shown to a whole percent, unless that would make them look
	// equal to a band edge they are on the other side of (75.2% is not 75%).
	meetSays := fmt.Sprintf("meetings take %s of working time", pctBeside(meet, b.EMMeetingMin, b.EMMeetingMax))
	codingSays := in.Coding.says(pctBeside(coding, b.EMCodingMax, b.ICCodingMin, b.ICCodingMax))

	switch {
	case meet > b.EMMeetingMax:
		v := Verdict{Track: TrackOverloaded, Reasons: []string{
			fmt.Sprintf("%s, above even "+emWhose+" %s–%s", meetSays, pct(b.EMMeetingMin), pct(b.EMMeetingMax)),
			codingSays + ": almost no time is left to think, plan or act on the meetings",
		}}
		if t.AfterHoursMeetingMinutes > 0 {
			v.Reasons = append(v.Reasons, fmt.Sprintf("another %s of meetings fall outside working hours", hours(t.AfterHoursMeetingMinutes)))
		}
		return v
	case meet >= b.EMMeetingMin:
		v := Verdict{Track: TrackEM, Reasons: []string{
			fmt.Sprintf("%s, inside "+emWhose+" %s–%s", meetSays, pct(b.EMMeetingMin), pct(b.EMMeetingMax)),
		}}
		switch {
		case coding <= b.EMCodingMax:
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s, within an EM's 0–%s coding time", codingSays, pct(b.EMCodingMax)))
		case in.Git != nil:
			// The commits say whether the time was spent coding.
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s, above an EM's 0–%s coding time", codingSays, pct(b.EMCodingMax)))
		default:
			v.BottleneckRisk = true
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s, above an EM's 0–%s coding time: "+bottleneck+inferred, codingSays, pct(b.EMCodingMax)))
		}
		return v
	case coding >= b.ICCodingMin:
		v := Verdict{Track: TrackIC, Reasons: []string{
			fmt.Sprintf("%s, within "+icWhose+" %s–%s coding time", codingSays, pct(b.ICCodingMin), pct(b.ICCodingMax)),
			fmt.Sprintf("%s, below "+emWhose+" %s–%s", meetSays, pct(b.EMMeetingMin), pct(b.EMMeetingMax)),
		}}
		if coding > b.ICCodingMax {
			v.Reasons[0] = fmt.Sprintf("%s, above even "+icWhose+" %s–%s coding time", codingSays, pct(b.ICCodingMin), pct(b.ICCodingMax))
		}
		return v
	default:
		v := Verdict{Track: TrackHybrid, Reasons: []string{
			fmt.Sprintf("%s, below "+emWhose+" %s–%s", meetSays, pct(b.EMMeetingMin), pct(b.EMMeetingMax)),
			fmt.Sprintf("%s, short of "+icWhose+" %s–%s coding time", codingSays, pct(b.ICCodingMin), pct(b.ICCodingMax)),
		}}
		free := float64(t.FocusMinutes+t.FragmentedMinutes) / float64(t.CapacityMinutes)
		switch {
		case frag > 0 && free >= b.ICCodingMin:
			// There is time enough for an IC's coding, cut too short to
			// use: that is what keeps the stretch from the IC track.
			v.Reasons = append([]string{fmt.Sprintf("fragmented time is %s: meetings cut the free time into stretches too short to code in", pctBeside(frag, 0))}, v.Reasons...)
		case frag > 0:
			v.Reasons = append(v.Reasons, fmt.Sprintf("another %s is fragmented between meetings", pctBeside(frag, 0)))
		}
		return v
	}
}

// bottleneck is the article's warning, as the reasons give it.
const bottleneck = "an EM who still takes critical coding work risks becoming the team's bottleneck"

// measure adds what the commits say: the coding track and its sentence,
// the disagreement with the calendar's track, and the bottleneck risk as
// measured.
func (v *Verdict) measure(t analyze.Tally, g Git, b Bands) {
	managing := v.Track == TrackEM || v.Track == TrackOverloaded
	limit := afterHoursLimit(t, g)
	after := ""
	if t.CodingAfterHoursMinutes > 0 && !(managing && t.CodingAfterHoursMinutes > limit) {
		// Past the limit, the bottleneck's reason says it.
		after = fmt.Sprintf("; another %s of coding fell outside working hours", hours(t.CodingAfterHoursMinutes))
	}
	share, ok := t.CodingShare()
	if !ok {
		v.CodingTrack = TrackNone
		if after != "" {
			v.Reasons = append(v.Reasons, "no working time to measure coding against"+after)
		}
		return
	}
	var where string
	switch {
	case share >= b.ICCodingMin:
		v.CodingTrack = TrackIC
		where = fmt.Sprintf("within "+icWhose+" %s–%s", pct(b.ICCodingMin), pct(b.ICCodingMax))
		if share > b.ICCodingMax {
			where = "above even" + where[len("within"):]
		}
	case share <= b.EMCodingMax:
		v.CodingTrack = TrackEM
		where = fmt.Sprintf("within "+emWhose+" 0–%s", pct(b.EMCodingMax))
	default:
		v.CodingTrack = TrackHybrid
		where = fmt.Sprintf("between "+emWhose+" 0–%s and "+icWhose+" %s–%s", pct(b.EMCodingMax), pct(b.ICCodingMin), pct(b.ICCodingMax))
	}
	shown := pctBeside(share, b.EMCodingMax, b.ICCodingMin, b.ICCodingMax)
	if t.Commits == 0 && t.CodingMinutes == 0 {
		v.Reasons = append(v.Reasons, fmt.Sprintf("no commits of mine in this stretch: coding %s of working time, %s%s", shown, where, after))
	} else {
		v.Reasons = append(v.Reasons, fmt.Sprintf("coding %s of working time, from %s in %s: %s%s",
			shown, plural(t.Commits, "commit", "commits"), plural(t.Repos, "repository", "repositories"), where, after))
	}
	if d := disagreement(v.Track, v.CodingTrack); d != "" {
		v.Reasons = append(v.Reasons, d)
	}

	if !managing {
		return
	}
	whose := "alongside " + emWhose + " meetings"
	if v.Track == TrackOverloaded {
		whose = "alongside more meetings than even " + emWhose
	}
	if share > b.EMCodingMax {
		v.BottleneckRisk = true
		v.Reasons = append(v.Reasons, fmt.Sprintf("coding takes %s of working time %s, above an EM's 0–%s: %s (measured from your commits)",
			pctBeside(share, b.EMCodingMax), whose, pct(b.EMCodingMax), bottleneck))
	}
	if t.CodingAfterHoursMinutes > limit {
		v.BottleneckRisk = true
		v.Reasons = append(v.Reasons, fmt.Sprintf("%s of coding fell outside working hours, above %s: %s (measured from your commits)",
			hours(t.CodingAfterHoursMinutes), limitWords(limit, g), bottleneck))
	}
}

// afterHoursLimit is the coding after hours a stretch may hold, in
// minutes: the weekly limit for a week or less, and as much for each week
// of a longer stretch.
func afterHoursLimit(t analyze.Tally, g Git) int {
	week := int(g.AfterHoursMax / time.Minute)
	return week * max(t.Days, 7) / 7
}

func limitWords(limit int, g Git) string {
	week := int(g.AfterHoursMax / time.Minute)
	if limit == week {
		return hours(week) + " a week"
	}
	return fmt.Sprintf("%s (%s a week)", hours(limit), hours(week))
}

// disagreement says so when the calendar's track and the coding track are
// on different sides; "" when they agree, or either has nothing to judge.
func disagreement(calendar, coding Track) string {
	side := func(t Track) Track {
		if t == TrackOverloaded {
			return TrackEM
		}
		return t
	}
	if calendar == TrackNone || coding == TrackNone || side(calendar) == side(coding) {
		return ""
	}
	cal := map[Track]string{
		TrackIC:         "your calendar leaves an IC's focus time",
		TrackHybrid:     "your calendar sits between the two tracks",
		TrackEM:         "your calendar looks like a manager's",
		TrackOverloaded: "your calendar is overloaded with meetings",
	}[calendar]
	commits := map[Track]string{
		TrackIC:     "your commits say you code like an IC",
		TrackHybrid: "your commits say you code like someone between the two tracks",
		TrackEM:     "your commits say you code like a manager",
	}[coding]
	return cal + ", but " + commits
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func noCapacity(t analyze.Tally) string {
	switch {
	case t.WorkingMinutes == 0:
		return "no working hours in this stretch"
	case t.OutOfOfficeMinutes >= t.WorkingMinutes:
		return "out of office for all working hours"
	default:
		return "no working time left after out of office and personal time"
	}
}

// pct formats a share as a whole percentage, as reports show it.
func pct(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// Percent formats a share as the reasons do: a whole percentage, with as
// many decimals as it takes (up to two) not to read as equal to one of
// edges (the bands' edges) when it is not: 0.598 beside an edge of 0.60 is
// "59.8%", not "60%". Reports show the shares a verdict depends on with it.
func Percent(f float64, edges ...float64) string { return pctBeside(f, edges...) }

// pctBeside formats a share like pct, with as many decimals as it takes
// (up to two) not to read as equal to one of edges when it is not.
func pctBeside(f float64, edges ...float64) string {
	format := func(x float64, prec int) string {
		if prec == 0 {
			return pct(x)
		}
		return strconv.FormatFloat(x*100, 'f', prec, 64) + "%"
	}
	prec := 0
	for ; prec < 2; prec++ {
		clash := false
		for _, e := range edges {
			clash = clash || (f != e && format(f, prec) == format(e, prec))
		}
		if !clash {
			break
		}
	}
	return format(f, prec)
}

func hours(min int) string {
	if min%60 == 0 {
		return fmt.Sprintf("%dh", min/60)
	}
	return fmt.Sprintf("%dh%02d", min/60, min%60)
}
