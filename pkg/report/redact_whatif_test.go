package report

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/verdict"
)

// headerTextFields are the text fields every what-if's report starts
// with.
func headerTextFields(p string) []string {
	return []string{
		p + ".Timezone", p + ".Today", p + ".Range.From", p + ".Range.To",
		p + ".Me[]",      // redacted: "me"
		p + ".Sources[]", // redacted: calendar-N
		p + ".Settings.WorkHours{key}", p + ".Settings.WorkHours{}", p + ".Settings.WeekStart",
		p + ".Settings.Domain",             // redacted: my-domain
		p + ".Settings.Categories[]",       // kept: rule names, as in the report
		p + ".Warnings[]",                  // redacted: withheld
		p + ".Settings[].GitAuthors[]",     // redacted: "me"
		p + ".Settings[].Git[].Repository", // redacted: repository-N
	}
}

// trendTextFields are a trend's text fields past its header: dates,
// tracks and the tool's own sentences, which name no one.
func trendTextFields(p string) []string {
	return append(headerTextFields(p),
		p+".Weeks[].WeekStart", p+".Weeks[].WeekEnd", p+".Weeks[].Track", p+".Weeks[].RollingFrom",
		p+".Weeks[].RollingTrack", p+".Weeks[].RollingReasons[]",
		p+".Weeks[].CodingTrack", p+".Weeks[].RollingCodingTrack",
		p+".Transitions[].WeekStart", p+".Transitions[].From", p+".Transitions[].To", p+".Transitions[].Says",
		p+".Summary.RollingTrack", p+".Summary.Since", p+".Summary.Says",
	)
}

// seriesTextFields are a series' text fields.
func seriesTextFields(p string) []string {
	return []string{
		p + ".Key",                // redacted: series:uid-N
		p + ".Title",              // redacted: event-N
		p + ".TopPeople[].Person", // redacted: person-N
		p + ".TopPeople[].Name",   // dropped
		p + ".Category", p + ".MyResponse", p + ".Weekdays[]",
	}
}

// TestWhatifTextFieldsAreRedactedOrKeptOnPurpose fails when a text field
// is added to the trend's or the meetings' report, so that whoever adds
// it decides in redact_whatif.go whether it can tell who met whom about
// what.
func TestWhatifTextFieldsAreRedactedOrKeptOnPurpose(t *testing.T) {
	check := func(name string, typ reflect.Type, want []string) {
		t.Helper()
		var got []string
		textFieldPaths(typ, "", &got)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("the %s's text fields changed:\n got %q\nwant %q\nsay in redact_whatif.go whether a new one is redacted, then list it here", name, got, want)
		}
	}
	check("trend", reflect.TypeFor[TrendReport](), trendTextFields(""))
	meetings := append(headerTextFields(""), ".Sort", ".AttendeesNotKnown", ".Summary.Track")
	meetings = append(meetings, seriesTextFields(".Series[]")...)
	meetings = append(meetings,
		".Target[].Track", ".Target[].TrackAfter",
		".Target[].Drop[]", ".Target[].DropKeys[]", // redacted as the series' titles and keys
		".Target[].Steps[].Title", ".Target[].Steps[].Key", ".Target[].Steps[].Track", // likewise
		".Target[].WithoutMeetingsNotMine.Track", ".Target[].WithoutEveryMeeting.Track",
		".Target[].Says[]",               // kept: the tool's sentences name no series
		".Moves[].Title", ".Moves[].Key", // redacted
		".Moves[].Says", // the title it quotes redacted
		".Moves[].Weekdays[]", ".Moves[].From", ".Moves[].To",
	)
	meetings = append(meetings, seriesTextFields(".Target[].drop[]")...)
	check("meetings' report", reflect.TypeFor[MeetingsReport](), meetings)
}

// fxMeetings is a meetings' report with every text field set.
func fxMeetings() MeetingsReport {
	s := func(key, title string, people ...string) MeetingSeries {
		var top []SeriesPerson
		for _, p := range people {
			top = append(top, SeriesPerson{Person: p, Name: strings.ToUpper(p[:1]) + p[1:strings.IndexByte(p, '@')], Occurrences: 2})
		}
		return MeetingSeries{Key: key, Recurring: strings.HasPrefix(key, "series:"), Title: title, Category: "one_on_one",
			People: len(people), TopPeople: top, MyResponse: "accepted", Weekdays: []string{"mon"}, Occurrences: 2, Minutes: 60,
			WeeklyMinutes: 30, FocusCostMinutes: 120}
	}
	a := s("series:standup-uid@example.com", "Stand-up with Bob", "bob@example.com", "me@example.com")
	b := s("event:7", "Acme Corp pricing", "carol@acme.example")
	return MeetingsReport{
		Head: Head{Timezone: "Europe/Berlin", Me: []string{"me@example.com"}, Sources: []string{"work.ics"},
			Settings: Settings{Domain: "example.com"}},
		Sort:   "focus-cost",
		Series: []MeetingSeries{a, b},
		Target: &MeetingsTarget{Track: verdict.TrackIC, Drop: []string{a.Title}, DropKeys: []string{a.Key},
			Steps: []TargetStep{{Title: a.Title, Key: a.Key, Track: verdict.TrackIC}}, Says: []string{"dropping 1 meeting series would …"},
			drop: []MeetingSeries{a}},
		Moves: []MeetingMove{{Title: b.Title, Key: b.Key, Weekdays: []string{"mon"}, From: "10:00", To: "09:00", Found: true,
			GainMinutes: 60, Says: `moving "Acme Corp pricing" from 10:00 to 09:00 on Mondays would give back 1h of focus time over the range`}},
		AttendeesNotKnown: "emtime sees only your calendar",
		Warnings:          []string{"work.ics:12: a bad line"},
	}
}

// TestRedactMeetings: no title, address, name, UID, file name or domain
// survives; every number does, and the same series has the same
// pseudonym wherever it is named.
func TestRedactMeetings(t *testing.T) {
	orig := fxMeetings()
	red := NewRedactor(orig.Me).Meetings(orig)
	b, err := json.Marshal(red)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Stand-up", "Bob", "bob@", "Acme", "carol", "Carol", "standup-uid", "work.ics", "example.com", "a bad line"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%q survives redaction: %s", secret, b)
		}
	}
	if red.Series[0].Title != "event-1" || red.Series[1].Title != "event-2" || red.Target.Drop[0] != "event-1" ||
		red.Target.Steps[0].Title != "event-1" || red.Target.drop[0].Title != "event-1" || red.Moves[0].Title != "event-2" {
		t.Errorf("pseudonyms disagree: %+v", red)
	}
	if k := red.Series[0].Key; k != "series:uid-1" || red.Target.DropKeys[0] != k || red.Series[1].Key != "event:7" {
		t.Errorf("keys %q, %q, %q", k, red.Target.DropKeys[0], red.Series[1].Key)
	}
	if p := red.Series[0].TopPeople; p[0].Person != "person-1" || p[1].Person != "me" || p[0].Name != "" {
		t.Errorf("people %+v", p)
	}
	if want := `moving "event-2" from 10:00 to 09:00 on Mondays`; !strings.HasPrefix(red.Moves[0].Says, want) {
		t.Errorf("the move says %q", red.Moves[0].Says)
	}
	if red.Series[0].FocusCostMinutes != 120 || red.Series[0].Minutes != 60 || red.Moves[0].GainMinutes != 60 {
		t.Error("a number changed")
	}
	if !reflect.DeepEqual(orig, fxMeetings()) {
		t.Error("redacting changed the report it was given")
	}
}
