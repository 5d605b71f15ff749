package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

const good = `# a full file
me: [Me@Example.com, me@corp.example.com]
domain: Example.com
timezone: Europe/Berlin
work_hours:
  mon: "08:30-17:00"
  tuesday: 08:30-17:00
  wed: "08:30-17:00"
  thu: "08:30-17:00"
  fri: "09:00-13:00"
  sat: off
week_start: sun
focus_min: 90m
bands:
  em_meeting_min: 40
  em_meeting_max: 70.5
  ic_focus_min: 55
  ic_focus_max: 65
  em_focus_max: 25
keywords:
  out_of_office: [away, "out of office"]
  personal: []
  focus: maker time
calendars: [primary, team@group.calendar.google.com]
only_accepted: true
large_meeting: 8
categories:
  - name: incident
    title: '\b(incident|post-?mortem)\b'
  - name: pairing
    max_people: 2
    recurring: true
  - name: customer
    attendee_domain: customer.example.org
    min_people: 3
  - name: hr
    organizer_domain: hr.example.com
    recurring: false
`

func TestParseGood(t *testing.T) {
	f, err := Parse("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	span := func(s string) analyze.Span {
		sp, err := analyze.ParseSpan(s)
		if err != nil {
			t.Fatal(err)
		}
		return sp
	}
	long, short := span("08:30-17:00"), span("09:00-13:00")
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("me", f.Me, []string{"me@example.com", "me@corp.example.com"})
	check("domain", f.Domain, "example.com")
	check("timezone", f.Timezone, "Europe/Berlin")
	check("work hours", f.WorkHours, [7]analyze.Span{time.Monday: long, time.Tuesday: long, time.Wednesday: long, time.Thursday: long, time.Friday: short})
	check("week start", f.WeekStart, time.Sunday)
	check("focus min", f.FocusMin, 90*time.Minute)
	check("bands", f.Bands, verdict.Bands{EMMeetingMin: 0.40, EMMeetingMax: 0.705, ICCodingMin: 0.55, ICCodingMax: 0.65, EMCodingMax: 0.25})
	check("out of office", f.Keywords.OutOfOffice, []string{"away", "out of office"})
	check("personal", f.Keywords.Personal, []string{})
	check("focus", f.Keywords.Focus, []string{"maker time"})
	check("interview (default kept)", f.Keywords.Interview, classify.DefaultRules().Interview)
	check("calendars", f.Calendars[ProviderGoogle], []string{"primary", "team@group.calendar.google.com"})
	check("only accepted", f.OnlyAccepted, true)
	check("large meeting", f.LargeMeeting, 8)

	if len(f.Categories) != 4 {
		t.Fatalf("%d categories, want 4", len(f.Categories))
	}
	c := f.Categories
	check("rule 1 name", c[0].Name, classify.Category("incident"))
	if !c[0].Title.MatchString("Post-Mortem: outage") || c[0].Title.MatchString("incidental") {
		t.Errorf("rule 1 pattern %s: want whole words, any case", c[0].Title)
	}
	check("rule 2", []any{c[1].Name, c[1].MaxPeople, *c[1].Recurring, c[1].Title == nil}, []any{classify.Category("pairing"), 2, true, true})
	check("rule 3", []any{c[2].AttendeeDomain, c[2].MinPeople, c[2].Recurring == nil}, []any{"customer.example.org", 3, true})
	check("rule 4", []any{c[3].OrganizerDomain, *c[3].Recurring}, []any{"hr.example.com", false})

	r := f.Rules()
	check("rules: custom", len(r.Custom), 4)
	check("rules: large, accepted", []any{r.LargeMeeting, r.OnlyAccepted}, []any{8, true})
	check("rules: focus", r.Focus, []string{"maker time"})

	for key, line := range map[string]int{"me": 2, "timezone": 4, "work_hours": 5, "bands.em_meeting_max": 16, "keywords.focus": 23, "categories": 27, "large_meeting": 26} {
		check("line of "+key, f.Line(key), line)
	}
	check("line of a key not given", f.Line("keywords.interview"), 0)
	check("path", f.Path, "good.yaml")
}

// TestDefaultYAML keeps the file `config init` writes in step with the
// defaults: read, it changes nothing.
func TestDefaultYAML(t *testing.T) {
	f, err := Parse("default.yaml", DefaultYAML)
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	f.Path, f.lines, d.lines = "", nil, nil
	if !reflect.DeepEqual(f, d) {
		t.Errorf("the default file reads as\n%+v\nwant the defaults\n%+v", f, d)
	}
	for _, key := range []string{"work_hours", "week_start", "focus_min", "bands.em_meeting_min", "bands.em_focus_max",
		"keywords.out_of_office", "keywords.interview", "only_accepted", "large_meeting", "git", "git_authors",
		"coding_gap", "coding_lead", "after_hours_coding"} {
		if !strings.Contains(string(DefaultYAML), key[strings.LastIndexByte(key, '.')+1:]+":") {
			t.Errorf("the default file does not show %s", key)
		}
	}
	// The commented examples are valid too, once uncommented.
	var uncommented []string
	for _, line := range strings.Split(string(DefaultYAML), "\n") {
		if isExample(line) {
			line = strings.TrimPrefix(line, "# ")
		}
		uncommented = append(uncommented, line)
	}
	f, err = Parse("examples.yaml", []byte(strings.Join(uncommented, "\n")))
	if err != nil {
		t.Fatalf("the commented examples do not read: %v", err)
	}
	if len(f.Me) != 2 || f.Timezone != "Europe/Berlin" || len(f.Categories) != 3 || len(f.Calendars[ProviderGoogle]) != 2 || f.Domain != "example.com" {
		t.Errorf("examples read as me %v, zone %q, %d categories, calendars %v, domain %q", f.Me, f.Timezone, len(f.Categories), f.Calendars, f.Domain)
	}
	if len(f.Git) != 1 || len(f.GitAuthors) != 1 {
		t.Errorf("examples read as git %v, git authors %v", f.Git, f.GitAuthors)
	}
}

// isExample tells a commented-out setting of the default file from prose.
func isExample(line string) bool {
	for _, p := range []string{"# me:", "# domain:", "# timezone:", "# work_hours:", "# calendars:", "# categories:", "# git:", "# git_authors:", "#   "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// emptyFiles read as the defaults.
func emptyFiles() []string {
	return []string{"", "# only comments\n", "---\n", "timezone:\nme: ~\n"}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range emptyFiles() {
		f, err := Parse("empty.yaml", []byte(data))
		if err != nil {
			t.Errorf("%q: %v", data, err)
			continue
		}
		f.Path, f.lines = "", nil
		d := Default()
		d.lines = nil
		if !reflect.DeepEqual(f, d) {
			t.Errorf("%q reads as %+v, want the defaults", data, f)
		}
	}
}

// A badFile is a config file with mistakes.
type badFile struct {
	name string
	data string
	want []string // one line per mistake, without the file name
}

func badFiles() []badFile {
	return []badFile{
		{"unknown key", "timezone: UTC\ncolour: blue\n", []string{`2: colour: unknown key (known keys: after_hours_coding, bands, calendars`}},
		{"odd key, quoted", "\"a\\nb\\e[2J\": 1\n", []string{`1: "a\nb\x1b[2J": unknown key (known keys: after_hours_coding, bands`}},
		{"odd weekday, quoted", "work_hours:\n  \"mon\\a\": \"09:00-17:00\"\n", []string{`2: work_hours."mon\a": "mon\a" is not a day of the week`}},
		{"unknown nested key", "bands:\n  em_meeting_min: 40\n  em_meting_max: 70\n", []string{`3: bands.em_meting_max: unknown key (known keys in bands: em_focus_max, em_meeting_max`}},
		{"unknown key in a rule", "categories:\n  - name: x\n    titel: y\n", []string{`3: categories[1].titel: unknown key`}},
		{"key given twice", "week_start: mon\nweek_start: sun\n", []string{`2: week_start: given twice (first on line 1)`}},
		{"not a mapping", "- a\n- b\n", []string{`1: (top level): want keys and values, got a list`}},
		{"YAML syntax", "me: [a@b.c\n", []string{`did not find expected ',' or ']'`}},
		{"two documents", "me: a@b.c\n---\nme: d@e.f\n", []string{`2: a config file holds one YAML document`}},
		{"wrong type: string", "timezone: 2\n", []string{`1: timezone: want a string, got the number 2`}},
		{"wrong type: number", "large_meeting: ten\n", []string{`1: large_meeting: want a whole number, got "ten"`}},
		{"wrong type: fraction", "large_meeting: 7.5\n", []string{`1: large_meeting: want a whole number, got the number 7.5`}},
		{"wrong type: bool", "only_accepted: yes\n", []string{`1: only_accepted: want true or false, got "yes"`}},
		{"wrong type: list", "me: {a: b}\n", []string{`1: me: want a list of strings, got keys and values`}},
		{"wrong type in a list", "calendars: [primary, 3]\n", []string{`1: calendars: want a list of strings, got the number 3 in it`}},
		{"wrong type: mapping", "keywords: [a, b]\n", []string{`1: keywords: want keys and values, got a list`}},
		{"bad address", "me:\n  - me@example.com\n  - alex\n", []string{`3: me: "alex" is not an e-mail address`}},
		{"bad domain", "domain: me@example.com\n", []string{`1: domain: "me@example.com" is not a domain like example.com`}},
		{"unknown zone", "timezone: Mars/Olympus\n", []string{`1: timezone: unknown time zone "Mars/Olympus"`}},
		{"zone in the wrong case", "timezone: america/new_york\n", []string{`1: timezone: unknown time zone "america/new_york" (did you mean America/New_York?`}},
		{"Local is not a zone", "timezone: Local\n", []string{`1: timezone: unknown time zone "Local"`}},
		{"bad time", "work_hours:\n  mon: 9-17\n", []string{`2: work_hours.mon: "9" is not a time like 09:00; want hours like 09:00-17:00, or off`}},
		{"bad time of day", "work_hours:\n  mon: \"09:00-25:00\"\n", []string{`2: work_hours.mon: "25:00" is not a time of day`}},
		{"end before start", "work_hours:\n  mon: \"17:00-09:00\"\n", []string{`2: work_hours.mon: "17:00-09:00" ends before it starts`}},
		{"unknown weekday", "work_hours:\n  mon: \"09:00-17:00\"\n  funday: \"10:00-12:00\"\n", []string{`3: work_hours.funday: "funday" is not a day of the week`}},
		{"weekday twice", "work_hours:\n  mon: \"09:00-17:00\"\n  monday: \"10:00-12:00\"\n", []string{`3: work_hours.monday: Monday given twice (first on line 2)`}},
		{"no working day", "work_hours:\n  mon: off\n", []string{`2: work_hours: no working day`}},
		{"work hours not per day", "work_hours: \"09:00-17:00\"\n", []string{`1: work_hours: want one entry per working day`}},
		{"unknown week start", "week_start: someday\n", []string{`1: week_start: "someday" is not a day of the week`}},
		{"bad duration", "focus_min: two hours\n", []string{`1: focus_min: want a duration like 2h or 90m, got "two hours"`}},
		{"duration without unit", "focus_min: 120\n", []string{`1: focus_min: want a duration like 2h or 90m, got the number 120`}},
		{"duration out of range", "focus_min: 30s\n", []string{`1: focus_min: must be between 1m and 24h, got 30s`}},
		{"coding gap out of range", "coding_gap: 30s\n", []string{`1: coding_gap: must be between 1m and 24h, got 30s`}},
		{"coding gap of nothing", "coding_gap: 0\n", []string{`1: coding_gap: want a duration like 2h or 90m, got the number 0`}},
		{"coding lead too long", "coding_lead: 9h\n", []string{`1: coding_lead: must be between 0s and 8h, got 9h`}},
		{"after hours coding not a duration", "after_hours_coding: lots\n", []string{`1: after_hours_coding: want a duration like 2h or 90m, got "lots"`}},
		{"an empty git path", "git: [~/src, \"\"]\n", []string{`1: git: a git path cannot be empty`}},
		{"git paths not a list", "git: {src: 1}\n", []string{`1: git: want a list of strings, got keys and values`}},
		{"a git author that is no address", "git_authors: [alex]\n", []string{`1: git_authors: "alex" is not an e-mail address`}},
		{"small large meeting", "large_meeting: 2\n", []string{`1: large_meeting: must be at least 3, got 2`}},
		{"band out of range", "bands:\n  ic_focus_max: 120\n", []string{`2: bands.ic_focus_max: must be a percentage between 0 and 100, got 120`}},
		{"empty band", "bands:\n  em_meeting_min: 80\n", []string{`2: bands: the EM meeting band is empty: 80% is above 75%`}},
		{"empty keyword", "keywords:\n  focus: [focus, \"\"]\n", []string{`2: keywords.focus: an empty keyword matches nothing`}},
		{"pattern does not compile", "categories:\n  - name: incident\n    title: '(incident'\n", []string{`3: categories[1].title: the pattern "(incident" does not compile: missing closing )`}},
		{"pattern with a bad part", "categories:\n  - name: x\n    title: 'a**'\n", []string{`3: categories[1].title: the pattern "a**" does not compile: invalid nested repetition operator at "**"`}},
		{"rule without a name", "categories:\n  - title: sync\n", []string{`2: categories[1]: a rule needs a name`}},
		{"rule without a condition", "categories:\n  - name: everything\n", []string{`2: categories[1]: a rule needs at least one condition`}},
		{"rule that can never match", "categories:\n  - name: x\n    min_people: 5\n    max_people: 3\n", []string{`2: categories[1]: min_people 5 is above max_people 3`}},
		{"rule: bad people", "categories:\n  - name: x\n    min_people: 0\n", []string{`3: categories[1].min_people: must be at least 1 (me), got 0`}},
		{"rule: bad recurring", "categories:\n  - name: x\n    recurring: sometimes\n", []string{`3: categories[1].recurring: want true or false, got "sometimes"`}},
		{"rule: bad domain", "categories:\n  - name: x\n    attendee_domain: '@example.com'\n", []string{`3: categories[1].attendee_domain: "@example.com" is not a domain`}},
		{"rules not a list", "categories:\n  name: x\n", []string{`2: categories: want a list of rules`}},
		{"second rule numbered 2", "categories:\n  - name: a\n    title: a\n  - name: b\n    recurring: maybe\n", []string{`5: categories[2].recurring: want true or false`}},
		{"every mistake at once", "colour: red\nfocus_min: 2\nwork_hours:\n  fri: \"9-13\"\n", []string{
			`1: colour: unknown key`, `2: focus_min: want a duration`, `4: work_hours.fri: "9" is not a time like 09:00`}},
	}
}

func TestParseBad(t *testing.T) {
	for _, tt := range badFiles() {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("emtime.yaml", []byte(tt.data))
			if err == nil {
				t.Fatalf("accepted, want %q", tt.want)
			}
			if f != nil {
				t.Errorf("a rejected file returned settings: %+v", f)
			}
			var ce *Error
			if !errors.As(err, &ce) || !IsError(err) {
				t.Fatalf("error %T, want *config.Error", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("%d mistakes:\n%v\nwant %d: %q", len(lines), err, len(tt.want), tt.want)
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(lines[i], "emtime.yaml:") || !strings.Contains(lines[i], want) {
					t.Errorf("mistake %d = %q, want emtime.yaml:%s", i+1, lines[i], want)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if _, err := Load(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte("work_hours:\n  fri: \"09:00-13:00\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != path || f.WorkHours[time.Friday].String() != "09:00-13:00" || !f.WorkHours[time.Monday].IsZero() {
		t.Errorf("path %q, hours %v", f.Path, f.WorkHours)
	}
	if err := os.WriteFile(path, []byte("fri: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.HasPrefix(err.Error(), path+":1: fri: unknown key") {
		t.Errorf("a bad file: %v", err)
	}
}
