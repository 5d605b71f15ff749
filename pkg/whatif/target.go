package whatif

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/verdict"
)

// Goal is what the range should look like.
type Goal struct {
	// Track is the track to reach: ic, hybrid or em, or empty to aim at
	// shares alone. Dropping meetings only lightens a calendar, so a track
	// is reached by that track or a lighter one (em by hybrid or ic,
	// hybrid by ic).
	Track verdict.Track
	// MeetingShare, when set, is the most the meeting share may be.
	MeetingShare *float64
	// FocusShare, when set, is the least the focus share may be.
	FocusShare *float64
}

// Validate reports a goal that names nothing to reach, or a track or share
// that cannot be one.
func (g Goal) Validate() error {
	switch g.Track {
	case "", verdict.TrackIC, verdict.TrackHybrid, verdict.TrackEM:
	default:
		return fmt.Errorf("the target track must be ic, hybrid or em, got %q", g.Track)
	}
	for _, s := range []struct {
		name string
		val  *float64
	}{{"meeting", g.MeetingShare}, {"focus", g.FocusShare}} {
		if s.val != nil && (math.IsNaN(*s.val) || *s.val < 0 || *s.val > 1) {
			return fmt.Errorf("the target %s share must be between 0%% and 100%%", s.name)
		}
	}
	if g.Track == "" && g.MeetingShare == nil && g.FocusShare == nil {
		return fmt.Errorf("the target names no track and no share")
	}
	return nil
}

// lightness orders the tracks from the lightest calendar.
func lightness(t verdict.Track) int {
	switch t {
	case verdict.TrackIC:
		return 0
	case verdict.TrackHybrid:
		return 1
	case verdict.TrackEM:
		return 2
	case verdict.TrackOverloaded:
		return 3
	}
	return math.MaxInt // none: no capacity reaches nothing
}

// reached reports whether a stretch judged v, with shares sh, is there.
func (g Goal) reached(v verdict.Verdict, sh Shares) bool {
	switch {
	case !sh.Capacity,
		g.Track != "" && lightness(v.Track) > lightness(g.Track),
		g.MeetingShare != nil && sh.Meeting > *g.MeetingShare,
		g.FocusShare != nil && sh.Focus < *g.FocusShare:
		return false
	}
	return true
}

// distance says how far shares are from the goal, as shares of capacity
// short of it: zero when the shares are there. It ranks the choices; the
// verdict decides whether the goal is reached.
func (g Goal) distance(sh Shares, b verdict.Bands) float64 {
	if !sh.Capacity {
		return 1e9
	}
	// above is how far x is above the edge; on the edge of a band that
	// excludes it, a little.
	above := func(x, edge float64, excluded bool) float64 {
		switch {
		case x > edge:
			return x - edge
		case x == edge && excluded:
			return 1e-9
		}
		return 0
	}
	var d float64
	switch g.Track {
	case verdict.TrackIC:
		d += above(sh.Meeting, b.EMMeetingMin, true) + above(b.ICCodingMin, sh.Coding, false)
	case verdict.TrackHybrid:
		d += above(sh.Meeting, b.EMMeetingMin, true)
	case verdict.TrackEM:
		d += above(sh.Meeting, b.EMMeetingMax, false)
	}
	if g.MeetingShare != nil {
		d += above(sh.Meeting, *g.MeetingShare, false)
	}
	if g.FocusShare != nil {
		d += above(*g.FocusShare, sh.Focus, false)
	}
	return d
}

// words names the goal: "an IC's calendar".
func (g Goal) words(b verdict.Bands) string {
	var parts []string
	switch g.Track {
	case verdict.TrackIC:
		parts = append(parts, fmt.Sprintf("an IC's calendar (meetings under %s of working time, focus time at least %s)", pct(b.EMMeetingMin), pct(b.ICCodingMin)))
	case verdict.TrackHybrid:
		parts = append(parts, fmt.Sprintf("meetings under an EM's %s of working time", pct(b.EMMeetingMin)))
	case verdict.TrackEM:
		parts = append(parts, fmt.Sprintf("no more meetings than an EM's %s of working time", pct(b.EMMeetingMax)))
	}
	if g.MeetingShare != nil {
		parts = append(parts, "meetings at most "+pct(*g.MeetingShare)+" of working time")
	}
	if g.FocusShare != nil {
		parts = append(parts, "focus time at least "+pct(*g.FocusShare)+" of working time")
	}
	return strings.Join(parts, ", with ")
}

// Target is the smallest set of series found to drop to reach a goal.
type Target struct {
	Goal Goal
	// Reached is true when dropping the series of Drop reaches the goal;
	// Already when the range is there as it is (Drop is then empty).
	Reached, Already bool
	// Drop are the series to drop, by index in the series given, in the
	// order they were chosen; Steps are the range after each drop in
	// turn. When the goal cannot be reached, Drop is empty.
	Drop  []int
	Steps []Step
	// Before are the range's shares as it is; After, Verdict and Tally
	// are the range's with the series of Drop left out.
	Before, After Shares
	Verdict       verdict.Verdict
	Tally         analyze.Tally
	// NotMine is the range with every series I do not organise left out,
	// and All with every series given left out.
	NotMine, All Outcome
	// Says tells it in sentences: what the drops reach, what the user
	// would be choosing (meetings they organise, 1:1s, interviews), or
	// that even dropping every meeting would not do.
	Says []string
}

// Step is the range after one more series is dropped.
type Step struct {
	// Series is the series dropped, by index in the series given.
	Series int
	Shares Shares
	Track  verdict.Track
}

// Outcome is the range with some series left out.
type Outcome struct {
	// Series is how many were left out.
	Series  int
	Shares  Shares
	Track   verdict.Track
	Reached bool
}

// Target finds the smallest set of the series that, left out, brings the
// range to the goal: greedily, each time the series whose removal brings
// the range closest to the goal (the most focus gained, then the most
// meeting time freed, on a tie), every choice counted again on the
// calendar without those already chosen; then any choice the goal no
// longer needs is given back. When even dropping them all does not reach
// the goal, it says so, and what the range would be without every meeting
// I do not organise.
func (c *Calendar) Target(series []Series, g Goal, j Judging) (Target, error) {
	if err := g.Validate(); err != nil {
		return Target{}, err
	}
	b := j.Bands
	tg := Target{Goal: g, Before: j.Shares(c.res.Total)}
	var notMine []Series
	for _, s := range series {
		if !s.OrganizerIsMe {
			notMine = append(notMine, s)
		}
	}
	tg.NotMine = c.outcome(notMine, g, j)
	tg.All = c.outcome(series, g, j)

	if g.reached(j.Judge(c.res.Total), tg.Before) {
		tg.Reached, tg.Already = true, true
		tg.After, tg.Verdict, tg.Tally = tg.Before, j.Judge(c.res.Total), c.res.Total
		tg.Says = []string{fmt.Sprintf("the range already has %s: meetings take %s of working time, focus time %s",
			g.words(b), pct(tg.Before.Meeting), pct(tg.Before.Focus))}
		return tg, nil
	}
	if !tg.All.Reached {
		tg.After, tg.Verdict, tg.Tally = tg.Before, j.Judge(c.res.Total), c.res.Total
		tg.Says = []string{c.shortOf("every meeting", tg.All, g, b)}
		if len(notMine) < len(series) {
			tg.Says = append(tg.Says, c.shortOf("every meeting you don't organise", tg.NotMine, g, b))
		}
		return tg, nil
	}

	st := c.state()
	tg.Drop = c.greedy(st, series, g, j)
	tg.Drop = c.prune(st, series, tg.Drop, g, j)
	tg.Tally = st.total()
	tg.After, tg.Verdict, tg.Reached = j.Shares(tg.Tally), j.Judge(tg.Tally), true
	st = c.state()
	for _, k := range tg.Drop {
		ch := dropping(series[k])
		days, counted := st.recount(ch)
		st.apply(ch, days, counted)
		t := st.leanTotal()
		tg.Steps = append(tg.Steps, Step{Series: k, Shares: j.Shares(t), Track: j.Judge(t).Track})
	}

	tg.Says = []string{fmt.Sprintf("dropping %s would bring the range to %s: meetings would take %s of working time (now %s), focus time %s (now %s)",
		count(len(tg.Drop), "meeting series"), g.words(b), pct(tg.After.Meeting), pct(tg.Before.Meeting), pct(tg.After.Focus), pct(tg.Before.Focus))}
	var mine, ones, interviews int
	for _, k := range tg.Drop {
		s := series[k]
		mine += b2i(s.OrganizerIsMe)
		ones += b2i(s.OneOnOne)
		interviews += b2i(s.Interview)
	}
	if marks := choosing(mine, ones, interviews); marks != "" {
		tg.Says = append(tg.Says, "what you would be choosing: "+marks)
	}
	if !tg.NotMine.Reached && mine > 0 {
		tg.Says = append(tg.Says, c.shortOf("every meeting you don't organise", tg.NotMine, g, b))
	}
	return tg, nil
}

// greedy chooses series to drop from the state until the goal is
// reached, or none is left; the state is left without them.
func (c *Calendar) greedy(st *state, series []Series, g Goal, j Judging) []int {
	type eval struct {
		days    []int
		counted []analyze.Day
	}
	evals := make([]*eval, len(series))
	left := make([]bool, len(series))
	for k := range left {
		left[k] = true
	}
	var chosen []int
	for len(chosen) < len(series) {
		best, bestDist, bestFocus, bestMeeting := -1, 0.0, 0, 0
		for k, s := range series {
			if !left[k] {
				continue
			}
			if evals[k] == nil {
				days, counted := st.recount(dropping(s))
				evals[k] = &eval{days, counted}
			}
			t := st.leanWith(evals[k].days, evals[k].counted)
			dist := g.distance(j.Shares(t), j.Bands)
			if best < 0 || dist < bestDist ||
				(dist == bestDist && (t.FocusMinutes > bestFocus || (t.FocusMinutes == bestFocus && t.MeetingMinutes < bestMeeting))) {
				best, bestDist, bestFocus, bestMeeting = k, dist, t.FocusMinutes, t.MeetingMinutes
			}
		}
		e := evals[best]
		st.apply(dropping(series[best]), e.days, e.counted)
		left[best] = false
		chosen = append(chosen, best)
		t := st.leanTotal()
		if g.reached(j.Judge(t), j.Shares(t)) {
			break
		}
		// The days the choice touched are counted again for every series
		// on them; the others' days have not changed.
		for k := range series {
			if left[k] && evals[k] != nil && meets(evals[k].days, e.days) {
				evals[k] = nil
			}
		}
	}
	return chosen
}

// prune gives back to the state, latest choice first, every series the
// goal does not need once the others are dropped.
func (c *Calendar) prune(st *state, series []Series, chosen []int, g Goal, j Judging) []int {
	for i := len(chosen) - 1; i >= 0 && len(chosen) > 1; i-- {
		s := series[chosen[i]]
		back := change{keep: s.Events, days: s.days}
		days, counted := st.recount(back)
		t := st.leanWith(days, counted)
		if g.reached(j.Judge(t), j.Shares(t)) {
			st.apply(back, days, counted)
			chosen = slices.Delete(chosen, i, i+1)
		}
	}
	return chosen
}

// outcome is the range with the series left out.
func (c *Calendar) outcome(series []Series, g Goal, j Judging) Outcome {
	t := c.Without(series...).Total
	v, sh := j.Judge(t), j.Shares(t)
	return Outcome{Series: len(series), Shares: sh, Track: v.Track, Reached: g.reached(v, sh)}
}

// shortOf says that dropping what would not reach the goal.
func (c *Calendar) shortOf(what string, o Outcome, g Goal, b verdict.Bands) string {
	if !o.Shares.Capacity {
		return fmt.Sprintf("even dropping %s would not reach %s: no working time would be left", what, g.words(b))
	}
	return fmt.Sprintf("even dropping %s (%s) would not reach %s: meetings would take %s of working time, focus time %s",
		what, count(o.Series, "series"), g.words(b), pct(o.Shares.Meeting), pct(o.Shares.Focus))
}

// choosing lists the marks of the series to drop: "2 meetings you
// organise, a 1:1".
func choosing(mine, ones, interviews int) string {
	var parts []string
	switch {
	case mine == 1:
		parts = append(parts, "a meeting you organise")
	case mine > 1:
		parts = append(parts, fmt.Sprintf("%d meetings you organise", mine))
	}
	switch {
	case ones == 1:
		parts = append(parts, "a 1:1")
	case ones > 1:
		parts = append(parts, fmt.Sprintf("%d 1:1s", ones))
	}
	switch {
	case interviews == 1:
		parts = append(parts, "an interview")
	case interviews > 1:
		parts = append(parts, fmt.Sprintf("%d interviews", interviews))
	}
	return strings.Join(parts, ", ")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// meets reports whether two sorted lists of days share one.
func meets(a, b []int) bool {
	for i, k := 0, 0; i < len(a) && k < len(b); {
		switch {
		case a[i] == b[k]:
			return true
		case a[i] < b[k]:
			i++
		default:
			k++
		}
	}
	return false
}
