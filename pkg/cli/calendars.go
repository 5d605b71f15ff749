package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/microsoft"
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
	// Provider is --source: google or microsoft; empty: the one signed in
	// to. Kind is the one to list, once checked.
	Provider string
	Kind     choice

	factory *Factory
}

// NewCmdCalendars builds `emtime calendars`.
func NewCmdCalendars(f *Factory, runF func(context.Context, *CalendarsOptions) error) *cobra.Command {
	opts := &CalendarsOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "calendars",
		Short: "List the calendars you can read, with their ids and names",
		Long: `Lists the calendars you can read at the provider you are signed in to (or
the one of --source).

Google Calendar: your calendar list, the primary one first: the id to give
'emtime analyze --calendar', the name, the time zone, and your access (owner,
writer, reader, or freeBusyReader, which shows no details).

Microsoft 365: your calendars and those shared with you, the default one
first: the name to give 'emtime analyze --calendar' (or the id, where two
share a name), whose calendar it is, whether you can edit it, and its id.`,
		Example: `  emtime calendars
  emtime analyze --calendar primary --calendar team@group.calendar.google.com
  emtime calendars --source microsoft
  emtime analyze --source microsoft --calendar Calendar --calendar Team`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(opts.Output, tableOrJSON); err != nil {
				return err
			}
			o := sourceFlags{Provider: opts.Provider, Google: googleSourceOptions{googleAccess: opts.Access}}
			var getenv func(string) string
			if sf := settingsFileOf(cmd); sf != nil {
				getenv = sf.getenv
			}
			k, err := o.pick(signedInWith(getenv))
			if err != nil {
				return err
			}
			if err := o.checkSources(cmd.Flags(), k); err != nil {
				return err
			}
			opts.Kind = k
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return calendarsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Provider, "source", "", "list the calendars of this provider: "+oneOf(providers())+" (default: the one you are signed in to)")
	completeWith(cmd, "source", providers()...)
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
	switch {
	case opts.Kind.nobody:
		return opts.factory.notSignedInAnywhere(false)
	case opts.Kind.provider == config.ProviderMicrosoft:
		return microsoftCalendarsRun(ctx, opts)
	}
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
	rows := make([][]string, 0, len(cals))
	for _, c := range cals {
		rows = append(rows, row(c))
	}
	return writeCalendars(opts.IO, []string{"Id", "Name", "Zone", "Access", "Primary"}, rows, "No calendars in your calendar list.")
}

// writeCalendars lists calendars: on a terminal as a table under header
// (or the sentence empty, for none), else one calendar a line,
// tab-separated, for scripts.
func writeCalendars(ios *IOStreams, header []string, rows [][]string, empty string) error {
	if !ios.OutTTY {
		for _, r := range rows {
			fmt.Fprintln(ios.Out, strings.Join(r, "\t"))
		}
		return nil
	}
	if len(rows) == 0 {
		fmt.Fprintln(ios.Out, empty)
		return nil
	}
	t := tablewriter.NewTable(ios.Out,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	cols := make([]any, len(header))
	for i, h := range header {
		cols[i] = h
	}
	t.Header(cols...)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
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

// microsoftCalendarJSON is a Microsoft 365 calendar in `emtime calendars
// --source microsoft -o json`.
type microsoftCalendarJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Owner   string `json:"owner"`
	CanEdit bool   `json:"can_edit"`
	Default bool   `json:"default"`
}

// microsoftCalendarsRun is `emtime calendars` for Microsoft 365: the name
// first, which is what --calendar takes; the id, which Graph makes long,
// last.
func microsoftCalendarsRun(ctx context.Context, opts *CalendarsOptions) error {
	cals, err := opts.factory.listMicrosoftCalendars(ctx, opts.Access.Timeout)
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		list := make([]microsoftCalendarJSON, 0, len(cals))
		for _, c := range cals {
			list = append(list, microsoftCalendarJSON{c.ID, c.Name, c.Owner, c.CanEdit, c.Default})
		}
		return writeJSON(opts.IO.Out, list)
	}
	row := func(c microsoft.Calendar) []string {
		access := "read"
		if c.CanEdit {
			access = "edit"
		}
		mark := ""
		if c.Default {
			mark = "default"
		}
		return []string{textsafe.Line(c.Name), textsafe.Line(c.Owner), access, mark, textsafe.Line(c.ID)}
	}
	rows := make([][]string, 0, len(cals))
	for _, c := range cals {
		rows = append(rows, row(c))
	}
	return writeCalendars(opts.IO, []string{"Name", "Owner", "Access", "Default", "Id"}, rows, "No calendars in your mailbox.")
}
