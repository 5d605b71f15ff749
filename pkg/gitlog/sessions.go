package gitlog

import (
	"slices"
	"time"
)

// Defaults of the coding-session rule: the gap of git-hours, the
// best-known estimator, and half an hour of work before a session's first
// commit.
const (
	DefaultGap  = 2 * time.Hour
	DefaultLead = 30 * time.Minute
)

// Session is a stretch of coding: commits at most the gap apart, from the
// first commit less the lead to the last commit.
type Session struct {
	// Start is the first commit's author time less the lead; End is the
	// last commit's author time. Both are in UTC.
	Start, End time.Time
	// Commits is how many of my commits the session holds.
	Commits int
	// Repos lists the repositories those commits were found in, sorted,
	// each once.
	Repos []string
}

// Sessions groups commits into coding sessions. The commits are sorted by
// author time (the slice is not changed); consecutive commits at most gap
// apart join one session, which covers [first − lead, last]. A session
// whose lead reaches back into the session before it is merged with it, so
// sessions never overlap and their union is the coding time. The result is
// sorted by start. A gap or lead below zero counts as zero.
func Sessions(commits []Commit, gap, lead time.Duration) []Session {
	gap = max(gap, 0)
	lead = max(lead, 0)
	sorted := slices.Clone(commits)
	slices.SortStableFunc(sorted, func(a, b Commit) int { return a.When.Compare(b.When) })

	var out []Session
	var repos map[string]bool
	flush := func() {
		if len(out) == 0 {
			return
		}
		s := &out[len(out)-1]
		s.Repos = s.Repos[:0]
		for r := range repos {
			s.Repos = append(s.Repos, r)
		}
		slices.Sort(s.Repos)
	}
	for _, c := range sorted {
		when := c.When.UTC()
		if n := len(out); n > 0 {
			last := &out[n-1]
			// Joined by the gap, or the lead reaches back into the
			// session before (possible only when lead > gap).
			if !when.After(last.End.Add(gap)) || !when.Add(-lead).After(last.End) {
				last.End = when
				last.Commits++
				for _, r := range c.Repos {
					repos[r] = true
				}
				continue
			}
		}
		flush()
		out = append(out, Session{Start: when.Add(-lead), End: when, Commits: 1})
		repos = map[string]bool{}
		for _, r := range c.Repos {
			repos[r] = true
		}
	}
	flush()
	return out
}
