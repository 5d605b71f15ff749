package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestOutKeepsTheModeOfTheFile runs every command with --out as a user
// would: a report written to a new file is readable by its owner only
// (0600, whatever the umask); one written over a file keeps that file's
// mode (the user's chmod to share it, or to keep it private), through a
// link too, which stays a link.
func TestOutKeepsTheModeOfTheFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	commands := [][]string{
		{"analyze", "--demo", "-o", "html"},
		{"events", "--demo", "-o", "csv"},
		{"meetings", "--demo"},
		{"trend", "--demo", "-o", "json"},
	}
	cases := []struct {
		name     string
		existing fs.FileMode // 0: no file there
		link     bool
		want     fs.FileMode
	}{
		{"new file", 0, false, 0o600},
		{"private file", 0o600, false, 0o600},
		{"shared file", 0o644, false, 0o644},
		{"file for the group", 0o640, false, 0o640},
		{"link to a shared file", 0o644, true, 0o644},
		{"link to a private file", 0o600, true, 0o600},
	}
	for _, args := range commands {
		for _, c := range cases {
			t.Run(args[0]+" "+c.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "report")
				file := path
				if c.existing != 0 {
					if c.link {
						file = filepath.Join(t.TempDir(), "published")
						if err := os.Symlink(file, path); err != nil {
							t.Skip(err)
						}
					}
					if err := os.WriteFile(file, []byte("old"), c.existing); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(file, c.existing); err != nil {
						t.Fatal(err)
					}
				}
				f, _, errOut := envFactory(t, nil)
				if got := Main(append(args, "--out", path), f); got != ExitOK {
					t.Fatalf("exit %d; stderr:\n%s", got, errOut)
				}
				fi, err := os.Lstat(file)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode() != c.want {
					t.Errorf("the report has mode %v, want %v", fi.Mode(), c.want)
				}
				if data, _ := os.ReadFile(file); len(data) < 100 {
					t.Errorf("the report holds %q, want the report", data)
				}
				if c.link {
					if target, err := os.Readlink(path); err != nil || target != file {
						t.Errorf("the link is now %q (%v), want it kept, pointing to %s", target, err, file)
					}
				}
			})
		}
	}
}
