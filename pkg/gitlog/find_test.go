package gitlog

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mkRepo makes a repository with one commit of mine at dir.
func mkRepo(t *testing.T, dir string, bare bool) *testRepo {
	t.Helper()
	r := newTestRepo(t, dir, bare)
	r.ref("refs/heads/main", r.commit(c{email: "me@example.com", author: day(0, 10, 0), msg: dir}))
	return r
}

func TestFindRepositories(t *testing.T) {
	root := t.TempDir()
	in := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	mkRepo(t, in("api"), false)
	mkRepo(t, in("clients/web"), false)
	mkRepo(t, in("mirrors/tool.git"), true)
	mkRepo(t, in("a/b/c/deep"), false)     // four levels down: found
	mkRepo(t, in("a/b/c/d/deeper"), false) // five: not
	mkRepo(t, in("api/vendored"), false)   // inside a work tree: not searched
	mkRepo(t, in("clients/vendor/lib"), false)
	mkRepo(t, in("clients/node_modules/pkg"), false)
	mkRepo(t, in(".cache/hidden"), false)
	// A symbolic link loop, and a link to a repository already found.
	if err := os.Symlink(root, in("a/loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(in("api"), in("clients/api-link")); err != nil {
		t.Fatal(err)
	}
	locs, warnings, err := find(context.Background(), []string{root}, DefaultDepth, DefaultMaxDirs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range locs {
		rel, _ := filepath.Rel(root, l.path)
		got = append(got, filepath.ToSlash(rel))
	}
	slices.Sort(got)
	want := []string{"a/b/c/deep", "api", "clients/web", "mirrors/tool.git"}
	if !slices.Equal(got, want) {
		t.Errorf("found %v, want %v", got, want)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %q", warnings)
	}
	for _, l := range locs {
		if l.bare != strings.HasSuffix(l.path, ".git") {
			t.Errorf("%s: bare %v", l.path, l.bare)
		}
	}
}

func TestFindNamedPaths(t *testing.T) {
	root := t.TempDir()
	r := mkRepo(t, filepath.Join(root, "api"), false)
	// A submodule's history lives in its superproject's git folder.
	sub := newTestRepo(t, filepath.Join(r.gitDir, "modules", "libs", "core"), true)
	sub.ref("refs/heads/main", sub.commit(c{email: "me@example.com", author: day(1, 10, 0)}))
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"the work tree", []string{r.dir}, []string{r.dir, sub.dir}},
		{"its .git folder", []string{r.gitDir}, []string{r.gitDir, sub.dir}},
		{"twice, and by its .git folder", []string{r.dir, r.dir, r.gitDir}, []string{r.dir, sub.dir}},
		{"a subfolder of the work tree is searched", []string{root}, []string{r.dir, sub.dir}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			locs, _, err := find(context.Background(), tt.paths, DefaultDepth, DefaultMaxDirs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range locs {
				got = append(got, l.path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("found %v, want %v", got, tt.want)
			}
		})
	}
	h := read(t, Options{Paths: []string{r.dir}})
	if len(h.Commits) != 2 {
		t.Errorf("commits %v, want the superproject's and the submodule's", times(h.Commits))
	}
}

func TestFindErrors(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	file := filepath.Join(root, "notes.txt")
	os.WriteFile(file, []byte("hi"), 0o644)
	badGitFile := filepath.Join(root, "broken")
	os.Mkdir(badGitFile, 0o755)
	os.WriteFile(filepath.Join(badGitFile, ".git"), []byte("gitdir: /nowhere/at/all\n"), 0o644)
	tests := []struct {
		path string
		want string
		is   error
	}{
		{filepath.Join(root, "missing"), "git path " + filepath.Join(root, "missing") + ": no such file or directory", fs.ErrNotExist},
		{empty, "git path " + empty + ": no git repository at or below it (searched 4 folders deep)", ErrNoRepository},
		{file, "git path " + file + ": not a folder: no git repository", ErrNoRepository},
		{badGitFile, "git path " + badGitFile + ": .git names /nowhere/at/all, which is not a git folder: no git repository", ErrNoRepository},
		{filepath.Join(root, "bad\x1b[2J"), "git path " + filepath.Join(root, "bad") + ": no such file or directory", fs.ErrNotExist},
	}
	for _, tt := range tests {
		_, err := Read(context.Background(), Options{Paths: []string{tt.path}})
		if err == nil || err.Error() != tt.want || !errors.Is(err, tt.is) {
			t.Errorf("Read(%q) = %v, want %q (is %v)", tt.path, err, tt.want, tt.is)
		}
	}
	if _, err := Read(context.Background(), Options{}); err == nil {
		t.Error("Read with no path: no error")
	}
}

func TestFindBounded(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b", "c", "d", "e"} {
		os.MkdirAll(filepath.Join(root, d, "x"), 0o755)
	}
	mkRepo(t, filepath.Join(root, "e", "x", "repo"), false)
	_, _, err := find(context.Background(), []string{root}, DefaultDepth, 5)
	if want := "git path " + root + ": no git repository in the first 5 folders below it; name a folder closer to the repositories"; err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
	locs, _, err := find(context.Background(), []string{filepath.Join(root, "e")}, DefaultDepth, 3)
	if err != nil || len(locs) != 1 {
		t.Errorf("find under e with a cap of 3 folders: %v, %v", locs, err)
	}
	// One folder more than the cap allows: a warning says the search stopped.
	f := &finder{depth: DefaultDepth, maxDirs: 2, seen: map[string]bool{}}
	if err := f.search(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	if len(f.warnings) != 1 || !strings.Contains(f.warnings[0], "stopped searching after 2 folders") {
		t.Errorf("warnings %q, want one about the cap", f.warnings)
	}
}
