package cli

import (
	"context"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/report"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
	"github.com/spf13/cobra"
)

// MeetingsOptions are the flags of `emtime meetings`.
type MeetingsOptions struct {
	IO *IOStreams
	loading
	Output string
	// Out is the file the report goes to; empty (or -) is standard output.
	Out string
	// Sort is the order of the series; Top how many to list (0: all).
	Sort string
	Top  int
	// Target, TargetMeetingShare and TargetFocusShare say what to reach
	// by dropping series; empty asks nothing.
	Target             string
	TargetMeetingShare string
	TargetFocusShare   string
	// SuggestMoves looks for better times for the first Moves series.
	SuggestMoves bool
	Moves        int
	// Redact replaces titles and people with pseudonyms.
	Redact bool

	// order and goal are the flags read; topGiven is whether --top was.
	order    whatif.Order
	goal     *whatif.Goal
	topGiven bool

	factory *Factory
}

// The defaults of `emtime meetings`.
const (
	meetingsWeeks = 4
	meetingsTop   = 15
	meetingsMoves = 5
)

// NewCmdMeetings builds `emtime meetings`. runF replaces the run function
// in tests of flag parsing.
func NewCmdMeetings(f *Factory, runF func(context.Context, *MeetingsOptions) error) *cobra.Command {
	opts := &MeetingsOptions{IO: f.IO, factory: f}
	var cmd *cobra.Command
	cmd = &cobra.Command{
		Use:   "meetings",
		Short: "Show what each meeting series costs in focus, and what to drop",
		Long: `Groups the range's meetings into series (the occurrences of a recurring
meeting, or a one-off on its own) and says, for each, its share of the
meeting time, its occurrences, and its focus cost: the focus time the range
would gain without it, counted by running the same accounting without it.
A 30-minute meeting in a free morning can cost two hours of focus; one next
to another meeting can cost nothing.

--target finds the smallest set of series whose removal brings the range to
a track (or to --target-meeting-share, --target-focus-share); --suggest-moves
finds, for the costliest series, a time on the same days where you are free
every week that would give focus back. emtime reads only your calendar: the
other attendees' calendars are not known.`,
		Example: `  emtime meetings --demo
  emtime meetings --ics calendar.ics --weeks 4 --target ic
  emtime meetings --ics calendar.ics --target-meeting-share 40% --suggest-moves
  emtime meetings --ics calendar.ics -o json | jq '.series[0]'`,
		Args: noArgs,
		RunE: opts.runE(&opts.Output, analyzeFormats, func(ctx context.Context) error {
			opts.topGiven = cmd.Flags().Changed("top")
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return meetingsRun(ctx, opts)
		}),
	}
	opts.addFlags(cmd, meetingsWeeks)
	addOutputFlag(cmd, &opts.Output, analyzeFormats)
	fl := cmd.Flags()
	fl.StringVar(&opts.Sort, "sort", "focus-cost", "order of the series: "+oneOf(whatif.Orders()))
	fl.IntVar(&opts.Top, "top", meetingsTop, "series to list, 0 or more; 0 lists them all (JSON and CSV list them all unless --top is given)")
	fl.StringVar(&opts.Target, "target", "", "find the fewest series to drop to look like this track: ic, hybrid or em")
	fl.StringVar(&opts.TargetMeetingShare, "target-meeting-share", "", "find the fewest series to drop to bring meetings down to this share, from 0% to 100%, e.g. 40%")
	fl.StringVar(&opts.TargetFocusShare, "target-focus-share", "", "find the fewest series to drop to bring focus time up to this share, from 0% to 100%, e.g. 60%")
	fl.BoolVar(&opts.SuggestMoves, "suggest-moves", false, "find better times for the costliest series, where you are free every week")
	fl.IntVar(&opts.Moves, "moves", meetingsMoves, "how many of the first series --suggest-moves looks at")
	fl.StringVar(&opts.Out, "out", "", "write the report to this file instead of standard output")
	fl.BoolVar(&opts.Redact, "redact", false, "replace titles, people and calendar names with stable pseudonyms, for sharing")
	completeWith(cmd, "sort", whatif.Orders()...)
	completeWith(cmd, "target", "ic", "hybrid", "em")
	completeWith(cmd, "target-meeting-share", "40%", "50%")
	completeWith(cmd, "target-focus-share", "50%", "60%")
	completeWith(cmd, "top", "5", "15", "0")
	completeWith(cmd, "moves", "3", "5")
	return cmd
}

// check reads the flags of the what-ifs: a mistake is a usage error.
func (opts *MeetingsOptions) check() error {
	var err error
	if opts.order, err = whatif.ParseOrder(opts.Sort); err != nil {
		return usagef("--sort %s", err)
	}
	if opts.Top < 0 {
		return usagef("--top must be 0 (every series) or more, got %d", opts.Top)
	}
	if opts.Moves < 1 {
		return usagef("--moves must be at least 1, got %d", opts.Moves)
	}
	var g whatif.Goal
	asked := false
	if opts.Target != "" {
		g.Track, asked = verdict.Track(strings.ToLower(strings.TrimSpace(opts.Target))), true
	}
	for _, s := range []struct {
		flag, val string
		to        **float64
	}{{"--target-meeting-share", opts.TargetMeetingShare, &g.MeetingShare}, {"--target-focus-share", opts.TargetFocusShare, &g.FocusShare}} {
		if s.val == "" {
			continue
		}
		f, err := parsePercent(s.flag, s.val)
		if err != nil {
			return err
		}
		*s.to, asked = &f, true
	}
	if !asked {
		return nil
	}
	if err := g.Validate(); err != nil {
		return usagef("--target: %w", err)
	}
	opts.goal = &g
	return nil
}

// parsePercent reads a share given in percent, "40%" or "40".
func parsePercent(flag, v string) (float64, error) {
	s := strings.TrimSuffix(strings.TrimSpace(v), "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return 0, usagef("%s %s is not a share of working time between 0%% and 100%%, like 40%%", flag, textsafe.Quote(v))
	}
	return f / 100, nil
}

func meetingsRun(ctx context.Context, opts *MeetingsOptions) error {
	l, err := opts.plan.load(ctx, opts.factory)
	if err != nil {
		return err
	}
	c := whatif.NewCalendar(l.Input(), l.Me)
	res := c.Result()
	series := c.Series()
	whatif.SortSeries(series, opts.order)
	in := report.MeetingsInput{
		Result: res, Verdict: l.Judge(res.Total), Settings: l.Settings, Rules: l.Rules, Bands: l.Bands,
		Today: l.Today, Me: l.Me, Sources: l.Sources, Warnings: reportWarnings(l), Git: reportGit(l.Git),
		Series: series, Sort: whatif.Orders()[opts.order], Top: opts.Top,
	}
	if (opts.Output == "json" || opts.Output == "csv") && !opts.topGiven {
		in.Top = 0
	}
	if opts.goal != nil {
		tg, err := c.Target(series, *opts.goal, judging(l))
		if err != nil {
			return usageError{err}
		}
		in.Target = &tg
	}
	if opts.SuggestMoves {
		in.Moves = c.SuggestMoves(series, whatif.MoveOptions{Top: opts.Moves})
		if in.Moves == nil {
			in.Moves = []whatif.Move{}
		}
	}
	r := report.NewMeetings(in)
	warn(opts.IO, l.Warnings)
	if opts.Redact {
		r = report.NewRedactor(l.Me).Meetings(r)
	}
	width := textWidth(opts.IO, opts.factory, opts.Out)
	return output(opts.IO, opts.Out, func(w io.Writer, toFile bool) error {
		switch opts.Output {
		case "json":
			return report.WriteMeetingsJSON(w, r)
		case "csv":
			return report.WriteMeetingsCSV(w, r)
		case "markdown":
			return report.WriteMeetingsMarkdown(w, r)
		case "html":
			return report.WriteMeetingsHTML(w, r)
		default:
			st := style(opts.IO)
			if toFile {
				st = report.Style{}
			}
			return report.WriteMeetingsTable(w, r, st, width)
		}
	})
}
