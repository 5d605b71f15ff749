package ics

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/textsafe"
)

// fuzzDeadline is how long one input may take, read and expanded; Go's
// fuzzer has no limit of its own, so a hang would otherwise never be
// reported.
const fuzzDeadline = 2 * time.Second

// FuzzParse feeds the reader and a month's expansion arbitrary input: it
// may refuse it or warn, never panic, hang, or let a control character
// into a warning.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		withDeadline(t, len(data), func() error { return readAndExpand(data) })
	})
}

// FuzzRead feeds the reader alone arbitrary input, so that a finding in
// the reader is told apart from one in the expansion.
func FuzzRead(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		withDeadline(t, len(data), func() error {
			c, err := Parse("fuzz.ics", bytes.NewReader(data))
			if err != nil {
				return checkError(err)
			}
			if err := sameAsWhole(string(data), c); err != nil {
				return err
			}
			return checkWarnings(c.warnings)
		})
	})
}

// sameAsWhole checks that c, read event by event as the scan hands them
// on, is what reading the file once scanned whole gives.
func sameAsWhole(text string, c *Calendar) error {
	whole, _, err := parseText(c.name, text, false)
	if err != nil {
		return fmt.Errorf("read whole: %v, read event by event: no error", err)
	}
	if !reflect.DeepEqual(whole, c) {
		return fmt.Errorf("read event by event, the calendar differs from the one read whole: %d entries and %q, whole %d and %q",
			len(c.masters)+len(c.overrides), c.warnings, len(whole.masters)+len(whole.overrides), whole.warnings)
	}
	return nil
}

func fuzzSeeds(f *testing.F) {
	corpusSeeds(f)
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260302T090000Z\nRRULE:FREQ=SECONDLY\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"a:b\":20260302T090000\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\n"))
	f.Add([]byte("BEGIN:VCALENDAR\rBEGIN:VEVENT\nUID:a\rSUMMARY:x\r DTSTART:20260105T090000Z\r\nEND:VALARM\nEND:VEVENT\rEND:VEVENT\r\nBEGIN:X\nBEGIN:X\nBEGIN:X\nBEGIN:X\nBEGIN:X\nBEGIN:X\nBEGIN:X\n"))
	f.Add([]byte("\ufeffbegin:vcalendar\nbegin:vevent\nuid:\x1b[31m\ndtstart;tzid=\"Europe/Berlin\";value=date:20260105\nattendee;cn=\"a;b:c\";cn=^'x^n:mailto:a\nBEGIN:VCALENDAR\n"))
}

// withDeadline runs one fuzz input's check in a goroutine and fails when
// it panics, fails, or is not done within fuzzDeadline.
func withDeadline(t *testing.T, size int, check func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		done <- check()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(fuzzDeadline):
		t.Fatalf("not done after %v on an input of %d bytes", fuzzDeadline, size)
	}
}

func readAndExpand(data []byte) error {
	c, err := Parse("fuzz.ics", bytes.NewReader(data))
	if err != nil {
		return checkError(err)
	}
	from, to := day(2026, 1, 1), day(2026, 2, 1)
	r, err := c.Events(context.Background(), calendar.Query{From: from, To: to, Zone: time.UTC})
	if err != nil {
		return err
	}
	for _, e := range r.Events {
		if !e.Overlaps(from, to) {
			return fmt.Errorf("occurrence outside the window: %+v", e)
		}
	}
	return checkWarnings(r.Warnings)
}

// checkError accepts a refusal that names the file and is not a panic
// recovered.
func checkError(err error) error {
	switch msg := err.Error(); {
	case !strings.HasPrefix(msg, "fuzz.ics"):
		return fmt.Errorf("error does not name the file: %v", err)
	case strings.Contains(msg, "internal error"):
		return fmt.Errorf("a panic, recovered: %v", err)
	}
	return nil
}

// checkWarnings accepts warnings that name the file, are valid UTF-8 and
// hold no control character a terminal would act on.
func checkWarnings(warnings []string) error {
	for _, w := range warnings {
		switch {
		case !strings.HasPrefix(w, "fuzz.ics"):
			return fmt.Errorf("warning does not name the file: %q", w)
		case strings.Contains(w, "internal error"):
			return fmt.Errorf("a panic, recovered: %q", w)
		case !utf8.ValidString(w):
			return fmt.Errorf("warning is not UTF-8: %q", w)
		case textsafe.Has(w):
			return fmt.Errorf("warning holds a control character: %q", w)
		}
	}
	return nil
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
