package analyze

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2026-03-02 09:00" or "2026-03-02 09:00:30" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout += ":05"
	}
	tm, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// ev builds a classified event in loc from a span "2026-03-02 09:00 10:00"
// (ending the same day) or "2026-03-02 23:00 2026-03-03 01:00". A meeting is
// ad hoc unless opts say otherwise.
func ev(t testing.TB, loc *time.Location, kind classify.Kind, span string, opts ...func(*classify.Event)) classify.Event {
	t.Helper()
	f := strings.Fields(span)
	var start, end time.Time
	switch len(f) {
	case 3:
		start, end = at(t, loc, f[0]+" "+f[1]), at(t, loc, f[0]+" "+f[2])
	case 4:
		start, end = at(t, loc, f[0]+" "+f[1]), at(t, loc, f[2]+" "+f[3])
	default:
		t.Fatalf("bad span %q", span)
	}
	e := classify.Event{Event: &calendar.Event{Title: string(kind), Start: start, End: end}, Kind: kind}
	if kind == classify.KindMeeting {
		e.Category = classify.CategoryAdHoc
	}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func cat(c classify.Category) func(*classify.Event) {
	return func(e *classify.Event) { e.Category = c }
}
func people(p ...string) func(*classify.Event) { return func(e *classify.Event) { e.People = p } }

// mins are the minutes a user checks first.
type mins struct {
	Working, Capacity, Meeting, Focus, Fragmented, OOO, Personal, AfterHours, Booked int
}

func minsOf(t Tally) mins {
	return mins{t.WorkingMinutes, t.CapacityMinutes, t.MeetingMinutes, t.FocusMinutes, t.FragmentedMinutes,
		t.OutOfOfficeMinutes, t.PersonalMinutes, t.AfterHoursMeetingMinutes, t.FocusBookedMinutes}
}

func TestAnalyzeWeek(t *testing.T) {
	utc := time.UTC
	const (
		meeting  = classify.KindMeeting
		ooo      = classify.KindOutOfOffice
		personal = classify.KindPersonal
		focus    = classify.KindFocus
	)
	e := func(kind classify.Kind, span string, opts ...func(*classify.Event)) classify.Event {
		return ev(t, utc, kind, span, opts...)
	}
	// The week of Monday 2026-03-02: five days of 09:00-17:00, 2400 minutes.
	tests := []struct {
		name   string
		events []classify.Event
		want   mins
		check  func(t *testing.T, w Tally)
	}{
		{name: "empty week", want: mins{2400, 2400, 0, 2400, 0, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "meeting-free days", w.MeetingFreeDays, 5)
			expect(t, "longest focus", w.LongestFocusMinutes, 480)
			expect(t, "days", w.Days, 7)
			expect(t, "work days", w.WorkDays, 5)
		}},
		{name: "a single meeting", events: []classify.Event{e(meeting, "2026-03-02 10:00 11:00")},
			want: mins{2400, 2400, 60, 2280, 60, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
				expect(t, "meetings", w.MeetingCount, 1)
				expect(t, "meeting-free days", w.MeetingFreeDays, 4)
				expect(t, "ad hoc minutes", w.Categories[classify.CategoryAdHoc].Minutes, 60)
				expect(t, "ad hoc count", w.Categories[classify.CategoryAdHoc].Count, 1)
				expect(t, "chains", w.BackToBackChains, 0)
			}},
		{name: "overlapping meetings never double count", events: []classify.Event{
			e(meeting, "2026-03-02 10:00 11:00"), e(meeting, "2026-03-02 10:30 11:30"), e(meeting, "2026-03-02 10:15 10:45"),
		}, want: mins{2400, 2400, 90, 2250, 60, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "meetings", w.MeetingCount, 3)
			expect(t, "ad hoc minutes", w.Categories[classify.CategoryAdHoc].Minutes, 90)
		}},
		{name: "the same meeting twice", events: []classify.Event{e(meeting, "2026-03-02 10:00 11:00"), e(meeting, "2026-03-02 10:00 11:00")},
			want: mins{2400, 2400, 60, 2280, 60, 0, 0, 0, 0}},
		{name: "across the start of working hours", events: []classify.Event{e(meeting, "2026-03-02 08:30 09:30")},
			want: mins{2400, 2400, 30, 2370, 0, 0, 0, 30, 0}},
		{name: "across the end of working hours", events: []classify.Event{e(meeting, "2026-03-02 16:30 17:45")},
			want: mins{2400, 2400, 30, 2370, 0, 0, 0, 45, 0}},
		{name: "across midnight", events: []classify.Event{e(meeting, "2026-03-02 23:00 2026-03-03 01:00")},
			want: mins{2400, 2400, 0, 2400, 0, 0, 0, 120, 0}, check: func(t *testing.T, w Tally) {
				expect(t, "meetings", w.MeetingCount, 1)
				expect(t, "meeting-free days", w.MeetingFreeDays, 5)
			}},
		{name: "at the weekend", events: []classify.Event{e(meeting, "2026-03-07 10:00 11:00")},
			want: mins{2400, 2400, 0, 2400, 0, 0, 0, 60, 0}},
		{name: "a declined meeting is not counted", events: []classify.Event{
			e(classify.KindIgnored, "2026-03-02 10:00 11:00"), e(classify.KindSolo, "2026-03-02 12:00 13:00"),
		}, want: mins{2400, 2400, 0, 2400, 0, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "meetings", w.MeetingCount, 0)
		}},
		{name: "120 free minutes are focus", events: []classify.Event{e(meeting, "2026-03-02 11:00 17:00")},
			want: mins{2400, 2400, 360, 2040, 0, 0, 0, 0, 0}},
		{name: "119 free minutes are fragmented", events: []classify.Event{e(meeting, "2026-03-02 10:59 17:00")},
			want: mins{2400, 2400, 361, 1920, 119, 0, 0, 0, 0}},
		{name: "stretches split at meetings", events: []classify.Event{
			e(meeting, "2026-03-03 09:30 10:00"), e(meeting, "2026-03-03 12:00 12:30"), e(meeting, "2026-03-03 14:30 15:00"),
		}, want: mins{2400, 2400, 90, 1920 + 360, 30, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			// Tuesday: 09:00-09:30 (30), 10:00-12:00 (120), 12:30-14:30 (120), 15:00-17:00 (120).
			expect(t, "longest focus", w.LongestFocusMinutes, 480)
		}},
		{name: "personal time leaves capacity", events: []classify.Event{e(personal, "2026-03-02 12:00 13:00")},
			want: mins{2400, 2340, 0, 2340, 0, 0, 60, 0, 0}},
		{name: "personal time outside working hours is nothing", events: []classify.Event{e(personal, "2026-03-02 07:00 08:00")},
			want: mins{2400, 2400, 0, 2400, 0, 0, 0, 0, 0}},
		{name: "a meeting over lunch wins over lunch", events: []classify.Event{
			e(personal, "2026-03-02 12:00 13:00"), e(meeting, "2026-03-02 12:30 13:30"),
		}, want: mins{2400, 2370, 60, 2310, 0, 0, 30, 0, 0}},
		{name: "a day out of office", events: []classify.Event{
			e(ooo, "2026-03-02 00:00 2026-03-03 00:00"),
			e(meeting, "2026-03-02 10:00 11:00"), e(meeting, "2026-03-02 18:00 19:00"), e(personal, "2026-03-02 12:00 13:00"),
			e(focus, "2026-03-02 14:00 16:00"),
		}, want: mins{2400, 1920, 0, 1920, 0, 480, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "meetings", w.MeetingCount, 0)
			expect(t, "meeting-free days", w.MeetingFreeDays, 4)
			expect(t, "category minutes", w.Categories[classify.CategoryAdHoc].Minutes, 0)
		}},
		{name: "an afternoon out of office", events: []classify.Event{
			e(ooo, "2026-03-03 13:00 17:00"), e(meeting, "2026-03-03 14:00 15:00"), e(meeting, "2026-03-03 12:30 13:30"),
		}, want: mins{2400, 2160, 30, 1920 + 210, 0, 240, 0, 0, 0}},
		{name: "out of office twice over the same time", events: []classify.Event{
			e(ooo, "2026-03-03 00:00 2026-03-04 00:00"), e(ooo, "2026-03-03 13:00 15:00"),
		}, want: mins{2400, 1920, 0, 1920, 0, 480, 0, 0, 0}},
		{name: "booked focus", events: []classify.Event{
			e(focus, "2026-03-04 08:00 11:00"), e(focus, "2026-03-04 10:00 12:00"), e(meeting, "2026-03-04 11:00 11:30"),
		}, want: mins{2400, 2400, 30, 2370, 0, 0, 0, 0, 180}},
		{name: "rounded to the nearest minute", events: []classify.Event{e(meeting, "2026-03-02 10:00:29 10:59:31"), e(meeting, "2026-03-02 13:00:30 13:59:29")},
			want: mins{2400, 2400, 118, 1920 + 121 + 181, 60, 0, 0, 0, 0}},
		{name: "zero-length and backwards events take nothing", events: []classify.Event{
			e(meeting, "2026-03-02 10:00 10:00"), e(ooo, "2026-03-02 12:00 12:00"), e(meeting, "2026-03-02 15:00 14:00"),
		}, want: mins{2400, 2400, 0, 2400, 0, 0, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "meetings", w.MeetingCount, 0)
		}},
		{name: "a fully out-of-office week", events: []classify.Event{
			e(ooo, "2026-03-02 00:00 2026-03-07 00:00"), e(meeting, "2026-03-03 10:00 11:00"),
		}, want: mins{2400, 0, 0, 0, 0, 2400, 0, 0, 0}, check: func(t *testing.T, w Tally) {
			if _, ok := w.MeetingShare(); ok {
				t.Error("meeting share is defined with no capacity")
			}
			if _, ok := w.FocusShare(); ok {
				t.Error("focus share is defined with no capacity")
			}
			if _, ok := w.FragmentedShare(); ok {
				t.Error("fragmented share is defined with no capacity")
			}
			expect(t, "meeting-free days", w.MeetingFreeDays, 0)
		}},
		{name: "category minutes add up to meeting minutes", events: []classify.Event{
			e(meeting, "2026-03-02 10:00 11:00", cat(classify.CategoryOneOnOne)),
			e(meeting, "2026-03-02 10:30 12:00", cat(classify.CategoryRecurring)),
			e(meeting, "2026-03-02 10:00 10:30", cat(classify.CategoryLarge)), // shorter: the longer one took it
			e(meeting, "2026-03-02 08:00 09:30", cat(classify.CategoryInterview)),
			e(meeting, "2026-03-03 16:00 18:00", cat(classify.CategoryInterview)),
		}, want: mins{2400, 2400, 210, 1440 + 300 + 420, 30, 0, 0, 60 + 60, 0}, check: func(t *testing.T, w Tally) {
			got := map[classify.Category]CategoryTally{}
			for c, ct := range w.Categories {
				got[c] = ct
			}
			want := map[classify.Category]CategoryTally{
				classify.CategoryInterview: {2, 30 + 60},
				classify.CategoryOneOnOne:  {1, 60},
				classify.CategoryLarge:     {1, 0},
				classify.CategoryRecurring: {1, 60},
				classify.CategoryAdHoc:     {0, 0},
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("categories %v, want %v", got, want)
			}
		}},
		{name: "back-to-back chains", events: []classify.Event{
			e(meeting, "2026-03-03 10:00 10:30"), e(meeting, "2026-03-03 10:34 11:00"), // gap 4: a chain
			e(meeting, "2026-03-03 11:05 11:30"), e(meeting, "2026-03-03 11:30 12:00"), e(meeting, "2026-03-03 12:00 12:15"), // gap 5: a new chain
			e(meeting, "2026-03-03 15:00 16:00"),                                       // alone
			e(meeting, "2026-03-04 16:30 17:00"), e(meeting, "2026-03-04 17:00 17:30"), // one runs out of hours: still a chain
			e(meeting, "2026-03-05 23:30 2026-03-06 00:00"), e(meeting, "2026-03-06 00:00 00:30"), // chains stop at midnight
		}, want: mins{2400, 2400, 186 + 30, 1440 + 165 + 450, 60 + 4 + 5 + 60, 0, 0, 30 + 60, 0}, check: func(t *testing.T, w Tally) {
			expect(t, "chains", w.BackToBackChains, 3)
			expect(t, "meetings", w.MeetingCount, 10)
		}},
		{name: "meeting-free days", events: []classify.Event{
			e(meeting, "2026-03-02 10:00 11:00"), e(meeting, "2026-03-04 10:00 11:00"),
			e(ooo, "2026-03-05 00:00 2026-03-06 00:00"), e(meeting, "2026-03-06 18:00 19:00"),
		}, want: mins{2400, 1920, 120, 1680, 120, 480, 0, 60, 0}, check: func(t *testing.T, w Tally) {
			// Tuesday, and Friday with its meeting after hours; Thursday is out.
			expect(t, "meeting-free days", w.MeetingFreeDays, 2)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze(Input{Events: tt.events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: DefaultSettings(utc)})
			if len(res.Weeks) != 1 || !res.Weeks[0].Full {
				t.Fatalf("want one full week, got %+v", res.Weeks)
			}
			w := res.Weeks[0].Tally
			if got := minsOf(w); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got := minsOf(res.Total); got != tt.want {
				t.Errorf("total %+v, want %+v", got, tt.want)
			}
			checkTally(t, w)
			if tt.check != nil {
				tt.check(t, w)
			}
		})
	}
}

func expect(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

// checkTally checks the accounting identities of one tally.
func checkTally(t *testing.T, w Tally) {
	t.Helper()
	if w.MeetingMinutes+w.FocusMinutes+w.FragmentedMinutes != w.CapacityMinutes {
		t.Errorf("meeting %d + focus %d + fragmented %d != capacity %d", w.MeetingMinutes, w.FocusMinutes, w.FragmentedMinutes, w.CapacityMinutes)
	}
	if w.CapacityMinutes != w.WorkingMinutes-w.OutOfOfficeMinutes-w.PersonalMinutes {
		t.Errorf("capacity %d != working %d - ooo %d - personal %d", w.CapacityMinutes, w.WorkingMinutes, w.OutOfOfficeMinutes, w.PersonalMinutes)
	}
	sum := 0
	for _, c := range classify.Categories() {
		ct, ok := w.Categories[c]
		if !ok {
			t.Errorf("category %s missing", c)
		}
		sum += ct.Minutes
		if ct.Minutes < 0 || ct.Count < 0 {
			t.Errorf("category %s: %+v", c, ct)
		}
	}
	if sum != w.MeetingMinutes {
		t.Errorf("category minutes add up to %d, meeting minutes are %d", sum, w.MeetingMinutes)
	}
	for name, n := range map[string]int{
		"working": w.WorkingMinutes, "capacity": w.CapacityMinutes, "meeting": w.MeetingMinutes, "focus": w.FocusMinutes,
		"fragmented": w.FragmentedMinutes, "ooo": w.OutOfOfficeMinutes, "personal": w.PersonalMinutes,
		"after hours": w.AfterHoursMeetingMinutes, "booked": w.FocusBookedMinutes, "external": w.ExternalMeetingMinutes,
		"count": w.MeetingCount, "chains": w.BackToBackChains, "free days": w.MeetingFreeDays, "longest": w.LongestFocusMinutes,
	} {
		if n < 0 {
			t.Errorf("%s minutes = %d", name, n)
		}
	}
	if w.ExternalMeetingMinutes > w.MeetingMinutes || w.LongestFocusMinutes > w.FocusMinutes || w.FocusBookedMinutes > w.WorkingMinutes-w.OutOfOfficeMinutes ||
		w.FocusBookedFragmentedMinutes > w.FocusBookedMinutes || w.FocusBookedFragmentedMinutes > w.FragmentedMinutes || w.FocusBookedFragmentedMinutes < 0 {
		t.Errorf("a part is larger than its whole: %+v", minsOf(w))
	}
	// The coding invariant: coding is laid on free time only.
	if w.CodingMinutes > w.FocusMinutes+w.FragmentedMinutes {
		t.Errorf("coding %d > focus %d + fragmented %d", w.CodingMinutes, w.FocusMinutes, w.FragmentedMinutes)
	}
	if w.CodingInFocusMinutes > w.CodingMinutes || w.CodingInFocusMinutes > w.FocusMinutes {
		t.Errorf("coding in focus %d > coding %d or focus %d", w.CodingInFocusMinutes, w.CodingMinutes, w.FocusMinutes)
	}
	if w.CodingInFocusMinutes < 0 || w.CodingAfterHoursMinutes < 0 || w.Commits < 0 || w.CodingSessions < 0 || w.Repos < 0 {
		t.Errorf("a coding count below zero: %+v", w.CodingTally)
	}
}

func TestAnalyzeAcrossWeeks(t *testing.T) {
	utc := time.UTC
	t.Run("a meeting across a week boundary", func(t *testing.T) {
		events := []classify.Event{ev(t, utc, classify.KindMeeting, "2026-03-08 23:00 2026-03-09 01:00")}
		res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-16 00:00"), Settings: DefaultSettings(utc)})
		if len(res.Weeks) != 2 {
			t.Fatalf("%d weeks", len(res.Weeks))
		}
		expect(t, "week 1 after hours", res.Weeks[0].AfterHoursMeetingMinutes, 60)
		expect(t, "week 2 after hours", res.Weeks[1].AfterHoursMeetingMinutes, 60)
		expect(t, "total after hours", res.Total.AfterHoursMeetingMinutes, 120)
		expect(t, "week 1 meetings", res.Weeks[0].MeetingCount, 1)
		expect(t, "week 2 meetings", res.Weeks[1].MeetingCount, 0)
		expect(t, "total meetings", res.Total.MeetingCount, 1)
	})
	t.Run("a meeting across the start of the range counts the part inside", func(t *testing.T) {
		events := []classify.Event{
			ev(t, utc, classify.KindMeeting, "2026-03-01 23:00 2026-03-02 10:00"),
			ev(t, utc, classify.KindMeeting, "2026-03-08 16:00 2026-03-09 10:00"),
			ev(t, utc, classify.KindMeeting, "2026-02-27 10:00 11:00"),
		}
		res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: DefaultSettings(utc)})
		if got, want := minsOf(res.Total), (mins{2400, 2400, 60, 2340, 0, 0, 0, 540 + 480, 0}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
		expect(t, "meetings", res.Total.MeetingCount, 1) // the one that starts inside
	})
	t.Run("a meeting that starts a few seconds before midnight", func(t *testing.T) {
		events := []classify.Event{ev(t, utc, classify.KindMeeting, "2026-03-02 23:59:40 2026-03-03 00:30:00")}
		res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-03 00:00"), To: at(t, utc, "2026-03-04 00:00"), Settings: DefaultSettings(utc)})
		expect(t, "after hours", res.Total.AfterHoursMeetingMinutes, 30)
		expect(t, "meetings", res.Total.MeetingCount, 1) // it starts at 00:00 once rounded
		expect(t, "ad hoc count", res.Total.Categories[classify.CategoryAdHoc].Count, 1)
	})
	t.Run("partial first and last weeks", func(t *testing.T) {
		res := Analyze(Input{Events: nil, From: at(t, utc, "2026-03-04 15:04"), To: at(t, utc, "2026-03-17 12:00"), Settings: DefaultSettings(utc)})
		if !res.From.Equal(at(t, utc, "2026-03-04 00:00")) || !res.To.Equal(at(t, utc, "2026-03-17 00:00")) {
			t.Errorf("range %v – %v", res.From, res.To)
		}
		type week struct {
			start         string
			full          bool
			days, working int
		}
		var got []week
		for _, w := range res.Weeks {
			got = append(got, week{w.Start.Format("2006-01-02"), w.Full, w.Days, w.WorkingMinutes})
		}
		want := []week{{"2026-03-02", false, 5, 3 * 480}, {"2026-03-09", true, 7, 2400}, {"2026-03-16", false, 1, 480}}
		if !slices.Equal(got, want) {
			t.Errorf("weeks %+v, want %+v", got, want)
		}
		expect(t, "total days", res.Total.Days, 13)
		expect(t, "total working", res.Total.WorkingMinutes, 9*480)
	})
	t.Run("an empty range", func(t *testing.T) {
		from := at(t, utc, "2026-03-04 10:00")
		for _, to := range []time.Time{from, from.Add(time.Hour), from.Add(-48 * time.Hour)} {
			res := Analyze(Input{Events: []classify.Event{ev(t, utc, classify.KindMeeting, "2026-03-04 10:00 11:00")}, From: from, To: to, Settings: DefaultSettings(utc)})
			if len(res.Weeks) != 0 || res.Total.Days != 0 || res.Total.MeetingMinutes != 0 {
				t.Errorf("to %v: %+v", to, res)
			}
		}
	})
	t.Run("custom hours and weeks from Sunday", func(t *testing.T) {
		s := DefaultSettings(utc)
		s.WeekStart = time.Sunday
		s.Hours[time.Friday] = Span{9 * time.Hour, 13 * time.Hour}
		events := []classify.Event{
			ev(t, utc, classify.KindMeeting, "2026-03-06 12:00 14:00"), // Friday, half after hours
			ev(t, utc, classify.KindMeeting, "2026-03-08 10:00 11:00"), // Sunday: a new week
		}
		res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-01 00:00"), To: at(t, utc, "2026-03-15 00:00"), Settings: s})
		if len(res.Weeks) != 2 || res.Weeks[0].Start.Weekday() != time.Sunday || !res.Weeks[0].Full || !res.Weeks[1].Full {
			t.Fatalf("weeks %+v", res.Weeks)
		}
		if got, want := minsOf(res.Weeks[0].Tally), (mins{2160, 2160, 60, 1920 + 180, 0, 0, 0, 60, 0}); got != want {
			t.Errorf("week 1 %+v, want %+v", got, want)
		}
		if got, want := minsOf(res.Weeks[1].Tally), (mins{2160, 2160, 0, 2160, 0, 0, 0, 60, 0}); got != want {
			t.Errorf("week 2 %+v, want %+v", got, want)
		}
		expect(t, "week 1 meetings", res.Weeks[0].MeetingCount, 1)
		expect(t, "week 2 meetings", res.Weeks[1].MeetingCount, 1)
	})
	t.Run("a shorter focus threshold", func(t *testing.T) {
		s := DefaultSettings(utc)
		s.FocusMin = 90 * time.Minute
		events := []classify.Event{ev(t, utc, classify.KindMeeting, "2026-03-02 10:30 15:00")} // 90 before, 120 after
		res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-03 00:00"), Settings: s})
		if got, want := minsOf(res.Total), (mins{480, 480, 270, 210, 0, 0, 0, 0, 0}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
		expect(t, "longest focus", res.Total.LongestFocusMinutes, 120)
	})
}

func TestExternalAndPeople(t *testing.T) {
	utc := time.UTC
	e := func(span string, who ...string) classify.Event {
		return ev(t, utc, classify.KindMeeting, span, people(who...))
	}
	events := []classify.Event{
		e("2026-03-02 10:00 11:00", "alice@example.com"),
		e("2026-03-02 13:00 14:00", "vendor@other.example"),
		e("2026-03-02 13:30 14:30", "alice@example.com", "x@partner.example", "bob@example.com"),
		e("2026-03-02 17:00 18:00", "vendor@other.example"), // after hours: not in working-time external minutes
		e("2026-03-03 10:00 10:30", "Carol"),                // no address: not external
		e("2026-03-03 11:00 12:00", "bob@example.com"),
		e("2026-03-03 12:00 12:30", "alice@example.com", "bob@example.com"),
	}
	s := DefaultSettings(utc)
	s.Domain = "Example.COM"
	s.TopPeople = 3
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: s})
	expect(t, "external", res.Total.ExternalMeetingMinutes, 90)
	want := []PersonTally{{"alice@example.com", 150}, {"bob@example.com", 150}, {"vendor@other.example", 120}}
	if !slices.Equal(res.Total.People, want) {
		t.Errorf("people %v, want %v", res.Total.People, want)
	}
	if !slices.Equal(res.Weeks[0].People, want) {
		t.Errorf("week people %v, want %v", res.Weeks[0].People, want)
	}

	s.Domain = ""
	res = Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: s})
	expect(t, "external with no domain", res.Total.ExternalMeetingMinutes, 0)

	s.TopPeople = 0
	res = Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: s})
	if len(res.Total.People) != 0 {
		t.Errorf("top 0 people: %v", res.Total.People)
	}
}

// TestDaylightSaving checks that working hours stay on the wall clock and
// that real durations are counted across a change of offset.
func TestDaylightSaving(t *testing.T) {
	tests := []struct {
		zone       string
		monday     string // of the week holding the change, on its Sunday
		sundayMins int    // length of that Sunday
	}{
		{"America/New_York", "2026-03-02", 23 * 60},
		{"America/New_York", "2026-10-26", 25 * 60},
		{"Europe/Berlin", "2026-03-23", 23 * 60},
		{"Europe/Berlin", "2026-10-19", 25 * 60},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.monday, func(t *testing.T) {
			loc := zone(t, tt.zone)
			monday := at(t, loc, tt.monday+" 00:00")
			day := func(i int, clock string) string { return monday.AddDate(0, 0, i).Format("2006-01-02") + " " + clock }
			var events []classify.Event
			for week := range 3 { // a weekly meeting at 10:00 local, before, across and after the change
				events = append(events, ev(t, loc, classify.KindMeeting, day(7*week-7, "10:00 11:00"), cat(classify.CategoryRecurring)))
			}
			// The night of the change: 00:30 to 04:00 on the wall clock.
			night := ev(t, loc, classify.KindMeeting, day(6, "00:30 04:00"))
			events = append(events, night)
			res := Analyze(Input{Events: events, From: monday.AddDate(0, 0, -7), To: monday.AddDate(0, 0, 14), Settings: DefaultSettings(loc)})
			if len(res.Weeks) != 3 {
				t.Fatalf("%d weeks", len(res.Weeks))
			}
			for i, w := range res.Weeks {
				if w.Start.Hour() != 0 || w.Start.Weekday() != time.Monday || !w.Full {
					t.Errorf("week %d starts %v (full %v)", i, w.Start, w.Full)
				}
				after := 0
				if i == 1 {
					after = int(night.End.Sub(night.Start).Minutes())
				}
				if got, want := minsOf(w.Tally), (mins{2400, 2400, 60, 2400 - 120, 60, 0, 0, after, 0}); got != want {
					t.Errorf("week %d: %+v, want %+v", i, got, want)
				}
			}
			if wantNight := (tt.sundayMins - 1440) + 210; res.Weeks[1].AfterHoursMeetingMinutes != wantNight {
				t.Errorf("the 00:30-04:00 meeting counts %d minutes, want %d", res.Weeks[1].AfterHoursMeetingMinutes, wantNight)
			}

			// Working round the clock, the day of the change has its real length.
			s := DefaultSettings(loc)
			for d := range s.Hours {
				s.Hours[d] = Span{0, 24 * time.Hour}
			}
			res = Analyze(Input{Events: nil, From: monday, To: monday.AddDate(0, 0, 7), Settings: s})
			expect(t, "working minutes round the clock", res.Total.WorkingMinutes, 6*1440+tt.sundayMins)
			expect(t, "focus minutes round the clock", res.Total.FocusMinutes, 6*1440+tt.sundayMins)
		})
	}
}

// TestSkippedMidnight covers zones whose clocks jump at midnight, where the
// day starts at 01:00 (America/Santiago on 2026-09-06).
func TestSkippedMidnight(t *testing.T) {
	loc := zone(t, "America/Santiago")
	s := DefaultSettings(loc)
	s.WeekStart = time.Sunday
	for d := range s.Hours {
		s.Hours[d] = Span{0, 24 * time.Hour}
	}
	// 23:30 -04 to 01:30 -03: one real hour, half of it on each day.
	m := ev(t, loc, classify.KindMeeting, "2026-09-05 23:30 2026-09-06 01:30")
	res := Analyze(Input{Events: []classify.Event{m}, From: at(t, loc, "2026-08-30 12:00"), To: at(t, loc, "2026-09-13 12:00"), Settings: s})
	if len(res.Weeks) != 2 {
		t.Fatalf("%d weeks", len(res.Weeks))
	}
	w0, w1 := res.Weeks[0], res.Weeks[1]
	if got := w1.Start.Format("2006-01-02 15:04 -07"); got != "2026-09-06 01:00 -03" {
		t.Errorf("the second week starts %s", got)
	}
	expect(t, "days", w0.Days+w1.Days, 14)
	expect(t, "week 1 working", w0.WorkingMinutes, 7*1440)
	expect(t, "week 2 working", w1.WorkingMinutes, 7*1440-60)
	expect(t, "week 1 meeting", w0.MeetingMinutes, 30)
	expect(t, "week 2 meeting", w1.MeetingMinutes, 30)
	if i := res.WeekOf(at(t, loc, "2026-09-06 01:00")); i != 1 {
		t.Errorf("WeekOf(the first instant of 09-06) = %d", i)
	}
	if i := res.WeekOf(at(t, loc, "2026-09-06 01:00").Add(-time.Second)); i != 0 {
		t.Errorf("WeekOf(the last instant of 09-05) = %d", i)
	}
	if got := s.WeekStartOf(at(t, loc, "2026-09-08 10:00")); !got.Equal(w1.Start) {
		t.Errorf("WeekStartOf = %v, want %v", got, w1.Start)
	}
}

func TestWeekOf(t *testing.T) {
	utc := time.UTC
	res := Analyze(Input{Events: nil, From: at(t, utc, "2026-03-04 00:00"), To: at(t, utc, "2026-03-18 00:00"), Settings: DefaultSettings(utc)})
	tests := []struct {
		at   string
		want int
	}{
		{"2026-03-03 23:59", -1}, // in the first week, but before the range
		{"2026-03-04 00:00", 0},
		{"2026-03-08 23:59", 0},
		{"2026-03-09 00:00", 1},
		{"2026-03-16 09:00", 2},
		{"2026-03-17 23:59", 2},
		{"2026-03-18 00:00", -1},
	}
	for _, tt := range tests {
		if got := res.WeekOf(at(t, utc, tt.at)); got != tt.want {
			t.Errorf("WeekOf(%s) = %d, want %d", tt.at, got, tt.want)
		}
	}
	// Another zone: the same instant in New York's terms.
	ny := zone(t, "America/New_York")
	if got := res.WeekOf(at(t, ny, "2026-03-08 21:00")); got != 1 {
		t.Errorf("WeekOf(Sunday evening in New York) = %d, want 1", got)
	}
}

func TestWeekStartOf(t *testing.T) {
	ny := zone(t, "America/New_York")
	tests := []struct {
		start time.Weekday
		at    string
		want  string
	}{
		{time.Monday, "2026-03-04 10:00", "2026-03-02"},
		{time.Monday, "2026-03-02 00:00", "2026-03-02"},
		{time.Monday, "2026-03-08 23:59", "2026-03-02"},
		{time.Sunday, "2026-03-08 03:00", "2026-03-08"},
		{time.Sunday, "2026-03-07 03:00", "2026-03-01"},
		{time.Saturday, "2026-03-06 03:00", "2026-02-28"},
	}
	for _, tt := range tests {
		s := DefaultSettings(ny)
		s.WeekStart = tt.start
		got := s.WeekStartOf(at(t, ny, tt.at))
		if got.Format("2006-01-02 15:04") != tt.want+" 00:00" || got.Location() != ny {
			t.Errorf("%v weeks: WeekStartOf(%s) = %v, want %s", tt.start, tt.at, got, tt.want)
		}
	}
	// An instant given in another zone is placed in the settings' zone.
	s := DefaultSettings(ny)
	if got := s.WeekStartOf(time.Date(2026, 3, 9, 3, 0, 0, 0, time.UTC)); got.Format("2006-01-02") != "2026-03-02" {
		t.Errorf("Monday 03:00 UTC is Sunday in New York: week of %v", got)
	}
}

func TestHeat(t *testing.T) {
	ny := zone(t, "America/New_York")
	s := DefaultSettings(ny)
	events := []classify.Event{
		ev(t, ny, classify.KindMeeting, "2026-03-02 08:30 09:30"), // Monday, across the start of the day
		ev(t, ny, classify.KindMeeting, "2026-03-09 08:30 09:30"), // the next Monday, the day after the clocks went forward
		ev(t, ny, classify.KindMeeting, "2026-03-04 12:00 17:00"), // Wednesday: focus 09:00-12:00 only
	}
	res := Analyze(Input{Events: events, From: at(t, ny, "2026-03-02 00:00"), To: at(t, ny, "2026-03-16 00:00"), Settings: s})
	h := res.Heat
	if h.Meeting[time.Monday][8] != 60 || h.Meeting[time.Monday][9] != 60 {
		t.Errorf("Monday 08h and 09h hold %d and %d meeting minutes, want 60 and 60 over two Mondays",
			h.Meeting[time.Monday][8], h.Meeting[time.Monday][9])
	}
	if h.Focus[time.Wednesday][9] != 120 || h.Focus[time.Wednesday][12] != 60 {
		t.Errorf("Wednesday focus at 09h %d, at 12h %d; want 120 (two Wednesdays) and 60 (the free one)",
			h.Focus[time.Wednesday][9], h.Focus[time.Wednesday][12])
	}
	if h.Days[time.Monday] != 2 || h.Days[time.Sunday] != 2 {
		t.Errorf("days per weekday = %v, want two of each", h.Days)
	}
}

func TestEventTallies(t *testing.T) {
	utc := time.UTC
	s := DefaultSettings(utc)
	events := []classify.Event{
		ev(t, utc, classify.KindMeeting, "2026-03-02 08:30 09:30"), // across the start of the day
		ev(t, utc, classify.KindOutOfOffice, "2026-03-03 00:00 2026-03-04 00:00"),
		ev(t, utc, classify.KindMeeting, "2026-03-03 10:00 11:00"),            // while I am out
		ev(t, utc, classify.KindPersonal, "2026-03-04 12:00 13:00"),           // lunch, half under a meeting
		ev(t, utc, classify.KindMeeting, "2026-03-04 12:30 13:30"),            // over lunch
		ev(t, utc, classify.KindFocus, "2026-03-05 16:00 18:00"),              // a focus block running late
		ev(t, utc, classify.KindIgnored, "2026-03-05 10:00 11:00"),            // declined, say
		ev(t, utc, classify.KindMeeting, "2026-03-08 23:00 2026-03-09 01:00"), // Sunday night into the next week
	}
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: s})
	want := []EventTally{
		{WorkingMinutes: 30, AfterHoursMinutes: 30},
		{WorkingMinutes: 480},
		{AwayMinutes: 60},
		{WorkingMinutes: 30},
		{WorkingMinutes: 60},
		{WorkingMinutes: 60},
		{},
		{AfterHoursMinutes: 60}, // only Sunday's hour is in the range
	}
	for i, w := range want {
		if res.Events[i] != w {
			t.Errorf("event %d (%s %s): tally %+v, want %+v", i, events[i].Kind, events[i].Start.Format("Mon 15:04"), res.Events[i], w)
		}
	}
}

// TestPeopleOfSharedLists: the meetings of a series share one list of
// people; a day of many such meetings, more lists than a day usually
// holds and sub-lists of one list among them, counts each person's
// minutes, and the minutes with someone from outside, as if every meeting
// had a list of its own.
func TestPeopleOfSharedLists(t *testing.T) {
	utc := time.UTC
	shared := []string{"alice@example.com", "bob@example.com", "vendor@other.example"}
	var events []classify.Event
	want := map[string]int{}
	wantExternal := 0
	day := at(t, utc, "2026-03-02 08:00")
	nine, five := at(t, utc, "2026-03-02 09:00"), at(t, utc, "2026-03-02 17:00")
	for i := range 120 {
		var who []string
		switch {
		case i%3 == 0:
			who = shared // one list, many meetings, someone from outside
		case i%3 == 1:
			who = shared[:1+i%2] // a shorter list on the same room
		default:
			who = []string{fmt.Sprintf("p%d@example.com", i), "alice@example.com"}
		}
		start := day.Add(time.Duration(i) * 5 * time.Minute)
		e := classify.Event{Event: &calendar.Event{Title: "m", Start: start, End: start.Add(5 * time.Minute)},
			Kind: classify.KindMeeting, Category: classify.CategoryAdHoc, People: who}
		events = append(events, e)
		for _, p := range who {
			want[p] += 5
		}
		if i%3 == 0 && !start.Before(nine) && start.Before(five) {
			wantExternal += 5
		}
	}
	s := DefaultSettings(utc)
	s.TopPeople = 1000
	s.Domain = "example.com"
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-03 00:00"), Settings: s})
	got := map[string]int{}
	for _, p := range res.Total.People {
		got[p.Person] = p.Minutes
	}
	if !maps.Equal(got, want) {
		t.Errorf("people %v, want %v", got, want)
	}
	expect(t, "external minutes", res.Total.ExternalMeetingMinutes, wantExternal)
}

// A booked focus block between meetings, in a free stretch shorter than
// the focus minimum, is fragmented time, and says so; one in a long free
// stretch is focus.
func TestBookedFocusShorterThanFocusMin(t *testing.T) {
	utc := time.UTC
	s := DefaultSettings(utc) // focus minimum 2h
	events := []classify.Event{
		ev(t, utc, classify.KindMeeting, "2026-03-02 09:00 10:00"),
		ev(t, utc, classify.KindFocus, "2026-03-02 10:00 11:00"), // 10:00-11:30 free: too short
		ev(t, utc, classify.KindMeeting, "2026-03-02 11:30 17:00"),
		ev(t, utc, classify.KindFocus, "2026-03-03 10:00 11:00"), // a free day: focus
	}
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: s})
	if got := res.Events[1]; got != (EventTally{WorkingMinutes: 60, FragmentedMinutes: 60}) {
		t.Errorf("the short block's tally = %+v, want 60 working minutes, all fragmented", got)
	}
	if got := res.Events[3]; got != (EventTally{WorkingMinutes: 60}) {
		t.Errorf("the block on a free day = %+v, want 60 working minutes, none fragmented", got)
	}
	if tt := res.Total; tt.FocusBookedMinutes != 120 || tt.FocusBookedFragmentedMinutes != 60 || tt.FragmentedMinutes != 90 {
		t.Errorf("booked %d, booked but fragmented %d, fragmented %d; want 120, 60 and 90",
			tt.FocusBookedMinutes, tt.FocusBookedFragmentedMinutes, tt.FragmentedMinutes)
	}
}
