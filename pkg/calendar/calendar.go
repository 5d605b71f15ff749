// Package calendar defines what every calendar source produces: a list of
// [Event] occurrences in absolute time, with the facts the analysis needs
// (who attends, who answered what, whether the time is marked free) and
// nothing about the format they came from.
//
// A [Source] (an iCalendar file, Google Calendar, the built-in demo) is read
// in two steps: [Source.Info] says what the calendar knows about itself (its
// zone, its name, its owner), so the caller can settle the analysis zone; then
// [Source.Events] returns every occurrence that overlaps a window, with
// recurring series already expanded.
package calendar

import (
	"context"
	"time"
)

// Status is an event's own status.
type Status string

const (
	StatusConfirmed Status = "confirmed"
	StatusTentative Status = "tentative"
	StatusCancelled Status = "cancelled"
)

// Type is what kind of entry an event is, as the calendar marks it. Most
// entries are [TypeDefault]; Google Calendar marks the others explicitly.
type Type string

const (
	TypeDefault         Type = "default"
	TypeFocusTime       Type = "focus_time"
	TypeOutOfOffice     Type = "out_of_office"
	TypeWorkingLocation Type = "working_location"
	TypeBirthday        Type = "birthday"
	TypeFromGmail       Type = "from_gmail"
)

// Response is an attendee's answer to an invitation.
type Response string

const (
	ResponseNeedsAction Response = "needs_action"
	ResponseAccepted    Response = "accepted"
	ResponseDeclined    Response = "declined"
	ResponseTentative   Response = "tentative"
	ResponseDelegated   Response = "delegated"
)

// Person is someone named on an event.
type Person struct {
	Email string
	Name  string
	// Self is true when the source knows this person is the calendar's owner
	// (Google's "self" flag). Sources that cannot know leave it false and the
	// classifier matches addresses instead.
	Self bool
}

// Attendee is a person (or a room) invited to an event.
type Attendee struct {
	Person
	Response Response
	// Resource is true for rooms and equipment: they are not people.
	Resource bool
	// Group is true for a mailing list or team address (CUTYPE=GROUP): it
	// stands for people whose number is not known.
	Group    bool
	Optional bool
	// Organizer is true when this attendee also organizes the event.
	Organizer bool
}

// Event is one occurrence of a calendar entry. Start and End are absolute
// instants; for an all-day event they are midnights in the zone given to
// [Source.Events] and AllDay is set.
type Event struct {
	// UID is the iCalendar UID (Google's iCalUID), shared by every
	// occurrence of a series.
	UID string
	// Title is the summary line, as typed by the organizer.
	Title string
	Start time.Time
	End   time.Time
	// The flags sit together, in one word of the struct rather than four:
	// a calendar's every occurrence is one Event.

	// AllDay is true for date-only entries (VALUE=DATE, Google's "date").
	AllDay bool
	// Transparent is true when the entry is marked free (TRANSP:TRANSPARENT).
	Transparent bool
	// AttendeesOmitted is true when the source left some attendees out
	// (Google does so on large events).
	AttendeesOmitted bool
	// Recurring is true when the occurrence belongs to a series.
	Recurring bool

	Status    Status
	Type      Type
	Organizer Person
	Attendees []Attendee
	// ConferenceURL is a video-call link (Meet, Zoom, Teams), if any.
	ConferenceURL string
	// SeriesID names the series a recurring occurrence belongs to, where
	// the UID does not: Microsoft Graph gives every occurrence a UID of its
	// own and the series in seriesMasterId. Empty where the UID names the
	// series (iCalendar files, Google Calendar).
	SeriesID string
	// Categories are the labels the user put on the entry (Outlook's
	// categories), as given; nil when the source has none.
	Categories []string
	// Origin says where the entry was read, for messages and `emtime events`:
	// "work.ics:42" or "google:primary".
	Origin string
}

// Info is what a calendar says about itself before any event is read.
type Info struct {
	// Name is the calendar's display name (X-WR-CALNAME, Google's summary).
	Name string
	// Zone is the calendar's own IANA zone name (X-WR-TIMEZONE, Google's
	// setting), or "" when it names none.
	Zone string
	// Owner lists addresses known to be the owner's (Google's primary
	// calendar id); empty when the source cannot tell.
	Owner []string
}

// Query asks for the occurrences that overlap [From, To).
type Query struct {
	From time.Time
	To   time.Time
	// Zone places all-day dates and floating times that name no zone of
	// their own (and that the calendar's own zone does not place either).
	Zone *time.Location
}

// Result is what a source returns for a query.
type Result struct {
	Events []Event
	// Warnings are entries that could not be read and were skipped, each
	// naming its place ("work.ics:120 (UID abc): end before start").
	Warnings []string
}

// Source is a calendar that can be read.
type Source interface {
	Info(ctx context.Context) (Info, error)
	Events(ctx context.Context, q Query) (Result, error)
}

// Overlaps reports whether the event overlaps [from, to). An event of zero
// length overlaps when it starts inside the window.
func (e Event) Overlaps(from, to time.Time) bool {
	if !e.End.After(e.Start) {
		return !e.Start.Before(from) && e.Start.Before(to)
	}
	return e.Start.Before(to) && e.End.After(from)
}
