package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("file holds %q (%v), want new", got, err)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600 kept", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want the report alone (no temporary file left)", len(entries))
	}

	missing := filepath.Join(dir, "nodir", "report.html")
	err = writeFile(missing, []byte("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "cannot write "+missing+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("error %v, want one naming %s and not the temporary file", err, missing)
	}
}

// TestWriteFileWritesThroughWhatIsNotAFile checks --out on what a shell
// user points it at besides a file: a link is followed and stays a link, a
// named pipe or a device is written to and never replaced, a folder is
// refused, and a full device is an error.
func TestWriteFileWritesThroughWhatIsNotAFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("named pipes and /dev/full are Linux's")
	}
	dir := t.TempDir()

	real := filepath.Join(dir, "real.txt")
	link := filepath.Join(dir, "link.txt")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Errorf("the link's file holds %q, want new", got)
	}

	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(pipe)
		read <- string(b)
	}()
	if err := writeFile(pipe, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if got := <-read; got != "through the pipe" {
		t.Errorf("the pipe carried %q", got)
	}
	if fi, _ := os.Lstat(pipe); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced by %v", fi.Mode())
	}

	if err := writeFile(dir, []byte("x")); err == nil || !strings.Contains(err.Error(), "it is a folder") {
		t.Errorf("a folder: %v, want it refused", err)
	}
	if err := writeFile("/dev/full", []byte("x")); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("/dev/full: %v, want no space left", err)
	}
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/full is no longer a device: %v %v", fi.Mode(), err)
	}
}

// TestOutputReportsAFullStandardOutput checks that a report cut short by
// its reader (a full disk, a closed pipe) exits with an error.
func TestOutputReportsAFullStandardOutput(t *testing.T) {
	ios, _, _, _ := Test()
	ios.Out = failingWriter{}
	err := output(ios, "", func(w io.Writer, _ bool) error {
		fmt.Fprintln(w, "a line whose error nobody checks")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "cannot write the report") {
		t.Errorf("error %v, want the failed write", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }
