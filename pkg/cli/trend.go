package cli

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/report"
	"github.com/emtime/emtime/pkg/whatif"
	"github.com/spf13/cobra"
)

// TrendOptions are the flags of `emtime trend`.
type TrendOptions struct {
	IO *IOStreams
	loading
	Output string
	// Out is the file the report goes to; empty (or -) is standard output.
	Out string
	// Window is the number of weeks each rolling figure sums.
	Window int
	// Redact replaces my addresses and the calendars' names.
	Redact bool

	factory *Factory
}

// trendWeeks is the range of a bare `emtime trend`: half a year.
const trendWeeks = 26

// NewCmdTrend builds `emtime trend`. runF replaces the run function in
// tests of flag parsing.
func NewCmdTrend(f *Factory, runF func(context.Context, *TrendOptions) error) *cobra.Command {
	opts := &TrendOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "trend",
		Short: "Show how the track has changed, week by week, over months",
		Long: `Counts every week of the range as analyze does (26 weeks by default, ending
with the current week), then rolls the figures over the last --window weeks:
a rolling figure is the sum of those weeks' minutes judged as one stretch,
so the rolling track is the verdict of that stretch. It says in which weeks
the rolling track changed, what moved it, and how long the current one has
held: when the calendar turned into a manager's, say.`,
		Example: `  emtime trend --demo=promoted
  emtime trend --ics calendar.ics --weeks 52 --window 6
  emtime trend --ics calendar.ics -o json | jq '.transitions'
  emtime trend --ics calendar.ics -o html --out trend.html`,
		Args: noArgs,
		RunE: opts.runE(&opts.Output, analyzeFormats, func(ctx context.Context) error {
			if opts.Window < 1 || opts.Window > maxWeeks {
				return usagef("--window must be between 1 and %d weeks, got %d", maxWeeks, opts.Window)
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return trendRun(ctx, opts)
		}),
	}
	opts.addFlags(cmd, trendWeeks)
	addOutputFlag(cmd, &opts.Output, analyzeFormats)
	fl := cmd.Flags()
	fl.IntVar(&opts.Window, "window", whatif.DefaultWindow, "weeks each rolling figure sums, the week itself and those before it; from 1 to 1040")
	fl.StringVar(&opts.Out, "out", "", "write the report to this file instead of standard output")
	fl.BoolVar(&opts.Redact, "redact", false, "replace my addresses and the calendars' names with pseudonyms, for sharing")
	completeWith(cmd, "window", "4", "6", "8")
	return cmd
}

func trendRun(ctx context.Context, opts *TrendOptions) error {
	l, err := opts.plan.load(ctx, opts.factory)
	if err != nil {
		return err
	}
	res := analyze.Analyze(l.Input())
	j := judging(l)
	tr, err := whatif.NewTrend(res, j, whatif.TrendOptions{Window: opts.Window, TopPeople: l.Settings.TopPeople})
	if err != nil {
		return usageError{err}
	}
	width := textWidth(opts.IO, opts.factory, opts.Out)
	r := report.NewTrend(report.TrendInput{
		Trend: tr, Result: res, Settings: l.Settings, Rules: l.Rules, Bands: l.Bands,
		Today: l.Today, Me: l.Me, Sources: l.Sources, Warnings: reportWarnings(l), Git: reportGit(l.Git),
		Columns: tr.Buckets(report.TrendChartColumns(width), j),
	})
	warn(opts.IO, l.Warnings)
	if opts.Redact {
		r = report.NewRedactor(l.Me).Trend(r)
	}
	return output(opts.IO, opts.Out, func(w io.Writer, toFile bool) error {
		switch opts.Output {
		case "json":
			return report.WriteTrendJSON(w, r)
		case "csv":
			return report.WriteTrendCSV(w, r)
		case "markdown":
			return report.WriteTrendMarkdown(w, r)
		case "html":
			return report.WriteTrendHTML(w, r)
		default:
			st := style(opts.IO)
			if toFile {
				st = report.Style{}
			}
			return report.WriteTrendTable(w, r, st, width)
		}
	})
}

// judging is how a what-if judges a stretch of the loaded range: as the
// loading judges it ([pipeline.Loaded.Judge]), on the same measure.
func judging(l *pipeline.Loaded) whatif.Judging {
	return whatif.Judging{Bands: l.Bands, Measure: l.Measure}
}

// textWidth is the width a text report is laid out for: the terminal's,
// else COLUMNS, else 80; a report written to a file is laid out for
// COLUMNS or 80.
func textWidth(ios *IOStreams, f *Factory, out string) int {
	if ios.Width > 0 && (out == "" || out == "-") {
		return ios.Width
	}
	if w, err := strconv.Atoi(strings.TrimSpace(f.Getenv("COLUMNS"))); err == nil && w > 0 {
		return w
	}
	return defaultWidth
}

// withWhatifs gives the page of an analysis what it draws of the
// what-ifs: the range's meeting series, for the five that cost the most
// focus, and the trend when the range holds more weeks than the trend's
// window.
func withWhatifs(l *pipeline.Loaded, res analyze.Result, r report.Report) report.Report {
	var trend *report.TrendReport
	if len(res.Weeks) > whatif.DefaultWindow {
		j := judging(l)
		if tr, err := whatif.NewTrend(res, j, whatif.TrendOptions{TopPeople: l.Settings.TopPeople}); err == nil {
			t := report.NewTrend(report.TrendInput{
				Trend: tr, Result: res, Settings: l.Settings, Rules: l.Rules, Bands: l.Bands,
				Today: l.Today, Me: l.Me, Sources: l.Sources, Warnings: reportWarnings(l), Git: reportGit(l.Git),
			})
			trend = &t
		}
	}
	return report.WhatifsOf(r, whatif.NewCalendar(l.Input(), l.Me).Series(), trend)
}
