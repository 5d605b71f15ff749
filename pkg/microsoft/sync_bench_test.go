package microsoft_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/synccache"
)

// managerYearsGraph fills the fake's default calendar with years of a
// busy manager's weeks from Monday 4 January 2016, as Graph's calendar
// view serves them (occurrences already expanded): fifty meetings a week
// of six people, the same weeks as Google's benchmark.
func managerYearsGraph(b *testing.B, api *graphtest.Server, years int) int {
	b.Helper()
	start := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	attendees := []map[string]any{{"type": "required", "status": map[string]any{"response": "none"},
		"emailAddress": map[string]any{"address": graphtest.DefaultUser}}}
	for i := range 5 {
		attendees = append(attendees, map[string]any{"type": "required", "status": map[string]any{"response": "accepted"},
			"emailAddress": map[string]any{"address": fmt.Sprintf("colleague%d@example.com", i)}})
	}
	var evs []map[string]any
	add := func(id, series, title string, at time.Time, mins int) {
		typ := "singleInstance"
		if series != "" {
			typ = "occurrence"
		}
		evs = append(evs, map[string]any{"id": id, "iCalUId": id, "subject": title, "type": typ, "seriesMasterId": series,
			"start":  map[string]any{"dateTime": at.Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"end":    map[string]any{"dateTime": at.Add(time.Duration(mins) * time.Minute).Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"showAs": "busy", "responseStatus": map[string]any{"response": "accepted"}, "attendees": attendees,
			"organizer": map[string]any{"emailAddress": map[string]any{"address": "colleague0@example.com"}},
			"body":      map[string]any{"contentType": "html", "content": "<p>the agenda, which emtime does not keep</p>"}})
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
	data, err := json.Marshal(evs)
	if err != nil {
		b.Fatal(err)
	}
	if err := api.AddEventsJSON("", data); err != nil {
		b.Fatal(err)
	}
	return len(evs)
}

// BenchmarkMicrosoftRead compares, on ten years of a busy manager's
// calendar served on loopback, a run that reads its weeks from Graph in
// full (calendarView, as without the cache) with one that reads them
// through the cache, already synced (who, the mailbox, the calendar list,
// and one delta request for the changes, here none; the weeks from the
// file), and with the first run that fills the cache (a delta round over
// the weeks' months and three more). requests/op and kB-sent/op are what
// Graph was asked and sent; cache-kB the file's size once filled.
func BenchmarkMicrosoftRead(b *testing.B) {
	api := graphtest.New()
	b.Cleanup(api.Close)
	api.SetMailbox(graphtest.MailboxSettings{TimeZone: "W. Europe Standard Time"})
	managerYearsGraph(b, api, 10)
	berlin := berlin()
	to := time.Date(2025, 12, 29, 0, 0, 0, 0, berlin)
	q := calendar.Query{From: to.AddDate(0, 0, -28), To: to, Zone: berlin}
	read := func(b *testing.B, cache *microsoft.Cache) int {
		src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("bench"), BaseURL: api.Endpoint(), Cache: cache})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := src.Info(context.Background()); err != nil {
			b.Fatal(err)
		}
		res, err := src.Events(context.Background(), q)
		if err != nil {
			b.Fatal(err)
		}
		return len(res.Events)
	}
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
	b.Run("weeks=4/full", func(b *testing.B) {
		measure(b, func() int { return read(b, nil) })
	})
	b.Run("weeks=4/first-cached", func(b *testing.B) {
		dir := b.TempDir()
		n := 0
		measure(b, func() int {
			n++
			store, err := synccache.Open(filepath.Join(dir, fmt.Sprint(n), "microsoft.db"), synccache.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return read(b, &microsoft.Cache{Store: store})
		})
	})
	b.Run("weeks=4/synced", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "microsoft.db")
		open := func() *microsoft.Cache {
			store, err := synccache.Open(path, synccache.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return &microsoft.Cache{Store: store}
		}
		read(b, open()) // fills it
		measure(b, func() int { return read(b, open()) })
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1024, "cache-kB")
	})
}
