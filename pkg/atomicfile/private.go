package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ErrNotFile is what [CheckPrivate], [OpenPrivate] and [WritePrivate]
// wrap when a private file's path holds something else: a symbolic link,
// a folder, a named pipe, a device.
var ErrNotFile = errors.New("not a plain file")

// NotFileError is a private file's path that holds something else than
// a regular file; it wraps [ErrNotFile].
type NotFileError struct {
	Path string
	// What it is: "a symbolic link", "a folder", …
	What string
}

func (e *NotFileError) Error() string { return e.Path + " is " + e.What + ", not a plain file" }

func (e *NotFileError) Unwrap() error { return ErrNotFile }

// IsLink reports whether the path is a symbolic link.
func (e *NotFileError) IsLink() bool { return e.What == whatLink }

const whatLink = "a symbolic link"

func notFile(path string, mode fs.FileMode) error {
	what := "not a plain file"
	switch {
	case mode&fs.ModeSymlink != 0:
		what = whatLink
	case mode.IsDir():
		what = "a folder"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	}
	return &NotFileError{Path: path, What: what}
}

// CheckPrivate looks at path, where a file a program keeps for itself
// (a token, a cache) belongs, without following a link: the file's
// information when it is a regular file; an error wrapping
// [fs.ErrNotExist] when nothing is there; a [*NotFileError] for a
// symbolic link (even one that points to a file), a folder or anything
// else.
func CheckPrivate(path string) (fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notFile(path, fi.Mode())
	}
	return fi, nil
}

// OpenPrivate is os.OpenFile for a private file: a symbolic link at path
// is never followed, and anything but a regular file is refused with a
// [*NotFileError], the file closed again. Where the platform has it
// (every Unix), the file is opened with O_NOFOLLOW, so that a link put
// there after the check is refused too; on Windows, where making a link
// takes an administrator's right, the check is made before opening and
// on what was opened.
func OpenPrivate(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if _, err := CheckPrivate(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|noFollow, perm)
	if err != nil {
		// A link put there meanwhile fails O_NOFOLLOW with ELOOP (or
		// EMLINK, on some systems): say what it is.
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, notFile(path, fi.Mode())
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notFile(path, fi.Mode())
	}
	return f, nil
}

// WritePrivate is [Write] of a private file: what is at path, when
// anything is, must be a regular file, or it is left alone and the error
// is a [*NotFileError]. (The rename that puts the new file in place would
// replace a link, never write through it; but a link where a private file
// belongs is someone's doing, and replacing it silently would hide that.)
func WritePrivate(path string, data []byte, perm fs.FileMode) error {
	if _, err := CheckPrivate(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return Write(path, data, perm)
}

// TightenFolder takes the group's and others' access away from dir, a
// folder a program keeps for itself, as far as the file system allows
// (to the bits of want, 0700 say). A symbolic link is left as it is and
// not followed (a folder linked elsewhere is the user's doing, and the
// files in it are private all the same); so is a folder with the sticky
// bit (a shared /tmp). Windows keeps access in ACLs, not in these bits:
// nothing is done there. Errors other than a dir that is not a folder are
// ignored: the caller checks modes where it reports them.
func TightenFolder(dir string, want fs.FileMode) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, err := os.Stat(dir); err == nil && !target.IsDir() {
			return fmt.Errorf("%s is not a folder", dir)
		}
		return nil
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	if runtime.GOOS == "windows" || fi.Mode()&fs.ModeSticky != 0 || fi.Mode().Perm()&^want == 0 {
		return nil
	}
	// Change the mode of what is opened, not of the name: a link swapped
	// in after the look is refused by O_NOFOLLOW, never followed.
	f, err := os.OpenFile(filepath.Clean(dir), os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() && fi.Mode()&fs.ModeSticky == 0 {
		f.Chmod(fi.Mode().Perm() & want)
	}
	return nil
}

// TightenPrivate takes the group's and others' access away from the
// private file f (to the bits of want, 0600 say); nothing is done on
// Windows. It changes the mode of the open file, never of a name.
func TightenPrivate(f *os.File, want fs.FileMode) {
	if runtime.GOOS == "windows" {
		return
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&^want != 0 {
		f.Chmod(fi.Mode().Perm() & want)
	}
}
