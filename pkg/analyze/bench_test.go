package analyze

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

const emMe = "em@example.com"

// busyEM generates ten years of a busy engineering manager's calendar from
// Monday 2016-01-04, as a source would hand it over (occurrences, not yet
// classified): stand-ups, one-on-ones, reviews, planning, interviews, lunches,
// focus blocks, double bookings, declined and after-hours meetings, and a few
// weeks out of office a year.
func busyEM(loc *time.Location) (events []calendar.Event, from, to time.Time) {
	rng := rand.New(rand.NewPCG(10, 100))
	from = time.Date(2016, 1, 4, 0, 0, 0, 0, loc)
	to = from.AddDate(10, 0, 0)
	var team, others []calendar.Person
	for i := range 8 {
		team = append(team, calendar.Person{Email: fmt.Sprintf("report%d@example.com", i), Name: fmt.Sprintf("Report %d", i)})
	}
	for i := range 40 {
		domain := "example.com"
		if i%5 == 0 {
			domain = "partner.example"
		}
		others = append(others, calendar.Person{Email: fmt.Sprintf("peer%d@%s", i, domain)})
	}
	meRoom := []calendar.Attendee{
		{Person: calendar.Person{Email: emMe}, Response: calendar.ResponseAccepted},
		{Person: calendar.Person{Email: "room-3@resource.example.com"}, Resource: true},
	}
	add := func(title string, day time.Time, h, m, mins int, fill func(*calendar.Event)) {
		start := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
		e := calendar.Event{
			UID: fmt.Sprintf("%s-%d", title, len(events)), Title: title, Start: start, End: start.Add(time.Duration(mins) * time.Minute),
			Status: calendar.StatusConfirmed, Type: calendar.TypeDefault, Organizer: calendar.Person{Email: emMe},
		}
		if fill != nil {
			fill(&e)
		}
		events = append(events, e)
	}
	guests := func(resp calendar.Response, ps ...calendar.Person) func(*calendar.Event) {
		return func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, meRoom...)
			e.Attendees[0].Response = resp
			for _, p := range ps {
				e.Attendees = append(e.Attendees, calendar.Attendee{Person: p, Response: calendar.ResponseAccepted})
			}
			e.ConferenceURL = "https://meet.example.com/" + e.UID
		}
	}
	series := func(f func(*calendar.Event)) func(*calendar.Event) {
		return func(e *calendar.Event) { e.Recurring = true; f(e) }
	}
	pick := func(ps []calendar.Person, n int) []calendar.Person {
		out := make([]calendar.Person, n)
		for i := range out {
			out[i] = ps[rng.IntN(len(ps))]
		}
		return out
	}
	for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			if rng.IntN(4) == 0 {
				add("Gym", day, 10, 0, 90, nil)
			}
			continue
		}
		if day.YearDay()%91 < 5 || rng.IntN(60) == 0 { // a week off a quarter, a sick day now and then
			add("OOO", day, 0, 0, 24*60, func(e *calendar.Event) { e.AllDay, e.Transparent = true, true })
			add("Stand-up", day, 9, 30, 15, series(guests(calendar.ResponseAccepted, team...)))
			continue
		}
		add("Office", day, 0, 0, 24*60, func(e *calendar.Event) { e.AllDay, e.Type = true, calendar.TypeWorkingLocation })
		add("Stand-up", day, 9, 30, 15, series(guests(calendar.ResponseAccepted, team...)))
		add("Lunch", day, 12, 0, 60, nil)
		add("Commute", day, 8, 15, 40, nil)
		add("Commute", day, 17, 30, 40, nil)
		for i := range 4 { // one-on-ones, two of them back to back
			p := team[(int(day.Weekday())*4+i)%len(team)]
			add("1:1 "+p.Name, day, 10+i%2, 30*(i/2), 25, series(guests(calendar.ResponseAccepted, p)))
		}
		add("Design review", day, 14, 0, 60, guests(calendar.ResponseAccepted, pick(others, 6)...))
		add("Architecture review", day, 14, 30, 60, guests(calendar.ResponseTentative, pick(others, 4)...)) // double-booked
		add("Interview: backend candidate", day, 15, 30, 60, guests(calendar.ResponseAccepted, pick(others, 1)...))
		add("Interview debrief", day, 16, 30, 20, guests(calendar.ResponseAccepted, pick(others, 3)...))
		add("Focus time", day, 13, 0, 60, func(e *calendar.Event) { e.Type = calendar.TypeFocusTime })
		add("Heads down: budget", day, 16, 0, 120, nil)
		add("Write quarterly plan", day, 7, 30, 45, nil)
		add("Skip-level", day, 11, 30, 30, guests(calendar.ResponseNeedsAction, pick(others, 2)...))
		add("Vendor sync", day, 11, 45, 30, guests(calendar.ResponseDeclined, pick(others, 2)...))
		add("Cancelled sync", day, 15, 0, 30, func(e *calendar.Event) { e.Status = calendar.StatusCancelled })
		add("APAC handover", day, 19, 0, 45, guests(calendar.ResponseAccepted, pick(others, 3)...))
		add("Reminder: approve expenses", day, 9, 0, 0, nil)
		add("Optional: brown bag", day, 12, 30, 30, func(e *calendar.Event) {
			guests(calendar.ResponseAccepted, pick(others, 5)...)(e)
			e.Transparent = true
		})
		if day.Weekday() == time.Monday {
			add("Sprint planning", day, 13, 0, 90, series(guests(calendar.ResponseAccepted, append(pick(others, 6), team...)...)))
			add("All hands", day, 17, 0, 60, func(e *calendar.Event) { e.AttendeesOmitted, e.Recurring = true, true })
		}
		for range 14 + rng.IntN(8) { // ad-hoc meetings anywhere in the day, overlapping the rest
			add("Sync", day, 8+rng.IntN(10), 5*rng.IntN(12), 15+15*rng.IntN(4), guests(calendar.ResponseAccepted, pick(others, 1+rng.IntN(4))...))
		}
	}
	return events, from, to
}

// BenchmarkClassifyAnalyze10Years classifies and analyses ten years of a
// busy EM's calendar (about 100,000 occurrences) in one go.
func BenchmarkClassifyAnalyze10Years(b *testing.B) {
	loc := zone(b, "Europe/Berlin")
	events, from, to := busyEM(loc)
	rules := classify.DefaultRules()
	rules.Me = []string{emMe}
	s := DefaultSettings(loc)
	s.Domain = "example.com"
	b.ReportAllocs()
	for b.Loop() {
		res := Analyze(Input{Events: classify.Classify(events, rules), From: from, To: to, Settings: s})
		if len(res.Weeks) < 520 || res.Total.MeetingMinutes == 0 {
			b.Fatalf("%d weeks, %d meeting minutes", len(res.Weeks), res.Total.MeetingMinutes)
		}
	}
	b.ReportMetric(float64(len(events)), "occurrences")
	b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "occurrences/s")
}

// BenchmarkAnalyze10Years counts ten years of a busy EM's calendar,
// classified once outside the loop: the accounting alone.
func BenchmarkAnalyze10Years(b *testing.B) {
	loc := zone(b, "Europe/Berlin")
	events, from, to := busyEM(loc)
	rules := classify.DefaultRules()
	rules.Me = []string{emMe}
	classified := classify.Classify(events, rules)
	s := DefaultSettings(loc)
	s.Domain = "example.com"
	b.ReportAllocs()
	for b.Loop() {
		res := Analyze(Input{Events: classified, From: from, To: to, Settings: s})
		if len(res.Weeks) < 520 || res.Total.MeetingMinutes == 0 {
			b.Fatalf("%d weeks, %d meeting minutes", len(res.Weeks), res.Total.MeetingMinutes)
		}
	}
	b.ReportMetric(float64(len(events)), "occurrences")
}

// TestBusyEM checks that the benchmark's calendar is what it says: about
// 100,000 occurrences over ten years, and an EM's weeks.
func TestBusyEM(t *testing.T) {
	if testing.Short() {
		t.Skip("ten years of calendar")
	}
	loc := zone(t, "Europe/Berlin")
	events, from, to := busyEM(loc)
	if len(events) < 95_000 || len(events) > 110_000 {
		t.Errorf("%d occurrences", len(events))
	}
	rules := classify.DefaultRules()
	rules.Me = []string{emMe}
	classified := classify.Classify(events, rules)
	kinds := map[classify.Kind]int{}
	for _, e := range classified {
		kinds[e.Kind]++
	}
	for _, k := range []classify.Kind{classify.KindMeeting, classify.KindFocus, classify.KindSolo, classify.KindPersonal, classify.KindOutOfOffice, classify.KindIgnored} {
		if kinds[k] == 0 {
			t.Errorf("no %s occurrence in %v", k, kinds)
		}
	}
	res := Analyze(Input{Events: classified, From: from, To: to, Settings: DefaultSettings(loc)})
	checkTally(t, res.Total)
	share, ok := res.Total.MeetingShare()
	if !ok || share < 0.5 {
		t.Errorf("meeting share %v over ten years: not an EM's calendar", share)
	}
}
