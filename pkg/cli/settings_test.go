package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/config"
	"github.com/spf13/cobra"
)

// settingsNow is the clock of these tests: Wednesday 18 March 2026.
var settingsNow = time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)

// envFactory is a factory whose environment is env, with the config
// folder in a fresh temporary folder unless env names one.
func envFactory(t *testing.T, env map[string]string) (f *Factory, out, errOut *bytes.Buffer) {
	t.Helper()
	if _, ok := env["EMTIME_CONFIG_DIR"]; !ok {
		if env == nil {
			env = map[string]string{}
		}
		env["EMTIME_CONFIG_DIR"] = t.TempDir()
	}
	ios, _, out, errOut := Test()
	return &Factory{IO: ios, Now: func() time.Time { return settingsNow }, Getenv: func(k string) string { return env[k] }}, out, errOut
}

// testRoot is the root command with what this file's commands need,
// whether or not root.go adds them itself yet.
func testRoot(f *Factory) *cobra.Command {
	root := NewCmdRoot(f)
	if root.PersistentFlags().Lookup("config") == nil {
		addConfigFlag(root, f)
	}
	if root.Version == "" {
		setVersion(root)
	}
	has := func(name string) bool {
		return slices.ContainsFunc(root.Commands(), func(c *cobra.Command) bool { return c.Name() == name })
	}
	if !has("config") {
		root.AddCommand(NewCmdConfig(f))
	}
	if !has("version") {
		root.AddCommand(NewCmdVersion(f, nil))
	}
	return root
}

func runRoot(root *cobra.Command, args ...string) error {
	root.SetArgs(args)
	return root.ExecuteContext(context.Background())
}

func writeTestFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// showSettings runs `config show -o json` and returns the settings by key.
func showSettings(t *testing.T, f *Factory, out *bytes.Buffer, args ...string) (provenance, map[string]setting) {
	t.Helper()
	if err := runRoot(testRoot(f), append([]string{"config", "show", "-o", "json"}, args...)...); err != nil {
		t.Fatal(err)
	}
	var pv provenance
	if err := json.Unmarshal(out.Bytes(), &pv); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	byKey := map[string]setting{}
	for _, s := range pv.Settings {
		byKey[s.Key] = s
	}
	return pv, byKey
}

const fridayFile = `timezone: Europe/Berlin
me: [file@example.com]
work_hours:
  mon: "09:00-17:00"
  tue: "09:00-17:00"
  wed: "09:00-17:00"
  thu: "09:00-17:00"
  fri: "09:00-13:00"
focus_min: 90m
`

// TestPrecedence checks, for each setting the environment can give, that
// a flag wins over the environment, the environment over the file, and
// the file over the default.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		file   bool
		env    map[string]string
		args   []string
		key    string
		value  string // the value as JSON
		source origin
		where  string // the line, variable or flag
	}{
		{"zone: default", false, nil, nil, "timezone", `null`, originDefault, ""},
		{"zone: file", true, nil, nil, "timezone", `"Europe/Berlin"`, originConfig, "1"},
		{"zone: environment over file", true, map[string]string{envTZ: "Asia/Tokyo"}, nil, "timezone", `"Asia/Tokyo"`, originEnv, envTZ},
		{"zone: flag over environment", true, map[string]string{envTZ: "Asia/Tokyo"}, []string{"--tz", "America/New_York"}, "timezone", `"America/New_York"`, originFlag, "--tz"},

		{"me: default", false, nil, nil, "me", `[]`, originDefault, ""},
		{"me: file", true, nil, nil, "me", `["file@example.com"]`, originConfig, "2"},
		{"me: environment, two addresses", true, map[string]string{envMe: "a@example.com, B@example.com"}, nil, "me", `["a@example.com","b@example.com"]`, originEnv, envMe},
		{"me: flag", true, map[string]string{envMe: "a@example.com"}, []string{"--me", "c@example.com"}, "me", `["c@example.com"]`, originFlag, "--me"},

		{"hours: default", false, nil, nil, "work_hours", `{"fri":"09:00-17:00","mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, originDefault, ""},
		{"hours: file", true, nil, nil, "work_hours", `{"fri":"09:00-13:00","mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, originConfig, "3"},
		{"hours: environment days keep the file's hours", true, map[string]string{envWorkDays: "mon-thu"}, nil, "work_hours", `{"mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, originEnv, envWorkDays + "; 3"},
		{"hours: environment hours", true, map[string]string{envWorkHours: "08:00-16:00"}, nil, "work_hours", `{"fri":"08:00-16:00","mon":"08:00-16:00","thu":"08:00-16:00","tue":"08:00-16:00","wed":"08:00-16:00"}`, originEnv, envWorkHours + "; 3"},
		{"hours: flag days over environment hours", true, map[string]string{envWorkHours: "08:00-16:00"}, []string{"--work-days", "sun-tue"}, "work_hours", `{"mon":"08:00-16:00","sun":"08:00-16:00","tue":"08:00-16:00"}`, originFlag, "--work-days; " + envWorkHours},
		{"hours: flag hours keep the file's days", true, nil, []string{"--work-hours", "10:00-18:00"}, "work_hours", `{"fri":"10:00-18:00","mon":"10:00-18:00","thu":"10:00-18:00","tue":"10:00-18:00","wed":"10:00-18:00"}`, originFlag, "--work-hours; 3"},

		{"hours: both flags leave nothing to the environment or the file", true, map[string]string{envWorkDays: "mon-thu"}, []string{"--work-days", "mon-tue", "--work-hours", "07:00-15:00"}, "work_hours", `{"mon":"07:00-15:00","tue":"07:00-15:00"}`, originFlag, "--work-hours, --work-days"},

		{"focus: default", false, nil, nil, "focus_min", `"2h"`, originDefault, ""},
		{"focus: file", true, nil, nil, "focus_min", `"1h30m"`, originConfig, "9"},
		{"focus: flag", true, nil, []string{"--focus-min", "45m"}, "focus_min", `"45m"`, originFlag, "--focus-min"},
		{"band: flag", true, nil, []string{"--em-meeting-min", "40"}, "bands.em_meeting_min", `40`, originFlag, "--em-meeting-min"},
		{"band: default", true, nil, nil, "bands.em_meeting_max", `75`, originDefault, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, _ := envFactory(t, tt.env)
			args := tt.args
			if tt.file {
				args = append([]string{"--config", writeTestFile(t, t.TempDir(), "emtime.yaml", fridayFile)}, args...)
			}
			_, got := showSettings(t, f, out, args...)
			s, ok := got[tt.key]
			if !ok {
				t.Fatalf("no setting %s", tt.key)
			}
			value, _ := json.Marshal(s.Value)
			var parts []string
			for _, p := range []string{s.Flag, s.Env} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			if s.Line > 0 {
				parts = append(parts, strconv.Itoa(s.Line))
			}
			where := strings.Join(parts, "; ")
			if string(value) != tt.value || s.Source != tt.source || where != tt.where {
				t.Errorf("%s = %s from %s (%s), want %s from %s (%s)", tt.key, value, s.Source, where, tt.value, tt.source, tt.where)
			}
		})
	}
}

func TestConfigShowTable(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, dir, config.FileName, fridayFile)
	f, out, _ := envFactory(t, map[string]string{"EMTIME_CONFIG_DIR": dir, envTZ: "Asia/Tokyo"})
	if err := runRoot(testRoot(f), "config", "show", "--large-meeting", "6"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"config file: " + filepath.Join(dir, config.FileName) + "\n",
		"KEY ", "VALUE ", "SOURCE\n",
		"\ntimezone  ", "Asia/Tokyo", "environment, EMTIME_TZ\n",
		"mon-thu 09:00-17:00, fri 09:00-13:00", "config, line 3\n",
		"\nlarge_meeting ", "flag, --large-meeting\n",
		"\nweek_start ", "mon ",
		"(none: the built-in categories only)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}

	// No file in the folder: said so, and the defaults stand.
	f, out, _ = envFactory(t, nil)
	if err := runRoot(testRoot(f), "config", "show"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(not there: write one with 'emtime config init')") || strings.Contains(out.String(), "config, line") {
		t.Errorf("with no file:\n%s", out)
	}
}

// probeRoot is a root with a command that settles its settings the way
// analyze does: the settings, then check, then what the flags cannot say.
func probeRoot(f *Factory, got **plan, opts *sourceOptions) *cobra.Command {
	root := testRoot(f)
	cmd := &cobra.Command{Use: "probe", Args: noArgs, RunE: func(cmd *cobra.Command, _ []string) error {
		pv, err := opts.applyConfig(cmd)
		if err != nil {
			return err
		}
		p, err := opts.check(cmd)
		if err != nil {
			return err
		}
		pv.fill(p)
		*got = p
		return nil
	}}
	opts.addFlags(cmd, 4)
	root.AddCommand(cmd)
	return root
}

func TestConfigReachesThePlan(t *testing.T) {
	dir := t.TempDir()
	path := writeTestFile(t, dir, "emtime.yaml", fridayFile+`domain: corp.example.com
week_start: sun
only_accepted: true
large_meeting: 6
bands:
  em_meeting_min: 40
keywords:
  personal: [siesta]
calendars: [primary, team@group.calendar.google.com]
categories:
  - name: incident
    title: incident
`)
	f, _, _ := envFactory(t, nil)
	var p *plan
	var opts sourceOptions
	if err := runRoot(probeRoot(f, &p, &opts), "--config", path, "probe", "--demo", "--focus-min", "3h"); err != nil {
		t.Fatal(err)
	}
	s := p.settings
	if s.Hours[time.Friday].String() != "09:00-13:00" || s.Hours[time.Monday].String() != "09:00-17:00" || !s.Hours[time.Saturday].IsZero() {
		t.Errorf("hours %v: want Friday 09:00-13:00 from the file", s.Hours)
	}
	if p.tz == nil || p.tz.String() != "Europe/Berlin" || s.WeekStart != time.Sunday || s.FocusMin != 3*time.Hour || s.Domain != "corp.example.com" {
		t.Errorf("zone %v, week start %v, focus %v (the flag's 3h), domain %q", p.tz, s.WeekStart, s.FocusMin, s.Domain)
	}
	r := p.rules
	if !r.OnlyAccepted || r.LargeMeeting != 6 || !slices.Equal(r.Personal, []string{"siesta"}) || !slices.Equal(r.Focus, classify.DefaultRules().Focus) {
		t.Errorf("rules %+v", r)
	}
	if len(r.Custom) != 1 || r.Custom[0].Name != "incident" {
		t.Errorf("custom categories %+v", r.Custom)
	}
	if p.bands.EMMeetingMin != 0.40 || p.bands.EMMeetingMax != 0.75 {
		t.Errorf("bands %+v", p.bands)
	}
	if !slices.Equal(opts.Me, []string{"file@example.com"}) {
		t.Errorf("me %v", opts.Me)
	}
	if len(opts.Google.Calendars) != 0 {
		t.Errorf("the file's calendars %v were taken with --demo", opts.Google.Calendars)
	}

	// With no other source named, the file's calendars are read.
	var o sourceOptions
	cmd := &cobra.Command{}
	o.addFlags(cmd, 4)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.applySettings(cmd.Flags(), cfg, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Google.Calendars, []string{"primary", "team@group.calendar.google.com"}) {
		t.Errorf("calendars %v", o.Google.Calendars)
	}
}

func TestSettingsMistakes(t *testing.T) {
	dir := t.TempDir()
	bad := writeTestFile(t, dir, "bad.yaml", "timezone: Europe/Berlin\ncolour: blue\nwork_hours:\n  fri: \"9-13\"\n")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
		hint string
	}{
		{"bad file", nil, []string{"--config", bad},
			[]string{bad + ":2: colour: unknown key", bad + `:4: work_hours.fri: "9" is not a time like 09:00`}, "'emtime config init --force --config " + bad + "'"},
		{"bad file in the config folder", map[string]string{"EMTIME_CONFIG_DIR": dir + "/folder"}, nil,
			[]string{dir + "/folder/config.yaml:1: week_start: "}, "'emtime config init --force'"},
		{"named file missing", nil, []string{"--config", filepath.Join(dir, "nope.yaml")},
			[]string{"config file " + filepath.Join(dir, "nope.yaml") + " does not exist"}, "emtime config init --config"},
		{"bad zone in the environment", map[string]string{envTZ: "Mars/Olympus"}, nil, []string{`EMTIME_TZ: unknown time zone "Mars/Olympus"`}, ""},
		{"bad address in the environment", map[string]string{envMe: "me@example.com,alex"}, nil, []string{`EMTIME_ME: "alex" is not an e-mail address`}, ""},
		{"bad hours in the environment", map[string]string{envWorkHours: "9-5"}, nil, []string{`EMTIME_WORK_HOURS: "9" is not a time like 09:00`}, ""},
		{"bad days in the environment", map[string]string{envWorkDays: "mon-funday"}, nil, []string{`EMTIME_WORK_DAYS: "funday" is not a day of the week`}, ""},
	}
	if err := os.MkdirAll(dir+"/folder", 0o700); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, dir+"/folder", config.FileName, "week_start: someday\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, command := range [][]string{{"config", "show"}, {"probe", "--demo"}} {
				f, out, _ := envFactory(t, tt.env)
				var p *plan
				var opts sourceOptions
				err := runRoot(probeRoot(f, &p, &opts), append(slices.Clone(tt.args), command...)...)
				if err == nil {
					t.Fatalf("%v: no error", command)
				}
				for _, want := range tt.want {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%v: error\n%v\nwant %q", command, err, want)
					}
				}
				if isUsage(err) {
					t.Errorf("%v: a usage error (exit 2); a file or the environment is not the command line", command)
				}
				if h := hintOf(err); !strings.Contains(h, tt.hint) {
					t.Errorf("%v: hint %q, want %q", command, h, tt.hint)
				}
				if out.Len() > 0 || p != nil {
					t.Errorf("%v: ran on half a config: %s", command, out)
				}
			}
		})
	}
}

func TestFlagMistakesStayUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"config", "show", "--work-hours", "17:00-09:00"},
		{"config", "show", "--work-days", "mon-funday"},
		{"config", "show", "--em-meeting-min", "80"},
		{"config", "show", "-o", "xml"},
		{"config", "bogus"},
	} {
		f, _, _ := envFactory(t, nil)
		err := runRoot(testRoot(f), args...)
		if err == nil || !isUsage(err) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestReshapeWeek(t *testing.T) {
	nine, short := analyze.Span{Start: 9 * time.Hour, End: 17 * time.Hour}, analyze.Span{Start: 9 * time.Hour, End: 13 * time.Hour}
	file := [7]analyze.Span{time.Monday: nine, time.Tuesday: nine, time.Wednesday: nine, time.Thursday: nine, time.Friday: short}
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
		got, err := reshapeWeek(file, file, tt.hours, tt.days, "h: ", "d: ")
		if err != nil {
			t.Fatal(err)
		}
		if weekWords(got) != tt.want {
			t.Errorf("hours %q days %q: %s, want %s", tt.hours, tt.days, weekWords(got), tt.want)
		}
	}
	// A day dropped by one layer and brought back by the next gets the
	// file's hours back.
	monThu, _ := reshapeWeek(file, file, "", "mon-thu", "h: ", "d: ")
	if got, _ := reshapeWeek(monThu, file, "", "mon-fri", "h: ", "d: "); weekWords(got) != "mon-thu 09:00-17:00, fri 09:00-13:00" {
		t.Errorf("Friday back: %s", weekWords(got))
	}
	if got := workDays(file); got != "mon,tue,wed,thu,fri" {
		t.Errorf("workDays = %s", got)
	}
	if got := typicalSpan(file); got != nine {
		t.Errorf("typicalSpan = %s", got)
	}
	if got := typicalSpan([7]analyze.Span{}); got != nine {
		t.Errorf("typicalSpan of no day = %s", got)
	}
}

func TestConfigInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "emtime")
	f, out, errOut := envFactory(t, map[string]string{"EMTIME_CONFIG_DIR": dir})
	if err := runRoot(testRoot(f), "config", "init"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, config.FileName)
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(data, config.DefaultYAML) {
		t.Fatalf("wrote %d bytes (%v), want the default file", len(data), err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700 | os.ModeDir} {
		if st, err := os.Stat(p); err != nil || st.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, st.Mode(), err, want)
		}
	}
	if out.Len() > 0 || !strings.Contains(errOut.String(), "wrote "+path) {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}

	// Not twice without --force; --force writes the defaults again.
	if err := os.WriteFile(path, []byte("week_start: sun\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = runRoot(testRoot(f), "config", "init")
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(hintOf(err), "--force") || isUsage(err) {
		t.Errorf("second init: %v (hint %q)", err, hintOf(err))
	}
	if data, _ := os.ReadFile(path); string(data) != "week_start: sun\n" {
		t.Errorf("the file was changed without --force: %q", data)
	}
	if err := runRoot(testRoot(f), "config", "init", "--force"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, config.DefaultYAML) {
		t.Errorf("--force did not write the defaults")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}

	// --config names the file; show then says every key written comes from it.
	other := filepath.Join(t.TempDir(), "sub", "my.yaml")
	if err := runRoot(testRoot(f), "--config", other, "config", "init"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	_, got := showSettings(t, f, out, "--config", other)
	for _, key := range []string{"work_hours", "week_start", "focus_min", "bands.ic_focus_min", "keywords.interview", "only_accepted", "large_meeting"} {
		if got[key].Source != originConfig {
			t.Errorf("%s from %s, want config", key, got[key].Source)
		}
	}
	for _, key := range []string{"me", "timezone", "calendars", "categories"} {
		if got[key].Source != originDefault {
			t.Errorf("%s from %s: the default file only shows it in a comment", key, got[key].Source)
		}
	}
}
