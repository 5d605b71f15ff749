package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// referenceNDJSON and referenceJSON write events as encoding/json does,
// the way the writers did before they wrote JSON by hand.
func referenceNDJSON(t testing.TB, events []Event) string {
	var b bytes.Buffer
	for _, e := range events {
		if err := writeJSON(&b, e, ""); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func referenceJSON(t testing.TB, events []Event) string {
	var b bytes.Buffer
	if err := writeJSON(&b, events, "  "); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// oddText is text that encoding/json and textsafe escape: quotes,
// backslashes, every kind of control character, HTML, invalid UTF-8, the
// line and paragraph separators, DEL, C1 controls and bidi overrides.
var oddText = []string{
	"", "plain", `"quoted" \back\`, "a\bb\fc\nd\re\tf", "\x00\x01\x1f\x7f", "<b>&amp;</b>", "\xff\xfe", "caf\xc3",
	"line\u2028sep\u2029", "\u009b31m \u0085", "\u202eevil\u202c \u2066x\u2069", "日本語 émoji 🎉", "\x1b[2Jclear",
	strings.Repeat("long ", 50),
}

// oddEvents are events whose every text field holds some oddText, with
// People nil, empty and several, and Category empty and not.
func oddEvents() []Event {
	var out []Event
	for i, s := range oddText {
		next := oddText[(i+1)%len(oddText)]
		e := Event{
			Start: "2026-03-02T09:00:00+01:00", End: "2026-03-02T10:00:00+01:00", AllDay: i%2 == 0,
			Title: s, Kind: "meeting", Category: next, Reason: s + next, Recurring: i%3 == 0,
			WorkingMinutes: i * 7, AfterHoursMinutes: -i, AwayMinutes: 1 << 40, UID: next, Origin: "a.ics:" + s,
		}
		switch i % 3 {
		case 0:
			e.People = []string{}
		case 1:
			e.People = []string{s, next, "p@example.com"}
		}
		// Rows from git history: a coding session, a commit, and an empty
		// list of repositories, which is left out as nil is.
		switch i % 4 {
		case 1:
			e.Kind, e.Repositories, e.Commits, e.UncountedMinutes, e.AwayMinutes = KindCoding, []string{s, "repo"}, i, i%3*30, 0
		case 2:
			e.Kind, e.Repositories, e.Commits, e.Hash = KindCommit, []string{next}, 1, s
		case 3:
			e.Repositories = []string{}
		}
		out = append(out, e)
	}
	return out
}

func TestEventsJSONAsEncodingJSON(t *testing.T) {
	events := oddEvents()
	// More than one write's worth too.
	var many []Event
	for len(many)*200 < 3*flushAt {
		many = append(many, events...)
	}
	for _, tt := range []struct {
		name   string
		events []Event
	}{{"nil", nil}, {"none", []Event{}}, {"one", events[:1]}, {"odd", events}, {"many", many}} {
		t.Run(tt.name, func(t *testing.T) {
			var nd, js bytes.Buffer
			if err := WriteEventsNDJSON(&nd, tt.events); err != nil {
				t.Fatal(err)
			}
			if want := referenceNDJSON(t, tt.events); nd.String() != want {
				t.Errorf("NDJSON:\n%s\nencoding/json:\n%s", nd.String(), want)
			}
			if err := WriteEventsJSON(&js, tt.events); err != nil {
				t.Fatal(err)
			}
			if want := referenceJSON(t, tt.events); js.String() != want {
				t.Errorf("JSON:\n%s\nencoding/json:\n%s", js.String(), want)
			}
		})
	}
}

// countingWriter counts the writes made to it.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestEventsWritesAreFew: a write per event would be a system call per
// event when the output is a file or a pipe.
func TestEventsWritesAreFew(t *testing.T) {
	var events []Event
	for range 20000 {
		events = append(events, oddEvents()[1])
	}
	for name, write := range map[string]func(*countingWriter) error{
		"ndjson":   func(w *countingWriter) error { return WriteEventsNDJSON(w, events) },
		"json":     func(w *countingWriter) error { return WriteEventsJSON(w, events) },
		"csv":      func(w *countingWriter) error { return WriteEventsCSV(w, events) },
		"markdown": func(w *countingWriter) error { return WriteEventsMarkdown(w, events) },
		"table":    func(w *countingWriter) error { return WriteEventsTable(w, events, "UTC", Style{}) },
	} {
		var w countingWriter
		if err := write(&w); err != nil {
			t.Fatal(err)
		}
		if most := w.Len()/flushAt + 2; w.writes > most {
			t.Errorf("%s: %d writes for %d bytes of %d events, more than %d", name, w.writes, w.Len(), len(events), most)
		}
	}
}

func FuzzEventsJSON(f *testing.F) {
	for i, s := range oddText {
		f.Add(s, oddText[(i+1)%len(oddText)], i)
	}
	f.Fuzz(func(t *testing.T, a, b string, n int) {
		e := Event{Start: a, End: b, Title: a + b, Kind: b, Category: a, Reason: b, People: []string{a, b}, UID: a, Origin: b,
			WorkingMinutes: n, AfterHoursMinutes: -n, AllDay: n%2 == 0}
		if n%3 == 0 {
			e.People = nil
		}
		if n%2 != 0 {
			e.Repositories, e.Commits, e.Hash = []string{b, a}, n, a
		}
		events := []Event{e, e}
		done := make(chan [2]string, 1)
		go func() {
			var nd, js bytes.Buffer
			_ = WriteEventsNDJSON(&nd, events)
			_ = WriteEventsJSON(&js, events)
			done <- [2]string{nd.String(), js.String()}
		}()
		var got [2]string
		select {
		case got = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("writing ran for over 10s on %q, %q", a, b)
		}
		if want := referenceNDJSON(t, events); got[0] != want {
			t.Fatalf("NDJSON:\n%q\nencoding/json:\n%q", got[0], want)
		}
		if want := referenceJSON(t, events); got[1] != want {
			t.Fatalf("JSON:\n%q\nencoding/json:\n%q", got[1], want)
		}
	})
}
