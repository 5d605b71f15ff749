// Package bug turns a panic — always a bug in emtime, never the user's
// mistake — into an [*Error] that says what panicked and where, so that
// the command line can report it in two lines instead of a goroutine dump,
// and so that a goroutine's panic reaches the caller that started it as an
// error instead of ending the process.
//
// Every goroutine emtime starts defers [Recover] (or [RecoverWith]) first
// thing; the command line defers it around the whole run.
package bug

import (
	"fmt"
	"path"
	"runtime"
	"strings"
)

// Module is the import path of emtime's own code: the innermost frame
// under it is where a panic is said to be.
const Module = "github.com/emtime/emtime"

// ReportURL is where a bug is reported.
const ReportURL = "https://github.com/emtime/emtime/issues"

// Error is a recovered panic.
type Error struct {
	// Value is what was passed to panic: a runtime error for a nil
	// dereference or an index out of range, else any value.
	Value any
	// Func is the innermost function of emtime's own code on the stack
	// that panicked ("report.WriteTable", "google.(*Source).fetch"), and
	// File and Line where in it ("pkg/report/write.go", 51). Empty when no
	// frame of emtime's is on it; then they are the innermost frame
	// outside the runtime's.
	Func string
	File string
	Line int
}

// Error says "internal error: VALUE (in FUNC, FILE:LINE)".
func (e *Error) Error() string {
	s := "internal error: " + e.What()
	if e.Func != "" {
		s += fmt.Sprintf(" (in %s, %s:%d)", e.Func, e.File, e.Line)
	}
	return s
}

// What is the panic's value in words.
func (e *Error) What() string {
	if err, ok := e.Value.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(e.Value)
}

// Unwrap is the panic's value when it is an error (a runtime.Error, say).
func (e *Error) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Recover, deferred, turns a panic of the goroutine into an *Error in
// *err, and the function returns instead of the process ending:
//
//	func run() (err error) {
//		defer bug.Recover(&err)
//		…
//	}
//
// Without a panic it leaves *err alone.
func Recover(err *error) {
	if v := recover(); v != nil {
		*err = New(v)
	}
}

// RecoverWith, deferred, hands a panic of the goroutine to report as an
// *Error, for a goroutine whose result goes back by another way than a
// return value (a channel, a slot of a slice):
//
//	go func() {
//		defer bug.RecoverWith(func(err *bug.Error) { results <- result{err: err} })
//		…
//	}()
func RecoverWith(report func(*Error)) {
	if v := recover(); v != nil {
		report(New(v))
	}
}

// New makes the *Error of a recovered panic value. Call it in the deferred
// function that recovered v, while the panicking stack is still there to
// be read; an *Error recovered again is kept as it is.
func New(v any) *Error {
	if e, ok := v.(*Error); ok {
		return e
	}
	e := &Error{Value: v}
	pcs := make([]uintptr, 256)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	// The frames above runtime.gopanic are the recovering ones: the panic
	// happened below it. Without it (New called outside a panic), every
	// frame counts.
	var all []runtime.Frame
	panicked := -1
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			panicked = len(all)
		}
		all = append(all, f)
		if !more {
			break
		}
	}
	var outside *runtime.Frame
	for i := panicked + 1; i < len(all); i++ {
		f := &all[i]
		if strings.HasPrefix(f.Function, "runtime.") || strings.HasPrefix(f.Function, Module+"/pkg/bug.") {
			continue
		}
		if strings.HasPrefix(f.Function, Module+"/") {
			e.Func, e.File, e.Line = shortName(f.Function), moduleFile(f.Function, f.File), f.Line
			return e
		}
		if outside == nil {
			outside = f
		}
	}
	if outside != nil {
		e.Func, e.File, e.Line = shortName(outside.Function), path.Base(outside.File), outside.Line
	}
	return e
}

// shortName is a function's name less its package's path:
// "github.com/emtime/emtime/pkg/report.WriteTable" is "report.WriteTable".
func shortName(function string) string {
	if i := strings.LastIndexByte(function, '/'); i >= 0 {
		return function[i+1:]
	}
	return function
}

// moduleFile is a file of emtime's by its path in the repository
// ("pkg/report/write.go"), however the binary was built: the package comes
// from the function's name, the file's base name from the frame.
func moduleFile(function, file string) string {
	pkg := strings.TrimPrefix(function, Module+"/")
	slash := strings.LastIndexByte(pkg, '/')
	if dot := strings.IndexByte(pkg[slash+1:], '.'); dot >= 0 {
		pkg = pkg[:slash+1+dot]
	}
	pkg = strings.TrimSuffix(pkg, "_test")
	return pkg + "/" + path.Base(strings.ReplaceAll(file, `\`, "/"))
}
