package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// linkToOutsider makes dir/name a link to a file outside dir holding
// "secret" with mode 0644, and returns both paths.
func linkToOutsider(t *testing.T, name string) (link, target string) {
	t.Helper()
	target = filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(target, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(target, 0o644)
	link = filepath.Join(t.TempDir(), name)
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	return link, target
}

func untouched(t *testing.T, link, target string) {
	t.Helper()
	if got, err := os.Readlink(link); err != nil || got != target {
		t.Errorf("the link is now %q (%v), want it left pointing to %s", got, err, target)
	}
	fi, err := os.Lstat(target)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode() != 0o644 {
		t.Errorf("the file the link points to has mode %v, want -rw-r--r--", fi.Mode())
	}
	if got, _ := os.ReadFile(target); string(got) != "secret" {
		t.Errorf("the file the link points to holds %q, want secret", got)
	}
}

func wantLinkRefused(t *testing.T, op string, err error, link string) {
	t.Helper()
	var nf *NotFileError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFile) || !nf.IsLink() || nf.Path != link {
		t.Fatalf("%s: %v, want a NotFileError of the link %s", op, err, link)
	}
	if want := link + " is a symbolic link, not a plain file"; err.Error() != want {
		t.Errorf("%s: %q, want %q", op, err, want)
	}
}

func TestPrivateFilesRefuseALink(t *testing.T) {
	for _, flag := range []int{os.O_RDONLY, os.O_RDWR, os.O_RDWR | os.O_CREATE, os.O_WRONLY | os.O_TRUNC} {
		link, target := linkToOutsider(t, "token.json")
		f, err := OpenPrivate(link, flag, 0o600)
		if f != nil {
			f.Close()
		}
		wantLinkRefused(t, "OpenPrivate", err, link)
		untouched(t, link, target)
	}
	link, target := linkToOutsider(t, "token.json")
	_, err := CheckPrivate(link)
	wantLinkRefused(t, "CheckPrivate", err, link)
	wantLinkRefused(t, "WritePrivate", WritePrivate(link, []byte("token"), 0o600), link)
	untouched(t, link, target)
	if entries, _ := os.ReadDir(filepath.Dir(link)); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the link alone (no temporary file left)", len(entries))
	}

	// A link to nothing is refused too, and nothing is made where it points.
	dangling := filepath.Join(t.TempDir(), "token.json")
	nowhere := filepath.Join(t.TempDir(), "nowhere")
	if err := os.Symlink(nowhere, dangling); err != nil {
		t.Skip(err)
	}
	_, err = OpenPrivate(dangling, os.O_RDWR|os.O_CREATE, 0o600)
	wantLinkRefused(t, "OpenPrivate of a link to nothing", err, dangling)
	if _, err := os.Lstat(nowhere); err == nil {
		t.Errorf("OpenPrivate made the file a link pointed to")
	}
}

func TestPrivateFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	if _, err := CheckPrivate(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CheckPrivate of nothing: %v, want fs.ErrNotExist", err)
	}
	if err := WritePrivate(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WritePrivate(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenPrivate(path, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 10)
	n, _ := f.Read(buf)
	if string(buf[:n]) != "two" {
		t.Errorf("read %q, want two", buf[:n])
	}
	if runtime.GOOS != "windows" {
		os.Chmod(path, 0o644)
		TightenPrivate(f, 0o600)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("TightenPrivate left mode %04o, want 0600", fi.Mode().Perm())
		}
	}
	sub := filepath.Join(dir, "folder")
	os.Mkdir(sub, 0o700)
	_, err = OpenPrivate(sub, os.O_RDONLY, 0)
	if err == nil || !strings.Contains(err.Error(), "is a folder, not a plain file") {
		t.Errorf("OpenPrivate of a folder: %v", err)
	}
}

func TestTightenFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	mk := func(t *testing.T, mode fs.FileMode) string {
		dir := filepath.Join(t.TempDir(), "emtime")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	mode := func(path string) fs.FileMode {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode() & (fs.ModePerm | fs.ModeSticky)
	}

	dir := mk(t, 0o755)
	if err := TightenFolder(dir, 0o700); err != nil || mode(dir) != 0o700 {
		t.Errorf("a folder of mode 0755: %04o (%v), want 0700", mode(dir), err)
	}
	shared := mk(t, 0o777|fs.ModeSticky)
	if err := TightenFolder(shared, 0o700); err != nil || mode(shared) != 0o777|fs.ModeSticky {
		t.Errorf("a shared folder: %v (%v), want it left alone", mode(shared), err)
	}
	// A link the user made to a folder of theirs is used, not tightened.
	target := mk(t, 0o755)
	link := filepath.Join(t.TempDir(), "emtime")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := TightenFolder(link, 0o700); err != nil || mode(target) != 0o755 {
		t.Errorf("a link to a folder: the folder has mode %04o (%v), want 0755 left alone", mode(target), err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if err := TightenFolder(file, 0o700); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("a file: %v", err)
	}
	fileLink := filepath.Join(t.TempDir(), "emtime")
	os.Symlink(file, fileLink)
	if err := TightenFolder(fileLink, 0o700); err == nil {
		t.Errorf("a link to a file: no error")
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o644 {
		t.Errorf("the file a link points to has mode %04o, want 0644", fi.Mode().Perm())
	}
}
