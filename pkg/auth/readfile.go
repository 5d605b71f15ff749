package auth

import (
	"fmt"
	"io"
	"os"
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
