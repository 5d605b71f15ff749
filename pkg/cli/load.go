package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/demo"
	"github.com/emtime/emtime/pkg/ics"
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

// maxAddress is the longest e-mail address (RFC 5321).
const maxAddress = 254

// sourceOptions are the flags shared by the commands that read a calendar:
// where from, which days, and how to count.
type sourceOptions struct {
	ICS    []string
	Demo   string
	Google googleSourceOptions
	Me     []string

	TZ    string
	From  string
	To    string
	Weeks int

	WorkHours string
	WorkDays  string
	WeekStart string
	FocusMin  time.Duration

	OnlyAccepted bool
	LargeMeeting int

	// Bands, in percent.
	EMMeetingMin, EMMeetingMax, ICFocusMin, ICFocusMax, EMFocusMax float64

	weeksSet bool
}

func (o *sourceOptions) addFlags(cmd *cobra.Command, defaultWeeks int) {
	fl := cmd.Flags()
	fl.StringArrayVar(&o.ICS, "ics", nil, "read an iCalendar file (repeatable; - reads standard input)")
	fl.StringVar(&o.Demo, "demo", "", "use the built-in demo calendar of a persona: "+strings.Join(demo.Personas(), ", "))
	fl.Lookup("demo").NoOptDefVal = demo.DefaultPersona
	o.Google.addFlags(fl)
	fl.StringArrayVar(&o.Me, "me", nil, "my e-mail address (repeatable for aliases); inferred from the calendar when absent")
	fl.StringVar(&o.TZ, "tz", "", "analysis time zone, e.g. Europe/Berlin (default: the calendar's, else this machine's)")
	fl.StringVar(&o.From, "from", "", "first day of the range, YYYY-MM-DD")
	fl.StringVar(&o.To, "to", "", "last day of the range, YYYY-MM-DD (default: the end of the current week)")
	fl.IntVar(&o.Weeks, "weeks", defaultWeeks, "number of weeks, ending with the current week or the week holding --to")
	fl.StringVar(&o.WorkHours, "work-hours", "09:00-17:00", "working hours of each working day")
	fl.StringVar(&o.WorkDays, "work-days", "mon-fri", "working days, e.g. mon-fri or sun-thu or mon,tue,thu")
	fl.StringVar(&o.WeekStart, "week-start", "mon", "first day of a week")
	fl.DurationVar(&o.FocusMin, "focus-min", 2*time.Hour, "shortest free stretch that counts as focus time")
	fl.BoolVar(&o.OnlyAccepted, "only-accepted", false, "count only meetings I accepted (drop tentative and unanswered)")
	fl.IntVar(&o.LargeMeeting, "large-meeting", 10, "people (me included) from which a meeting counts as large")
	b := verdict.DefaultBands()
	fl.Float64Var(&o.EMMeetingMin, "em-meeting-min", b.EMMeetingMin*100, "bottom of the EM meeting band, in percent")
	fl.Float64Var(&o.EMMeetingMax, "em-meeting-max", b.EMMeetingMax*100, "top of the EM meeting band, in percent")
	fl.Float64Var(&o.ICFocusMin, "ic-focus-min", b.ICCodingMin*100, "bottom of the IC coding band, in percent")
	fl.Float64Var(&o.ICFocusMax, "ic-focus-max", b.ICCodingMax*100, "top of the IC coding band, in percent")
	fl.Float64Var(&o.EMFocusMax, "em-focus-max", b.EMCodingMax*100, "top of the EM coding band, in percent; above it an EM risks being a bottleneck")

	// What the shell offers after each flag.
	_ = cmd.MarkFlagFilename("ics", "ics", "ical", "ifb")
	completeWith(cmd, "demo", demo.Personas()...)
	completeWith(cmd, "week-start", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
	completeWith(cmd, "work-days", "mon-fri", "sun-thu", "mon-thu", "mon-sat")
	completeWith(cmd, "work-hours", "09:00-17:00", "08:00-16:00", "10:00-18:00")
	completeWith(cmd, "focus-min", "2h", "90m", "1h")
	for _, name := range []string{"tz", "from", "to", "weeks", "me", "calendar", "large-meeting",
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

// plan is the flags checked and turned into settings; the zone and the
// range are settled once the calendar is open.
type plan struct {
	settings analyze.Settings
	rules    classify.Rules
	bands    verdict.Bands
	tz       *time.Location // nil: not given
	from, to time.Time      // dates; zero when not given (civil, UTC)
}

// check fills what the flags leave unsaid from the environment and the
// config file, then validates: a mistake in a flag is a usage error (exit
// 2), one in the environment or the file an error (exit 1).
func (o *sourceOptions) check(cmd *cobra.Command) (*plan, error) {
	settings, err := o.applyConfig(cmd) // flags > environment > config file > defaults
	if err != nil {
		return nil, err
	}
	o.weeksSet = cmd.Flags().Changed("weeks")
	p := &plan{rules: classify.DefaultRules(), settings: analyze.DefaultSettings(time.UTC)}
	if len(o.ICS) > 0 && o.Demo != "" {
		return nil, usagef("--demo and --ics cannot be combined: choose one calendar")
	}
	if stdin := slices.DeleteFunc(slices.Clone(o.ICS), func(p string) bool { return p != "-" }); len(stdin) > 1 {
		return nil, usagef("--ics - reads standard input, which can be read only once")
	}
	if o.Demo != "" && !contains(demo.Personas(), o.Demo) {
		return nil, usagef("unknown demo persona %q: choose one of %s", o.Demo, strings.Join(demo.Personas(), ", "))
	}
	if err := o.Google.check(len(o.ICS) > 0 || o.Demo != ""); err != nil {
		return nil, err
	}
	if o.Weeks < 1 || o.Weeks > maxWeeks {
		return nil, usagef("--weeks must be between 1 and %d, got %d", maxWeeks, o.Weeks)
	}
	if o.TZ != "" {
		loc, err := time.LoadLocation(o.TZ)
		if err != nil || o.TZ == "Local" {
			return nil, usagef("--tz: unknown time zone %q (use an IANA name such as Europe/Berlin)", o.TZ)
		}
		p.tz = loc
	}
	if p.from, err = parseDate("--from", o.From); err != nil {
		return nil, err
	}
	if p.to, err = parseDate("--to", o.To); err != nil {
		return nil, err
	}
	if !p.from.IsZero() && !p.to.IsZero() {
		if p.from.After(p.to) {
			return nil, usagef("--from %s is after --to %s", o.From, o.To)
		}
		if o.weeksSet {
			return nil, usagef("--weeks cannot be combined with both --from and --to")
		}
		// Days by the calendar: a time.Duration ends at 292 years.
		if days := int((p.to.Unix()-p.from.Unix())/86400) + 1; days > 7*maxWeeks {
			return nil, usagef("--from %s to --to %s is %d weeks; at most %d (twenty years)", o.From, o.To, (days+6)/7, maxWeeks)
		}
	}

	span, err := analyze.ParseSpan(o.WorkHours)
	if err != nil {
		return nil, usagef("--work-hours: %v", err)
	}
	days, err := analyze.ParseWeekdays(o.WorkDays)
	if err != nil {
		return nil, usagef("--work-days: %v", err)
	}
	s := &p.settings
	for d := range s.Hours {
		s.Hours[d] = analyze.Span{}
		if days[d] {
			s.Hours[d] = span
		}
	}
	if s.WeekStart, err = analyze.ParseWeekday(o.WeekStart); err != nil {
		return nil, usagef("--week-start: %v", err)
	}
	if o.FocusMin < time.Minute || o.FocusMin > 24*time.Hour {
		return nil, usagef("--focus-min must be between 1m and 24h, got %s", o.FocusMin)
	}
	s.FocusMin = o.FocusMin.Round(time.Minute)

	if o.LargeMeeting < 3 {
		return nil, usagef("--large-meeting must be at least 3, got %d", o.LargeMeeting)
	}
	p.rules.LargeMeeting = o.LargeMeeting
	p.rules.OnlyAccepted = o.OnlyAccepted
	p.bands = verdict.Bands{
		EMMeetingMin: o.EMMeetingMin / 100, EMMeetingMax: o.EMMeetingMax / 100,
		ICCodingMin: o.ICFocusMin / 100, ICCodingMax: o.ICFocusMax / 100, EMCodingMax: o.EMFocusMax / 100,
	}
	if err := p.bands.Validate(); err != nil {
		return nil, usageError{err}
	}
	for _, m := range o.Me {
		if !strings.Contains(m, "@") || len(m) > maxAddress {
			return nil, usagef("--me %s is not an e-mail address", quoteClipped(m))
		}
	}
	settings.fill(p)
	return p, nil
}

func parseDate(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, usagef("%s %s is not a date like 2026-03-02", flag, quoteClipped(v))
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, usagef("%s %s is outside the years emtime reads, %d to %d", flag, v, minYear, maxYear)
	}
	return t, nil
}

// quoteClipped quotes a value for a message, clipped to 60 characters: a
// message need not repeat a whole megabyte that was given by mistake.
func quoteClipped(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return strconv.Quote(string(r[:max])) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// loaded is a calendar read, classified and placed in its zone and range.
type loaded struct {
	settings analyze.Settings
	rules    classify.Rules
	bands    verdict.Bands
	from, to time.Time // midnights in the zone; to excluded
	today    time.Time
	events   []classify.Event
	me       []string
	sources  []string
	warnings []string
}

// named is a source with the name the user knows it by.
type named struct {
	name string
	calendar.Source
}

// openSources opens the calendars the flags name: the demo, the --ics
// files, else Google Calendar.
func (o *sourceOptions) openSources(ctx context.Context, f *Factory) ([]named, error) {
	if o.Demo != "" {
		src, err := demo.Source(o.Demo)
		if err != nil {
			return nil, err
		}
		return []named{{"demo:" + o.Demo, src}}, nil
	}
	if len(o.ICS) == 0 {
		return o.openGoogle(ctx, f)
	}
	var out []named
	for _, path := range o.ICS {
		if path == "-" {
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(f.IO.In); err != nil {
				return nil, fmt.Errorf("reading standard input: %w", err)
			}
			cal, err := ics.Parse("stdin", &buf)
			if err != nil {
				return nil, err
			}
			out = append(out, named{"stdin", cal})
			continue
		}
		cal, err := ics.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, named{filepath.Base(path), cal})
	}
	return out, nil
}

// load reads the calendars and classifies the events of the range.
func (o *sourceOptions) load(ctx context.Context, f *Factory, p *plan) (*loaded, error) {
	now, err := f.now()
	if err != nil {
		return nil, err // the environment, not the command line: exit 1
	}
	sources, err := o.openSources(ctx, f)
	if err != nil {
		return nil, err
	}
	var info []calendar.Info
	for _, s := range sources {
		i, err := s.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		info = append(info, i)
	}

	zone := p.tz
	if zone == nil {
		for _, i := range info {
			if i.Zone == "" {
				continue
			}
			if zone, err = time.LoadLocation(i.Zone); err != nil {
				zone = nil
			} else {
				break
			}
		}
	}
	if zone == nil {
		zone = machineZone(f)
	}
	l := &loaded{settings: p.settings, rules: p.rules, bands: p.bands, today: now.In(zone)}
	l.settings.Zone = zone
	l.from, l.to = o.window(p, l.settings, l.today)

	q := calendar.Query{From: l.from, To: l.to, Zone: zone}
	var results []calendar.Result
	// One budget for every file: several files are bounded as one is.
	qctx := ics.WithBudget(ctx, ics.NewBudget())
	for _, s := range sources {
		r, err := s.Events(qctx, q)
		if errors.Is(err, ics.ErrBudget) {
			return nil, withHint(fmt.Errorf("%s: %w", s.name, err), "a shorter range (--weeks, or --from and --to) expands fewer occurrences; the series named is the one that costs most")
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		results = append(results, r)
		l.sources = append(l.sources, s.name)
	}
	merged := calendar.Merge(results...)
	l.warnings = merged.Warnings
	if !slices.ContainsFunc(merged.Events, func(e calendar.Event) bool { return e.Overlaps(l.from, l.to) }) {
		// Every working hour will count as focus: say why, in case the
		// export does not reach this far.
		fmt.Fprintf(f.IO.ErrOut, "emtime: warning: %s holds no events from %s to %s; every working hour counts as free time\n",
			textsafe.Line(strings.Join(l.sources, ", ")), l.from.Format(time.DateOnly), l.to.AddDate(0, 0, -1).Format(time.DateOnly))
	}

	l.me = lowerAll(o.Me)
	if len(l.me) == 0 {
		var ownerInfo calendar.Info
		if len(info) > 0 {
			ownerInfo = info[0]
		}
		me, how := classify.InferMe(ownerInfo, merged.Events)
		if len(me) > 0 {
			fmt.Fprintf(f.IO.ErrOut, "emtime: taking you to be %s (%s); use --me to say otherwise\n",
				textsafe.Line(strings.Join(me, ", ")), textsafe.Line(how))
		} else {
			fmt.Fprintf(f.IO.ErrOut, "emtime: could not tell who you are, so meetings you declined cannot be told apart; use --me\n")
		}
		l.me = me
	}
	l.rules.Me = l.me
	if len(l.me) > 0 && l.settings.Domain == "" {
		if at := strings.LastIndexByte(l.me[0], '@'); at >= 0 {
			l.settings.Domain = l.me[0][at+1:]
		}
	}
	l.events = classify.Classify(merged.Events, l.rules)
	return l, nil
}

// window settles the range: both dates when given; --from alone starts
// --weeks weeks there; else --weeks whole weeks ending with the week holding
// --to, or with the current week.
func (o *sourceOptions) window(p *plan, s analyze.Settings, today time.Time) (from, to time.Time) {
	inZone := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.Zone)
	}
	switch {
	case !p.from.IsZero() && !p.to.IsZero():
		return inZone(p.from), inZone(p.to).AddDate(0, 0, 1)
	case !p.from.IsZero():
		f := inZone(p.from)
		return f, s.WeekStartOf(f).AddDate(0, 0, 7*o.Weeks)
	}
	last := today
	if !p.to.IsZero() {
		last = inZone(p.to)
	}
	end := s.WeekStartOf(last).AddDate(0, 0, 7)
	return end.AddDate(0, 0, -7*o.Weeks), end
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

func lowerAll(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}
	return out
}
