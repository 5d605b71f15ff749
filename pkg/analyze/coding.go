package analyze

import (
	"time"
)

// Coding is the layer of coding time: my coding sessions and the commits
// they were made of, in absolute time, as a git history gives them. It is
// laid on the same days, zone and working hours as the calendar, and
// counts only where the calendar leaves me free: a session's minutes in a
// meeting, out of office or in personal time are not coding, whatever the
// commits say.
type Coding struct {
	// Sessions are stretches of coding, [Start, End), rounded to the minute
	// like events. They may overlap or touch: their union is the coding
	// time. A session counts as one on the day it starts.
	Sessions []CodingSession
	// Commits are my commits, each counted on the day its time falls in.
	Commits []CodingCommit
}

// CodingSession is one stretch of coding.
type CodingSession struct {
	Start, End time.Time
}

// CodingCommit is one of my commits: when it was written, and the
// repositories it was found in.
type CodingCommit struct {
	When  time.Time
	Repos []string
}

// CodingTally is the coding family: how much of a stretch's time went to
// coding, by my commits, and where that time sat against the calendar.
// Minutes are whole minutes; the JSON keys are those of the report.
//
// For every day, and so every week and range:
//
//	coding_minutes ≤ focus_minutes + fragmented_minutes
//	coding_in_focus_minutes ≤ coding_minutes, and ≤ focus_minutes
type CodingTally struct {
	// CodingMinutes is the coding time inside working hours that is free
	// time (focus or fragmented): not in a meeting, out of office or in
	// personal time.
	CodingMinutes int `json:"coding_minutes"`
	// CodingInFocusMinutes is the part of CodingMinutes inside focus
	// stretches.
	CodingInFocusMinutes int `json:"coding_in_focus_minutes"`
	// CodingAfterHoursMinutes is the coding time outside working hours
	// (evenings, days off), not under a meeting.
	CodingAfterHoursMinutes int `json:"coding_after_hours_minutes"`
	// Commits counts my commits in the stretch; CodingSessions the
	// sessions that start in it.
	Commits        int `json:"commits"`
	CodingSessions int `json:"coding_sessions"`
	// Repos is how many repositories hold a commit of mine in the stretch:
	// each counted once, however many days it appears on.
	Repos int `json:"repos"`

	// repos holds the repositories themselves, so that stretches add up to
	// the count of their union.
	repos map[string]struct{}
}

// Figures returns the counts alone, without the repositories behind Repos:
// what a report keeps.
func (c CodingTally) Figures() CodingTally {
	c.repos = nil
	return c
}

func (c *CodingTally) add(u CodingTally) {
	c.CodingMinutes += u.CodingMinutes
	c.CodingInFocusMinutes += u.CodingInFocusMinutes
	c.CodingAfterHoursMinutes += u.CodingAfterHoursMinutes
	c.Commits += u.Commits
	c.CodingSessions += u.CodingSessions
	for r := range u.repos {
		c.addRepo(r)
	}
	c.Repos = len(c.repos)
}

func (c *CodingTally) addRepo(r string) {
	if c.repos == nil {
		c.repos = make(map[string]struct{})
	}
	c.repos[r] = struct{}{}
	c.Repos = len(c.repos)
}

// CodingShare is CodingMinutes / CapacityMinutes; ok is false when there
// is no capacity.
func (t Tally) CodingShare() (share float64, ok bool) { return t.share(t.CodingMinutes) }

// FocusUsedForCoding is CodingInFocusMinutes / FocusMinutes: how much of
// the focus time the calendar left went to coding. ok is false when there
// is no focus time.
func (t Tally) FocusUsedForCoding() (share float64, ok bool) {
	if t.FocusMinutes <= 0 {
		return 0, false
	}
	return float64(t.CodingInFocusMinutes) / float64(t.FocusMinutes), true
}

// dayCoding is the coding layer of one day: the indexes of the sessions
// that overlap it and of the commits that fall in it.
type dayCoding struct {
	sessions []int32
	commits  []int32
}

// bucketCoding lists, for each day of the range (each day where want is
// true, unless want is nil), the sessions that overlap it once rounded to
// the minute and the commits made on it. A session of no length belongs to
// the day it starts in.
func bucketCoding(c *Coding, from time.Time, days int, zone *time.Location, want []bool) []dayCoding {
	if c == nil {
		return nil
	}
	out := make([]dayCoding, days)
	first := civilDay(from)
	for i, s := range c.Sessions {
		start, end := minuteOf(s.Start), minuteOf(s.End)
		a := civilDay(timeOf(start, zone)) - first
		b := a
		if end > start {
			b = civilDay(timeOf(end-1, zone)) - first
		}
		for d := max(a, 0); d <= b && d < days; d++ {
			if want == nil || want[d] {
				out[d].sessions = append(out[d].sessions, int32(i))
			}
		}
	}
	for i, cm := range c.Commits {
		d := civilDay(cm.When.In(zone)) - first
		if d >= 0 && d < days && (want == nil || want[d]) {
			out[d].commits = append(out[d].commits, int32(i))
		}
	}
	return out
}

// layCoding lays the day's coding sessions on its layout: what they cover
// of the day, and of that what counts as coding, in working hours on free
// time and outside them not under a meeting.
func (l *layout) layCoding(c *Coding, dc dayCoding) {
	if c == nil {
		return
	}
	var ivs []interval
	for _, j := range dc.sessions {
		s := c.Sessions[j]
		iv := interval{minuteOf(s.Start), minuteOf(s.End)}
		if civilDay(timeOf(iv.a, l.zone)) == l.today {
			l.sessionStarts++
		}
		ivs = append(ivs, iv)
	}
	for _, j := range dc.commits {
		l.commits = append(l.commits, &c.Commits[j])
	}
	l.sessions = union(ivs).clip(l.day)
	l.codingWork = l.sessions.and(l.free)
	l.codingAfter = l.sessions.minus(l.workSet).minus(l.meetAll)
}

// codingTally is the coding family of a day.
func (l *layout) codingTally() CodingTally {
	c := CodingTally{
		CodingMinutes:           int(l.codingWork.len()),
		CodingInFocusMinutes:    int(l.codingWork.and(l.focus).len()),
		CodingAfterHoursMinutes: int(l.codingAfter.len()),
		Commits:                 len(l.commits),
		CodingSessions:          l.sessionStarts,
	}
	for _, cm := range l.commits {
		for _, r := range cm.Repos {
			c.addRepo(r)
		}
	}
	return c
}

// SessionTally is what one coding session adds up to within the range:
// the evidence for `emtime events`, as [EventTally] is for an event.
type SessionTally struct {
	// WorkingMinutes are its minutes counted as coding in working hours
	// (free time); AfterHoursMinutes those counted outside working hours.
	WorkingMinutes    int
	AfterHoursMinutes int
	// UncountedMinutes are its minutes that do not count: in a meeting,
	// out of office or in personal time.
	UncountedMinutes int
}

// tallySession adds one day of a session to its tally.
func tallySession(t *SessionTally, s CodingSession, l *layout) {
	mine := set{{minuteOf(s.Start), minuteOf(s.End)}}.clip(l.day)
	if mine.len() == 0 {
		return
	}
	work := mine.and(l.codingWork)
	after := mine.and(l.codingAfter)
	t.WorkingMinutes += int(work.len())
	t.AfterHoursMinutes += int(after.len())
	t.UncountedMinutes += int(mine.len() - work.len() - after.len())
}
