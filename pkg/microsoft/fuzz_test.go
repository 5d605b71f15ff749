package microsoft

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"
	"unicode"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/rogpeppe/go-internal/txtar"
)

// fuzzBound is how long mapping one page may take. Go's fuzzer has no
// per-input timeout: a page that hangs the mapping fails here instead.
const fuzzBound = 2 * time.Second

// FuzzMapPage maps a calendarView page as [Source.Events] does, item by
// item: whatever Graph sends, the mapping ends, does not panic, and
// keeps only events that end no earlier than they start, overlap the
// window, are not cancelled and come from the calendar read; a warning
// is one bounded line per item. Seeded with the events of the fake
// Graph's fixtures in the end-to-end scripts, and hostile items.
func FuzzMapPage(f *testing.F) {
	for _, seed := range graphFixturePages(f) {
		f.Add(seed)
	}
	for _, seed := range []string{
		`{"value": [null, 1, "x", [], {}]}`,
		`{"value": [{"id": "a"}]}`,
		`{"value": [{"id": "a", "start": {}, "end": {}}]}`,
		`{"value": [{"id": "a", "isAllDay": true, "start": {"dateTime": "2026-03-10T00:00:00.0000000", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T00:00:00.0000000", "timeZone": "UTC"}}]}`,
		`{"value": [{"id": "a", "start": {"dateTime": "0001-01-01T00:00:00", "timeZone": "W. Europe Standard Time"}, "end": {"dateTime": "9999-12-31T23:59:59.9999999", "timeZone": "tzone://Microsoft/Utc"}, "attendees": [null, {}, {"emailAddress": null}]}]}`,
		`{"value": [{"id": "a", "start": {"dateTime": "2026-03-10T10:00:00", "timeZone": "Customized Time Zone"}, "end": {"dateTime": "2026-03-10T09:00:00", "timeZone": "UTC"}}]}`,
		`{"value": [{"id": "a\u001b[2J", "subject": "\u001b]8;;http://x\u0007link", "start": {"dateTime": "2026-03-10T10:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}, "organizer": {"emailAddress": {"address": "\u0000"}}}]}`,
		`{"value": [{"id": "a", "type": "seriesMaster"}, {"id": "b", "isCancelled": true, "start": {"dateTime": "2026-03-10T10:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}}]}`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	q := calendar.Query{From: time.Date(2026, 3, 9, 0, 0, 0, 0, berlin), To: time.Date(2026, 3, 16, 0, 0, 0, 0, berlin), Zone: berlin}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("panic: %v\n%s", p, debug.Stack())
				}
			}()
			var page struct {
				Value []json.RawMessage `json:"value"`
			}
			if json.Unmarshal(data, &page) != nil {
				return // the client fails such an answer
			}
			for _, mine := range []bool{true, false} {
				m := mapping{origin: "microsoft:fuzz", mine: mine, me: map[string]bool{"me@example.com": true},
					self: "me@example.com", dayZone: berlin, zones: map[string]*time.Location{}}
				checkMapped(t, m, page.Value, q)
			}
		}()
		select {
		case <-done:
		case <-time.After(fuzzBound):
			t.Fatalf("mapping a page of %d bytes took longer than %s", len(data), fuzzBound)
		}
	})
}

// checkMapped maps items and checks what came out.
func checkMapped(t *testing.T, m mapping, items []json.RawMessage, q calendar.Query) {
	var res calendar.Result
	kept := 0
	for i, raw := range items {
		if m.add(&res, raw, i, q) {
			kept++
		}
	}
	if kept != len(res.Events) || len(res.Events) > len(items) {
		t.Errorf("%d events kept, %d reported kept, from %d items", len(res.Events), kept, len(items))
	}
	if len(res.Warnings) > len(items) {
		t.Errorf("%d warnings from %d items", len(res.Warnings), len(items))
	}
	for _, e := range res.Events {
		switch {
		case e.End.Before(e.Start):
			t.Errorf("event %q ends before it starts: %v to %v", e.UID, e.Start, e.End)
		case !e.Overlaps(q.From, q.To):
			t.Errorf("event %q (%v to %v) is outside the window", e.UID, e.Start, e.End)
		case e.Status == calendar.StatusCancelled:
			t.Errorf("event %q is cancelled", e.UID)
		case e.Origin != "microsoft:fuzz":
			t.Errorf("event %q comes from %q", e.UID, e.Origin)
		}
	}
	for _, w := range res.Warnings {
		if len(w) > 400 {
			t.Errorf("warning of %d bytes: %.80q…", len(w), w)
		}
		for _, r := range w {
			if unicode.IsControl(r) {
				t.Errorf("warning holds control character %U: %q", r, w)
				break
			}
		}
	}
}

// graphFixturePages are the events of every fake Graph fixture in the
// end-to-end scripts, one calendarView page per calendar, and the raw
// answers their faults serve.
func graphFixturePages(f *testing.F) [][]byte {
	scripts, err := filepath.Glob("../../testdata/script/microsoft_*.txtar")
	if err != nil || len(scripts) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	var files []txtar.File
	for _, name := range append(scripts, "../../testdata/graph/fortnight.json") {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if filepath.Ext(name) == ".json" {
			files = append(files, txtar.File{Name: name, Data: data})
		} else {
			files = append(files, txtar.Parse(data).Files...)
		}
	}
	var pages [][]byte
	for _, af := range files {
		if filepath.Ext(af.Name) != ".json" {
			continue
		}
		var fx graphtest.Fixture
		if json.Unmarshal(af.Data, &fx) != nil {
			continue
		}
		for _, c := range fx.Calendars {
			if len(c.Events) == 0 {
				continue
			}
			page, err := json.Marshal(map[string]any{"value": c.Events})
			if err != nil {
				f.Fatalf("%s: %v", af.Name, err)
			}
			pages = append(pages, page)
		}
	}
	if len(pages) == 0 {
		f.Fatal("the fixtures hold no events")
	}
	return pages
}
