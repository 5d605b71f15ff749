package auth

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/emtime/emtime/pkg/bug"
)

// brokenWriter is a response whose first write panics.
type brokenWriter struct {
	*httptest.ResponseRecorder
	writes int
}

func (w *brokenWriter) Write(b []byte) (int, error) {
	w.writes++
	if w.writes == 1 {
		panic("the connection broke")
	}
	return w.ResponseRecorder.Write(b)
}

// TestCallbackPanicIsAnError checks that a panic while answering the
// browser becomes the sign-in's error rather than a
// stack that net/http would log on the terminal.
func TestCallbackPanicIsAnError(t *testing.T) {
	answers := make(chan answer, 2)
	w := &brokenWriter{ResponseRecorder: httptest.NewRecorder()}
	callbackHandler("example.com", "s", answers, make(chan struct{}, 1), io.Discard).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?code=c&state=s", nil))
	// The page's status line went out before its body broke, so the
	// browser sees what was sent; what matters is the sign-in's error.
	select {
	case a := <-answers:
		if be, ok := errors.AsType[*bug.Error](a.err); !ok || be.What() != "the connection broke" {
			t.Errorf("answer error %v, want the panic", a.err)
		}
	default:
		t.Fatal("no answer reached the sign-in")
	}
}
