package ics

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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

// endless is a stream that never ends, like /dev/zero: after its start,
// fill over and over. read counts the bytes it handed out.
type endless struct {
	start string
	fill  byte
	read  int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.start)
	e.start = e.start[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.fill
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestEndlessInputIsRefused reads streams that never end: one that is
// not a calendar is refused after its first bytes, one that is stops at
// the limit; a file exactly at the limit is read, one over it refused
// before it is read.
func TestEndlessInputIsRefused(t *testing.T) {
	const limit = 1 << 20
	tests := []struct {
		name     string
		stream   *endless
		err      error
		mostRead int64
	}{
		{"NULs", &endless{fill: 0}, ErrNotCalendar, headSize},
		{"text", &endless{fill: 'x'}, ErrNotCalendar, headSize},
		{"blank lines", &endless{fill: '\n'}, ErrNotCalendar, headSize},
		{"a BOM, then NULs", &endless{start: "\ufeff", fill: 0}, ErrNotCalendar, headSize},
		{"a calendar without end", &endless{start: "BEGIN:VCALENDAR\r\n", fill: '\n'}, errTooLarge, limit + 1},
		{"a first line without end", &endless{start: "BEGIN;X-A=", fill: 'a'}, errTooLarge, limit + 1},
	}
	for _, tt := range tests {
		if _, err := readText(tt.stream, 0, limit); !errors.Is(err, tt.err) || tt.stream.read > tt.mostRead {
			t.Errorf("%s: %v after reading %d bytes; want %v after at most %d", tt.name, err, tt.stream.read, tt.err, tt.mostRead)
		}
	}
	text, err := readText(strings.NewReader("BEGIN:VCALENDAR\n"), 16, 16)
	if err != nil || text != "BEGIN:VCALENDAR\n" {
		t.Errorf("a file of exactly the limit: %q, %v", text, err)
	}
	over := &endless{start: "BEGIN:VCALENDAR\n"}
	if _, err := readText(over, 16, 15); !errors.Is(err, errTooLarge) || over.read != 0 {
		t.Errorf("a file one byte over the limit: %v after reading %d bytes; want %v before reading", err, over.read, errTooLarge)
	}
}

// TestStartsCalendar reads the first bytes of a file as the reader reads
// the file: whatever it will read as a calendar passes, and a start that
// cannot begin one is refused.
func TestStartsCalendar(t *testing.T) {
	tests := []struct {
		head  string
		whole bool
		want  bool
	}{
		{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", false, true},
		{"begin:vcalendar\n", true, true},
		{"\ufeff\r\n\r\n  \r\nBEGIN:VCALENDAR\r\n", true, true},
		{"BEGIN;X-A=1:VCALENDAR\nX", false, true},
		{"BEGIN:VCAL\r\n ENDAR\r\nX", false, true}, // folded
		{"BEGIN:VCAL\r\n ENDAR", true, true},
		{"BEGIN:VCAL", false, true}, // cut: it may go on as a calendar
		{"BEGIN:VCAL", true, false},
		{"BEG", false, true},
		{"BEGIN:VCALENDAR\r\n", false, true}, // a fold may follow: cut, but BEGIN
		{"BEGIN:VEVENT\r\nBEGIN:VCALENDAR\r\n", false, false},
		{"BEGIN:VCALENDARX\nX", false, false},
		{"BEGINNING:VCALENDAR", false, false},
		{"<html>", false, false},
		{"\x00\x00\x00", false, false},
		{"\r\n\r\n", false, false},
		{"", true, false},
	}
	for _, tt := range tests {
		if got := startsCalendar(tt.head, tt.whole); got != tt.want {
			t.Errorf("startsCalendar(%q, whole %v) = %v, want %v", tt.head, tt.whole, got, tt.want)
		}
		if !tt.whole {
			continue
		}
		// What a whole file's start says is what the reader says of it.
		_, err := Parse("h.ics", strings.NewReader(tt.head))
		if read := err == nil || !errors.Is(err, ErrNotCalendar); read != tt.want {
			t.Errorf("%q: read %v (%v), but its start says %v", tt.head, read, err, tt.want)
		}
	}
}

// TestLargeFilesAreRefusedUnread reads files and streams larger than a
// calendar may be, or that are not calendars: each is refused having read
// and held no more than its first bytes, and a calendar is read into one
// copy of its size, whether its size is known or not.
func TestLargeFilesAreRefusedUnread(t *testing.T) {
	dir := t.TempDir()
	sparse := func(name string, size int64) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil { // NULs, without the disk they would take
			t.Fatal(err)
		}
		return path
	}
	tooLarge := sparse("large.ics", maxFile+1)
	nuls := sparse("nuls.ics", 64<<20)
	tests := []struct {
		name string
		read func() error
		err  string
	}{
		{"a file over the limit", func() error { _, err := ReadFile(tooLarge); return err },
			"cannot read calendar " + tooLarge + ": larger than 256 MiB, the most emtime reads of one calendar"},
		{"a file of NULs", func() error { _, err := ReadFile(nuls); return err },
			nuls + ": not an iCalendar file"},
		{"standard input over the limit, from a file", func() error {
			f, err := os.Open(tooLarge)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = Parse("stdin", f)
			return err
		}, "stdin: larger than 256 MiB, the most emtime reads of one calendar"},
		{"a pipe of NULs", func() error {
			r, w, err := os.Pipe()
			if err != nil {
				return err
			}
			go func() {
				zeros := make([]byte, 64<<10)
				for {
					if _, err := w.Write(zeros); err != nil {
						w.Close()
						return
					}
				}
			}()
			_, err = Parse("stdin", r)
			r.Close()
			return err
		}, "stdin: not an iCalendar file"},
	}
	for _, tt := range tests {
		var err error
		alloc := allocated(func() { err = tt.read() })
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.err)
		}
		if alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes, want at most 1 MiB", tt.name, alloc)
		}
	}

	// A calendar of 8 MiB, read from a file and from a stream of unknown
	// size: one copy of it held, and for the stream the blocks it was read
	// in.
	doc := "BEGIN:VCALENDAR\r\n" + strings.Repeat("X-A:"+strings.Repeat("a", 58)+"\r\n", 8<<20/64) + "END:VCALENDAR\r\n"
	path := filepath.Join(dir, "big.ics")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	size := uint64(len(doc))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text string
	if alloc := allocated(func() { text, err = readText(f, sizeOf(f), maxFile) }); err != nil || text != doc || alloc > size+size/8 {
		t.Errorf("a file of %d bytes: %d bytes read, %v, %d allocated; want it read whole into at most %d", size, len(text), err, alloc, size+size/8)
	}
	stream := struct{ io.Reader }{strings.NewReader(doc)} // no Len: a size not known
	if alloc := allocated(func() { text, err = readText(stream, 0, maxFile) }); err != nil || text != doc || alloc > 2*size+size/4 {
		t.Errorf("a stream of %d bytes: %d bytes read, %v, %d allocated; want it read whole into at most %d", size, len(text), err, alloc, 2*size+size/4)
	}
}
