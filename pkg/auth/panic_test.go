package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/bug"
)

// panicReader is a standard input whose reading panics, as a bug in it
// would.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("the terminal broke") }

// TestLoginPastePanicIsAnError checks that a panic in the goroutine that
// reads the pasted address ends the sign-in with the bug as its error,
// at once, instead of ending the process.
func TestLoginPastePanicIsAnError(t *testing.T) {
	o := startOAuth(t)
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o),
		Paste: panicReader{}, Timeout: time.Minute,
	})
	be, ok := errors.AsType[*bug.Error](err)
	if !ok {
		t.Fatalf("error %v, want the panic as a *bug.Error", err)
	}
	if be.What() != "the terminal broke" || be.Func != "auth_test.panicReader.Read" {
		t.Errorf("got %q in %s, want the panic of panicReader.Read", be.What(), be.Func)
	}
}
