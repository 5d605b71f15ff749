package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
)

// History reads my commits from git history: [gitlog.Read] for the
// repositories on disk, or a demo persona's built-in history.
type History func(ctx context.Context, opts gitlog.Options) (*gitlog.History, error)

// GitPlan is how git history is read, and its coding counted and judged.
type GitPlan struct {
	// Paths are the repositories, or folders searched for them, handed to
	// the history (--git).
	Paths []string
	// Authors are addresses I commit with besides my addresses
	// (--git-author).
	Authors []string
	// Gap and Lead are the coding-session rule ([gitlog.Sessions]); a zero
	// Gap is [gitlog.DefaultGap], a zero Lead is no lead.
	Gap, Lead time.Duration
	// AfterHours is the weekly limit of coding after hours above which an
	// EM's week carries the bottleneck risk ([verdict.Git]).
	AfterHours time.Duration
	// Subjects asks for each commit's subject line (--show-commits).
	Subjects bool
}

// Git is the git history a run read: what [Loaded.Input] lays on the days
// as the coding layer, and what reports say of it.
type Git struct {
	// Authors are the addresses commits were matched with, in lower case:
	// my addresses, then the git-only ones.
	Authors []string
	// Gap, Lead and AfterHours are the plan's, settled.
	Gap, Lead, AfterHours time.Duration
	// Repos are the repositories read, in the order found.
	Repos []Repo
	// Commits are mine, each once, sorted by time: those of the range and
	// those just outside it that sessions reaching into it are made of.
	Commits []gitlog.Commit
	// Sessions are the commits grouped into coding sessions.
	Sessions []gitlog.Session
	// Warnings are what could not be read as it stands (a shallow clone,
	// a corrupt object, a folder skipped), each naming its repository.
	// Safe to print.
	Warnings []string
}

// Repo is one repository read.
type Repo struct {
	// Path is where it was found. Safe to print.
	Path string
	// Commits counts my commits in the range found in it; a commit in two
	// clones counts in each.
	Commits int
	// Shallow and Corrupt say it was read only as far as it goes.
	Shallow, Corrupt bool
}

// The kinds of notice the git history gives.
const (
	// GitRead: which repositories were read, for whom, and how many
	// commits of mine they hold.
	GitRead NoticeKind = iota + 100
	// GitWarning: a repository read only in part, or a folder skipped.
	GitWarning
	// GitHint: no commit of mine where there are commits: perhaps I commit
	// with another address (--git-author).
	GitHint
)

// maxRepoHints is how many repositories without a commit of mine are
// named one by one.
const maxRepoHints = 3

// readGit reads the history once me and the range are settled.
func (l *Loaded) readGit(ctx context.Context, history History, p GitPlan) error {
	g := &Git{Gap: cmp.Or(p.Gap, gitlog.DefaultGap), Lead: max(p.Lead, 0), AfterHours: max(p.AfterHours, 0)}
	g.Authors = union(l.Me, lowerAll(p.Authors))
	h, err := history(ctx, gitlog.Options{
		Paths: p.Paths, Authors: g.Authors, From: l.From, To: l.To, Gap: g.Gap, Lead: g.Lead, Subjects: p.Subjects,
	})
	if err != nil {
		return err
	}
	g.Commits = h.Commits
	g.Sessions = gitlog.Sessions(h.Commits, g.Gap, g.Lead)
	index := map[string]int{}
	for _, r := range h.Repos {
		index[r.Path] = len(g.Repos)
		g.Repos = append(g.Repos, Repo{Path: r.Path, Shallow: r.Shallow, Corrupt: r.Corrupt})
	}
	inRange := 0
	for _, c := range h.Commits {
		if c.When.Before(l.From) || !c.When.Before(l.To) {
			continue
		}
		inRange++
		for _, r := range c.Repos {
			if i, ok := index[r]; ok {
				g.Repos[i].Commits++
			}
		}
	}
	g.Warnings = slices.Clone(h.Warnings)
	for _, r := range h.Repos {
		g.Warnings = append(g.Warnings, r.Warnings...)
	}
	l.Git = g

	l.Notices = append(l.Notices, Notice{GitRead, gitReadText(g, inRange, l.From, l.To)})
	for _, w := range g.Warnings {
		l.Notices = append(l.Notices, Notice{GitWarning, textsafe.Line(w)})
	}
	switch {
	case len(g.Authors) == 0:
		l.Notices = append(l.Notices, Notice{GitHint, "no address to match commits with, so none counts as mine: give --me or --git-author"})
	case h.Hint != "":
		l.Notices = append(l.Notices, Notice{GitHint, textsafe.Line(h.Hint)})
	default:
		var without []string
		for _, r := range h.Repos {
			if r.Hint != "" {
				without = append(without, r.Hint)
			}
		}
		for i, hint := range without {
			if i == maxRepoHints {
				l.Notices = append(l.Notices, Notice{GitHint, fmt.Sprintf("and %d more repositories hold commits in the range but none of yours", len(without)-maxRepoHints)})
				break
			}
			l.Notices = append(l.Notices, Notice{GitHint, textsafe.Line(hint)})
		}
	}
	return nil
}

// maxReposNamed is how many repositories the notice names.
const maxReposNamed = 5

// gitReadText is what the GitRead notice says: "read 3 git repositories
// for commits by me@example.com: 37 of mine from 2026-03-02 to 2026-03-29
// (~/src/api 30, ~/src/web 7)".
func gitReadText(g *Git, commits int, from, to time.Time) string {
	who := strings.Join(g.Authors, ", ")
	if who == "" {
		who = "no one"
	}
	text := fmt.Sprintf("read %s for commits by %s: %s from %s to %s", countOf(len(g.Repos), "git repository", "git repositories"),
		who, countOf(commits, "of mine", "of mine"), from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
	var named []string
	for _, r := range g.Repos {
		if r.Commits > 0 {
			named = append(named, fmt.Sprintf("%s %d", r.Path, r.Commits))
		}
	}
	if len(named) > maxReposNamed {
		named = append(named[:maxReposNamed], fmt.Sprintf("%d more", len(named)-maxReposNamed))
	}
	if len(named) > 0 {
		text += " (" + strings.Join(named, ", ") + ")"
	}
	return textsafe.Line(text)
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// coding is the coding layer of the accounting: the sessions, and every
// commit with the repositories it was found in.
func (g *Git) coding() *analyze.Coding {
	c := &analyze.Coding{
		Sessions: make([]analyze.CodingSession, len(g.Sessions)),
		Commits:  make([]analyze.CodingCommit, len(g.Commits)),
	}
	for i, s := range g.Sessions {
		c.Sessions[i] = analyze.CodingSession{Start: s.Start, End: s.End}
	}
	for i, cm := range g.Commits {
		c.Commits[i] = analyze.CodingCommit{When: cm.When, Repos: cm.Repos}
	}
	return c
}

// Measure is the verdict's input for a stretch of the loaded range: the
// calendar's focus share for the track, and, when git history was read,
// the coding measured from it. [Loaded.Judge] judges on it; a what-if
// judging the same stretches another way takes it as its measure.
func (l *Loaded) Measure(t analyze.Tally) verdict.Input {
	in := verdict.FromCalendar(t)
	if l.Git != nil {
		in.Git = &verdict.Git{AfterHoursMax: l.Git.AfterHours}
	}
	return in
}
