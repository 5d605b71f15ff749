package whatif

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

const me = "me@example.com"

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// randomSettings are settings as a user may give them: the defaults, or
// hours of their own between 06:00 and 20:00 with some days off, any week
// start, various shortest focus stretches. After pkg/analyze's
// property tests.
func randomSettings(rng *rand.Rand, loc *time.Location) analyze.Settings {
	s := analyze.DefaultSettings(loc)
	s.WeekStart = time.Weekday(rng.IntN(7))
	s.FocusMin = []time.Duration{2 * time.Hour, 90 * time.Minute, 30 * time.Minute, 2*time.Hour + 30*time.Second}[rng.IntN(4)]
	s.TopPeople = rng.IntN(6)
	s.Domain = "example.com"
	if rng.IntN(3) == 0 {
		for d := range s.Hours {
			if rng.IntN(4) == 0 {
				s.Hours[d] = analyze.Span{}
				continue
			}
			a := 6*60 + rng.IntN(10*60)
			b := a + 1 + rng.IntN(20*60-a)
			s.Hours[d] = analyze.Span{Start: time.Duration(a) * time.Minute, End: time.Duration(b) * time.Minute}
		}
	}
	return s
}

// randomInput is a random calendar over up to ten weeks: meeting series
// (weekly, every other week, daily, some occurrences moved or left out),
// series that name themselves the way Microsoft Graph does (a UID per
// occurrence, one SeriesID), one-offs (some sharing a UID without being
// recurring), and time out of office, personal time, booked focus blocks,
// solo and ignored entries, overlapping each other anyhow.
func randomInput(t testing.TB, rng *rand.Rand) analyze.Input { return randomCalendar(t, rng, 8) }

// randomBusyInput is a random calendar with up to 30 meeting series.
func randomBusyInput(t testing.TB, rng *rand.Rand) analyze.Input { return randomCalendar(t, rng, 30) }

func randomCalendar(t testing.TB, rng *rand.Rand, series int) analyze.Input {
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago"}
	loc := zone(t, zones[rng.IntN(len(zones))])
	from := time.Date(2026, 1, 1+rng.IntN(365), 0, 0, 0, 0, loc).Add(time.Duration(rng.IntN(86400)) * time.Second)
	to := from.Add(time.Duration(rng.IntN(70*86400)) * time.Second)
	s := randomSettings(rng, loc)
	return analyze.Input{Events: randomEvents(rng, from, to, loc, series), From: from, To: to, Settings: s}
}

func randomEvents(rng *rand.Rand, from, to time.Time, loc *time.Location, series int) []classify.Event {
	pool := []calendar.Person{
		{Email: "alice@example.com", Name: "Alice"}, {Email: "bob@example.com"}, {Email: "carol@other.example", Name: "Carol"},
		{Email: "dan@partner.example", Name: "Dan"}, {Name: "Eve"},
	}
	days := int(to.Sub(from)/(24*time.Hour)) + 4
	var events []classify.Event
	meeting := func(title string, start time.Time, length time.Duration) classify.Event {
		e := classify.Event{
			Event: &calendar.Event{Title: title, Start: start, End: start.Add(length)},
			Kind:  classify.KindMeeting, Category: classify.Categories()[rng.IntN(5)],
		}
		organizer := pool[rng.IntN(len(pool))]
		if rng.IntN(3) == 0 {
			organizer = calendar.Person{Email: me, Name: "Me"}
		}
		e.Organizer = organizer
		e.Attendees = []calendar.Attendee{{Person: calendar.Person{Email: me}, Response: []calendar.Response{calendar.ResponseAccepted, calendar.ResponseTentative, ""}[rng.IntN(3)]}}
		for _, p := range pool {
			if rng.IntN(3) == 0 {
				e.Attendees = append(e.Attendees, calendar.Attendee{Person: p, Response: calendar.ResponseAccepted})
				key := p.Email
				if key == "" {
					key = p.Name
				}
				e.People = append(e.People, key)
			}
		}
		return e
	}
	day := func(i int) time.Time {
		d := from.AddDate(0, 0, i-2)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	clock := func(d time.Time, min int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), min/60, min%60, rng.IntN(2)*rng.IntN(60), 0, loc)
	}
	for k := range rng.IntN(series + 1) {
		every := []int{1, 7, 7, 14}[rng.IntN(4)]
		first := rng.IntN(7)
		startMin := 7*60 + 15*rng.IntN(40)
		length := time.Duration(15+15*rng.IntN(8)) * time.Minute
		graph := rng.IntN(3) == 0
		for i := first; i < days; i += every {
			if rng.IntN(6) == 0 {
				continue // an occurrence left out
			}
			start := clock(day(i), startMin)
			if rng.IntN(8) == 0 {
				start = start.Add(time.Duration(rng.IntN(9)-4) * 30 * time.Minute) // moved
			}
			e := meeting(fmt.Sprintf("series %d", k), start, length)
			e.Recurring = true
			e.UID = fmt.Sprintf("series-%d@example.com", k)
			if graph {
				e.UID, e.SeriesID = fmt.Sprintf("graph-%d-%d", k, i), fmt.Sprintf("master-%d", k)
			}
			events = append(events, e)
		}
	}
	kinds := []classify.Kind{
		classify.KindMeeting, classify.KindMeeting, classify.KindMeeting, classify.KindMeeting,
		classify.KindOutOfOffice, classify.KindPersonal, classify.KindPersonal, classify.KindFocus, classify.KindFocus,
		classify.KindSolo, classify.KindIgnored,
	}
	for i := range rng.IntN(40) {
		var start time.Time
		if rng.IntN(10) < 7 {
			start = clock(day(rng.IntN(days)), 7*60+rng.IntN(12*60))
		} else {
			start = from.Add(-2*24*time.Hour + time.Duration(rng.Int64N(int64(days)*86400))*time.Second)
		}
		var length time.Duration
		switch r := rng.IntN(10); {
		case r == 0:
			length = 0
		case r == 1:
			length = time.Duration(60+rng.IntN(72*60)) * time.Minute // several days
		default:
			length = time.Duration(5+rng.IntN(235))*time.Minute + time.Duration(rng.IntN(60))*time.Second
		}
		kind := kinds[rng.IntN(len(kinds))]
		var e classify.Event
		if kind == classify.KindMeeting {
			e = meeting(fmt.Sprintf("one-off %d", i), start, length)
			if rng.IntN(4) == 0 {
				e.UID = "shared-uid@example.com" // one-offs that share a UID stay apart
			}
		} else {
			e = classify.Event{Event: &calendar.Event{Title: fmt.Sprintf("%s %d", kind, i), Start: start, End: start.Add(length)}, Kind: kind}
		}
		events = append(events, e)
	}
	rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	return events
}
