package microsoft_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
)

// week is the window the mapping tests read: Monday 9 to Monday 16 March
// 2026, in Berlin.
var (
	weekFrom = time.Date(2026, 3, 9, 0, 0, 0, 0, berlin())
	weekTo   = weekFrom.AddDate(0, 0, 7)
)

// readView serves events (a JSON array, Graph's shapes) on the default
// calendar of a fresh fake and reads the week through the client.
func readView(t *testing.T, events string, setup ...func(*graphtest.Server)) calendar.Result {
	t.Helper()
	api := graphtest.New()
	t.Cleanup(api.Close)
	if err := api.AddEventsJSON("", []byte(events)); err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(api)
	}
	src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("t"), BaseURL: api.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Events(context.Background(), calendar.Query{From: weekFrom, To: weekTo, Zone: berlin()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// at is an instant of the test week in Berlin: day 9 to 15, hour, minute.
func at(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, berlin())
}

// ev is an event in Graph's shape, timed 10:00–11:00 UTC on Tuesday 10,
// organized by carol, with me invited; more sets or replaces properties.
func ev(more string) string {
	base := `"id": "AAMkE1=", "iCalUId": "uid-1", "subject": "Sync",
		"start": {"dateTime": "2026-03-10T10:00:00.0000000", "timeZone": "UTC"},
		"end": {"dateTime": "2026-03-10T11:00:00.0000000", "timeZone": "UTC"},
		"organizer": {"emailAddress": {"name": "Carol", "address": "Carol@Example.com"}},
		"attendees": [{"type": "required", "status": {"response": "none"}, "emailAddress": {"address": "me@example.com"}}],
		"responseStatus": {"response": "accepted"}, "showAs": "busy", "type": "singleInstance"`
	if more != "" {
		// A later key replaces an earlier one when the fake reads it.
		base += ", " + more
	}
	return "{" + base + "}"
}

var (
	carol   = calendar.Person{Email: "carol@example.com", Name: "Carol"}
	meSelf  = calendar.Person{Email: "me@example.com", Self: true}
	carolAt = calendar.Attendee{Person: carol, Response: calendar.ResponseAccepted, Organizer: true}
)

// syncMeeting is what ev("") maps to.
func syncMeeting(change func(*calendar.Event)) calendar.Event {
	e := calendar.Event{
		UID: "uid-1", Title: "Sync", Start: at(10, 11, 0), End: at(10, 12, 0),
		Status: calendar.StatusConfirmed, Type: calendar.TypeDefault, Organizer: carol,
		Attendees: []calendar.Attendee{carolAt, {Person: meSelf, Response: calendar.ResponseAccepted}},
		Origin:    "microsoft:Calendar",
	}
	if change != nil {
		change(&e)
	}
	return e
}

func TestEventMapping(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  calendar.Event
	}{
		{"an invitation I accepted: the organizer listed first, accepted; my answer is the event's own",
			ev(""), syncMeeting(nil)},
		{"tentatively accepted (showAs tentative is only how it shows)",
			ev(`"responseStatus": {"response": "tentativelyAccepted"}, "showAs": "tentative"`),
			syncMeeting(func(e *calendar.Event) { e.Attendees[1].Response = calendar.ResponseTentative })},
		{"not answered yet",
			ev(`"responseStatus": {"response": "notResponded"}`),
			syncMeeting(func(e *calendar.Event) { e.Attendees[1].Response = calendar.ResponseNeedsAction })},
		{"declined",
			ev(`"responseStatus": {"response": "declined"}`),
			syncMeeting(func(e *calendar.Event) { e.Attendees[1].Response = calendar.ResponseDeclined })},
		{"no answer on the event: the attendee entry's own",
			ev(`"responseStatus": {"response": "none"}, "attendees": [{"type": "required", "status": {"response": "accepted"}, "emailAddress": {"address": "me@example.com"}}]`),
			syncMeeting(nil)},
		{"an answer Graph may add later reads as not answered",
			ev(`"responseStatus": {"response": "maybeLater"}`),
			syncMeeting(func(e *calendar.Event) { e.Attendees[1].Response = calendar.ResponseNeedsAction })},
		{"declined, invited through a list: I am added, with my answer",
			ev(`"responseStatus": {"response": "declined"}, "attendees": [{"type": "required", "status": {"response": "none"}, "emailAddress": {"name": "Team", "address": "team@example.com"}}]`),
			syncMeeting(func(e *calendar.Event) {
				e.Attendees = []calendar.Attendee{carolAt,
					{Person: calendar.Person{Email: "team@example.com", Name: "Team"}, Response: calendar.ResponseNeedsAction},
					{Person: meSelf, Response: calendar.ResponseDeclined}}
			})},
		{"my own meeting: I organize, listed first and accepted",
			ev(`"isOrganizer": true, "responseStatus": {"response": "organizer"}, "organizer": {"emailAddress": {"name": "Me", "address": "me@example.com"}},
				"attendees": [{"type": "required", "status": {"response": "declined"}, "emailAddress": {"name": "Carol", "address": "carol@example.com"}}]`),
			syncMeeting(func(e *calendar.Event) {
				me := calendar.Person{Email: "me@example.com", Name: "Me", Self: true}
				e.Organizer = me
				e.Attendees = []calendar.Attendee{{Person: me, Response: calendar.ResponseAccepted, Organizer: true},
					{Person: carol, Response: calendar.ResponseDeclined}}
			})},
		{"my own entry, no one invited",
			ev(`"isOrganizer": true, "responseStatus": {"response": "organizer"}, "organizer": {"emailAddress": {"address": "me@example.com"}}, "attendees": []`),
			syncMeeting(func(e *calendar.Event) { e.Organizer, e.Attendees = meSelf, nil })},
		{"optional attendees and rooms",
			ev(`"attendees": [{"type": "optional", "status": {"response": "none"}, "emailAddress": {"address": "me@example.com"}},
				{"type": "resource", "status": {"response": "accepted"}, "emailAddress": {"name": "Room 4", "address": "room-4@example.com"}}]`),
			syncMeeting(func(e *calendar.Event) {
				e.Attendees = []calendar.Attendee{carolAt, {Person: meSelf, Response: calendar.ResponseAccepted, Optional: true},
					{Person: calendar.Person{Email: "room-4@example.com", Name: "Room 4"}, Response: calendar.ResponseAccepted, Resource: true}}
			})},
		{"marked free",
			ev(`"showAs": "free"`), syncMeeting(func(e *calendar.Event) { e.Transparent = true })},
		{"out of office",
			ev(`"showAs": "oof"`), syncMeeting(func(e *calendar.Event) { e.Type = calendar.TypeOutOfOffice })},
		{"working elsewhere, my own entry: a working-location entry",
			ev(`"showAs": "workingElsewhere", "isOrganizer": true, "organizer": {"emailAddress": {"address": "me@example.com"}}, "attendees": []`),
			syncMeeting(func(e *calendar.Event) { e.Type, e.Organizer, e.Attendees = calendar.TypeWorkingLocation, meSelf, nil })},
		{"working elsewhere on a meeting with others: still a meeting",
			ev(`"showAs": "workingElsewhere"`), syncMeeting(nil)},
		{"a free/busy status Graph may add later is busy",
			ev(`"showAs": "elsewhereMaybe"`), syncMeeting(nil)},
		{"a Teams meeting: the join link",
			ev(`"isOnlineMeeting": true, "onlineMeeting": {"joinUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x"}, "onlineMeetingUrl": "https://old.example/skype"`),
			syncMeeting(func(e *calendar.Event) { e.ConferenceURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x" })},
		{"an older online meeting: its onlineMeetingUrl",
			ev(`"isOnlineMeeting": true, "onlineMeeting": null, "onlineMeetingUrl": "https://meet.lync.com/x"`),
			syncMeeting(func(e *calendar.Event) { e.ConferenceURL = "https://meet.lync.com/x" })},
		{"an occurrence of a series",
			ev(`"type": "occurrence", "seriesMasterId": "AAMkMaster="`), syncMeeting(func(e *calendar.Event) { e.Recurring, e.SeriesID = true, "AAMkMaster=" })},
		{"an exception of a series",
			ev(`"type": "exception", "seriesMasterId": "AAMkMaster="`), syncMeeting(func(e *calendar.Event) { e.Recurring, e.SeriesID = true, "AAMkMaster=" })},
		{"an occurrence Graph names no series of: recurring, no series to name",
			ev(`"type": "occurrence"`), syncMeeting(func(e *calendar.Event) { e.Recurring = true })},
		{"hidden attendees: the list is not whole",
			ev(`"hideAttendees": true`), syncMeeting(func(e *calendar.Event) { e.AttendeesOmitted = true })},
		{"categories, as given, empty ones dropped",
			ev(`"categories": ["Customer", null, "", "Red category"]`),
			syncMeeting(func(e *calendar.Event) { e.Categories = []string{"Customer", "Red category"} })},
		{"no iCalUId: the id stands in",
			ev(`"iCalUId": null`), syncMeeting(func(e *calendar.Event) { e.UID = "AAMkE1=" })},
		{"nulls everywhere else",
			ev(`"subject": null, "organizer": null, "attendees": null, "responseStatus": null, "showAs": null, "type": null, "categories": null`),
			syncMeeting(func(e *calendar.Event) { e.Title, e.Organizer, e.Attendees = "", calendar.Person{}, nil })},
		{"attendees that are null or name no one are left out",
			ev(`"attendees": [null, {"type": "required"}, {"emailAddress": null}, {"emailAddress": {"name": "", "address": ""}},
				{"status": null, "emailAddress": {"address": "me@example.com"}}]`),
			syncMeeting(nil)},
		{"a dateTime in a Windows zone, with its fraction",
			ev(`"start": {"dateTime": "2026-03-10T11:00:00.1234567", "timeZone": "W. Europe Standard Time"}`),
			syncMeeting(func(e *calendar.Event) { e.Start = at(10, 11, 0).Add(123456700) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readView(t, "["+tt.event+"]", func(s *graphtest.Server) { s.SetRequireSelect(true) })
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			if len(res.Events) != 1 {
				t.Fatalf("%d events: %+v", len(res.Events), res.Events)
			}
			if got := res.Events[0]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestEventsLeftOut(t *testing.T) {
	res := readView(t, `[`+ev(`"id": "cancelled", "isCancelled": true`)+`,
		`+ev(`"id": "master", "type": "seriesMaster"`)+`,
		`+ev(`"id": "before", "start": {"dateTime": "2026-03-08T10:00:00.0000000", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-08T11:00:00.0000000", "timeZone": "UTC"}`)+`]`)
	if len(res.Events) != 0 || len(res.Warnings) != 0 {
		t.Errorf("events %+v, warnings %q: want none of either", res.Events, res.Warnings)
	}
}

// TestAllDay: Graph sends all-day entries as the midnights of their dates
// whatever zone it is asked for, and the dates are placed in the query's
// zone, like Google's "date": a day off in Berlin is Berlin's day, not
// UTC's.
func TestAllDay(t *testing.T) {
	day := func(zone string) string {
		return `{"id": "off", "subject": "Day off", "isAllDay": true, "showAs": "oof", "isOrganizer": true,
			"originalStartTimeZone": "` + zone + `",
			"start": {"dateTime": "2026-03-11T00:00:00.0000000", "timeZone": "` + zone + `"},
			"end": {"dateTime": "2026-03-13T00:00:00.0000000", "timeZone": "` + zone + `"}}`
	}
	for _, zone := range []string{"Pacific Standard Time", "Tokyo Standard Time", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			res := readView(t, "["+day(zone)+"]")
			if len(res.Events) != 1 {
				t.Fatalf("events %+v, warnings %q", res.Events, res.Warnings)
			}
			e := res.Events[0]
			if !e.AllDay || !e.Start.Equal(at(11, 0, 0)) || !e.End.Equal(at(13, 0, 0)) || e.Type != calendar.TypeOutOfOffice {
				t.Errorf("all-day: %+v, want 11 to 13 March, midnights in Berlin, out of office", e)
			}
		})
	}
	// Every request asked for UTC, and the fake then sent the dates as
	// midnights named UTC.
}

// TestHostileEvents: entries that cannot be read are skipped, each named in
// a warning, and the good ones around them kept; none makes a 0-minute
// meeting or a panic.
func TestHostileEvents(t *testing.T) {
	good := ev(`"id": "good"`)
	tests := []struct {
		name, event, warning string
	}{
		{"no start", `{"id": "nostart", "end": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}}`, "(event nostart): start: missing"},
		{"start null", `{"id": "nullstart", "start": null, "end": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}}`, "(event nullstart): start: missing"},
		{"no end", `{"id": "noend", "start": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}}`, "(event noend): end: missing"},
		{"empty end", `{"id": "emptyend", "start": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}, "end": {"dateTime": "", "timeZone": "UTC"}}`, "(event emptyend): end: missing"},
		{"end before start", `{"id": "backwards", "start": {"dateTime": "2026-03-10T11:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T10:00:00", "timeZone": "UTC"}}`, "(event backwards): end before start"},
		{"all-day ending on its first day", `{"id": "flat", "isAllDay": true, "start": {"dateTime": "2026-03-10T00:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T00:00:00", "timeZone": "UTC"}}`, "(event flat): all-day entry ends before its day does"},
		{"unknown zone", `{"id": "zone", "start": {"dateTime": "2026-03-10T11:00:00", "timeZone": "Customized Time Zone"}, "end": {"dateTime": "2026-03-10T12:00:00", "timeZone": "UTC"}}`, `(event zone): start: unknown time zone "Customized Time Zone"`},
		{"bad dateTime", `{"id": "garbage", "start": {"dateTime": "next Tuesday", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-10T12:00:00", "timeZone": "UTC"}}`, `(event garbage): start: bad dateTime "next Tuesday"`},
		{"a number for the subject", `{"id": "typed", "subject": 42}`, "(event typed): unreadable:"},
		{"not an object, no id", `"just a string"`, "(item 1 of its page): unreadable:"},
		{"control characters in the id", `{"id": "bad\u001b[31mid", "start": null}`, "(event bad [31mid): start: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `{"value": [` + tt.event + `, ` + good + `]}`
			res := readView(t, "[]", func(s *graphtest.Server) {
				s.InjectFault(graphtest.Fault{Path: "calendarView", Body: page})
			})
			if len(res.Events) != 1 || res.Events[0].UID != "uid-1" {
				t.Errorf("events %+v: want the good one only", res.Events)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], tt.warning) || !strings.HasPrefix(res.Warnings[0], "microsoft:Calendar ") {
				t.Errorf("warnings %q, want one with %q", res.Warnings, tt.warning)
			}
			for _, w := range res.Warnings {
				if strings.ContainsRune(w, 0x1b) {
					t.Errorf("a control character reached the warning %q", w)
				}
			}
		})
	}
}
