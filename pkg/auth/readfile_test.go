package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadKeyFileIsBounded checks that a path given as a key or client
// file cannot fill the memory, and that empty and missing files are told.
func TestReadKeyFileIsBounded(t *testing.T) {
	if _, err := ReadKeyFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("/dev/zero: %v, want refused", err)
	}
	if _, err := ReadKeyFile("/dev/null"); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("/dev/null: %v, want empty", err)
	}
	if _, err := ReadKeyFile(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, []byte(`{"type":"service_account"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadKeyFile(path); err != nil || string(b) != `{"type":"service_account"}` {
		t.Errorf("a key: %q, %v", b, err)
	}
}
