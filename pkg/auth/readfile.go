package auth

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/emtime/emtime/pkg/atomicfile"
)

// maxKeyFile bounds what is read of a client JSON, a service account key
// or a saved sign-in: each is a few kilobytes, and a path such as
// /dev/zero must not fill the memory.
const maxKeyFile = 1 << 20

// ReadKeyFile reads a small file of credentials: at most 1 MiB, and an
// error naming the limit past it. Errors wrap the file system's, so
// errors.Is(err, os.ErrNotExist) still tells a missing file.
func ReadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return readBounded(f, path)
}

// readPrivateFile is [ReadKeyFile] of a file emtime keeps for itself in
// its config folder (a saved sign-in, the client JSON): a symbolic link
// or anything but a regular file there is refused ([atomicfile.OpenPrivate]),
// never followed.
func readPrivateFile(path string) ([]byte, error) {
	f, err := atomicfile.OpenPrivate(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	return readBounded(f, path)
}

// readBounded reads f, of path, whole and closes it.
func readBounded(f *os.File, path string) ([]byte, error) {
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%s is larger than %d MiB: not a key or a client file", path, maxKeyFile>>20)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return data, nil
}

// refusePrivate gives err, from a private file of the config folder that
// is a link or not a regular file, what to do about it (again, as the
// remedy says); other errors are returned as they are.
func refusePrivate(err error, again string) error {
	var nf *atomicfile.NotFileError
	if !errors.As(err, &nf) {
		return err
	}
	return fmt.Errorf("%w: emtime keeps it in a file of its own, and has left this and anything it points to alone; remove it and %s", err, again)
}
