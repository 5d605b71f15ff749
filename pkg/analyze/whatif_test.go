package analyze

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

// TestEventsByDay checks, over random calendars, that every event is
// listed on exactly the days DaysOf names for it, and that counting a day
// on its events alone gives the day Analyze gives.
func TestEventsByDay(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260302, 21))
	for i := range 100 {
		in := randomInput(t, rng)
		res := Analyze(in)
		byDay := EventsByDay(in)
		name := fmt.Sprintf("calendar %d in %s from %s, %d events", i, in.Settings.Zone, in.From.Format(time.DateTime), len(in.Events))
		t.Run(name, func(t *testing.T) {
			if len(byDay) != len(res.Days) {
				t.Fatalf("%d days listed, the range has %d", len(byDay), len(res.Days))
			}
			for j := range in.Events {
				var want, got []time.Time
				want = DaysOf(in, []classify.Event{in.Events[j]})
				for d, idx := range byDay {
					for _, k := range idx {
						if k == j {
							got = append(got, res.Days[d].Start)
						}
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("event %d (%s %v–%v) listed on %v, DaysOf says %v", j, in.Events[j].Kind, in.Events[j].Start, in.Events[j].End, got, want)
				}
			}
			for d, idx := range byDay {
				var events []classify.Event
				for _, k := range idx {
					events = append(events, in.Events[k])
				}
				alone := in
				alone.Events = events
				got := CountDays(alone, []time.Time{res.Days[d].Start})
				if len(got) != 1 || !reflect.DeepEqual(got[0], res.Days[d]) {
					t.Errorf("day %d counted on its %d events is\n%+v\nAnalyze says\n%+v", d, len(events), got, res.Days[d])
				}
			}
		})
	}
}

// TestLean checks that lean tallies sum to the full sum's time and
// meeting families, and judge the same shares.
func TestLean(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260302, 22))
	for range 50 {
		in := randomInput(t, rng)
		res := Analyze(in)
		lean := make([]Tally, len(res.Days))
		for i, d := range res.Days {
			lean[i] = d.Lean()
		}
		got := Sum(in.Settings.TopPeople, lean...)
		if got.TimeTally != res.Total.TimeTally || got.MeetingTally != res.Total.MeetingTally || len(got.People) != 0 {
			t.Errorf("lean days sum to %+v %+v, the total is %+v %+v", got.TimeTally, got.MeetingTally, res.Total.TimeTally, res.Total.MeetingTally)
		}
	}
}
