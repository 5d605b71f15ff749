package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/config"
)

// TestExitCodes runs whole command lines as a user types them and checks
// the exit code the README promises: 0 when it worked, 1 for an error (a
// file, the environment, Google), 2 for a mistake in the command line, which
// alone is followed by the pointer to --help.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("Buy milk.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		env  map[string]string
		want int
		says string
	}{
		{[]string{"analyze", "--demo", "--weeks", "2"}, nil, ExitOK, ""},
		{[]string{"events", "--demo", "-o", "json"}, nil, ExitOK, ""},
		{[]string{"analyze", "--ics", filepath.Join(dir, "missing.ics")}, nil, ExitError, "missing.ics"},
		{[]string{"analyze", "--ics", notes}, nil, ExitError, "not an iCalendar file"},
		{[]string{"analyze", "--demo"}, map[string]string{"EMTIME_NOW": "garbage"}, ExitError, "EMTIME_NOW must be"},
		{[]string{"analyze", "--demo"}, map[string]string{config.EnvTZ: "Mars/Olympus"}, ExitError, "EMTIME_TZ"},
		{[]string{"analyze"}, nil, ExitError, "not signed in"},
		{[]string{"analyze", "--demo", "--weeks", "0"}, nil, ExitUsage, "--weeks"},
		{[]string{"analyze", "--demo", "--from", "2026-03-09", "--to", "2026-03-02"}, nil, ExitUsage, "after --to"},
		{[]string{"analyze", "--demo", "--work-hours", "17:00-09:00"}, nil, ExitUsage, "ends before it starts"},
		{[]string{"analyze", "--demo", "--tz", "Mars/Olympus"}, nil, ExitUsage, "unknown time zone"},
		{[]string{"analyze", "--demo", "-o", "pdf"}, nil, ExitUsage, "--output must be"},
		{[]string{"events", "--demo", "-o", "html"}, nil, ExitUsage, "--output must be"},
		{[]string{"analyze", "--ics", "-", "--ics", "-"}, nil, ExitUsage, "only once"},
		{[]string{"analyze", "--demo", "ic"}, nil, ExitUsage, "--demo=ic"},
		{[]string{"analyse", "--demo"}, nil, ExitUsage, "unknown command"},
		{[]string{"cache", "bogus"}, nil, ExitUsage, `unknown command "bogus" for "emtime cache": use clear or status`},
		{[]string{"completion", "bogus"}, nil, ExitUsage, `unknown command "bogus" for "emtime completion": use bash, fish, powershell or zsh`},
		{[]string{"completion"}, nil, ExitOK, ""},
		{[]string{"help", "bogus"}, nil, ExitUsage, "no help about \"bogus\": not a command of emtime\nRun 'emtime --help' for usage."},
		{[]string{"help", "auth", "bogus"}, nil, ExitUsage, `no help about "auth bogus"`},
		{[]string{"help", "auth", "login"}, nil, ExitOK, ""},
		{[]string{"analyze", "--no-such-flag"}, nil, ExitUsage, "unknown flag"},
		{[]string{"events", "--demo", "--no-chart"}, nil, ExitUsage, "unknown flag: --no-chart"},
		{[]string{"trend", "--demo", "--weeks", "x"}, nil, ExitUsage, "--weeks"},
		{[]string{"analyze", "--demo", "--git", filepath.Join(dir, "no-repos-here")}, nil, ExitError, "no-repos-here"},
		{[]string{"analyze", "--demo", "--git", dir}, nil, ExitError, "no git repository at or below it"},
		{[]string{"analyze", "--demo", "--coding-gap", "0s"}, nil, ExitUsage, "--coding-gap must be between 1m and 24h"},
		{[]string{"analyze", "--demo"}, map[string]string{"EMTIME_GIT": filepath.Join(dir, "gone")}, ExitOK, ""}, // the demo's own history
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut := envFactory(t, tt.env)
			got := Main(tt.args, f)
			if got != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tt.want, errOut)
			}
			if !strings.Contains(errOut.String(), tt.says) {
				t.Errorf("stderr does not say %q:\n%s", tt.says, errOut)
			}
			// The pointer is to the help of the command that was run; a
			// command not found, or a help topic, points to the root's.
			cmd := "emtime " + tt.args[0]
			if tt.args[0] == "analyse" || tt.args[0] == "help" {
				cmd = "emtime"
			}
			if help := strings.Contains(errOut.String(), "Run '"+cmd+" --help' for usage."); help != (tt.want == ExitUsage) {
				t.Errorf("the pointer to %s --help is there: %v; want it only for a usage error (exit 2):\n%s", cmd, help, errOut)
			}
			if strings.Contains(errOut.String(), "panic") {
				t.Errorf("panicked:\n%s", errOut)
			}
		})
	}
}

// TestCompletionOffersFlagValues checks what the shell offers after a flag
// that takes one of a few values, as the completion scripts ask it.
func TestCompletionOffersFlagValues(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"analyze", "-o", ""}, analyzeFormats},
		{[]string{"events", "--output", ""}, eventsFormats},
		{[]string{"analyze", "--demo="}, []string{"ic", "hybrid", "em", "overloaded", "promoted"}},
		{[]string{"events", "--week-start", ""}, []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
		{[]string{"analyze", "--ics", ""}, []string{"ics", "ical", "ifb"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, _ := envFactory(t, nil)
			if code := Main(append([]string{"__complete"}, tt.args...), f); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			// The last line is the directive (":4" is no file names).
			if got := lines[:len(lines)-1]; strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("offers %q, want %q", got, tt.want)
			}
		})
	}
}
