package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/atomicfile"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/report"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/spf13/cobra"
)

// AnalyzeOptions are the flags of `emtime analyze`.
type AnalyzeOptions struct {
	IO *IOStreams
	loading
	Output string
	// Out is the file the report goes to; empty (or -) is standard output.
	Out string
	// NoChart leaves the heat map out of the table.
	NoChart bool
	// Redact replaces titles and people with pseudonyms.
	Redact bool

	factory *Factory
}

// NewCmdAnalyze builds `emtime analyze`. runF replaces the run function in
// tests of flag parsing.
func NewCmdAnalyze(f *Factory, runF func(context.Context, *AnalyzeOptions) error) *cobra.Command {
	opts := &AnalyzeOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Measure each week against the IC and EM bands",
		Long: `Counts, for each week, the working time, meeting time, focus time (free
stretches of at least --focus-min) and fragmented time, compares the meeting
and focus shares with the article's bands, and says which track each week,
the whole range and the current week resemble, and why.`,
		Example: `  emtime analyze --demo
  emtime analyze --ics ~/Downloads/calendar.ics --weeks 4 --me me@example.com
  emtime analyze --ics work.ics --from 2026-03-02 -o json | jq .summary
  emtime analyze --demo -o html --out report.html
  emtime analyze --source microsoft --calendar Calendar --calendar Team`,
		Args: noArgs,
		RunE: opts.runE(&opts.Output, analyzeFormats, func(ctx context.Context) error {
			if runF != nil {
				return runF(ctx, opts)
			}
			return analyzeRun(ctx, opts)
		}),
	}
	opts.addFlags(cmd, 4)
	addOutputFlag(cmd, &opts.Output, analyzeFormats)
	cmd.Flags().StringVar(&opts.Out, "out", "", "write the report to this file instead of standard output")
	cmd.Flags().BoolVar(&opts.NoChart, "no-chart", false, "leave the heat map out of the table")
	cmd.Flags().BoolVar(&opts.Redact, "redact", false, "replace titles, people, calendar and repository names with stable pseudonyms, for sharing")
	return cmd
}

// analyzeFormats are the values of `analyze --output`.
var analyzeFormats = []string{"table", "json", "csv", "markdown", "html"}

// The formats of the commands that print a table or text for people, or
// JSON for tools.
var (
	tableOrJSON = []string{"table", "json"}
	textOrJSON  = []string{"text", "json"}
)

// addOutputFlag adds -o/--output, the first of formats by default,
// offering them all to the shell; checkOutput checks what it was given.
func addOutputFlag(cmd *cobra.Command, output *string, formats []string) {
	cmd.Flags().StringVarP(output, "output", "o", formats[0], "output format: "+oneOf(formats))
	completeWith(cmd, "output", formats...)
}

func checkOutput(output string, formats []string) error {
	if !slices.Contains(formats, output) {
		return usagef("--output must be %s, got %q", oneOf(formats), output)
	}
	return nil
}

// oneOf lists choices for a message: "a, b or c".
func oneOf(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

func analyzeRun(ctx context.Context, opts *AnalyzeOptions) error {
	l, err := opts.plan.load(ctx, opts.factory)
	if err != nil {
		return err
	}
	res := analyze.Analyze(l.Input())
	r := report.New(report.Input{
		Result: res, Verdicts: judgeResult(l, res), Settings: l.Settings, Rules: l.Rules, Bands: l.Bands,
		Today: l.Today, Me: l.Me, Sources: l.Sources, Warnings: reportWarnings(l), Git: reportGit(l.Git),
	})
	if opts.Output == "html" {
		r = withWhatifs(l, res, r) // trend.go
	}
	warn(opts.IO, l.Warnings)
	if opts.Redact {
		r = report.NewRedactor(l.Me).Report(r)
	}
	return output(opts.IO, opts.Out, func(w io.Writer, toFile bool) error {
		switch opts.Output {
		case "json":
			return report.WriteJSON(w, r)
		case "csv":
			return report.WriteCSV(w, r)
		case "markdown":
			return report.WriteMarkdown(w, r)
		case "html":
			return report.WriteHTML(w, r)
		default:
			st := textStyle(opts.IO, toFile)
			st.Chart = !opts.NoChart
			return report.WriteTable(w, r, st)
		}
	})
}

// reportWarnings are what the report lists under warnings: the calendars'
// and the git history's (the latter were said on standard error as the
// loading's notices).
func reportWarnings(l *pipeline.Loaded) []string {
	if l.Git == nil || len(l.Git.Warnings) == 0 {
		return l.Warnings
	}
	return append(slices.Clone(l.Warnings), l.Git.Warnings...)
}

// reportGit is what the report says of the git history read; nil when
// none was.
func reportGit(g *pipeline.Git) *report.Git {
	if g == nil {
		return nil
	}
	out := &report.Git{Authors: g.Authors, Gap: g.Gap, Lead: g.Lead, AfterHours: g.AfterHours}
	for _, r := range g.Repos {
		out.Repos = append(out.Repos, report.GitRepo{Repository: r.Path, Commits: r.Commits, Shallow: r.Shallow, Corrupt: r.Corrupt})
	}
	return out
}

// judgeResult judges every week of an analysis, and the range, as the
// loading judges any stretch.
func judgeResult(l *pipeline.Loaded, res analyze.Result) report.Verdicts {
	v := report.Verdicts{Weeks: make([]verdict.Verdict, len(res.Weeks)), Total: l.Judge(res.Total)}
	for i, w := range res.Weeks {
		v.Weeks[i] = l.Judge(w.Tally)
	}
	return v
}

// output runs write on standard output, or, when path names a file, on a
// buffer written to that file once complete. toFile tells write which.
func output(ios *IOStreams, path string, write func(w io.Writer, toFile bool) error) error {
	if path == "" || path == "-" {
		// A writer may not check every write (a table is many small
		// ones): the first failure is kept, so that a full disk or a
		// closed pipe is an error, not a report that silently stopped.
		w := &stickyWriter{w: ios.Out}
		if err := write(w, false); err != nil {
			return err
		}
		return w.err
	}
	var buf bytes.Buffer
	if err := write(&buf, true); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// stickyWriter writes to w until a write fails, then keeps that error.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = fmt.Errorf("cannot write the report: %w", err)
	}
	return n, err
}

// newReportMode is the mode of a report written to a new file: readable
// by its owner only, as the calendar it tells of (titles, people). A user
// who shares it chmods it once: the next reports keep that mode.
const newReportMode fs.FileMode = 0o600

// writeFile writes a report to path. A regular file, or a link to one, is
// replaced atomically, keeping its mode; a new file has [newReportMode]. A
// reader sees the old report or the new one, never half of it, and a link
// stays a link. Anything else already there (a device such as
// /dev/stdout, a named pipe, /dev/fd/3) is written to as it is, never
// replaced by a file.
func writeFile(path string, data []byte) error {
	fi, err := os.Stat(path)
	perm := newReportMode
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("cannot write %s: it is a folder", path)
	case err == nil && !fi.Mode().IsRegular():
		return writeThrough(path, data)
	case err == nil:
		perm = fi.Mode().Perm()
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	return atomicfile.Write(path, data, perm)
}

// writeThrough writes data to what path opens, as a shell's > would.
func writeThrough(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err == nil {
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// style is how rich the text on standard output may be: block
// characters on a terminal whose locale is UTF-8, unless --ascii; colour
// on a terminal, unless NO_COLOR.
func style(io *IOStreams) report.Style {
	return report.Style{
		Unicode:  io.OutTTY && io.UTF8 && !io.ASCII,
		Color:    io.OutTTY && !io.NoColor,
		Terminal: io.OutTTY,
	}
}

// textStyle is the style of a text report: [style], laid out for the
// terminal's width, on standard output; plain and with no limit of width
// in a file (a pipe is no terminal, and gets the same).
func textStyle(ios *IOStreams, toFile bool) report.Style {
	if toFile {
		return report.Style{}
	}
	st := style(ios)
	st.Width = ios.Width
	return st
}

// maxWarnings is how many unreadable entries are named one by one.
const maxWarnings = 10

// warn tells the user about entries that could not be read. A warning
// quotes the calendar (a UID, a line): it is shown on one line, with no
// escape sequence or control character.
func warn(io *IOStreams, warnings []string) {
	for i, w := range warnings {
		if i == maxWarnings {
			fmt.Fprintf(io.ErrOut, "emtime: warning: and %d more (emtime analyze -o json lists them all)\n", len(warnings)-maxWarnings)
			break
		}
		fmt.Fprintf(io.ErrOut, "emtime: warning: %s\n", textsafe.Line(w))
	}
	// Each warning says what became of what it names: skipped, repaired,
	// or read in part.
	switch n := len(warnings); {
	case n == 1:
		fmt.Fprintf(io.ErrOut, "emtime: 1 warning about the calendar; what it says was left out is not in the numbers\n")
	case n > 1:
		fmt.Fprintf(io.ErrOut, "emtime: %d warnings about the calendar; what they say was left out is not in the numbers\n", n)
	}
}
