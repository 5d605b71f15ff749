package report

import (
	"slices"
	"strings"
)

// Trend returns a redacted copy of a trend's report: my addresses become
// "me", my domain "my-domain", each calendar "calendar-N" and every
// warning "details withheld" (see [Redactor]); a trend names no title
// and no person, and every number, date and sentence is kept.
func (rd *Redactor) Trend(r TrendReport) TrendReport {
	out := r
	out.Head, out.Warnings = rd.head(r.Head), rd.warnings(r.Warnings)
	out.Weeks = slices.Clone(r.Weeks)
	out.Transitions = slices.Clone(r.Transitions)
	out.Columns = slices.Clone(r.Columns)
	return out
}

// head redacts what every document's head says of me, the calendars and
// the settings.
func (rd *Redactor) head(h Head) Head {
	out := h
	out.Me = []string{}
	if len(h.Me) > 0 {
		out.Me = []string{redactedMe}
	}
	out.Sources = make([]string, 0, len(h.Sources))
	for _, s := range h.Sources {
		out.Sources = append(out.Sources, rd.source(s))
	}
	out.Settings = rd.settings(h.Settings)
	return out
}

// warnings withholds every warning, keeping how many there were.
func (rd *Redactor) warnings(ws []string) []string {
	out := make([]string, 0, len(ws))
	for range ws {
		out = append(out, redactedWarning)
	}
	return out
}

// Meetings returns a redacted copy of a meetings' report: each series'
// title becomes "event-N" (as in the events it was made of, with one
// Redactor), each person "person-N" and their name is dropped, each
// series key "series:uid-N"; the target's drops and the moves name the
// series the same way, and the moves' sentences quote the pseudonym. My
// addresses, my domain, the calendars and the warnings go as in
// [Redactor.Report]; every number is kept.
func (rd *Redactor) Meetings(r MeetingsReport) MeetingsReport {
	out := r
	out.Head, out.Warnings = rd.head(r.Head), rd.warnings(r.Warnings)
	out.Series = make([]MeetingSeries, 0, len(r.Series))
	for _, x := range r.Series {
		out.Series = append(out.Series, rd.series(x))
	}
	if tg := r.Target; tg != nil {
		t := *tg
		t.Drop, t.DropKeys = make([]string, 0, len(tg.Drop)), make([]string, 0, len(tg.DropKeys))
		for _, d := range tg.Drop {
			t.Drop = append(t.Drop, rd.title(d))
		}
		for _, k := range tg.DropKeys {
			t.DropKeys = append(t.DropKeys, rd.seriesKey(k))
		}
		t.Steps = make([]TargetStep, 0, len(tg.Steps))
		for _, st := range tg.Steps {
			st.Title, st.Key = rd.title(st.Title), rd.seriesKey(st.Key)
			t.Steps = append(t.Steps, st)
		}
		t.drop = make([]MeetingSeries, 0, len(tg.drop))
		for _, x := range tg.drop {
			t.drop = append(t.drop, rd.series(x))
		}
		t.Says = slices.Clone(tg.Says)
		out.Target = &t
	}
	if r.Moves != nil {
		out.Moves = make([]MeetingMove, 0, len(r.Moves))
		for _, m := range r.Moves {
			pseudo := rd.title(m.Title)
			// The sentence quotes the title between double quotes.
			m.Says = strings.ReplaceAll(m.Says, `"`+m.Title+`"`, `"`+pseudo+`"`)
			m.Title, m.Key = pseudo, rd.seriesKey(m.Key)
			m.Weekdays = slices.Clone(m.Weekdays)
			out.Moves = append(out.Moves, m)
		}
	}
	return out
}

// series copies a series with its title, people and key redacted.
func (rd *Redactor) series(x MeetingSeries) MeetingSeries {
	x.Title = rd.title(x.Title)
	x.Key = rd.seriesKey(x.Key)
	people := make([]SeriesPerson, 0, len(x.TopPeople))
	for _, p := range x.TopPeople {
		people = append(people, SeriesPerson{Person: rd.person(p.Person), Occurrences: p.Occurrences})
	}
	x.TopPeople = people
	x.Weekdays = slices.Clone(x.Weekdays)
	return x
}

// seriesKey redacts the UID a recurring series' key names; a one-off's
// key names nothing but its place.
func (rd *Redactor) seriesKey(k string) string {
	if uid, ok := strings.CutPrefix(k, "series:"); ok {
		return "series:" + pseudonym(rd.uids, uid, "uid")
	}
	return k
}

// whatifs redacts what the page of an analysis draws of the what-ifs.
func (rd *Redactor) whatifs(series []MeetingSeries, trend *TrendReport) ([]MeetingSeries, *TrendReport) {
	var out []MeetingSeries
	if series != nil {
		out = make([]MeetingSeries, 0, len(series))
		for _, x := range series {
			out = append(out, rd.series(x))
		}
	}
	if trend == nil {
		return out, nil
	}
	tr := rd.Trend(*trend)
	return out, &tr
}
