package google_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/emtime/emtime/pkg/synccache"
	calendarapi "google.golang.org/api/calendar/v3"
)

// managerYears fills the fake's primary calendar with years of a busy
// manager's weeks from Monday 4 January 2016: fifty meetings a week of
// six people (a daily stand-up and fifteen weekly series as Google lists
// their instances, thirty one-off meetings), about 2,600 a year.
func managerYears(api *googletest.Server, years int) int {
	start := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	people := []*calendarapi.EventAttendee{{Email: googletest.DefaultPrimary, Self: true, ResponseStatus: "accepted"}}
	for i := range 5 {
		people = append(people, &calendarapi.EventAttendee{Email: fmt.Sprintf("colleague%d@example.com", i), ResponseStatus: "accepted"})
	}
	var evs []*calendarapi.Event
	add := func(id, series, title string, at time.Time, mins int) {
		evs = append(evs, &calendarapi.Event{Id: id, RecurringEventId: series, Summary: title, Status: "confirmed",
			Start:     &calendarapi.EventDateTime{DateTime: at.Format(time.RFC3339)},
			End:       &calendarapi.EventDateTime{DateTime: at.Add(time.Duration(mins) * time.Minute).Format(time.RFC3339)},
			Attendees: people, Organizer: &calendarapi.EventOrganizer{Email: "colleague0@example.com"}})
	}
	for w := range years * 52 {
		monday := start.AddDate(0, 0, 7*w)
		for d := range 5 {
			day := monday.AddDate(0, 0, d)
			add("standup_"+day.Format("20060102"), "standup", "Stand-up", day.Add(8*time.Hour+30*time.Minute), 15)
			for s := range 3 {
				series := fmt.Sprintf("weekly%d_%d", d, s)
				add(series+"_"+day.Format("20060102"), series, "Weekly sync", day.Add(time.Duration(9+2*s)*time.Hour), 30)
			}
			for m := range 6 {
				add(fmt.Sprintf("oneoff%d_%d_%d", w, d, m), "", "Meeting", day.Add(time.Duration(13+m/2)*time.Hour+time.Duration(m%2)*30*time.Minute), 30)
			}
		}
	}
	api.AddEvents("primary", evs...)
	return len(evs)
}

// benchSource is a source of the fake, through cache when it is not nil.
func benchSource(b *testing.B, api *googletest.Server, cache *google.Cache) *google.Source {
	b.Helper()
	src, err := google.New(context.Background(), google.Options{HTTPClient: bearer("bench"), BaseURL: api.Endpoint(), Cache: cache})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// lastWeeks is the weeks before the Monday after ten years of the
// calendar (11 January 2026), in Berlin.
func lastWeeks(b *testing.B, weeks int) calendar.Query {
	b.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	to := time.Date(2025, 12, 29, 0, 0, 0, 0, berlin)
	return calendar.Query{From: to.AddDate(0, 0, -7*weeks), To: to, Zone: berlin}
}

// readOnce is one run of emtime's read: the settings, then the events.
func readOnce(b *testing.B, src *google.Source, q calendar.Query) int {
	b.Helper()
	if _, err := src.Info(context.Background()); err != nil {
		b.Fatal(err)
	}
	res, err := src.Events(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	return len(res.Events)
}

// BenchmarkGoogleRead compares, on ten years of a busy manager's
// calendar served on loopback, a run that reads its weeks from Google in
// full (as without the cache) with one that reads them through the
// cache, already synced (one request for the changes, here none, and the
// weeks from the file), and with the first run that fills the cache
// (which reads the weeks' months and three more). requests/op and
// kB-sent/op are what Google was asked and sent; cache-kB the file's
// size once filled.
func BenchmarkGoogleRead(b *testing.B) {
	api := googletest.New()
	b.Cleanup(api.Close)
	api.SetTimeZone("Europe/Berlin")
	managerYears(api, 10)
	for _, weeks := range []int{4, 26, 520} {
		q := lastWeeks(b, weeks)
		measure := func(b *testing.B, run func() int) {
			b.Helper()
			before := len(api.Requests())
			var events int
			b.ResetTimer()
			for b.Loop() {
				events = run()
			}
			b.StopTimer()
			reqs := api.Requests()[before:]
			var sent int64
			for _, r := range reqs {
				sent += r.Written
			}
			b.ReportMetric(float64(len(reqs))/float64(b.N), "requests/op")
			b.ReportMetric(float64(sent)/1024/float64(b.N), "kB-sent/op")
			b.ReportMetric(float64(events), "events")
		}
		b.Run(fmt.Sprintf("weeks=%d/full", weeks), func(b *testing.B) {
			measure(b, func() int { return readOnce(b, benchSource(b, api, nil), q) })
		})
		b.Run(fmt.Sprintf("weeks=%d/first-cached", weeks), func(b *testing.B) {
			dir := b.TempDir()
			n := 0
			measure(b, func() int {
				n++
				store, err := synccache.Open(filepath.Join(dir, fmt.Sprint(n), "google.db"), synccache.Options{})
				if err != nil {
					b.Fatal(err)
				}
				return readOnce(b, benchSource(b, api, &google.Cache{Store: store, Account: googletest.DefaultPrimary}), q)
			})
		})
		b.Run(fmt.Sprintf("weeks=%d/synced", weeks), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "google.db")
			open := func() *google.Cache {
				store, err := synccache.Open(path, synccache.Options{})
				if err != nil {
					b.Fatal(err)
				}
				return &google.Cache{Store: store, Account: googletest.DefaultPrimary}
			}
			readOnce(b, benchSource(b, api, open()), q) // fills it
			measure(b, func() int { return readOnce(b, benchSource(b, api, open()), q) })
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size())/1024, "cache-kB")
		})
	}
}
