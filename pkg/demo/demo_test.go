package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/demo"
)

// owners are the addresses each persona's calendar names itself after.
var owners = map[string]string{
	"ic":         "sam@emtime.example",
	"hybrid":     "jordan@emtime.example",
	"em":         "alex@emtime.example",
	"overloaded": "morgan@emtime.example",
	"promoted":   "casey@emtime.example",
}

// today is the day the tests run on, as EMTIME_NOW sets it for the
// command's: Wednesday 18 March 2026, so the promoted persona became a
// manager on Monday 22 December 2025.
func today() time.Time { return time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC) }

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, newYork(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// load reads a persona's occurrences in [from, to) on [today], failing on
// any error or warning: the demo calendars must read cleanly.
func load(t *testing.T, persona string, from, to time.Time) (calendar.Info, []calendar.Event) {
	t.Helper()
	return loadOn(t, persona, today(), from, to)
}

// loadOn is [load] on the day now.
func loadOn(t *testing.T, persona string, now, from, to time.Time) (calendar.Info, []calendar.Event) {
	t.Helper()
	src, err := demo.Source(persona, now)
	if err != nil {
		t.Fatalf("Source(%q): %v", persona, err)
	}
	ctx := context.Background()
	info, err := src.Info(ctx)
	if err != nil {
		t.Fatalf("%s: Info: %v", persona, err)
	}
	res, err := src.Events(ctx, calendar.Query{From: from, To: to, Zone: newYork(t)})
	if err != nil {
		t.Fatalf("%s: Events: %v", persona, err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("%s: warnings: %q", persona, res.Warnings)
	}
	return info, res.Events
}

func TestPersonas(t *testing.T) {
	want := []string{"ic", "hybrid", "em", "overloaded", "promoted"}
	if got := demo.Personas(); !slices.Equal(got, want) {
		t.Fatalf("Personas() = %q, want %q", got, want)
	}
	if !slices.Contains(demo.Personas(), demo.DefaultPersona) || demo.DefaultPersona != "em" {
		t.Errorf("DefaultPersona = %q, want em", demo.DefaultPersona)
	}
	for _, p := range want {
		d := demo.Describe(p)
		if d == "" || strings.Contains(d, "\n") {
			t.Errorf("Describe(%q) = %q, want one non-empty line", p, d)
		}
	}
	if d := demo.Describe("nope"); d != "" {
		t.Errorf("Describe(nope) = %q, want empty", d)
	}
	// The caller may change the slice it gets; the next call is unaffected.
	demo.Personas()[0] = "changed"
	if demo.Personas()[0] != "ic" {
		t.Error("Personas shares its slice between calls")
	}
}

func TestSourceUnknownPersona(t *testing.T) {
	src, err := demo.Source("nope", today())
	if err == nil {
		t.Fatalf("Source(nope) = %v, want an error", src)
	}
	for _, p := range demo.Personas() {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not list persona %q", err, p)
		}
	}
	if !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("error %q does not name the unknown persona", err)
	}
}

func TestEveryPersonaParses(t *testing.T) {
	seen := make(map[string]string)
	for _, p := range demo.Personas() {
		info, events := load(t, p, day(t, "2024-03-04"), day(t, "2024-03-11"))
		if info.Name != owners[p] {
			t.Errorf("%s: calendar name %q, want %q", p, info.Name, owners[p])
		}
		if info.Zone != "America/New_York" {
			t.Errorf("%s: zone %q, want America/New_York", p, info.Zone)
		}
		if other, ok := seen[info.Name]; ok {
			t.Errorf("%s and %s are the same person %s", p, other, info.Name)
		}
		seen[info.Name] = p
		if len(events) < 20 {
			t.Errorf("%s: %d occurrences in a week, want a full calendar", p, len(events))
		}
		file := p
		if p == "promoted" {
			file = "ic" // March 2024, before the switch
		}
		for _, e := range events {
			if !strings.HasPrefix(e.Origin, "demo/"+file+".ics:") {
				t.Errorf("%s: %q comes from %q, want demo/%s.ics:line", p, e.Title, e.Origin, file)
				break
			}
		}
	}
}

// TestAnyWindow checks that the series never end: every persona has the
// same weeks in 2024, 2026, 2031 and around today, whatever today is.
func TestAnyWindow(t *testing.T) {
	now := time.Now().In(newYork(t))
	windows := []time.Time{
		day(t, "2024-01-01"), // the first week of the series
		day(t, "2024-11-04"), // the week after a daylight-saving change
		day(t, "2026-06-15"),
		day(t, "2031-02-10"),
		time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()),
	}
	for _, p := range demo.Personas() {
		var counts []int
		for _, from := range windows {
			// Monday to Monday holds one of each weekly series.
			for from.Weekday() != time.Monday {
				from = from.AddDate(0, 0, -1)
			}
			_, events := load(t, p, from, from.AddDate(0, 0, 7))
			n := 0
			for _, e := range events {
				if !e.AllDay && e.Start.Before(e.End) {
					n++
				}
			}
			counts = append(counts, n)
			if n < 20 {
				t.Errorf("%s: the week of %s has %d timed occurrences, want a full week", p, from.Format("2006-01-02"), n)
			}
		}
		t.Logf("%s: timed occurrences per window: %v", p, counts)
	}
}

// TestTeachingEntries checks that every persona shows the entries the demo
// is there to teach, in any six weeks (monthly entries included).
func TestTeachingEntries(t *testing.T) {
	ny := newYork(t)
	type check struct {
		what string
		ok   func(me string, e calendar.Event) bool
	}
	myAnswer := func(me string, e calendar.Event) calendar.Response {
		for _, a := range e.Attendees {
			if strings.EqualFold(a.Email, me) {
				return a.Response
			}
		}
		return ""
	}
	people := func(e calendar.Event) int {
		n := 0
		for _, a := range e.Attendees {
			if !a.Resource {
				n++
			}
		}
		return n
	}
	clock := func(t time.Time) int { t = t.In(ny); return t.Hour()*60 + t.Minute() }
	checks := []check{
		{"a declined meeting", func(me string, e calendar.Event) bool {
			return myAnswer(me, e) == calendar.ResponseDeclined
		}},
		{"a tentative meeting", func(me string, e calendar.Event) bool {
			return myAnswer(me, e) == calendar.ResponseTentative
		}},
		{"an out-of-office entry", func(_ string, e calendar.Event) bool {
			return strings.Contains(e.Title, "OOO") || strings.Contains(e.Title, "PTO")
		}},
		{"a solo lunch", func(_ string, e calendar.Event) bool {
			return e.Title == "Lunch" && len(e.Attendees) == 0 && !e.AllDay
		}},
		{"a meeting outside working hours", func(_ string, e calendar.Event) bool {
			return people(e) > 1 && !e.AllDay && (clock(e.Start) < 9*60 || clock(e.Start) >= 17*60)
		}},
		{"a booked focus block", func(_ string, e calendar.Event) bool {
			title := strings.ToLower(e.Title)
			return len(e.Attendees) == 0 && (strings.HasPrefix(title, "focus") || strings.Contains(title, "deep work") || strings.Contains(title, "heads down"))
		}},
		{"a 1:1", func(_ string, e calendar.Event) bool { return people(e) == 2 }},
		{"an interview", func(_ string, e calendar.Event) bool { return strings.Contains(e.Title, "Interview") }},
		{"a meeting of ten people or more", func(_ string, e calendar.Event) bool { return people(e) >= 10 }},
		{"a room", func(_ string, e calendar.Event) bool {
			return slices.ContainsFunc(e.Attendees, func(a calendar.Attendee) bool { return a.Resource })
		}},
		{"a video link", func(_ string, e calendar.Event) bool {
			return strings.HasPrefix(e.ConferenceURL, "https://meet.google.com/")
		}},
		{"someone from another domain", func(_ string, e calendar.Event) bool {
			return slices.ContainsFunc(e.Attendees, func(a calendar.Attendee) bool {
				return !a.Resource && !strings.HasSuffix(a.Email, "@emtime.example")
			})
		}},
		{"an all-day entry that is not out of office", func(_ string, e calendar.Event) bool {
			return e.AllDay && e.Transparent && !strings.Contains(e.Title, "OOO") && !strings.Contains(e.Title, "PTO")
		}},
	}
	for _, from := range []string{"2024-04-01", "2026-08-03", "2031-12-01"} {
		for _, p := range demo.Personas() {
			start := day(t, from)
			_, events := load(t, p, start, start.AddDate(0, 0, 42))
			for _, c := range checks {
				if !slices.ContainsFunc(events, func(e calendar.Event) bool { return c.ok(owners[p], e) }) {
					t.Errorf("%s, six weeks from %s: no %s", p, from, c.what)
				}
			}
		}
	}
}
