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
func showSettings(t *testing.T, f *Factory, out *bytes.Buffer, args ...string) (configShown, map[string]config.Setting) {
	t.Helper()
	if err := runRoot(testRoot(f), append([]string{"config", "show", "-o", "json"}, args...)...); err != nil {
		t.Fatal(err)
	}
	var pv configShown
	if err := json.Unmarshal(out.Bytes(), &pv); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	byKey := map[string]config.Setting{}
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
		source config.Origin
		where  string // the line, variable or flag
	}{
		{"zone: default", false, nil, nil, "timezone", `null`, config.OriginDefault, ""},
		{"zone: file", true, nil, nil, "timezone", `"Europe/Berlin"`, config.OriginConfig, "1"},
		{"zone: environment over file", true, map[string]string{config.EnvTZ: "Asia/Tokyo"}, nil, "timezone", `"Asia/Tokyo"`, config.OriginEnv, config.EnvTZ},
		{"zone: flag over environment", true, map[string]string{config.EnvTZ: "Asia/Tokyo"}, []string{"--tz", "America/New_York"}, "timezone", `"America/New_York"`, config.OriginFlag, "--tz"},

		{"me: default", false, nil, nil, "me", `[]`, config.OriginDefault, ""},
		{"me: file", true, nil, nil, "me", `["file@example.com"]`, config.OriginConfig, "2"},
		{"me: environment, two addresses", true, map[string]string{config.EnvMe: "a@example.com, B@example.com"}, nil, "me", `["a@example.com","b@example.com"]`, config.OriginEnv, config.EnvMe},
		{"me: flag", true, map[string]string{config.EnvMe: "a@example.com"}, []string{"--me", "c@example.com"}, "me", `["c@example.com"]`, config.OriginFlag, "--me"},

		{"hours: default", false, nil, nil, "work_hours", `{"fri":"09:00-17:00","mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, config.OriginDefault, ""},
		{"hours: file", true, nil, nil, "work_hours", `{"fri":"09:00-13:00","mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, config.OriginConfig, "3"},
		{"hours: environment days keep the file's hours", true, map[string]string{config.EnvWorkDays: "mon-thu"}, nil, "work_hours", `{"mon":"09:00-17:00","thu":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00"}`, config.OriginEnv, config.EnvWorkDays + "; 3"},
		{"hours: environment hours", true, map[string]string{config.EnvWorkHours: "08:00-16:00"}, nil, "work_hours", `{"fri":"08:00-16:00","mon":"08:00-16:00","thu":"08:00-16:00","tue":"08:00-16:00","wed":"08:00-16:00"}`, config.OriginEnv, config.EnvWorkHours + "; 3"},
		{"hours: flag days over environment hours", true, map[string]string{config.EnvWorkHours: "08:00-16:00"}, []string{"--work-days", "sun-tue"}, "work_hours", `{"mon":"08:00-16:00","sun":"08:00-16:00","tue":"08:00-16:00"}`, config.OriginFlag, "--work-days; " + config.EnvWorkHours},
		{"hours: flag hours keep the file's days", true, nil, []string{"--work-hours", "10:00-18:00"}, "work_hours", `{"fri":"10:00-18:00","mon":"10:00-18:00","thu":"10:00-18:00","tue":"10:00-18:00","wed":"10:00-18:00"}`, config.OriginFlag, "--work-hours; 3"},

		{"hours: both flags leave nothing to the environment or the file", true, map[string]string{config.EnvWorkDays: "mon-thu"}, []string{"--work-days", "mon-tue", "--work-hours", "07:00-15:00"}, "work_hours", `{"mon":"07:00-15:00","tue":"07:00-15:00"}`, config.OriginFlag, "--work-hours, --work-days"},

		{"focus: default", false, nil, nil, "focus_min", `"2h"`, config.OriginDefault, ""},
		{"focus: file", true, nil, nil, "focus_min", `"1h30m"`, config.OriginConfig, "9"},
		{"focus: flag", true, nil, []string{"--focus-min", "45m"}, "focus_min", `"45m"`, config.OriginFlag, "--focus-min"},
		{"band: flag", true, nil, []string{"--em-meeting-min", "40"}, "bands.em_meeting_min", `40`, config.OriginFlag, "--em-meeting-min"},
		{"band: default", true, nil, nil, "bands.em_meeting_max", `75`, config.OriginDefault, ""},
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
			if string(value) != tt.value || s.Origin != tt.source || where != tt.where {
				t.Errorf("%s = %s from %s (%s), want %s from %s (%s)", tt.key, value, s.Origin, where, tt.value, tt.source, tt.where)
			}
		})
	}
}

func TestConfigShowTable(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, dir, config.FileName, fridayFile)
	f, out, _ := envFactory(t, map[string]string{"EMTIME_CONFIG_DIR": dir, config.EnvTZ: "Asia/Tokyo"})
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
// analyze does.
func probeRoot(f *Factory, got **loadPlan) *cobra.Command {
	root := testRoot(f)
	var src sourceFlags
	var rng rangeFlags
	cmd := &cobra.Command{Use: "probe", Args: noArgs, RunE: func(cmd *cobra.Command, _ []string) error {
		p, err := checkLoad(cmd, &src, &rng)
		if err != nil {
			return err
		}
		*got = p
		return nil
	}}
	addLoadFlags(cmd, &src, &rng, 4)
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
	var p *loadPlan
	if err := runRoot(probeRoot(f, &p), "--config", path, "probe", "--demo", "--focus-min", "3h"); err != nil {
		t.Fatal(err)
	}
	s := p.Settings
	if s.Hours[time.Friday].String() != "09:00-13:00" || s.Hours[time.Monday].String() != "09:00-17:00" || !s.Hours[time.Saturday].IsZero() {
		t.Errorf("hours %v: want Friday 09:00-13:00 from the file", s.Hours)
	}
	if p.Zone == nil || p.Zone.String() != "Europe/Berlin" || s.WeekStart != time.Sunday || s.FocusMin != 3*time.Hour || s.Domain != "corp.example.com" {
		t.Errorf("zone %v, week start %v, focus %v (the flag's 3h), domain %q", p.Zone, s.WeekStart, s.FocusMin, s.Domain)
	}
	r := p.Rules
	if !r.OnlyAccepted || r.LargeMeeting != 6 || !slices.Equal(r.Personal, []string{"siesta"}) || !slices.Equal(r.Focus, classify.DefaultRules().Focus) {
		t.Errorf("rules %+v", r)
	}
	if len(r.Custom) != 1 || r.Custom[0].Name != "incident" {
		t.Errorf("custom categories %+v", r.Custom)
	}
	if p.Bands.EMMeetingMin != 0.40 || p.Bands.EMMeetingMax != 0.75 {
		t.Errorf("bands %+v", p.Bands)
	}
	if !slices.Equal(p.Me, []string{"file@example.com"}) {
		t.Errorf("me %v", p.Me)
	}
	if p.kind.provider != "" {
		t.Errorf("with --demo, %s is read: the file's calendars would be", p.kind.name)
	}

	// With no other calendar named, the file's calendars are read.
	if err := runRoot(probeRoot(f, &p), "--config", path, "probe"); err != nil {
		t.Fatal(err)
	}
	if p.kind.provider != config.ProviderGoogle || !slices.Equal(p.inForce.Calendars, []string{"primary", "team@group.calendar.google.com"}) {
		t.Errorf("%s read, calendars %v", p.kind.name, p.inForce.Calendars)
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
		{"bad zone in the environment", map[string]string{config.EnvTZ: "Mars/Olympus"}, nil, []string{`EMTIME_TZ: unknown time zone "Mars/Olympus"`}, ""},
		{"bad address in the environment", map[string]string{config.EnvMe: "me@example.com,alex"}, nil, []string{`EMTIME_ME: "alex" is not an e-mail address`}, ""},
		{"bad hours in the environment", map[string]string{config.EnvWorkHours: "9-5"}, nil, []string{`EMTIME_WORK_HOURS: "9" is not a time like 09:00`}, ""},
		{"bad days in the environment", map[string]string{config.EnvWorkDays: "mon-funday"}, nil, []string{`EMTIME_WORK_DAYS: "funday" is not a day of the week`}, ""},
	}
	if err := os.MkdirAll(dir+"/folder", 0o700); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, dir+"/folder", config.FileName, "week_start: someday\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, command := range [][]string{{"config", "show"}, {"probe", "--demo"}} {
				f, out, _ := envFactory(t, tt.env)
				var p *loadPlan
				err := runRoot(probeRoot(f, &p), append(slices.Clone(tt.args), command...)...)
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
	for _, key := range []string{"week_start", "focus_min", "bands.ic_focus_min", "keywords.interview", "only_accepted", "large_meeting"} {
		if got[key].Origin != config.OriginConfig {
			t.Errorf("%s from %s, want config", key, got[key].Origin)
		}
	}
	// The working hours too, so that those set in Outlook can stand.
	for _, key := range []string{"me", "timezone", "work_hours", "calendars", "categories"} {
		if got[key].Origin != config.OriginDefault {
			t.Errorf("%s from %s: the default file only shows it in a comment", key, got[key].Origin)
		}
	}
}

// TestEverySettingHasItsFlag checks that each command taking settings has
// every flag the settings table reads, and that `config --help` names
// every variable.
func TestEverySettingHasItsFlag(t *testing.T) {
	f := testFactory()
	for _, cmd := range []*cobra.Command{NewCmdAnalyze(f, nil), NewCmdEvents(f, nil), NewCmdConfigShow(f, nil)} {
		for _, name := range config.Flags() {
			if cmd.Flags().Lookup(name) == nil {
				t.Errorf("%s has no --%s", cmd.Name(), name)
			}
		}
	}
	long := NewCmdConfig(f).Long
	for _, v := range config.Variables() {
		if !strings.Contains(long, v) {
			t.Errorf("config --help does not name %s", v)
		}
	}
}
