package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"
)

// CalendarsOptions are the flags of `emtime calendars`.
type CalendarsOptions struct {
	IO     *IOStreams
	Access googleAccess
	Output string

	factory *Factory
}

// NewCmdCalendars builds `emtime calendars`.
func NewCmdCalendars(f *Factory, runF func(context.Context, *CalendarsOptions) error) *cobra.Command {
	opts := &CalendarsOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "calendars",
		Short: "List the Google calendars you can read, with their ids and zones",
		Long: `Lists the calendars of your Google Calendar list, the primary one first: the id
to give 'emtime analyze --calendar', the name, the time zone, and your access
(owner, writer, reader, or freeBusyReader, which shows no details).`,
		Example: `  emtime calendars
  emtime analyze --calendar primary --calendar team@group.calendar.google.com`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(opts.Output, tableOrJSON); err != nil {
				return err
			}
			if err := opts.Access.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return calendarsRun(cmd.Context(), opts)
		},
	}
	opts.Access.addFlags(cmd.Flags())
	addOutputFlag(cmd, &opts.Output, tableOrJSON)
	return cmd
}

// calendarJSON is a calendar in `emtime calendars -o json`.
type calendarJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Timezone   string `json:"timezone"`
	AccessRole string `json:"access_role"`
	Primary    bool   `json:"primary"`
}

func calendarsRun(ctx context.Context, opts *CalendarsOptions) error {
	cals, err := opts.factory.listCalendars(ctx, opts.Access)
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		list := make([]calendarJSON, 0, len(cals))
		for _, c := range cals {
			list = append(list, calendarJSON{c.ID, c.Summary, c.TimeZone, c.AccessRole, c.Primary})
		}
		return writeJSON(opts.IO.Out, list)
	}
	// What Google says of a calendar is shown with no escape sequence or
	// control character, each on one line (a tab in a name would add a
	// column).
	row := func(c google.Calendar) []string {
		return []string{textsafe.Line(c.ID), textsafe.Line(c.Summary), textsafe.Line(c.TimeZone),
			textsafe.Line(c.AccessRole), primaryMark(c.Primary)}
	}
	if !opts.IO.OutTTY {
		// One calendar a line, tab-separated, for scripts.
		for _, c := range cals {
			fmt.Fprintln(opts.IO.Out, strings.Join(row(c), "\t"))
		}
		return nil
	}
	if len(cals) == 0 {
		fmt.Fprintln(opts.IO.Out, "No calendars in your calendar list.")
		return nil
	}
	t := tablewriter.NewTable(opts.IO.Out,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	t.Header("Id", "Name", "Zone", "Access", "Primary")
	for _, c := range cals {
		if err := t.Append(row(c)); err != nil {
			return err
		}
	}
	return t.Render()
}

func primaryMark(primary bool) string {
	if primary {
		return "primary"
	}
	return ""
}
