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
	counts := make(map[string]int)
	for _, e := range events {
		if len(e.Attendees) == 0 {
			continue
		}
		seen := make(map[string]bool)
		note := func(email string) {
			email = strings.ToLower(email)
			if email != "" && !seen[email] {
				seen[email] = true
				counts[email]++
			}
		}
		note(e.Organizer.Email)
		for _, a := range e.Attendees {
			if !a.Resource && !a.Group {
				note(a.Email)
			}
		}
	}
	if len(counts) == 0 {
		return nil, ""
	}
	addrs := make([]string, 0, len(counts))
	for a := range counts {
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool {
		if counts[addrs[i]] != counts[addrs[j]] {
			return counts[addrs[i]] > counts[addrs[j]]
		}
		return addrs[i] < addrs[j]
	})
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

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}
