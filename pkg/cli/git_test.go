package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/gitlog/gittest"
)

// gitWeek is a week in UTC with one meeting: Monday 2 March 2026,
// 10:00–11:00, with Bob.
const gitWeek = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//emtime//test//EN
X-WR-CALNAME:me@example.com
X-WR-TIMEZONE:UTC
BEGIN:VEVENT
UID:sync@example.com
SUMMARY:Sync
DTSTART:20260302T100000Z
DTEND:20260302T110000Z
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
END:VEVENT
END:VCALENDAR
`

// weekCoding is what a user checks of a week's coding in the JSON.
type weekCoding struct {
	Coding     int     `json:"coding_minutes"`
	InFocus    int     `json:"coding_in_focus_minutes"`
	AfterHours int     `json:"coding_after_hours_minutes"`
	Commits    int     `json:"commits"`
	Sessions   int     `json:"coding_sessions"`
	Repos      int     `json:"repos"`
	Share      float64 `json:"coding_share"`
	Track      string  `json:"coding_track"`
}

// TestGitWeekFigures builds repositories in a temporary folder, commit by
// commit at exact times, runs `emtime analyze --git` on them as a user
// does, and checks the week's coding figures in the JSON, case by case:
// the gap's edge, a lead across the start of working hours, a commit in a
// meeting, the weekend, a rebase, a merge, a commit on two branches and in
// two clones, a .mailmap and an address in another case.
func TestGitWeekFigures(t *testing.T) {
	tests := []struct {
		name  string
		repos map[string]string // folder under the git path: description
		files map[string]string // more files, by path under the git path
		want  weekCoding
	}{
		{name: "commits exactly the gap apart are one session",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-03T09:30:00Z
commit b me@example.com 2026-03-03T11:30:00Z`},
			want: weekCoding{Coding: 150, InFocus: 150, Commits: 2, Sessions: 1, Repos: 1}},
		{name: "a minute more is two",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-03T09:30:00Z
commit b me@example.com 2026-03-03T11:31:00Z`},
			want: weekCoding{Coding: 60, InFocus: 60, Commits: 2, Sessions: 2, Repos: 1}},
		{name: "a lead across the start of working hours",
			repos: map[string]string{"api": `commit a me@example.com 2026-03-03T09:10:00Z`},
			want:  weekCoding{Coding: 10, InFocus: 10, AfterHours: 20, Commits: 1, Sessions: 1, Repos: 1}},
		{name: "a commit in a meeting is no coding",
			repos: map[string]string{"api": `commit a me@example.com 2026-03-02T10:30:00Z`},
			want:  weekCoding{Commits: 1, Sessions: 1, Repos: 1}},
		{name: "the lead reaches into the meeting, the rest is free",
			repos: map[string]string{"api": `commit a me@example.com 2026-03-02T11:20:00Z`},
			want:  weekCoding{Coding: 20, InFocus: 20, Commits: 1, Sessions: 1, Repos: 1}},
		{name: "the weekend is after hours",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-07T14:00:00Z
commit b me@example.com 2026-03-08T23:30:00Z`},
			want: weekCoding{AfterHours: 60, Commits: 2, Sessions: 2, Repos: 1}},
		{name: "a rebase keeps the author's time",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-03T14:00:00Z committer=2026-03-06T20:00:00Z
commit b me@example.com 2026-02-10T14:00:00Z committer=2026-03-05T20:00:00Z`},
			want: weekCoding{Coding: 30, InFocus: 30, Commits: 1, Sessions: 1, Repos: 1}},
		{name: "a merge is no work",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-03T09:30:00Z
commit b me@example.com 2026-03-03T10:00:00Z parents=a
commit m me@example.com 2026-03-03T16:00:00Z parents=a,b
ref main m`},
			want: weekCoding{Coding: 60, InFocus: 60, Commits: 2, Sessions: 1, Repos: 1}},
		{name: "a commit on two branches counts once",
			repos: map[string]string{"api": `
commit a me@example.com 2026-03-03T09:30:00Z
ref main a
ref other a
tag v1 a`},
			want: weekCoding{Coding: 30, InFocus: 30, Commits: 1, Sessions: 1, Repos: 1}},
		{name: "a commit in two clones counts once, in two repositories",
			repos: map[string]string{
				"api":       `commit a me@example.com 2026-03-03T09:30:00Z`,
				"api-clone": `commit a me@example.com 2026-03-03T09:30:00Z`,
			},
			want: weekCoding{Coding: 30, InFocus: 30, Commits: 1, Sessions: 1, Repos: 2}},
		{name: "the .mailmap makes an old address mine",
			repos: map[string]string{"api": `
commit a old@previous.example 2026-03-03T09:30:00Z
commit b stranger@example.org 2026-03-04T09:30:00Z`},
			files: map[string]string{"api/.mailmap": "Me <me@example.com> <old@previous.example>\n"},
			want:  weekCoding{Coding: 30, InFocus: 30, Commits: 1, Sessions: 1, Repos: 1}},
		{name: "an address in another case is mine",
			repos: map[string]string{"api": `commit a ME@Example.COM 2026-03-03T09:30:00Z`},
			want:  weekCoding{Coding: 30, InFocus: 30, Commits: 1, Sessions: 1, Repos: 1}},
	}
	dir := t.TempDir()
	cal := filepath.Join(dir, "week.ics")
	if err := os.WriteFile(cal, []byte(gitWeek), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			for name, desc := range tt.repos {
				if _, err := gittest.Build(filepath.Join(src, name), desc); err != nil {
					t.Fatal(err)
				}
			}
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, out, errOut := envFactory(t, nil)
			if code := Main([]string{"analyze", "--ics", cal, "--from", "2026-03-02", "--to", "2026-03-08", "--git", src, "-o", "json"}, f); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var doc struct {
				Weeks []weekCoding `json:"weeks"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Share = float64(int(float64(want.Coding)/2400*10000+0.5)) / 10000 // of a capacity of 40 hours
			want.Track = "em"
			if got := doc.Weeks[0]; got != want {
				t.Errorf("week\n got %+v\nwant %+v", got, want)
			}
			if strings.Contains(errOut.String(), "warning") {
				t.Errorf("stderr: %s", errOut)
			}
		})
	}
}
