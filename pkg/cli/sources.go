package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// sourceFlags are the flags that choose the calendar a command reads, and
// the flags of each kind of calendar.
type sourceFlags struct {
	ICS    []string
	Demo   string
	Google googleSourceOptions
}

// calendarSource is one kind of calendar emtime reads: its flags, the flag
// that chooses it, what it checks, and how it opens. A run reads one kind:
// the one the command line chooses, else the default (Google Calendar).
//
// A new kind (Microsoft 365, say) is one more entry in [calendarSources],
// with its flags in [sourceFlags]; choosing, conflicts and the settings'
// provider follow from the entry.
type calendarSource struct {
	// name is how messages call it: "Google Calendar".
	name string
	// choice is the flag that chooses it ("ics"); empty for the default,
	// read when no other is chosen.
	choice string
	// own are the flags only this kind reads: given while another kind is
	// chosen, they are a usage error.
	own []string
	// provider is whose calendars the setting calendars names while this
	// kind is read; empty: none (the setting is shown as Google's).
	provider string
	addFlags func(cmd *cobra.Command, o *sourceFlags)
	// chosen reports whether the flags choose this kind.
	chosen func(o *sourceFlags) bool
	// check validates this kind's flags, whichever kind is read: a usage
	// error.
	check func(o *sourceFlags) error
	// open opens the calendars to read; set are the settings in force.
	open func(ctx context.Context, f *Factory, o *sourceFlags, set *config.Resolved) ([]pipeline.Calendar, error)
}

// calendarSources are the kinds of calendar, in the order messages name
// them; the one no flag chooses is the default.
func calendarSources() []calendarSource {
	return []calendarSource{
		{
			name: "iCalendar files", choice: "ics",
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				cmd.Flags().StringArrayVar(&o.ICS, "ics", nil, "read an iCalendar file (repeatable; - reads standard input)")
				_ = cmd.MarkFlagFilename("ics", "ics", "ical", "ifb")
			},
			chosen: func(o *sourceFlags) bool { return len(o.ICS) > 0 },
			check: func(o *sourceFlags) error {
				if stdin := slices.DeleteFunc(slices.Clone(o.ICS), func(p string) bool { return p != "-" }); len(stdin) > 1 {
					return usagef("--ics - reads standard input, which can be read only once")
				}
				return nil
			},
			open: openICS,
		},
		{
			name: "the demo calendar", choice: "demo",
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				fl := cmd.Flags()
				fl.StringVar(&o.Demo, "demo", "", "use the built-in demo calendar of a persona: "+strings.Join(demo.Personas(), ", "))
				fl.Lookup("demo").NoOptDefVal = demo.DefaultPersona
				completeWith(cmd, "demo", demo.Personas()...)
			},
			chosen: func(o *sourceFlags) bool { return o.Demo != "" },
			check: func(o *sourceFlags) error {
				if o.Demo != "" && !slices.Contains(demo.Personas(), o.Demo) {
					return usagef("unknown demo persona %q: choose one of %s", o.Demo, strings.Join(demo.Personas(), ", "))
				}
				return nil
			},
			open: func(_ context.Context, _ *Factory, o *sourceFlags, _ *config.Resolved) ([]pipeline.Calendar, error) {
				src, err := demo.Source(o.Demo)
				if err != nil {
					return nil, err
				}
				return []pipeline.Calendar{{Name: "demo:" + o.Demo, Source: src}}, nil
			},
		},
		{
			name: "Google Calendar", own: []string{"calendar", "service-account", "impersonate"}, provider: config.ProviderGoogle,
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				o.Google.addFlags(cmd.Flags())
				completeWith(cmd, "calendar")
			},
			chosen: func(*sourceFlags) bool { return false },
			check:  func(o *sourceFlags) error { return o.Google.check() },
			open: func(ctx context.Context, f *Factory, o *sourceFlags, set *config.Resolved) ([]pipeline.Calendar, error) {
				g := o.Google
				g.Calendars = set.Calendars // the flag's, else the config file's
				return f.openGoogle(ctx, g)
			},
		},
	}
}

// addSourceFlags adds the flags of every kind of calendar.
func addSourceFlags(cmd *cobra.Command, o *sourceFlags) {
	for _, k := range calendarSources() {
		k.addFlags(cmd, o)
	}
}

// pick is the kind of calendar the flags choose, else the default. It
// checks nothing: [checkSources] does.
func (o *sourceFlags) pick() calendarSource {
	var fallback calendarSource
	for _, k := range calendarSources() {
		if k.chosen(o) {
			return k
		}
		if k.choice == "" {
			fallback = k
		}
	}
	return fallback
}

// checkSources checks the calendar flags in one place: one kind chosen at
// most, no flag of a kind that is not read, and each kind's own checks.
// Every mistake is a usage error.
func (o *sourceFlags) checkSources(fs *pflag.FlagSet) error {
	kinds := calendarSources()
	var chosen, choices []string
	for _, k := range kinds {
		if k.choice != "" {
			choices = append(choices, "--"+k.choice)
		}
		if k.chosen(o) {
			chosen = append(chosen, "--"+k.choice)
		}
	}
	if len(chosen) > 1 {
		slices.Sort(chosen) // the order --help lists them in
		return usagef("%s and %s cannot be combined: choose one calendar", chosen[0], chosen[1])
	}
	picked := o.pick()
	for _, k := range kinds {
		if k.name == picked.name {
			continue
		}
		var given []string
		for _, name := range k.own {
			if flagGiven(fs, name) {
				given = append(given, "--"+name)
			}
		}
		if len(given) > 0 {
			return usagef("%s read %s: they cannot be combined with %s",
				andOf(prefixed(k.own)), k.name, oneOf(slices.DeleteFunc(slices.Clone(choices), func(c string) bool { return c == "--"+k.choice })))
		}
	}
	for _, k := range kinds {
		if err := k.check(o); err != nil {
			return err
		}
	}
	return nil
}

// flagGiven reports whether the command line gave the flag a value that
// is not empty.
func flagGiven(fs *pflag.FlagSet, name string) bool {
	fl := fs.Lookup(name)
	if fl == nil || !fl.Changed {
		return false
	}
	if sv, ok := fl.Value.(pflag.SliceValue); ok {
		return len(sv.GetSlice()) > 0
	}
	return fl.Value.String() != ""
}

func prefixed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n
	}
	return out
}

// andOf lists things for a message: "a, b and c".
func andOf(things []string) string {
	if len(things) < 2 {
		return strings.Join(things, "")
	}
	return strings.Join(things[:len(things)-1], ", ") + " and " + things[len(things)-1]
}

// openICS opens the files of --ics, standard input for -. They share one
// expansion budget: several files are bounded as one is.
func openICS(_ context.Context, f *Factory, o *sourceFlags, _ *config.Resolved) ([]pipeline.Calendar, error) {
	budget := ics.NewBudget()
	var out []pipeline.Calendar
	for _, path := range o.ICS {
		if path == "-" {
			// ics.Parse reads no more than a calendar may hold: a stream
			// that never ends is an error, not a machine out of memory.
			cal, err := ics.Parse("stdin", f.IO.In)
			if err != nil {
				return nil, err
			}
			out = append(out, pipeline.Calendar{Name: "stdin", Source: budgeted{cal, budget}})
			continue
		}
		cal, err := ics.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, pipeline.Calendar{Name: filepath.Base(path), Source: budgeted{cal, budget}})
	}
	return out, nil
}

// budgeted is an iCalendar file whose recurring events spend from a budget
// shared with the run's other files.
type budgeted struct {
	*ics.Calendar
	budget *ics.Budget
}

func (b budgeted) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	return b.Calendar.Events(ics.WithBudget(ctx, b.budget), q)
}
