package gittest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/gitlog/gittest"
)

// TestBuild builds a history with a merge, a rebase, a second branch and a
// tag, reads it back with gitlog, and checks every commit is where the
// description put it.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	hashes, err := gittest.Build(dir, `
# a history
commit a me@example.com 2026-03-02T09:30:00+01:00 : first: with a colon
commit b me@example.com 2026-03-02T11:00:00+01:00 committer=2026-03-04T10:00:00+01:00
commit c other@example.com 2026-03-03T10:00:00+01:00 parents=a
commit m me@example.com 2026-03-03T12:00:00+01:00 parents=b,c
ref main m
ref side c
tag v1 a
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(hashes) != 4 {
		t.Fatalf("hashes %v", hashes)
	}
	h, err := gitlog.Read(context.Background(), gitlog.Options{Paths: []string{dir}, Authors: []string{"me@example.com"}, Subjects: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range h.Commits {
		got = append(got, c.When.Format(time.RFC3339)+" "+c.Subject)
	}
	want := []string{"2026-03-02T09:30:00+01:00 first: with a colon", "2026-03-02T11:00:00+01:00 change by me@example.com"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commits\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if h.Commits[0].Hash != hashes["a"] || h.Repos[0].Read != 4 || h.Repos[0].Others != 1 {
		t.Errorf("read %+v, hashes %v", h.Repos[0], hashes)
	}

	// Built again elsewhere: a clone, with the same hashes.
	again, err := gittest.Build(filepath.Join(t.TempDir(), "clone"), "commit a me@example.com 2026-03-02T09:30:00+01:00 : first: with a colon")
	if err != nil || again["a"] != hashes["a"] {
		t.Errorf("the same commit built twice: %v %v, %v", again["a"], hashes["a"], err)
	}
}

func TestBuildShallowAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	if _, err := gittest.Build(dir, `
commit a me@example.com 2026-03-02T09:30:00Z
commit b me@example.com 2026-03-02T10:30:00Z
commit c me@example.com 2026-03-02T11:30:00Z
shallow b
drop a
`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "shallow")); err != nil {
		t.Fatal(err)
	}
	h, err := gitlog.Read(context.Background(), gitlog.Options{Paths: []string{dir}, Authors: []string{"me@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Commits) != 2 || !h.Repos[0].Shallow {
		t.Errorf("%d commits, repo %+v: want b and c of a shallow clone", len(h.Commits), h.Repos[0])
	}
}

func TestBuildErrors(t *testing.T) {
	for desc, want := range map[string]string{
		"commit a me@example.com yesterday":                       "author time",
		"commit a me@example.com 2026-03-02T09:30:00Z parents=zz": "no commit zz",
		"ref main a": "no commit a",
		"merge a b":  "unknown instruction",
		"commit a me@example.com 2026-03-02T09:30:00Z\ncommit a me@example.com 2026-03-02T10:30:00Z": "named twice",
	} {
		if _, err := gittest.Build(t.TempDir(), desc); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", desc, err, want)
		}
	}
}
