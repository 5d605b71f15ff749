package calendar

import (
	"slices"
	"strings"
)

// Merge joins the results of several sources into one, sorted by start. An
// event present in more than one (the same UID starting at the same
// instant, as when a meeting sits on two calendars) is kept once: the first
// one given.
func Merge(results ...Result) Result {
	if len(results) == 1 {
		r := results[0]
		if slices.IsSortedFunc(r.Events, byStart) {
			return r
		}
	}
	total := 0
	for _, r := range results {
		total += len(r.Events)
	}
	out := Result{Events: make([]Event, 0, total)}
	type key struct {
		uid   string
		start int64
	}
	seen := make(map[key]bool, total)
	for _, r := range results {
		out.Warnings = append(out.Warnings, r.Warnings...)
		for _, e := range r.Events {
			if e.UID != "" {
				k := key{e.UID, e.Start.UnixNano()}
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			out.Events = append(out.Events, e)
		}
	}
	slices.SortStableFunc(out.Events, byStart)
	return out
}

func byStart(a, b Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.UID, b.UID)
}
