package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/emtime/emtime/pkg/ics"
)

// busyManager writes an .ics file holding ten years (2016–2025) of a busy
// engineering manager's weeks, about 100,000 occurrences: 160 weekly
// series (1:1s, syncs, reviews), a daily stand-up and lunch, and 25 one-off
// meetings a week, with attendees, in Europe/Berlin.
func busyManager(tb testing.TB) string {
	return busyManagers(tb, 1)
}

// busyManagers writes the calendar of busyManager n times over in one
// file, each copy with UIDs of its own: n times the events and the
// occurrences (a million at n = 10), for measuring how the cost grows.
func busyManagers(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "busy.ics")
	if err := os.WriteFile(path, busyCalendar(n), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// busyCalendar is the text of busyManagers.
func busyCalendar(n int) []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//bench//EN\r\nX-WR-CALNAME:me@example.com\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
	prefix := ""
	event := func(uid, title, start, end, rrule string, people int) {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s%s\r\nSUMMARY:%s\r\nDTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\n", prefix, uid, title, start, end)
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
	for c := range n {
		if n > 1 {
			prefix = fmt.Sprintf("copy%d-", c)
		}
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
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// benchFactory is a factory whose clock stands at the end of the busy
// calendar, with no environment, writing to out.
func benchFactory(out io.Writer) *Factory {
	ios, _, _, _ := Test()
	ios.Out, ios.ErrOut = out, io.Discard
	return &Factory{IO: ios, Now: func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC) }, Getenv: func(string) string { return "" }}
}

// run runs one command, as the binary would, writing to out.
func run(tb testing.TB, out io.Writer, newCmd func(*Factory) *cobra.Command, args ...string) {
	tb.Helper()
	cmd := newCmd(benchFactory(out))
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func analyzeCmd(f *Factory) *cobra.Command { return NewCmdAnalyze(f, nil) }
func eventsCmd(f *Factory) *cobra.Command  { return NewCmdEvents(f, nil) }

// occurrences counts the occurrences `emtime events` lists for args.
func occurrences(tb testing.TB, args ...string) int {
	var lines lineCounter
	run(tb, &lines, eventsCmd, append(args, "-o", "ndjson")...)
	return int(lines)
}

// lineCounter counts the lines written to it.
type lineCounter int

func (n *lineCounter) Write(p []byte) (int, error) {
	*n += lineCounter(bytes.Count(p, []byte("\n")))
	return len(p), nil
}

// devNull is where a benchmark's output goes: a file, so that writing it
// costs the system calls it costs the binary.
func devNull(b *testing.B) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// BenchmarkAnalyzeTenYears measures `emtime analyze --ics busy.ics --from
// 2016-01-04 --to 2025-12-31 -o json` end to end: reading the file,
// expanding the series, classifying, counting 522 weeks and writing JSON.
func BenchmarkAnalyzeTenYears(b *testing.B) {
	benchmarkRange(b, busyManager(b), analyzeCmd, "-o", "json")
}

// BenchmarkEventsTenYears measures `emtime events --ics busy.ics --from
// 2016-01-04 --to 2025-12-31 -o ndjson` end to end, every occurrence
// written: what the analysis does, and a line per occurrence.
func BenchmarkEventsTenYears(b *testing.B) {
	benchmarkRange(b, busyManager(b), eventsCmd, "-o", "ndjson")
}

// BenchmarkAnalyzeMillion is BenchmarkAnalyzeTenYears on ten busy
// calendars in one file: a million occurrences. Run it with -benchtime 1x.
func BenchmarkAnalyzeMillion(b *testing.B) {
	benchmarkRange(b, busyManagers(b, 10), analyzeCmd, "-o", "json")
}

// BenchmarkEventsMillion lists the million occurrences.
func BenchmarkEventsMillion(b *testing.B) {
	benchmarkRange(b, busyManagers(b, 10), eventsCmd, "-o", "ndjson")
}

func benchmarkRange(b *testing.B, path string, newCmd func(*Factory) *cobra.Command, output ...string) {
	args := []string{"--ics", path, "--from", "2016-01-04", "--to", "2025-12-31"}
	out := devNull(b)
	b.ReportAllocs()
	for b.Loop() {
		run(b, out, newCmd, append(args, output...)...)
	}
	b.ReportMetric(float64(occurrences(b, args...)), "occurrences")
}

// BenchmarkAnalyzeWeeks measures `emtime analyze --weeks N --to
// 2025-12-31` on the ten-year calendar: the file is read whole, but only
// the weeks asked for are expanded and counted, so four weeks cost a small
// part of 520.
func BenchmarkAnalyzeWeeks(b *testing.B) {
	path := busyManager(b)
	for _, weeks := range []string{"4", "52", "520"} {
		b.Run(weeks, func(b *testing.B) {
			args := []string{"--ics", path, "--to", "2025-12-31", "--weeks", weeks}
			out := devNull(b)
			b.ReportAllocs()
			for b.Loop() {
				run(b, out, analyzeCmd, append(args, "-o", "json")...)
			}
			b.ReportMetric(float64(occurrences(b, args...)), "occurrences")
		})
	}
}

// TestWriteBusyCalendar writes the benchmark's calendar to
// $EMTIME_BUSY_ICS, to time the real binary on it (see the README's Speed
// section); with EMTIME_BUSY_COPIES=10, ten copies of it, a million
// occurrences.
func TestWriteBusyCalendar(t *testing.T) {
	dst := os.Getenv("EMTIME_BUSY_ICS")
	if dst == "" {
		t.Skip("set EMTIME_BUSY_ICS to a path to write the benchmark's calendar there")
	}
	n := 1
	if v := os.Getenv("EMTIME_BUSY_COPIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 100 {
			t.Fatalf("EMTIME_BUSY_COPIES=%q: want a number from 1 to 100", v)
		}
	}
	if err := os.WriteFile(dst, busyCalendar(n), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileCalendars are files of about 1 MB each built to exhaust a run:
// never-ending SECONDLY rules; rules on 30 February; COUNTs from 1900,
// which are expanded from their start; monthly rules from the year 1;
// rules of 86,400 times a day; stale overrides of a series with a COUNT
// from 1990, each looked for in it; 19 never-ending MINUTELY rules with
// 1,000 guests each (refused, for the guests its occurrences name); and
// those 19 rules with a COUNT of 650, 12 million guests in all, as many as
// a 1 MB file may name (read, classified, counted and listed). All but the
// last are refused by one budget or another (TestHostileCalendarsAreBounded).
func hostileCalendars() map[string][]byte {
	const size = 1 << 20
	fill := func(head string, event func(i int) string) []byte {
		var b bytes.Buffer
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//hostile//EN\r\n" + head)
		for i := 0; ; i++ {
			e := event(i)
			if b.Len()+len(e) > size-20 {
				break
			}
			b.WriteString(e)
		}
		b.WriteString("END:VCALENDAR\r\n")
		return b.Bytes()
	}
	rule := func(uid, dtstart, rrule string) func(int) string {
		return func(i int) string {
			return fmt.Sprintf("BEGIN:VEVENT\r\nUID:%s-%d@example.com\r\nSUMMARY:Hostile\r\nDTSTART:%s\r\nDURATION:PT30M\r\nRRULE:%s\r\nEND:VEVENT\r\n", uid, i, dtstart, rrule)
		}
	}
	list := func(n int) string {
		var s []string
		for i := range n {
			s = append(s, strconv.Itoa(i))
		}
		return strings.Join(s, ",")
	}
	crowd := func(uid, rrule string) func(int) string {
		return func(i int) string {
			var b strings.Builder
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s-%d@example.com\r\nSUMMARY:Crowd\r\nDTSTART:20260302T090000Z\r\nDURATION:PT30M\r\nRRULE:%s\r\nORGANIZER:mailto:o@example.com\r\n", uid, i, rrule)
			for p := range 1000 {
				fmt.Fprintf(&b, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p%d-%d@example.com\r\n", p, i)
			}
			b.WriteString("END:VEVENT\r\n")
			return b.String()
		}
	}
	master := "BEGIN:VEVENT\r\nUID:daily@example.com\r\nSUMMARY:Daily\r\nSEQUENCE:2\r\nDTSTART:19900101T090000Z\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY;COUNT=100000\r\nEND:VEVENT\r\n"
	return map[string][]byte{
		"secondly.ics":   fill("", rule("s", "20260302T090000Z", "FREQ=SECONDLY")),
		"february30.ics": fill("", rule("f", "20260105T080000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")),
		"count1900.ics":  fill("", rule("c", "19000101T090000Z", "FREQ=DAILY;COUNT=100000")),
		"year1.ics":      fill("", rule("y", "00010101T090000Z", "FREQ=MONTHLY;BYDAY=1MO")),
		"times86400.ics": fill("", rule("t", "20260302T000000Z", "FREQ=DAILY;BYHOUR="+list(24)+";BYMINUTE="+list(60)+";BYSECOND="+list(60))),
		"crowd.ics":      fill("", crowd("m", "FREQ=MINUTELY")),
		"crowdfit.ics":   fill("", crowd("m", "FREQ=MINUTELY;COUNT=650")),
		"stale.ics": fill(master, func(i int) string {
			// Copies of an older version: a RECURRENCE-ID at 10:00, which
			// the series (at 09:00) no longer has.
			rid := time.Date(1990, 1, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("20060102T150405Z")
			return fmt.Sprintf("BEGIN:VEVENT\r\nUID:daily@example.com\r\nSEQUENCE:1\r\nRECURRENCE-ID:%s\r\nDTSTART:%s\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY;COUNT=100000\r\nEND:VEVENT\r\n", rid, rid)
		}),
	}
}

// TestWriteHostileCalendars writes hostileCalendars to the folder
// $EMTIME_HOSTILE_DIR, to time and measure the real binary on them (see the
// README's Speed section).
func TestWriteHostileCalendars(t *testing.T) {
	dir := os.Getenv("EMTIME_HOSTILE_DIR")
	if dir == "" {
		t.Skip("set EMTIME_HOSTILE_DIR to a folder to write the hostile calendars there")
	}
	for name, data := range hostileCalendars() {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHostileCalendarsAreBounded runs analyze and events on each of
// hostileCalendars, over the four weeks from 2 March 2026 where their
// rules begin (crowd.ics over one week, 191,000 occurrences, inside the
// budget of occurrences): each is refused with the budget's error, or read whole
// within a budget of memory allocated (all the run allocates, which is
// more than it holds at once). The time they take is the benchmarks' and
// the README's, not asserted here.
func TestHostileCalendarsAreBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads eight 1 MB calendars")
	}
	// allocBudget is what a run may allocate in all. rrule-go builds its
	// masks of a year again for each year it searches, short-lived: the
	// rules from the year 1 allocate 1.8 GB in all while their peak is
	// small (the README's Speed section).
	allocBudget := func(name string) uint64 {
		if name == "year1.ics" {
			return 2500 << 20
		}
		return 400 << 20
	}
	// The calendars refused, and the budget each runs out of; the others
	// are read whole.
	refused := map[string]string{
		"secondly.ics":   "occurrences in the range",
		"february30.ics": "steps to expand",
		"count1900.ics":  "steps to expand",
		"year1.ics":      "steps to expand",
		"times86400.ics": "occurrences in the range",
		"stale.ics":      "steps to expand",
		"crowd.ics":      "guests in all",
	}
	dir := t.TempDir()
	for name, data := range hostileCalendars() {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			newCmd func(*Factory) *cobra.Command
			output string
		}{{"analyze", analyzeCmd, "json"}, {"events", eventsCmd, "ndjson"}} {
			t.Run(name+" "+c.name, func(t *testing.T) {
				var out lineCounter
				cmd := c.newCmd(benchFactory(&out))
				weeks := "4"
				if name == "crowd.ics" {
					weeks = "1"
				}
				cmd.SetArgs([]string{"--ics", path, "--from", "2026-03-02", "--weeks", weeks, "-o", c.output})
				cmd.SetOut(io.Discard)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				err := cmd.ExecuteContext(context.Background())
				runtime.ReadMemStats(&after)
				alloc := after.TotalAlloc - before.TotalAlloc
				t.Logf("%d bytes, %d lines out, %d MB allocated, %v", len(data), out, alloc>>20, err)
				if want, ok := refused[name]; ok {
					if !errors.Is(err, ics.ErrBudget) || !strings.Contains(err.Error(), want) {
						t.Errorf("error %v, want the budget's, on %s", err, want)
					}
					if out != 0 {
						t.Errorf("%d lines written by a refused run", out)
					}
				} else if err != nil {
					t.Errorf("error %v, want the calendar read", err)
				}
				if alloc > allocBudget(name) {
					t.Errorf("allocated %d MB, more than the budget of %d MB", alloc>>20, allocBudget(name)>>20)
				}
			})
		}
	}
}
