package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/classify"
)

// What stands for my addresses, my domain and each warning in a redacted
// report.
const (
	redactedMe      = "me"
	redactedDomain  = "my-domain"
	redactedWarning = "details withheld: the report is redacted"
)

// Redactor replaces what a report or an event list says about who met whom
// about what with stable pseudonyms, so the result can be shared: each
// person becomes "person-1", "person-2"… (my own addresses become "me"),
// each title "event-1", "event-2"…, each calendar "calendar-1"…, each UID
// "uid-1"…, each git repository "repository-1"… (its path and name), each
// commit's subject "commit-1"…; event origins and commit hashes are
// dropped, the report's list of my addresses and of the addresses I commit
// with becomes the one "me", my domain "my-domain", and every warning
// "details withheld: the report is redacted" (warnings quote file names,
// UIDs, raw calendar lines and repository paths).
//
// The same person, title, calendar or UID gets the same pseudonym for as
// long as the Redactor lives, so redacting a report and its events with one
// Redactor keeps them consistent. Pseudonyms are numbered in order of first
// appearance (the calendars, then each week's people in order, then the
// range's; events in order): they carry no hash of an address that could be
// guessed back. People are matched without regard to case.
//
// Everything else is kept as it is: every number, the dates and zone, the
// kinds, categories and tracks, and the reasons, which are the rules' own
// words less the title keyword an event's reason quotes ("title says
// "doctor"" becomes "title matches a keyword").
//
// A Redactor is not safe for concurrent use.
type Redactor struct {
	me      map[string]bool
	people  map[string]string
	titles  map[string]string
	sources map[string]string
	uids    map[string]string
	repos   map[string]string
	commits map[string]string
}

// NewRedactor returns a Redactor that writes "me" for each of the
// addresses in me.
func NewRedactor(me []string) *Redactor {
	rd := &Redactor{
		me:      make(map[string]bool),
		people:  make(map[string]string),
		titles:  make(map[string]string),
		sources: make(map[string]string),
		uids:    make(map[string]string),
		repos:   make(map[string]string),
		commits: make(map[string]string),
	}
	for _, m := range me {
		rd.me[personKey(m)] = true
	}
	return rd
}

// Redact returns a redacted copy of the report; see [Redactor].
func Redact(r Report) Report {
	return NewRedactor(r.Me).Report(r)
}

// RedactEvents returns a redacted copy of the events; see [Redactor]. To
// redact events and a report alike, or to write "me" for my addresses, use
// one [Redactor] made with [NewRedactor].
func RedactEvents(events []Event) []Event {
	return NewRedactor(nil).Events(events)
}

// Report returns a redacted copy of r; r is left as it was.
func (rd *Redactor) Report(r Report) Report {
	out := r
	out.Head, out.Warnings = rd.head(r.Head), rd.warnings(r.Warnings)
	out.Weeks = make([]Week, 0, len(r.Weeks))
	for _, wk := range r.Weeks {
		wk.Tally = rd.tally(wk.Tally)
		out.Weeks = append(out.Weeks, wk)
	}
	out.Summary.Tally = rd.tally(r.Summary.Tally)
	if cw := r.Summary.CurrentWeek; cw != nil {
		c := *cw
		c.Tally = rd.tally(cw.Tally)
		out.Summary.CurrentWeek = &c
	}
	out.Heat = slices.Clone(r.Heat)
	out.FocusCosts, out.Trend = rd.whatifs(r.FocusCosts, r.Trend)
	return out
}

// settings copies the settings with my domain, my git-only addresses and
// the repositories' paths redacted.
func (rd *Redactor) settings(s Settings) Settings {
	out := s
	out.WorkHours = maps.Clone(s.WorkHours)
	out.Categories = slices.Clone(s.Categories)
	if s.Domain != "" {
		out.Domain = redactedDomain
	}
	if g := s.GitSettings; g != nil {
		gs := *g
		gs.GitAuthors = []string{}
		if len(g.GitAuthors) > 0 {
			gs.GitAuthors = []string{redactedMe}
		}
		gs.Git = make([]GitRepo, 0, len(g.Git))
		for _, repo := range g.Git {
			repo.Repository = rd.repo(repo.Repository)
			gs.Git = append(gs.Git, repo)
		}
		out.GitSettings = &gs
	}
	return out
}

// Events returns a redacted copy of the events; events are left as they
// were.
func (rd *Redactor) Events(events []Event) []Event {
	out := make([]Event, 0, len(events))
	for _, e := range events {
		out = append(out, rd.event(e))
	}
	return out
}

// event is a redacted copy of one event.
func (rd *Redactor) event(e Event) Event {
	if e.Kind != KindCoding && e.Kind != KindCommit {
		e.Title = rd.title(e.Title)
	}
	e.Reason, e.keyword = classify.HideKeyword(e.Reason, e.keyword), ""
	people := make([]string, 0, len(e.People))
	for _, p := range e.People {
		people = append(people, rd.person(p))
	}
	e.People = people
	e.UID = pseudonym(rd.uids, e.UID, "uid")
	e.Origin = ""
	if e.Repositories != nil {
		repos := make([]string, 0, len(e.Repositories))
		for _, r := range e.Repositories {
			repos = append(repos, rd.repo(r))
		}
		e.Repositories = repos
	}
	switch e.Kind {
	case KindCoding:
		e.Title = sessionTitle(e.Commits, e.Repositories)
	case KindCommit:
		e.Title = pseudonym(rd.commits, e.Hash, "commit")
		e.Reason = commitReason("")
		e.Hash = ""
	}
	return e
}

// tally copies t with its people redacted.
func (rd *Redactor) tally(t Tally) Tally {
	t.Categories = maps.Clone(t.Categories)
	t.Reasons = slices.Clone(t.Reasons)
	people := make([]Person, 0, len(t.TopPeople))
	for _, p := range t.TopPeople {
		people = append(people, Person{Person: rd.person(p.Person), Minutes: p.Minutes})
	}
	t.TopPeople = people
	return t
}

func (rd *Redactor) person(p string) string {
	if rd.me[personKey(p)] {
		return redactedMe
	}
	return pseudonym(rd.people, personKey(p), "person")
}

func (rd *Redactor) title(t string) string { return pseudonym(rd.titles, t, "event") }

func (rd *Redactor) source(s string) string { return pseudonym(rd.sources, s, "calendar") }

func (rd *Redactor) repo(r string) string { return pseudonym(rd.repos, r, "repository") }

// pseudonym is the name given to key in seen, naming it prefix-N (N counting
// from 1 in order of first appearance) when it is new. An empty key stays
// empty: it tells nothing.
func pseudonym(seen map[string]string, key, prefix string) string {
	if key == "" {
		return ""
	}
	if p, ok := seen[key]; ok {
		return p
	}
	p := fmt.Sprintf("%s-%d", prefix, len(seen)+1)
	seen[key] = p
	return p
}

func personKey(p string) string { return strings.ToLower(strings.TrimSpace(p)) }
