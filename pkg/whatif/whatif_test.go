package whatif

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// A week that makes hand counts easy: Monday 2 March 2026 in New York,
// Monday to Friday 09:00–17:00, focus from 2 hours.
var (
	monday = "2026-03-02"
	alice  = calendar.Person{Email: "alice@example.com", Name: "Alice Example"}
	bob    = calendar.Person{Email: "bob@example.com", Name: "Bob Example"}
	carol  = calendar.Person{Email: "carol@example.com"}
)

func newYork(t testing.TB) *time.Location { return zone(t, "America/New_York") }

// at reads "2026-03-02 10:30" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// entry is a calendar entry on the day given, from "10:30-11:00".
type entry struct {
	title, day, span string
	uid, seriesID    string
	recurring        bool
	organizer        calendar.Person
	guests           []calendar.Person
	response         calendar.Response
	allDay           bool
}

// meet is a meeting organised by alice, with bob and me on it, unless
// the entry says otherwise.
func meet(title, day, span string, opts ...func(*entry)) entry {
	e := entry{title: title, day: day, span: span, organizer: alice, guests: []calendar.Person{alice, bob}, response: calendar.ResponseAccepted}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func series(uid string) func(*entry) { return func(e *entry) { e.uid, e.recurring = uid, true } }
func graph(uid, master string) func(*entry) {
	return func(e *entry) { e.uid, e.seriesID, e.recurring = uid, master, true }
}
func uid(u string) func(*entry)                        { return func(e *entry) { e.uid = u } }
func mine(e *entry)                                    { e.organizer = calendar.Person{Email: me, Name: "Me"} }
func with(p ...calendar.Person) func(*entry)           { return func(e *entry) { e.guests = p } }
func answered(r calendar.Response) func(*entry)        { return func(e *entry) { e.response = r } }
func solo(title, day, span string) entry               { return entry{title: title, day: day, span: span} }
func away(day string) entry                            { return entry{title: "Out of office", day: day, allDay: true} }
func weekdaysFrom(first string, n int) (days []string) { return daysFrom(first, n, 1) }

// daysFrom lists n days from first, step days apart, skipping weekends.
func daysFrom(first string, n, step int) (days []string) {
	d, _ := time.Parse(time.DateOnly, first)
	for len(days) < n {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d.Format(time.DateOnly))
		}
		d = d.AddDate(0, 0, step)
	}
	return days
}

// classified reads the entries as a source would give them and classifies
// them with the default rules, me being me.
func classified(t testing.TB, loc *time.Location, entries []entry) []classify.Event {
	t.Helper()
	var events []calendar.Event
	for _, x := range entries {
		e := calendar.Event{Title: x.title, UID: x.uid, SeriesID: x.seriesID, Recurring: x.recurring, Status: calendar.StatusConfirmed, Type: calendar.TypeDefault}
		if x.allDay {
			e.Start = at(t, loc, x.day+" 00:00")
			e.End, e.AllDay = e.Start.AddDate(0, 0, 1), true
		} else {
			a, b, _ := strings.Cut(x.span, "-")
			e.Start, e.End = at(t, loc, x.day+" "+a), at(t, loc, x.day+" "+b)
		}
		if x.guests != nil {
			e.Organizer = x.organizer
			e.Attendees = append(e.Attendees, calendar.Attendee{Person: calendar.Person{Email: me, Name: "Me"}, Response: x.response})
			for _, p := range x.guests {
				e.Attendees = append(e.Attendees, calendar.Attendee{Person: p, Response: calendar.ResponseAccepted, Organizer: p == x.organizer})
			}
		}
		events = append(events, e)
	}
	rules := classify.DefaultRules()
	rules.Me = []string{me}
	return classify.Classify(events, rules)
}

// calendarOf is the calendar of the entries from the day first for the
// number of days given.
func calendarOf(t testing.TB, first string, days int, s analyze.Settings, entries []entry) *Calendar {
	t.Helper()
	loc := s.Zone
	from := at(t, loc, first+" 00:00")
	in := analyze.Input{Events: classified(t, loc, entries), From: from, To: from.AddDate(0, 0, days), Settings: s}
	return NewCalendar(in, []string{me})
}

func byTitle(series []Series, title string) Series {
	for _, s := range series {
		if s.Title == title {
			return s
		}
	}
	return Series{Key: "no series titled " + title}
}

// TestFocusCost counts by hand what a meeting costs in focus time on a day
// that has nothing else, against its minutes.
func TestFocusCost(t *testing.T) {
	loc := newYork(t)
	for _, tc := range []struct {
		name    string
		entries []entry
		// want is title: minutes, occurrences, focus cost.
		want map[string][3]int
	}{
		{
			// 09:00–10:30 is too short to focus, 11:00–17:00 is focus:
			// without the meeting the whole day is.
			name:    "a meeting in the middle of a free morning costs more than its length",
			entries: []entry{meet("Sync", monday, "10:30-11:00")},
			want:    map[string][3]int{"Sync": {30, 1, 120}},
		},
		{
			// Without Inner nothing changes; without Outer, Inner alone
			// leaves 09:00–14:00 and 14:30–17:00.
			name:    "a meeting inside another costs nothing and has no minutes of its own",
			entries: []entry{meet("Outer", monday, "13:00-15:00"), meet("Inner", monday, "14:00-14:30")},
			want:    map[string][3]int{"Outer": {120, 1, 90}, "Inner": {0, 1, 0}},
		},
		{
			// Either one alone leaves 09:00–13:00 or –13:30 and 14:00 or
			// 14:30–17:00: half an hour more focus.
			name:    "shared minutes go to the meeting that started first",
			entries: []entry{meet("First", monday, "13:00-14:00"), meet("Second", monday, "13:30-14:30")},
			want:    map[string][3]int{"First": {60, 1, 30}, "Second": {30, 1, 30}},
		},
		{
			// 15:00–16:00 is too short to focus in with Gap or without it;
			// without Before, 09:00–15:30 is.
			name: "a meeting beside others costs nothing",
			entries: []entry{
				meet("Before", monday, "14:00-15:00"), meet("Gap", monday, "15:30-16:00"), meet("After", monday, "16:00-17:00"),
			},
			want: map[string][3]int{"Before": {60, 1, 90}, "Gap": {30, 1, 0}, "After": {60, 1, 0}},
		},
		{
			name: "a series costs the sum over its days",
			entries: []entry{
				meet("Stand-up", "2026-03-02", "10:30-11:00", series("standup")),
				meet("Stand-up", "2026-03-03", "10:30-11:00", series("standup")),
				meet("Stand-up", "2026-03-04", "16:30-17:00", series("standup")), // at the end of the day it costs its length
			},
			want: map[string][3]int{"Stand-up": {90, 3, 270}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := calendarOf(t, monday, 7, analyze.DefaultSettings(loc), tc.entries)
			got := make(map[string][3]int)
			for _, s := range c.Series() {
				got[s.Title] = [3]int{s.Minutes, s.Occurrences, s.FocusCostMinutes}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("minutes, occurrences, focus cost:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestSeriesGrouping checks what makes a series and what it says of
// itself: a shared UID for iCalendar and Google, a SeriesID for Microsoft
// Graph's per-occurrence UIDs, one-offs apart even when they share a UID;
// its title, people, my answer, who organises it, its marks.
func TestSeriesGrouping(t *testing.T) {
	loc := newYork(t)
	var entries []entry
	for i, d := range daysFrom(monday, 3, 7) { // three Mondays
		entries = append(entries,
			meet("Team sync", d, "10:00-10:30", series("team@example.com"), mine, with(alice, bob, carol)),
			meet("Design review", d, "14:00-15:00", graph(fmt.Sprint("AAMkAGI-", i), "AAMkMaster"), answered(calendar.ResponseTentative), with(alice, carol)),
			meet("1:1 Bob", d, "11:00-11:30", series("bob-1on1"), mine, with(bob)),
		)
	}
	entries[len(entries)-3].title = "Team sync (new time)" // the latest occurrence's title names the series
	entries = append(entries,
		meet("Interview: backend", "2026-03-04", "15:00-16:00", with(carol)),
		meet("Incident call", "2026-03-05", "09:00-09:30", uid("dup@example.com"), with(alice, bob)),
		meet("Incident call", "2026-03-06", "09:00-09:30", uid("dup@example.com"), answered(""), with(alice, bob)),
	)
	s := analyze.DefaultSettings(loc)
	s.TopPeople = 2
	c := calendarOf(t, monday, 21, s, entries)
	all := c.Series()

	type summary struct {
		Key                   string
		Occurrences, People   int
		Top                   string
		Response              calendar.Response
		Mine, OneOnOne, Inter bool
		Category              classify.Category
		Weekdays              string
	}
	got := make(map[string]summary)
	for _, x := range all {
		var top []string
		for _, p := range x.TopPeople {
			top = append(top, fmt.Sprintf("%s %q %d", p.Person, p.Name, p.Occurrences))
		}
		got[x.Title+" "+x.Key] = summary{x.Key, x.Occurrences, x.People, strings.Join(top, ", "), x.Response, x.OrganizerIsMe, x.OneOnOne, x.Interview, x.Category, fmt.Sprint(x.Weekdays)}
	}
	want := map[string]summary{
		"Team sync (new time) series:team@example.com": {"series:team@example.com", 3, 3, `alice@example.com "Alice Example" 3, bob@example.com "Bob Example" 3`, calendar.ResponseAccepted, true, false, false, classify.CategoryRecurring, "[Monday]"},
		"Design review series:AAMkMaster":              {"series:AAMkMaster", 3, 2, `alice@example.com "Alice Example" 3, carol@example.com "" 3`, calendar.ResponseTentative, false, false, false, classify.CategoryRecurring, "[Monday]"},
		"1:1 Bob series:bob-1on1":                      {"series:bob-1on1", 3, 1, `bob@example.com "Bob Example" 3`, calendar.ResponseAccepted, true, true, false, classify.CategoryOneOnOne, "[Monday]"},
	}
	for title, w := range want {
		if got[title] != w {
			t.Errorf("%s:\n got %+v\nwant %+v", title, got[title], w)
		}
	}
	var interview, incidents []Series
	for _, x := range all {
		switch x.Title {
		case "Interview: backend":
			interview = append(interview, x)
		case "Incident call":
			incidents = append(incidents, x)
		}
	}
	if len(interview) != 1 || !interview[0].Interview || interview[0].OrganizerIsMe {
		t.Errorf("the interview: %+v", interview)
	}
	if len(incidents) != 2 || incidents[0].Key == incidents[1].Key || incidents[0].Recurring {
		t.Errorf("two one-offs sharing a UID are two series: %+v", incidents)
	}
	responses := []calendar.Response{incidents[0].Response, incidents[1].Response}
	slices.Sort(responses)
	if !slices.Equal(responses, []calendar.Response{calendar.ResponseAccepted, calendar.ResponseNeedsAction}) {
		t.Errorf("my answers to the incident calls: %v", responses)
	}
	if len(all) != 6 {
		t.Errorf("%d series, want 6", len(all))
	}
	// Sorted by focus cost, then minutes, occurrences, title.
	for _, by := range []Order{ByFocusCost, ByMinutes, ByOccurrences} {
		sorted := slices.Clone(all)
		SortSeries(sorted, by)
		for i := 1; i < len(sorted); i++ {
			a, b := sorted[i-1], sorted[i]
			key := func(s Series) [3]int {
				switch by {
				case ByMinutes:
					return [3]int{s.Minutes, s.FocusCostMinutes, s.Occurrences}
				case ByOccurrences:
					return [3]int{s.Occurrences, s.Minutes, s.FocusCostMinutes}
				}
				return [3]int{s.FocusCostMinutes, s.Minutes, s.Occurrences}
			}
			if ka, kb := key(a), key(b); slices.Compare(ka[:], kb[:]) < 0 || (ka == kb && a.Title > b.Title) {
				t.Errorf("order %d: %q %v before %q %v", by, a.Title, ka, b.Title, kb)
			}
		}
	}
}

func TestParseOrder(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Order
		err  bool
	}{
		{"focus-cost", ByFocusCost, false}, {"minutes", ByMinutes, false}, {"Occurrences", ByOccurrences, false},
		{"cost", ByFocusCost, false}, {"length", 0, true},
	} {
		got, err := ParseOrder(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseOrder(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// TestTrend follows a calendar that turns into a manager's, with two weeks
// out of office, rolled over two weeks: the sentences, the weeks rolled
// over at the start, and how long the current track has held.
func TestTrend(t *testing.T) {
	loc := newYork(t)
	icWeek := func(monday string) (out []entry) {
		for _, d := range weekdaysFrom(monday, 5) {
			out = append(out, meet("Stand-up", d, "09:00-10:00", series("standup")))
		}
		return out
	}
	emWeek := func(monday string) (out []entry) {
		for _, d := range weekdaysFrom(monday, 5) {
			for h := 9; h < 14; h++ {
				out = append(out, meet(fmt.Sprint("Meeting ", h), d, fmt.Sprintf("%02d:00-%02d:00", h, h+1), series(fmt.Sprint("m", h))))
			}
		}
		return out
	}
	awayWeek := func(monday string) (out []entry) {
		for _, d := range weekdaysFrom(monday, 5) {
			out = append(out, away(d))
		}
		return out
	}
	var entries []entry
	entries = append(entries, icWeek("2026-02-09")...)
	entries = append(entries, icWeek("2026-02-16")...)
	entries = append(entries, emWeek("2026-02-23")...)
	entries = append(entries, emWeek("2026-03-02")...)
	entries = append(entries, awayWeek("2026-03-09")...)
	entries = append(entries, awayWeek("2026-03-16")...)
	entries = append(entries, emWeek("2026-03-23")...)
	c := calendarOf(t, "2026-02-09", 7*7, analyze.DefaultSettings(loc), entries)
	j := Judging{Bands: verdict.DefaultBands()}
	tr, err := NewTrend(c.Result(), j, TrendOptions{Window: 2, TopPeople: 5})
	if err != nil {
		t.Fatal(err)
	}
	var weeks []string
	for _, w := range tr.Weeks {
		weeks = append(weeks, fmt.Sprintf("%s %s/%s over %d", day(w.Start), w.Verdict.Track, w.Rolling.Verdict.Track, w.Rolling.Weeks))
	}
	wantWeeks := []string{
		"2026-02-09 ic/ic over 1", "2026-02-16 ic/ic over 2",
		"2026-02-23 em/ic over 2", // 30 of 80 hours in meetings, 50 of focus
		"2026-03-02 em/em over 2", // 50 of 80 in meetings
		"2026-03-09 none/em over 2", "2026-03-16 none/none over 2", "2026-03-23 em/em over 2",
	}
	if !slices.Equal(weeks, wantWeeks) {
		t.Errorf("weeks (own/rolling track):\n got %q\nwant %q", weeks, wantWeeks)
	}
	var says []string
	for _, x := range tr.Transitions {
		says = append(says, x.Says)
	}
	wantSays := []string{
		"from the week of 2026-03-02 your calendar has looked like an EM's: meetings went from 38% to 63% of working time, two-week average",
		"from the week of 2026-03-16 your calendar has had no working time to judge over the last 2 weeks",
		"from the week of 2026-03-23 your calendar has looked like an EM's, after weeks with no working time: meetings take 63% of working time, focus time 38%, two-week average",
	}
	if !slices.Equal(says, wantSays) {
		t.Errorf("transitions:\n got %q\nwant %q", says, wantSays)
	}
	if x := tr.Transitions[0]; x.Week != 3 || x.From != verdict.TrackIC || x.To != verdict.TrackEM || x.Before.Meeting != 30.0/80 || x.After.Meeting != 50.0/80 || x.After.Focus != 30.0/80 {
		t.Errorf("first transition %+v", x)
	}
	want := Held{Track: verdict.TrackEM, Since: at(t, loc, "2026-03-23 00:00"), SinceWeek: 6, Weeks: 1,
		Says: "your calendar has looked like an EM's for 1 week, since the week of 2026-03-23 (two-week average)"}
	if !reflect.DeepEqual(tr.Current, want) {
		t.Errorf("current:\n got %+v\nwant %+v", tr.Current, want)
	}

	// The default window, and one that cannot be.
	if tr, err := NewTrend(c.Result(), j, TrendOptions{}); err != nil || tr.Window != 4 || tr.Weeks[6].Rolling.Weeks != 4 {
		t.Errorf("default window: %d, rolled over %d, %v", tr.Window, tr.Weeks[6].Rolling.Weeks, err)
	}
	if _, err := NewTrend(c.Result(), j, TrendOptions{Window: -1}); err == nil || !strings.Contains(err.Error(), "at least one week") {
		t.Errorf("a negative window: %v", err)
	}
	// A range with no week.
	if tr, err := NewTrend(analyze.Result{}, j, TrendOptions{}); err != nil || tr.Current.Track != verdict.TrackNone || len(tr.Transitions) != 0 {
		t.Errorf("no week: %+v, %v", tr.Current, err)
	}

	// The seven weeks in three runs for a narrow chart: the last run ends
	// with the last week, each sums its weeks' minutes: an IC week holds 5
	// of 40 hours in meetings, an EM week 25, a week away none of none.
	var runs []string
	for _, b := range tr.Buckets(3, j) {
		runs = append(runs, fmt.Sprintf("%d-%d %d/%d", b.First, b.Last, b.Tally.MeetingMinutes/60, b.Tally.CapacityMinutes/60))
		var meeting int
		for _, w := range tr.Weeks[b.First : b.Last+1] {
			meeting += w.MeetingMinutes
		}
		if share, _ := b.Tally.MeetingShare(); meeting != b.Tally.MeetingMinutes || b.Shares.Meeting != share {
			t.Errorf("run %d-%d: %d minutes of meetings, its weeks hold %d; share %v", b.First, b.Last, b.Tally.MeetingMinutes, meeting, b.Shares.Meeting)
		}
	}
	if want := []string{"0-0 5/40", "1-3 55/120", "4-6 25/40"}; !slices.Equal(runs, want) {
		t.Errorf("runs of weeks %q, want %q", runs, want)
	}
	if n := len(tr.Buckets(7, j)); n != 7 {
		t.Errorf("seven columns for seven weeks: %d runs", n)
	}
	if n := len(tr.Buckets(0, j)); n != 7 {
		t.Errorf("no limit: %d runs of seven weeks", n)
	}
}

// threeMeetings is a week with three meeting series a day: Planning
// 10:00–11:00, Review 11:00–12:00, Vendor call 14:00–15:00. Meetings take
// 37.5% of working time; 12:00–14:00 and 15:00–17:00 are focus, 50%.
func threeMeetings(opts ...func(*entry)) (out []entry) {
	for _, d := range weekdaysFrom(monday, 5) {
		out = append(out,
			meet("Planning", d, "10:00-11:00", append([]func(*entry){series("planning")}, opts...)...),
			meet("Review", d, "11:00-12:00", series("review")),
			meet("Vendor call", d, "14:00-15:00", series("vendor")),
		)
	}
	return out
}

func share(f float64) *float64 { return &f }

// TestTarget works out by hand what to drop to reach a goal.
func TestTarget(t *testing.T) {
	loc := newYork(t)
	j := Judging{Bands: verdict.DefaultBands()}
	titles := func(series []Series, drop []int) (out []string) {
		for _, k := range drop {
			out = append(out, series[k].Title)
		}
		return out
	}
	t.Run("one series reaches an IC's calendar", func(t *testing.T) {
		// Without Planning 09:00–10:00 is joined to the free time after:
		// focus 09:00–11:00, 12:00–14:00, 15:00–17:00 is 75%. Without
		// either of the others focus is 62.5%: Planning gains the most.
		c := calendarOf(t, monday, 7, analyze.DefaultSettings(loc), threeMeetings())
		series := c.Series()
		tg, err := c.Target(series, Goal{Track: verdict.TrackIC}, j)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(series, tg.Drop); !tg.Reached || tg.Already || !slices.Equal(got, []string{"Planning"}) {
			t.Fatalf("drop %v, reached %v", got, tg.Reached)
		}
		if tg.After.Meeting != 0.25 || tg.After.Focus != 0.75 || tg.Verdict.Track != verdict.TrackIC || tg.Before.Focus != 0.5 {
			t.Errorf("after: %+v, %s", tg.After, tg.Verdict.Track)
		}
		want := []string{"dropping 1 meeting series would bring the range to an IC's calendar (meetings under 50% of working time, focus time at least 60%): meetings would take 25% of working time (now 38%), focus time 75% (now 50%)"}
		if !slices.Equal(tg.Says, want) {
			t.Errorf("says %q\nwant %q", tg.Says, want)
		}
	})
	t.Run("a meeting share takes two, re-counted after the first", func(t *testing.T) {
		// Each series is 12.5% of working time: two must go. Planning
		// first (the most focus); then Review and Vendor call leave as
		// much focus and as many meetings: Review by its title.
		c := calendarOf(t, monday, 7, analyze.DefaultSettings(loc), threeMeetings(mine))
		series := c.Series()
		tg, err := c.Target(series, Goal{MeetingShare: share(0.2)}, j)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(series, tg.Drop); !tg.Reached || !slices.Equal(got, []string{"Planning", "Review"}) {
			t.Fatalf("drop %v, reached %v", got, tg.Reached)
		}
		if len(tg.Steps) != 2 || tg.Steps[0].Shares.Meeting != 0.25 || tg.Steps[1].Shares.Meeting != 0.125 || tg.After.Focus != 420.0/480 {
			t.Errorf("steps %+v, after %+v", tg.Steps, tg.After)
		}
		if !slices.Contains(tg.Says, "what you would be choosing: a meeting you organise") {
			t.Errorf("the drops include a meeting I organise; says %q", tg.Says)
		}
	})
	t.Run("already there", func(t *testing.T) {
		c := calendarOf(t, monday, 7, analyze.DefaultSettings(loc), threeMeetings())
		tg, err := c.Target(c.Series(), Goal{Track: verdict.TrackHybrid}, j)
		if err != nil || !tg.Reached || !tg.Already || len(tg.Drop) != 0 {
			t.Fatalf("%+v, %v", tg, err)
		}
		if want := "the range already has meetings under an EM's 50% of working time: meetings take 38% of working time, focus time 50%"; tg.Says[0] != want {
			t.Errorf("says %q", tg.Says[0])
		}
	})
	t.Run("out of reach", func(t *testing.T) {
		// Lunch leaves 09:00–12:00 and 13:00–17:00; with focus from 4
		// hours only the afternoon is focus: 4 of 7 hours, 57%, with no
		// meeting at all.
		entries := threeMeetings(mine)
		for i := range entries {
			if entries[i].title == "Review" {
				entries[i].span = "13:00-14:00"
			}
		}
		for _, d := range weekdaysFrom(monday, 5) {
			entries = append(entries, solo("Lunch", d, "12:00-13:00"))
		}
		s := analyze.DefaultSettings(loc)
		s.FocusMin = 4 * time.Hour
		c := calendarOf(t, monday, 7, s, entries)
		tg, err := c.Target(c.Series(), Goal{Track: verdict.TrackIC}, j)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"even dropping every meeting (3 series) would not reach an IC's calendar (meetings under 50% of working time, focus time at least 60%): meetings would take 0% of working time, focus time 57%",
			"even dropping every meeting you don't organise (2 series) would not reach an IC's calendar (meetings under 50% of working time, focus time at least 60%): meetings would take 14% of working time, focus time 57%",
		}
		if tg.Reached || len(tg.Drop) != 0 || !slices.Equal(tg.Says, want) {
			t.Errorf("reached %v, drop %v, says\n%q\nwant\n%q", tg.Reached, tg.Drop, tg.Says, want)
		}
	})
	t.Run("goals that cannot be", func(t *testing.T) {
		c := calendarOf(t, monday, 7, analyze.DefaultSettings(loc), threeMeetings())
		for _, g := range []Goal{{}, {Track: verdict.TrackOverloaded}, {MeetingShare: share(1.5)}, {FocusShare: share(-0.1)}} {
			if _, err := c.Target(c.Series(), g, j); err == nil {
				t.Errorf("goal %+v: no error", g)
			}
		}
	})
}

// TestSuggestMoves works out by hand the best time for a review on
// Mondays, over three weeks where a Monday morning and another Monday's
// early afternoon are taken.
func TestSuggestMoves(t *testing.T) {
	loc := newYork(t)
	entries := []entry{
		meet("Review", "2026-03-02", "10:00-11:00", series("review")),
		meet("Review", "2026-03-09", "10:00-11:00", series("review")),
		meet("Early call", "2026-03-09", "09:00-10:00"),
		meet("Offsite prep", "2026-03-16", "13:00-14:00"), // the series does not meet that week, but it would
	}
	for _, d := range weekdaysFrom(monday, 15) {
		entries = append(entries, solo("Lunch", d, "12:00-13:00"))
	}
	c := calendarOf(t, monday, 21, analyze.DefaultSettings(loc), entries)
	series := c.Series()
	k := slices.IndexFunc(series, func(s Series) bool { return s.Title == "Review" })
	moves := c.SuggestMoves(series[k:k+1], MoveOptions{})
	// 13:00 would give back 3h (two afternoons of focus, and a morning
	// on the 2nd) but is taken on the 16th. 16:00 gives 09:00–12:00 and
	// 13:00–16:00 on the 2nd (+2h), 10:00–12:00 on the 9th (+1h).
	want := Move{Series: 0, Found: true, Weekdays: []time.Weekday{time.Monday}, From: 10 * time.Hour, To: 16 * time.Hour, GainMinutes: 180,
		Says: `moving "Review" from 10:00 to 16:00 on Mondays would give back 3h of focus time over the range (1h a week)`}
	if len(moves) != 1 || !reflect.DeepEqual(moves[0], want) {
		t.Errorf("moves:\n got %+v\nwant %+v", moves, want)
	}

	// A meeting with no better time says so.
	c = calendarOf(t, monday, 7, analyze.DefaultSettings(loc), []entry{meet("Wrap-up", monday, "16:00-17:00")})
	moves = c.SuggestMoves(c.Series(), MoveOptions{})
	if len(moves) != 1 || moves[0].Found || moves[0].Says != `no time on Mondays inside working hours, free in every week, would give back focus time by moving "Wrap-up"` {
		t.Errorf("no better time: %+v", moves)
	}
}

// TestSeriesPeopleOfSharedLists: the occurrences of a series share their
// entry's lists of guests and people, and an override has lists of its
// own; a person's occurrences are counted over every occurrence, and the
// name given is the latest occurrence's, as if each had lists of its own.
func TestSeriesPeopleOfSharedLists(t *testing.T) {
	loc := newYork(t)
	s := analyze.DefaultSettings(loc)
	s.TopPeople = 5
	var entries []entry
	for _, d := range daysFrom(monday, 5, 1) { // Monday to Friday
		entries = append(entries, meet("Daily", d, "10:00-10:30", series("daily@example.com"), mine, with(alice, bob)))
	}
	c := calendarOf(t, monday, 7, s, entries)
	events := c.in.Events
	// The master's lists, shared by every occurrence but Wednesday's, an
	// override on which Alice has another name.
	master := events[0]
	for i := range events {
		if i == 2 {
			att := slices.Clone(master.Attendees)
			for k := range att {
				if att[k].Email == alice.Email {
					att[k].Name = "Alice (override)"
				}
			}
			events[i].Attendees, events[i].People = att, slices.Clone(master.People)
			continue
		}
		events[i].Attendees, events[i].People = master.Attendees, master.People
	}
	got := byTitle(c.Series(), "Daily")
	var top []string
	for _, p := range got.TopPeople {
		top = append(top, fmt.Sprintf("%s %q %d", p.Person, p.Name, p.Occurrences))
	}
	if want := `alice@example.com "Alice Example" 5, bob@example.com "Bob Example" 5`; strings.Join(top, ", ") != want {
		t.Errorf("top people %q, want %q", strings.Join(top, ", "), want)
	}
	// With the override last, its name is the one given.
	events[2], events[4] = events[4], events[2]
	events[2].Start, events[4].Start = events[4].Start, events[2].Start
	events[2].End, events[4].End = events[4].End, events[2].End
	got = byTitle(NewCalendar(c.in, []string{me}).Series(), "Daily")
	if got.TopPeople[0].Name != "Alice (override)" {
		t.Errorf("with the override last, Alice is named %q, want the override's name", got.TopPeople[0].Name)
	}
}
