package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// busyManager writes an .ics file holding ten years (2016–2025) of a busy
// engineering manager's weeks, about 100,000 occurrences: 160 weekly
// series (1:1s, syncs, reviews), a daily stand-up and lunch, and 25 one-off
// meetings a week, with attendees, in Europe/Berlin.
func busyManager(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//bench//EN\r\nX-WR-CALNAME:me@example.com\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
	event := func(uid, title, start, end, rrule string, people int) {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nSUMMARY:%s\r\nDTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\n", uid, title, start, end)
		if rrule != "" {
			fmt.Fprintf(&b, "RRULE:%s\r\n", rrule)
		}
		if people > 0 {
			b.WriteString("ORGANIZER:mailto:me@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com\r\n")
			for p := range people {
				fmt.Fprintf(&b, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p%d@example.com\r\n", p)
			}
		}
		b.WriteString("END:VEVENT\r\n")
	}
	first := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC) // a Monday
	stamp := func(d time.Time, h, m int) string {
		return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Format("20060102T150405")
	}
	until := "UNTIL=20251231T235959Z"
	event("standup", "Stand-up", stamp(first, 9, 30), stamp(first, 9, 45), "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;"+until, 7)
	event("lunch", "Lunch", stamp(first, 12, 0), stamp(first, 12, 30), "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;"+until, 0)
	for i := range 160 {
		d := first.AddDate(0, 0, i%5)
		h, m := 10+(i/5)%7, 30*(i%2)
		event(fmt.Sprintf("series-%d", i), fmt.Sprintf("Sync %d", i), stamp(d, h, m), stamp(d, h, m+30), "FREQ=WEEKLY;"+until, 1+i%12)
	}
	for w := range 520 {
		for i := range 25 {
			d := first.AddDate(0, 0, 7*w+i%5)
			h := 9 + i%8
			event(fmt.Sprintf("oneoff-%d-%d", w, i), "Review", stamp(d, h, 15), stamp(d, h+1, 0), "", 2+i%4)
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	path := filepath.Join(tb.TempDir(), "busy.ics")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkAnalyzeTenYears measures `emtime analyze --ics busy.ics --from
// 2016-01-04 --to 2025-12-31 -o json` end to end: reading the file,
// expanding the series, classifying, counting 522 weeks and writing JSON.
func BenchmarkAnalyzeTenYears(b *testing.B) {
	path := busyManager(b)
	ios, _, _, _ := Test()
	ios.Out, ios.ErrOut = io.Discard, io.Discard
	f := &Factory{IO: ios, Now: func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC) }, Getenv: func(string) string { return "" }}
	args := []string{"--ics", path, "--from", "2016-01-04", "--to", "2025-12-31", "-o", "json"}
	events := 0
	b.ReportAllocs()
	for b.Loop() {
		cmd := NewCmdAnalyze(f, nil)
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	// Count the occurrences once, outside the timed loop, to report them.
	ev := NewCmdEvents(f, func(ctx context.Context, o *EventsOptions) error {
		l, err := o.plan.load(ctx, f)
		if err != nil {
			return err
		}
		events = len(l.Events)
		return nil
	})
	ev.SetArgs(args[:len(args)-2])
	if err := ev.ExecuteContext(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(events), "occurrences")
}

// TestWriteBusyCalendar writes the benchmark's calendar to $EMTIME_BUSY_ICS,
// to time the real binary on it (see the README's Speed section).
func TestWriteBusyCalendar(t *testing.T) {
	dst := os.Getenv("EMTIME_BUSY_ICS")
	if dst == "" {
		t.Skip("set EMTIME_BUSY_ICS to a path to write the benchmark's calendar there")
	}
	data, err := os.ReadFile(busyManager(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
