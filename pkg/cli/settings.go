package cli

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Where a setting comes from. A flag wins over the environment, the
// environment over the config file, the file over the defaults.
//
// The environment sets only what depends on where or as whom emtime runs;
// each variable takes what its flag takes:
//
//	EMTIME_TZ          like --tz
//	EMTIME_ME          like --me; several addresses separated by commas
//	EMTIME_WORK_HOURS  like --work-hours
//	EMTIME_WORK_DAYS   like --work-days
const (
	envTZ        = "EMTIME_TZ"
	envMe        = "EMTIME_ME"
	envWorkHours = "EMTIME_WORK_HOURS"
	envWorkDays  = "EMTIME_WORK_DAYS"
)

// maxEnvValue is the longest value a setting variable may hold: room for
// a dozen addresses in EMTIME_ME.
const maxEnvValue = 4096

// origin is where a setting in force came from.
type origin string

const (
	originDefault origin = "default"
	originConfig  origin = "config"
	originEnv     origin = "environment"
	originFlag    origin = "flag"
)

// setting is one setting in force and where it came from.
type setting struct {
	Key string `json:"key"`
	// Value is what the config file would say: a string, a number, a
	// bool, a list, or null when unset and left to the calendar.
	Value  any    `json:"value"`
	Source origin `json:"source"`
	// Line is the config file's line, Env the variable, Flag the flag
	// that gave it.
	Line int    `json:"line,omitempty"`
	Env  string `json:"env,omitempty"`
	Flag string `json:"flag,omitempty"`

	// shown is Value in words, for the table.
	shown string
}

// provenance is every setting in force, in the config file's order, and
// what of it the flags of sourceOptions cannot carry.
type provenance struct {
	ConfigFile  string    `json:"config_file"`
	ConfigFound bool      `json:"config_found"`
	Settings    []setting `json:"settings"`

	hours    [7]analyze.Span
	domain   string
	keywords config.Keywords
	custom   []classify.CategoryRule
}

// fill puts into a plan what the options cannot carry: working hours that
// differ from day to day, my domain, the keyword lists and the custom
// categories. Call it once check has built the plan from the options.
func (pv *provenance) fill(p *plan) {
	p.settings.Hours = pv.hours
	if pv.domain != "" {
		p.settings.Domain = pv.domain
	}
	p.rules.OutOfOffice, p.rules.Personal = pv.keywords.OutOfOffice, pv.keywords.Personal
	p.rules.Focus, p.rules.Interview = pv.keywords.Focus, pv.keywords.Interview
	p.rules.Custom = pv.custom
}

// settingsSource is where a command's settings come from besides its own
// flags: the config file and the environment. The root command keeps one
// as the value of its persistent --config flag, so that every command
// finds both through the command it runs.
type settingsSource struct {
	path   string // --config; empty: config.yaml in the config folder
	getenv func(string) string
}

func (s *settingsSource) String() string     { return s.path }
func (s *settingsSource) Set(v string) error { s.path = v; return nil }
func (s *settingsSource) Type() string       { return "file" }

// addConfigFlag gives the root its persistent --config flag.
func addConfigFlag(root *cobra.Command, f *Factory) {
	root.PersistentFlags().Var(&settingsSource{getenv: f.Getenv}, "config",
		"read settings from `FILE` (default: config.yaml in "+auth.EnvConfigDir+", else in the user config folder's emtime)")
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
}

// sourceOf finds the settings source of the root cmd runs under; nil for
// a command built without the root (as tests of flag parsing build them),
// which reads no file and no environment.
func sourceOf(cmd *cobra.Command) *settingsSource {
	if fl := cmd.Flag("config"); fl != nil {
		if s, ok := fl.Value.(*settingsSource); ok {
			return s
		}
	}
	return nil
}

// configPath is the config file to read, and whether the user named it.
func (s *settingsSource) configPath() (path string, named bool, err error) {
	if s.path != "" {
		return s.path, true, nil
	}
	dir, err := auth.ConfigDir(s.getenv)
	if err != nil {
		return "", false, err
	}
	return filepath.Join(dir, config.FileName), false, nil
}

// configFlag is the --config flag a hint's command needs to reach the file
// at path: none for the config folder's own file.
func configFlag(path string, named bool) string {
	if !named {
		return ""
	}
	if strings.ContainsAny(path, " \t'\"\\$`") {
		return " --config " + strconv.Quote(path)
	}
	return " --config " + path
}

// load reads the config file. A file the user did not name with --config
// may be absent, and found is false: the defaults stand.
func (s *settingsSource) load() (cfg *config.File, path string, found bool, err error) {
	path, named, err := s.configPath()
	if err != nil {
		return config.Default(), "", false, nil // no config folder: no file to read
	}
	cfg, err = config.Load(path)
	switch {
	case err == nil:
		return cfg, path, true, nil
	case errors.Is(err, os.ErrNotExist) && !named:
		return config.Default(), path, false, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, path, false, withHint(fmt.Errorf("config file %s does not exist", path),
			"write a commented one with 'emtime config init"+configFlag(path, true)+"'")
	case config.IsError(err):
		return nil, path, false, withHint(err,
			"fix the file, or write a fresh commented one over it with 'emtime config init --force"+configFlag(path, named)+"'")
	}
	return nil, path, false, err
}

// applyConfig fills the options whose flags were not given from the
// environment, then the config file, then the defaults, and says where
// each setting came from. check calls it before it checks the flags. A
// mistake in the file or in the environment is an error (exit 1), not a
// usage error: the command line itself is right.
func (o *sourceOptions) applyConfig(cmd *cobra.Command) (*provenance, error) {
	src := sourceOf(cmd)
	if src == nil {
		return o.applySettings(cmd.Flags(), config.Default(), func(string) string { return "" })
	}
	cfg, path, found, err := src.load()
	if err != nil {
		return nil, err
	}
	pv, err := o.applySettings(cmd.Flags(), cfg, src.getenv)
	if err != nil {
		return nil, err
	}
	pv.ConfigFile, pv.ConfigFound = path, found
	return pv, nil
}

// applySettings lays the layers over the options: flags (those changed in
// fs) > environment (getenv) > cfg (the file over the defaults). Only the
// options whose flags were not changed are set.
func (o *sourceOptions) applySettings(fs *pflag.FlagSet, cfg *config.File, getenv func(string) string) (*provenance, error) {
	pv := &provenance{domain: cfg.Domain, keywords: cfg.Keywords, custom: cfg.Categories}
	for _, name := range []string{envMe, envTZ, envWorkHours, envWorkDays} {
		if n := len(getenv(name)); n > maxEnvValue {
			return nil, fmt.Errorf("%s is %d bytes long, longer than any value it takes (%d at most)", name, n, maxEnvValue)
		}
	}
	changed := func(flag string) bool { fl := fs.Lookup(flag); return fl != nil && fl.Changed }
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	// fromFile is the origin of a key the flag and the environment left.
	fromFile := func(s setting, key string) setting {
		s.Source = originDefault
		if line := cfg.Line(key); line > 0 {
			s.Source, s.Line = originConfig, line
		}
		return s
	}
	add := func(s setting) { pv.Settings = append(pv.Settings, s) }

	// me
	me := setting{Key: "me"}
	switch v := env(envMe); {
	case changed("me"):
		me.Source, me.Flag = originFlag, "--me"
	case v != "":
		o.Me = nil
		for _, a := range strings.Split(v, ",") {
			a = strings.TrimSpace(a)
			if addr, err := mail.ParseAddress(a); err != nil || addr.Address != a || len(a) > maxAddress {
				return nil, fmt.Errorf("%s: %s is not an e-mail address", envMe, quoteClipped(a))
			}
			o.Me = append(o.Me, a)
		}
		me.Source, me.Env = originEnv, envMe
	default:
		me = fromFile(me, "me")
		o.Me = cfg.Me
	}
	me.Value, me.shown = listValue(lowerAll(o.Me), "(inferred from the calendar)")
	add(me)

	domain := fromFile(setting{Key: "domain", Value: nullable(cfg.Domain), shown: cfg.Domain}, "domain")
	if cfg.Domain == "" {
		domain.shown = "(the domain of my first address)"
	}
	add(domain)

	// timezone
	tz := setting{Key: "timezone"}
	switch v := env(envTZ); {
	case changed("tz"):
		tz.Source, tz.Flag = originFlag, "--tz"
	case v != "":
		if _, err := time.LoadLocation(v); err != nil || v == "Local" {
			return nil, fmt.Errorf("%s: unknown time zone %q (use an IANA name such as Europe/Berlin)", envTZ, v)
		}
		o.TZ = v
		tz.Source, tz.Env = originEnv, envTZ
	default:
		tz = fromFile(tz, "timezone")
		o.TZ = cfg.Timezone
	}
	tz.Value, tz.shown = nullable(o.TZ), o.TZ
	if o.TZ == "" {
		tz.shown = "(the calendar's, else this machine's)"
	}
	add(tz)

	// work_hours: the file's week (or the default one), reshaped by the
	// environment, then by the flags.
	// The hours and the days are two halves, each from where it was last
	// given; the setting names every place that still gives one.
	hours := fromFile(setting{Key: "work_hours"}, "work_hours")
	type half struct {
		origin       origin
		env, flag    string
		fromFileLine int
	}
	spans := half{origin: hours.Source, fromFileLine: hours.Line}
	days := spans
	week := cfg.WorkHours
	var err error
	if h, d := env(envWorkHours), env(envWorkDays); h != "" || d != "" {
		if week, err = reshapeWeek(week, cfg.WorkHours, h, d, envWorkHours+": ", envWorkDays+": "); err != nil {
			return nil, err
		}
		if h != "" {
			spans = half{origin: originEnv, env: envWorkHours}
		}
		if d != "" {
			days = half{origin: originEnv, env: envWorkDays}
		}
	}
	if h, d := changed("work-hours"), changed("work-days"); h || d {
		if week, err = reshapeWeek(week, cfg.WorkHours, ifTrue(h, o.WorkHours), ifTrue(d, o.WorkDays), "--work-hours: ", "--work-days: "); err != nil {
			return nil, usageError{err}
		}
		if h {
			spans = half{origin: originFlag, flag: "--work-hours"}
		}
		if d {
			days = half{origin: originFlag, flag: "--work-days"}
		}
	}
	hours.Source = stronger(spans.origin, days.origin)
	hours.Flag = strings.Trim(spans.flag+", "+days.flag, ", ")
	hours.Env = strings.Trim(spans.env+", "+days.env, ", ")
	hours.Line = max(spans.fromFileLine, days.fromFileLine)
	pv.hours = week
	if !changed("work-hours") {
		o.WorkHours = typicalSpan(week).String()
	}
	if !changed("work-days") {
		o.WorkDays = workDays(week)
	}
	hours.Value, hours.shown = weekValue(week), weekWords(week)
	add(hours)

	// The settings that only a flag or the file give.
	flagOrFile := func(key, flag string, fromCfg func()) setting {
		if changed(flag) {
			return setting{Key: key, Source: originFlag, Flag: "--" + flag}
		}
		fromCfg()
		return fromFile(setting{Key: key}, key)
	}
	s := flagOrFile("week_start", "week-start", func() { o.WeekStart = dayKey(cfg.WeekStart) })
	add(shownAs(s, strings.ToLower(o.WeekStart)))
	s = flagOrFile("focus_min", "focus-min", func() { o.FocusMin = cfg.FocusMin })
	add(shownAs(s, duration(o.FocusMin)))

	bands := []struct {
		key, flag string
		opt       *float64
		cfg       float64
	}{
		{"em_meeting_min", "em-meeting-min", &o.EMMeetingMin, cfg.Bands.EMMeetingMin},
		{"em_meeting_max", "em-meeting-max", &o.EMMeetingMax, cfg.Bands.EMMeetingMax},
		{"ic_focus_min", "ic-focus-min", &o.ICFocusMin, cfg.Bands.ICCodingMin},
		{"ic_focus_max", "ic-focus-max", &o.ICFocusMax, cfg.Bands.ICCodingMax},
		{"em_focus_max", "em-focus-max", &o.EMFocusMax, cfg.Bands.EMCodingMax},
	}
	for _, b := range bands {
		s := flagOrFile("bands."+b.key, b.flag, func() { *b.opt = percent(b.cfg) })
		s.Value, s.shown = *b.opt, strconv.FormatFloat(*b.opt, 'f', -1, 64)+"%"
		add(s)
	}

	for _, k := range []struct {
		key  string
		list []string
	}{
		{"out_of_office", cfg.Keywords.OutOfOffice}, {"personal", cfg.Keywords.Personal},
		{"focus", cfg.Keywords.Focus}, {"interview", cfg.Keywords.Interview},
	} {
		s := fromFile(setting{Key: "keywords." + k.key}, "keywords."+k.key)
		s.Value, s.shown = listValue(k.list, "(none)")
		add(s)
	}

	// The file's calendars are read only when the command line names no
	// other source.
	s = flagOrFile("calendars", "calendar", func() {
		if len(o.ICS) == 0 && o.Demo == "" {
			o.Google.Calendars = cfg.Calendars
		}
	})
	cals := cfg.Calendars
	if s.Source == originFlag {
		cals = o.Google.Calendars
	}
	s.Value, s.shown = listValue(cals, "(none named: primary)")
	add(s)

	s = flagOrFile("only_accepted", "only-accepted", func() { o.OnlyAccepted = cfg.OnlyAccepted })
	add(shownAs(s, o.OnlyAccepted))
	s = flagOrFile("large_meeting", "large-meeting", func() { o.LargeMeeting = cfg.LargeMeeting })
	add(shownAs(s, o.LargeMeeting))

	s = fromFile(setting{Key: "categories"}, "categories")
	s.Value, s.shown = categoriesValue(cfg.Categories)
	add(s)
	return pv, nil
}

// stronger is the origin of the two that wins: a flag over the environment,
// the environment over the file, the file over the default.
func stronger(a, b origin) origin {
	rank := map[origin]int{originDefault: 0, originConfig: 1, originEnv: 2, originFlag: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// reshapeWeek applies --work-hours and --work-days (or their variables) to
// a week: days, when given, are the working days; hours, when given, are
// the hours of every working day. A working day with no hours of its own
// takes its hours in the file's week (file), else the week's most common
// hours.
func reshapeWeek(week, file [7]analyze.Span, hours, days, hoursName, daysName string) ([7]analyze.Span, error) {
	var span analyze.Span
	if hours != "" {
		var err error
		if span, err = analyze.ParseSpan(hours); err != nil {
			return week, fmt.Errorf("%s%w", hoursName, err)
		}
	}
	worked := [7]bool{}
	for d := range week {
		worked[d] = !week[d].IsZero()
	}
	if days != "" {
		var err error
		if worked, err = analyze.ParseWeekdays(days); err != nil {
			return week, fmt.Errorf("%s%w", daysName, err)
		}
	}
	typical := typicalSpan(week)
	var out [7]analyze.Span
	for d := range out {
		switch {
		case !worked[d]:
		case hours != "":
			out[d] = span
		case !week[d].IsZero():
			out[d] = week[d]
		case !file[d].IsZero():
			out[d] = file[d]
		default:
			out[d] = typical
		}
	}
	return out, nil
}

// typicalSpan is the hours most days of the week share, earliest day from
// Monday first on a tie; 09:00-17:00 for a week with no working day.
func typicalSpan(week [7]analyze.Span) analyze.Span {
	best, n := analyze.DefaultSettings(time.UTC).Hours[time.Monday], 0
	for _, d := range mondayFirst() {
		if week[d].IsZero() {
			continue
		}
		c := 0
		for _, s := range week {
			if s == week[d] {
				c++
			}
		}
		if c > n {
			best, n = week[d], c
		}
	}
	return best
}

// workDays names the working days of a week as --work-days takes them.
func workDays(week [7]analyze.Span) string {
	var days []string
	for _, d := range mondayFirst() {
		if !week[d].IsZero() {
			days = append(days, dayKey(d))
		}
	}
	return strings.Join(days, ",")
}

// weekWords says a week's hours in a few words: runs of days with the
// same hours, "mon-thu 09:00-17:00, fri 09:00-13:00".
func weekWords(week [7]analyze.Span) string {
	var parts []string
	days := mondayFirst()
	for i := 0; i < len(days); {
		d := days[i]
		j := i
		for j+1 < len(days) && week[days[j+1]] == week[d] {
			j++
		}
		if !week[d].IsZero() {
			name := dayKey(d)
			if j > i {
				name += "-" + dayKey(days[j])
			}
			parts = append(parts, name+" "+week[d].String())
		}
		i = j + 1
	}
	if len(parts) == 0 {
		return "(no working day)"
	}
	return strings.Join(parts, ", ")
}

// weekValue is a week as the config file writes it: the working days'
// hours by day.
func weekValue(week [7]analyze.Span) map[string]string {
	out := map[string]string{}
	for d, s := range week {
		if !s.IsZero() {
			out[dayKey(time.Weekday(d))] = s.String()
		}
	}
	return out
}

func categoriesValue(rules []classify.CategoryRule) (any, string) {
	type rule struct {
		Name            string `json:"name"`
		Title           string `json:"title,omitempty"`
		MinPeople       int    `json:"min_people,omitempty"`
		MaxPeople       int    `json:"max_people,omitempty"`
		Recurring       *bool  `json:"recurring,omitempty"`
		OrganizerDomain string `json:"organizer_domain,omitempty"`
		AttendeeDomain  string `json:"attendee_domain,omitempty"`
	}
	out := []rule{}
	var names []string
	for _, r := range rules {
		x := rule{Name: string(r.Name), MinPeople: r.MinPeople, MaxPeople: r.MaxPeople, Recurring: r.Recurring,
			OrganizerDomain: r.OrganizerDomain, AttendeeDomain: r.AttendeeDomain}
		if r.Title != nil {
			x.Title = strings.TrimPrefix(r.Title.String(), "(?i)")
		}
		out = append(out, x)
		names = append(names, string(r.Name))
	}
	if len(names) == 0 {
		return out, "(none: the built-in categories only)"
	}
	return out, strings.Join(names, ", ") + " (then the built-in ones)"
}

func mondayFirst() []time.Weekday {
	return []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
}

func dayKey(d time.Weekday) string {
	return [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d]
}

// duration writes a duration as the config file takes it: 2h, 90m, 1h30m.
func duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// percent turns a share into the percentage the flags take, without
// float noise (0.29 is 29, not 28.999999999999996).
func percent(share float64) float64 {
	p, _ := strconv.ParseFloat(strconv.FormatFloat(share*100, 'f', 10, 64), 64)
	return p
}

func shownAs(s setting, v any) setting {
	s.Value, s.shown = v, fmt.Sprint(v)
	return s
}

func listValue(list []string, none string) (any, string) {
	if len(list) == 0 {
		return []string{}, none
	}
	return list, strings.Join(list, ", ")
}

// nullable is null in JSON for an unset string.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ifTrue(b bool, s string) string {
	if !b {
		return ""
	}
	return s
}
