package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

// fxSecrets is everything in fxReport and fxEvents that tells who met
// whom about what, or whose calendar it is.
var fxSecrets = []string{
	"ana@corp.example", "ana.alias", "corp.example", "bob@", "carol", "danvers", "dave@", "partner.example",
	"salary", "falcon", "lisbon", "ana-work", "secret-uid",
}

// render writes a report and events in every format a user can share.
func renderAll(t *testing.T, r Report, events []Event) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	write := func(name string, f func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := f(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = buf.Bytes()
	}
	write("report json", func(b *bytes.Buffer) error { return WriteJSON(b, r) })
	write("report csv", func(b *bytes.Buffer) error { return WriteCSV(b, r) })
	write("report markdown", func(b *bytes.Buffer) error { return WriteMarkdown(b, r) })
	write("report table", func(b *bytes.Buffer) error { return WriteTable(b, r, Style{Chart: true}) })
	write("report html", func(b *bytes.Buffer) error { return WriteHTML(b, r) })
	write("events json", func(b *bytes.Buffer) error { return WriteEventsJSON(b, events) })
	write("events csv", func(b *bytes.Buffer) error { return WriteEventsCSV(b, events) })
	write("events markdown", func(b *bytes.Buffer) error { return WriteEventsMarkdown(b, events) })
	write("events table", func(b *bytes.Buffer) error { return WriteEventsTable(b, events, "UTC", Style{}) })
	return out
}

func TestRedactionLeavesNoNameTitleOrAddress(t *testing.T) {
	// The fxSecrets are really there before redaction, so the search below
	// can find them (the report's CSV names no one: it has no title or
	// person column).
	for name, b := range renderAll(t, fxReport(), fxEvents()) {
		if name == "report csv" {
			continue
		}
		found := false
		for _, s := range fxSecrets {
			found = found || bytes.Contains(bytes.ToLower(b), []byte(s))
		}
		if !found {
			t.Fatalf("%s holds no secret even before redaction:\n%s", name, b)
		}
	}

	tests := []struct {
		name   string
		redact func() (Report, []Event)
	}{
		{"one redactor for both", func() (Report, []Event) {
			rd := NewRedactor(fxReport().Me)
			return rd.Report(fxReport()), rd.Events(fxEvents())
		}},
		{"Redact and RedactEvents", func() (Report, []Event) {
			return Redact(fxReport()), RedactEvents(fxEvents())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, events := tt.redact()
			for name, b := range renderAll(t, r, events) {
				lower := bytes.ToLower(b)
				for _, s := range fxSecrets {
					if bytes.Contains(lower, []byte(s)) {
						t.Errorf("%s still holds %q:\n%s", name, s, b)
					}
				}
			}
		})
	}
}

// TestRedactionHidesTheTitleKeyword checks that a reason does not give away
// the word of the title that decided the kind: "doctor" tells as much as the
// title itself.
func TestRedactionHidesTheTitleKeyword(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	events := []calendar.Event{
		{UID: "1", Title: "Doctor appointment", Start: at, End: at.Add(time.Hour)},
		{UID: "2", Title: "Knee surgery", Start: at, End: at.Add(2 * time.Hour)},
		{UID: "3", Title: "Candidate sync", Start: at, End: at.Add(time.Hour), Attendees: []calendar.Attendee{
			{Person: calendar.Person{Email: "me@corp.example"}, Response: calendar.ResponseAccepted},
			{Person: calendar.Person{Email: "bo@corp.example"}},
		}},
	}
	rules := classify.DefaultRules()
	rules.Me = []string{"me@corp.example"}
	rules.OutOfOffice = append(rules.OutOfOffice, "surgery")
	list := NewEvents(classify.Classify(events, rules), nil, time.UTC)
	for i, want := range []string{`solo, title says "doctor"`, `title says "surgery"`, `meeting, title says "candidate"`} {
		if list[i].Reason != want {
			t.Fatalf("event %d: reason %q, want %q", i, list[i].Reason, want)
		}
	}
	for i, want := range []string{"solo, title matches a keyword", "title matches a keyword", "meeting, title matches a keyword"} {
		if got := RedactEvents(list)[i].Reason; got != want {
			t.Errorf("redacted event %d: reason %q, want %q", i, got, want)
		}
	}
}

func TestRedactionKeepsTheSamePseudonymForTheSamePerson(t *testing.T) {
	orig, events := fxReport(), fxEvents()
	rd := NewRedactor(orig.Me)
	red, redEvents := rd.Report(orig), rd.Events(events)

	// Walk the people of the weeks, the range and the current week, and of
	// the events, pairing each original with its pseudonym.
	type pair struct{ where, orig, pseudo string }
	var pairs []pair
	addTally := func(where string, o, r Tally) {
		if len(o.TopPeople) != len(r.TopPeople) {
			t.Fatalf("%s: %d people, redacted %d", where, len(o.TopPeople), len(r.TopPeople))
		}
		for i := range o.TopPeople {
			pairs = append(pairs, pair{where, o.TopPeople[i].Person, r.TopPeople[i].Person})
		}
	}
	for i := range orig.Weeks {
		addTally(fmt.Sprintf("week %d", i+1), orig.Weeks[i].Tally, red.Weeks[i].Tally)
	}
	addTally("summary", orig.Summary.Tally, red.Summary.Tally)
	addTally("current week", orig.Summary.CurrentWeek.Tally, red.Summary.CurrentWeek.Tally)
	for i := range events {
		for j := range events[i].People {
			pairs = append(pairs, pair{fmt.Sprintf("event %d", i+1), events[i].People[j], redEvents[i].People[j]})
		}
	}

	byPerson := map[string]string{} // lower-cased original → pseudonym
	byPseudonym := map[string]string{}
	for _, p := range pairs {
		key := strings.ToLower(p.orig)
		if prev, ok := byPerson[key]; ok && prev != p.pseudo {
			t.Errorf("%s: %s is %q here but %q elsewhere", p.where, p.orig, p.pseudo, prev)
		}
		byPerson[key] = p.pseudo
		if prev, ok := byPseudonym[p.pseudo]; ok && prev != key && p.pseudo != "me" {
			t.Errorf("%s: %q stands for both %s and %s", p.where, p.pseudo, prev, key)
		}
		byPseudonym[p.pseudo] = key
	}
	want := map[string]string{
		"bob@corp.example":       "person-1",
		"carol danvers":          "person-2",
		"dave@partner.example":   "person-3",
		"ana.alias@corp.example": "me",
	}
	if !reflect.DeepEqual(byPerson, want) {
		t.Errorf("pseudonyms = %v, want %v", byPerson, want)
	}
	if !slices.Equal(red.Me, []string{"me"}) || !slices.Equal(red.Sources, []string{"calendar-1"}) || red.Settings.Domain != "my-domain" {
		t.Errorf("me = %q, sources = %q, domain = %q", red.Me, red.Sources, red.Settings.Domain)
	}

	// Titles and UIDs: the same one gets the same pseudonym, origins go.
	wantTitles := []string{"event-1", "event-2", "event-2", "event-3"}
	wantUIDs := []string{"uid-1", "uid-2", "uid-2", "uid-3"}
	for i, e := range redEvents {
		if e.Title != wantTitles[i] || e.UID != wantUIDs[i] || e.Origin != "" {
			t.Errorf("event %d: title %q uid %q origin %q, want %q %q and no origin", i+1, e.Title, e.UID, e.Origin, wantTitles[i], wantUIDs[i])
		}
	}

	// Warnings are kept in number, not in words.
	if len(red.Warnings) != len(orig.Warnings) || red.Warnings[0] == orig.Warnings[0] {
		t.Errorf("warnings = %q", red.Warnings)
	}

	// The same input gives the same output.
	again := Redact(fxReport())
	if !reflect.DeepEqual(again, Redact(fxReport())) {
		t.Error("redacting the same report twice gave different reports")
	}
}

// leaves flattens a JSON document into path → value, for every number,
// boolean and null, and for every string whose key is listed in keep.
func jsonLeaves(t *testing.T, v any, keep map[string]bool) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]any)
	var walk func(path, key string, v any)
	walk = func(path, key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(path+"."+k, k, c)
			}
		case []any:
			out[path+".length"] = float64(len(v))
			for i, c := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), key, c)
			}
		case string:
			if keep[key] {
				out[path] = v
			}
		default:
			out[path] = v
		}
	}
	walk("", "", doc)
	return out
}

func TestRedactionKeepsEveryNumberAndVerdict(t *testing.T) {
	// Strings a redaction must not touch: dates, zone, tracks, kinds,
	// categories, reasons, settings.
	keep := map[string]bool{
		"timezone": true, "today": true, "from": true, "to": true, "week_start": true, "week_end": true,
		"track": true, "reasons": true, "start": true, "end": true, "kind": true, "category": true,
		"reason": true, "mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "weekday": true,
	}
	orig, events := fxReport(), fxEvents()
	before := jsonLeaves(t, orig, keep)
	red := Redact(orig)
	got := jsonLeaves(t, red, keep)
	// My addresses, however many, become the one "me".
	if got[".me.length"] != float64(1) {
		t.Errorf("me = %q, want one me", red.Me)
	}
	delete(got, ".me.length")
	delete(before, ".me.length")
	if !reflect.DeepEqual(got, before) {
		for k, v := range before {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("report %s = %v, was %v", k, got[k], v)
			}
		}
	}
	if got, want := jsonLeaves(t, RedactEvents(events), keep), jsonLeaves(t, events, keep); !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("events %s = %v, was %v", k, got[k], v)
			}
		}
	}
	if len(before) < 100 {
		t.Errorf("only %d values compared; the walk is broken", len(before))
	}
}

func TestRedactionLeavesItsInputAlone(t *testing.T) {
	orig, events := fxReport(), fxEvents()
	rd := NewRedactor(orig.Me)
	red, redEvents := rd.Report(orig), rd.Events(events)
	// Change the copies everywhere they could share memory with the input.
	red.Weeks[0].TopPeople[0].Person = "changed"
	red.Weeks[0].Categories["one_on_one"] = Category{}
	red.Weeks[0].Reasons[0] = "changed"
	red.Summary.CurrentWeek.TopPeople[0].Person = "changed"
	red.Settings.WorkHours["mon"] = "changed"
	red.Heat[0].Days = 99
	redEvents[0].People[0] = "changed"
	if !reflect.DeepEqual(orig, fxReport()) {
		t.Error("redacting changed the report it was given")
	}
	if !reflect.DeepEqual(events, fxEvents()) {
		t.Error("redacting changed the events it was given")
	}
}

// textFields lists the paths of every field of t that holds text (strings,
// lists of strings, maps with string keys or values).
func textFieldPaths(t reflect.Type, path string, out *[]string) {
	switch t.Kind() {
	case reflect.String:
		*out = append(*out, path)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		textFieldPaths(t.Elem(), path+"[]", out)
	case reflect.Map:
		textFieldPaths(t.Key(), path+"{key}", out)
		textFieldPaths(t.Elem(), path+"{}", out)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			p := path + "." + f.Name
			if f.Anonymous {
				p = path
			}
			textFieldPaths(f.Type, p, out)
		}
	}
}

// TestEveryTextFieldIsRedactedOrKeptOnPurpose fails when a text field is
// added to the report or the event list, so that whoever adds it decides
// in redact.go whether it can tell who met whom about what.
func TestEveryTextFieldIsRedactedOrKeptOnPurpose(t *testing.T) {
	tally := func(p string) []string {
		return []string{p + ".Categories{key}", p + ".TopPeople[].Person", p + ".Track", p + ".Reasons[]",
			p + ".CodingTrack",  // kept: a track
			p + "[].repos{key}", // empty: a report keeps CodingTally.Figures(), without the repositories
		}
	}
	want := []string{
		".Timezone", ".Today", ".Range.From", ".Range.To",
		".Me[]",      // redacted: "me"
		".Sources[]", // redacted: calendar-N
		".Settings.WorkHours{key}", ".Settings.WorkHours{}", ".Settings.WeekStart",
		".Settings.Domain",       // redacted: my-domain
		".Settings.Categories[]", // kept: rule names from the config file, like the categories' keys
		".Weeks[].WeekStart", ".Weeks[].WeekEnd",
		".Summary.From", ".Summary.To",
		".Summary.CurrentWeek[].WeekStart", ".Summary.CurrentWeek[].WeekEnd",
		".Heat[].Weekday",
		".Warnings[]",                  // redacted: withheld
		".Settings[].GitAuthors[]",     // redacted: "me"
		".Settings[].Git[].Repository", // redacted: repository-N
	}
	want = append(want, tally(".Weeks[]")...)
	want = append(want, tally(".Summary")...)
	want = append(want, tally(".Summary.CurrentWeek[]")...)
	want = append(want, seriesTextFields(".FocusCosts[]")...) // see Redactor.Meetings
	want = append(want, trendTextFields(".Trend[]")...)       // see Redactor.Trend
	var got []string
	textFieldPaths(reflect.TypeFor[Report](), "", &got)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the report's text fields changed:\n got %q\nwant %q\nsay in Redactor.Report whether a new one is redacted, then list it here", got, want)
	}

	wantEvent := []string{
		".Start", ".End", ".Kind", ".Category",
		".Reason",         // kept, but for the title keyword it quotes
		".keyword",        // dropped
		".Title",          // redacted: event-N
		".People[]",       // redacted: person-N
		".UID",            // redacted: uid-N
		".Origin",         // dropped
		".Repositories[]", // redacted: repository-N
		".Hash",           // dropped
	}
	got = nil
	textFieldPaths(reflect.TypeFor[Event](), "", &got)
	slices.Sort(got)
	slices.Sort(wantEvent)
	if !slices.Equal(got, wantEvent) {
		t.Errorf("the event's text fields changed:\n got %q\nwant %q\nsay in Redactor.Events whether a new one is redacted, then list it here", got, wantEvent)
	}
}
