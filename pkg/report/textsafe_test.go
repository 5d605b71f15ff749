package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hostile is text a calendar could carry to attack the terminal that shows
// it: a screen clear, an OSC 8 hyperlink whose text hides its target, a
// bell, a carriage return that would overwrite the line, a bidi override,
// a C1 control sequence, a backspace and a delete.
const hostile = "Pwn\x1b[2Jed \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 ding\x07 over\rwrite \u202eevil\u202c \u009b31mred\b\x7f"

// terminalUnsafe lists what no text output may hold: every C0 control but
// the line feed, DEL, the C1 controls and the bidi overrides.
func terminalUnsafe(s string) []rune {
	var bad []rune
	for _, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7f && r <= 0x9f || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			bad = append(bad, r)
		}
	}
	return bad
}

// hostileReport is fxReport with hostile text in every string that comes
// from a calendar or a config file: people, custom categories, reasons
// quoting a keyword, sources and warnings.
func hostileReport() Report {
	r := fxReport()
	for _, t := range []*Tally{&r.Weeks[0].Tally, &r.Weeks[1].Tally, &r.Summary.Tally} {
		t.TopPeople = append(t.TopPeople, Person{hostile + " <eve@example.com>", 90})
		t.Categories["cat"+hostile] = Category{1, 30}
		t.Reasons = append(t.Reasons, `title says "`+hostile+`"`)
	}
	r.Settings.Categories = []string{"cat" + hostile, "recurring", "one_on_one", "large", "interview", "ad_hoc"}
	r.Sources = append(r.Sources, hostile+".ics")
	r.Warnings = append(r.Warnings, hostile)
	return r
}

func hostileEvents() []Event {
	events := fxEvents()
	events = append(events, Event{
		Start: "2026-03-04T10:00:00+01:00", End: "2026-03-04T11:00:00+01:00", Title: hostile, Kind: "meeting",
		Category: "cat" + hostile, Reason: `title says "` + hostile + `"`, People: []string{hostile + " <eve@example.com>", hostile},
		WorkingMinutes: 60, UID: hostile + "@example.com", Origin: hostile + ".ics:7",
	})
	return events
}

// TestNoControlCharacterReachesTheOutput writes a report and an event list
// full of hostile text in every format a terminal may be shown, and checks
// that no escape sequence, control character or bidi override is left in
// any of them; the JSON documents keep the text exactly, escaped.
func TestNoControlCharacterReachesTheOutput(t *testing.T) {
	r, events := hostileReport(), hostileEvents()
	formats := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"table", func(b *bytes.Buffer) error { return WriteTable(b, r, Style{Chart: true}) }},
		{"table on a terminal", func(b *bytes.Buffer) error { return WriteTable(b, r, Style{Unicode: true, Chart: true}) }},
		{"markdown", func(b *bytes.Buffer) error { return WriteMarkdown(b, r) }},
		{"csv", func(b *bytes.Buffer) error { return WriteCSV(b, r) }},
		{"html", func(b *bytes.Buffer) error { return WriteHTML(b, r) }},
		{"json", func(b *bytes.Buffer) error { return WriteJSON(b, r) }},
		{"events table", func(b *bytes.Buffer) error { return WriteEventsTable(b, events, "UTC", Style{Unicode: true}) }},
		{"events markdown", func(b *bytes.Buffer) error { return WriteEventsMarkdown(b, events) }},
		{"events csv", func(b *bytes.Buffer) error { return WriteEventsCSV(b, events) }},
		{"events json", func(b *bytes.Buffer) error { return WriteEventsJSON(b, events) }},
		{"events ndjson", func(b *bytes.Buffer) error { return WriteEventsNDJSON(b, events) }},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if bad := terminalUnsafe(out); len(bad) > 0 {
				t.Errorf("the output holds %q:\n%s", bad, out)
			}
			if strings.Contains(f.name, "json") {
				return // the text is kept, escaped: checked below
			}
			if strings.Contains(out, "2J") || strings.Contains(out, "evil.example") {
				t.Errorf("an escape sequence's parameters are left in the text:\n%s", out)
			}
			if !strings.Contains(out, "link") || !strings.Contains(out, "ding") {
				t.Errorf("the text around the escape sequences is gone:\n%s", out)
			}
		})
	}

	// JSON is for tools: the text is kept exactly, only encoded.
	var b bytes.Buffer
	if err := WriteEventsJSON(&b, events); err != nil {
		t.Fatal(err)
	}
	var back []Event
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if got := back[len(back)-1].Title; got != hostile {
		t.Errorf("JSON title reads back as %q, want %q", got, hostile)
	}
}

// TestCSVCellsStayOnOneLine checks that a title with line breaks keeps its
// row one line in the CSV: a reader that splits on lines gets every row.
func TestCSVCellsStayOnOneLine(t *testing.T) {
	events := []Event{{Start: "2026-03-02T10:00:00Z", End: "2026-03-02T11:00:00Z", Title: "one\ntwo\r\nthree\rfour",
		Kind: "meeting", People: []string{"Eve\nMallory"}, UID: "a\nb"}}
	var b bytes.Buffer
	if err := WriteEventsCSV(&b, events); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the header and one row:\n%s", len(lines), b.String())
	}
	if !strings.Contains(lines[1], "one two three four") || !strings.Contains(lines[1], "Eve Mallory") {
		t.Errorf("row = %q", lines[1])
	}
}
