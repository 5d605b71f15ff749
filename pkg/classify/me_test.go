package classify

import (
	"testing"

	"github.com/emtime/emtime/pkg/calendar"
)

// TestMe: who I am on an event, what I answered and whether I organise
// it, by my addresses (in any case) or the source's mark.
func TestMe(t *testing.T) {
	m := NewMe([]string{" Me@Example.com ", "alias@example.com"})
	self := calendar.Person{Email: "someone@elsewhere.example", Self: true}
	organizer := func(p calendar.Person) func(*calendar.Event) {
		return func(e *calendar.Event) { e.Organizer = p }
	}
	tests := []struct {
		name      string
		event     calendar.Event
		response  calendar.Response
		invited   bool
		organizes bool
	}{
		{"invited by Bob, accepted", ev("Sync", organizer(bob), with(bob)), calendar.ResponseAccepted, true, false},
		{"invited by Bob, not answered", ev("Sync", organizer(bob), with(bob), myAnswer("")), calendar.ResponseNeedsAction, true, false},
		{"invited by Bob, tentative", ev("Sync", organizer(bob), with(bob), myAnswer(calendar.ResponseTentative)), calendar.ResponseTentative, true, false},
		{"my alias organises, in capitals", ev("Sync", organizer(calendar.Person{Email: "ALIAS@example.com"}), with(bob)), calendar.ResponseAccepted, true, true},
		{"the source marks the organizer as me", ev("Sync", organizer(self)), calendar.ResponseAccepted, false, true},
		{"the guest marked organizer is me", ev("Sync", func(e *calendar.Event) {
			e.Attendees = []calendar.Attendee{{Person: calendar.Person{Email: me}, Organizer: true, Response: calendar.ResponseAccepted}, attendee(bob, "")}
		}), calendar.ResponseAccepted, true, true},
		{"invited through a group: not on the list, accepted", ev("All hands", organizer(bob), func(e *calendar.Event) {
			e.Attendees = []calendar.Attendee{attendee(bob, calendar.ResponseAccepted), {Person: calendar.Person{Email: "team@example.com"}, Group: true}}
		}), calendar.ResponseAccepted, false, false},
		{"an entry of my own with a video link: mine", ev("Office hours", link), calendar.ResponseAccepted, false, true},
		{"an imported entry naming its creator: not mine", ev("Office hours", link, organizer(alice)), calendar.ResponseAccepted, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, invited := m.Response(tt.event)
			if resp != tt.response || invited != tt.invited {
				t.Errorf("Response = %q, %v; want %q, %v", resp, invited, tt.response, tt.invited)
			}
			if got := m.Organizes(tt.event); got != tt.organizes {
				t.Errorf("Organizes = %v, want %v", got, tt.organizes)
			}
		})
	}
	if m.Is(bob) || !m.Is(calendar.Person{Email: "me@EXAMPLE.com"}) || !m.Is(self) || NewMe(nil).Is(calendar.Person{}) {
		t.Error("Is tells the wrong people apart")
	}
}
