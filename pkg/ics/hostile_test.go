package ics

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestHostileInputIsBounded reads files made to exhaust a reader: the
// memory parsing takes is asserted as a budget, a small multiple of the
// file's size, and the good events around the hostile part are kept. (The
// time it takes is measured by BenchmarkHostile, not asserted here.)
func TestHostileInputIsBounded(t *testing.T) {
	for _, h := range hostileInputs() {
		t.Run(h.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			c, err := Parse("h.ics", strings.NewReader(h.doc))
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if budget := 3*uint64(len(h.doc)) + 1<<20; alloc > budget {
				t.Errorf("parsing %d bytes allocated %d, more than the budget of %d", len(h.doc), alloc, budget)
			}
			var uids []string
			for _, m := range c.masters {
				uids = append(uids, m.uid)
			}
			if strings.Join(uids, " ") != h.uids {
				t.Errorf("events %q, want %q", uids, h.uids)
			}
			if len(c.warnings) != h.warnings {
				t.Errorf("%d warnings, want %d: %.300q", len(c.warnings), h.warnings, c.warnings)
			}
			t.Logf("%d bytes, %d allocated", len(h.doc), alloc)
		})
	}
}

type hostile struct {
	name     string
	doc      string
	uids     string // the events read, in order
	warnings int
}

// hostileInputs are files of a few megabytes each made to exhaust a
// reader, with a good event before and after the hostile part.
func hostileInputs() []hostile {
	good := func(uid string) string {
		return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTART:20260302T090000Z\nEND:VEVENT\n"
	}
	wrap := func(middle string) string {
		return "BEGIN:VCALENDAR\n" + good("before") + middle + good("after") + "END:VCALENDAR\n"
	}
	return []hostile{
		{"a 16 MB line", wrap("X-A:" + strings.Repeat("a", 16<<20) + "\n"), "before after", 1},
		{"a 8 MB line folded a million times", wrap("X-A:" + strings.Repeat("aaaaaa\n ", 1<<20) + "\n"), "before after", 1},
		{"a line of 120,000 parameters", wrap("BEGIN:VEVENT\nUID:params\nDTSTART" + strings.Repeat(";X-P=\"1\"", 120000) + ":20260302T090000Z\nEND:VEVENT\n"), "before params after", 0},
		{"an event of a million tiny lines", wrap("BEGIN:VEVENT\nUID:tiny\n" + strings.Repeat("X:y\n", 1<<20) + "END:VEVENT\n"), "before after", 1},
		{"a calendar of a million tiny lines", wrap(strings.Repeat("X:y\n", 1<<20)), "before after", 1},
		{"a zone of a million tiny lines", wrap("BEGIN:VTIMEZONE\nTZID:z\n" + strings.Repeat("BEGIN:STANDARD\nEND:STANDARD\n", 300000) + "END:VTIMEZONE\n"), "before after", 1},
		{"300,000 attendees", wrap("BEGIN:VEVENT\nUID:big\nDTSTART:20260302T090000Z\n" + strings.Repeat("ATTENDEE:mailto:a@b\n", 300000) + "END:VEVENT\n"), "before big after", 1},
		{"300,000 stray ENDs", wrap(strings.Repeat("END:VEVENT\n", 300000)), "before after", maxRepairs + 1},
		{"300,000 nested components", wrap("BEGIN:VEVENT\nUID:deep\n" + strings.Repeat("BEGIN:X\n", 300000) + strings.Repeat("END:X\n", 300000) + "END:VEVENT\n"), "before after", 1},
		{"300,000 unclosed quotes", wrap("X" + strings.Repeat(";A=\"", 300000) + "\n"), "before after", 1},
		{"2,000,000 blank lines", wrap(strings.Repeat("\r\n", 2000000)), "before after", 0},
		{"lone CRs only", strings.ReplaceAll(wrap(strings.Repeat("X-A:1\n", 500000)), "\n", "\r"), "before after", 1},
	}
}

// BenchmarkHostile reads each hostile input; its MB/s say the reader's
// work grows with the size of the file, whatever the file holds.
func BenchmarkHostile(b *testing.B) {
	for _, h := range hostileInputs() {
		b.Run(h.name, func(b *testing.B) {
			b.SetBytes(int64(len(h.doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("h.ics", strings.NewReader(h.doc)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// endless is a stream that never ends, like /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestEndlessInputIsRefused(t *testing.T) {
	if _, err := readText(endless{}, 0, 1<<20); !errors.Is(err, errTooLarge) {
		t.Fatalf("reading an endless stream: %v, want %v", err, errTooLarge)
	}
	text, err := readText(strings.NewReader("BEGIN:VCALENDAR\n"), 16, 16)
	if err != nil || text != "BEGIN:VCALENDAR\n" {
		t.Errorf("a file of exactly the limit: %q, %v", text, err)
	}
	if _, err := readText(strings.NewReader("BEGIN:VCALENDAR\n"), 16, 15); !errors.Is(err, errTooLarge) {
		t.Errorf("a file one byte over the limit: %v", err)
	}
}
