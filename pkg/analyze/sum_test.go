package analyze

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

func dayTallies(days []Day) []Tally {
	out := make([]Tally, len(days))
	for i, d := range days {
		out[i] = d.Tally
	}
	return out
}

func weekTallies(weeks []Week) []Tally {
	out := make([]Tally, len(weeks))
	for i, w := range weeks {
		out[i] = w.Tally
	}
	return out
}

// TestDaysAddUpToWeeksAndTotal checks, over random calendars, that the
// result's days are the range's days, and that the weeks and the total are
// their sums.
func TestDaysAddUpToWeeksAndTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260302, 14))
	for i := range 100 {
		in := randomInput(t, rng)
		res := Analyze(in)
		name := fmt.Sprintf("calendar %d in %s from %s, %d events", i, in.Settings.Zone, in.From.Format(time.DateTime), len(in.Events))
		t.Run(name, func(t *testing.T) {
			if want := dayCount(res.From, res.To); len(res.Days) != want {
				t.Fatalf("%d days, the range has %d", len(res.Days), want)
			}
			for j, d := range res.Days {
				if civilDay(d.Start) != civilDay(res.From)+j || !d.Start.Equal(midnight(d.Start, in.Settings.Zone)) || d.Days != 1 {
					t.Errorf("day %d starts %v (%d days), want the start of day %d after %v", j, d.Start, d.Days, j, res.From)
				}
				checkTally(t, d.Tally)
			}
			if got := Weeks(in.Settings, res.Days); !reflect.DeepEqual(got, res.Weeks) {
				t.Errorf("the days grouped into weeks are\n%+v\nthe result's weeks are\n%+v", got, res.Weeks)
			}
			if got := Sum(in.Settings.TopPeople, dayTallies(res.Days)...); !reflect.DeepEqual(got, res.Total) {
				t.Errorf("the days add up to\n%+v\nthe total is\n%+v", got, res.Total)
			}
		})
	}
}

// TestSumIsTheStretchAnalysed checks that four weeks summed are what the
// analysis of those four weeks says, top people included: a rolling tally
// is a sum of minutes, not a mean of shares.
func TestSumIsTheStretchAnalysed(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260302, 4))
	compared := 0
	for i := range 60 {
		in := randomInput(t, rng)
		in.To = in.From.AddDate(0, 0, 8*7)
		in.Events = randomEvents(rng, in.From, in.To, in.Settings.Zone)
		res := Analyze(in)
		for first := 0; first+4 <= len(res.Weeks); first++ {
			weeks := res.Weeks[first : first+4]
			if !weeks[0].Full || !weeks[3].Full {
				continue
			}
			stretch := in
			// Noon a week after the last week's start: the midnight before it
			// ends the stretch, wherever the clocks skip midnight.
			stretch.From, stretch.To = weeks[0].Start, weeks[3].Start.AddDate(0, 0, 7).Add(12*time.Hour)
			want := Analyze(stretch).Total
			if got := Sum(in.Settings.TopPeople, weekTallies(weeks)...); !reflect.DeepEqual(got, want) {
				t.Fatalf("calendar %d, weeks %d–%d summed:\n%+v\nanalysed:\n%+v", i, first, first+3, got, want)
			}
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("only %d stretches of four full weeks compared", compared)
	}
}

// TestWhatIfRecountsTheTouchedDays leaves events out of random calendars,
// counts again only the days they were counted on, and checks that the
// days, weeks and total summed from there are those of the changed
// calendar analysed afresh.
func TestWhatIfRecountsTheTouchedDays(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260302, 10))
	for i := range 200 {
		in := randomInput(t, rng)
		base := Analyze(in)
		var kept, dropped []classify.Event
		for _, e := range in.Events {
			if rng.IntN(4) == 0 {
				dropped = append(dropped, e)
			} else {
				kept = append(kept, e)
			}
		}
		changed := in
		changed.Events = kept
		want := Analyze(changed)

		touched := DaysOf(in, dropped)
		days := slices.Clone(base.Days)
		for _, d := range CountDays(changed, touched) {
			days[civilDay(d.Start)-civilDay(base.From)] = d
		}
		name := fmt.Sprintf("calendar %d in %s, %d of %d events left out, %d days touched", i, in.Settings.Zone, len(dropped), len(in.Events), len(touched))
		t.Run(name, func(t *testing.T) {
			for j := range days {
				if !reflect.DeepEqual(days[j], want.Days[j]) {
					t.Errorf("day %s: recounted\n%+v\nanalysed\n%+v", want.Days[j].Start.Format(time.DateOnly), days[j].Tally, want.Days[j].Tally)
				}
			}
			weeks := Weeks(in.Settings, days)
			if !reflect.DeepEqual(weeks, want.Weeks) {
				t.Errorf("weeks:\n%+v\nwant\n%+v", weeks, want.Weeks)
			}
			if total := Sum(in.Settings.TopPeople, weekTallies(weeks)...); !reflect.DeepEqual(total, want.Total) {
				t.Errorf("total:\n%+v\nwant\n%+v", total, want.Total)
			}
		})
	}
}

func TestCountDays(t *testing.T) {
	utc := time.UTC
	events := []classify.Event{
		ev(t, utc, classify.KindMeeting, "2026-03-02 10:00 11:00"),
		ev(t, utc, classify.KindMeeting, "2026-03-04 10:00 12:00"),
	}
	in := Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: DefaultSettings(utc)}
	res := Analyze(in)
	days := CountDays(in, []time.Time{
		at(t, utc, "2026-03-04 15:00"), // any instant names its day
		at(t, utc, "2026-03-02 00:00"),
		at(t, utc, "2026-03-04 09:00"), // the same day again
		at(t, utc, "2026-03-09 00:00"), // outside the range
		at(t, utc, "2026-03-01 23:59"),
	})
	if len(days) != 2 || !reflect.DeepEqual(days[0], res.Days[0]) || !reflect.DeepEqual(days[1], res.Days[2]) {
		t.Errorf("counted %+v, want the 2nd and 4th of March as analysed", days)
	}
	expect(t, "meeting minutes on the 4th", days[1].MeetingMinutes, 120)
	expect(t, "meetings on the 4th", days[1].MeetingCount, 1)

	if got := CountDays(Input{From: in.From, To: in.From, Settings: in.Settings}, []time.Time{in.From}); got != nil {
		t.Errorf("an empty range counts %+v", got)
	}
}

func TestDaysOf(t *testing.T) {
	utc := time.UTC
	in := Input{From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-09 00:00"), Settings: DefaultSettings(utc)}
	day := func(s string) time.Time { return at(t, utc, s+" 00:00") }
	tests := []struct {
		name  string
		event classify.Event
		want  []time.Time
	}{
		{"a meeting", ev(t, utc, classify.KindMeeting, "2026-03-03 10:00 11:00"), []time.Time{day("2026-03-03")}},
		{"across midnight", ev(t, utc, classify.KindOutOfOffice, "2026-03-03 22:00 2026-03-05 00:00"), []time.Time{day("2026-03-03"), day("2026-03-04")}},
		{"ends at midnight once rounded", ev(t, utc, classify.KindMeeting, "2026-03-03 23:00 2026-03-04 00:00:20"), []time.Time{day("2026-03-03")}},
		{"of no length", ev(t, utc, classify.KindMeeting, "2026-03-05 12:00 12:00"), []time.Time{day("2026-03-05")}},
		{"starts before the range", ev(t, utc, classify.KindPersonal, "2026-03-01 20:00 2026-03-02 10:00"), []time.Time{day("2026-03-02")}},
		{"after the range", ev(t, utc, classify.KindMeeting, "2026-03-09 10:00 11:00"), nil},
		{"ignored", ev(t, utc, classify.KindIgnored, "2026-03-03 10:00 11:00"), nil},
		{"solo", ev(t, utc, classify.KindSolo, "2026-03-03 10:00 11:00"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DaysOf(in, []classify.Event{tt.event})
			if !slices.EqualFunc(got, tt.want, time.Time.Equal) {
				t.Errorf("days %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSumMergesPeopleBeforePickingTheTop: bob is no week's top person, but
// the two weeks' top one together.
func TestSumMergesPeopleBeforePickingTheTop(t *testing.T) {
	utc := time.UTC
	events := []classify.Event{
		ev(t, utc, classify.KindMeeting, "2026-03-02 10:00 11:00", people("alice@example.com")),
		ev(t, utc, classify.KindMeeting, "2026-03-02 13:00 13:50", people("bob@example.com")),
		ev(t, utc, classify.KindMeeting, "2026-03-09 10:00 11:00", people("carol@example.com")),
		ev(t, utc, classify.KindMeeting, "2026-03-09 13:00 13:50", people("bob@example.com")),
		ev(t, utc, classify.KindFocus, "2026-03-10 09:00 12:00"),
	}
	s := DefaultSettings(utc)
	s.TopPeople = 1
	res := Analyze(Input{Events: events, From: at(t, utc, "2026-03-02 00:00"), To: at(t, utc, "2026-03-16 00:00"), Settings: s})
	w1, w2 := res.Weeks[0], res.Weeks[1]
	if !slices.Equal(w1.People, []PersonTally{{"alice@example.com", 60}}) || !slices.Equal(w2.People, []PersonTally{{"carol@example.com", 60}}) {
		t.Fatalf("week people %v and %v", w1.People, w2.People)
	}
	sum := Sum(1, w1.Tally, w2.Tally)
	if want := []PersonTally{{"bob@example.com", 100}}; !slices.Equal(sum.People, want) {
		t.Errorf("summed people %v, want %v", sum.People, want)
	}
	expect(t, "days", sum.Days, 14)
	expect(t, "meetings", sum.MeetingCount, 4)
	expect(t, "longest focus", sum.LongestFocusMinutes, max(w1.LongestFocusMinutes, w2.LongestFocusMinutes))
	if top3 := Sum(3, w1.Tally, w2.Tally); len(top3.People) != 3 {
		t.Errorf("top 3 of the sum: %v", top3.People)
	}
	if empty := Sum(5); empty.Days != 0 || len(empty.Categories) != len(classify.Categories()) || empty.People == nil {
		t.Errorf("the sum of nothing is %+v", empty)
	}
}

// randomInput is a random calendar of up to 45 days, with a few top people
// so that picking them matters.
func randomInput(t *testing.T, rng *rand.Rand) Input {
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"}
	loc := zone(t, zones[rng.IntN(len(zones))])
	from := time.Date(2026, 1, 1+rng.IntN(365), 0, 0, 0, 0, loc).Add(time.Duration(rng.IntN(86400)) * time.Second)
	to := from.Add(time.Duration(rng.IntN(45*86400)) * time.Second)
	s := randomSettings(rng, loc)
	s.TopPeople = rng.IntN(4)
	return Input{Events: randomEvents(rng, from, to, loc), From: from, To: to, Settings: s, Coding: randomCoding(rng, from, to, loc)}
}

// TestTopPeople checks the picking of the top people against sorting them
// all: the most minutes first, ties by address, none with no minutes.
func TestTopPeople(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range 500 {
		tl := newTally()
		for range rng.IntN(30) {
			tl.people[fmt.Sprintf("p%02d@example.com", rng.IntN(40))] += rng.IntN(4) * 15
		}
		var all []PersonTally
		for p, m := range tl.people {
			if m > 0 {
				all = append(all, PersonTally{p, m})
			}
		}
		slices.SortFunc(all, func(x, y PersonTally) int {
			if x.Minutes != y.Minutes {
				return y.Minutes - x.Minutes
			}
			return strings.Compare(x.Person, y.Person)
		})
		top := rng.IntN(8) - 1
		want := all[:min(max(top, 0), len(all))]
		tl.finish(top)
		if !slices.Equal(tl.People, want) || tl.People == nil {
			t.Fatalf("case %d, top %d of %v:\n got %v\nwant %v", i, top, tl.people, tl.People, want)
		}
	}
}
