package ics

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

// FuzzParse feeds the parser and a year's expansion arbitrary input: it
// may refuse it or warn, never panic or hang.
func FuzzParse(f *testing.F) {
	corpusSeeds(f)
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260302T090000Z\nRRULE:FREQ=SECONDLY\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"a:b\":20260302T090000\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.ics", bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.ics") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Logf("recovered: %v", err)
			}
			return
		}
		r, err := c.Events(context.Background(), calendar.Query{From: day(2026, 1, 1), To: day(2026, 2, 1), Zone: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Events {
			if !e.Overlaps(day(2026, 1, 1), day(2026, 2, 1)) {
				t.Fatalf("occurrence outside the window: %+v", e)
			}
		}
	})
}

// benchmarkCalendar writes a calendar of 25 daily and 60 weekly series of
// four attendees each over ten years: about 100,000 occurrences.
func benchmarkCalendar() []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//bench//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
	event := func(i int, rule string) {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:series-%d@bench\r\nSUMMARY:Series %d\r\n", i, i)
		fmt.Fprintf(&b, "DTSTART;TZID=Europe/Berlin:20160104T%02d%02d00\r\n", 8+i%10, i%4*15)
		fmt.Fprintf(&b, "DTEND;TZID=Europe/Berlin:20160104T%02d%02d00\r\n", 9+i%10, i%4*15)
		fmt.Fprintf(&b, "RRULE:%s\r\n", rule)
		fmt.Fprintf(&b, "EXDATE;TZID=Europe/Berlin:20170102T%02d%02d00\r\n", 8+i%10, i%4*15)
		b.WriteString("ORGANIZER;CN=Ann:mailto:ann@example.com\r\n")
		for a := 0; a < 4; a++ {
			fmt.Fprintf(&b, "ATTENDEE;CN=P%d;PARTSTAT=ACCEPTED:mailto:p%d@example.com\r\n", a, a)
		}
		b.WriteString("END:VEVENT\r\n")
	}
	for i := 0; i < 25; i++ {
		event(i, "FREQ=DAILY;UNTIL=20251231T235959Z")
	}
	for i := 25; i < 85; i++ {
		event(i, "FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

func BenchmarkParseAndExpand(b *testing.B) {
	data := benchmarkCalendar()
	berlin := zone(b, "Europe/Berlin")
	q := calendar.Query{From: time.Date(2016, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 1, 1, 0, 0, 0, 0, berlin), Zone: berlin}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		c, err := Parse("bench.ics", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		r, err := c.Events(context.Background(), q)
		if err != nil {
			b.Fatal(err)
		}
		n = len(r.Events)
	}
	b.ReportMetric(float64(n), "occurrences")
}
