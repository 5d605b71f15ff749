package classify

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

const me = "me@example.com"

var (
	start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	alice = calendar.Person{Email: "alice@example.com", Name: "Alice"}
	bob   = calendar.Person{Email: "bob@example.com", Name: "Bob"}
)

// ev builds a one-hour event on 2026-03-02 with opts applied.
func ev(title string, opts ...func(*calendar.Event)) calendar.Event {
	e := calendar.Event{UID: "uid", Title: title, Start: start, End: start.Add(time.Hour), Status: calendar.StatusConfirmed, Type: calendar.TypeDefault}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func attendee(p calendar.Person, r calendar.Response) calendar.Attendee {
	return calendar.Attendee{Person: p, Response: r}
}

// with adds me (accepted) and the given people (accepted).
func with(people ...calendar.Person) func(*calendar.Event) {
	return func(e *calendar.Event) {
		e.Attendees = append(e.Attendees, attendee(calendar.Person{Email: me}, calendar.ResponseAccepted))
		for _, p := range people {
			e.Attendees = append(e.Attendees, attendee(p, calendar.ResponseAccepted))
		}
	}
}

// withN adds me and n other people.
func withN(n int) func(*calendar.Event) {
	var ps []calendar.Person
	for i := range n {
		ps = append(ps, calendar.Person{Email: fmt.Sprintf("p%02d@example.com", i)})
	}
	return with(ps...)
}

// myAnswer sets my response on the guest list, adding me when absent.
func myAnswer(r calendar.Response) func(*calendar.Event) {
	return func(e *calendar.Event) {
		for i := range e.Attendees {
			if strings.EqualFold(e.Attendees[i].Email, me) || e.Attendees[i].Self {
				e.Attendees[i].Response = r
				return
			}
		}
		e.Attendees = append(e.Attendees, attendee(calendar.Person{Email: me}, r))
	}
}

func status(s calendar.Status) func(*calendar.Event) { return func(e *calendar.Event) { e.Status = s } }
func typ(t calendar.Type) func(*calendar.Event)      { return func(e *calendar.Event) { e.Type = t } }
func free(e *calendar.Event)                         { e.Transparent = true }
func recurring(e *calendar.Event)                    { e.Recurring = true }
func link(e *calendar.Event)                         { e.ConferenceURL = "https://meet.example.com/abc" }
func allDay(e *calendar.Event) {
	e.AllDay = true
	e.Start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	e.End = e.Start.AddDate(0, 0, 1)
}

func TestClassify(t *testing.T) {
	room := calendar.Attendee{Person: calendar.Person{Email: "room-4@resource.example.com", Name: "Room 4"}, Resource: true, Response: calendar.ResponseAccepted}
	tests := []struct {
		name     string
		rules    func(*Rules)
		event    calendar.Event
		kind     Kind
		category Category
		reason   string // a substring of the reason
		people   []string
		size     int
	}{
		// Ignored, in rule order.
		{name: "cancelled wins over everything", event: ev("OOO", status(calendar.StatusCancelled), with(alice), typ(calendar.TypeOutOfOffice)),
			kind: KindIgnored, reason: "cancelled"},
		{name: "working location", event: ev("Office", typ(calendar.TypeWorkingLocation)), kind: KindIgnored, reason: "working-location"},
		{name: "working location wins over OOO title", event: ev("Home (vacation rental)", typ(calendar.TypeWorkingLocation)), kind: KindIgnored, reason: "working-location"},
		{name: "birthday", event: ev("Alice's birthday", allDay, typ(calendar.TypeBirthday)), kind: KindIgnored, reason: "birthday"},
		{name: "declined, by Self flag", rules: func(r *Rules) { r.Me = nil },
			event: ev("Sync", func(e *calendar.Event) {
				e.Attendees = []calendar.Attendee{attendee(alice, calendar.ResponseAccepted), attendee(calendar.Person{Email: "x@example.com", Self: true}, calendar.ResponseDeclined)}
			}), kind: KindIgnored, reason: "declined by me"},
		{name: "declined, by address in another case", event: ev("Sync", func(e *calendar.Event) {
			e.Attendees = []calendar.Attendee{attendee(alice, calendar.ResponseAccepted), attendee(calendar.Person{Email: "ME@Example.COM"}, calendar.ResponseDeclined)}
		}), kind: KindIgnored, reason: "declined by me"},
		{name: "declined, by alias", rules: func(r *Rules) { r.Me = []string{me, " Me@Old-Corp.example "} },
			event: ev("Sync", func(e *calendar.Event) {
				e.Attendees = []calendar.Attendee{attendee(alice, calendar.ResponseAccepted), attendee(calendar.Person{Email: "me@old-corp.example"}, calendar.ResponseDeclined)}
			}), kind: KindIgnored, reason: "declined by me"},
		{name: "someone else declining does not matter", event: ev("Sync", with(), func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, attendee(alice, calendar.ResponseDeclined))
		}), kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "declined wins over an out-of-office entry", event: ev("Away", typ(calendar.TypeOutOfOffice), with(alice), myAnswer(calendar.ResponseDeclined)),
			kind: KindIgnored, reason: "declined by me"},

		// Out of office.
		{name: "out-of-office entry", event: ev("Away", typ(calendar.TypeOutOfOffice)), kind: KindOutOfOffice, reason: "out-of-office entry"},
		{name: "out-of-office entry, all-day and free", event: ev("Away", typ(calendar.TypeOutOfOffice), allDay, free), kind: KindOutOfOffice, reason: "out-of-office entry"},
		{name: "title OOO", event: ev("OOO"), kind: KindOutOfOffice, reason: `"ooo"`},
		{name: "title Out of office, punctuated", event: ev("Out-of-Office: dentist"), kind: KindOutOfOffice, reason: `"out of office"`},
		{name: "title vacation, all-day and free", event: ev("Vacation 🏖", allDay, free), kind: KindOutOfOffice, reason: `"vacation"`},
		{name: "title holiday, all-day and free", event: ev("Public Holiday", allDay, free), kind: KindOutOfOffice, reason: `"holiday"`},
		{name: "title PTO", event: ev("PTO (Fri)", free), kind: KindOutOfOffice, reason: `"pto"`},
		{name: "title sick", event: ev("sick", allDay), kind: KindOutOfOffice, reason: `"sick"`},
		{name: "title leave", event: ev("Parental leave", allDay, free), kind: KindOutOfOffice, reason: `"leave"`},
		{name: "all-day vacation with guests is still out of office", event: ev("Team vacation", allDay, with(alice)), kind: KindOutOfOffice, reason: `"vacation"`},
		{name: "a timed meeting about a holiday is a meeting", event: ev("Holiday party", with(alice, bob)), kind: KindMeeting, category: CategoryAdHoc,
			people: []string{"alice@example.com", "bob@example.com"}, size: 3},
		{name: "a timed meeting about leave is a meeting", event: ev("Leave policy review", with(alice)), kind: KindMeeting, category: CategoryOneOnOne,
			people: []string{"alice@example.com"}, size: 2},
		{name: "cleave is not leave", event: ev("Cleave the monolith"), kind: KindSolo},
		{name: "leaves is not leave", event: ev("Leaves of grass"), kind: KindSolo},
		{name: "spoon is not ooo", event: ev("Spoon-feeding docs"), kind: KindSolo},
		{name: "sickle is not sick", event: ev("Sickle cell talk", allDay), kind: KindIgnored, reason: "all-day"},

		// A guest list naming only me still holds the organizer.
		{name: "invited alone by an organizer", event: ev("Catch-up", with(), func(e *calendar.Event) { e.Organizer = alice }),
			kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "an imported entry with an organizer and no guests is solo", event: ev("Flight LH 123", func(e *calendar.Event) { e.Organizer = alice }),
			kind: KindSolo},

		// All-day and free.
		{name: "all-day, not out of office", event: ev("Team offsite", allDay), kind: KindIgnored, reason: "all-day event, not out of office"},
		{name: "all-day with guests", event: ev("Conference", allDay, with(alice)), kind: KindIgnored, reason: "all-day"},
		{name: "marked free", event: ev("Reminder: expenses", free), kind: KindIgnored, reason: "marked free"},
		{name: "marked free with guests", event: ev("Optional social", free, with(alice, bob)), kind: KindIgnored, reason: "marked free"},

		// Meetings.
		{name: "meeting with another person", event: ev("Sync", with(alice)), kind: KindMeeting, category: CategoryOneOnOne,
			reason: "meeting of two people", people: []string{"alice@example.com"}, size: 2},
		{name: "meeting by conference link alone", event: ev("Call", link), kind: KindMeeting, category: CategoryAdHoc,
			reason: "video-call link", size: 1},
		{name: "recurring call by link alone", event: ev("Call", link, recurring), kind: KindMeeting, category: CategoryRecurring,
			reason: "video-call link; recurring meeting", size: 1},
		{name: "a room is not a person", event: ev("Think", with(), func(e *calendar.Event) { e.Attendees = append(e.Attendees, room) }),
			kind: KindSolo, size: 1},
		{name: "a room and a person", event: ev("Sync", with(alice), func(e *calendar.Event) { e.Attendees = append(e.Attendees, room) }),
			kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "I organize, with a guest", event: ev("Review", func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: me}
			e.Attendees = []calendar.Attendee{attendee(alice, calendar.ResponseNeedsAction)}
		}), kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "I organize, no guests", event: ev("Review", func(e *calendar.Event) { e.Organizer = calendar.Person{Email: me} }), kind: KindSolo, size: 1},
		{name: "someone else organizes: they are in it", event: ev("Planning", with(bob), func(e *calendar.Event) { e.Organizer = alice }),
			kind: KindMeeting, category: CategoryAdHoc, people: []string{"alice@example.com", "bob@example.com"}, size: 3},
		{name: "the same person twice, in two cases", event: ev("Sync", with(alice), func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, attendee(calendar.Person{Email: "ALICE@example.com"}, calendar.ResponseAccepted))
			e.Organizer = calendar.Person{Email: "Alice@Example.com"}
		}), kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "a guest with a name and no address", event: ev("Sync", with(calendar.Person{Name: "Carol"})),
			kind: KindMeeting, category: CategoryOneOnOne, people: []string{"Carol"}, size: 2},
		{name: "attendees omitted", event: ev("All hands", func(e *calendar.Event) { e.AttendeesOmitted = true }),
			kind: KindMeeting, category: CategoryAdHoc, size: 1},
		{name: "tentative counts", event: ev("Sync", with(alice), myAnswer(calendar.ResponseTentative)), kind: KindMeeting,
			category: CategoryOneOnOne, reason: "I answered maybe", people: []string{"alice@example.com"}, size: 2},
		{name: "unanswered counts", event: ev("Sync", with(alice), myAnswer(calendar.ResponseNeedsAction)), kind: KindMeeting,
			category: CategoryOneOnOne, reason: "I have not answered", people: []string{"alice@example.com"}, size: 2},
		{name: "no answer given counts as unanswered", event: ev("Sync", with(alice), myAnswer("")), kind: KindMeeting,
			category: CategoryOneOnOne, reason: "I have not answered", people: []string{"alice@example.com"}, size: 2},
		{name: "tentative dropped with only-accepted", rules: func(r *Rules) { r.OnlyAccepted = true },
			event: ev("Sync", with(alice), myAnswer(calendar.ResponseTentative)), kind: KindIgnored, reason: "--only-accepted",
			people: []string{"alice@example.com"}, size: 2},
		{name: "unanswered dropped with only-accepted", rules: func(r *Rules) { r.OnlyAccepted = true },
			event: ev("Sync", with(alice), myAnswer(calendar.ResponseNeedsAction)), kind: KindIgnored, reason: "--only-accepted",
			people: []string{"alice@example.com"}, size: 2},
		{name: "accepted kept with only-accepted", rules: func(r *Rules) { r.OnlyAccepted = true },
			event: ev("Sync", with(alice)), kind: KindMeeting, category: CategoryOneOnOne, people: []string{"alice@example.com"}, size: 2},
		{name: "not on the guest list, kept with only-accepted", rules: func(r *Rules) { r.OnlyAccepted = true },
			event: ev("Team sync", func(e *calendar.Event) {
				e.Attendees = []calendar.Attendee{attendee(alice, calendar.ResponseAccepted), attendee(bob, calendar.ResponseAccepted)}
			}), kind: KindMeeting, category: CategoryAdHoc, people: []string{"alice@example.com", "bob@example.com"}, size: 3},
		{name: "lunch with someone is a meeting", event: ev("Lunch with Alice", with(alice)), kind: KindMeeting, category: CategoryOneOnOne,
			people: []string{"alice@example.com"}, size: 2},
		{name: "focus-titled block with guests is a meeting", event: ev("Focus group", with(alice, bob)), kind: KindMeeting, category: CategoryAdHoc,
			people: []string{"alice@example.com", "bob@example.com"}, size: 3},

		// Personal, focus and other solo time.
		{name: "lunch", event: ev("Lunch"), kind: KindPersonal, reason: `"lunch"`, size: 1},
		{name: "gym", event: ev("Gym 💪"), kind: KindPersonal, reason: `"gym"`, size: 1},
		{name: "doctor", event: ev("Doctor's appointment"), kind: KindPersonal, reason: `"doctor"`, size: 1},
		{name: "commute", event: ev("commute"), kind: KindPersonal, reason: `"commute"`, size: 1},
		{name: "coffee break", event: ev("Coffee break"), kind: KindPersonal, reason: `"break"`, size: 1},
		{name: "errands", event: ev("Errands"), kind: KindPersonal, reason: `"errands"`, size: 1},
		{name: "breakout is not break", event: ev("Breakout prep"), kind: KindSolo, size: 1},
		{name: "focus-time entry", event: ev("Do not book", typ(calendar.TypeFocusTime)), kind: KindFocus, reason: "focus-time entry", size: 1},
		{name: "title focus time", event: ev("Focus time"), kind: KindFocus, reason: `"focus"`, size: 1},
		{name: "title heads down", event: ev("Heads-down: parser"), kind: KindFocus, reason: `"heads down"`, size: 1},
		{name: "title deep work", event: ev("DEEP WORK"), kind: KindFocus, reason: `"deep work"`, size: 1},
		{name: "title no meetings", event: ev("No meetings please"), kind: KindFocus, reason: `"no meetings"`, size: 1},
		{name: "other solo", event: ev("Write design doc"), kind: KindSolo, reason: "my own time", size: 1},
		{name: "empty title", event: ev(""), kind: KindSolo, size: 1},

		// Categories, first match wins.
		{name: "interview by title beats one-on-one", event: ev("Interview: backend", with(alice)), kind: KindMeeting, category: CategoryInterview,
			reason: `"interview"`, people: []string{"alice@example.com"}, size: 2},
		{name: "debrief beats large", event: ev("Candidate debrief", withN(11)), kind: KindMeeting, category: CategoryInterview,
			reason: `"debrief"`, size: 12},
		{name: "hiring", event: ev("Hiring committee", withN(3), recurring), kind: KindMeeting, category: CategoryInterview, size: 4},
		{name: "one-on-one beats recurring", event: ev("Alice / me", with(alice), recurring), kind: KindMeeting, category: CategoryOneOnOne,
			people: []string{"alice@example.com"}, size: 2},
		{name: "two visible but attendees omitted is not one-on-one", event: ev("All hands", with(alice), func(e *calendar.Event) { e.AttendeesOmitted = true }),
			kind: KindMeeting, category: CategoryAdHoc, people: []string{"alice@example.com"}, size: 2},
		{name: "me and a mailing list is not one-on-one", event: ev("Team sync", func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, calendar.Attendee{Person: calendar.Person{Email: "team@example.com"}, Group: true})
		}), kind: KindMeeting, category: CategoryAdHoc, people: []string{"team@example.com"}, size: 2},
		{name: "three people", event: ev("Sync", with(alice, bob)), kind: KindMeeting, category: CategoryAdHoc, reason: "one-off meeting",
			people: []string{"alice@example.com", "bob@example.com"}, size: 3},
		{name: "ten people is large", event: ev("Planning", withN(9)), kind: KindMeeting, category: CategoryLarge, reason: "meeting of 10 people", size: 10},
		{name: "nine people is not large", event: ev("Planning", withN(8)), kind: KindMeeting, category: CategoryAdHoc, size: 9},
		{name: "large beats recurring", event: ev("Planning", withN(12), recurring), kind: KindMeeting, category: CategoryLarge, size: 13},
		{name: "recurring", event: ev("Stand-up", withN(4), recurring), kind: KindMeeting, category: CategoryRecurring, reason: "recurring meeting", size: 5},
		{name: "large threshold is a rule", rules: func(r *Rules) { r.LargeMeeting = 4 }, event: ev("Stand-up", withN(4), recurring),
			kind: KindMeeting, category: CategoryLarge, size: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			r.Me = []string{me}
			if tt.rules != nil {
				tt.rules(&r)
			}
			got := Classify([]calendar.Event{tt.event}, r)[0]
			if got.Kind != tt.kind || got.Category != tt.category {
				t.Errorf("got %s/%q (%s), want %s/%q", got.Kind, got.Category, got.Reason, tt.kind, tt.category)
			}
			if !strings.Contains(got.Reason, tt.reason) || got.Reason == "" {
				t.Errorf("reason %q, want it to contain %q", got.Reason, tt.reason)
			}
			if tt.people != nil && !slices.Equal(got.People, tt.people) {
				t.Errorf("people %q, want %q", got.People, tt.people)
			}
			if tt.size != 0 && got.Size != tt.size {
				t.Errorf("size %d, want %d", got.Size, tt.size)
			}
			if got.Event.Title != tt.event.Title || !got.Start.Equal(tt.event.Start) {
				t.Errorf("the event itself was changed: %+v", got.Event)
			}
		})
	}
}

func TestClassifyKeepsOrder(t *testing.T) {
	in := []calendar.Event{ev("Lunch"), ev("Sync", with(alice)), ev("OOO"), ev("Focus")}
	r := DefaultRules()
	r.Me = []string{me}
	var kinds []Kind
	for _, e := range Classify(in, r) {
		kinds = append(kinds, e.Kind)
	}
	want := []Kind{KindPersonal, KindMeeting, KindOutOfOffice, KindFocus}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	if got := Classify(nil, r); len(got) != 0 {
		t.Errorf("Classify(nil) = %v", got)
	}
}

func TestCategories(t *testing.T) {
	want := []Category{CategoryInterview, CategoryOneOnOne, CategoryLarge, CategoryRecurring, CategoryAdHoc}
	if got := Categories(); !slices.Equal(got, want) {
		t.Errorf("Categories() = %v, want %v", got, want)
	}
}

func TestMatcher(t *testing.T) {
	m := newMatcher([]string{"OOO", "out of office", "leave", "  ", "Heads-Down"})
	tests := []struct {
		title string
		want  string
	}{
		{"OOO", "ooo"},
		{"ooo!", "ooo"},
		{"[OOO] Alice", "ooo"},
		{"Out   of\toffice", "out of office"},
		{"out-of-office", "out of office"},
		{"Outofoffice", ""},
		{"cleave", ""},
		{"leaves", ""},
		{"on leave", "leave"},
		{"heads down", "heads down"},
		{"HEADS_DOWN", "heads down"},
		{"heads", ""},
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		got, ok := m.find(normalize(tt.title))
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("find(%q) = %q, %v; want %q", tt.title, got, ok, tt.want)
		}
	}
}

func TestInferMe(t *testing.T) {
	meeting := func(org string, guests ...string) calendar.Event {
		e := ev("Sync", func(e *calendar.Event) { e.Organizer = calendar.Person{Email: org} })
		for _, g := range guests {
			e.Attendees = append(e.Attendees, attendee(calendar.Person{Email: g}, calendar.ResponseAccepted))
		}
		return e
	}
	room := func(e calendar.Event) calendar.Event {
		e.Attendees = append(e.Attendees, calendar.Attendee{Person: calendar.Person{Email: "room@resource.example.com"}, Resource: true})
		return e
	}
	group := func(e calendar.Event) calendar.Event {
		e.Attendees = append(e.Attendees, calendar.Attendee{Person: calendar.Person{Email: "list@example.com"}, Group: true})
		return e
	}
	events := []calendar.Event{
		room(meeting("alice@example.com", "Me@Example.com", "bob@example.com")),
		room(meeting("me@example.com", "alice@example.com")),
		room(meeting("carol@example.com", "ME@example.com", "carol@example.com")),
		// Solo entries do not count, whoever organizes them.
		meeting("zed@example.com"), meeting("zed@example.com"), meeting("zed@example.com"), meeting("zed@example.com"),
	}
	// shared makes a series of e (organized by b@, a@ and c@ its guests):
	// three occurrences on e's guest list, one on a list that is its first
	// guest alone, one on the whole list organized by d@, and a meeting of
	// b@ with x@: a@ and b@ are on five each, c@ on four.
	shared := func(e calendar.Event) []calendar.Event {
		short, other := e, e
		short.Attendees = e.Attendees[:1]
		other.Organizer = calendar.Person{Email: "d@example.com"}
		return []calendar.Event{e, e, e, short, other, meeting("b@example.com", "x@example.com")}
	}
	tests := []struct {
		name    string
		info    calendar.Info
		events  []calendar.Event
		want    []string
		wantHow string
	}{
		{"owner", calendar.Info{Owner: []string{"Me@Example.com", "me@alias.example"}, Name: "other@example.com"}, events,
			[]string{"me@example.com", "me@alias.example"}, "owner"},
		{"calendar name is an address", calendar.Info{Name: " Me@Example.com "}, nil, []string{"me@example.com"}, "name"},
		{"calendar name with a display name is not an address", calendar.Info{Name: "Me <me@example.com>"}, nil, nil, ""},
		{"most frequent address; rooms and solo entries do not count", calendar.Info{Name: "Work"}, events, []string{"me@example.com"}, "most events"},
		{"a tie goes to the first address, and is said", calendar.Info{Name: "Work"}, []calendar.Event{
			meeting("b@example.com", "a@example.com"), meeting("c@example.com", "b@example.com", "a@example.com"), meeting("b@example.com", "a@example.com"),
		}, []string{"a@example.com"}, "most events with guests, but b@example.com is on as many"},
		{"a mailing list is not me", calendar.Info{Name: "Work"}, []calendar.Event{
			group(meeting("b@example.com", "m@example.com")), group(meeting("c@example.com", "m@example.com")),
		}, []string{"m@example.com"}, "most events with guests"},
		{"occurrences sharing a guest list count once each, and so does a shorter list on the same room", calendar.Info{Name: "Work"},
			shared(meeting("b@example.com", "a@example.com", "c@example.com")), []string{"a@example.com"}, "with guests, but b@example.com is on as many"},
		{"nothing to go on", calendar.Info{Name: "Work"}, []calendar.Event{ev("Lunch")}, nil, ""},
		{"no events at all", calendar.Info{}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, how := InferMe(tt.info, tt.events)
			if !slices.Equal(got, tt.want) {
				t.Errorf("me = %q, want %q", got, tt.want)
			}
			if !strings.Contains(how, tt.wantHow) || (tt.wantHow == "") != (how == "") {
				t.Errorf("how = %q, want it to mention %q", how, tt.wantHow)
			}
		})
	}
}

func TestCustomCategories(t *testing.T) {
	yes, no := true, false
	partner := calendar.Person{Email: "pat@partner.example.org"}
	custom := []CategoryRule{
		{Name: "incident", Title: regexp.MustCompile(`(?i)\b(incident|post-?mortem)\b`)},
		{Name: "all_hands", MinPeople: 20},
		{Name: "pairing", MaxPeople: 2, Recurring: &yes},
		{Name: "customer", AttendeeDomain: "Partner.example.org"},
		{Name: "hr", OrganizerDomain: "hr.example.com", Recurring: &no},
		{Name: "small_sync", Title: regexp.MustCompile(`(?i)sync`), MinPeople: 3, MaxPeople: 4},
	}
	organizer := func(email string) func(*calendar.Event) {
		return func(e *calendar.Event) { e.Organizer = calendar.Person{Email: email} }
	}
	tests := []struct {
		name   string
		event  calendar.Event
		want   Category
		reason string
	}{
		{"title pattern", ev("Incident review", with(alice)), "incident", `custom rule 1 "incident"`},
		{"title pattern, other spelling", ev("Postmortem: outage", withN(30)), "incident", `custom rule 1`},
		{"the first rule that matches wins", ev("Postmortem", withN(25)), "incident", `custom rule 1`},
		{"pattern finds a word, not a part", ev("Incidental chat", with(alice)), CategoryOneOnOne, "meeting of two people"},
		{"minimum people", ev("Town hall", withN(24)), "all_hands", `custom rule 2 "all_hands"`},
		{"below the minimum: built-in", ev("Town hall", withN(12)), CategoryLarge, "meeting of 13 people"},
		{"maximum people and recurring", ev("Pairing", with(alice), recurring), "pairing", `custom rule 3`},
		{"recurring wanted, one-off given", ev("Pairing", with(alice)), CategoryOneOnOne, "meeting of two people"},
		{"attendee domain, any case", ev("Roadmap", with(alice, partner)), "customer", `custom rule 4 "customer"`},
		{"attendee domain matches subdomains", ev("Roadmap", with(calendar.Person{Email: "x@eu.partner.example.org"}, bob)), "customer", `custom rule 4`},
		{"attendee domain is not a suffix of a word", ev("Roadmap", with(calendar.Person{Email: "x@notpartner.example.org"}, bob)), CategoryAdHoc, "one-off meeting"},
		{"organizer domain and one-off", ev("Benefits", with(alice, bob), organizer("hr@hr.example.com")), "hr", `custom rule 5 "hr"`},
		{"organizer domain but recurring", ev("Benefits", with(alice, bob), organizer("hr@hr.example.com"), recurring), CategoryRecurring, "recurring meeting"},
		{"every condition of a rule", ev("Team sync", with(alice, bob)), "small_sync", `custom rule 6`},
		{"one condition fails", ev("Team sync", with(alice)), CategoryOneOnOne, "meeting of two people"},
		{"before the built-in interview", ev("Interview debrief: incident", with(alice, bob)), "incident", `custom rule 1`},
		{"not a meeting: no category", ev("Incident notes"), "", "no one else on it"},
	}
	r := DefaultRules()
	r.Me = []string{me}
	r.Custom = custom
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify([]calendar.Event{tt.event}, r)[0]
			if got.Category != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("category %q (%s), want %q (%s)", got.Category, got.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestNoCustomRulesKeepsBuiltIns(t *testing.T) {
	r := DefaultRules()
	r.Me = []string{me}
	if r.Custom != nil {
		t.Fatalf("DefaultRules has custom rules: %v", r.Custom)
	}
	got := Classify([]calendar.Event{ev("Incident review", with(alice))}, r)[0]
	if got.Category != CategoryOneOnOne {
		t.Errorf("category %q, want %q", got.Category, CategoryOneOnOne)
	}
}

// TestSharedVerdicts classifies many occurrences at once, the way a
// calendar gives them (a series' occurrences sharing one list of
// attendees, overrides and lookalikes that differ in one field, more
// unlike events than the classifier remembers), and checks each against
// the event classified on its own.
func TestSharedVerdicts(t *testing.T) {
	team := []calendar.Attendee{attendee(calendar.Person{Email: me}, calendar.ResponseAccepted), attendee(alice, calendar.ResponseAccepted), attendee(bob, calendar.ResponseAccepted)}
	declined := slices.Clone(team)
	declined[0].Response = calendar.ResponseDeclined
	variants := []func(*calendar.Event){
		func(e *calendar.Event) { e.Attendees = team },
		func(e *calendar.Event) { e.Attendees = team[:2] }, // the same list, shorter: a one-on-one
		func(e *calendar.Event) { e.Attendees = declined },
		func(e *calendar.Event) { e.Attendees = team; e.Title = "Interview" },
		func(e *calendar.Event) { e.Attendees = team; e.Status = calendar.StatusCancelled },
		func(e *calendar.Event) { e.Attendees = team; e.Recurring = true },
		func(e *calendar.Event) { e.Attendees = team; e.Transparent = true },
		func(e *calendar.Event) { e.Attendees = team; e.AttendeesOmitted = true },
		func(e *calendar.Event) { e.Attendees = team; e.Organizer = alice },
		func(e *calendar.Event) { e.Attendees = team; allDay(e) },
		func(e *calendar.Event) { e.Title = "Lunch" },
		func(e *calendar.Event) { e.Title = "Lunch"; link(e) },
		func(e *calendar.Event) { e.Title = "Heads down" },
		func(e *calendar.Event) { e.Title = "Write the design doc"; e.Type = calendar.TypeFocusTime },
		func(e *calendar.Event) { e.Title = "Write the design doc" },
	}
	var events []calendar.Event
	for i := range 3 * maxRemembered {
		v := variants[i%len(variants)]
		if i%3 == 0 {
			// Unlike every other: a list of its own.
			v = with(calendar.Person{Email: fmt.Sprintf("p%d@example.com", i%7)})
		}
		e := ev("Weekly sync", v)
		e.Start = start.Add(time.Duration(i) * time.Hour)
		e.End = e.Start.Add(time.Hour)
		events = append(events, e)
	}
	rules := DefaultRules()
	rules.Me = []string{me}
	rules.Custom = []CategoryRule{{Name: "with-alice-org", OrganizerDomain: "example.com", MinPeople: 3, Title: regexp.MustCompile(`^Weekly`)}}
	got := Classify(events, rules)
	kinds := map[Kind]bool{}
	for i, e := range events {
		want := Classify([]calendar.Event{e}, rules)[0]
		if g := got[i]; g.Kind != want.Kind || g.Category != want.Category || g.Reason != want.Reason || g.Keyword != want.Keyword ||
			!slices.Equal(g.People, want.People) || g.Size != want.Size || !g.Start.Equal(e.Start) || g.Title != e.Title {
			t.Fatalf("event %d: classified with the others %+v, alone %+v", i, g, want)
		}
		kinds[got[i].Kind] = true
	}
	if len(kinds) < 5 {
		t.Errorf("only kinds %v: the variants do not tell apart what they should", kinds)
	}
}

// TestLikeness keeps likeness in step with calendar.Event: a field added
// to the event must be put in likeness if classify reads it, or named here
// as one it does not.
func TestLikeness(t *testing.T) {
	decides := map[string]bool{
		"Title": true, "ConferenceURL": true, "Status": true, "Type": true, "Organizer": true, "Attendees": true,
		"AllDay": true, "Transparent": true, "AttendeesOmitted": true, "Recurring": true,
		"UID": false, "SeriesID": false, "Start": false, "End": false, "Categories": false, "Origin": false,
	}
	fields := reflect.TypeFor[calendar.Event]()
	for i := range fields.NumField() {
		if _, ok := decides[fields.Field(i).Name]; !ok {
			t.Errorf("calendar.Event.%s: does classify read it? If so, add it to likeness; then list it here", fields.Field(i).Name)
		}
	}
	if n := reflect.TypeFor[likeness]().NumField(); n != 11 { // the attendees are two: the list and its length
		t.Errorf("likeness has %d fields: keep this test in step", n)
	}
}
