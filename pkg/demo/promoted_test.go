package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/demo"
)

// TestPromotedOn checks where the promoted persona's switch falls: the
// Monday 12 weeks before the Monday of today's week, in New York, whatever
// the hour, the zone today is given in or a change of clocks between.
func TestPromotedOn(t *testing.T) {
	ny := newYork(t)
	tests := []struct {
		now  time.Time
		want string
	}{
		{today(), "2025-12-22"},                                      // Wednesday 18 March 2026, 08:00 in New York
		{time.Date(2026, 3, 16, 0, 0, 0, 0, ny), "2025-12-22"},       // the Monday itself
		{time.Date(2026, 3, 22, 23, 59, 0, 0, ny), "2025-12-22"},     // its Sunday
		{time.Date(2026, 3, 16, 3, 0, 0, 0, time.UTC), "2025-12-15"}, // still Sunday in New York
		{time.Date(2026, 11, 2, 12, 0, 0, 0, ny), "2026-08-10"},      // the week after clocks go back
		{time.Date(2026, 1, 7, 12, 0, 0, 0, ny), "2025-10-13"},       // across a new year
	}
	for _, tt := range tests {
		got, err := demo.PromotedOn(tt.now)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format("2006-01-02 15:04 MST") != tt.want+" 00:00 EST" && got.Format("2006-01-02 15:04 MST") != tt.want+" 00:00 EDT" {
			t.Errorf("PromotedOn(%v) = %v, want midnight on %s in New York", tt.now, got, tt.want)
		}
	}
	if _, err := demo.Source("promoted", time.Time{}); err == nil {
		t.Error("Source(promoted) with no today: no error")
	}
	if _, err := demo.Source("ic", time.Time{}); err != nil {
		t.Errorf("Source(ic) with no today: %v", err)
	}
}

// TestPromotedSwitch reads the two weeks either side of the switch and
// checks that they are the engineer's week and then the manager's, entry
// for entry, with one owner: Casey, as organizer, guest and in the 1:1s'
// titles, whose answers (a declined meeting on each side) are kept; and
// that a window read in two pieces holds what it holds read at once.
func TestPromotedSwitch(t *testing.T) {
	ny := newYork(t)
	at := day(t, "2025-12-22")
	from, to := at.AddDate(0, 0, -14), at.AddDate(0, 0, 14)
	for _, zone := range []*time.Location{ny, time.UTC, time.FixedZone("Tokyo", 9*3600)} {
		src, err := demo.Source("promoted", today())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		info, err := src.Info(ctx)
		if err != nil || info.Name != "casey@emtime.example" || info.Zone != "America/New_York" {
			t.Fatalf("Info = %+v, %v", info, err)
		}
		res, err := src.Events(ctx, calendar.Query{From: from, To: to, Zone: zone})
		if err != nil || len(res.Warnings) > 0 {
			t.Fatalf("Events: %v %q", err, res.Warnings)
		}
		me, how := classify.InferMe(info, res.Events)
		if !slices.Equal(me, []string{"casey@emtime.example"}) {
			t.Fatalf("%s: me %q (%s)", zone, me, how)
		}
		// The side of the switch an entry is on: a timed one by its start,
		// an all-day one by its date.
		onAfter := func(e calendar.Event) bool {
			if e.AllDay {
				y, m, d := e.Start.Date()
				return !time.Date(y, m, d, 0, 0, 0, 0, ny).Before(at)
			}
			return !e.Start.Before(at)
		}
		// The same weeks of the two personas it is made of: an em entry
		// that started before the switch (a week on call) is not the
		// promoted person's.
		_, ic := load(t, "ic", from, at)
		_, em := load(t, "em", at, to)
		em = slices.DeleteFunc(em, func(e calendar.Event) bool { return !onAfter(e) })
		var before, after []string
		declined := map[bool]int{}
		for _, e := range res.Events {
			side := onAfter(e)
			file := "demo/ic.ics:"
			if side {
				file = "demo/em.ics:"
			}
			if !strings.HasPrefix(e.Origin, file) {
				t.Errorf("%s: %s %q comes from %s, want %s", zone, e.Start.In(ny), e.Title, e.Origin, file)
			}
			if side {
				after = append(after, e.UID)
			} else {
				before = append(before, e.UID)
			}
			for _, p := range append([]calendar.Person{e.Organizer}, people(e)...) {
				if strings.Contains(p.Email, "sam@") || strings.Contains(p.Email, "alex@") || p.Name == "Sam Okafor" || p.Name == "Alex Rivera" {
					t.Errorf("%s: %q names %s <%s>", zone, e.Title, p.Name, p.Email)
				}
			}
			if strings.HasPrefix(e.Title, "Sam /") || strings.HasPrefix(e.Title, "Alex /") {
				t.Errorf("%s: title %q", zone, e.Title)
			}
			for _, a := range e.Attendees {
				if a.Email == "casey@emtime.example" && a.Response == calendar.ResponseDeclined {
					if a.Name != "Casey Novak" {
						t.Errorf("%s: %q: my name %q", zone, e.Title, a.Name)
					}
					declined[side]++
				}
			}
		}
		if declined[false] == 0 || declined[true] == 0 {
			t.Errorf("%s: meetings declined by me before and after the switch: %v, want some on both sides", zone, declined)
		}
		if zone == ny {
			if got, want := len(before), len(ic); got != want {
				t.Errorf("%d occurrences before the switch, the ic persona has %d", got, want)
			}
			if got, want := len(after), len(em); got != want {
				t.Errorf("%d occurrences from the switch on, the em persona has %d", got, want)
			}
			titles := map[string]bool{}
			for _, e := range res.Events {
				titles[e.Title] = true
			}
			for _, want := range []string{"Casey / Lena 1:1", "Casey / Priya 1:1"} {
				if !titles[want] {
					t.Errorf("no %q around the switch", want)
				}
			}
		}
		// Read in two pieces that meet mid-week before the switch and at
		// it: the same occurrences, once each.
		var pieces []string
		for _, w := range [][2]time.Time{{from, at.AddDate(0, 0, -4).Add(13 * time.Hour)}, {at.AddDate(0, 0, -4).Add(13 * time.Hour), at}, {at, to}} {
			r, err := src.Events(ctx, calendar.Query{From: w[0], To: w[1], Zone: zone})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range r.Events {
				pieces = append(pieces, e.UID+"@"+e.Start.String())
			}
		}
		var whole []string
		for _, e := range res.Events {
			whole = append(whole, e.UID+"@"+e.Start.String())
		}
		slices.Sort(pieces)
		pieces = slices.Compact(pieces) // an entry across two pieces is in both
		slices.Sort(whole)
		if !slices.Equal(pieces, whole) {
			t.Errorf("%s: %d occurrences read in pieces, %d at once", zone, len(pieces), len(whole))
		}
	}
}

func people(e calendar.Event) []calendar.Person {
	var out []calendar.Person
	for _, a := range e.Attendees {
		out = append(out, a.Person)
	}
	return out
}
