package google

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/rogpeppe/go-internal/txtar"
	calendarapi "google.golang.org/api/calendar/v3"
)

// fuzzBound is how long mapping one page may take. Go's fuzzer has no
// per-input timeout: a page that hangs the mapping fails here instead.
const fuzzBound = 2 * time.Second

// FuzzMapPage decodes an events.list answer as the Calendar API client
// does and maps it as [Source.Events] does: whatever Google sends, the
// mapping ends, does not panic, and keeps only events with an end not
// before their start, a place in the window and a bounded list of
// attendees. Seeded with the events of
// the fake Google's fixtures in the end-to-end scripts, and hostile pages.
func FuzzMapPage(f *testing.F) {
	for _, seed := range fixturePages(f) {
		f.Add(seed)
	}
	for _, seed := range []string{
		`{"items": [null]}`,
		`{"items": [{"id": "a"}]}`,
		`{"items": [{"id": "a", "start": {}, "end": {}}]}`,
		`{"items": [{"id": "a", "start": {"date": "2026-03-10"}}]}`,
		`{"items": [{"id": "a", "start": {"dateTime": "2026-03-10T10:00:00Z"}, "end": {"date": "2026-03-11"}}]}`,
		`{"items": [{"id": "a", "start": {"dateTime": "0001-01-01T00:00:00Z"}, "end": {"dateTime": "9999-12-31T23:59:59Z"}, "attendees": [null, {}]}]}`,
		`{"items": [{"id": "a", "status": "cancelled"}], "nextPageToken": "A"}`,
		`{"timeZone": "Not/AZone", "items": [{"start": {"date": "2026-03-10"}, "end": {"date": "2026-03-10"}}]}`,
		`{"items": [{"start": {"dateTime": "2026-03-10T10:00:00+99:99"}, "end": {"dateTime": "2026-03-10T10:00:00-23:59"}}]}`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	queries := []calendar.Query{
		{From: time.Date(2026, 3, 9, 0, 0, 0, 0, berlin), To: time.Date(2026, 3, 16, 0, 0, 0, 0, berlin), Zone: berlin},
		{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}, // the page's zone
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("panic: %v\n%s", p, debug.Stack())
				}
			}()
			var page *calendarapi.Events
			if json.Unmarshal(data, &page) != nil || page == nil {
				return // the client fails such an answer, or call does
			}
			for _, q := range queries {
				checkPage(t, page, q)
			}
		}()
		select {
		case <-done:
		case <-time.After(fuzzBound):
			t.Fatalf("mapping a page of %d bytes took longer than %s", len(data), fuzzBound)
		}
	})
}

// checkPage maps page and checks what came out.
func checkPage(t *testing.T, page *calendarapi.Events, q calendar.Query) {
	events, warnings := mapPage(page, "google:fuzz", q)
	if len(events) > len(page.Items) {
		t.Errorf("%d events from %d items", len(events), len(page.Items))
	}
	if len(warnings) > len(page.Items)+1 {
		t.Errorf("%d warnings from %d items", len(warnings), len(page.Items))
	}
	for _, e := range events {
		switch {
		case e.End.Before(e.Start):
			t.Errorf("event %q ends before it starts: %v to %v", e.UID, e.Start, e.End)
		case !e.Overlaps(q.From, q.To):
			t.Errorf("event %q (%v to %v) is outside the window", e.UID, e.Start, e.End)
		case len(e.Attendees) > maxAttendees:
			t.Errorf("event %q keeps %d attendees", e.UID, len(e.Attendees))
		case e.Status == calendar.StatusCancelled:
			t.Errorf("event %q is cancelled", e.UID)
		case e.Origin != "google:fuzz":
			t.Errorf("event %q comes from %q", e.UID, e.Origin)
		}
	}
	for _, w := range warnings {
		if len(w) > 400 {
			t.Errorf("warning of %d bytes: %.80q…", len(w), w)
		}
	}
}

// fixturePages are the events of every fake Google fixture in the
// end-to-end scripts, one events.list page per calendar, and the raw
// answers their faults serve.
func fixturePages(f *testing.F) [][]byte {
	files, err := filepath.Glob("../../testdata/script/google_*.txtar")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	var pages [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range txtar.Parse(data).Files {
			if filepath.Ext(af.Name) != ".json" {
				continue
			}
			var fx googletest.Fixture
			if json.Unmarshal(af.Data, &fx) != nil {
				continue
			}
			for _, c := range fx.Calendars {
				if len(c.Events) == 0 {
					continue
				}
				page, err := json.Marshal(calendarapi.Events{TimeZone: fx.TimeZone, Items: c.Events})
				if err != nil {
					f.Fatal(fmt.Errorf("%s: %s: %w", file, af.Name, err))
				}
				pages = append(pages, page)
			}
			for _, x := range fx.Faults {
				if len(x.Body) > 0 {
					pages = append(pages, x.Body)
				}
			}
		}
	}
	return pages
}
