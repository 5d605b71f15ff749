package synccache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/atomicfile"
)

// outsider is a file outside the cache folder that a link in it points
// to: it must keep its content and mode whatever emtime does.
type outsider struct {
	path string
	data []byte
	mode fs.FileMode
}

func newOutsider(t *testing.T, data []byte) outsider {
	t.Helper()
	o := outsider{path: filepath.Join(t.TempDir(), "passwd"), data: data, mode: 0o644}
	if err := os.WriteFile(o.path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(o.path, o.mode); err != nil {
		t.Fatal(err)
	}
	return o
}

func (o outsider) check(t *testing.T) {
	t.Helper()
	fi, err := os.Lstat(o.path)
	if err != nil {
		t.Fatalf("the file the link points to: %v", err)
	}
	if runtime.GOOS != "windows" && fi.Mode() != o.mode {
		t.Errorf("the file the link points to has mode %v, want %v (untouched)", fi.Mode(), o.mode)
	}
	if got, _ := os.ReadFile(o.path); string(got) != string(o.data) {
		t.Errorf("the file the link points to holds %q, want %q (untouched)", got, o.data)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}

// wantRefused checks err is the refusal of the cache at path as what.
func wantRefused(t *testing.T, op string, err error, path, what string) {
	t.Helper()
	if !errors.Is(err, atomicfile.ErrNotFile) {
		t.Fatalf("%s: %v, want a refusal wrapping atomicfile.ErrNotFile", op, err)
	}
	for _, want := range []string{path, what, "remove it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q does not say %q", op, err, want)
		}
	}
	if errors.Is(err, ErrCorrupt) {
		t.Errorf("%s: %v is taken for a damaged file (which would be wiped)", op, err)
	}
}

func TestLinkInPlaceOfTheFileRefused(t *testing.T) {
	// A real cache elsewhere, which a link might point to: even a good
	// database is not used through a link.
	otherCache := filepath.Join(t.TempDir(), "other.db")
	s, err := Open(otherCache, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccountInfo("me@example.com", []byte("x"), march); err != nil {
		t.Fatal(err)
	}
	otherData, err := os.ReadFile(otherCache)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		make func(t *testing.T, path string) *outsider
		what string
	}{
		{"link to a file of another program", func(t *testing.T, path string) *outsider {
			o := newOutsider(t, []byte("root:x:0:0:root:/root:/bin/bash\n"))
			symlink(t, o.path, path)
			return &o
		}, "a symbolic link"},
		{"link to an empty file", func(t *testing.T, path string) *outsider {
			o := newOutsider(t, nil)
			symlink(t, o.path, path)
			return &o
		}, "a symbolic link"},
		{"link to a cache", func(t *testing.T, path string) *outsider {
			o := outsider{path: otherCache, data: otherData, mode: 0o600}
			symlink(t, o.path, path)
			return &o
		}, "a symbolic link"},
		{"link to nothing", func(t *testing.T, path string) *outsider {
			symlink(t, filepath.Join(t.TempDir(), "none.db"), path)
			return nil
		}, "a symbolic link"},
		{"folder", func(t *testing.T, path string) *outsider {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
			return nil
		}, "a folder"},
		{"named pipe", func(t *testing.T, path string) *outsider {
			if runtime.GOOS == "windows" {
				t.Skip("no named pipes in the file system on Windows")
			}
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			return nil
		}, "a named pipe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "emtime")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "google.db")
			o := c.make(t, path)
			before, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, opts := range []Options{{}, {NoCreate: true}} {
				s, err := Open(path, opts)
				wantRefused(t, "Open", err, path, c.what)
				if s != nil {
					t.Errorf("Open returned a store with its refusal")
				}
			}
			wantRefused(t, "Remove", Remove(path, 100*time.Millisecond), path, c.what)
			after, err := os.Lstat(path)
			if err != nil || after.Mode() != before.Mode() {
				t.Fatalf("%s is now %v (%v), want it left as it was (%v)", path, after, err, before.Mode())
			}
			if before.Mode()&fs.ModeSymlink != 0 {
				if target, _ := os.Readlink(path); o != nil && target != o.path {
					t.Errorf("the link points to %s now, want %s", target, o.path)
				}
			}
			if o != nil {
				o.check(t)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("the cache folder holds %d entries, want the %s alone", len(entries), c.what)
			}
		})
	}
}

// TestLinkSwappedInRefused checks a link put in place of the file after
// it was opened is refused by the next transaction, and by Wipe: no
// write goes through it.
func TestLinkSwappedInRefused(t *testing.T) {
	s := open(t)
	if err := s.PutAccountInfo("me@example.com", []byte("x"), march); err != nil {
		t.Fatal(err)
	}
	o := newOutsider(t, nil) // an empty file is one bbolt would write a new database into
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	symlink(t, o.path, s.Path())
	err := s.PutAccountInfo("me@example.com", []byte("y"), march)
	wantRefused(t, "PutAccountInfo", err, s.Path(), "a symbolic link")
	_, _, err = s.AccountInfo("me@example.com")
	wantRefused(t, "AccountInfo", err, s.Path(), "a symbolic link")
	wantRefused(t, "Wipe", s.Wipe(), s.Path(), "a symbolic link")
	o.check(t)
	if fi, err := os.Lstat(s.Path()); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link is gone or replaced: %v %v", fi, err)
	}
}

// TestLinkedFolderUsed checks a cache folder that is itself a link (one
// the user made, to another disk say) is used: the file is made in the
// folder it points to, and that folder's mode is the user's.
func TestLinkedFolderUsed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("modes are ACLs on Windows")
	}
	real := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(real, 0o755)
	dir := filepath.Join(t.TempDir(), "emtime")
	symlink(t, real, dir)
	s, err := Open(filepath.Join(dir, "google.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccountInfo("me@example.com", []byte("x"), march); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(filepath.Join(real, "google.db"))
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the file in the linked folder: %v %v, want a regular file of mode 0600", fi, err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o755 {
		t.Errorf("the folder the link points to has mode %04o, want the user's 0755", fi.Mode().Perm())
	}
	if fi, _ := os.Lstat(dir); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the linked folder is no longer a link")
	}
	sum, err := s.Status()
	if err != nil || sum.Mode != 0o600 || sum.FolderMode != 0o755 {
		t.Errorf("status: file %04o, folder %04o (%v), want 0600 in 0755 (so that cache status warns)", sum.Mode, sum.FolderMode, err)
	}
	// A link to something that is not a folder is refused.
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, []byte("x"), 0o644)
	linked := filepath.Join(t.TempDir(), "emtime")
	symlink(t, notDir, linked)
	if _, err := Open(filepath.Join(linked, "google.db"), Options{}); err == nil {
		t.Errorf("a cache folder linked to a file was used")
	}
}
