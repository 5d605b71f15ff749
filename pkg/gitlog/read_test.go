package gitlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// The window of most tests: the week of Monday 3 June 2024, New York.
var (
	newYork, _ = time.LoadLocation("America/New_York")
	weekFrom   = time.Date(2024, 6, 3, 0, 0, 0, 0, newYork)
	weekTo     = weekFrom.AddDate(0, 0, 7)
)

// day is a time in the test week: day 0 is Monday.
func day(d, h, m int) time.Time { return time.Date(2024, 6, 3+d, h, m, 0, 0, newYork) }

func read(t *testing.T, opts Options) *History {
	t.Helper()
	if opts.From.IsZero() && opts.To.IsZero() {
		opts.From, opts.To = weekFrom, weekTo
	}
	if opts.Authors == nil {
		opts.Authors = []string{"me@example.com"}
	}
	h, err := Read(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// times lists the author times of the commits, in New York.
func times(commits []Commit) []string {
	var out []string
	for _, c := range commits {
		out = append(out, c.When.In(newYork).Format("Mon 15:04"))
	}
	return out
}

func TestReadWhichCommitsAreMine(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	old := r.commit(c{email: "me@example.com", author: day(-30, 10, 0)})
	a := r.commit(c{email: "me@example.com", author: day(0, 9, 10), parents: []plumbing.Hash{old}})
	b := r.commit(c{email: "other@example.com", author: day(0, 10, 0), parents: []plumbing.Hash{a}})
	// Upper case: the same address.
	cc := r.commit(c{email: "Me@Example.COM", author: day(1, 14, 0), parents: []plumbing.Hash{b}})
	// Rebased on Thursday: written on Tuesday, committed on Thursday.
	rebased := r.commit(c{email: "me@example.com", author: day(1, 16, 0), committer: day(3, 11, 0), parents: []plumbing.Hash{cc}})
	// Committed in the week but written long before: not in the week.
	picked := r.commit(c{email: "me@example.com", author: day(-20, 9, 0), committer: day(3, 12, 0), parents: []plumbing.Hash{rebased}})
	// A side branch and my merge of it: the merge is no work of its own.
	side := r.commit(c{email: "me@example.com", author: day(4, 10, 0), parents: []plumbing.Hash{picked}})
	merge := r.commit(c{email: "me@example.com", author: day(4, 11, 0), parents: []plumbing.Hash{picked, side}})
	// Saturday evening counts like any other time.
	weekend := r.commit(c{email: "me@example.com", author: day(5, 21, 30), parents: []plumbing.Hash{merge}})
	r.ref("refs/heads/main", weekend)
	r.ref("refs/heads/side", side) // the side commit again: counted once

	h := read(t, Options{Paths: []string{r.dir}})
	want := []string{"Mon 09:10", "Tue 14:00", "Tue 16:00", "Fri 10:00", "Sat 21:30"}
	if got := times(h.Commits); !slices.Equal(got, want) {
		t.Errorf("my commits %v, want %v", got, want)
	}
	if len(h.Repos) != 1 {
		t.Fatalf("%d repositories, want 1", len(h.Repos))
	}
	repo := h.Repos[0]
	if repo.Read != 9 || repo.Mine != 5 || repo.Others != 1 || repo.Corrupt || repo.Shallow || repo.Hint != "" {
		t.Errorf("repo %+v, want 9 read, 5 mine, 1 other, nothing wrong", repo)
	}
	if h.Commits[1].Email != "Me@Example.COM" {
		t.Errorf("address %q, want it as written", h.Commits[1].Email)
	}
	if !slices.Equal(h.Commits[0].Repos, []string{r.dir}) {
		t.Errorf("repos %v, want [%s]", h.Commits[0].Repos, r.dir)
	}
	if h.Commits[0].Hash != a.String() {
		t.Errorf("hash %s, want %s", h.Commits[0].Hash, a)
	}
	if _, off := h.Commits[0].When.Zone(); off != -4*3600 {
		t.Errorf("author offset %d, want the author's own -04:00", off)
	}
}

func TestReadKeepsWhatSessionsInTheWindowNeed(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	var prev []plumbing.Hash
	add := func(when time.Time) {
		h := r.commit(c{email: "me@example.com", author: when, parents: prev})
		prev = []plumbing.Hash{h}
	}
	add(weekFrom.Add(-DefaultGap - time.Second)) // too early to matter
	add(weekFrom.Add(-DefaultGap))               // joins a session that reaches into the week
	add(weekTo.Add(DefaultGap - time.Second))    // its gap reaches back into the week
	add(weekTo.Add(DefaultGap))                  // too late to matter
	r.ref("refs/heads/main", prev[0])
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Commits) != 2 || !h.From.Equal(weekFrom.Add(-DefaultGap)) || !h.To.Equal(weekTo.Add(DefaultGap)) {
		t.Errorf("kept %v in [%v, %v), want the two at the edges of [from − 2h, to + 2h)", times(h.Commits), h.From, h.To)
	}
}

func TestReadEveryRef(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	base := r.commit(c{email: "me@example.com", author: day(0, 9, 0)})
	mk := func(d int) plumbing.Hash {
		return r.commit(c{email: "me@example.com", author: day(d, 10, 0), parents: []plumbing.Hash{base}})
	}
	r.ref("refs/heads/main", base)
	r.ref("refs/remotes/origin/feature", mk(1))
	r.tag("v1", mk(2), plumbing.CommitObject)
	inner := r.tag("v2-inner", mk(3), plumbing.CommitObject)
	r.tag("v2", inner, plumbing.TagObject) // a tag of a tag
	r.ref("refs/tags/light", mk(4))        // a lightweight tag
	r.ref("HEAD", mk(5))                   // a detached HEAD
	r.ref("refs/notes/commits", mk(6))     // not work
	r.ref("refs/stash", mk(6))
	r.tag("tree-tag", r.tree, plumbing.TreeObject) // names no commit

	h := read(t, Options{Paths: []string{r.dir}})
	want := []string{"Mon 09:00", "Tue 10:00", "Wed 10:00", "Thu 10:00", "Fri 10:00", "Sat 10:00"}
	if got := times(h.Commits); !slices.Equal(got, want) {
		t.Errorf("my commits %v, want %v", got, want)
	}
	if w := h.Repos[0].Warnings; len(w) != 0 {
		t.Errorf("warnings %q, want none", w)
	}
}

func TestReadSameCommitInTwoClones(t *testing.T) {
	root := t.TempDir()
	one := newTestRepo(t, filepath.Join(root, "one"), false)
	shared := one.commit(c{email: "me@example.com", author: day(0, 10, 0)})
	own := one.commit(c{email: "me@example.com", author: day(1, 10, 0), parents: []plumbing.Hash{shared}})
	one.ref("refs/heads/main", own)
	if err := os.CopyFS(filepath.Join(root, "two"), os.DirFS(one.dir)); err != nil {
		t.Fatal(err)
	}
	two := filepath.Join(root, "two")
	h := read(t, Options{Paths: []string{root}})
	if len(h.Repos) != 2 {
		t.Fatalf("%d repositories, want 2", len(h.Repos))
	}
	if len(h.Commits) != 2 {
		t.Fatalf("commits %v, want two, each once", times(h.Commits))
	}
	for _, cm := range h.Commits {
		if len(cm.Repos) != 2 || cm.Repos[0] != one.dir || cm.Repos[1] != two {
			t.Errorf("commit %s in %v, want both clones", cm.Hash, cm.Repos)
		}
	}
	if h.Repos[0].Mine != 2 || h.Repos[1].Mine != 2 {
		t.Errorf("mine per repository %d and %d, want 2 each", h.Repos[0].Mine, h.Repos[1].Mine)
	}
}

func TestReadMailmap(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	a := r.commit(c{email: "old@laptop.local", author: day(0, 10, 0)})
	b := r.commit(c{email: "ME@EXAMPLE.COM", author: day(0, 11, 0), parents: []plumbing.Hash{a}})
	d := r.commit(c{email: "shared@example.com", author: day(0, 12, 0), parents: []plumbing.Hash{b}}) // name "Person": mine
	r.ref("refs/heads/main", d)
	mailmap := "# who is who\n<me@example.com> <OLD@laptop.local>\nMe <me@example.com> Person <shared@example.com>\nSomeone Else <else@example.com> Other <shared@example.com>\n"
	if err := os.WriteFile(filepath.Join(r.dir, ".mailmap"), []byte(mailmap), 0o644); err != nil {
		t.Fatal(err)
	}
	h := read(t, Options{Paths: []string{r.dir}})
	if got := times(h.Commits); len(got) != 3 {
		t.Fatalf("my commits %v, want all three through the .mailmap", got)
	}
	if !h.Repos[0].Mailmap || h.Commits[0].Email != "me@example.com" {
		t.Errorf("mailmap applied %v, first address %q", h.Repos[0].Mailmap, h.Commits[0].Email)
	}
}

func TestReadBareRepositoryWithMailmapInHEAD(t *testing.T) {
	r := newTestRepo(t, filepath.Join(t.TempDir(), "project.git"), true)
	tree := r.writeTree(map[string]string{".mailmap": "Me <me@example.com> <me@old-job.example>\n", "README": "hi\n"})
	a := r.commit(c{email: "me@old-job.example", author: day(2, 10, 0), tree: tree})
	r.ref("refs/heads/main", a)
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Repos) != 1 || !h.Repos[0].Bare || !h.Repos[0].Mailmap {
		t.Fatalf("repos %+v, want one bare repository with its HEAD's .mailmap", h.Repos)
	}
	if len(h.Commits) != 1 || h.Commits[0].Email != "me@example.com" {
		t.Errorf("commits %+v, want the old address mapped to mine", h.Commits)
	}
}

func TestReadWorktree(t *testing.T) {
	root := t.TempDir()
	r := newTestRepo(t, filepath.Join(root, "main"), false)
	a := r.commit(c{email: "me@example.com", author: day(0, 10, 0)})
	r.ref("refs/heads/main", a)
	// A linked worktree, as `git worktree add --detach ../wt` leaves it,
	// with a commit only its detached HEAD knows.
	b := r.commit(c{email: "me@example.com", author: day(1, 10, 0), parents: []plumbing.Hash{a}})
	admin := filepath.Join(r.gitDir, "worktrees", "wt")
	wt := filepath.Join(root, "wt")
	for _, dir := range []string{admin, wt} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(admin, "HEAD"):      b.String() + "\n",
		filepath.Join(admin, "commondir"): "../..\n",
		filepath.Join(admin, "gitdir"):    filepath.Join(wt, ".git") + "\n",
		filepath.Join(wt, ".git"):         "gitdir: ../main/.git/worktrees/wt\n",
	}
	for name, content := range files {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := read(t, Options{Paths: []string{wt, r.dir}})
	if len(h.Repos) != 1 || h.Repos[0].Path != wt {
		t.Fatalf("repos %+v, want the worktree and its repository as one", h.Repos)
	}
	if got := times(h.Commits); !slices.Equal(got, []string{"Mon 10:00", "Tue 10:00"}) {
		t.Errorf("commits %v, want both, the second from the worktree's HEAD", got)
	}
}

func TestReadShallowClone(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	a := r.commit(c{email: "me@example.com", author: day(0, 10, 0)})
	b := r.commit(c{email: "me@example.com", author: day(1, 10, 0), parents: []plumbing.Hash{a}})
	r.ref("refs/heads/main", b)
	// The clone stops at b: a is not there.
	if err := os.Remove(r.loosePath(a)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.gitDir, "shallow"), []byte(b.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := read(t, Options{Paths: []string{r.dir}})
	repo := h.Repos[0]
	if !repo.Shallow || repo.Corrupt || len(h.Commits) != 1 {
		t.Errorf("repo %+v, commits %v: want shallow, not corrupt, one commit", repo, times(h.Commits))
	}
	if len(repo.Warnings) != 1 || !strings.Contains(repo.Warnings[0], "shallow clone") {
		t.Errorf("warnings %q, want one about the shallow clone", repo.Warnings)
	}
}

func TestReadDamagedRepositories(t *testing.T) {
	type damage func(t *testing.T, r *testRepo, hashes []plumbing.Hash)
	tests := []struct {
		name   string
		damage damage
		want   []string // my commits still read
		warn   string
	}{
		{"a corrupt object", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			os.Chmod(r.loosePath(hs[1]), 0o644)
			if err := os.WriteFile(r.loosePath(hs[1]), []byte("not zlib at all"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"Wed 10:00"}, "(parent of"},
		{"a missing object", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			os.Remove(r.loosePath(hs[1]))
		}, []string{"Wed 10:00"}, "missing"},
		{"a ref pointing nowhere", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			r.ref("refs/heads/ghost", plumbing.NewHash("0123456789012345678901234567890123456789"))
		}, []string{"Mon 10:00", "Tue 10:00", "Wed 10:00"}, "refs/heads/ghost points to 0123456789012345678901234567890123456789, which cannot be read: missing"},
		{"a commit that lies about its parents: a cycle", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			// hs[0] now names hs[2] as its parent, which leads back to it.
			r.writeLoose(hs[0], "commit", []byte("tree "+r.tree.String()+"\nparent "+hs[2].String()+
				"\nauthor P <me@example.com> 1717423200 -0400\ncommitter C <c@example.com> 1717423200 -0400\n\ncycle\n"))
		}, []string{"Mon 10:00", "Tue 10:00", "Wed 10:00"}, ""},
		{"a replace ref and a graft that would make a cycle: not honoured", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			// git would read hs[0] as a child of hs[2], which leads back
			// to it; the history is read as the objects record it.
			r.ref("refs/replace/"+hs[0].String(), hs[2])
			os.MkdirAll(filepath.Join(r.gitDir, "info"), 0o755)
			if err := os.WriteFile(filepath.Join(r.gitDir, "info", "grafts"), []byte(hs[0].String()+" "+hs[2].String()+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"Mon 10:00", "Tue 10:00", "Wed 10:00"}, ""},
		{"a header line of two megabytes", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			r.writeLoose(hs[1], "commit", []byte("tree "+r.tree.String()+"\nauthor P <"+strings.Repeat("x", 2<<20)+"> 1717509600 -0400\n\n"))
		}, []string{"Wed 10:00"}, "header longer than"},
		{"a header line of two megabytes after the parent", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			r.writeLoose(hs[1], "commit", []byte("tree "+r.tree.String()+"\nparent "+hs[0].String()+"\nauthor P <"+strings.Repeat("x", 2<<20)+"> 1717509600 -0400\n\n"))
		}, []string{"Mon 10:00", "Wed 10:00"}, "skipped, its parents read: malformed commit header: header longer than"},
		{"a time out of range", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			r.writeLoose(hs[1], "commit", []byte("tree "+r.tree.String()+"\nparent "+hs[0].String()+"\nauthor P <me@example.com> 99999999999999999999 +0000\ncommitter P <me@example.com> 1 +0000\n\n"))
		}, []string{"Mon 10:00", "Wed 10:00"}, "out of range"},
		{"control characters in a ref name and an address", func(t *testing.T, r *testRepo, hs []plumbing.Hash) {
			r.writeLoose(hs[1], "commit", []byte("tree "+r.tree.String()+"\nparent zz\x1b[31m\n\n"))
		}, []string{"Wed 10:00"}, `parent "zz" is not a hash`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRepo(t, t.TempDir(), false)
			var hs []plumbing.Hash
			var parents []plumbing.Hash
			for d := range 3 {
				h := r.commit(c{email: "me@example.com", author: day(d, 10, 0), parents: parents})
				hs = append(hs, h)
				parents = []plumbing.Hash{h}
			}
			r.ref("refs/heads/main", hs[2])
			tt.damage(t, r, hs)
			h := read(t, Options{Paths: []string{r.dir}})
			if got := times(h.Commits); !slices.Equal(got, tt.want) {
				t.Errorf("commits %v, want %v", got, tt.want)
			}
			repo := h.Repos[0]
			if tt.warn == "" {
				if len(repo.Warnings) != 0 || repo.Corrupt {
					t.Errorf("warnings %q, want none", repo.Warnings)
				}
				return
			}
			if !repo.Corrupt || len(repo.Warnings) == 0 || !strings.Contains(repo.Warnings[0], tt.warn) {
				t.Errorf("corrupt %v, warnings %q, want one containing %q", repo.Corrupt, repo.Warnings, tt.warn)
			}
			for _, w := range repo.Warnings {
				if strings.ContainsFunc(w, func(r rune) bool { return r < ' ' }) || len(w) > 1000 {
					t.Errorf("warning %q holds control characters or is too long", w)
				}
			}
		})
	}
}

func TestReadLargeMessage(t *testing.T) {
	// A message of 50 MB, far above the size go-git streams instead of
	// reading whole: the header and the subject are read, the rest of the
	// message is not, and the memory the read takes does not grow with it.
	r := newTestRepo(t, t.TempDir(), false)
	a := r.commit(c{email: "me@example.com", author: day(0, 10, 0), msg: "big\n\n" + strings.Repeat("a line of the message\n", 50<<20/22)})
	b := r.commit(c{email: "me@example.com", author: day(0, 11, 0), parents: []plumbing.Hash{a}})
	r.ref("refs/heads/main", b)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h := read(t, Options{Paths: []string{r.dir}, Subjects: true})
	runtime.ReadMemStats(&after)
	if len(h.Commits) != 2 || h.Repos[0].Corrupt || h.Commits[0].Subject != "big" {
		t.Errorf("commits %+v, repo %+v: want both, the first with the subject big", h.Commits, h.Repos[0])
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("reading a commit of 50 MB allocated %d bytes, want at most 8 MiB", got)
	}
}

// endless is a commit of a header and a message that never ends; it
// counts the bytes read from it.
type endless struct {
	head []byte
	read int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	if len(e.head) > 0 {
		n = copy(p, e.head)
		e.head = e.head[n:]
	}
	for i := n; i < len(p); i++ {
		p[i] = 'x'
	}
	e.read += len(p)
	return len(p), nil
}

func TestHeaderReadsNoMessage(t *testing.T) {
	e := &endless{head: []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1717423200 +0200\ncommitter C <c@example.com> 1717423200 +0200\n\n")}
	h, err := newHeaderReader().read(e)
	if err != nil {
		t.Fatal(err)
	}
	if h.author.email != "a@example.com" || h.author.when.Unix() != 1717423200 {
		t.Errorf("author %+v", h.author)
	}
	if e.read > 4096 {
		t.Errorf("read %d bytes of an endless message, want at most the 4096 of one buffer", e.read)
	}
	// A header that never ends stops at the bound.
	e = &endless{head: []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor ")}
	if _, err := newHeaderReader().read(e); !errors.Is(err, errHeader) || e.read > maxHeader+8192 {
		t.Errorf("endless header: %v after %d bytes, want a header error within %d", err, e.read, maxHeader)
	}
}

func TestReadWalksOnlyTheWindow(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	var parents []plumbing.Hash
	// Two years of history before the window, one commit a day.
	for i := 730; i > 0; i-- {
		h := r.commit(c{email: "other@example.com", author: weekFrom.AddDate(0, 0, -i).Add(12 * time.Hour), parents: parents})
		parents = []plumbing.Hash{h}
	}
	// A commit made on a machine whose clock was three hours behind:
	// committed before its parent, and still found.
	skewed := r.commit(c{email: "me@example.com", author: day(0, 10, 0), committer: day(0, 7, 0), parents: parents})
	last := r.commit(c{email: "me@example.com", author: day(0, 9, 0), parents: []plumbing.Hash{skewed}})
	r.ref("refs/heads/main", last)
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Commits) != 2 {
		t.Errorf("commits %v, want both in the window", times(h.Commits))
	}
	// The window, the slack of a day, then Slop commits in a row older.
	if got, most := h.Repos[0].Read, 2+3+Slop+1; got > most {
		t.Errorf("read %d of 732 commits for a one-week window, want at most %d", got, most)
	}
	// With no window, everything.
	h = read(t, Options{Paths: []string{r.dir}, From: time.Time{}, To: weekTo})
	if h.Repos[0].Read != 732 {
		t.Errorf("read %d commits with an open start, want all 732", h.Repos[0].Read)
	}
}

func TestReadHints(t *testing.T) {
	root := t.TempDir()
	r := newTestRepo(t, filepath.Join(root, "theirs"), false)
	a := r.commit(c{email: "me@personal.example", author: day(0, 10, 0)})
	b := r.commit(c{email: "me@personal.example", author: day(0, 11, 0), parents: []plumbing.Hash{a}})
	r.ref("refs/heads/main", b)
	h := read(t, Options{Paths: []string{root}, Authors: []string{"me@work.example"}})
	repo := h.Repos[0]
	if want := "no commits by me@work.example in " + r.dir + "; add --git-author with the address you commit with"; repo.Hint != want {
		t.Errorf("hint %q, want %q", repo.Hint, want)
	}
	if !strings.Contains(h.Hint, "the most frequent author is me@personal.example (2 commits): if that is you, add --git-author me@personal.example") {
		t.Errorf("history hint %q", h.Hint)
	}
	h = read(t, Options{Paths: []string{root}, Authors: []string{"me@work.example", "ME@personal.example"}})
	if h.Hint != "" || h.Repos[0].Hint != "" || len(h.Commits) != 2 {
		t.Errorf("with --git-author: hints %q %q, %d commits", h.Hint, h.Repos[0].Hint, len(h.Commits))
	}
}

func TestReadCancelled(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	r.ref("refs/heads/main", r.commit(c{email: "me@example.com", author: day(0, 10, 0)}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, Options{Paths: []string{r.dir}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read on a cancelled context: %v", err)
	}
}

func TestReadPacked(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	var parents []plumbing.Hash
	for d := range 5 {
		h := r.commit(c{email: "me@example.com", author: day(d, 10, 0), parents: parents})
		parents = []plumbing.Hash{h}
	}
	r.ref("refs/heads/main", parents[0])
	r.tag("v1", parents[0], plumbing.CommitObject)
	if err := r.repo.RepackObjects(&git.RepackConfig{}); err != nil {
		t.Fatal(err)
	}
	packs, _ := filepath.Glob(filepath.Join(r.gitDir, "objects", "pack", "*.pack"))
	loose, _ := filepath.Glob(filepath.Join(r.gitDir, "objects", "??", "*"))
	if len(packs) != 1 || len(loose) != 0 {
		t.Fatalf("%d packs, %d loose objects after repacking", len(packs), len(loose))
	}
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Commits) != 5 || h.Repos[0].Corrupt {
		t.Errorf("packed: commits %v, repo %+v", times(h.Commits), h.Repos[0])
	}
	// The packfile gone, its index left: no commit, a warning, no panic.
	if err := os.Remove(packs[0]); err != nil {
		t.Fatal(err)
	}
	h = read(t, Options{Paths: []string{r.dir}})
	repo := h.Repos[0]
	if len(h.Commits) != 0 || !repo.Corrupt || len(repo.Warnings) == 0 || !strings.Contains(repo.Warnings[0], "packfile pack-") {
		t.Errorf("missing packfile: commits %v, repo %+v", times(h.Commits), repo)
	}
}

// TestReadSubjects: with Subjects, each of my commits comes with the first
// line of its message, cut short and stripped of control characters;
// without, no part of a message is read.
func TestReadSubjects(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	a := r.commit(c{email: "me@example.com", author: day(0, 10, 0), msg: "Fix the \x1b[31mledger\x1b[0m rounding\r\n\nA body that is not the subject.\n"})
	long := strings.Repeat("x", 8<<20) // one line of 8 MiB
	b := r.commit(c{email: "me@example.com", author: day(0, 11, 0), msg: long, parents: []plumbing.Hash{a}})
	none := r.commit(c{email: "me@example.com", author: day(0, 12, 0), msg: "\n", parents: []plumbing.Hash{b}})
	ansi := r.commit(c{email: "me@example.com", author: day(0, 13, 0), parents: []plumbing.Hash{none},
		msg: "ansi subject \x1b[31mRED\x1b]8;;http://e\x07L\x1b]8;;\x07 \u009b2Jx\u202e\n"})
	r.ref("refs/heads/main", ansi)

	h := read(t, Options{Paths: []string{r.dir}, Subjects: true})
	if len(h.Commits) != 4 {
		t.Fatalf("%d commits, want 4", len(h.Commits))
	}
	if got := h.Commits[0].Subject; got != "Fix the ledger rounding" {
		t.Errorf("subject %q, want the first line without its escape sequences", got)
	}
	if got := h.Commits[3].Subject; got != "ansi subject REDL x" {
		t.Errorf("subject %q, want it without its escape sequences, each taken out whole", got)
	}
	if got := h.Commits[1].Subject; got != strings.Repeat("x", maxText)+"…" {
		t.Errorf("a subject of 8 MiB comes back as %d bytes, want %d characters and an ellipsis", len(got), maxText)
	}
	if got := h.Commits[2].Subject; got != "" {
		t.Errorf("an empty message gives the subject %q", got)
	}
	for _, cm := range read(t, Options{Paths: []string{r.dir}}).Commits {
		if cm.Subject != "" {
			t.Errorf("without Subjects, a subject %q", cm.Subject)
		}
	}
}

// TestReadHostileAddresses: an author address with escape sequences in it
// is matched, kept and named in a hint as a terminal shows it, with the
// sequences taken out whole; the address a hint names is one that, given
// back as --git-author, matches.
func TestReadHostileAddresses(t *testing.T) {
	tests := []struct {
		name, email, shown, flag string
	}{
		{"a colour", "ev\x1b[31mil@x.com", "evil@x.com", "evil@x.com"},
		{"a window title", "\x1b]0;PWN\x07ev\x1b[31mil@x.com", "evil@x.com", "evil@x.com"},
		{"a hyperlink", "\x1b]8;;http://evil.example\x1b\\me@x.com\x1b]8;;\x1b\\", "me@x.com", "me@x.com"},
		{"upper case and a bidi override", "Me\u202e@X.com", "me@x.com", "me@x.com"},
		{"a space, from a tab", "odd\tname@x.com", "odd name@x.com", "'odd name@x.com'"},
		{"a quote", "o'brien$(x)@x.com", "o'brien$(x)@x.com", `'o'\''brien$(x)@x.com'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRepo(t, t.TempDir(), false)
			r.ref("refs/heads/main", r.commit(c{email: tt.email, author: day(0, 10, 0)}))
			h := read(t, Options{Paths: []string{r.dir}})
			want := "the most frequent author is " + tt.shown + " (1 commit): if that is you, add --git-author " + tt.flag
			if !strings.Contains(h.Hint, want) {
				t.Errorf("hint %q, want it to hold %q", h.Hint, want)
			}
			if strings.ContainsAny(h.Hint, "\x1b\x07\u009b\u202e") || strings.Contains(h.Hint, "[31m") || strings.Contains(h.Hint, "PWN") {
				t.Errorf("hint %q holds a part of an escape sequence", h.Hint)
			}
			// Given back as the shell would pass it, the address matches.
			h = read(t, Options{Paths: []string{r.dir}, Authors: []string{tt.shown}})
			if len(h.Commits) != 1 || h.Hint != "" {
				t.Fatalf("with --git-author %s: commits %v, hint %q, want the commit", tt.flag, times(h.Commits), h.Hint)
			}
			if got := strings.ToLower(h.Commits[0].Email); got != tt.shown {
				t.Errorf("address %q, want %q", h.Commits[0].Email, tt.shown)
			}
		})
	}
	// An address --git-author would refuse is not named: nothing left of
	// it, no '@' left (a C1 control sequence takes the '@' as its final
	// byte, as a terminal does), or too long.
	for _, email := range []string{"\x1b[31m\x1b[0m", "ev\x1b[31mil\u009b@x.com", strings.Repeat("x", 300) + "@x.com"} {
		r := newTestRepo(t, t.TempDir(), false)
		r.ref("refs/heads/main", r.commit(c{email: email, author: day(0, 10, 0)}))
		h := read(t, Options{Paths: []string{r.dir}})
		if h.Hint != "" || h.Repos[0].Hint == "" {
			t.Errorf("address %q: history hint %q, repository hint %q, want only the repository's", email, h.Hint, h.Repos[0].Hint)
		}
	}
}

// TestReadPastMalformedCommits: a commit whose header is malformed (a time
// out of range, no time, a parent that is not a hash) is skipped with one
// warning naming it, and the history behind it is still read, as git log
// reads it.
func TestReadPastMalformedCommits(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	tree := "tree " + r.tree.String() + "\n"
	unix := func(tm time.Time) string { return fmt.Sprint(tm.Unix()) }
	raw := func(parent plumbing.Hash, author, committer string) plumbing.Hash {
		return r.rawCommit(tree + "parent " + parent.String() + "\nauthor Me <me@example.com> " + author +
			"\ncommitter C <c@example.com> " + committer + "\n\nodd date\n")
	}
	root := r.commit(c{email: "me@example.com", author: day(0, 9, 0)})
	// A time out of range after a good commit of mine.
	tooBig := raw(root, "18446744073709551615 +0000", unix(day(0, 10, 0))+" +0000")
	mid := r.commit(c{email: "me@example.com", author: day(1, 9, 0), parents: []plumbing.Hash{tooBig}})
	// Before 1970; then a committer time out of range, so no time to walk
	// it by; then a zone that is not one (the time is good: counted, in UTC).
	negative := raw(mid, "-62135596800 +0000", unix(day(1, 10, 0))+" +0000")
	noCommitter := raw(negative, unix(day(1, 11, 0))+" +0000", "99999999999999 +0000")
	badZone := raw(noCommitter, unix(day(2, 9, 0))+" garbage", unix(day(2, 9, 0))+" +0000")
	// A parent that is not a hash beside one that is: the good one walked.
	side := r.commit(c{email: "me@example.com", author: day(2, 10, 0), parents: []plumbing.Hash{badZone}})
	badParent := r.rawCommit(tree + "parent " + side.String() + "\nparent zz\nauthor Me <me@example.com> " + unix(day(2, 11, 0)) +
		" +0000\ncommitter C <c@example.com> " + unix(day(2, 11, 0)) + " +0000\n\nbad parent\n")
	tip := r.commit(c{email: "me@example.com", author: day(3, 9, 0), parents: []plumbing.Hash{badParent}})
	r.ref("refs/heads/main", tip)

	for _, bounded := range []bool{true, false} {
		opts := Options{Paths: []string{r.dir}}
		if !bounded {
			opts.To = weekTo // an open start: the whole history
		}
		h := read(t, opts)
		want := []string{"Mon 09:00", "Tue 09:00", "Wed 09:00", "Wed 10:00", "Thu 09:00"}
		if got := times(h.Commits); !slices.Equal(got, want) {
			t.Errorf("bounded %v: commits %v, want the good ones on both sides of the bad ones %v", bounded, got, want)
		}
		repo := h.Repos[0]
		if repo.Read != 9 || !repo.Corrupt {
			t.Errorf("bounded %v: read %d, corrupt %v, want all 9 read, corrupt", bounded, repo.Read, repo.Corrupt)
		}
		wantWarn := []string{
			"commit " + badParent.String() + " (parent of " + tip.String() + ") skipped, its parents read: malformed commit header: parent \"zz\" is not a hash",
			"commit " + noCommitter.String() + " (parent of " + badZone.String() + ") skipped, its parents read: malformed commit header: committer: time \"99999999999999\" out of range",
			"commit " + negative.String() + " (parent of " + noCommitter.String() + ") skipped, its parents read: malformed commit header: author: time \"-62135596800\" out of range",
			"commit " + tooBig.String() + " (parent of " + mid.String() + ") skipped, its parents read: malformed commit header: author: time \"18446744073709551615\" out of range",
		}
		var got []string
		for _, w := range repo.Warnings {
			got = append(got, strings.TrimPrefix(w, r.dir+": "))
		}
		if !slices.Equal(got, wantWarn) {
			t.Errorf("bounded %v: warnings\n%s\nwant\n%s", bounded, strings.Join(got, "\n"), strings.Join(wantWarn, "\n"))
		}
	}

	// A ref to a commit with no committer time: walked first, its history
	// after it.
	r.ref("refs/heads/odd", raw(tip, unix(day(4, 9, 0))+" +0000", "x +0000"))
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Commits) != 5 || h.Repos[0].Read != 10 {
		t.Errorf("with a tip of no committer time: commits %v, %d read, want the same 5 of 10", times(h.Commits), h.Repos[0].Read)
	}
}

// TestHeaderKeepsParentsOfAMalformedHeader: what the walk follows past a
// header it cannot count.
func TestHeaderKeepsParentsOfAMalformedHeader(t *testing.T) {
	p1, p2 := strings.Repeat("1", 40), strings.Repeat("2", 40)
	tests := []struct{ name, in string }{
		{"a time out of range", "parent " + p1 + "\nparent " + p2 + "\nauthor A <a@x> 18446744073709551615 +0000\ncommitter C <c@x> 1717423200 +0000\n\n"},
		{"no author", "parent " + p1 + "\nparent " + p2 + "\ncommitter C <c@x> 1717423200 +0000\n\n"},
		{"cut short", "parent " + p1 + "\nparent " + p2 + "\nauthor A <a@x> 1717423200 +0000\n"},
		{"a parent that is not a hash", "parent " + p1 + "\nparent nothex\nparent " + p2 + "\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 1 +0000\n\n"},
	}
	for _, tt := range tests {
		h, err := newHeaderReader().read(strings.NewReader("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n" + tt.in))
		if !errors.Is(err, errHeader) {
			t.Errorf("%s: error %v, want a malformed header", tt.name, err)
		}
		if len(h.parents) != 2 || h.parents[0].String() != p1 || h.parents[1].String() != p2 {
			t.Errorf("%s: parents %v, want both good ones", tt.name, h.parents)
		}
	}
}

// TestReadRefsPastBadLines: one bad line of packed-refs makes go-git refuse
// every ref; the refs are then read by hand, each good line and loose ref
// kept, the bad lines counted in one warning. A loose ref that holds no
// hash is named as such.
func TestReadRefsPastBadLines(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	a := r.commit(c{email: "me@example.com", author: day(0, 10, 0)})
	b := r.commit(c{email: "me@example.com", author: day(1, 10, 0), parents: []plumbing.Hash{a}})
	side := r.commit(c{email: "me@example.com", author: day(2, 10, 0), parents: []plumbing.Hash{a}})
	tagged := r.commit(c{email: "me@example.com", author: day(3, 10, 0), parents: []plumbing.Hash{a}})
	old := r.commit(c{email: "me@example.com", author: day(4, 10, 0), parents: []plumbing.Hash{a}})
	newer := r.commit(c{email: "me@example.com", author: day(5, 10, 0), parents: []plumbing.Hash{a}})
	r.ref("refs/heads/main", b)
	r.ref("refs/heads/feature", newer) // loose: wins over its packed line
	packed := "# pack-refs with: peeled fully-peeled sorted \n" +
		side.String() + " refs/remotes/origin/side\n" +
		"garbage\x1b[2J\n" + // one field: go-git refuses every ref for it
		tagged.String() + " refs/tags/v1\n^" + tagged.String() + "\n" +
		strings.Repeat("x", 10000) + "\n" + // a line far too long
		old.String() + " refs/heads/feature\n" +
		"nothex refs/heads/bad\n"
	if err := os.WriteFile(filepath.Join(r.gitDir, "packed-refs"), []byte(packed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.gitDir, "refs", "heads", "empty"), []byte("not a hash\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := read(t, Options{Paths: []string{r.dir}})
	if got, want := times(h.Commits), []string{"Mon 10:00", "Tue 10:00", "Wed 10:00", "Thu 10:00", "Sat 10:00"}; !slices.Equal(got, want) {
		t.Errorf("commits %v, want %v: every good ref, the loose feature over the packed one", got, want)
	}
	repo := h.Repos[0]
	want := []string{
		r.dir + ": ref refs/heads/empty does not hold a hash",
		r.dir + ": packed-refs: 3 lines that are not a ref skipped",
	}
	if !repo.Corrupt || !slices.Equal(repo.Warnings, want) {
		t.Errorf("corrupt %v, warnings %q, want %q", repo.Corrupt, repo.Warnings, want)
	}

	// With packed-refs good again, go-git reads the refs; the loose ref
	// with no hash still gets its warning.
	if err := os.Remove(filepath.Join(r.gitDir, "packed-refs")); err != nil {
		t.Fatal(err)
	}
	h = read(t, Options{Paths: []string{r.dir}})
	if got, want := times(h.Commits), []string{"Mon 10:00", "Tue 10:00", "Sat 10:00"}; !slices.Equal(got, want) {
		t.Errorf("without packed-refs: commits %v, want %v", got, want)
	}
	if w := h.Repos[0].Warnings; len(w) != 1 || !strings.HasSuffix(w[0], ": ref refs/heads/empty does not hold a hash") {
		t.Errorf("without packed-refs: warnings %q", w)
	}
}
