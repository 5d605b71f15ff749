// Package cli is emtime's command line: flags in, wiring, exit codes out.
// Each command is a constructor over an options struct (NewCmdAnalyze and
// so on) whose run function can be called directly in tests with [Test]
// streams.
//
// A command that counts time checks its flags once (the settings through
// [github.com/emtime/emtime/pkg/config.Resolve], the calendar through the list of kinds in sources.go,
// the range), then loads once through [github.com/emtime/emtime/pkg/pipeline.Load] and says the notices
// the loading returns; analyze and events share that RunE. A new kind of
// calendar is an entry of that list; a new command that counts time
// (trend, meetings) calls the same RunE and load, then counts the loaded
// events again as it needs.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/bug"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/cobra"
)

// Factory holds what commands need from the outside world.
type Factory struct {
	IO *IOStreams
	// Now is the clock: it places the current week.
	Now func() time.Time
	// Getenv reads the environment.
	Getenv func(string) string
	// UserCacheDir is the user's cache folder (os.UserCacheDir), in whose
	// emtime folder the Google cache is kept unless EMTIME_CACHE_DIR says
	// otherwise; nil keeps none there (a test's factory).
	UserCacheDir func() (string, error)
	// CacheLockWait is how long a run waits for another one holding the
	// cache; zero is [synccache.DefaultLockWait].
	CacheLockWait time.Duration
}

// NewFactory returns the factory of a real process. EMTIME_NOW (a date or
// an RFC 3339 time) pins the clock, for reports that must not change with
// the day they are run.
func NewFactory() *Factory {
	return &Factory{IO: System(), Now: time.Now, Getenv: os.Getenv, UserCacheDir: os.UserCacheDir}
}

// Main runs the command line and returns the exit code. A panic, in the
// command or in a goroutine it started, is a bug: it is reported in two
// lines, what panicked and where, and exits 1 ([ExitError]), never as a
// goroutine dump. Ctrl-C (an interrupt) cancels the command's context:
// what it waits for (Google, a sign-in) stops, and emtime exits 130
// ([ExitInterrupted]); a second Ctrl-C ends it at once.
func Main(args []string, f *Factory) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	context.AfterFunc(ctx, stop) // the next interrupt is the system's again
	path, err := execute(ctx, args, f)
	if err == nil {
		return ExitOK
	}
	if _, ok := errors.AsType[*bug.Error](err); ok {
		reportBug(f.IO, err)
		return ExitError
	}
	if ctx.Err() != nil {
		// Whatever failed, it failed because it was told to stop.
		fmt.Fprintf(f.IO.ErrOut, "emtime: interrupted\n")
		return ExitInterrupted
	}
	// An error or a hint can quote a calendar, a server or a config file:
	// no escape sequence or control character of theirs reaches the
	// terminal. An error may be several lines (every mistake of a config
	// file); a hint is one.
	fmt.Fprintf(f.IO.ErrOut, "emtime: error: %s\n", textsafe.Text(err.Error()))
	if h := hintOf(err); h != "" {
		fmt.Fprintf(f.IO.ErrOut, "emtime: hint: %s\n", textsafe.Line(h))
	}
	if isUsage(err) || isCobraUsage(err) {
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", path)
		return ExitUsage
	}
	return ExitError
}

// execute runs the command line, with a panic turned into a *bug.Error,
// and says which command ran ("emtime analyze"), for the hint that ends a
// usage error; "emtime" when none was found.
func execute(ctx context.Context, args []string, f *Factory) (path string, err error) {
	defer bug.Recover(&err)
	root := NewCmdRoot(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	path = root.CommandPath()
	if cmd != nil && cmd.Name() != "help" { // emtime help bogus: emtime --help lists the topics
		path = cmd.CommandPath()
	}
	return path, err
}

// reportBug tells the user that emtime has a bug, what it was and where,
// and where to report it: "emtime: internal error: …" and one line more.
// err is the error as it came back, a *bug.Error or one wrapping it.
func reportBug(ios *IOStreams, err error) {
	// What wraps the panic (the calendar being read, say) stays in front.
	msg := strings.Replace(err.Error(), "internal error: ", "", 1)
	fmt.Fprintf(ios.ErrOut, "emtime: internal error: %s\n", textsafe.Line(msg))
	fmt.Fprintf(ios.ErrOut, "emtime: this is a bug in emtime, not a mistake of yours: please report it at %s, "+
		"with the command you ran and what 'emtime version' says\n", bug.ReportURL)
}

// isCobraUsage recognises the errors Cobra makes itself while finding the
// command.
func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown shorthand flag") ||
		strings.HasPrefix(s, "unknown flag")
}

// NewCmdRoot builds the emtime command and its subcommands.
func NewCmdRoot(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "emtime",
		Short: "Is my calendar an engineer's or a manager's?",
		Long: `emtime reads your calendar and measures each week against the signals of
"Going from an Individual Contributor to an Engineering Manager is NOT a
promotion": an IC codes 60–70% of the time, an EM 0–30%, and an EM spends
50–75% of the time in meetings.

Start with the built-in demo:
  emtime analyze --demo
Then an exported calendar:
  emtime analyze --ics calendar.ics
Or Google Calendar:
  emtime auth login --credentials client_secret.json
  emtime analyze
Or Microsoft 365 / Outlook:
  emtime auth login --provider microsoft --client-id ID
  emtime analyze`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	cmd.SetUsageFunc(func(c *cobra.Command) error { return usage(c.OutOrStderr(), c, f.IO.Width) })
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.AddCommand(NewCmdAnalyze(f, nil))
	cmd.AddCommand(NewCmdEvents(f, nil))
	cmd.AddCommand(NewCmdTrend(f, nil))
	cmd.AddCommand(NewCmdMeetings(f, nil))
	cmd.AddCommand(NewCmdCalendars(f, nil))
	cmd.AddCommand(NewCmdAuth(f))
	cmd.AddCommand(NewCmdCache(f))
	cmd.AddCommand(NewCmdConfig(f))
	cmd.AddCommand(NewCmdVersion(f, nil))
	guardCobraCommands(cmd)
	addConfigFlag(cmd, f) // persistent --config FILE
	cmd.PersistentFlags().BoolVar(&f.IO.ASCII, "ascii", false,
		"draw tables, bars and charts in plain ASCII, on a terminal too (the default when the locale is not UTF-8)")
	setVersion(cmd) // --version
	return cmd
}

// groupArgs rejects a word after a group of commands (emtime cache
// bogus) that names none of them, as a usage error that lists them.
func groupArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usagef("unknown command %q for %q: use %s", args[0], cmd.CommandPath(), oneOf(names))
}

// groupHelp runs a group of commands named alone: its help.
func groupHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }

// guardCobraCommands makes the commands Cobra adds on its own, help and
// completion, fail a word they do not know as a usage error (exit 2),
// as every other command does, instead of printing the help and
// succeeding.
func guardCobraCommands(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			show := c.Run
			c.Run = nil
			c.RunE = func(c *cobra.Command, args []string) error {
				if target, rest, err := c.Root().Find(args); err != nil || target == nil || len(rest) > 0 {
					return usagef("no help about %q: not a command of emtime", strings.Join(args, " "))
				}
				show(c, args)
				return nil
			}
		case "completion":
			c.Args = groupArgs
			c.RunE = groupHelp
		}
	}
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	// `--demo ic` reads as the demo flag and an argument: the value of a
	// flag with an optional value must be joined with =.
	if fl := cmd.Flags().Lookup("demo"); fl != nil && fl.Changed && slices.Contains(demo.Personas(), args[0]) {
		return withHint(err, "say --demo="+args[0]+" for that persona")
	}
	return err
}

// now reads the clock, or EMTIME_NOW when set.
func (f *Factory) now() (time.Time, error) {
	v := strings.TrimSpace(f.Getenv("EMTIME_NOW"))
	if v == "" {
		return f.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02", v, time.Local); err != nil {
			return time.Time{}, errors.New("EMTIME_NOW must be a date (2026-03-02) or an RFC 3339 time")
		}
		t = t.Add(12 * time.Hour)
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, fmt.Errorf("EMTIME_NOW %s is outside the years emtime reads, %d to %d", v, minYear, maxYear)
	}
	return t, nil
}
