package classify

import (
	"fmt"
	"net/mail"
	"sort"
	"strings"

	"github.com/emtime/emtime/pkg/calendar"
)

// InferMe guesses my addresses when the user gave none: the owner the source
// knows, else a calendar name that is an address (Google's exports name the
// calendar after its owner), else the address found on the most events with
// guests. how says which, for the user to check, and names any address on
// as many events; me is nil when nothing fits.
func InferMe(info calendar.Info, events []calendar.Event) (me []string, how string) {
	if len(info.Owner) > 0 {
		return lower(info.Owner), "the calendar's owner"
	}
	if a, err := mail.ParseAddress(strings.TrimSpace(info.Name)); err == nil && a.Address == strings.TrimSpace(info.Name) {
		return []string{strings.ToLower(a.Address)}, "the calendar's name"
	}
	addrs, counts := AddressCounts(events)
	if len(addrs) == 0 {
		return nil, ""
	}
	how = "the address on the most events with guests"
	var tied []string
	for _, a := range addrs[1:] {
		if counts[a] == counts[addrs[0]] {
			tied = append(tied, a)
		}
	}
	switch {
	case len(tied) == 1:
		how += ", but " + tied[0] + " is on as many"
	case len(tied) > 1:
		how += fmt.Sprintf(", but %d others are on as many (%s)", len(tied), strings.Join(tied[:min(len(tied), 3)], ", "))
	}
	return addrs[:1], how
}

// AddressCounts counts, for every address on the events with guests (as
// organizer or guest, rooms and groups left out), how many events it is
// on; addrs lists them, in lower case, most events first (then in
// alphabetical order).
func AddressCounts(events []calendar.Event) (addrs []string, counts map[string]int) {
	// The occurrences of a series share their entry's guest list (see
	// [calendar.Event]): each list is gone through once, for all the
	// events that hold it, not once an event, so that a series of many
	// guests and many occurrences costs its guests plus its occurrences.
	type key struct {
		first     *calendar.Attendee
		n         int
		organizer string
	}
	type list struct {
		attendees []calendar.Attendee
		organizer string
		events    int
	}
	var lists []list
	index := make(map[key]int)
	for i := range events {
		e := &events[i]
		if len(e.Attendees) == 0 {
			continue
		}
		k := key{&e.Attendees[0], len(e.Attendees), e.Organizer.Email}
		j, ok := index[k]
		if !ok {
			j = len(lists)
			index[k] = j
			lists = append(lists, list{attendees: e.Attendees, organizer: e.Organizer.Email})
		}
		lists[j].events++
	}
	counts = make(map[string]int)
	seen := make(map[string]bool)
	for _, l := range lists {
		clear(seen)
		note := func(email string) {
			email = strings.ToLower(email)
			if email != "" && !seen[email] {
				seen[email] = true
				counts[email] += l.events
			}
		}
		note(l.organizer)
		for _, a := range l.attendees {
			if !a.Resource && !a.Group {
				note(a.Email)
			}
		}
	}
	addrs = make([]string, 0, len(counts))
	for a := range counts {
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool {
		if counts[addrs[i]] != counts[addrs[j]] {
			return counts[addrs[i]] > counts[addrs[j]]
		}
		return addrs[i] < addrs[j]
	})
	return addrs, counts
}

// Me tells me apart on an event, by my addresses: it is the one rule of
// who I am, what I answered and what I organise, for classification and
// for every count that asks it again (the meetings I organise, say).
type Me struct{ addresses map[string]bool }

// NewMe takes my addresses (aliases included), in any case.
func NewMe(addresses []string) Me {
	m := Me{addresses: make(map[string]bool, len(addresses))}
	for _, a := range addresses {
		m.addresses[strings.ToLower(strings.TrimSpace(a))] = true
	}
	return m
}

// Is reports whether a person is me: the source marks them as me, or
// their address is one of mine.
func (m Me) Is(p calendar.Person) bool {
	return p.Self || (p.Email != "" && m.addresses[strings.ToLower(p.Email)])
}

// Response returns my answer to an event and whether I am on its guest
// list. The organizer has accepted their own event; an event with no
// guest list is mine; an event whose list does not name me (I was invited
// through a group, say) is on my calendar: each counts as accepted.
func (m Me) Response(e calendar.Event) (calendar.Response, bool) {
	for _, a := range e.Attendees {
		if m.Is(a.Person) {
			if a.Response == "" {
				return calendar.ResponseNeedsAction, true
			}
			return a.Response, true
		}
	}
	return calendar.ResponseAccepted, false
}

// Organizes reports whether I organise an event: I am its organizer, or
// the guest marked as organizer, or it has neither a guest list nor an
// organizer (an entry of my own, with a video link, say).
func (m Me) Organizes(e calendar.Event) bool {
	if m.Is(e.Organizer) {
		return true
	}
	for _, a := range e.Attendees {
		if a.Organizer && m.Is(a.Person) {
			return true
		}
	}
	return len(e.Attendees) == 0 && e.Organizer.Email == "" && e.Organizer.Name == ""
}

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}
