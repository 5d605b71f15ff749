package cli

import (
	"context"
	"fmt"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/report"
	"github.com/spf13/cobra"
)

// AnalyzeOptions are the flags of `emtime analyze`.
type AnalyzeOptions struct {
	IO     *IOStreams
	Source sourceOptions
	Output string

	factory *Factory
	plan    *plan
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
  emtime analyze --ics work.ics --from 2026-03-02 --to 2026-03-29 -o json | jq .summary`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Output != "table" && opts.Output != "json" {
				return usagef("--output must be table or json, got %q", opts.Output)
			}
			p, err := opts.Source.check(cmd)
			if err != nil {
				return err
			}
			opts.plan = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return analyzeRun(cmd.Context(), opts)
		},
	}
	opts.Source.addFlags(cmd, 4)
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "table", "output format: table or json")
	return cmd
}

func analyzeRun(ctx context.Context, opts *AnalyzeOptions) error {
	l, err := opts.Source.load(ctx, opts.factory, opts.plan)
	if err != nil {
		return err
	}
	res := analyze.Analyze(l.events, l.from, l.to, l.settings)
	r := report.New(report.Input{
		Result: res, Settings: l.settings, Rules: l.rules, Bands: l.bands,
		Today: l.today, Me: l.me, Sources: l.sources, Warnings: l.warnings,
	})
	warn(opts.IO, l.warnings)
	if opts.Output == "json" {
		return report.WriteJSON(opts.IO.Out, r)
	}
	return report.WriteTable(opts.IO.Out, r, style(opts.IO))
}

func style(io *IOStreams) report.Style {
	return report.Style{Unicode: io.OutTTY, Color: io.OutTTY && !io.NoColor}
}

// maxWarnings is how many unreadable entries are named one by one.
const maxWarnings = 10

// warn tells the user about entries that could not be read.
func warn(io *IOStreams, warnings []string) {
	for i, w := range warnings {
		if i == maxWarnings {
			fmt.Fprintf(io.ErrOut, "emtime: warning: and %d more entries skipped\n", len(warnings)-maxWarnings)
			break
		}
		fmt.Fprintf(io.ErrOut, "emtime: warning: %s\n", w)
	}
	switch n := len(warnings); {
	case n == 1:
		fmt.Fprintf(io.ErrOut, "emtime: 1 unreadable entry was skipped; the numbers leave it out\n")
	case n > 1:
		fmt.Fprintf(io.ErrOut, "emtime: %d unreadable entries were skipped; the numbers leave them out\n", n)
	}
}
