package bug_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/bug"
)

// line is the line of its caller.
func line() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

var nilMapLine int

func writeNilMap() {
	var m map[string]int
	nilMapLine = line() + 2
	//lint:ignore SA5000 the panic is the point: a runtime error inside emtime
	m["x"] = 1
}

var repeatLine int

// repeatBadly panics inside the standard library: the frame reported is
// this one, the innermost of emtime's.
func repeatBadly(n int) string {
	repeatLine = line() + 1
	return strings.Repeat("x", n)
}

func run(f func()) (err error) {
	defer bug.Recover(&err)
	f()
	return nil
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name     string
		f        func()
		what     string
		function string
		line     *int
	}{
		{"runtime error", writeNilMap, "assignment to entry in nil map", "bug_test.writeNilMap", &nilMapLine},
		{"in the standard library", func() { repeatBadly(-1) }, "strings: negative Repeat count", "bug_test.repeatBadly", &repeatLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.f)
			be, ok := errors.AsType[*bug.Error](err)
			if !ok {
				t.Fatalf("error %v (%T), want a *bug.Error", err, err)
			}
			if be.What() != tt.what || be.Func != tt.function || be.File != "pkg/bug/bug_test.go" || be.Line != *tt.line {
				t.Errorf("got %q in %s at %s:%d, want %q in %s at pkg/bug/bug_test.go:%d",
					be.What(), be.Func, be.File, be.Line, tt.what, tt.function, *tt.line)
			}
			want := "internal error: " + tt.what + " (in " + tt.function + ", pkg/bug/bug_test.go:"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want it to start %q", err, want)
			}
		})
	}
}

func TestRecoverLeavesAnErrorAlone(t *testing.T) {
	want := errors.New("an ordinary failure")
	got := func() (err error) {
		defer bug.Recover(&err)
		return want
	}()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRuntimeErrorIsUnwrapped(t *testing.T) {
	err := run(func() {
		var s []int
		_ = s[3]
	})
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Errorf("%v does not unwrap to the runtime.Error", err)
	}
}

// TestRecoverWith checks that a goroutine's panic comes back to the
// goroutine that waits for it, as an error, and the process lives on.
func TestRecoverWith(t *testing.T) {
	errs := make(chan error, 1)
	go func() {
		defer bug.RecoverWith(func(e *bug.Error) { errs <- e })
		writeNilMap()
		errs <- nil
	}()
	err := <-errs
	be, ok := errors.AsType[*bug.Error](err)
	if !ok || be.Func != "bug_test.writeNilMap" {
		t.Errorf("got %v, want the panic of writeNilMap", err)
	}
}

func TestRepanickedErrorIsKept(t *testing.T) {
	first := run(writeNilMap)
	again := run(func() { panic(first) })
	if again != first {
		t.Errorf("re-panicked %v came back as %v", first, again)
	}
}

func TestPanicWithAValue(t *testing.T) {
	err := run(func() { panic(42) })
	if be, ok := errors.AsType[*bug.Error](err); !ok || be.What() != "42" || be.Unwrap() != nil {
		t.Errorf("got %v", err)
	}
}
