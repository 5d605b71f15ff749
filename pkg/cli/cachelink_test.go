package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCacheCommandsRefuseALink runs cache status and cache clear on a
// cache folder whose google.db is a link to a file of someone else's (a
// link to /etc/passwd, run as root): each exits 1 naming the link and
// what to do, and leaves the link, and the file it points to, as they were.
func TestCacheCommandsRefuseALink(t *testing.T) {
	for _, args := range [][]string{
		{"cache", "status"},
		{"cache", "clear"},
		{"cache", "clear", "--account", "me@example.com"},
	} {
		for _, dangling := range []bool{false, true} {
			name := strings.Join(args, " ")
			if dangling {
				name += " (link to nothing)"
			}
			t.Run(name, func(t *testing.T) {
				outside := filepath.Join(t.TempDir(), "passwd")
				const data = "root:x:0:0:root:/root:/bin/bash\n"
				if !dangling {
					if err := os.WriteFile(outside, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
					os.Chmod(outside, 0o644)
				}
				dir := t.TempDir()
				link := filepath.Join(dir, "google.db")
				if err := os.Symlink(outside, link); err != nil {
					t.Skipf("cannot make a symbolic link here: %v", err)
				}
				f, out, errOut := envFactory(t, map[string]string{EnvCacheDir: dir})
				if got := Main(args, f); got != ExitError {
					t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", got, ExitError, out, errOut)
				}
				for _, want := range []string{"the cache " + link + " is a symbolic link, not a file", "remove it"} {
					if !strings.Contains(errOut.String(), want) {
						t.Errorf("stderr does not say %q:\n%s", want, errOut)
					}
				}
				if strings.Contains(out.String()+errOut.String(), "damaged") {
					t.Errorf("the link is taken for a damaged cache:\n%s%s", out, errOut)
				}
				if target, err := os.Readlink(link); err != nil || target != outside {
					t.Errorf("the link is now %q (%v), want it left pointing to %s", target, err, outside)
				}
				if dangling {
					if _, err := os.Lstat(outside); err == nil {
						t.Errorf("a file was made where the link points")
					}
					return
				}
				fi, err := os.Lstat(outside)
				if err != nil {
					t.Fatal(err)
				}
				if runtime.GOOS != "windows" && fi.Mode() != 0o644 {
					t.Errorf("the file the link points to has mode %v, want -rw-r--r-- (untouched)", fi.Mode())
				}
				if got, _ := os.ReadFile(outside); string(got) != data {
					t.Errorf("the file the link points to holds %q, want it untouched", got)
				}
			})
		}
	}
}

// TestCacheInALinkedFolder checks a cache folder that is a link the user
// made to a folder of theirs is used as it is.
func TestCacheInALinkedFolder(t *testing.T) {
	_, path := cachedFactory(t, "me@example.com")
	linked := filepath.Join(t.TempDir(), "cache")
	if err := os.Symlink(filepath.Dir(path), linked); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	f, out, errOut := envFactory(t, map[string]string{EnvCacheDir: linked})
	if got := Main([]string{"cache", "status"}, f); got != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", got, errOut)
	}
	if !strings.Contains(out.String(), "Cache: "+filepath.Join(linked, "google.db")) || !strings.Contains(out.String(), "me@example.com") {
		t.Errorf("cache status through a linked folder:\n%s", out)
	}
	if got := Main([]string{"cache", "clear"}, f); got != ExitOK {
		t.Fatalf("cache clear: exit %d; stderr:\n%s", got, errOut)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("cache clear left %s: %v", path, err)
	}
	if fi, err := os.Lstat(linked); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the linked folder: %v %v, want the link kept", fi, err)
	}
}
