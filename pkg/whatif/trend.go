package whatif

import (
	"fmt"
	"slices"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/verdict"
)

// DefaultWindow is the number of weeks a trend rolls over by default.
const DefaultWindow = 4

// Trend is the track of a range week by week, and rolled over a window of
// weeks: how the calendar has changed.
type Trend struct {
	// Window is the number of weeks each rolling figure is summed over.
	Window int
	// Weeks are the range's weeks, in order.
	Weeks []TrendWeek
	// Transitions are the weeks where the rolling track changes, in order.
	Transitions []Transition
	// Current is the rolling track of the last week, and how long it has
	// held.
	Current Held
}

// TrendWeek is one week of a trend.
type TrendWeek struct {
	analyze.Week
	// Shares and Verdict are the week's own.
	Shares  Shares
	Verdict verdict.Verdict
	// Rolling are the figures of the window of weeks that ends with this
	// one.
	Rolling Rolling
}

// Rolling is a window of weeks taken together: the sum of their minutes,
// judged as one stretch. A week with no capacity inside it adds nothing;
// a window with no capacity at all is judged none.
type Rolling struct {
	// Weeks is how many weeks it holds: the window, or fewer at the start
	// of the range, where there are not yet as many weeks to roll over.
	Weeks int
	// Start is the first week's start.
	Start time.Time
	// Tally is the [analyze.Sum] of the weeks' tallies.
	Tally   analyze.Tally
	Shares  Shares
	Verdict verdict.Verdict
}

// Transition is a week where the rolling track changes.
type Transition struct {
	// Week is the week's index in the trend, and Start its start.
	Week  int
	Start time.Time
	// From is the rolling track of the week before, To this week's.
	From, To verdict.Track
	// Before and After are the rolling shares of the week before and of
	// this week, and Weeks the number of weeks this week's rolls over.
	Before, After Shares
	Weeks         int
	// Says tells it in a sentence: "from the week of 2026-03-02 your
	// calendar has looked like an EM's: meetings went from 38% to 56% of
	// working time, four-week average".
	Says string
}

// Held is how long a rolling track has held.
type Held struct {
	// Track is the rolling track of the last week (none for a range with
	// no week).
	Track verdict.Track
	// Since is the start of the first week of the run of weeks that ends
	// with the last one and has that rolling track; SinceWeek is its
	// index, Weeks the run's length.
	Since     time.Time
	SinceWeek int
	Weeks     int
	// FromStart is true when the run starts with the range's first week:
	// the track may have held for longer before it.
	FromStart bool
	// Says tells it in a sentence.
	Says string
}

// TrendOptions say how a trend is rolled.
type TrendOptions struct {
	// Window is the number of weeks each rolling figure is summed over;
	// zero is [DefaultWindow].
	Window int
	// TopPeople is how many people a rolling tally lists
	// (analyze.Settings.TopPeople).
	TopPeople int
}

// NewTrend judges every week of res, and every window of weeks that ends
// with it, and finds where the rolling track changes. A negative window is
// an error.
func NewTrend(res analyze.Result, j Judging, opts TrendOptions) (Trend, error) {
	window, top := opts.Window, opts.TopPeople
	switch {
	case window == 0:
		window = DefaultWindow
	case window < 0:
		return Trend{}, fmt.Errorf("the window must be at least one week, got %d", window)
	}
	tr := Trend{Window: window, Weeks: make([]TrendWeek, len(res.Weeks))}
	for i, w := range res.Weeks {
		first := max(0, i-window+1)
		tallies := make([]analyze.Tally, 0, i-first+1)
		for _, u := range res.Weeks[first : i+1] {
			tallies = append(tallies, u.Tally)
		}
		rolled := analyze.Sum(top, tallies...)
		tr.Weeks[i] = TrendWeek{
			Week:    w,
			Shares:  j.Shares(w.Tally),
			Verdict: j.Judge(w.Tally),
			Rolling: Rolling{
				Weeks: len(tallies), Start: res.Weeks[first].Start,
				Tally: rolled, Shares: j.Shares(rolled), Verdict: j.Judge(rolled),
			},
		}
	}
	for i := 1; i < len(tr.Weeks); i++ {
		before, after := tr.Weeks[i-1].Rolling, tr.Weeks[i].Rolling
		if before.Verdict.Track == after.Verdict.Track {
			continue
		}
		t := Transition{
			Week: i, Start: tr.Weeks[i].Start,
			From: before.Verdict.Track, To: after.Verdict.Track,
			Before: before.Shares, After: after.Shares, Weeks: after.Weeks,
		}
		t.Says = t.sentence(j.Bands)
		tr.Transitions = append(tr.Transitions, t)
	}
	tr.Current = tr.held()
	return tr, nil
}

// held finds the run of weeks the last rolling track has held.
func (tr Trend) held() Held {
	n := len(tr.Weeks)
	if n == 0 {
		return Held{Track: verdict.TrackNone, Says: "no week to judge"}
	}
	h := Held{Track: tr.Weeks[n-1].Rolling.Verdict.Track, SinceWeek: n - 1}
	for h.SinceWeek > 0 && tr.Weeks[h.SinceWeek-1].Rolling.Verdict.Track == h.Track {
		h.SinceWeek--
	}
	h.Since, h.Weeks, h.FromStart = tr.Weeks[h.SinceWeek].Start, n-h.SinceWeek, h.SinceWeek == 0
	h.Says = fmt.Sprintf("your calendar %s for %s, since the week of %s", h.Track.Words().HasBeen, count(h.Weeks, "week"), day(h.Since))
	if h.FromStart {
		h.Says += ", the first of the range"
	}
	h.Says += " (" + average(tr.Weeks[n-1].Rolling.Weeks) + ")"
	return h
}

// sentence tells a transition in the words of the tool: the track it
// reached, and the figure that moved it there.
func (t Transition) sentence(b verdict.Bands) string {
	s := fmt.Sprintf("from the week of %s your calendar %s", day(t.Start), t.To.Words().HasBeen)
	switch {
	case !t.After.Capacity:
		return s + " over the last " + count(t.Weeks, "week")
	case !t.Before.Capacity:
		return fmt.Sprintf("%s, after weeks with no working time: meetings take %s of working time, %s %s, %s",
			s, pct(t.After.Meeting), codingWords(t.After.CodingFrom), pct(t.After.Coding), average(t.Weeks))
	case meetingDecides(t.From) || meetingDecides(t.To):
		a, z := pctPair(t.Before.Meeting, t.After.Meeting, b.EMMeetingMin, b.EMMeetingMax)
		return fmt.Sprintf("%s: meetings went from %s to %s of working time, %s", s, a, z, average(t.Weeks))
	default:
		a, z := pctPair(t.Before.Coding, t.After.Coding, b.ICCodingMin)
		return fmt.Sprintf("%s: %s went from %s to %s of working time, %s", s, codingWords(t.After.CodingFrom), a, z, average(t.Weeks))
	}
}

// meetingDecides reports whether the meeting share is what places a
// stretch on track t: the EM band's edges bound em and overloaded.
func meetingDecides(t verdict.Track) bool {
	return t == verdict.TrackEM || t == verdict.TrackOverloaded
}

// Bucket is a run of a trend's weeks taken together, for a chart with
// fewer columns than weeks: the sum of their minutes, judged as one
// stretch as a week is (not a mean of their shares).
type Bucket struct {
	// First and Last are the indexes in the trend of its first and last
	// week.
	First, Last int
	// Tally is the [analyze.Sum] of the weeks' tallies, and Shares its
	// shares.
	Tally  analyze.Tally
	Shares Shares
}

// Buckets takes the trend's weeks in at most n runs of as many weeks
// each: the last run ends with the last week, and the first may hold
// fewer. With n at least the number of weeks (or below one) each week is
// a run of its own.
func (tr Trend) Buckets(n int, j Judging) []Bucket {
	weeks := len(tr.Weeks)
	size := 1
	if n >= 1 && weeks > n {
		size = (weeks + n - 1) / n
	}
	var out []Bucket
	for last := weeks - 1; last >= 0; last -= size {
		first := max(0, last-size+1)
		tallies := make([]analyze.Tally, 0, last-first+1)
		for _, w := range tr.Weeks[first : last+1] {
			tallies = append(tallies, w.Tally)
		}
		sum := analyze.Sum(0, tallies...)
		out = append(out, Bucket{First: first, Last: last, Tally: sum, Shares: j.Shares(sum)})
	}
	slices.Reverse(out)
	return out
}
