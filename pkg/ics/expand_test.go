package ics

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/teambition/rrule-go"
)

// withGoodEvents wraps VEVENT text in a calendar that also holds a meeting
// and a weekly series, which must survive whatever the other entry does.
func withGoodEvents(vevents string) string {
	return "BEGIN:VCALENDAR\nVERSION:2.0\n" + vevents +
		"BEGIN:VEVENT\nUID:good\nSUMMARY:Good\nDTSTART:20260303T100000Z\nDURATION:PT1H\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:weekly\nSUMMARY:Weekly\nDTSTART:20260304T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n" +
		"END:VCALENDAR\n"
}

var goodEvents = []string{
	"2026-03-03 10:00 – 2026-03-03 11:00 Good",
	"2026-03-04 10:00 – 2026-03-04 11:00 Weekly",
	"2026-03-11 10:00 – 2026-03-11 11:00 Weekly",
	"2026-03-18 10:00 – 2026-03-18 11:00 Weekly",
}

// cycleDays is the days of one 400-year cycle: the longest any rule that
// finds nothing searches past the range.
const cycleDays = 146_097

// TestRulesThatCannotHang expands rules that can never yield an
// occurrence, each of which kept rrule-go searching forever (or until the
// year 9999): each is left out with a warning, at a bounded cost, and the
// rest of the calendar is kept.
func TestRulesThatCannotHang(t *testing.T) {
	tests := []struct {
		rule     string
		dtstart  string
		warning  string
		maxSteps int64
	}{
		// rrule-go's own loop for sub-daily rules steps forever here: an
		// interval that never meets the allowed hour, minute or second.
		{"FREQ=HOURLY;INTERVAL=2;BYHOUR=1", "20260302T100000Z", "can never yield an occurrence", 200},
		{"FREQ=HOURLY;INTERVAL=48;BYHOUR=9", "20260302T100000Z", "can never yield an occurrence", 200},
		{"FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1", "20260302T100000Z", "can never yield an occurrence", 1000},
		{"FREQ=MINUTELY;INTERVAL=120;BYHOUR=1", "20260302T100000Z", "can never yield an occurrence", 1000},
		{"FREQ=MINUTELY;INTERVAL=60;BYMINUTE=30", "20260302T100000Z", "can never yield an occurrence", 1000},
		{"FREQ=MINUTELY;INTERVAL=45;BYMINUTE=0,15,30,45", "20260302T091700Z", "can never yield an occurrence", 1000},
		{"FREQ=SECONDLY;INTERVAL=2;BYSECOND=1", "20260302T100000Z", "can never yield an occurrence", 86_401},
		{"FREQ=SECONDLY;INTERVAL=60;BYSECOND=30", "20260302T100000Z", "can never yield an occurrence", 86_401},
		{"FREQ=SECONDLY;INTERVAL=3600;BYMINUTE=30", "20260302T100000Z", "can never yield an occurrence", 86_401},
		// BYSETPOS past the one time each period holds.
		{"FREQ=HOURLY;BYSETPOS=2", "20260302T100000Z", "can never yield an occurrence", 200},
		{"FREQ=MINUTELY;BYSECOND=0,30;BYSETPOS=3,-3", "20260302T100000Z", "can never yield an occurrence", 200},
		// Dates that do not exist, or sets that select nothing: rrule-go
		// searches them to the year 9999 unless the search is shortened.
		// Each day it looks at costs a step for each BY value.
		{"FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=SECONDLY;BYMONTH=4;BYMONTHDAY=31", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=31", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=DAILY;BYMONTHDAY=31;BYMONTH=2", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=YEARLY;BYYEARDAY=60;BYMONTH=1", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		{"FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		// Monday is day 0 of the rule and every 7th day after: never a Tuesday.
		{"FREQ=DAILY;INTERVAL=7;BYDAY=TU", "20260302T100000Z", "yields no occurrence up to the year 2399", 3 * cycleDays},
		// A COUNT is searched from DTSTART, however long ago.
		{"FREQ=DAILY;COUNT=10;BYMONTHDAY=30;BYMONTH=2", "19000101T100000Z", "yields no occurrence up to the year 2399", 3 * (cycleDays + 500*366)},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			doc := withGoodEvents("BEGIN:VEVENT\nUID:hostile\nSUMMARY:Hostile\nDTSTART:" + tt.dtstart + "\nDURATION:PT1H\nRRULE:" + tt.rule + "\nEND:VEVENT\n")
			c, err := Parse("hostile.ics", strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			b := NewBudget()
			r, err := c.Events(WithBudget(context.Background(), b), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("hostile.ics:3 (UID hostile): RRULE %q %s; left its repeats out", tt.rule, tt.warning)
			if !reflect.DeepEqual(r.Warnings, []string{want}) {
				t.Errorf("warnings %q, want %q", r.Warnings, want)
			}
			var got []string
			for _, e := range r.Events {
				if e.UID != "hostile" {
					got = append(got, show(e, time.UTC))
				}
			}
			if !reflect.DeepEqual(got, goodEvents) {
				t.Errorf("the rest of the calendar:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(goodEvents, "\n"))
			}
			if b.steps > tt.maxSteps {
				t.Errorf("spent %d steps, want at most %d", b.steps, tt.maxSteps)
			}
		})
	}
}

// TestSubDailyAgreesWithLibrary checks the sub-daily search against
// rrule-go on rules that rrule-go can expand: a list, and a few hundred
// drawn at random (with a fixed seed) from those whose every day either
// has the same times or is allowed, so that rrule-go finishes.
func TestSubDailyAgreesWithLibrary(t *testing.T) {
	rules := []string{
		"FREQ=HOURLY;INTERVAL=5",
		"FREQ=HOURLY;INTERVAL=5;BYHOUR=3,9,17",
		"FREQ=HOURLY;BYMINUTE=0,30;BYSECOND=15",
		"FREQ=HOURLY;BYMINUTE=0,20,40;BYSETPOS=-1,1",
		"FREQ=HOURLY;INTERVAL=7;BYDAY=MO,FR;BYHOUR=8,9,10,11,12",
		"FREQ=HOURLY;INTERVAL=30;BYMONTHDAY=3,5,-1",
		"FREQ=HOURLY;INTERVAL=168;BYDAY=MO",
		"FREQ=MINUTELY;INTERVAL=7;BYHOUR=9,10",
		"FREQ=MINUTELY;INTERVAL=45;BYMINUTE=2,32",
		"FREQ=MINUTELY;INTERVAL=90;BYSECOND=0,30;BYSETPOS=2",
		"FREQ=MINUTELY;INTERVAL=13;BYDAY=TU;BYMONTH=3",
		"FREQ=SECONDLY;INTERVAL=97;BYHOUR=10",
		"FREQ=SECONDLY;INTERVAL=3600;BYMINUTE=17",
		"FREQ=SECONDLY;INTERVAL=61;BYMINUTE=5,6;BYSECOND=1,2,3",
		"FREQ=SECONDLY;INTERVAL=7200;BYYEARDAY=62,63,-300",
		"FREQ=SECONDLY;INTERVAL=86401;COUNT=40",
		"FREQ=HOURLY;COUNT=30;BYHOUR=9,17",
	}
	starts := make([]time.Time, len(rules))
	for i := range starts {
		starts[i] = time.Date(2026, 3, 2, 9, 17, 23, 0, time.UTC)
	}
	rnd := rand.New(rand.NewPCG(8, 2026))
	pick := func(n, lo, hi int) string {
		var v []string
		for range n {
			v = append(v, fmt.Sprint(lo+rnd.IntN(hi-lo+1)))
		}
		return strings.Join(v, ",")
	}
	for len(rules) < 400 {
		freq := []string{"HOURLY", "MINUTELY", "SECONDLY"}[rnd.IntN(3)]
		// Intervals that divide a day give every day the same times; the
		// others only run on rules that allow every day.
		even := map[string][]int{"HOURLY": {1, 2, 3, 4, 6, 8, 12, 24}, "MINUTELY": {1, 5, 15, 45, 90, 120, 480, 1440}, "SECONDLY": {60, 90, 900, 3600, 7200, 86400}}[freq]
		odd := map[string][]int{"HOURLY": {5, 7, 25, 30, 100}, "MINUTELY": {7, 13, 61, 1441}, "SECONDLY": {97, 3599, 86401}}[freq]
		parts := []string{"FREQ=" + freq}
		dates := rnd.IntN(3) == 0
		if interval := odd[rnd.IntN(len(odd))]; dates || rnd.IntN(2) == 0 {
			parts = append(parts, fmt.Sprintf("INTERVAL=%d", even[rnd.IntN(len(even))]))
		} else {
			parts = append(parts, fmt.Sprintf("INTERVAL=%d", interval))
		}
		if rnd.IntN(3) == 0 {
			parts = append(parts, "BYHOUR="+pick(1+rnd.IntN(6), 0, 23))
		}
		if rnd.IntN(3) == 0 {
			parts = append(parts, "BYMINUTE="+pick(1+rnd.IntN(4), 0, 59))
		}
		if rnd.IntN(3) == 0 {
			parts = append(parts, "BYSECOND="+pick(1+rnd.IntN(3), 0, 59))
		}
		if dates {
			switch rnd.IntN(3) {
			case 0:
				parts = append(parts, "BYDAY="+[]string{"MO", "TU,TH", "SA,SU", "MO,WE,FR"}[rnd.IntN(4)])
			case 1:
				parts = append(parts, "BYMONTHDAY="+pick(1+rnd.IntN(3), 1, 28))
			default:
				parts = append(parts, "BYMONTH=3,4;BYDAY="+[]string{"WE", "FR,SA"}[rnd.IntN(2)])
			}
		}
		if rnd.IntN(5) == 0 {
			parts = append(parts, "BYSETPOS="+[]string{"1", "-1", "2", "1,-1"}[rnd.IntN(4)])
		}
		if rnd.IntN(3) == 0 {
			parts = append(parts, fmt.Sprintf("COUNT=%d", 1+rnd.IntN(60)))
		}
		rule := strings.Join(parts, ";")
		r, err := readRule(rule, newZoneBook("x"))
		if err != nil {
			continue // BYSETPOS on a set of one, say
		}
		start := time.Date(2026, 3, 1+rnd.IntN(28), rnd.IntN(24), rnd.IntN(60), rnd.IntN(60), 0, time.UTC)
		// Only rules that can meet a time: rrule-go never ends the others.
		opt := r.opt
		opt.Dtstart = start
		s := &search{x: &expansion{ctx: context.Background(), c: &Calendar{}, budget: NewBudget()}}
		if s.subDaily(opt, start, start.AddDate(0, 0, 3), func(time.Time) bool { return true }) == stopNever {
			continue
		}
		rules, starts = append(rules, rule), append(starts, start)
	}
	for i, text := range rules {
		from, to := starts[i], starts[i].AddDate(0, 0, 6)
		r, err := readRule(text, newZoneBook("x"))
		if err != nil {
			t.Fatal(err)
		}
		opt := r.opt
		opt.Dtstart = from
		lib, err := rrule.NewRRule(opt)
		if err != nil {
			t.Fatal(err)
		}
		var want []time.Time
		for _, s := range lib.Between(from, to, true) {
			if s.Before(to) {
				want = append(want, s)
			}
		}
		x := &expansion{ctx: context.Background(), c: &Calendar{name: "x"}, budget: NewBudget()}
		x.begin(&entry{})
		var got []time.Time
		s := &search{x: x}
		s.subDaily(opt, from, to, func(t time.Time) bool {
			if !t.Before(to) {
				return false
			}
			got = append(got, t)
			return true
		})
		if i < 17 && len(want) == 0 || !reflect.DeepEqual(got, want) {
			n := 0
			for n < len(got) && n < len(want) && got[n].Equal(want[n]) {
				n++
			}
			t.Errorf("%s from %v: %d starts, rrule-go %d; they part at #%d", text, from, len(got), len(want), n)
		}
	}
}

// TestHostileCalendars reads calendars built to exhaust memory or time:
// past the run's budget, Events fails, naming the series that used most
// of it, rather than return a part of the calendar.
func TestHostileCalendars(t *testing.T) {
	never := func(n int, rule string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:r%d\nDTSTART:20260101T000000Z\nRRULE:%s\nEND:VEVENT\n", i, rule)
		}
		return withGoodEvents(b.String())
	}
	tests := []struct {
		name   string
		doc    string
		budget *Budget // NewBudget() when nil
		err    string
		// the budget spent when it stopped, at most
		steps, occurrences int64
	}{
		{
			name:        "100 never-ending SECONDLY rules",
			doc:         never(100, "FREQ=SECONDLY"),
			err:         "the calendar needs more than emtime allows for one run: more than 250,000 occurrences in the range, 100,000 of them from hostile.ics:3 (UID r0)",
			steps:       DefaultSteps,
			occurrences: DefaultOccurrences + 1,
		},
		{
			// Each searches a 400-year cycle in vain; a tenth of the
			// budget is enough to show where it ends.
			name:        "rules that search to the end of their cycle",
			doc:         never(100, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
			budget:      &Budget{maxSteps: DefaultSteps / 10, maxOccurrences: DefaultOccurrences, maxAttendance: DefaultAttendance},
			err:         "the calendar needs more than emtime allows for one run: its repeating events need more than 5,000,000 steps to expand, 409,801 of them for hostile.ics:3 (UID r0)",
			steps:       DefaultSteps/10 + 3*cycleDays,
			occurrences: 100 + 4, // the DTSTARTs, and the good events
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.doc) > 100_000 {
				t.Fatalf("the calendar is %d bytes; keep it small", len(tt.doc))
			}
			c, err := Parse("hostile.ics", strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			b := tt.budget
			if b == nil {
				b = NewBudget()
			}
			_, err = c.Events(WithBudget(context.Background(), b), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
			if !errors.Is(err, ErrBudget) || err.Error() != tt.err {
				t.Fatalf("error %v\nwant %s", err, tt.err)
			}
			if b.steps > tt.steps || b.occurrences > tt.occurrences {
				t.Errorf("spent %d steps and %d occurrences, want at most %d and %d", b.steps, b.occurrences, tt.steps, tt.occurrences)
			}
		})
	}
}

// TestBudgetIsShared spends one budget across two calendars: each fits
// alone, both together do not.
func TestBudgetIsShared(t *testing.T) {
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:daily\nDTSTART:20260101T090000Z\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n"
	q := calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)}
	a, _ := Parse("a.ics", strings.NewReader(doc))
	bc, _ := Parse("b.ics", strings.NewReader(doc))
	b := &Budget{maxSteps: DefaultSteps, maxOccurrences: 500, maxAttendance: DefaultAttendance}
	ctx := WithBudget(context.Background(), b)
	if r, err := a.Events(ctx, q); err != nil || len(r.Events) != 365 {
		t.Fatalf("a.ics: %d occurrences, %v; want 365", len(r.Events), err)
	}
	_, err := bc.Events(ctx, q)
	want := "the calendar needs more than emtime allows for one run: more than 500 occurrences in the range, 365 of them from a.ics:2 (UID daily)"
	if err == nil || err.Error() != want {
		t.Errorf("b.ics: %v\nwant %s", err, want)
	}
	// Without a budget in the context, each query has its own.
	if r, err := bc.Events(context.Background(), q); err != nil || len(r.Events) != 365 {
		t.Errorf("b.ics alone: %d occurrences, %v", len(r.Events), err)
	}
}

// TestBusyCalendarFitsTheBudget expands ten years of 85 series (122,485
// occurrences, more than a busy manager has) and checks that they take
// less than half the budget of occurrences and a fifth of its steps.
func TestBusyCalendarFitsTheBudget(t *testing.T) {
	c, err := Parse("busy.ics", strings.NewReader(string(benchmarkCalendar())))
	if err != nil {
		t.Fatal(err)
	}
	berlin := zone(t, "Europe/Berlin")
	b := NewBudget()
	r, err := c.Events(WithBudget(context.Background(), b), calendar.Query{From: time.Date(2016, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 1, 1, 0, 0, 0, 0, berlin), Zone: berlin})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 122_485 || b.occurrences != 122_485 {
		t.Errorf("%d occurrences, %d counted; want 122,485", len(r.Events), b.occurrences)
	}
	if b.occurrences*2 > DefaultOccurrences || b.steps*5 > DefaultSteps {
		t.Errorf("spent %d occurrences and %d steps of %d and %d", b.occurrences, b.steps, DefaultOccurrences, DefaultSteps)
	}
}

// TestLongRuleIsCut keeps the first 100,000 occurrences of a SECONDLY rule
// over a year (31 million) and says so; a COUNT above that says so too.
func TestLongRuleIsCut(t *testing.T) {
	tests := []struct{ rule, warning string }{
		{"FREQ=SECONDLY", "stopped expanding after 100000 occurrences; left the later ones out"},
		{"FREQ=SECONDLY;COUNT=5000000", "stopped expanding after 100000 occurrences (its COUNT=5000000 is more than emtime keeps of one series); left the later ones out"},
	}
	for _, tt := range tests {
		c, err := Parse("long.ics", strings.NewReader(withGoodEvents("BEGIN:VEVENT\nUID:s\nDTSTART:20260302T000000Z\nRRULE:"+tt.rule+"\nEND:VEVENT\n")))
		if err != nil {
			t.Fatal(err)
		}
		r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
		n := 0
		for _, e := range r.Events {
			if e.UID == "s" {
				n++
			}
		}
		want := "long.ics:3 (UID s): " + tt.warning
		if n != maxRuleOccurrences || !reflect.DeepEqual(r.Warnings, []string{want}) || len(r.Events) != maxRuleOccurrences+len(goodEvents) {
			t.Errorf("%s: %d occurrences of %d, warnings %q; want %d and %q", tt.rule, n, len(r.Events), r.Warnings, maxRuleOccurrences, want)
		}
	}
}

// TestCountIsHonoured expands a COUNT far above what one series may keep
// when the range needs only a part of it: nothing is cut, nothing said.
func TestCountIsHonoured(t *testing.T) {
	c, err := Parse("count.ics", strings.NewReader("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c\nDTSTART:20200101T090000Z\nRRULE:FREQ=DAILY;COUNT=2000000\nEND:VEVENT\nEND:VCALENDAR\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2026, 2, 1)})
	if len(r.Events) != 31 || len(r.Warnings) != 0 {
		t.Errorf("%d occurrences, warnings %q; want 31 and none", len(r.Events), r.Warnings)
	}
}

// TestRuleStepBudget gives up on a rule that needs more search than one
// rule may spend, before and inside the range, and keeps what it found.
func TestRuleStepBudget(t *testing.T) {
	tests := []struct {
		rule, dtstart string
		n             int
		warning       string
	}{
		// A minute apart from 1900: the COUNT runs out of steps long
		// before 2026.
		{"FREQ=SECONDLY;INTERVAL=60;COUNT=1000000000", "19000101T000000Z", 0,
			`RRULE "FREQ=SECONDLY;INTERVAL=60;COUNT=1000000000" (its COUNT=1000000000 is more than emtime can expand): gave up after 5,000,840 steps of search, at 1903-03-03, before the range; left its repeats out`},
		// Fewer steps a day: the same COUNT reaches the range.
		{"FREQ=SECONDLY;INTERVAL=43200;COUNT=1000000000", "19000101T000000Z", 730, ""},
	}
	for _, tt := range tests {
		c, err := Parse("steps.ics", strings.NewReader(withGoodEvents("BEGIN:VEVENT\nUID:s\nDTSTART:"+tt.dtstart+"\nRRULE:"+tt.rule+"\nEND:VEVENT\n")))
		if err != nil {
			t.Fatal(err)
		}
		r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
		var want []string
		if tt.warning != "" {
			want = []string{"steps.ics:3 (UID s): " + tt.warning}
		}
		if len(r.Events) != tt.n+len(goodEvents) || !reflect.DeepEqual(r.Warnings, want) {
			t.Errorf("%s: %d occurrences, warnings %q; want %d and %q", tt.rule, len(r.Events), r.Warnings, tt.n+len(goodEvents), want)
		}
	}
}

// stopAfter is a context whose Err reports cancellation after n calls.
type stopAfter struct {
	context.Context
	n int
}

func (s *stopAfter) Err() error {
	if s.n--; s.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestCancelStopsALongExpansion cancels a query in the middle of a rule.
func TestCancelStopsALongExpansion(t *testing.T) {
	c, err := Parse("long.ics", strings.NewReader(withGoodEvents("BEGIN:VEVENT\nUID:s\nDTSTART:20260101T000000Z\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := &stopAfter{Context: context.Background(), n: 2}
	if _, err := c.Events(ctx, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Events: %v, want it cancelled", err)
	}
}

// TestRepairs reads the entries whose values are wrong in a way that has
// one plain reading: each is read so, with a warning (the table in the
// package doc and the README).
func TestRepairs(t *testing.T) {
	r := query(t, load(t, "repairs.ics"), calendar.Query{From: day(2026, 3, 1), To: day(2026, 4, 1), Zone: time.UTC})
	var got []string
	for _, e := range r.Events {
		got = append(got, show(e, time.UTC))
	}
	want := []string{
		"2026-03-02 22:30 – 2026-03-02 22:45 Ends before it starts",
		"2026-03-03 00:00 – 2026-03-04 00:00 Holiday ending the day it starts [all-day]",
		"2026-03-04 00:00 – 2026-03-06 00:00 Leave from a date to a date-time [all-day]",
		"2026-03-05 20:00 – 2026-03-06 00:00 Evening to a date",
		"2026-03-07 00:00 – 2026-03-08 00:00 Hours on a date [all-day]",
		"2026-03-09 09:00 – 2026-03-09 09:30 Daily until a date",
		"2026-03-10 09:00 – 2026-03-10 09:30 Daily until a date",
		"2026-03-10 10:00 – 2026-03-10 10:30 Tuesday start, Monday rule",
		"2026-03-11 09:00 – 2026-03-11 09:30 Daily until a date",
		"2026-03-16 10:00 – 2026-03-16 10:30 Tuesday start, Monday rule",
		"2026-03-23 10:00 – 2026-03-23 10:30 Tuesday start, Monday rule",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantWarnings := []string{
		"repairs.ics:5 (UID swapped): end 2026-03-02T23:30 is before start 2026-03-02T23:45; swapped them",
		"repairs.ics:11 (UID one-day): DTEND 2026-03-03 is the day it starts; read it as that one day",
		"repairs.ics:17 (UID date-then-time): DTSTART 2026-03-04 is a date and DTEND 2026-03-06T00:00Z a date-time; read it as 2 days all-day",
		"repairs.ics:23 (UID time-then-date): DTSTART 2026-03-05T20:00Z is a date-time and DTEND 2026-03-06 a date; read DTEND as that day's midnight",
		"repairs.ics:29 (UID date-hours): DURATION PT10H on an all-day entry is not whole days; read it as 1 day",
		"repairs.ics:35 (UID until-date): UNTIL 2026-03-11 is a date on a series of date-times; read it as the end of that day",
		"repairs.ics:56 (UID too-long): DURATION PT999999999H is longer than 290 years; skipped it",
	}
	if !reflect.DeepEqual(r.Warnings, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
}

// TestUntilAtTheFirstInstant keeps an UNTIL at 0001-01-01T00:00:00Z, the
// zero time.Time that rrule-go reads as no UNTIL: the series ends before
// it begins, as Confluence marks a deleted series.
func TestUntilAtTheFirstInstant(t *testing.T) {
	for _, start := range []string{"DTSTART:20260302T080000Z", "DTSTART;VALUE=DATE:20260302"} {
		doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\n" + start + "\nRRULE:FREQ=DAILY;UNTIL=00010101T000000Z\nEND:VEVENT\nEND:VCALENDAR\n"
		c, err := Parse("until.ics", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)}); len(r.Events) != 0 || len(r.Warnings) != 0 {
			t.Errorf("%s: %d occurrences, warnings %q; want none", start, len(r.Events), r.Warnings)
		}
	}
}

// TestLongAgoRules expands rules that began centuries ago: rrule-go
// without an UNTIL stops 290 years after DTSTART, and reads a DTSTART at
// the zero time as now.
func TestLongAgoRules(t *testing.T) {
	tests := []struct {
		start, rule string
		n           int
	}{
		{"17000314T120000Z", "FREQ=YEARLY", 1},
		{"17000301T120000Z", "FREQ=MONTHLY;BYDAY=1MO", 12},
		{"00010101T000000Z", "FREQ=WEEKLY", 52},
		{"19000101T000000Z", "FREQ=DAILY;COUNT=80000", 365},
	}
	for _, tt := range tests {
		doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nDTSTART:" + tt.start + "\nRRULE:" + tt.rule + "\nEND:VEVENT\nEND:VCALENDAR\n"
		c, err := Parse("old.ics", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		r := query(t, c, calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
		if len(r.Events) != tt.n || len(r.Warnings) != 0 {
			t.Errorf("%s from %s: %d occurrences, warnings %q; want %d", tt.rule, tt.start, len(r.Events), r.Warnings, tt.n)
		}
	}
}

// TestThisAndFuture moves and resizes every occurrence from a
// RANGE=THISANDFUTURE override on, until the next one (RFC 5545 3.8.4.4).
func TestThisAndFuture(t *testing.T) {
	doc := `BEGIN:VCALENDAR
BEGIN:VEVENT
UID:s
SUMMARY:Daily
DTSTART;TZID=Europe/Berlin:20260302T090000
DTEND;TZID=Europe/Berlin:20260302T093000
RRULE:FREQ=DAILY;COUNT=8
RDATE;TZID=Europe/Berlin:20260305T150000
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Later and longer
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260304T090000
DTSTART;TZID=Europe/Berlin:20260304T100000
DTEND;TZID=Europe/Berlin:20260304T110000
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:One moved
RECURRENCE-ID;TZID=Europe/Berlin:20260306T090000
DTSTART;TZID=Europe/Berlin:20260306T170000
DTEND;TZID=Europe/Berlin:20260306T171500
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Back to the morning
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260308T090000
DTSTART;TZID=Europe/Berlin:20260308T080000
DTEND;TZID=Europe/Berlin:20260308T081000
SEQUENCE:2
END:VEVENT
END:VCALENDAR
`
	c, err := Parse("future.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	berlin := zone(t, "Europe/Berlin")
	var got []string
	for _, e := range query(t, c, calendar.Query{From: day(2026, 3, 1), To: day(2026, 4, 1)}).Events {
		got = append(got, show(e, berlin))
	}
	want := []string{
		"2026-03-02 09:00 – 2026-03-02 09:30 Daily",
		"2026-03-03 09:00 – 2026-03-03 09:30 Daily",
		"2026-03-04 10:00 – 2026-03-04 11:00 Later and longer",
		"2026-03-05 10:00 – 2026-03-05 11:00 Later and longer",
		"2026-03-05 16:00 – 2026-03-05 17:00 Later and longer", // the RDATE, moved too
		"2026-03-06 17:00 – 2026-03-06 17:15 One moved",
		"2026-03-07 10:00 – 2026-03-07 11:00 Later and longer",
		"2026-03-08 08:00 – 2026-03-08 08:10 Back to the morning",
		"2026-03-09 08:00 – 2026-03-09 08:10 Back to the morning",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStaleOverrides drops overrides whose occurrence the newest version
// of their series no longer has, as python-recurring-ical-events does: one
// whose RECURRENCE-ID an EXDATE removes, and a copy of an older version of
// the series (it repeats the RRULE) with a lower SEQUENCE whose occurrence
// is past the new UNTIL. An override that repeats no rule, or has a higher
// SEQUENCE, stands wherever it is.
func TestStaleOverrides(t *testing.T) {
	doc := `BEGIN:VCALENDAR
BEGIN:VEVENT
UID:s
SUMMARY:Weekly
DTSTART:20260302T090000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY;UNTIL=20260316T090000Z
EXDATE:20260309T090000Z
SEQUENCE:3
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Deleted after it was moved
RECURRENCE-ID:20260309T090000Z
DTSTART:20260310T090000Z
DURATION:PT1H
SEQUENCE:4
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Old version, past UNTIL
RECURRENCE-ID:20260323T090000Z
DTSTART:20260323T100000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY
SEQUENCE:2
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Newer than the series, past UNTIL
RECURRENCE-ID:20260330T090000Z
DTSTART:20260330T100000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY
SEQUENCE:5
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:No rule, past UNTIL
RECURRENCE-ID:20260406T090000Z
DTSTART:20260406T100000Z
DURATION:PT1H
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Old version, still an occurrence
RECURRENCE-ID:20260316T090000Z
DTSTART:20260316T100000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY
SEQUENCE:1
END:VEVENT
END:VCALENDAR
`
	c, err := Parse("stale.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range query(t, c, calendar.Query{From: day(2026, 3, 1), To: day(2026, 5, 1)}).Events {
		got = append(got, show(e, time.UTC))
	}
	want := []string{
		"2026-03-02 09:00 – 2026-03-02 10:00 Weekly",
		"2026-03-16 10:00 – 2026-03-16 11:00 Old version, still an occurrence",
		"2026-03-30 10:00 – 2026-03-30 11:00 Newer than the series, past UNTIL",
		"2026-04-06 10:00 – 2026-04-06 11:00 No rule, past UNTIL",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestUTCSeriesInCalendarZone repeats a series written in UTC on the wall
// clock of the calendar's X-WR-TIMEZONE, as Google Calendar shows it: 09:00
// in New York before and after daylight saving time begins on 8 March.
func TestUTCSeriesInCalendarZone(t *testing.T) {
	doc := `BEGIN:VCALENDAR
X-WR-TIMEZONE:America/New_York
BEGIN:VEVENT
UID:s
SUMMARY:Standup
DTSTART:20260302T140000Z
DTEND:20260302T141500Z
RRULE:FREQ=WEEKLY;UNTIL=20260324T000000Z
EXDATE:20260316T130000Z
RDATE:20260320T150000Z
END:VEVENT
BEGIN:VEVENT
UID:s
SUMMARY:Standup, later
RECURRENCE-ID:20260309T130000Z
DTSTART:20260309T140000Z
DTEND:20260309T141500Z
END:VEVENT
END:VCALENDAR
`
	c, err := Parse("google.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	newYork := zone(t, "America/New_York")
	var got []string
	for _, e := range query(t, c, calendar.Query{From: day(2026, 3, 1), To: day(2026, 4, 1), Zone: newYork}).Events {
		got = append(got, show(e, newYork))
	}
	want := []string{
		"2026-03-02 09:00 – 2026-03-02 09:15 Standup",
		"2026-03-09 10:00 – 2026-03-09 10:15 Standup, later",
		"2026-03-20 11:00 – 2026-03-20 11:15 Standup",
		"2026-03-23 09:00 – 2026-03-23 09:15 Standup",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// benchmarkHostile reads and expands doc over a year with a fresh default
// budget, reporting the steps and occurrences it spent.
func benchmarkHostile(b *testing.B, doc string, wantErr bool) {
	var budget *Budget
	b.ReportAllocs()
	for b.Loop() {
		c, err := Parse("hostile.ics", strings.NewReader(doc))
		if err != nil {
			b.Fatal(err)
		}
		budget = NewBudget()
		_, err = c.Events(WithBudget(context.Background(), budget), calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)})
		if (err != nil) != wantErr {
			b.Fatalf("error %v", err)
		}
	}
	b.ReportMetric(float64(budget.steps), "steps")
	b.ReportMetric(float64(budget.occurrences), "occurrences")
	b.ReportMetric(float64(len(doc)), "bytes")
}

func hostileRules(n int, rule string) string {
	var s strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&s, "BEGIN:VEVENT\nUID:r%d\nDTSTART:20260101T000000Z\nRRULE:%s\nEND:VEVENT\n", i, rule)
	}
	return withGoodEvents(s.String())
}

// BenchmarkHostileSecondly: 100 never-ending SECONDLY rules, refused once
// they pass the run's 250,000 occurrences.
func BenchmarkHostileSecondly(b *testing.B) {
	benchmarkHostile(b, hostileRules(100, "FREQ=SECONDLY"), true)
}

// BenchmarkHostileNever: 100 rules on 30 February, each searched for a
// 400-year cycle and left out with a warning.
func BenchmarkHostileNever(b *testing.B) {
	benchmarkHostile(b, hostileRules(100, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), false)
}

// BenchmarkHostileHanging: 1,000 sub-daily rules that can never meet an
// allowed time, each found out before any search.
func BenchmarkHostileHanging(b *testing.B) {
	benchmarkHostile(b, hostileRules(1000, "FREQ=HOURLY;INTERVAL=2;BYHOUR=1"), false)
}

// TestDateExdateDropsOverride removes, with a date EXDATE on a series of
// date-times, the day's occurrence and the override that moved it.
func TestDateExdateDropsOverride(t *testing.T) {
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nSUMMARY:Daily\nDTSTART:20260302T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE;VALUE=DATE:20260303\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:s\nSUMMARY:Moved\nRECURRENCE-ID:20260303T090000Z\nDTSTART:20260303T150000Z\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n"
	c, err := Parse("exdate.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range query(t, c, calendar.Query{From: day(2026, 3, 1), To: day(2026, 4, 1)}).Events {
		got = append(got, show(e, time.UTC))
	}
	want := []string{"2026-03-02 09:00 – 2026-03-02 10:00 Daily", "2026-03-04 09:00 – 2026-03-04 10:00 Daily"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRuleNumbersReadAsWritten checks that a COUNT or an INTERVAL no
// calendar should hold is read one documented way, with a warning where
// it is a repair, and never silently as another series.
func TestRuleNumbersReadAsWritten(t *testing.T) {
	tests := []struct {
		rule    string
		starts  int    // occurrences from 2026-03-02 to 2026-03-09
		warning string // "" for none
	}{
		{"FREQ=DAILY;COUNT=0", 1, "RRULE with COUNT=0 repeats nothing; counted its DTSTART alone"},
		{"FREQ=DAILY;COUNT=-1", 7, ""},
		{"FREQ=DAILY;INTERVAL=0;COUNT=3", 3, "INTERVAL=0 read as INTERVAL=1"},
		{"FREQ=DAILY;INTERVAL=-2", 7, "INTERVAL=-2 read as INTERVAL=1"},
		{"FREQ=DAILY;COUNT=99999999999999999999", 7, "COUNT=99999999999999999999 is more than emtime counts to; read it as COUNT=2147483647"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			doc := strings.Join([]string{"BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:u", "SUMMARY:s",
				"DTSTART:20260302T100000Z", "DTEND:20260302T110000Z", "RRULE:" + tt.rule, "END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
			c, err := Parse("n.ics", strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			r := query(t, c, calendar.Query{From: day(2026, 3, 2), To: day(2026, 3, 9), Zone: time.UTC})
			if len(r.Events) != tt.starts {
				t.Errorf("%d occurrences, want %d", len(r.Events), tt.starts)
			}
			var want []string
			if tt.warning != "" {
				want = []string{"n.ics:2 (UID u): " + tt.warning}
			}
			if !slices.Equal(r.Warnings, want) {
				t.Errorf("warnings %q, want %q", r.Warnings, want)
			}
		})
	}
}

// TestEventsInOrder hands events() occurrences in runs and out of order,
// with many at the same start and many of one UID, across blocks, and
// checks them against a stable sort by start, then UID.
func TestEventsInOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, chunk + 3, 3*chunk + 1} {
		x := &expansion{index: map[*entry]int32{}}
		uids := []string{"b", "a", "c", "a", ""}
		for i, uid := range uids {
			e := &entry{uid: uid, line: i}
			e.proto.UID, e.proto.Title = uid, fmt.Sprint("entry ", i)
			x.entries = append(x.entries, e)
		}
		x.zones = []*time.Location{time.UTC, zone(t, "Europe/Berlin")}
		base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Unix()
		type want struct {
			start time.Time
			uid   string
			i     int
			title string
		}
		var all []want
		for i := range n {
			start := base + int64(rnd.IntN(5))*3600
			if i%3 == 0 { // a run in order
				start = base + int64(i)
			}
			o := occurrence{start: start, end: start + 1800, entry: int32(rnd.IntN(len(uids))), startZone: int32(i % 2), endZone: int32(i % 2)}
			if x.n%chunk == 0 {
				x.found = append(x.found, make([]occurrence, 0, chunk))
			}
			x.found[len(x.found)-1] = append(x.found[len(x.found)-1], o)
			x.n++
			e := x.entries[o.entry]
			all = append(all, want{time.Unix(start, 0).In(x.zones[o.startZone]), e.uid, i, e.proto.Title})
		}
		slices.SortStableFunc(all, func(a, b want) int {
			if c := a.start.Compare(b.start); c != 0 {
				return c
			}
			return strings.Compare(a.uid, b.uid)
		})
		got := x.events()
		if len(got) != n {
			t.Fatalf("%d occurrences, got %d events", n, len(got))
		}
		for i, e := range got {
			w := all[i]
			if !e.Start.Equal(w.start) || e.Start.Location() != w.start.Location() || e.UID != w.uid || e.Title != w.title {
				t.Fatalf("n=%d, event %d: %s %s %q, want %s %s %q (found %d)", n, i, e.Start, e.UID, e.Title, w.start, w.uid, w.title, w.i)
			}
		}
	}
}

// TestAttendanceBudget: each occurrence in the range counts the guests of
// its entry; a run whose occurrences name more guests than its budget is
// refused, naming the series that named most.
func TestAttendanceBudget(t *testing.T) {
	doc := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:crowd\nDTSTART:20260101T090000Z\nRRULE:FREQ=DAILY\n" +
		strings.Repeat("ATTENDEE:mailto:a@example.com\n", 10) + "END:VEVENT\n" +
		"BEGIN:VEVENT\nUID:alone\nDTSTART:20260101T100000Z\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n"
	c, err := Parse("a.ics", strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	q := calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1)}
	// 365 occurrences of 10 guests, and 365 of none.
	b := &Budget{maxSteps: DefaultSteps, maxOccurrences: DefaultOccurrences, maxAttendance: 3650}
	if r, err := c.Events(WithBudget(context.Background(), b), q); err != nil || len(r.Events) != 730 {
		t.Fatalf("%d occurrences, %v; want 730 within the budget", len(r.Events), err)
	}
	if b.attendance != 3650 {
		t.Errorf("spent %d guests, want 3650", b.attendance)
	}
	b = &Budget{maxSteps: DefaultSteps, maxOccurrences: DefaultOccurrences, maxAttendance: 3649}
	_, err = c.Events(WithBudget(context.Background(), b), q)
	want := "the calendar needs more than emtime allows for one run: its occurrences in the range name more than 3,649 guests in all, 3,650 of them from a.ics:2 (UID crowd)"
	if !errors.Is(err, ErrBudget) || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// TestBudgetCoversWhatIsRead: a run's budget grows with the text of each
// calendar it covers, up to ten times the floor.
func TestBudgetCoversWhatIsRead(t *testing.T) {
	b := NewBudget()
	b.Cover(&Calendar{size: 1 << 20}) // 1 MiB
	if b.maxOccurrences != DefaultOccurrences+1024*25 || b.maxSteps != DefaultSteps+1024*10_000 || b.maxAttendance != DefaultAttendance+1024*2_500 {
		t.Errorf("after 1 MiB: %d occurrences, %d steps, %d guests", b.maxOccurrences, b.maxSteps, b.maxAttendance)
	}
	b.Cover(&Calendar{size: 10 << 20})
	if b.maxOccurrences != DefaultOccurrences+11*1024*25 {
		t.Errorf("after 11 MiB in two files: %d occurrences", b.maxOccurrences)
	}
	b.Cover(&Calendar{size: maxFile})
	if b.maxOccurrences != 10*DefaultOccurrences || b.maxSteps != 10*DefaultSteps || b.maxAttendance != 10*DefaultAttendance {
		t.Errorf("after 267 MiB: %d occurrences, %d steps, %d guests, want ten times the floor", b.maxOccurrences, b.maxSteps, b.maxAttendance)
	}
	// A query with no budget of the run's has one for its own calendar.
	c, err := Parse("a.ics", strings.NewReader("BEGIN:VCALENDAR\n"+strings.Repeat("X-A:"+strings.Repeat("a", 1019)+"\n", 4)+"END:VCALENDAR\n"))
	if err != nil {
		t.Fatal(err)
	}
	if own := budgetOf(context.Background(), c); own.maxOccurrences != DefaultOccurrences+4*25 {
		t.Errorf("a calendar of %d bytes on its own: %d occurrences", c.size, own.maxOccurrences)
	}
}
