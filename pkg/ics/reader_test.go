package ics

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/emtime/emtime/pkg/calendar"
)

// vcal is a calendar of the given lines, ended with CRLF.
func vcal(lines ...string) string {
	return "BEGIN:VCALENDAR\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

// vevent is an event of an hour on Monday 2 March 2026 at hour:00 UTC.
func vevent(uid, title string, hour int, extra ...string) string {
	lines := append([]string{"BEGIN:VEVENT", "UID:" + uid, "SUMMARY:" + title,
		fmt.Sprintf("DTSTART:20260302T%02d0000Z", hour), fmt.Sprintf("DTEND:20260302T%02d0000Z", hour+1)}, extra...)
	return strings.Join(append(lines, "END:VEVENT"), "\r\n")
}

// describe is show in UTC, with the organizer's and attendees' names when
// there are any.
func describe(e calendar.Event) string {
	s := show(e, time0UTC)
	if e.Organizer.Name != "" || e.Organizer.Email != "" {
		s += fmt.Sprintf(" by %s <%s>", e.Organizer.Name, e.Organizer.Email)
	}
	for _, a := range e.Attendees {
		s += fmt.Sprintf(" with %s <%s>", a.Name, a.Email)
	}
	if e.AttendeesOmitted {
		s += " and others"
	}
	return s
}

var time0UTC = day(2026, 1, 1).Location()

// TestReader reads calendars written the many ways real files are, and
// broken the ways real files break, and checks which events come out,
// with which titles and times, and what the user is told.
func TestReader(t *testing.T) {
	manyStrays := make([]string, 150)
	for i := range manyStrays {
		manyStrays[i] = "END:VEVENT"
	}
	deep := vevent("deep", "Deep", 10, strings.Repeat("BEGIN:X-NEST\r\n", 5000)+strings.Repeat("END:X-NEST\r\n", 5000)+"DESCRIPTION:after the nest")
	attendees := make([]string, maxAttendees+5)
	for i := range attendees {
		attendees[i] = fmt.Sprintf("ATTENDEE:mailto:p%d@example.com", i)
	}
	tests := []struct {
		name     string
		doc      string
		events   []string
		warnings []string
	}{
		{name: "folded lines: CRLF and a space, LF and a tab, inside a name, a parameter and a UTF-8 character",
			doc:    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:fold\r\nSUMM\r\n ARY:Plan\n\tning f\xc3\r\n \xbcr all\r\nDTSTART;TZID=Europe/\r\n Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:2026\r\n 0302T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			events: []string{"2026-03-02 08:00 – 2026-03-02 09:00 Planning für all"}},
		{name: "a blank line between a line and its continuation",
			doc:    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Week\r\n\r\n ly\r\nDTSTART:20260302T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			events: []string{"2026-03-02 09:00 – 2026-03-02 09:00 Weekly"}},
		{name: "CR, LF and CRLF in one file; a lone CR ends a line and never glues the next property into a title",
			doc:    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\nUID:mixed\rSUMMARY:Mixed\rDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\nEND:VEVENT\rBEGIN:VEVENT\nUID:cr-fold\rSUMMARY:Folded\r  after a CR\rDTSTART:20260302T110000Z\rDURATION:PT30M\rEND:VEVENT\r\nEND:VCALENDAR",
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Mixed", "2026-03-02 11:00 – 2026-03-02 11:30 Folded after a CR"}},
		{name: "a byte-order mark, lower-case names and values, spaces around a name",
			doc:    "\ufeffbegin:vcalendar\nbegin:vevent\nuid:lower\nsummary:Lower case\ndtstart;value=date:20260303\nDTEND ;VALUE=DATE:20260304\nend:vevent\nend:vcalendar\n",
			events: []string{"2026-03-03 00:00 – 2026-03-04 00:00 Lower case [all-day]"}},
		{name: "quoted parameter values hold ; : and ,; RFC 6868 carets; several values",
			doc: vcal(vevent("q", "Quoted", 9,
				`ORGANIZER;CN="Lee, Ann; Ops: Berlin";SENT-BY="mailto:x@example.com":mailto:ann@example.com`,
				`ATTENDEE;CN=Bo ^'the boss^' ^^;DELEGATED-FROM="mailto:a@x","mailto:b@x";PARTSTAT=ACCEPTED:mailto:bo@example.com`,
				`ATTENDEE;CN=Doe\, Jo;ROLE=OPT-PARTICIPANT:mailto:jo@example.com`)),
			events: []string{`2026-03-02 09:00 – 2026-03-02 10:00 Quoted by Lee, Ann; Ops: Berlin <ann@example.com> with Bo "the boss" ^ <bo@example.com> with Doe, Jo <jo@example.com>`}},
		{name: "a quoted TZID, and a TZID of another case",
			doc:    vcal("BEGIN:VEVENT", "UID:tz", "SUMMARY:Zoned", `DTSTART;TZID="Europe/Berlin":20260302T090000`, `DTEND;tzid=Europe/Berlin:20260302T093000`, "END:VEVENT"),
			events: []string{"2026-03-02 08:00 – 2026-03-02 08:30 Zoned"}},
		{name: "TEXT escapes are undone in titles, not in dates or addresses",
			doc:    vcal(vevent("esc", `a\,b\;c\\d\ne\Nf\:g`, 9, `ORGANIZER:mailto:x\,y@example.com`)),
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 a,b;c\\d\ne\nf\\:g by  <x\\,y@example.com>"}},
		{name: "empty values",
			doc: vcal("BEGIN:VEVENT", "UID:empty", "SUMMARY:", "LOCATION:", "DTSTART:20260302T090000Z", "END:VEVENT",
				"BEGIN:VEVENT", "UID:no-start", "SUMMARY:No start", "DTSTART:", "END:VEVENT"),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 09:00 "},
			warnings: []string{`doc.ics:8 (UID no-start): DTSTART: "" is not a date; skipped it`}},
		{name: "a stray END:VEVENT and END:VALARM between events keep the events after them",
			doc:    vcal(vevent("a", "Before", 9), "END:VEVENT", "END:VALARM", vevent("b", "After", 10)),
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Before", "2026-03-02 10:00 – 2026-03-02 11:00 After"},
			warnings: []string{
				"doc.ics:8: END:VEVENT with no BEGIN:VEVENT open; ignored it",
				"doc.ics:9: END:VALARM with no BEGIN:VALARM open; ignored it",
			}},
		{name: "a stray END:VALARM inside an event keeps the rest of the event",
			doc:      vcal("BEGIN:VEVENT", "UID:a", "SUMMARY:Whole", "END:VALARM", "DTSTART:20260302T090000Z", "END:VEVENT"),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 09:00 Whole"},
			warnings: []string{"doc.ics:5: END:VALARM with no BEGIN:VALARM open; ignored it"}},
		{name: "an alarm's SUMMARY, DESCRIPTION and ATTENDEE are not the event's; VTODO and VJOURNAL are read past",
			doc: vcal(vevent("a", "Meeting", 9, "BEGIN:VALARM", "ACTION:EMAIL", "SUMMARY:Alarm", "ATTENDEE:mailto:me@example.com", "TRIGGER:-PT5M", "END:VALARM"),
				"BEGIN:VTODO", "UID:todo", "SUMMARY:Todo", "DTSTART:20260302T090000Z", "END:VTODO",
				"BEGIN:VJOURNAL", "UID:journal", "DTSTART:20260302T090000Z", "END:VJOURNAL"),
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Meeting"}},
		{name: "an alarm closed by the event's END",
			doc:      vcal(vevent("a", "Closed", 9, "BEGIN:VALARM", "TRIGGER:-PT5M"), vevent("b", "Next", 10)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 Closed", "2026-03-02 10:00 – 2026-03-02 11:00 Next"},
			warnings: []string{"doc.ics:7: BEGIN:VALARM has no END:VALARM before line 9; closed it there"}},
		{name: "thousands of nested components skip that event, not its neighbours",
			doc:      vcal(vevent("a", "Before", 9), deep, vevent("b", "After", 11)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 Before", "2026-03-02 11:00 – 2026-03-02 12:00 After"},
			warnings: []string{"doc.ics:8: this VEVENT holds components nested more than 6 deep (line 19); skipped it"}},
		{name: "components nested thousands deep outside any event",
			doc:      vcal(vevent("a", "Before", 9), strings.Repeat("BEGIN:X-NEST\r\n", 3000)+vevent("b", "After", 11)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 Before", "2026-03-02 11:00 – 2026-03-02 12:00 After"},
			warnings: []string{"doc.ics:8: this X-NEST holds components nested more than 6 deep (line 15); skipped it"}},
		{name: "a file cut off inside an alarm",
			doc:    "BEGIN:VCALENDAR\r\n" + vevent("a", "Complete", 9) + "\r\nBEGIN:VEVENT\r\nUID:cut\r\nDTSTART:20260302T110000Z\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\n",
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Complete"},
			warnings: []string{
				"doc.ics:8: the file ends inside this VEVENT (no END:VEVENT); skipped it",
				"doc.ics: no END:VCALENDAR after line 12; the file may be cut short, read what was there",
			}},
		{name: "END:VCALENDAR, then an event: read as the calendar's",
			doc:    vcal(vevent("a", "In", 9)) + vevent("b", "Out", 10) + "\r\n",
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 In", "2026-03-02 10:00 – 2026-03-02 11:00 Out"},
			warnings: []string{"doc.ics:9: BEGIN:VEVENT after END:VCALENDAR (line 8); read it as part of the calendar",
				"doc.ics: no END:VCALENDAR after line 14; the file may be cut short, read what was there"}},
		{name: "END:VCALENDAR, then junk, then a calendar: the junk passed over",
			doc:      vcal(vevent("a", "In", 9)) + "X-JUNK:1\r\nmore junk\r\n" + vcal(vevent("b", "Next", 10)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 In", "2026-03-02 10:00 – 2026-03-02 11:00 Next"},
			warnings: []string{"doc.ics:9: ignored what follows END:VCALENDAR (line 8) up to the next BEGIN:VCALENDAR or BEGIN:VEVENT"}},
		{name: "a line with no colon, one with an unclosed quote, one with a name that is not one",
			doc:    vcal(vevent("a", "Kept", 9, "GARBAGE", `ATTENDEE;CN="Ann:mailto:ann@example.com`, "X_NOT A NAME:x")),
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Kept with  <ann@example.com>"},
			warnings: []string{
				`doc.ics: 3 malformed line(s) dropped or read without parameters (first: "GARBAGE")`,
			}},
		{name: "a hundred structure repairs are named, the rest counted",
			doc:    vcal(append(append([]string{vevent("a", "Before", 9)}, manyStrays...), vevent("b", "After", 10))...),
			events: []string{"2026-03-02 09:00 – 2026-03-02 10:00 Before", "2026-03-02 10:00 – 2026-03-02 11:00 After"},
			// checked below: 100 warnings, then the count of the rest
		},
		{name: "a line longer than 1 MiB is dropped, the event kept",
			doc:      vcal(vevent("a", "Long", 9, "DESCRIPTION:"+strings.Repeat("x", maxLine))),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 Long"},
			warnings: []string{"doc.ics:7: a line of 1048588 bytes, longer than the 1048576 a line may hold; dropped it"}},
		{name: "the attendees of an event past the first thousand are left out",
			doc:      vcal(vevent("big", "All hands", 9, attendees...)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 All hands"},
			warnings: []string{"doc.ics:2 (UID big): read the first 1000 of its 1005 attendees; left the others out"}},
		{name: "an event of more than 10,000 lines is skipped",
			doc:      vcal(vevent("a", "Before", 9), vevent("huge", "Huge", 10, strings.Repeat("X-A:1\r\n", maxProps)+"X-A:1"), vevent("b", "After", 11)),
			events:   []string{"2026-03-02 09:00 – 2026-03-02 10:00 Before", "2026-03-02 11:00 – 2026-03-02 12:00 After"},
			warnings: []string{"doc.ics:8: this VEVENT holds more than 10000 lines; skipped it"}},
		{name: "control characters from the file are taken out of warnings",
			doc:      vcal("BEGIN:VEVENT", "UID:evil\x1b[31m\u202e", "END:VEVENT"),
			warnings: []string{"doc.ics:2 (UID evil): no DTSTART; skipped it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("doc.ics", strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			r := query(t, c, calendar.Query{From: day(2026, 3, 1), To: day(2026, 3, 8)})
			var got []string
			for _, e := range r.Events {
				got = append(got, describe(e))
			}
			if strings.HasPrefix(tt.name, "the attendees") {
				if len(r.Events) != 1 || len(r.Events[0].Attendees) != maxAttendees || !r.Events[0].AttendeesOmitted {
					t.Fatalf("events %d, want one with %d attendees and AttendeesOmitted", len(r.Events), maxAttendees)
				}
				got = []string{show(r.Events[0], time0UTC)}
			}
			if !reflect.DeepEqual(got, tt.events) {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.events, "\n"))
			}
			if strings.HasPrefix(tt.name, "a hundred") {
				if len(r.Warnings) != maxRepairs+1 || r.Warnings[0] != "doc.ics:8: END:VEVENT with no BEGIN:VEVENT open; ignored it" ||
					r.Warnings[maxRepairs] != "doc.ics: 50 more problems with the file's structure, repaired or skipped like the ones above" {
					t.Errorf("%d warnings, first %q, last %q", len(r.Warnings), r.Warnings[0], r.Warnings[len(r.Warnings)-1])
				}
				return
			}
			if !reflect.DeepEqual(r.Warnings, tt.warnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(tt.warnings, "\n"))
			}
		})
	}
}

// TestSplitLine reads single content lines: what each part of a property
// is, and which lines cannot be read.
func TestSplitLine(t *testing.T) {
	tests := []struct {
		line             string
		name, value      string
		tzid, vtype, cn  string
		status           lineStatus
		partstat, sentBy string
	}{
		{line: "SUMMARY:Hello: world", name: "SUMMARY", value: "Hello: world"},
		{line: "summary;LANGUAGE=de:Hallo", name: "SUMMARY", value: "Hallo"},
		{line: `DTSTART;TZID="America/New_York";VALUE=DATE-TIME:20260302T090000`, name: "DTSTART", value: "20260302T090000", tzid: "America/New_York", vtype: "DATE-TIME"},
		{line: `ATTENDEE;CN="A:B;C,D";PARTSTAT=ACCEPTED:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", cn: "A:B;C,D", partstat: "ACCEPTED"},
		{line: `ATTENDEE;SENT-BY="mailto:s@x";CN=Line^nbreak:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", cn: "Line\nbreak", sentBy: "mailto:s@x"},
		{line: `ATTENDEE;PARTSTAT=ACCEPTED,DECLINED:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", partstat: "ACCEPTED"},
		{line: `ATTENDEE;CN=:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b"},
		{line: `X-EMPTY:`, name: "X-EMPTY"},
		{line: `DESCRIPTION:a\nb\,c`, name: "DESCRIPTION", value: "a\nb,c"},
		{line: `DESCRIPTION;VALUE=BINARY:a\nb`, name: "DESCRIPTION", value: `a\nb`, vtype: "BINARY"},
		{line: `X-CUSTOM;VALUE=TEXT:a\,b`, name: "X-CUSTOM", value: "a,b", vtype: "TEXT"},
		{line: `RRULE:FREQ=WEEKLY;BYDAY=MO\,TU`, name: "RRULE", value: `FREQ=WEEKLY;BYDAY=MO\,TU`},
		{line: `ATTENDEE;CN="unclosed:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", status: lineLoose},
		{line: `ATTENDEE;CN="x"y:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", status: lineLoose},
		{line: `ATTENDEE;RSVP:mailto:a@b`, name: "ATTENDEE", value: "mailto:a@b", status: lineLoose},
		{line: `ATTENDEE;CN=Ann`, status: lineBad},
		{line: `NO COLON`, status: lineBad},
		{line: `:no name`, status: lineBad},
		{line: `BAD NAME:x`, status: lineBad},
	}
	for _, tt := range tests {
		p, st := splitLine(tt.line)
		if st != tt.status {
			t.Errorf("%q: status %d, want %d", tt.line, st, tt.status)
			continue
		}
		if st == lineBad {
			continue
		}
		got := []string{p.name, p.Value, param(&p, "TZID"), param(&p, "value"), param(&p, "cn"), param(&p, "PARTSTAT"), param(&p, "SENT-BY")}
		want := []string{tt.name, tt.value, tt.tzid, tt.vtype, tt.cn, tt.partstat, tt.sentBy}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.line, got, want)
		}
	}
}

// TestLexerLines checks where lines end and what line numbers they get.
func TestLexerLines(t *testing.T) {
	tests := []struct {
		text string
		want []string // "line: text"
	}{
		{"A\r\nB\nC\rD", []string{"1: A", "2: B", "3: C", "4: D"}},
		{"A\r\r\nB", []string{"1: A", "3: B"}},
		{"A\n\rB\n", []string{"1: A", "3: B"}},
		{"A\r\n B\r\n\tC\r\nD\r\n", []string{"1: ABC", "4: D"}},
		{"A\r B\r\tC", []string{"1: ABC"}},
		{"A\n\n\n B\nC", []string{"1: AB", "5: C"}},
		{" A\n B", []string{"1:  AB"}},
		{"\n\n\r\n", nil},
	}
	for _, tt := range tests {
		lx := newLexer(tt.text)
		var got []string
		for {
			s, line, _, ok := lx.next()
			if !ok {
				break
			}
			got = append(got, fmt.Sprintf("%d: %s", line, s))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestZoneAfterEvents reads a file whose VTIMEZONEs come after the events
// that name them: events are read as the scan hands them on, and such a
// file is read again whole, so every event reads its zone as when the
// zones come first.
func TestZoneAfterEvents(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "zones.ics"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	first, last := strings.Index(text, "BEGIN:VTIMEZONE"), strings.LastIndex(text, "END:VTIMEZONE\n")+len("END:VTIMEZONE\n")
	zones := text[first:last]
	late := strings.Replace(text[:first]+text[last:], "END:VCALENDAR", zones+"END:VCALENDAR", 1)
	if !strings.Contains(late, "END:VEVENT\nBEGIN:VTIMEZONE") {
		t.Fatal("the zones were not moved after the events")
	}
	year := calendar.Query{From: day(2026, 1, 1), To: day(2027, 1, 1), Zone: time.UTC}
	read := func(doc string) ([]string, []string) {
		c, err := Parse("zones.ics", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		r := query(t, c, year)
		for _, e := range r.Events {
			got = append(got, show(e, time.UTC))
		}
		var warnings []string // without their lines, which the move changes
		for _, w := range r.Warnings {
			warnings = append(warnings, regexp.MustCompile(`^zones\.ics:\d+`).ReplaceAllString(w, "zones.ics:N"))
		}
		return got, warnings
	}
	wantEvents, wantWarnings := read(text)
	gotEvents, gotWarnings := read(late)
	if !reflect.DeepEqual(gotEvents, wantEvents) {
		t.Errorf("zones after the events:\n%s\nzones first:\n%s", strings.Join(gotEvents, "\n"), strings.Join(wantEvents, "\n"))
	}
	if !reflect.DeepEqual(gotWarnings, wantWarnings) {
		t.Errorf("warnings with the zones after the events:\n%s\nzones first:\n%s", strings.Join(gotWarnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
	if !slices.Contains(wantEvents, "2026-03-02 03:30 – 2026-03-02 04:30 Custom zone") {
		t.Errorf("the custom zone's event is not read at its VTIMEZONE offset: %q", wantEvents)
	}
}

// TestReadEventByEvent reads every fixture and corpus file event by event,
// as Parse does, and whole, and checks that the calendars are the same.
func TestReadEventByEvent(t *testing.T) {
	var files []string
	for _, dir := range []string{fixtures, corpus} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.ics"))
		files = append(files, names...)
	}
	if len(files) == 0 {
		t.Fatal("no calendar files")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(filepath.Base(file), strings.NewReader(string(data)))
		if err != nil {
			continue // not a calendar: refused by both
		}
		if err := sameAsWhole(string(data), c); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// TestTextIsLetGo: a calendar read keeps copies of the text it needs, not
// slices of the file's text, so that the text, the size of the file, is
// collected once the file is read.
func TestTextIsLetGo(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.ics"))
	docs := map[string][]byte{"busy.ics": busyCalendar()}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = data
	}
	for name, data := range docs {
		text := string(data) // the text, in an allocation of its own
		freed := make(chan struct{})
		runtime.AddCleanup(unsafe.StringData(text), func(ch chan struct{}) { close(ch) }, freed)
		c, err := parse(name, text)
		if err != nil {
			continue // not a calendar
		}
		text = ""
		let := false
		for range 20 {
			runtime.GC()
			select {
			case <-freed:
				let = true
			case <-time.After(10 * time.Millisecond):
			}
			if let {
				break
			}
		}
		if !let {
			t.Errorf("%s: the calendar read still holds the file's text", name)
		}
		runtime.KeepAlive(c)
	}
}
