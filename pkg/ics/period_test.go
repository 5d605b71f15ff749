package ics

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/teambition/rrule-go"
)

// list writes the numbers from a to b (excluded) as a BY list: "1,2,3".
func list(a, b int) string {
	var s []string
	for i := a; i < b; i++ {
		s = append(s, fmt.Sprint(i))
	}
	return strings.Join(s, ",")
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLargePeriodIsRefused expands rules one period of which holds
// millions of starts, which rrule-go builds whole before it hands on the
// first (a 706-byte file took 25 s and 2.7 GB): each is left out with a
// warning before rrule-go is asked, its DTSTART still counts, and the work
// and memory it takes are those of a small rule.
func TestLargePeriodIsRefused(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join(fixtures, "every-second-of-the-year.ics"))
	if err != nil {
		t.Fatal(err)
	}
	every := "BYMONTH=" + list(1, 13) + ";BYMONTHDAY=" + list(1, 32) + ";BYHOUR=" + list(0, 24) + ";BYMINUTE=" + list(0, 60) + ";BYSECOND=" + list(0, 60)
	event := func(rule string) string {
		return strings.ReplaceAll(withGoodEvents("BEGIN:VEVENT\nUID:a\nSUMMARY:M\nDTSTART:20260302T000000Z\nDURATION:PT1M\nRRULE:"+rule+"\nEND:VEVENT\n"), "\n", "\r\n")
	}
	tests := []struct {
		name, file, doc, warning string
		from                     time.Time
		want                     []string // the rule's occurrences
	}{
		{"every second of a year", "every-second-of-the-year.ics", string(fixture),
			`every-second-of-the-year.ics:3 (UID a): RRULE "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,1…" may yield 31,622,400 starts in one year, more than emtime expands of one rule at once (100,000); left its repeats out`,
			day(2025, 12, 29), []string{"2026-01-01 00:00 – 2026-01-01 00:01 M"}},
		{"every second of a month", "x.ics", event("FREQ=MONTHLY;" + every),
			`x.ics:3 (UID a): RRULE "FREQ=MONTHLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,…" may yield 2,678,400 starts in one month, more than emtime expands of one rule at once (100,000); left its repeats out`,
			day(2026, 3, 2), []string{"2026-03-02 00:00 – 2026-03-02 00:01 M"}},
		{"every minute of each weekday of a year", "x.ics", event("FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=" + list(0, 24) + ";BYMINUTE=" + list(0, 60)),
			`x.ics:3 (UID a): RRULE "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16…" may yield 381,600 starts in one year, more than emtime expands of one rule at once (100,000); left its repeats out`,
			day(2026, 3, 2), []string{"2026-03-02 00:00 – 2026-03-02 00:01 M"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.file, strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			b := NewBudget()
			var r calendar.Result
			alloc := allocated(func() {
				r, err = c.Events(WithBudget(context.Background(), b), calendar.Query{From: tt.from, To: tt.from.AddDate(0, 0, 7)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Warnings, []string{tt.warning}) {
				t.Errorf("warnings %q\nwant %q", r.Warnings, tt.warning)
			}
			var got []string
			for _, e := range r.Events {
				if e.UID == "a" {
					got = append(got, show(e, time.UTC))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("occurrences %q, want %q (DTSTART counts)", got, tt.want)
			}
			if alloc > 1<<20 || b.steps > 1000 {
				t.Errorf("allocated %d bytes and spent %d steps, want at most 1 MiB and 1,000", alloc, b.steps)
			}
		})
	}
}

// TestPeriodIsChargedFirst expands a rule whose every month holds 44,640
// starts (every minute of every day), under the bound: what rrule-go
// builds of its first month is charged before it is built, so a budget too
// small for it stops the rule before any of it is built, and a budget
// large enough finds the same starts as before.
func TestPeriodIsChargedFirst(t *testing.T) {
	rule := "FREQ=MONTHLY;BYMONTHDAY=" + list(1, 32) + ";BYHOUR=" + list(0, 24) + ";BYMINUTE=" + list(0, 60)
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:m\nDTSTART:20260301T000000Z\nRRULE:" + rule + "\nEND:VEVENT\nEND:VCALENDAR\n"
	c, err := Parse("m.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	q := calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 3)}
	const period = 31 * 24 * 60

	small := &Budget{maxSteps: period * libraryStart / 2, maxOccurrences: DefaultOccurrences, maxAttendance: DefaultAttendance}
	alloc := allocated(func() { _, err = c.Events(WithBudget(context.Background(), small), q) })
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("with %d steps: %v, want the budget's error", small.maxSteps, err)
	}
	if alloc > 256<<10 {
		t.Errorf("with too small a budget it allocated %d bytes, want at most 256 KiB: rrule-go built the month", alloc)
	}

	b := NewBudget()
	r, err := c.Events(WithBudget(context.Background(), b), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 2*24*60 || len(r.Warnings) != 0 {
		t.Errorf("%d occurrences, warnings %q; want %d and none", len(r.Events), r.Warnings, 2*24*60)
	}
	// The month is paid for whole, and the starts handed on are in it.
	if b.steps < period*libraryStart || b.steps > period*libraryStart+100_000 {
		t.Errorf("spent %d steps, want the month's %d and little more", b.steps, period*libraryStart)
	}
}

// TestPeriodStartsBoundsTheLibrary checks periodStarts against what
// rrule-go builds: no period of a rule holds more starts than it says, on
// a list of rules (where it says how many it counts) and a few hundred drawn at random
// (with a fixed seed), from DTSTARTs on different weekdays and months.
func TestPeriodStartsBoundsTheLibrary(t *testing.T) {
	listed := []struct {
		rule string
		n    int64
	}{
		{"FREQ=DAILY", 1},
		{"FREQ=DAILY;BYHOUR=9,10,11;BYMINUTE=0,30", 6},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", 0},
		{"FREQ=WEEKLY", 1},
		{"FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9,14", 6},
		{"FREQ=WEEKLY;BYDAY=1MO,2MO,TU", 2},
		{"FREQ=MONTHLY", 1},
		{"FREQ=MONTHLY;BYMONTHDAY=1,15,-1", 3},
		{"FREQ=MONTHLY;BYDAY=MO", 5},
		{"FREQ=MONTHLY;BYDAY=2TU,-1FR", 2},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", 1},
		{"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=" + list(1, 32), 29},
		{"FREQ=YEARLY", 1},
		{"FREQ=YEARLY;BYMONTH=1,7", 2},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", 1},
		{"FREQ=YEARLY;BYDAY=20MO", 1},
		{"FREQ=YEARLY;BYYEARDAY=1,100,200", 3},
		{"FREQ=YEARLY;BYWEEKNO=20", 21},
		{"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", 21}, // each part alone: a week, a weekday

		{"FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", 0},
		{"FREQ=YEARLY;BYMONTH=" + list(1, 13) + ";BYMONTHDAY=" + list(1, 32) + ";BYHOUR=" + list(0, 24) + ";BYMINUTE=" + list(0, 60) + ";BYSECOND=" + list(0, 60), 366 * 86_400},
	}
	var rules []string
	for _, e := range listed {
		o, err := rrule.StrToROption(e.rule)
		if err != nil {
			t.Fatal(err)
		}
		o.Dtstart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		if got := periodStarts(*o); got != e.n {
			t.Errorf("%s: periodStarts %d, want %d", e.rule, got, e.n)
		}
		if e.n <= 10_000 {
			rules = append(rules, e.rule)
		}
	}
	rng := rand.New(rand.NewPCG(5545, 2445))
	some := func(name string, lo, hi, most int) string {
		n := rng.IntN(most + 1)
		if n == 0 {
			return ""
		}
		var v []string
		for range n {
			x := lo + rng.IntN(hi-lo+1)
			if x == 0 {
				x = 1
			}
			v = append(v, fmt.Sprint(x))
		}
		return ";" + name + "=" + strings.Join(v, ",")
	}
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	for range 300 {
		r := "FREQ=" + []string{"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}[rng.IntN(4)]
		r += some("BYMONTH", 1, 12, 3) + some("BYMONTHDAY", -31, 31, 4) + some("BYHOUR", 0, 23, 2) + some("BYMINUTE", 0, 59, 2)
		if rng.IntN(3) == 0 {
			r += some("BYYEARDAY", -366, 366, 3)
		}
		if rng.IntN(4) == 0 {
			r += some("BYWEEKNO", -53, 53, 2)
		}
		if n := rng.IntN(4); n > 0 {
			var v []string
			for range n {
				d := days[rng.IntN(7)]
				if rng.IntN(2) == 0 {
					d = fmt.Sprint(rng.IntN(9)-4) + d
				}
				v = append(v, strings.TrimPrefix(d, "0"))
			}
			r += ";BYDAY=" + strings.Join(v, ",")
		}
		if rng.IntN(4) == 0 {
			r += some("BYSETPOS", -10, 10, 3)
		}
		if rng.IntN(5) == 0 {
			r += ";WKST=" + days[rng.IntN(7)]
		}
		rules = append(rules, r)
	}
	checked, starts, tight := 0, 0, 0
	for _, text := range rules {
		r, err := readRule(text, nil)
		if err != nil {
			continue // a rule rrule-go refuses is never searched
		}
		checked++
		// Six years before rrule-go's last, where a rule that yields
		// nothing is not searched for long.
		for _, start := range []time.Time{time.Date(9994, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(9995, 12, 30, 23, 30, 0, 0, time.UTC)} {
			opt := r.opt
			opt.Dtstart = start
			opt.Until = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
			bound := periodStarts(opt)
			lib, err := rrule.NewRRule(opt)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			counts := map[int64]int64{}
			for _, s := range lib.All() {
				counts[periodOf(opt, s)]++
				starts++
			}
			most := int64(0)
			for p, n := range counts {
				most = max(most, n)
				if n > bound {
					t.Errorf("%s from %s: a period (%d) holds %d starts, more than periodStarts' %d", text, start.Format(time.DateOnly), p, n, bound)
				}
			}
			if most == bound {
				tight++
			}
		}
	}
	// The bound is no bound if it is far above what the rules hold: a
	// quarter of the searches (many of the random rules allow next to
	// nothing) find a period that holds as many as it says.
	if checked < 250 || starts < 50_000 || 2*tight < checked {
		t.Errorf("checked %d rules, %d starts, %d of %d searches with a period as large as the bound; want more", checked, starts, tight, 2*checked)
	}
	t.Logf("%d rules, %d starts, %d of %d searches with a period as large as the bound", checked, starts, tight, 2*checked)
}

// periodOf numbers the period of rule o that holds t: its year, month,
// week (from o's week start) or day.
func periodOf(o rrule.ROption, t time.Time) int64 {
	switch o.Freq {
	case rrule.YEARLY:
		return int64(t.Year())
	case rrule.MONTHLY:
		return int64(t.Year())*12 + int64(t.Month())
	case rrule.WEEKLY:
		// 1970-01-05 was a Monday, and rrule-go numbers Monday 0.
		wkst := int64(o.Wkst.Day())
		return (dayNumber(t) - 4 - wkst) / 7
	}
	return dayNumber(t)
}

// TestRulesAfterTheRange expands series that begin long after the range
// (in 2500, in the last month of the year 9999): they have nothing in it,
// which is no reason for a warning, and their search costs nothing. In a
// range of their own they repeat as usual.
func TestRulesAfterTheRange(t *testing.T) {
	rules := []string{
		"FREQ=WEEKLY",
		"FREQ=DAILY;INTERVAL=3",
		"FREQ=MONTHLY;BYDAY=1MO",
		"FREQ=YEARLY;COUNT=3",
		"FREQ=HOURLY;BYHOUR=9,10",
		"FREQ=MINUTELY;INTERVAL=30;BYDAY=MO",
	}
	// What the rest of the calendar costs.
	base := NewBudget()
	good, err := Parse("later.ics", strings.NewReader(withGoodEvents("")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := good.Events(WithBudget(context.Background(), base), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	for _, rule := range rules {
		for _, dtstart := range []string{"25000104T100000Z", "99991201T100000Z", "20270104T100000Z"} {
			doc := withGoodEvents("BEGIN:VEVENT\nUID:later\nSUMMARY:Later\nDTSTART:" + dtstart + "\nDURATION:PT1H\nRRULE:" + rule + "\nEND:VEVENT\n")
			c, err := Parse("later.ics", strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			b := NewBudget()
			r, err := c.Events(WithBudget(context.Background(), b), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range r.Events {
				got = append(got, show(e, time.UTC))
			}
			if len(r.Warnings) != 0 || !reflect.DeepEqual(got, goodEvents) || b.steps != base.steps {
				t.Errorf("%s from %s: warnings %q, %d steps, occurrences\n%s\nwant none, %d steps (the rest of the calendar's) and\n%s", rule, dtstart, r.Warnings, b.steps, strings.Join(got, "\n"), base.steps, strings.Join(goodEvents, "\n"))
			}
		}
	}
	c, err := Parse("later.ics", strings.NewReader(withGoodEvents("BEGIN:VEVENT\nUID:later\nSUMMARY:Later\nDTSTART:25000104T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n")))
	if err != nil {
		t.Fatal(err)
	}
	r := query(t, c, calendar.Query{From: day(2500, 1, 1), To: day(2500, 2, 1)})
	var got []string
	for _, e := range r.Events {
		got = append(got, show(e, time.UTC))
	}
	want := []string{"2500-01-04 10:00 – 2500-01-04 11:00 Later", "2500-01-11 10:00 – 2500-01-11 11:00 Later", "2500-01-18 10:00 – 2500-01-18 11:00 Later", "2500-01-25 10:00 – 2500-01-25 11:00 Later"}
	if len(r.Warnings) != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("in January 2500: warnings %q, occurrences %q; want none and %q", r.Warnings, got, want)
	}
}

// TestBadSetPositions reads BYSETPOS values that are no position in a set
// (0, or past 366 either way), which rrule-go refuses the whole rule for:
// they are left out with a warning and the rule expanded with the rest;
// with none left, the rule repeats nothing and its DTSTART still counts.
func TestBadSetPositions(t *testing.T) {
	c := load(t, "bysetpos.ics")
	r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2026, 4, 1)})
	var got []string
	for _, e := range r.Events {
		got = append(got, e.UID+" "+show(e, time.UTC))
	}
	want := []string{
		"a 2026-01-01 10:00 – 2026-01-01 11:00 M", // DTSTART, also the first weekday
		"b 2026-01-01 10:00 – 2026-01-01 11:00 M",
		"c 2026-01-01 10:00 – 2026-01-01 11:00 M",
		"d 2026-01-01 10:00 – 2026-01-01 11:00 M",
		"a 2026-01-30 10:00 – 2026-01-30 11:00 M",
		"a 2026-02-02 10:00 – 2026-02-02 11:00 M",
		"a 2026-02-27 10:00 – 2026-02-27 11:00 M",
		"a 2026-03-02 10:00 – 2026-03-02 11:00 M",
		"a 2026-03-31 10:00 – 2026-03-31 11:00 M",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("occurrences\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantWarnings := []string{
		"bysetpos.ics:5 (UID a): BYSETPOS 400, -400 and 0 are not positions in a set (1 to 366, or -1 to -366); left them out",
		`bysetpos.ics:15 (UID b): RRULE "FREQ=YEARLY;BYSETPOS=1;BYMONTHDAY=31;BYMONTH=2" yields no occurrence up to the year 2399; left its repeats out`,
		`bysetpos.ics:25 (UID c): RRULE "FREQ=DAILY;BYSETPOS=2" yields no occurrence up to the year 2399; left its repeats out`,
	}
	if !reflect.DeepEqual(r.Warnings, wantWarnings) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(r.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}

	tests := []struct {
		rule    string
		n       int // occurrences from 2026-01-01 to 2026-04-01
		warning string
	}{
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", 1,
			"RRULE with BYSETPOS=0 names no position in a set (1 to 366, or -1 to -366) and repeats nothing; counted its DTSTART alone"},
		{"FREQ=WEEKLY;BYSETPOS=367,-367,99999999999999999999", 1,
			"RRULE with BYSETPOS=367,-367,99999999999999999999 names no position in a set (1 to 366, or -1 to -366) and repeats nothing; counted its DTSTART alone"},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,0,0", 4, // DTSTART (a Thursday), and each first Monday
			"BYSETPOS 0 is not a position in a set (1 to 366, or -1 to -366); left it out"},
		{"FREQ=YEARLY;BYYEARDAY=1,-1;BYSETPOS=366,-366,2", 1, ""}, // DTSTART; 2026-12-31 is after the range
	}
	for _, tt := range tests {
		c, err := Parse("p.ics", strings.NewReader("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:p\nDTSTART:20260101T100000Z\nRRULE:"+tt.rule+"\nEND:VEVENT\nEND:VCALENDAR\n"))
		if err != nil {
			t.Fatal(err)
		}
		r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2026, 4, 1)})
		var want []string
		if tt.warning != "" {
			want = []string{"p.ics:2 (UID p): " + tt.warning}
		}
		if len(r.Events) != tt.n || !reflect.DeepEqual(r.Warnings, want) {
			t.Errorf("%s: %d occurrences, warnings %q; want %d and %q", tt.rule, len(r.Events), r.Warnings, tt.n, want)
		}
	}
}
