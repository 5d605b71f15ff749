package cli

import (
	"context"

	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/report"
	"github.com/spf13/cobra"
)

// EventsOptions are the flags of `emtime events`.
type EventsOptions struct {
	IO     *IOStreams
	Source sourceOptions
	Output string

	factory *Factory
	plan    *plan
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.Output {
			case "table", "json", "ndjson":
			default:
				return usagef("--output must be table, json or ndjson, got %q", opts.Output)
			}
			p, err := opts.Source.check(cmd)
			if err != nil {
				return err
			}
			opts.plan = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return eventsRun(cmd.Context(), opts)
		},
	}
	opts.Source.addFlags(cmd, 1)
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "table", "output format: table, json or ndjson")
	return cmd
}

func eventsRun(ctx context.Context, opts *EventsOptions) error {
	l, err := opts.Source.load(ctx, opts.factory, opts.plan)
	if err != nil {
		return err
	}
	var inRange []classify.Event
	for _, e := range l.events {
		if e.Overlaps(l.from, l.to) {
			inRange = append(inRange, e)
		}
	}
	events := report.NewEvents(inRange, l.settings.Zone)
	warn(opts.IO, l.warnings)
	switch opts.Output {
	case "json":
		return report.WriteEventsJSON(opts.IO.Out, events)
	case "ndjson":
		return report.WriteEventsNDJSON(opts.IO.Out, events)
	}
	return report.WriteEventsTable(opts.IO.Out, events, style(opts.IO))
}
