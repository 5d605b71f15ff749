package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/bug"
	"github.com/emtime/emtime/pkg/config"
)

// TestPanicIsReportedAsABug makes a command panic half-way through a run
// (the clock breaks, then a variable cannot be read) and checks what the
// user sees: exit 1, not 2; "emtime: internal error: " with what panicked
// and where, in emtime's own code; a line asking for a report; no stack
// dump and no pointer to --help.
func TestPanicIsReportedAsABug(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		breakIt func(f *Factory)
		what    string
	}{
		{"clock", []string{"analyze", "--demo"}, func(f *Factory) {
			f.Now = func() time.Time {
				var m map[string]time.Time
				//lint:ignore SA5000 the panic is the point: a bug in the clock
				m["now"] = time.Now() // a runtime error: assignment to entry in nil map
				return m["now"]
			}
		}, "assignment to entry in nil map (in cli.TestPanicIsReportedAsABug.func1.1, pkg/cli/panic_test.go:"},
		{"environment", []string{"config", "show"}, func(f *Factory) {
			getenv := f.Getenv
			f.Getenv = func(k string) string {
				if k == config.EnvTZ {
					panic(fmt.Sprintf("cannot read %s", k))
				}
				return getenv(k)
			}
		}, "cannot read EMTIME_TZ (in cli.TestPanicIsReportedAsABug.func2.1, pkg/cli/panic_test.go:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := envFactory(t, nil)
			tt.breakIt(f)
			if code := Main(tt.args, f); code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
			if len(lines) != 2 {
				t.Fatalf("stderr has %d lines, want 2:\n%s", len(lines), errOut)
			}
			if want := "emtime: internal error: " + tt.what; !strings.HasPrefix(lines[0], want) {
				t.Errorf("first line %q, want it to start %q", lines[0], want)
			}
			if !strings.Contains(lines[1], "this is a bug in emtime") || !strings.Contains(lines[1], bug.ReportURL) {
				t.Errorf("second line %q does not ask for a report", lines[1])
			}
			for _, dump := range []string{"goroutine", "panic(", "--help"} {
				if strings.Contains(errOut.String(), dump) {
					t.Errorf("stderr holds %q:\n%s", dump, errOut)
				}
			}
			if out.Len() > 0 {
				t.Errorf("a report was printed before the panic:\n%s", out)
			}
		})
	}
}

// TestWrappedBugIsReportedAsABug checks the report of a panic a goroutine
// recovered into an error (the Google fetcher's workers do), which comes
// back wrapped in what was being read.
func TestWrappedBugIsReportedAsABug(t *testing.T) {
	be := &bug.Error{Value: "boom\x1b[2J", Func: "google.(*Source).fetch", File: "pkg/google/events.go", Line: 120}
	ios, _, _, errOut := Test()
	reportBug(ios, fmt.Errorf("google:primary: %w", be))
	want := "emtime: internal error: google:primary: boom (in google.(*Source).fetch, pkg/google/events.go:120)\n"
	if first, _, _ := strings.Cut(errOut.String(), "\n"); first+"\n" != want {
		t.Errorf("first line %q, want %q", first, want)
	}
}
