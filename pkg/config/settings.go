package config

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
)

// The environment sets only what depends on where or as whom emtime runs;
// each variable takes what its flag takes.
const (
	// EnvTZ is like --tz.
	EnvTZ = "EMTIME_TZ"
	// EnvMe is like --me; several addresses are separated by commas.
	EnvMe = "EMTIME_ME"
	// EnvWorkHours is like --work-hours.
	EnvWorkHours = "EMTIME_WORK_HOURS"
	// EnvWorkDays is like --work-days.
	EnvWorkDays = "EMTIME_WORK_DAYS"
	// EnvGit is like --git; several paths are separated as in PATH (":"
	// on Unix, ";" on Windows).
	EnvGit = "EMTIME_GIT"
)

// The bounds of the coding settings.
const (
	MinCodingGap        = time.Minute
	MaxCodingGap        = 24 * time.Hour
	MaxCodingLead       = 8 * time.Hour
	MaxAfterHoursCoding = 7 * 24 * time.Hour
)

// maxAddress is the longest e-mail address (RFC 5321).
const maxAddress = 254

// MaxEnvValue is the longest value a setting variable may hold: room for
// a dozen addresses in EMTIME_ME.
const MaxEnvValue = 4096

// The providers whose calendars the file's calendars key names.
const (
	ProviderGoogle    = "google"
	ProviderMicrosoft = "microsoft"
)

// Origin is where a setting in force came from. A flag wins over the
// environment, the environment over the config file, the file over the
// calendar provider's mailbox settings, and those over the defaults.
type Origin string

const (
	OriginDefault Origin = "default"
	// OriginMailbox is the user's own setting at their calendar provider
	// (the working hours set in Outlook): see [Mailbox].
	OriginMailbox Origin = "mailbox"
	OriginConfig  Origin = "config"
	OriginEnv     Origin = "environment"
	OriginFlag    Origin = "flag"
)

// rank orders the origins: the stronger wins.
func (o Origin) rank() int {
	switch o {
	case OriginMailbox:
		return 1
	case OriginConfig:
		return 2
	case OriginEnv:
		return 3
	case OriginFlag:
		return 4
	}
	return 0
}

// Setting is one setting in force and where it came from, as `emtime
// config show` prints it; its JSON keys are those of `config show -o
// json`.
type Setting struct {
	// Key is the config file's key path: "timezone", "bands.em_meeting_min".
	Key string `json:"key"`
	// Value is what the config file would say: a string, a number, a
	// bool, a list, or null when unset and left to the calendar.
	Value  any    `json:"value"`
	Origin Origin `json:"source"`
	// Line is the config file's line, Env the variable, Flag the flag and
	// Mailbox the mailbox settings ([Mailbox.Source]) that gave it; a
	// setting made of parts (the working hours: their days and their
	// hours) names each place that still gives one.
	Line    int    `json:"line,omitempty"`
	Env     string `json:"env,omitempty"`
	Flag    string `json:"flag,omitempty"`
	Mailbox string `json:"mailbox,omitempty"`
	// Shown is Value in words, for a table.
	Shown string `json:"-"`
}

// Layers are what [Resolve] lays over the defaults, weakest first.
type Layers struct {
	// Mailbox is what the calendar provider keeps of the user's settings,
	// known once the calendar is open (resolve again then): weaker than
	// the file, stronger than the defaults. Nil: none.
	Mailbox *Mailbox
	// File is the config file read over the defaults; nil is the defaults.
	File *File
	// Getenv reads the environment; nil reads nothing.
	Getenv func(string) string
	// Flag returns the values of a flag given on the command line, by its
	// name without dashes ("tz"), and whether it was given; one value for
	// a flag given once, each value of a repeatable one. Nil gives none.
	Flag func(name string) (values []string, given bool)
	// Provider is whose calendars the setting calendars holds
	// ([ProviderGoogle], [ProviderMicrosoft]); empty is Google.
	Provider string
}

// Mailbox is what a calendar provider keeps of the user's own settings:
// the working hours set in Outlook, which Microsoft Graph's mailbox
// settings hold. They stand where neither a flag, the environment nor the
// config file sets the working hours.
type Mailbox struct {
	// Source names them for `config show`: "microsoft mailbox settings".
	Source string
	// Hours are the working hours by weekday (time.Sunday first); a zero
	// span is a day off. A week with no working day is no setting.
	Hours [7]analyze.Span
}

// Resolved is every setting in force, and where each came from.
type Resolved struct {
	// Analysis is how time is counted. Its Zone is nil: the zone is
	// settled once the calendars are open (see Zone).
	Analysis analyze.Settings
	// Rules are the classification rules; Me is left to the loading,
	// which may infer it (see Me).
	Rules classify.Rules
	Bands verdict.Bands
	// Zone is the analysis zone given; nil: the calendar's, else the
	// machine's.
	Zone *time.Location
	// Me are my addresses given, in lower case; nil: inferred from the
	// calendar.
	Me []string
	// Calendars are the calendars of Layers.Provider to read; nil: its
	// default.
	Calendars []string
	// Git is how git history is read for my commits.
	Git Git
	// Settings are the settings in force, in the config file's order.
	Settings []Setting
}

// Git is how git history is read, and its coding counted and judged.
type Git struct {
	// Paths are the repositories, or folders searched for them, as given;
	// empty: no git history is read. Paths names where they came from.
	Paths  []string
	Origin Origin
	// Authors are addresses I commit with besides my own, lower case.
	Authors []string
	// Gap and Lead are the coding-session rule; AfterHours the weekly
	// limit of coding after hours.
	Gap, Lead, AfterHours time.Duration
}

// A FlagError is a mistake in the value of a flag, as opposed to one in
// the environment or the file: the command line is wrong.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// Resolve lays the layers over the defaults, setting by setting: a flag
// over the environment, the environment over the file, the file over the
// mailbox's settings, those over the defaults. Every setting is read, checked and applied by one entry of a
// table, which also says where it came from: what Resolved holds and what
// its Settings say cannot disagree.
//
// Error contract: a bad flag value is a [*FlagError]; a bad or oversized
// variable is an error naming the variable. The file was checked when it
// was read.
func Resolve(l Layers) (*Resolved, error) {
	if l.File == nil {
		l.File = Default()
	}
	if l.Getenv == nil {
		l.Getenv = func(string) string { return "" }
	}
	if l.Flag == nil {
		l.Flag = func(string) ([]string, bool) { return nil, false }
	}
	if l.Provider == "" {
		l.Provider = ProviderGoogle
	}
	rows := table(l.Provider)
	for _, row := range rows {
		for _, in := range row.inputs() {
			if in.env == "" {
				continue
			}
			if n := len(l.Getenv(in.env)); n > MaxEnvValue {
				return nil, fmt.Errorf("%s is %d bytes long, longer than any value it takes (%d at most)", in.env, n, MaxEnvValue)
			}
		}
	}
	r := &Resolved{Analysis: analyze.DefaultSettings(nil), Rules: classify.DefaultRules(), Bands: verdict.DefaultBands()}
	for _, row := range rows {
		s, err := row.resolve(&l, r)
		if err != nil {
			return nil, err
		}
		r.Settings = append(r.Settings, s)
	}
	// Only a flag can make the bands disagree: the file's are checked
	// together when it is read.
	if err := r.Bands.Validate(); err != nil {
		return nil, &FlagError{err}
	}
	return r, nil
}

// Flags are the flags the settings are read from, without dashes, and
// Variables the environment variables: each command that takes settings
// defines every one of these flags.
func Flags() []string { return names(func(in input) string { return in.flag }) }

// Variables are the environment variables the settings are read from.
func Variables() []string { return names(func(in input) string { return in.env }) }

func names(of func(input) string) []string {
	var out []string
	for _, row := range table(ProviderGoogle) {
		for _, in := range row.inputs() {
			if n := of(in); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

// input is one way a setting is given besides the file: a flag, and the
// variable that takes what it takes (either may be absent).
type input struct{ flag, env string }

// entry is one row of the table.
type entry interface {
	inputs() []input
	resolve(l *Layers, r *Resolved) (Setting, error)
}

// table is every setting, in the order of the config file. A new setting
// is one row here: its key, its flag and variable, how a flag or a
// variable is read, what the file says, where it goes, and how it is said.
func table(provider string) []entry {
	return []entry{
		value[[]string]{
			key: "me", input: input{"me", EnvMe},
			fromFlag: func(flag string, vals []string) ([]string, error) {
				for _, m := range vals {
					if !strings.Contains(m, "@") || len(m) > maxAddress {
						return nil, fmt.Errorf("%s %s is not an e-mail address", flag, textsafe.Quote(m))
					}
				}
				return vals, nil
			},
			fromEnv: func(env, v string) ([]string, error) {
				var me []string
				for _, a := range strings.Split(v, ",") {
					a = strings.TrimSpace(a)
					if addr, err := mail.ParseAddress(a); err != nil || addr.Address != a || len(a) > maxAddress {
						return nil, fmt.Errorf("%s: %s is not an e-mail address", env, textsafe.Quote(a))
					}
					me = append(me, a)
				}
				return me, nil
			},
			fromFile: func(f *File) []string { return f.Me },
			apply:    func(r *Resolved, me []string) { r.Me = lowerAll(me) },
			show: func(me []string) (any, string) {
				return listValue(lowerAll(me), "(inferred from the calendar)")
			},
		},
		value[string]{
			key:      "domain",
			fromFile: func(f *File) string { return f.Domain },
			apply:    func(r *Resolved, d string) { r.Analysis.Domain = d },
			show: func(d string) (any, string) {
				if d == "" {
					return nil, "(the domain of my first address)"
				}
				return d, d
			},
		},
		value[*time.Location]{
			key: "timezone", input: input{"tz", EnvTZ},
			fromFlag: func(flag string, vals []string) (*time.Location, error) { return zone(flag+":", last(vals)) },
			fromEnv:  func(env, v string) (*time.Location, error) { return zone(env+":", v) },
			fromFile: func(f *File) *time.Location { loc, _ := zone("", f.Timezone); return loc },
			apply:    func(r *Resolved, loc *time.Location) { r.Zone = loc },
			show: func(loc *time.Location) (any, string) {
				if loc == nil {
					return nil, "(the calendar's, else this machine's)"
				}
				return loc.String(), loc.String()
			},
		},
		week{hours: input{"work-hours", EnvWorkHours}, days: input{"work-days", EnvWorkDays}},
		value[time.Weekday]{
			key: "week_start", input: input{flag: "week-start"},
			fromFlag: func(flag string, vals []string) (time.Weekday, error) {
				d, err := analyze.ParseWeekday(last(vals))
				if err != nil {
					return 0, fmt.Errorf("%s: %w", flag, err)
				}
				return d, nil
			},
			fromFile: func(f *File) time.Weekday { return f.WeekStart },
			apply:    func(r *Resolved, d time.Weekday) { r.Analysis.WeekStart = d },
			show:     func(d time.Weekday) (any, string) { return dayKey(d), dayKey(d) },
		},
		value[time.Duration]{
			key: "focus_min", input: input{flag: "focus-min"},
			fromFlag: func(flag string, vals []string) (time.Duration, error) {
				d, err := time.ParseDuration(last(vals))
				if err != nil || d < time.Minute || d > 24*time.Hour {
					return 0, fmt.Errorf("%s must be between 1m and 24h, got %s", flag, last(vals))
				}
				return d.Round(time.Minute), nil
			},
			fromFile: func(f *File) time.Duration { return f.FocusMin },
			apply:    func(r *Resolved, d time.Duration) { r.Analysis.FocusMin = d },
			show:     func(d time.Duration) (any, string) { return duration(d), duration(d) },
		},
		band("em_meeting_min", "em-meeting-min", func(b *verdict.Bands) *float64 { return &b.EMMeetingMin }),
		band("em_meeting_max", "em-meeting-max", func(b *verdict.Bands) *float64 { return &b.EMMeetingMax }),
		band("ic_focus_min", "ic-focus-min", func(b *verdict.Bands) *float64 { return &b.ICCodingMin }),
		band("ic_focus_max", "ic-focus-max", func(b *verdict.Bands) *float64 { return &b.ICCodingMax }),
		band("em_focus_max", "em-focus-max", func(b *verdict.Bands) *float64 { return &b.EMCodingMax }),
		keywords("out_of_office", func(k *Keywords) *[]string { return &k.OutOfOffice }, func(r *classify.Rules) *[]string { return &r.OutOfOffice }),
		keywords("personal", func(k *Keywords) *[]string { return &k.Personal }, func(r *classify.Rules) *[]string { return &r.Personal }),
		keywords("focus", func(k *Keywords) *[]string { return &k.Focus }, func(r *classify.Rules) *[]string { return &r.Focus }),
		keywords("interview", func(k *Keywords) *[]string { return &k.Interview }, func(r *classify.Rules) *[]string { return &r.Interview }),
		value[[]string]{
			// The calendars of the provider read: a flag names them for
			// whichever it is, the file by provider.
			key: "calendars", line: "calendars." + provider, input: input{flag: "calendar"},
			fromFlag: func(_ string, vals []string) ([]string, error) { return vals, nil },
			fromFile: func(f *File) []string { return f.Calendars[provider] },
			apply:    func(r *Resolved, ids []string) { r.Calendars = ids },
			show: func(ids []string) (any, string) {
				none := "(none named: primary)"
				if provider != ProviderGoogle {
					none = "(none named: the default calendar)"
				}
				return listValue(ids, none)
			},
		},
		value[bool]{
			key: "only_accepted", input: input{flag: "only-accepted"},
			fromFlag: func(flag string, vals []string) (bool, error) {
				b, err := strconv.ParseBool(last(vals))
				if err != nil {
					return false, fmt.Errorf("%s wants true or false, got %s", flag, textsafe.Quote(last(vals)))
				}
				return b, nil
			},
			fromFile: func(f *File) bool { return f.OnlyAccepted },
			apply:    func(r *Resolved, b bool) { r.Rules.OnlyAccepted = b },
			show:     func(b bool) (any, string) { return b, strconv.FormatBool(b) },
		},
		value[int]{
			key: "large_meeting", input: input{flag: "large-meeting"},
			fromFlag: func(flag string, vals []string) (int, error) {
				n, err := strconv.Atoi(last(vals))
				if err != nil {
					return 0, fmt.Errorf("%s wants a whole number, got %s", flag, textsafe.Quote(last(vals)))
				}
				if n < 3 {
					return 0, fmt.Errorf("%s must be at least 3, got %d", flag, n)
				}
				return n, nil
			},
			fromFile: func(f *File) int { return f.LargeMeeting },
			apply:    func(r *Resolved, n int) { r.Rules.LargeMeeting = n },
			show:     func(n int) (any, string) { return n, strconv.Itoa(n) },
		},
		value[[]classify.CategoryRule]{
			key:      "categories",
			fromFile: func(f *File) []classify.CategoryRule { return f.Categories },
			apply:    func(r *Resolved, rules []classify.CategoryRule) { r.Rules.Custom = rules },
			show:     categoriesValue,
		},
		value[[]string]{
			key: "git", input: input{"git", EnvGit},
			fromFlag: func(flag string, vals []string) ([]string, error) {
				for _, v := range vals {
					if err := checkGitPath(v); err != nil {
						return nil, fmt.Errorf("%s: %w", flag, err)
					}
				}
				return vals, nil
			},
			fromEnv: func(env, v string) ([]string, error) {
				var paths []string
				for _, p := range filepath.SplitList(v) {
					if p = strings.TrimSpace(p); p == "" {
						continue // PATH allows an empty entry; here it names nothing
					}
					if err := checkGitPath(p); err != nil {
						return nil, fmt.Errorf("%s: %w", env, err)
					}
					paths = append(paths, p)
				}
				return paths, nil
			},
			fromFile: func(f *File) []string { return f.Git },
			apply:    func(r *Resolved, paths []string) { r.Git.Paths = paths },
			show:     func(paths []string) (any, string) { return listValue(paths, "(none: no git history is read)") },
		},
		value[[]string]{
			key: "git_authors", input: input{flag: "git-author"},
			fromFlag: func(flag string, vals []string) ([]string, error) {
				for _, m := range vals {
					if !strings.Contains(m, "@") || len(m) > maxAddress {
						return nil, fmt.Errorf("%s %s is not an e-mail address", flag, textsafe.Quote(m))
					}
				}
				return vals, nil
			},
			fromFile: func(f *File) []string { return f.GitAuthors },
			apply:    func(r *Resolved, authors []string) { r.Git.Authors = lowerAll(authors) },
			show: func(authors []string) (any, string) {
				return listValue(lowerAll(authors), "(none: my addresses only)")
			},
		},
		durationValue("coding_gap", "coding-gap", MinCodingGap, MaxCodingGap,
			func(f *File) time.Duration { return f.CodingGap }, func(r *Resolved) *time.Duration { return &r.Git.Gap }),
		durationValue("coding_lead", "coding-lead", 0, MaxCodingLead,
			func(f *File) time.Duration { return f.CodingLead }, func(r *Resolved) *time.Duration { return &r.Git.Lead }),
		durationValue("after_hours_coding", "after-hours-coding", 0, MaxAfterHoursCoding,
			func(f *File) time.Duration { return f.AfterHoursCoding }, func(r *Resolved) *time.Duration { return &r.Git.AfterHours }),
	}
}

// durationValue is a duration a flag or the file gives, between lo and hi,
// to the minute.
func durationValue(key, flagName string, lo, hi time.Duration, inFile func(*File) time.Duration, field func(*Resolved) *time.Duration) entry {
	return value[time.Duration]{
		key: key, input: input{flag: flagName},
		fromFlag: func(flag string, vals []string) (time.Duration, error) {
			d, err := time.ParseDuration(last(vals))
			if err != nil || d < lo || d > hi {
				return 0, fmt.Errorf("%s must be between %s and %s, got %s", flag, duration(lo), duration(hi), textsafe.Quote(last(vals)))
			}
			return d.Round(time.Minute), nil
		},
		fromFile: inFile,
		apply:    func(r *Resolved, d time.Duration) { *field(r) = d },
		show:     func(d time.Duration) (any, string) { return duration(d), duration(d) },
	}
}

// value is a setting given whole by one layer: by its flag, else its
// variable, else the file (or the default).
type value[T any] struct {
	key string
	// line is the key whose line in the file gives the setting, when it
	// is not key itself.
	line string
	input
	// fromFlag reads the flag's values; flag is its name with dashes, for
	// the message. fromEnv reads the variable's value, trimmed and never
	// empty. Either may be nil when the setting has no such input.
	fromFlag func(flag string, vals []string) (T, error)
	fromEnv  func(env, v string) (T, error)
	// fromFile is what the file says, or the default.
	fromFile func(*File) T
	// apply puts the setting where it is used; show says it as the file
	// would (Value) and in words (Shown).
	apply func(*Resolved, T)
	show  func(T) (any, string)
}

func (v value[T]) inputs() []input { return []input{v.input} }

func (v value[T]) resolve(l *Layers, r *Resolved) (Setting, error) {
	s := fileOrigin(l.File, v.key, cmp.Or(v.line, v.key))
	x := v.fromFile(l.File)
	if e := env(l, v.env); e != "" && v.fromEnv != nil {
		var err error
		if x, err = v.fromEnv(v.env, e); err != nil {
			return Setting{}, err
		}
		s = Setting{Key: v.key, Origin: OriginEnv, Env: v.env}
	}
	if vals, ok := flag(l, v.flag); ok && v.fromFlag != nil {
		var err error
		if x, err = v.fromFlag("--"+v.flag, vals); err != nil {
			return Setting{}, &FlagError{err}
		}
		s = Setting{Key: v.key, Origin: OriginFlag, Flag: "--" + v.flag}
	}
	v.apply(r, x)
	s.Value, s.Shown = v.show(x)
	if v.key == "git" {
		r.Git.Origin = s.Origin
	}
	return s, nil
}

// fileOrigin is the origin of a setting the flags and the environment
// leave: the file, on the line of the key line, or the default.
func fileOrigin(f *File, key, line string) Setting {
	s := Setting{Key: key, Origin: OriginDefault}
	if n := f.Line(line); n > 0 {
		s.Origin, s.Line = OriginConfig, n
	}
	return s
}

func env(l *Layers, name string) string {
	if name == "" {
		return ""
	}
	return strings.TrimSpace(l.Getenv(name))
}

func flag(l *Layers, name string) ([]string, bool) {
	if name == "" {
		return nil, false
	}
	return l.Flag(name)
}

// band is one of the article's bands: the flag and the file say it in
// percent, the verdict takes a share.
func band(key, flagName string, field func(*verdict.Bands) *float64) entry {
	return value[float64]{
		key: "bands." + key, input: input{flag: flagName},
		fromFlag: func(flag string, vals []string) (float64, error) {
			p, err := strconv.ParseFloat(last(vals), 64)
			if err != nil {
				return 0, fmt.Errorf("%s wants a percentage, got %s", flag, textsafe.Quote(last(vals)))
			}
			return p / 100, nil
		},
		fromFile: func(f *File) float64 { b := f.Bands; return *field(&b) },
		apply:    func(r *Resolved, share float64) { *field(&r.Bands) = share },
		show: func(share float64) (any, string) {
			p := percent(share)
			return p, strconv.FormatFloat(p, 'f', -1, 64) + "%"
		},
	}
}

// keywords is one of the keyword lists, which only the file gives.
func keywords(key string, inFile func(*Keywords) *[]string, inRules func(*classify.Rules) *[]string) entry {
	return value[[]string]{
		key:      "keywords." + key,
		fromFile: func(f *File) []string { k := f.Keywords; return *inFile(&k) },
		apply:    func(r *Resolved, words []string) { *inRules(&r.Rules) = words },
		show:     func(words []string) (any, string) { return listValue(words, "(none)") },
	}
}

// week is the working hours: the file's week, else the mailbox's, else
// the default one, reshaped by the environment's hours and days, then by
// the flags'. The hours and the days are two halves, each from where it
// was last given; the setting names every place that still gives one.
type week struct{ hours, days input }

func (w week) inputs() []input { return []input{w.hours, w.days} }

func (w week) resolve(l *Layers, r *Resolved) (Setting, error) {
	file := fileOrigin(l.File, "work_hours", "work_hours")
	type half struct {
		origin             Origin
		env, flag, mailbox string
		line               int
	}
	hours := half{origin: file.Origin, line: file.Line}
	base := l.File.WorkHours
	if file.Origin == OriginDefault && l.Mailbox != nil && worksAtAll(l.Mailbox.Hours) {
		hours = half{origin: OriginMailbox, mailbox: l.Mailbox.Source}
		base = l.Mailbox.Hours
	}
	days := hours
	wk := base
	if h, d := env(l, w.hours.env), env(l, w.days.env); h != "" || d != "" {
		var err error
		if wk, err = reshapeWeek(wk, base, given(h, h != ""), given(d, d != ""), w.hours.env+": ", w.days.env+": "); err != nil {
			return Setting{}, err
		}
		if h != "" {
			hours = half{origin: OriginEnv, env: w.hours.env}
		}
		if d != "" {
			days = half{origin: OriginEnv, env: w.days.env}
		}
	}
	h, hok := flag(l, w.hours.flag)
	d, dok := flag(l, w.days.flag)
	if hok || dok {
		var err error
		if wk, err = reshapeWeek(wk, base, given(last(h), hok), given(last(d), dok), "--"+w.hours.flag+": ", "--"+w.days.flag+": "); err != nil {
			return Setting{}, &FlagError{err}
		}
		if hok {
			hours = half{origin: OriginFlag, flag: "--" + w.hours.flag}
		}
		if dok {
			days = half{origin: OriginFlag, flag: "--" + w.days.flag}
		}
	}
	r.Analysis.Hours = wk
	s := Setting{Key: "work_hours", Origin: hours.origin,
		Flag:    strings.Trim(hours.flag+", "+days.flag, ", "),
		Env:     strings.Trim(hours.env+", "+days.env, ", "),
		Line:    max(hours.line, days.line),
		Mailbox: cmp.Or(hours.mailbox, days.mailbox),
	}
	if days.origin.rank() > hours.origin.rank() {
		s.Origin = days.origin
	}
	s.Value, s.Shown = weekValue(wk), weekWords(wk)
	return s, nil
}

// worksAtAll reports whether a week has a working day.
func worksAtAll(week [7]analyze.Span) bool {
	for _, s := range week {
		if !s.IsZero() {
			return true
		}
	}
	return false
}

// given is a value given, or nil for one not given.
func given(v string, ok bool) *string {
	if !ok {
		return nil
	}
	return &v
}

// reshapeWeek applies --work-hours and --work-days (or their variables) to
// a week: days, when given, are the working days; hours, when given, are
// the hours of every working day. A working day with no hours of its own
// takes its hours in the week reshaped first (file: the file's, the
// mailbox's or the default), else the week's most common hours.
func reshapeWeek(week, file [7]analyze.Span, hours, days *string, hoursName, daysName string) ([7]analyze.Span, error) {
	var span analyze.Span
	if hours != nil {
		var err error
		if span, err = analyze.ParseSpan(*hours); err != nil {
			return week, fmt.Errorf("%s%w", hoursName, err)
		}
	}
	worked := [7]bool{}
	for d := range week {
		worked[d] = !week[d].IsZero()
	}
	if days != nil {
		var err error
		if worked, err = analyze.ParseWeekdays(*days); err != nil {
			return week, fmt.Errorf("%s%w", daysName, err)
		}
	}
	typical := typicalSpan(week)
	var out [7]analyze.Span
	for d := range out {
		switch {
		case !worked[d]:
		case hours != nil:
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
	best, n := analyze.DefaultSettings(nil).Hours[time.Monday], 0
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

// zone reads a time zone's name; "" is none. prefix starts the message.
func zone(prefix, name string) (*time.Location, error) {
	if name == "" {
		return nil, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, errors.New(strings.TrimSpace(prefix + " " + unknownZone(name)))
	}
	return loc, nil
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

// percent turns a share into the percentage the flags and the file take,
// without float noise (0.29 is 29, not 28.999999999999996).
func percent(share float64) float64 {
	p, _ := strconv.ParseFloat(strconv.FormatFloat(share*100, 'f', 10, 64), 64)
	return p
}

func listValue(list []string, none string) (any, string) {
	if len(list) == 0 {
		return []string{}, none
	}
	return list, strings.Join(list, ", ")
}

func lowerAll(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}
	return out
}

// last is the value of a flag given once: the last one given.
func last(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[len(vals)-1]
}
