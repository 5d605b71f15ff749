package report

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/textsafe"
)

// Event is one line of `emtime events`: an occurrence and how it was
// classified.
type Event struct {
	Start     string   `json:"start"`
	End       string   `json:"end"`
	AllDay    bool     `json:"all_day"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Category  string   `json:"category,omitempty"`
	Reason    string   `json:"reason"`
	People    []string `json:"people"`
	Recurring bool     `json:"recurring"`
	// What the event adds up to within the range (see analyze.EventTally).
	WorkingMinutes    int `json:"working_minutes"`
	AfterHoursMinutes int `json:"after_hours_minutes"`
	AwayMinutes       int `json:"away_minutes"`
	// UncountedMinutes are a coding session's minutes not counted as
	// coding: under a meeting, out of office or in personal time. A
	// calendar event has none (and the key is left out then, as it is for
	// a session with none); its minutes out of office are AwayMinutes.
	UncountedMinutes int    `json:"uncounted_minutes,omitempty"`
	UID              string `json:"uid"`
	Origin           string `json:"origin"`
	// Repositories and Commits are a coding session's (kind coding) or a
	// commit's (kind commit): where its commits were found, and how many
	// it holds. Hash is a commit's.
	Repositories []string `json:"repositories,omitempty"`
	Commits      int      `json:"commits,omitempty"`
	Hash         string   `json:"hash,omitempty"`

	// keyword is the title keyword the reason quotes, taken out of it by
	// [Redactor.Events].
	keyword string
	// at orders the list: the start, in Unix nanoseconds.
	at int64
}

// The kinds of row that come from git history rather than the calendar.
const (
	// KindCoding is a coding session: its working minutes are coding in
	// working hours, its after-hours minutes coding after them, its
	// uncounted minutes the part not counted (in a meeting, out of office,
	// personal time); its away minutes are none.
	KindCoding = "coding"
	// KindCommit is one of my commits, listed with --show-commits; the
	// session holding it counts its time.
	KindCommit = "commit"
)

// CodingSession is a coding session to list, and what it adds up to.
type CodingSession struct {
	Start, End time.Time
	Commits    int
	Repos      []string
	Tally      analyze.SessionTally
}

// Commit is one of my commits to list.
type Commit struct {
	Hash    string
	When    time.Time
	Repos   []string
	Subject string
}

// NewCodingEvents lists coding sessions and commits as rows of the event
// list, with times in zone; gap and lead are the rule the sessions were
// made by, which their reason states. [SortEvents] puts them among the
// calendar's.
func NewCodingEvents(sessions []CodingSession, commits []Commit, gap, lead time.Duration, zone *time.Location) []Event {
	out := make([]Event, 0, len(sessions)+len(commits))
	reason := fmt.Sprintf("my commits at most %s apart, from %s before the first to the last", hm(int(gap/time.Minute)), hm(int(lead/time.Minute)))
	for _, s := range sessions {
		out = append(out, Event{
			Start: s.Start.In(zone).Format(time.RFC3339), End: s.End.In(zone).Format(time.RFC3339),
			Title: sessionTitle(s.Commits, s.Repos), Kind: KindCoding, Reason: reason, People: []string{},
			WorkingMinutes: s.Tally.WorkingMinutes, AfterHoursMinutes: s.Tally.AfterHoursMinutes, UncountedMinutes: s.Tally.UncountedMinutes,
			Repositories: nonNil(s.Repos), Commits: s.Commits, at: s.Start.UnixNano(),
		})
	}
	for _, c := range commits {
		t := c.When.In(zone).Format(time.RFC3339)
		out = append(out, Event{
			Start: t, End: t, Title: c.Subject, Kind: KindCommit, Reason: commitReason(c.Hash), People: []string{},
			Repositories: nonNil(c.Repos), Commits: 1, Hash: c.Hash, at: c.When.UnixNano(),
		})
	}
	return out
}

// sessionTitle names a session by its commits and the repositories' last
// path elements: "3 commits in api, web".
func sessionTitle(commits int, repos []string) string {
	names := make([]string, 0, len(repos))
	for _, r := range repos {
		names = append(names, filepath.Base(r))
	}
	if len(names) == 0 {
		return plural(commits, "commit")
	}
	return plural(commits, "commit") + " in " + strings.Join(names, ", ")
}

func commitReason(hash string) string {
	if len(hash) < 12 {
		return "a commit of mine"
	}
	return "commit " + hash[:12]
}

// SortEvents orders a list by start, earliest first, keeping the order of
// rows that start together.
func SortEvents(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int { return cmp.Compare(a.at, b.at) })
}

// hasCoding reports whether a list holds rows from git history.
func hasCoding(events []Event) bool {
	return slices.ContainsFunc(events, func(e Event) bool { return e.Kind == KindCoding || e.Kind == KindCommit })
}

// NewEvents lists classified events with times in zone and, when tallies
// is not nil, what each adds up to (tallies[i] is events[i]'s).
func NewEvents(events []classify.Event, tallies []analyze.EventTally, zone *time.Location) []Event {
	return EventRows{Events: events, Tallies: tallies, Zone: zone}.List()
}

// EventRows are the rows of an event list, made one at a time as they are
// written: the calendar's events with what each adds up to, and other rows
// (from git history) among them by start. Written as JSON or NDJSON, no
// list of rows is made beside the events: for 100,000 occurrences that
// list was 28 MB and a fifth of `emtime events -o ndjson`.
type EventRows struct {
	// Events are the calendar's, sorted by start.
	Events []classify.Event
	// Tallies[i] is what Events[i] adds up to; nil when not counted.
	Tallies []analyze.EventTally
	// Zone is the zone the times are given in.
	Zone *time.Location
	// Extra are rows from elsewhere (coding sessions, commits), placed
	// among the calendar's by start, after those that start with them.
	Extra []Event
	// Redact, when not nil, redacts each row as it is made (see
	// [Redactor.Events]).
	Redact *Redactor
}

// All yields the rows in order; each is valid until the next is asked
// for.
func (r EventRows) All() iter.Seq[*Event] {
	return func(yield func(*Event) bool) {
		extra := slices.Clone(r.Extra)
		SortEvents(extra)
		var row Event
		var stamp []byte
		emit := func(e Event) bool {
			if r.Redact != nil {
				e = r.Redact.event(e)
			}
			row = e
			return yield(&row)
		}
		j := 0
		for i := range r.Events {
			e := &r.Events[i]
			at := e.Start.UnixNano()
			for ; j < len(extra) && extra[j].at < at; j++ {
				if !emit(extra[j]) {
					return
				}
			}
			var t analyze.EventTally
			if r.Tallies != nil {
				t = r.Tallies[i]
			}
			people := e.People
			if people == nil {
				people = []string{}
			}
			// The start and the end, in one string: one allocation an event.
			stamp = e.Start.In(r.Zone).AppendFormat(stamp[:0], time.RFC3339)
			n := len(stamp)
			stamp = e.End.In(r.Zone).AppendFormat(stamp, time.RFC3339)
			times := string(stamp)
			reason := e.Reason
			if t.FragmentedMinutes > 0 {
				reason += fmt.Sprintf("; %s of it counted as fragmented: the free stretch around it is shorter than the focus minimum (--focus-min)", hm(t.FragmentedMinutes))
			}
			if !emit(Event{
				Start:     times[:n],
				End:       times[n:],
				AllDay:    e.AllDay,
				Title:     e.Title,
				Kind:      string(e.Kind),
				Category:  string(e.Category),
				Reason:    reason,
				keyword:   e.Keyword,
				People:    people,
				Recurring: e.Recurring,

				WorkingMinutes:    t.WorkingMinutes,
				AfterHoursMinutes: t.AfterHoursMinutes,
				AwayMinutes:       t.AwayMinutes,
				UID:               e.UID,
				Origin:            e.Origin,
				at:                at,
			}) {
				return
			}
		}
		for ; j < len(extra); j++ {
			if !emit(extra[j]) {
				return
			}
		}
	}
}

// List is the rows as a list.
func (r EventRows) List() []Event {
	out := make([]Event, 0, len(r.Events)+len(r.Extra))
	for e := range r.All() {
		out = append(out, *e)
	}
	return out
}

// WriteEventsJSON writes the events as one indented JSON array, escaped
// as in [WriteJSON].
func WriteEventsJSON(w io.Writer, events []Event) error {
	switch {
	case events == nil:
		return writeJSON(w, events, "  ")
	case len(events) == 0:
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	return writeEvents(w, listed(events), "[\n", "\n]\n", appendEventItem)
}

// WriteEventsNDJSON writes one JSON object per line, escaped as in
// [WriteJSON].
func WriteEventsNDJSON(w io.Writer, events []Event) error {
	return writeEvents(w, listed(events), "", "", appendEventLine)
}

// WriteEventRowsJSON is [WriteEventsJSON] of the rows, each made as it is
// written.
func WriteEventRowsJSON(w io.Writer, rows EventRows) error {
	if len(rows.Events)+len(rows.Extra) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	return writeEvents(w, rows.All(), "[\n", "\n]\n", appendEventItem)
}

// WriteEventRowsNDJSON is [WriteEventsNDJSON] of the rows, each made as it
// is written.
func WriteEventRowsNDJSON(w io.Writer, rows EventRows) error {
	return writeEvents(w, rows.All(), "", "", appendEventLine)
}

// listed yields the events of a list, in order.
func listed(events []Event) iter.Seq[*Event] {
	return func(yield func(*Event) bool) {
		for i := range events {
			if !yield(&events[i]) {
				return
			}
		}
	}
}

// WriteEventsTable writes one row per event, its times in zone, which the
// head of the When column names ("When (Europe/Berlin)"; "When" when zone
// is "").
func WriteEventsTable(w io.Writer, events []Event, zone string, st Style) error {
	return buffered(w, func(w io.Writer) error { return writeEventsTable(w, events, zone, st) })
}

func writeEventsTable(w io.Writer, events []Event, zone string, st Style) error {
	t := newTable(w, st)
	head := "When"
	if zone != "" {
		head += " (" + textsafe.Line(zone) + ")"
	}
	t.Header(head, "Kind", "Category", "Counts", "Title", "Reason", "People")
	for _, e := range events {
		if err := t.Append(cells(when(e), e.Kind, e.Category, counts(e), clipTail(textsafe.Line(e.Title), 40, ellipsis(st)), e.Reason, peopleCell(e.People))); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n", plural(len(events), "event"))
	return nil
}

// when shows an event's times compactly: "Mon 2026-03-02 09:00-10:00",
// "Mon 2026-03-02 all day", or both ends when it runs over days.
func when(e Event) string {
	start, err1 := time.Parse(time.RFC3339, e.Start)
	end, err2 := time.Parse(time.RFC3339, e.End)
	if err1 != nil || err2 != nil {
		return e.Start + " " + e.End
	}
	const date = "Mon 2006-01-02"
	switch {
	case e.AllDay && end.Sub(start) <= 24*time.Hour:
		return start.Format(date) + " all day"
	case e.AllDay:
		return start.Format(date) + " to " + end.AddDate(0, 0, -1).Format(date)
	case start.YearDay() == end.YearDay() && start.Year() == end.Year():
		return start.Format(date+" 15:04") + "-" + end.Format("15:04")
	default:
		return start.Format(date+" 15:04") + " to " + end.Format(date+" 15:04")
	}
}

// counts says what an event adds up to: "1h00", "0h30 +1h00 after",
// "away 1h00" (out of office), and for a coding session "1h15 not counted
// 1h35" (under meetings, out of office or in personal time).
func counts(e Event) string {
	var parts []string
	if e.WorkingMinutes > 0 {
		parts = append(parts, hm(e.WorkingMinutes))
	}
	if e.AfterHoursMinutes > 0 {
		parts = append(parts, "+"+hm(e.AfterHoursMinutes)+" after")
	}
	if e.AwayMinutes > 0 {
		parts = append(parts, "away "+hm(e.AwayMinutes))
	}
	if e.UncountedMinutes > 0 {
		parts = append(parts, "not counted "+hm(e.UncountedMinutes))
	}
	return strings.Join(parts, " ")
}

// peopleCell names the first person and counts the others.
func peopleCell(people []string) string {
	switch len(people) {
	case 0:
		return ""
	case 1:
		return textsafe.Line(people[0])
	default:
		return fmt.Sprintf("%s +%d", textsafe.Line(people[0]), len(people)-1)
	}
}

// cells makes text fit for the cells of a terminal table: each on one
// line, with no escape sequence or control character (text from a calendar
// or a config file could otherwise recolour, clear or retitle the
// terminal); see [textsafe.Line].
func cells(texts ...string) []string {
	for i, s := range texts {
		texts[i] = textsafe.Line(s)
	}
	return texts
}
