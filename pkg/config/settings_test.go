package config

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
)

const fridayFile = `timezone: Europe/Berlin
me: [File@example.com]
work_hours:
  mon: "09:00-17:00"
  tue: "09:00-17:00"
  wed: "09:00-17:00"
  thu: "09:00-17:00"
  fri: "09:00-13:00"
focus_min: 90m
bands:
  em_meeting_min: 40
calendars: [primary, team@group.calendar.google.com]
large_meeting: 6
`

// layers builds the layers of a test: the file's text (empty: the
// defaults), the environment and the flags.
func layers(t *testing.T, file string, env map[string]string, flags map[string][]string) Layers {
	t.Helper()
	l := Layers{
		Getenv: func(k string) string { return env[k] },
		Flag:   func(name string) ([]string, bool) { v, ok := flags[name]; return v, ok },
	}
	if file != "" {
		f, err := Parse("emtime.yaml", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		l.File = f
	}
	return l
}

func byKey(r *Resolved) map[string]Setting {
	out := map[string]Setting{}
	for _, s := range r.Settings {
		out[s.Key] = s
	}
	return out
}

// TestResolveAppliesWhatItShows checks, setting by setting, that what
// Resolve puts into the settings, rules and bands is what its provenance
// says, from the layer it names.
func TestResolveAppliesWhatItShows(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		env   map[string]string
		flags map[string][]string
		key   string
		shown string
		from  Origin
		check func(r *Resolved) bool
	}{
		{"zone: default", "", nil, nil, "timezone", "(the calendar's, else this machine's)", OriginDefault,
			func(r *Resolved) bool { return r.Zone == nil }},
		{"zone: file", fridayFile, nil, nil, "timezone", "Europe/Berlin", OriginConfig,
			func(r *Resolved) bool { return r.Zone.String() == "Europe/Berlin" }},
		{"zone: environment", fridayFile, map[string]string{EnvTZ: " Asia/Tokyo "}, nil, "timezone", "Asia/Tokyo", OriginEnv,
			func(r *Resolved) bool { return r.Zone.String() == "Asia/Tokyo" }},
		{"zone: flag", fridayFile, map[string]string{EnvTZ: "Asia/Tokyo"}, map[string][]string{"tz": {"America/New_York"}}, "timezone", "America/New_York", OriginFlag,
			func(r *Resolved) bool { return r.Zone.String() == "America/New_York" }},
		{"me: file, in lower case", fridayFile, nil, nil, "me", "file@example.com", OriginConfig,
			func(r *Resolved) bool { return slices.Equal(r.Me, []string{"file@example.com"}) }},
		{"me: environment", fridayFile, map[string]string{EnvMe: "a@example.com, B@example.com"}, nil, "me", "a@example.com, b@example.com", OriginEnv,
			func(r *Resolved) bool { return slices.Equal(r.Me, []string{"a@example.com", "b@example.com"}) }},
		{"me: flag", fridayFile, nil, map[string][]string{"me": {"C@example.com", "d@example.com"}}, "me", "c@example.com, d@example.com", OriginFlag,
			func(r *Resolved) bool { return slices.Equal(r.Me, []string{"c@example.com", "d@example.com"}) }},
		{"focus: file", fridayFile, nil, nil, "focus_min", "1h30m", OriginConfig,
			func(r *Resolved) bool { return r.Analysis.FocusMin == 90*time.Minute }},
		{"focus: flag, to the minute used", fridayFile, nil, map[string][]string{"focus-min": {"1h30m40s"}}, "focus_min", "1h31m", OriginFlag,
			func(r *Resolved) bool { return r.Analysis.FocusMin == 91*time.Minute }},
		{"week start: flag, as the file would say it", "", nil, map[string][]string{"week-start": {"Sunday"}}, "week_start", "sun", OriginFlag,
			func(r *Resolved) bool { return r.Analysis.WeekStart == time.Sunday }},
		{"band: file", fridayFile, nil, nil, "bands.em_meeting_min", "40%", OriginConfig,
			func(r *Resolved) bool { return r.Bands.EMMeetingMin == 0.40 }},
		{"band: flag", fridayFile, nil, map[string][]string{"em-meeting-min": {"45"}}, "bands.em_meeting_min", "45%", OriginFlag,
			func(r *Resolved) bool { return r.Bands.EMMeetingMin == 0.45 }},
		{"band: default", fridayFile, nil, nil, "bands.em_meeting_max", "75%", OriginDefault,
			func(r *Resolved) bool { return r.Bands.EMMeetingMax == 0.75 }},
		{"large meeting: file", fridayFile, nil, nil, "large_meeting", "6", OriginConfig,
			func(r *Resolved) bool { return r.Rules.LargeMeeting == 6 }},
		{"only accepted: flag", "", nil, map[string][]string{"only-accepted": {"true"}}, "only_accepted", "true", OriginFlag,
			func(r *Resolved) bool { return r.Rules.OnlyAccepted }},
		{"calendars: file's plain list is Google's", fridayFile, nil, nil, "calendars", "primary, team@group.calendar.google.com", OriginConfig,
			func(r *Resolved) bool {
				return slices.Equal(r.Calendars, []string{"primary", "team@group.calendar.google.com"})
			}},
		{"calendars: flag", fridayFile, nil, map[string][]string{"calendar": {"other"}}, "calendars", "other", OriginFlag,
			func(r *Resolved) bool { return slices.Equal(r.Calendars, []string{"other"}) }},
		{"calendars: by provider", "calendars:\n  microsoft: [Team]\n  google: [primary]\n", nil, nil, "calendars", "primary", OriginConfig,
			func(r *Resolved) bool { return slices.Equal(r.Calendars, []string{"primary"}) }},
		{"calendars: none of Google's", "calendars:\n  microsoft: [Team]\n", nil, nil, "calendars", "(none named: primary)", OriginDefault,
			func(r *Resolved) bool { return r.Calendars == nil }},
		{"hours: file", fridayFile, nil, nil, "work_hours", "mon-thu 09:00-17:00, fri 09:00-13:00", OriginConfig,
			func(r *Resolved) bool { return r.Analysis.Hours[time.Friday].String() == "09:00-13:00" }},
		{"hours: environment days, flag hours", fridayFile, map[string]string{EnvWorkDays: "mon-thu"}, map[string][]string{"work-hours": {"10:00-18:00"}}, "work_hours", "mon-thu 10:00-18:00", OriginFlag,
			func(r *Resolved) bool {
				return r.Analysis.Hours[time.Friday].IsZero() && r.Analysis.Hours[time.Monday].String() == "10:00-18:00"
			}},
		{"keywords: default", "", nil, nil, "keywords.personal", "lunch, break, commute, gym, doctor, personal, errand, errands", OriginDefault,
			func(r *Resolved) bool { return slices.Contains(r.Rules.Personal, "lunch") }},
		{"domain: file", "domain: Corp.Example.com\n", nil, nil, "domain", "corp.example.com", OriginConfig,
			func(r *Resolved) bool { return r.Analysis.Domain == "corp.example.com" }},
		{"git: default, none", "", nil, nil, "git", "(none: no git history is read)", OriginDefault,
			func(r *Resolved) bool { return r.Git.Paths == nil && r.Git.Origin == OriginDefault }},
		{"git: file", "git: [~/src, /work/api]\n", nil, nil, "git", "~/src, /work/api", OriginConfig,
			func(r *Resolved) bool {
				return slices.Equal(r.Git.Paths, []string{"~/src", "/work/api"}) && r.Git.Origin == OriginConfig
			}},
		{"git: one path in the file", "git: ~/src\n", nil, nil, "git", "~/src", OriginConfig,
			func(r *Resolved) bool { return slices.Equal(r.Git.Paths, []string{"~/src"}) }},
		{"git: environment, separated as in PATH", "git: [~/src]\n", map[string]string{EnvGit: "/a/api" + string(filepath.ListSeparator) + string(filepath.ListSeparator) + " /b/web "}, nil,
			"git", "/a/api, /b/web", OriginEnv,
			func(r *Resolved) bool {
				return slices.Equal(r.Git.Paths, []string{"/a/api", "/b/web"}) && r.Git.Origin == OriginEnv
			}},
		{"git: flags", "", map[string]string{EnvGit: "/a/api"}, map[string][]string{"git": {"one", "two"}}, "git", "one, two", OriginFlag,
			func(r *Resolved) bool {
				return slices.Equal(r.Git.Paths, []string{"one", "two"}) && r.Git.Origin == OriginFlag
			}},
		{"git authors: file, in lower case", "git_authors: [Me@Home.example]\n", nil, nil, "git_authors", "me@home.example", OriginConfig,
			func(r *Resolved) bool { return slices.Equal(r.Git.Authors, []string{"me@home.example"}) }},
		{"git authors: flag", "", nil, map[string][]string{"git-author": {"A@x.example", "b@y.example"}}, "git_authors", "a@x.example, b@y.example", OriginFlag,
			func(r *Resolved) bool { return slices.Equal(r.Git.Authors, []string{"a@x.example", "b@y.example"}) }},
		{"coding gap: default", "", nil, nil, "coding_gap", "2h", OriginDefault,
			func(r *Resolved) bool { return r.Git.Gap == 2*time.Hour }},
		{"coding gap: file", "coding_gap: 90m\n", nil, nil, "coding_gap", "1h30m", OriginConfig,
			func(r *Resolved) bool { return r.Git.Gap == 90*time.Minute }},
		{"coding lead: default", "", nil, nil, "coding_lead", "30m", OriginDefault,
			func(r *Resolved) bool { return r.Git.Lead == 30*time.Minute }},
		{"coding lead: none in the file", "coding_lead: 0\n", nil, nil, "coding_lead", "0s", OriginConfig,
			func(r *Resolved) bool { return r.Git.Lead == 0 }},
		{"coding lead: flag", "", nil, map[string][]string{"coding-lead": {"45m"}}, "coding_lead", "45m", OriginFlag,
			func(r *Resolved) bool { return r.Git.Lead == 45*time.Minute }},
		{"after hours coding: default", "", nil, nil, "after_hours_coding", "4h", OriginDefault,
			func(r *Resolved) bool { return r.Git.AfterHours == 4*time.Hour }},
		{"after hours coding: flag", "", nil, map[string][]string{"after-hours-coding": {"6h"}}, "after_hours_coding", "6h", OriginFlag,
			func(r *Resolved) bool { return r.Git.AfterHours == 6*time.Hour }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Resolve(layers(t, tt.file, tt.env, tt.flags))
			if err != nil {
				t.Fatal(err)
			}
			s := byKey(r)[tt.key]
			if s.Shown != tt.shown || s.Origin != tt.from {
				t.Errorf("%s shown %q from %s, want %q from %s", tt.key, s.Shown, s.Origin, tt.shown, tt.from)
			}
			if !tt.check(r) {
				t.Errorf("%s: the setting in force is not what is shown (%q)", tt.key, s.Shown)
			}
		})
	}
}

// TestProviderCalendars checks that the calendars setting is the
// provider's.
func TestProviderCalendars(t *testing.T) {
	l := layers(t, "calendars:\n  google: [primary]\n  microsoft: [Team, Hiring]\n", nil, nil)
	l.Provider = ProviderMicrosoft
	r, err := Resolve(l)
	if err != nil {
		t.Fatal(err)
	}
	s := byKey(r)["calendars"]
	if !slices.Equal(r.Calendars, []string{"Team", "Hiring"}) || s.Origin != OriginConfig || s.Line != 3 {
		t.Errorf("calendars %v from %s line %d, want Microsoft's from line 3", r.Calendars, s.Origin, s.Line)
	}
	if _, err := Parse("x.yaml", []byte("calendars:\n  outlook: [Team]\n")); err == nil || !strings.Contains(err.Error(), "x.yaml:2: calendars.outlook: unknown key (known keys in calendars: google, microsoft)") {
		t.Errorf("an unknown provider: %v", err)
	}
	if _, err := Parse("x.yaml", []byte("calendars:\n  microsoft: [\"\"]\n")); err == nil || !strings.Contains(err.Error(), "calendars.microsoft: a calendar name cannot be empty") {
		t.Errorf("an empty calendar name: %v", err)
	}
}

func TestResolveMistakes(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		flags map[string][]string
		want  string
		flag  bool // a mistake of the command line
	}{
		{"zone in the environment", map[string]string{EnvTZ: "Mars/Olympus"}, nil, `EMTIME_TZ: unknown time zone "Mars/Olympus"`, false},
		{"Local is no zone", map[string]string{EnvTZ: "Local"}, nil, `EMTIME_TZ: unknown time zone "Local"`, false},
		{"address in the environment", map[string]string{EnvMe: "me@example.com,alex"}, nil, `EMTIME_ME: "alex" is not an e-mail address`, false},
		{"hours in the environment", map[string]string{EnvWorkHours: "9-5"}, nil, `EMTIME_WORK_HOURS: "9" is not a time like 09:00`, false},
		{"days in the environment", map[string]string{EnvWorkDays: "mon-funday"}, nil, `EMTIME_WORK_DAYS: "funday" is not a day of the week`, false},
		{"a variable too long", map[string]string{EnvMe: strings.Repeat("a", MaxEnvValue+1)}, nil, "EMTIME_ME is 4097 bytes long", false},
		{"zone flag", nil, map[string][]string{"tz": {"Mars/Olympus"}}, `--tz: unknown time zone "Mars/Olympus"`, true},
		{"zone flag in the wrong case", nil, map[string][]string{"tz": {"europe/berlin"}}, `--tz: unknown time zone "europe/berlin" (did you mean Europe/Berlin?`, true},
		{"address flag", nil, map[string][]string{"me": {"alex"}}, `--me "alex" is not an e-mail address`, true},
		{"hours flag", nil, map[string][]string{"work-hours": {"17:00-09:00"}}, `--work-hours: "17:00-09:00" ends before it starts`, true},
		{"empty hours flag", nil, map[string][]string{"work-hours": {""}}, `--work-hours: "" is not a span like 09:00-17:00`, true},
		{"days flag", nil, map[string][]string{"work-days": {"mon-funday"}}, `--work-days: "funday" is not a day of the week`, true},
		{"week start flag", nil, map[string][]string{"week-start": {"someday"}}, `--week-start: "someday" is not a day of the week`, true},
		{"focus flag", nil, map[string][]string{"focus-min": {"0s"}}, "--focus-min must be between 1m and 24h, got 0s", true},
		{"large meeting flag", nil, map[string][]string{"large-meeting": {"2"}}, "--large-meeting must be at least 3, got 2", true},
		{"bands that cannot work together", nil, map[string][]string{"em-meeting-min": {"80"}}, "the EM meeting band is empty: 80% is above 75%", true},
		{"an empty git path in the environment", map[string]string{EnvGit: "/a\x00b"}, nil, "EMTIME_GIT: a git path cannot hold a NUL character", false},
		{"an empty git flag", nil, map[string][]string{"git": {" "}}, "--git: a git path cannot be empty", true},
		{"a git author flag", nil, map[string][]string{"git-author": {"alex"}}, `--git-author "alex" is not an e-mail address`, true},
		{"a coding gap flag", nil, map[string][]string{"coding-gap": {"0s"}}, `--coding-gap must be between 1m and 24h, got "0s"`, true},
		{"a coding lead flag", nil, map[string][]string{"coding-lead": {"-5m"}}, `--coding-lead must be between 0s and 8h, got "-5m"`, true},
		{"an after-hours coding flag", nil, map[string][]string{"after-hours-coding": {"a lot"}}, `--after-hours-coding must be between 0s and 168h, got "a lot"`, true},
	}
	for _, tt := range tests {
		_, err := Resolve(layers(t, "", tt.env, tt.flags))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
			continue
		}
		var fe *FlagError
		if errors.As(err, &fe) != tt.flag {
			t.Errorf("%s: a flag's mistake %v, want %v", tt.name, !tt.flag, tt.flag)
		}
	}
}

// TestSettingJSON keeps the keys of `config show -o json`.
func TestSettingJSON(t *testing.T) {
	r, err := Resolve(layers(t, "", map[string]string{EnvTZ: "Asia/Tokyo"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(byKey(r)["timezone"])
	if want := `{"key":"timezone","value":"Asia/Tokyo","source":"environment","env":"EMTIME_TZ"}`; string(got) != want {
		t.Errorf("%s, want %s", got, want)
	}
}

func TestTableNamesItsInputs(t *testing.T) {
	if got := strings.Join(Variables(), " "); got != "EMTIME_ME EMTIME_TZ EMTIME_WORK_HOURS EMTIME_WORK_DAYS EMTIME_GIT" {
		t.Errorf("variables %s", got)
	}
	for _, want := range []string{"me", "tz", "work-hours", "work-days", "week-start", "focus-min", "em-meeting-min", "calendar", "only-accepted", "large-meeting",
		"git", "git-author", "coding-gap", "coding-lead", "after-hours-coding"} {
		if !slices.Contains(Flags(), want) {
			t.Errorf("no flag %s in %v", want, Flags())
		}
	}
}

func TestReshapeWeek(t *testing.T) {
	nine, short := analyze.Span{Start: 9 * time.Hour, End: 17 * time.Hour}, analyze.Span{Start: 9 * time.Hour, End: 13 * time.Hour}
	file := [7]analyze.Span{time.Monday: nine, time.Tuesday: nine, time.Wednesday: nine, time.Thursday: nine, time.Friday: short}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	tests := []struct {
		hours, days string
		want        string
	}{
		{"", "", "mon-thu 09:00-17:00, fri 09:00-13:00"},
		{"", "mon-fri", "mon-thu 09:00-17:00, fri 09:00-13:00"},
		{"", "fri-sun", "fri 09:00-13:00, sat-sun 09:00-17:00"},
		{"08:00-12:00", "", "mon-fri 08:00-12:00"},
		{"08:00-12:00", "sat", "sat 08:00-12:00"},
	}
	for _, tt := range tests {
		got, err := reshapeWeek(file, file, opt(tt.hours), opt(tt.days), "h: ", "d: ")
		if err != nil {
			t.Fatal(err)
		}
		if weekWords(got) != tt.want {
			t.Errorf("hours %q days %q: %s, want %s", tt.hours, tt.days, weekWords(got), tt.want)
		}
	}
	// A day dropped by one layer and brought back by the next gets the
	// file's hours back.
	monThu, _ := reshapeWeek(file, file, nil, opt("mon-thu"), "h: ", "d: ")
	if got, _ := reshapeWeek(monThu, file, nil, opt("mon-fri"), "h: ", "d: "); weekWords(got) != "mon-thu 09:00-17:00, fri 09:00-13:00" {
		t.Errorf("Friday back: %s", weekWords(got))
	}
	if got := typicalSpan(file); got != nine {
		t.Errorf("typicalSpan = %s", got)
	}
	if got := typicalSpan([7]analyze.Span{}); got != nine {
		t.Errorf("typicalSpan of no day = %s", got)
	}
}

// TestMailboxHours: the working hours set in Outlook stand where nothing
// else sets them, under the file, the environment and the flags; a half
// given elsewhere reshapes them, and the setting names both places.
func TestMailboxHours(t *testing.T) {
	early := analyze.Span{Start: 8 * time.Hour, End: 16*time.Hour + 30*time.Minute}
	outlook := &Mailbox{Source: "microsoft mailbox settings",
		Hours: [7]analyze.Span{time.Monday: early, time.Tuesday: early, time.Wednesday: early, time.Thursday: early}}
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		flags   map[string][]string
		mailbox *Mailbox
		shown   string
		from    Origin
		words   string // as config show says where it came from
	}{
		{"no mailbox: the default", "", nil, nil, nil, "mon-fri 09:00-17:00", OriginDefault, ""},
		{"the mailbox's, over the default", "", nil, nil, outlook, "mon-thu 08:00-16:30", OriginMailbox, "microsoft mailbox settings"},
		{"a mailbox with no working day is no setting", "", nil, nil, &Mailbox{Source: "microsoft mailbox settings"}, "mon-fri 09:00-17:00", OriginDefault, ""},
		{"the file's, over the mailbox's", fridayFile, nil, nil, outlook, "mon-thu 09:00-17:00, fri 09:00-13:00", OriginConfig, "line 3"},
		{"the environment's days, the mailbox's hours", "", map[string]string{EnvWorkDays: "mon-fri"}, nil, outlook,
			"mon-fri 08:00-16:30", OriginEnv, "EMTIME_WORK_DAYS; microsoft mailbox settings"},
		{"the flag's hours on the mailbox's days", "", nil, map[string][]string{"work-hours": {"10:00-18:00"}}, outlook,
			"mon-thu 10:00-18:00", OriginFlag, "--work-hours; microsoft mailbox settings"},
		{"both halves by flags: the mailbox is not named", "", nil, map[string][]string{"work-hours": {"10:00-18:00"}, "work-days": {"sun-thu"}}, outlook,
			"mon-thu 10:00-18:00, sun 10:00-18:00", OriginFlag, "--work-hours, --work-days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layers(t, tt.file, tt.env, tt.flags)
			l.Mailbox = tt.mailbox
			r, err := Resolve(l)
			if err != nil {
				t.Fatal(err)
			}
			s := byKey(r)["work_hours"]
			if s.Shown != tt.shown || s.Origin != tt.from {
				t.Errorf("work_hours %q from %s, want %q from %s", s.Shown, s.Origin, tt.shown, tt.from)
			}
			if got := weekWords(r.Analysis.Hours); got != tt.shown {
				t.Errorf("hours in force %q, shown %q", got, tt.shown)
			}
			var places []string
			for _, p := range []string{s.Flag, s.Env, s.Mailbox} {
				if p != "" {
					places = append(places, p)
				}
			}
			if s.Line > 0 {
				places = append(places, "line 3")
			}
			if got := strings.Join(places, "; "); got != tt.words {
				t.Errorf("named %q, want %q", got, tt.words)
			}
		})
	}
	// The JSON of config show names the mailbox.
	l := layers(t, "", nil, nil)
	l.Mailbox = outlook
	r, err := Resolve(l)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(byKey(r)["work_hours"])
	if want := `{"key":"work_hours","value":{"mon":"08:00-16:30","thu":"08:00-16:30","tue":"08:00-16:30","wed":"08:00-16:30"},"source":"mailbox","mailbox":"microsoft mailbox settings"}`; string(got) != want {
		t.Errorf("%s, want %s", got, want)
	}
}
