package cli

import (
	"context"
	"io"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/report"
	"github.com/spf13/cobra"
)

// EventsOptions are the flags of `emtime events`.
type EventsOptions struct {
	IO *IOStreams
	loading
	Output string
	// Out is the file the list goes to; empty (or -) is standard output.
	Out string
	// Redact replaces titles and people with pseudonyms.
	Redact bool

	factory *Factory
}

// NewCmdEvents builds `emtime events`.
func NewCmdEvents(f *Factory, runF func(context.Context, *EventsOptions) error) *cobra.Command {
	opts := &EventsOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List every occurrence in the range, how it was classified, and why",
		Long: `Lists each occurrence that overlaps the range, ignored ones included, with its
kind (meeting, focus, solo, out_of_office, personal, ignored), its meeting
category and the reason — the evidence behind every number of 'analyze'.
The range defaults to the current week.`,
		Example: `  emtime events --demo
  emtime events --ics work.ics --from 2026-03-02 --to 2026-03-08
  emtime events --ics work.ics -o ndjson | jq 'select(.kind == "meeting")'`,
		Args: noArgs,
		RunE: opts.runE(&opts.Output, eventsFormats, func(ctx context.Context) error {
			if runF != nil {
				return runF(ctx, opts)
			}
			return eventsRun(ctx, opts)
		}),
	}
	opts.addFlags(cmd, 1)
	addOutputFlag(cmd, &opts.Output, eventsFormats)
	cmd.Flags().StringVar(&opts.Out, "out", "", "write the list to this file instead of standard output")
	cmd.Flags().BoolVar(&opts.Redact, "redact", false, "replace titles, people and calendar names with stable pseudonyms, for sharing")
	return cmd
}

// eventsFormats are the values of `events --output`.
var eventsFormats = []string{"table", "json", "ndjson", "csv", "markdown"}

func eventsRun(ctx context.Context, opts *EventsOptions) error {
	l, err := opts.plan.load(ctx, opts.factory)
	if err != nil {
		return err
	}
	res := analyze.Analyze(l.Input())
	var inRange []classify.Event
	var tallies []analyze.EventTally
	for i, e := range l.Events {
		if e.Overlaps(l.From, l.To) {
			inRange = append(inRange, e)
			tallies = append(tallies, res.Events[i])
		}
	}
	events := report.NewEvents(inRange, tallies, l.Settings.Zone)
	warn(opts.IO, l.Warnings)
	if opts.Redact {
		events = report.NewRedactor(l.Me).Events(events)
	}
	return output(opts.IO, opts.Out, func(w io.Writer, toFile bool) error {
		switch opts.Output {
		case "json":
			return report.WriteEventsJSON(w, events)
		case "ndjson":
			return report.WriteEventsNDJSON(w, events)
		case "csv":
			return report.WriteEventsCSV(w, events)
		case "markdown":
			return report.WriteEventsMarkdown(w, events)
		}
		st := style(opts.IO)
		if toFile {
			st = report.Style{}
		}
		return report.WriteEventsTable(w, events, st)
	})
}
