package cli

import (
	"cmp"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// sourceFlags are the flags that choose the calendar a command reads, and
// the flags of each kind of calendar.
type sourceFlags struct {
	ICS  []string
	Demo string
	// Provider is --source: the provider whose calendars are read (google,
	// microsoft); empty: the one signed in to.
	Provider string
	Google   googleSourceOptions
}

// timeout is --timeout: how long the run may spend on the provider read,
// Google or Microsoft (the flag is defined with Google's).
func (o *sourceFlags) timeout() time.Duration { return o.Google.Timeout }

// calendarSource is one kind of calendar emtime reads: its flags, how the
// command line chooses it, what it checks, and how it opens. A run reads
// one kind: the one the command line chooses; else the provider the user
// is signed in to ([sourceFlags.pick]).
//
// A new kind is one more entry in [calendarSources], with its flags in
// [sourceFlags]; choosing, conflicts and the settings' provider follow
// from the entry.
type calendarSource struct {
	// name is how messages call it: "Google Calendar".
	name string
	// choice is how the command line chooses it ("--ics", "--source
	// google"), as messages name it.
	choice string
	// own are the flags it reads (without dashes): given while a kind
	// that does not read them is chosen, they are a usage error. Two
	// kinds may share one (--calendar).
	own []string
	// provider is whose sign-in it reads ([config.ProviderGoogle],
	// [config.ProviderMicrosoft]), which is its value of --source and
	// whose calendars the setting calendars names while it is read; empty
	// for a kind that needs no sign-in (the setting is shown as Google's).
	provider string
	// keepsHours: its calendars keep the user's working hours (Outlook's
	// mailbox settings), which the loading reads ([mailboxSource]).
	keepsHours bool
	addFlags   func(cmd *cobra.Command, o *sourceFlags)
	// chosenBy is the flag that chooses this kind, as given ("--ics",
	// "--source microsoft", "--service-account"), or "" when none does.
	chosenBy func(o *sourceFlags) string
	// check validates this kind's flags, whichever kind is read: a usage
	// error.
	check func(o *sourceFlags) error
	// open opens the calendars to read; set are the settings in force.
	open func(ctx context.Context, f *Factory, o *sourceFlags, set *config.Resolved) ([]pipeline.Calendar, error)
	// history is the kind's own git history, read unless --git is given,
	// on the day now; nil: the git setting's repositories, if any.
	history func(o *sourceFlags, now time.Time) pipeline.History
}

// calendarSources are the kinds of calendar, in the order messages name
// them.
func calendarSources() []calendarSource {
	return []calendarSource{
		{
			name: "iCalendar files", choice: "--ics",
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				cmd.Flags().StringArrayVar(&o.ICS, "ics", nil, "read an iCalendar file (repeatable; - reads standard input)")
				_ = cmd.MarkFlagFilename("ics", "ics", "ical", "ifb")
			},
			chosenBy: func(o *sourceFlags) string { return choseIf(len(o.ICS) > 0, "--ics") },
			check: func(o *sourceFlags) error {
				if stdin := slices.DeleteFunc(slices.Clone(o.ICS), func(p string) bool { return p != "-" }); len(stdin) > 1 {
					return usagef("--ics - reads standard input, which can be read only once")
				}
				return nil
			},
			open: openICS,
		},
		{
			name: "the demo calendar", choice: "--demo",
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				fl := cmd.Flags()
				fl.StringVar(&o.Demo, "demo", "", "use the built-in demo calendar of a `PERSONA`: "+strings.Join(demo.Personas(), ", ")+" (--demo alone: "+demo.DefaultPersona+")")
				fl.Lookup("demo").NoOptDefVal = demo.DefaultPersona
				completeWith(cmd, "demo", demo.Personas()...)
			},
			chosenBy: func(o *sourceFlags) string { return choseIf(o.Demo != "", "--demo") },
			check: func(o *sourceFlags) error {
				if o.Demo != "" && !slices.Contains(demo.Personas(), o.Demo) {
					return usagef("unknown demo persona %q: choose one of %s", o.Demo, strings.Join(demo.Personas(), ", "))
				}
				return nil
			},
			open: func(_ context.Context, f *Factory, o *sourceFlags, _ *config.Resolved) ([]pipeline.Calendar, error) {
				now, err := f.now() // the promoted persona's switch is placed from today
				if err != nil {
					return nil, err
				}
				src, err := demo.Source(o.Demo, now)
				if err != nil {
					return nil, err
				}
				return []pipeline.Calendar{{Name: "demo:" + o.Demo, Source: src}}, nil
			},
			// The persona's built-in history: --demo shows the coding
			// signal with no set-up.
			history: func(o *sourceFlags, now time.Time) pipeline.History {
				persona := o.Demo
				return func(ctx context.Context, opts gitlog.Options) (*gitlog.History, error) {
					return demo.GitHistory(ctx, persona, now, opts)
				}
			},
		},
		{
			name: "Google Calendar", choice: "--source google", provider: config.ProviderGoogle,
			own: append([]string{"calendar", "service-account", "impersonate"}, googleCacheFlags...),
			addFlags: func(cmd *cobra.Command, o *sourceFlags) {
				o.Google.addFlags(cmd.Flags())
				completeWith(cmd, "calendar")
			},
			chosenBy: func(o *sourceFlags) string {
				if o.Provider == config.ProviderGoogle {
					return "--source google"
				}
				// A service account reads Google Calendar, signed in or not.
				return choseIf(o.Google.ServiceAccount != "", "--service-account")
			},
			check: func(o *sourceFlags) error { return o.Google.check() },
			open: func(ctx context.Context, f *Factory, o *sourceFlags, set *config.Resolved) ([]pipeline.Calendar, error) {
				g := o.Google
				g.Calendars = set.Calendars // the flag's, else the config file's
				return f.openGoogle(ctx, g)
			},
		},
		{
			name: "Microsoft 365", choice: "--source microsoft", provider: config.ProviderMicrosoft,
			own: append([]string{"calendar"}, googleCacheFlags...), keepsHours: true,
			// --calendar, --timeout and the cache's flags are Google's too.
			addFlags: func(*cobra.Command, *sourceFlags) {},
			chosenBy: func(o *sourceFlags) string {
				return choseIf(o.Provider == config.ProviderMicrosoft, "--source microsoft")
			},
			check: func(*sourceFlags) error { return nil },
			open: func(ctx context.Context, f *Factory, o *sourceFlags, set *config.Resolved) ([]pipeline.Calendar, error) {
				return f.openMicrosoft(ctx, set.Calendars, set.Me, o.timeout(), o.Google)
			},
		},
	}
}

func choseIf(chosen bool, flag string) string {
	if chosen {
		return flag
	}
	return ""
}

// providers are the values of --source.
func providers() []string {
	var out []string
	for _, k := range calendarSources() {
		if k.provider != "" {
			out = append(out, k.provider)
		}
	}
	return out
}

// addSourceFlags adds --source, and the flags of every kind of calendar.
func addSourceFlags(cmd *cobra.Command, o *sourceFlags) {
	cmd.Flags().StringVar(&o.Provider, "source", "", "read the calendars of this provider: "+oneOf(providers())+" (default: the one you are signed in to)")
	completeWith(cmd, "source", providers()...)
	for _, k := range calendarSources() {
		k.addFlags(cmd, o)
	}
}

// signedIn reports whether the user is signed in to a provider ("google",
// "microsoft"), for choosing the calendar when the command line does not.
type signedIn func(provider string) (bool, error)

// signedInWith is who the environment getenv reads is signed in to: a
// sign-in kept in the config folder, or a ready access token
// (EMTIME_ACCESS_TOKEN, EMTIME_MICROSOFT_ACCESS_TOKEN). Nothing is asked
// of the providers. A nil getenv (a command built without the root, as
// tests of flag parsing build them) is signed in to nothing.
func signedInWith(getenv func(string) string) signedIn {
	if getenv == nil {
		return nil
	}
	return func(provider string) (bool, error) {
		p, err := auth.ProviderFromEnv(provider, getenv, "")
		if err != nil {
			return false, err
		}
		if getenv(p.AccessTokenEnv) != "" {
			return true, nil
		}
		dir, err := auth.ConfigDir(getenv)
		if err != nil {
			return false, nil // no config folder: no sign-in kept
		}
		store, err := p.OpenStore(dir, getenv)
		if err != nil {
			return false, err
		}
		st, err := p.Status(store, getenv)
		if err != nil {
			return false, err
		}
		return st.SignedIn, nil
	}
}

// notSignedInAnywhere is the error of a run that reads the provider signed
// in to when there is none: its hint says how to sign in to each;
// forAnalysis adds the calendars that need no sign-in.
func (f *Factory) notSignedInAnywhere(forAnalysis bool) error {
	google := "'emtime auth login'"
	if dir, err := auth.ConfigDir(f.Getenv); err != nil || !hasGoogleClient(dir, f.Getenv) {
		google = "'emtime auth login --credentials client_secret.json' (the README shows how to get that file)"
	}
	hint := "sign in to Google Calendar with " + google +
		", or to Microsoft 365 with 'emtime auth login --provider microsoft --client-id ID' (the README shows how to register emtime in Entra ID)"
	if forAnalysis {
		hint += ", or try the built-in demo with --demo, or read an export with --ics calendar.ics"
	}
	return withHint(errors.New("not signed in to Google Calendar or Microsoft 365"), hint)
}

func hasGoogleClient(dir string, getenv func(string) string) bool {
	_, err := auth.LoadClient(dir, getenv)
	return err == nil
}

// choice is the kind of calendar a command line reads, and how it came to
// be chosen.
type choice struct {
	calendarSource
	// by is the flag that chose it; "" when it is the provider signed in
	// to, or nobody is signed in.
	by string
	// nobody: no flag chose a calendar and nobody is signed in: Google
	// Calendar stands for the settings, and reading it says to sign in.
	nobody bool
}

// pick is the kind of calendar to read: the first the flags choose
// ([sourceFlags.checkSources] refuses several); else the one provider the
// user is signed in to. Signed in to both, it is a usage error: the
// command line must say which. Signed in to none, Google Calendar stands
// in, marked nobody. With no way to tell (in is nil), Google Calendar is
// read.
func (o *sourceFlags) pick(in signedIn) (choice, error) {
	if o.Provider != "" && !slices.Contains(providers(), o.Provider) {
		return choice{}, usagef("--source %s: want %s (--ics and --demo read the others)", textsafe.Quote(o.Provider), oneOf(providers()))
	}
	kinds := calendarSources()
	for _, k := range kinds {
		if by := k.chosenBy(o); by != "" {
			return choice{calendarSource: k, by: by}, nil
		}
	}
	google := kinds[slices.IndexFunc(kinds, func(k calendarSource) bool { return k.provider == config.ProviderGoogle })]
	if in == nil {
		return choice{calendarSource: google}, nil
	}
	var signed []calendarSource
	for _, k := range kinds {
		if k.provider == "" {
			continue
		}
		ok, err := in(k.provider)
		if err != nil {
			return choice{}, err
		}
		if ok {
			signed = append(signed, k)
		}
	}
	switch len(signed) {
	case 1:
		return choice{calendarSource: signed[0]}, nil
	case 0:
		return choice{calendarSource: google, nobody: true}, nil
	}
	var names, flags []string
	for _, k := range signed {
		names = append(names, k.name)
		flags = append(flags, k.choice)
	}
	return choice{}, usagef("you are signed in to %s: choose the calendar to read with %s", andOf(names), oneOf(flags))
}

// checkSources checks the calendar flags in one place (--source itself is
// checked by [sourceFlags.pick]): one kind chosen at most, each kind's own
// checks, and no flag of a kind that is not read. Every mistake is a
// usage error. picked is what [sourceFlags.pick] chose.
func (o *sourceFlags) checkSources(fs *pflag.FlagSet, picked choice) error {
	kinds := calendarSources()
	var chosen []string
	for _, k := range kinds {
		if by := k.chosenBy(o); by != "" {
			chosen = append(chosen, by)
		}
	}
	if len(chosen) > 1 {
		slices.Sort(chosen) // the order --help lists them in
		return usagef("%s and %s cannot be combined: choose one calendar", chosen[0], chosen[1])
	}
	for _, k := range kinds {
		if err := k.check(o); err != nil {
			return err
		}
	}
	// The flags given that the kind read does not read, and who reads them.
	var stray []string
	for _, k := range kinds {
		for _, name := range k.own {
			if k.name != picked.name && !slices.Contains(picked.own, name) && !slices.Contains(stray, "--"+name) && flagGiven(fs, name) {
				stray = append(stray, "--"+name)
			}
		}
	}
	if len(stray) > 0 {
		// Name the kinds that read every flag given, else those that read
		// the first.
		readers := kindsReading(kinds, picked, stray)
		if len(readers) == 0 {
			readers = kindsReading(kinds, picked, stray[:1])
		}
		var names []string
		for _, r := range readers {
			names = append(names, r.name)
		}
		verb, they := "reads", "it"
		if len(stray) > 1 {
			verb, they = "read", "they"
		}
		with := cmp.Or(picked.by, picked.name+", the calendar you are signed in to")
		return usagef("%s %s %s: %s cannot be combined with %s", andOf(stray), verb, oneOf(names), they, with)
	}
	return nil
}

// kindsReading are the kinds other than picked that read every one of
// flags (with dashes).
func kindsReading(kinds []calendarSource, picked choice, flags []string) []calendarSource {
	var out []calendarSource
	for _, k := range kinds {
		if k.name != picked.name && !slices.ContainsFunc(flags, func(f string) bool { return !slices.Contains(k.own, strings.TrimPrefix(f, "--")) }) {
			out = append(out, k)
		}
	}
	return out
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

// andOf lists things for a message: "a, b and c".
func andOf(things []string) string {
	if len(things) < 2 {
		return strings.Join(things, "")
	}
	return strings.Join(things[:len(things)-1], ", ") + " and " + things[len(things)-1]
}

// openICS opens the files of --ics, standard input for -. They share one
// expansion budget, which each file read widens in proportion to its size:
// several files are bounded as one is.
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
			budget.Cover(cal)
			out = append(out, pipeline.Calendar{Name: "stdin", Source: budgeted{cal, budget}})
			continue
		}
		cal, err := ics.ReadFile(path)
		if err != nil {
			return nil, err
		}
		budget.Cover(cal)
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
