package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/gitlog/gittest"
	"github.com/emtime/emtime/pkg/verdict"
)

// history is my week of 2 to 8 March 2026 in git, UTC: a session across
// the Tuesday sync, one on Thursday written from another address case, one
// on Saturday, one from Sunday night into Monday, and a commit of someone
// else's.
const history = `
commit sun me@corp.example.com 2026-03-01T23:30:00Z
commit mon me@corp.example.com 2026-03-02T01:00:00Z
commit t1 me@corp.example.com 2026-03-03T09:30:00Z
commit t2 me@corp.example.com 2026-03-03T10:40:00Z
commit t3 me@corp.example.com 2026-03-03T11:30:00Z
commit th Me@Corp.Example.COM 2026-03-05T14:00:00Z
commit o other@example.com 2026-03-05T15:00:00Z
commit sat me@corp.example.com 2026-03-07T10:00:00Z
`

func gitPlan(paths ...string) Plan {
	p := plan()
	p.Me = []string{"me@corp.example.com"}
	p.Git = GitPlan{Paths: paths, Gap: 2 * time.Hour, Lead: 30 * time.Minute, AfterHours: 4 * time.Hour}
	return p
}

func build(t *testing.T, dir, desc string) {
	t.Helper()
	if _, err := gittest.Build(dir, desc); err != nil {
		t.Fatal(err)
	}
}

func TestLoadGit(t *testing.T) {
	root := t.TempDir()
	api, web, others := filepath.Join(root, "api"), filepath.Join(root, "web"), filepath.Join(root, "others")
	build(t, api, history)
	build(t, web, history) // a clone: the same commits
	build(t, others, "commit x someone@example.org 2026-03-04T10:00:00Z")

	var asked gitlog.Options
	src := Sources{
		Calendars: []Calendar{{"x.ics", calendarOf(t, "", "", sync)}},
		History: func(ctx context.Context, opts gitlog.Options) (*gitlog.History, error) {
			asked = opts
			return gitlog.Read(ctx, opts)
		},
	}
	p := gitPlan(root)
	p.Git.Authors = []string{"Me@Home.Example"}
	l, err := Load(context.Background(), src, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked.Authors, []string{"me@corp.example.com", "me@home.example"}) || !asked.From.Equal(l.From) || !asked.To.Equal(l.To) {
		t.Errorf("read with %v over %v–%v, want my address and the git one over the range", asked.Authors, asked.From, asked.To)
	}
	g := l.Git
	if g == nil || len(g.Repos) != 3 || len(g.Commits) != 7 || len(g.Sessions) != 4 {
		t.Fatalf("git %+v", g)
	}
	for _, r := range g.Repos {
		want := map[string]int{api: 6, web: 6, others: 0}[r.Path]
		if r.Commits != want {
			t.Errorf("%s: %d commits of mine in the range, want %d", r.Path, r.Commits, want)
		}
	}

	var texts []string
	for _, n := range l.Notices {
		if n.Kind == GitRead || n.Kind == GitHint || n.Kind == GitWarning {
			texts = append(texts, n.Text)
		}
	}
	want := []string{
		"read 3 git repositories for commits by me@corp.example.com, me@home.example: 6 of mine from 2026-03-02 to 2026-03-08 (" + api + " 6, " + web + " 6)",
		"no commits by me@corp.example.com, me@home.example in " + others + "; add --git-author with the address you commit with",
	}
	if !slices.Equal(texts, want) {
		t.Errorf("notices\n%q\nwant\n%q", texts, want)
	}

	res := analyze.Analyze(l.Input())
	w := res.Weeks[0]
	got := [...]int{w.CodingMinutes, w.CodingInFocusMinutes, w.CodingAfterHoursMinutes, w.Commits, w.CodingSessions, w.Repos}
	if got != [...]int{120, 60, 90, 6, 3, 2} {
		t.Errorf("coding, in focus, after hours, commits, sessions, repos = %v, want [120 60 90 6 3 2]", got)
	}
	v := l.Judge(w.Tally)
	if v.CodingTrack != verdict.TrackEM || v.Track != verdict.TrackIC {
		t.Errorf("track %s, coding track %s; reasons %q", v.Track, v.CodingTrack, v.Reasons)
	}
	if !slices.Contains(v.Reasons, "your calendar leaves an IC's focus time, but your commits say you code like a manager") {
		t.Errorf("no disagreement in %q", v.Reasons)
	}
	if in := l.Measure(w.Tally); in.Git == nil || in.Git.AfterHoursMax != 4*time.Hour || in.Coding.Measure != verdict.CodingFromFocus {
		t.Errorf("measure %+v", in)
	}
}

func TestLoadWithoutGit(t *testing.T) {
	l, err := Load(context.Background(), Sources{Calendars: []Calendar{{"x.ics", calendarOf(t, "", "", sync)}}}, gitPlan())
	if err != nil {
		t.Fatal(err)
	}
	if l.Git != nil || l.Input().Coding != nil || l.Measure(analyze.Tally{}).Git != nil {
		t.Errorf("no history, yet a coding layer")
	}
	if v := l.Judge(analyze.Analyze(l.Input()).Total); v.CodingTrack != "" {
		t.Errorf("coding track %q without git", v.CodingTrack)
	}
}

func TestLoadGitErrorsAndWarnings(t *testing.T) {
	cal := []Calendar{{"x.ics", calendarOf(t, "", "", sync)}}
	read := Sources{Calendars: cal, History: gitlog.Read}
	root := t.TempDir()

	// A path that does not exist, and one with no repository: errors
	// naming them.
	missing := filepath.Join(root, "nowhere")
	if _, err := Load(context.Background(), read, gitPlan(missing)); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing path: %v", err)
	}
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), read, gitPlan(empty)); !errors.Is(err, gitlog.ErrNoRepository) || !strings.Contains(err.Error(), empty) {
		t.Errorf("no repository: %v", err)
	}

	// A shallow clone is read as far as it goes, with a warning.
	shallow := filepath.Join(root, "shallow")
	build(t, shallow, history+"shallow t1\n")
	l, err := Load(context.Background(), read, gitPlan(shallow))
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, n := range l.Notices {
		if n.Kind == GitWarning && n.Kind.Warning() && strings.Contains(n.Text, "shallow clone") && strings.Contains(n.Text, shallow) {
			warned = true
		}
	}
	if !warned || !l.Git.Repos[0].Shallow || len(l.Git.Warnings) != 1 {
		t.Errorf("shallow clone: notices %v, git %+v", l.Notices, l.Git)
	}

	// None of the commits mine: the hint names the likeliest address.
	p := gitPlan(shallow)
	p.Me = []string{"someone@else.example"}
	if l, err = Load(context.Background(), read, p); err != nil {
		t.Fatal(err)
	}
	if hint := lastNotice(l, GitHint); !strings.Contains(hint, "add --git-author me@corp.example.com") {
		t.Errorf("hint %q", hint)
	}

	// No address at all to match.
	p.Me = nil
	l, err = Load(context.Background(), Sources{Calendars: []Calendar{{"x.ics", calendarOf(t, "", "")}}, History: gitlog.Read}, p)
	if err != nil {
		t.Fatal(err)
	}
	if hint := lastNotice(l, GitHint); hint != "no address to match commits with, so none counts as mine: give --me or --git-author" {
		t.Errorf("hint %q", hint)
	}
}

func lastNotice(l *Loaded, kind NoticeKind) string {
	text := ""
	for _, n := range l.Notices {
		if n.Kind == kind {
			text = n.Text
		}
	}
	return text
}
