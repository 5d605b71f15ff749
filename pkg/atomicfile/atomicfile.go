// Package atomicfile writes a file whole or not at all: the data goes to a
// temporary file in the same folder, which is given its mode before any
// byte is written, synced, then renamed over (or linked to) the path. A
// reader sees the old file or the new one, never half of either, and a
// private file is never readable by others, not even for a moment.
//
// Error contract: an error names the path and what went wrong, never the
// temporary file ("cannot write PATH: permission denied"), and no
// temporary file is left behind. [WriteNew] on a path that exists returns
// an error wrapping [fs.ErrExist]. Neither function makes a missing
// folder: the caller knows which mode a folder of its own should have.
//
// A private file, one a program keeps for itself (a token, a cache), is
// never a link: [CheckPrivate], [OpenPrivate] and [WritePrivate] refuse a
// symbolic link (or a folder, a pipe, a device) at its path with a
// [*NotFileError], and leave it and what it points to alone; on Unix
// [OpenPrivate] opens with O_NOFOLLOW, so that a link put there after the
// look is refused as well. [TightenFolder] and [TightenPrivate] take the
// group's and others' access away by changing the mode of what was
// opened, never through a link.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces the file at path with data, with mode perm (0600 for a
// private file), whatever the umask.
func Write(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, os.Rename)
}

// WriteNew writes data to a new file at path with mode perm, and fails,
// leaving it alone, when a file is there already.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, func(tmp, path string) error {
		err := os.Link(tmp, path)
		if err != nil && !errors.Is(err, fs.ErrExist) && !exists(path) {
			// A file system without hard links: create the file
			// exclusively instead, and write it in place.
			return writeExclusive(path, data, perm)
		}
		return err
	})
}

// write writes data to a temporary file beside path, then hands it to
// place, which moves it to path; the temporary file is gone afterwards.
func write(path string, data []byte, perm fs.FileMode, place func(tmp, path string) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("cannot write %s: %w", path, plain(err))
		}
	}()
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename, there is nothing left to remove
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return place(tmp, path)
}

func writeExclusive(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// plain is err without the file name it carries: the temporary file's
// name would only confuse, and the message names path already.
func plain(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
