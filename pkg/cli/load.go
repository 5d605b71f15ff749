package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/gitlog"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/spf13/cobra"
)

// maxWeeks bounds --weeks, and the range --from and --to give: twenty
// years is more than any calendar needs, and a range of centuries would
// cost minutes and gigabytes.
const maxWeeks = 1040

// The years a date may be in (--from, --to, EMTIME_NOW). A calendar has
// nothing to say outside them, and a window reaching past them would have
// dates that RFC 3339 cannot write (year 0001 is also Go's zero time, which
// reads as "not given").
const (
	minYear = 1900
	maxYear = 2999
)

// rangeFlags are the flags that say which days a command counts.
type rangeFlags struct {
	From  string
	To    string
	Weeks int
}

// addLoadFlags gives a command that loads calendars its flags: which
// calendar (src), which days (rng), and how to count — the settings' flags,
// which [config.Resolve] reads from the command's flags with the
// environment and the config file beneath them.
func addLoadFlags(cmd *cobra.Command, src *sourceFlags, rng *rangeFlags, defaultWeeks int) {
	addSourceFlags(cmd, src)
	fl := cmd.Flags()
	fl.StringArray("me", nil, "my e-mail address (repeatable for aliases); inferred from the calendar when absent")
	fl.String("tz", "", "analysis time zone, e.g. Europe/Berlin (default: the calendar's, else this machine's)")
	fl.StringVar(&rng.From, "from", "", "first day of the range, YYYY-MM-DD")
	fl.StringVar(&rng.To, "to", "", "last day of the range, YYYY-MM-DD (default: the end of the current week)")
	fl.IntVar(&rng.Weeks, "weeks", defaultWeeks, "number of weeks, ending with the current week or the week holding --to; from 1 to 1040")
	fl.String("work-hours", "09:00-17:00", "working hours of each working day")
	fl.String("work-days", "mon-fri", "working days, e.g. mon-fri or sun-thu or mon,tue,thu")
	fl.String("week-start", "mon", "first day of a week")
	durationVar(fl, new(time.Duration), "focus-min", 2*time.Hour, "shortest free stretch that counts as focus time, from 1m to 24h")
	fl.Bool("only-accepted", false, "count only meetings I accepted (drop tentative and unanswered)")
	fl.Int("large-meeting", 10, "people (me included) from which a meeting counts as large; at least 3")
	b := verdict.DefaultBands()
	fl.Float64("em-meeting-min", b.EMMeetingMin*100, "bottom of the EM meeting band, in percent (0 to 100)")
	fl.Float64("em-meeting-max", b.EMMeetingMax*100, "top of the EM meeting band, in percent (0 to 100)")
	fl.Float64("ic-focus-min", b.ICCodingMin*100, "bottom of the IC coding band, in percent (0 to 100)")
	fl.Float64("ic-focus-max", b.ICCodingMax*100, "top of the IC coding band, in percent (0 to 100)")
	fl.Float64("em-focus-max", b.EMCodingMax*100, "top of the EM coding band, in percent (0 to 100); above it an EM risks being a bottleneck")
	fl.StringArray("git", nil, "read my commits from a git repository, or every repository in a folder (repeatable)")
	_ = cmd.MarkFlagDirname("git")
	fl.StringArray("git-author", nil, "an address I commit with besides --me (repeatable)")
	durationVar(fl, new(time.Duration), "coding-gap", config.DefaultCodingGap, "commits at most this far apart are one coding session, from 1m to 24h")
	durationVar(fl, new(time.Duration), "coding-lead", config.DefaultCodingLead, "the work a session holds before its first commit, from 0 to 8h")
	durationVar(fl, new(time.Duration), "after-hours-coding", verdict.DefaultAfterHoursCoding, "coding after working hours a week above which an EM's week risks a bottleneck, from 0 to 168h")

	// What the shell offers after each flag.
	completeWith(cmd, "week-start", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
	completeWith(cmd, "work-days", "mon-fri", "sun-thu", "mon-thu", "mon-sat")
	completeWith(cmd, "work-hours", "09:00-17:00", "08:00-16:00", "10:00-18:00")
	completeWith(cmd, "focus-min", "2h", "90m", "1h")
	completeWith(cmd, "coding-gap", "2h", "1h", "3h")
	completeWith(cmd, "coding-lead", "30m", "0", "1h")
	completeWith(cmd, "after-hours-coding", "4h", "2h", "8h")
	for _, name := range []string{"tz", "from", "to", "weeks", "me", "large-meeting", "git-author",
		"em-meeting-min", "em-meeting-max", "ic-focus-min", "ic-focus-max", "em-focus-max"} {
		completeWith(cmd, name) // a value to type, not a file
	}
}

// completeWith has the shell offer values after --name, and no file names.
func completeWith(cmd *cobra.Command, name string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	})
}

// loadPlan is a command line checked: the plan of the loading, the kind of
// calendar to read and its flags, and the settings in force.
type loadPlan struct {
	pipeline.Plan
	kind    choice
	sources *sourceFlags
	inForce *settingsInForce
}

// settle makes r the settings in force, and the plan's.
func (lp *loadPlan) settle(r *config.Resolved) {
	lp.inForce.Resolved = r
	lp.Settings, lp.Rules, lp.Bands, lp.Me, lp.Zone = r.Analysis, r.Rules, r.Bands, r.Me, r.Zone
	lp.Git = pipeline.GitPlan{Paths: r.Git.Paths, Authors: r.Git.Authors, Gap: r.Git.Gap, Lead: r.Git.Lead, AfterHours: r.Git.AfterHours}
}

// checkLoad checks the flags of a command that loads calendars and plans
// the loading: the calendar chosen (by the flags, else the provider signed
// in to), the settings (flags over the environment over the config file
// over the defaults), and the range. A mistake in a flag is a usage error
// (exit 2), one in the environment or the file an error (exit 1).
func checkLoad(cmd *cobra.Command, src *sourceFlags, rng *rangeFlags) (*loadPlan, error) {
	var getenv func(string) string
	if sf := settingsFileOf(cmd); sf != nil {
		getenv = sf.getenv
	}
	kind, err := src.pick(signedInWith(getenv))
	if err != nil {
		return nil, err
	}
	set, err := resolveSettings(cmd, kind.provider)
	if err != nil {
		return nil, err
	}
	if err := src.checkSources(cmd.Flags(), kind); err != nil {
		return nil, err
	}
	lp := &loadPlan{kind: kind, sources: src, inForce: set, Plan: pipeline.Plan{Weeks: rng.Weeks}}
	lp.settle(set.Resolved)
	if rng.Weeks < 1 || rng.Weeks > maxWeeks {
		return nil, usagef("--weeks must be between 1 and %d, got %d", maxWeeks, rng.Weeks)
	}
	if lp.From, err = parseDate("--from", rng.From); err != nil {
		return nil, err
	}
	if lp.To, err = parseDate("--to", rng.To); err != nil {
		return nil, err
	}
	if !lp.From.IsZero() && !lp.To.IsZero() {
		if lp.From.After(lp.To) {
			return nil, usagef("--from %s is after --to %s", rng.From, rng.To)
		}
		if cmd.Flags().Changed("weeks") {
			return nil, usagef("--weeks cannot be combined with both --from and --to")
		}
		// Days by the calendar: a time.Duration ends at 292 years.
		if days := int((lp.To.Unix()-lp.From.Unix())/86400) + 1; days > 7*maxWeeks {
			return nil, usagef("--from %s to --to %s is %d weeks; at most %d (twenty years)", rng.From, rng.To, (days+6)/7, maxWeeks)
		}
	}
	return lp, nil
}

// loading is what a command that counts time keeps of its command line:
// the flags that choose the calendar and the days, and, once they are
// checked, the plan of the loading. analyze and events embed it; so does
// any command that counts the same events another way.
type loading struct {
	// Source chooses the calendar, Range the days.
	Source sourceFlags
	Range  rangeFlags

	plan *loadPlan
}

// addFlags adds the flags of the loading: see [addLoadFlags].
func (ld *loading) addFlags(cmd *cobra.Command, defaultWeeks int) {
	addLoadFlags(cmd, &ld.Source, &ld.Range, defaultWeeks)
}

// runE is the RunE of a command that loads calendars: it checks the
// output format and the flags, keeps the plan, then runs the command,
// which loads with ld.plan.load.
func (ld *loading) runE(output *string, formats []string, run func(context.Context) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := checkOutput(*output, formats); err != nil {
			return err
		}
		p, err := checkLoad(cmd, &ld.Source, &ld.Range)
		if err != nil {
			return err
		}
		ld.plan = p
		return run(cmd.Context())
	}
}

// load opens the calendar chosen and loads it (see [pipeline.Load]),
// telling the user on standard error what the loading inferred and
// noticed.
func (lp *loadPlan) load(ctx context.Context, f *Factory) (*pipeline.Loaded, error) {
	now, err := f.now()
	if err != nil {
		return nil, err // the environment, not the command line: exit 1
	}
	if lp.kind.nobody {
		return nil, f.notSignedInAnywhere(true)
	}
	cals, err := lp.kind.open(ctx, f, lp.sources, lp.inForce.Resolved)
	if err != nil {
		return nil, err
	}
	mb, err := lp.withMailbox(ctx, cals)
	if err != nil {
		return nil, err
	}
	p := lp.Plan
	p.Now, p.MachineZone = now, machineZone(f)
	p.Git.Paths = homePaths(f, p.Git.Paths)
	l, err := pipeline.Load(ctx, pipeline.Sources{Calendars: cals, History: lp.history(now)}, p)
	if errors.Is(err, ics.ErrBudget) {
		return nil, withHint(err, "a shorter range (--weeks, or --from and --to) expands fewer occurrences; the series named is the one that costs most")
	}
	if err != nil {
		return nil, err
	}
	say(f.IO.ErrOut, l.Notices)
	mb.say(f.IO.ErrOut, lp.inForce.Resolved, l.Settings.Zone)
	return l, nil
}

// mailboxSource is a calendar that keeps the user's own settings, as
// Microsoft 365 keeps the working hours set in Outlook in the mailbox
// settings.
type mailboxSource interface {
	Mailbox(ctx context.Context) (mailboxHours, error)
}

// mailboxHours are the working hours a calendar keeps for the user.
type mailboxHours struct {
	// layer is them as a layer of the settings; nil when none are kept.
	layer *config.Mailbox
	// zone is the IANA zone they are set in; "" when not known.
	zone string
	// warnings are the settings that could not be read.
	warnings []string
}

// withMailbox reads the working hours the first calendar of cals that
// keeps any keeps (Microsoft 365's: Outlook's working hours) and resolves
// the settings again with them as a layer under the config file: they
// count where neither a flag, the environment nor the file sets the
// working hours ([config.Mailbox]).
func (lp *loadPlan) withMailbox(ctx context.Context, cals []pipeline.Calendar) (mailboxHours, error) {
	for _, c := range cals {
		ms, ok := c.Source.(mailboxSource)
		if !ok {
			continue
		}
		mb, err := ms.Mailbox(ctx)
		if err != nil {
			return mailboxHours{}, fmt.Errorf("%s: %w", c.Name, err)
		}
		if mb.layer == nil {
			return mb, nil
		}
		l := lp.inForce.layers
		l.Mailbox = mb.layer
		r, err := config.Resolve(l)
		if _, ok := errors.AsType[*config.FlagError](err); ok {
			return mailboxHours{}, usageError{err}
		}
		if err != nil {
			return mailboxHours{}, err
		}
		lp.settle(r)
		return mb, nil
	}
	return mailboxHours{}, nil
}

// mailboxCounts reports whether working hours a calendar keeps would count
// under the settings in force: neither the file nor the flags and the
// environment together set the working hours whole. The settings' own
// table says, asked with a week that could be anyone's.
func (lp *loadPlan) mailboxCounts() bool {
	l := lp.inForce.layers
	l.Mailbox = &config.Mailbox{Source: "any", Hours: [7]analyze.Span{time.Monday: {Start: 9 * time.Hour, End: 17 * time.Hour}}}
	r, err := config.Resolve(l)
	if err != nil {
		return false
	}
	for _, s := range r.Settings {
		if s.Key == "work_hours" {
			return s.Mailbox != ""
		}
	}
	return false
}

// showMailbox lays the working hours the calendar keeps (Outlook's) under
// the settings `config show` shows, when the kind read keeps them and they
// would count: it reads them as analyze does. What cannot be read is a
// warning, and the rest is still shown.
func (lp *loadPlan) showMailbox(ctx context.Context, f *Factory) {
	if !lp.kind.keepsHours || lp.kind.nobody || !lp.mailboxCounts() {
		return
	}
	cals, err := lp.kind.open(ctx, f, lp.sources, lp.inForce.Resolved)
	var mb mailboxHours
	if err == nil {
		mb, err = lp.withMailbox(ctx, cals)
	}
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "emtime: warning: the working hours set at %s were not read, so they are not shown: %s\n",
			lp.kind.name, textsafe.Line(err.Error()))
		return
	}
	for _, text := range mb.warnings {
		fmt.Fprintf(f.IO.ErrOut, "emtime: warning: your mailbox settings: %s\n", textsafe.Line(text))
	}
}

// say tells what the loading took from the mailbox: the working hours in
// force when they are the mailbox's, a zone they were set in other than
// the analysis zone, and what could not be read.
func (mb mailboxHours) say(w io.Writer, set *config.Resolved, zone *time.Location) {
	for _, text := range mb.warnings {
		fmt.Fprintf(w, "emtime: warning: your mailbox settings: %s\n", textsafe.Line(text))
	}
	if mb.layer == nil {
		return
	}
	for _, s := range set.Settings {
		if s.Key != "work_hours" || s.Mailbox == "" {
			continue
		}
		how := "as set in Outlook"
		if s.Origin != config.OriginMailbox {
			how = "in part as set in Outlook" // the other part by a flag or a variable
		}
		fmt.Fprintf(w, "emtime: working hours %s, %s (%s); use --work-hours and --work-days to say otherwise\n",
			textsafe.Line(s.Shown), how, textsafe.Line(s.Mailbox))
		if zone != nil && mb.zone != "" && mb.zone != zone.String() {
			fmt.Fprintf(w, "emtime: warning: those working hours are set in %s; they are counted as the same hours in %s, the zone of the analysis\n",
				textsafe.Line(mb.zone), textsafe.Line(zone.String()))
		}
	}
}

// history is where the run's commits come from: the kind of calendar's
// own history (the demo's built-in one) unless --git is given on the
// command line, else the repositories the git setting names, read from
// disk; nil when there are none.
func (lp *loadPlan) history(now time.Time) pipeline.History {
	if lp.kind.history != nil && lp.inForce.Git.Origin != config.OriginFlag {
		return lp.kind.history(lp.sources, now)
	}
	if len(lp.Git.Paths) == 0 {
		return nil
	}
	return gitlog.Read
}

// homePaths expands a leading ~ to the home folder: the shell does it for
// a flag (though not in --git=~/src), but not in the config file or
// EMTIME_GIT.
func homePaths(f *Factory, paths []string) []string {
	home := f.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if home == "" {
			continue
		}
		if p == "~" {
			out[i] = home
		} else if rest, ok := strings.CutPrefix(p, "~"+string(filepath.Separator)); ok {
			out[i] = filepath.Join(home, rest)
		} else if rest, ok := strings.CutPrefix(p, "~/"); ok {
			out[i] = filepath.Join(home, rest)
		}
	}
	return out
}

// say prints the loading's notices: a warning as a warning, an inference
// with how to correct it.
func say(w io.Writer, notices []pipeline.Notice) {
	for _, n := range notices {
		text := textsafe.Line(n.Text)
		switch n.Kind {
		case pipeline.MeInferred:
			text += "; use --me to say otherwise"
		case pipeline.MeUnknown:
			text += "; use --me"
		case pipeline.GitHint:
			fmt.Fprintf(w, "emtime: hint: %s\n", text)
			continue
		}
		if n.Kind.Warning() {
			fmt.Fprintf(w, "emtime: warning: %s\n", text)
		} else {
			fmt.Fprintf(w, "emtime: %s\n", text)
		}
	}
}

func parseDate(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, usagef("%s %s is not a date like 2026-03-02", flag, textsafe.Quote(v))
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, usagef("%s %s is outside the years emtime reads, %d to %d", flag, v, minYear, maxYear)
	}
	return t, nil
}

// machineZone is this machine's zone: TZ, else /etc/localtime's name, else
// the Go runtime's Local.
func machineZone(f *Factory) *time.Location {
	if tz := f.Getenv("TZ"); tz != "" {
		if loc, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
			return loc
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			if loc, err := time.LoadLocation(target[i+len("zoneinfo/"):]); err == nil {
				return loc
			}
		}
	}
	return time.Local
}
