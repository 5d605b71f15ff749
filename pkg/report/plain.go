package report

import (
	"maps"
	"slices"

	"github.com/emtime/emtime/pkg/textsafe"
)

// plainReport returns a copy of r whose text from outside — people,
// category names, reasons, sources, warnings, my addresses, the zone and
// the domain — is fit for one line, with no escape sequence or control
// character ([textsafe.Line]); r is left as it was. The HTML page is drawn
// from it: html/template escapes markup, not control characters, and a
// page can be printed on a terminal too.
func plainReport(r Report) Report {
	out := r
	out.Head, out.Warnings = plainHead(r.Head), lines(r.Warnings)
	out.Weeks = make([]Week, len(r.Weeks))
	for i, wk := range r.Weeks {
		wk.Tally = plainTally(wk.Tally)
		out.Weeks[i] = wk
	}
	out.Summary.Tally = plainTally(r.Summary.Tally)
	if cw := r.Summary.CurrentWeek; cw != nil {
		c := *cw
		c.Tally = plainTally(cw.Tally)
		out.Summary.CurrentWeek = &c
	}
	out.Heat = slices.Clone(r.Heat)
	return out
}

// plainHead is a copy of a document's head whose text from outside (the
// zone, my addresses, the calendars, the domain, rule names, the git
// repositories and authors) is fit for one line.
func plainHead(h Head) Head {
	out := h
	out.Timezone = textsafe.Line(h.Timezone)
	out.Me, out.Sources = lines(h.Me), lines(h.Sources)
	out.Settings.Domain = textsafe.Line(h.Settings.Domain)
	out.Settings.Categories = lines(h.Settings.Categories)
	out.Settings.WorkHours = maps.Clone(h.Settings.WorkHours)
	if g := h.Settings.GitSettings; g != nil {
		gs := *g
		gs.GitAuthors = lines(g.GitAuthors)
		gs.Git = slices.Clone(g.Git)
		for i := range gs.Git {
			gs.Git[i].Repository = textsafe.Line(gs.Git[i].Repository)
		}
		out.Settings.GitSettings = &gs
	}
	return out
}

func plainTally(t Tally) Tally {
	if t.Categories != nil {
		cats := make(map[string]Category, len(t.Categories))
		for k, v := range t.Categories {
			cats[textsafe.Line(k)] = v
		}
		t.Categories = cats
	}
	t.Reasons = lines(t.Reasons)
	if t.TopPeople != nil {
		people := make([]Person, len(t.TopPeople))
		for i, p := range t.TopPeople {
			people[i] = Person{Person: textsafe.Line(p.Person), Minutes: p.Minutes}
		}
		t.TopPeople = people
	}
	return t
}

func lines(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = textsafe.Line(s)
	}
	return out
}
