package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/textsafe"
)

// minTitleWidth is the narrowest a title is clipped to in the list a
// terminal shows: on a terminal narrower than its other columns allow,
// lines are then wider than the terminal.
const minTitleWidth = 12

// WriteEventsList writes the events for a person at a terminal, laid out
// for st.Width: the zone the times are in, once, then the events day by
// day, one line each (time, kind, what it adds up to, title clipped with
// "…" to the width). A meeting's kind is its category. With st.Wide a
// second, dimmer line under each says why it was classified so and who
// else is on it. Every field of every event is in the JSON, NDJSON and
// CSV; [WriteEventsTable] is the plain table a pipe gets.
func WriteEventsList(w io.Writer, events []Event, zone string, st Style) error {
	var b strings.Builder
	b.WriteString(wrap("Times in "+textsafe.Line(zone)+".", st.Width, "", "  "))
	rows := make([]eventRow, len(events))
	var timeW, kindW, countsW int
	for i, e := range events {
		rows[i] = newEventRow(e)
		timeW = max(timeW, textWidth(rows[i].time))
		kindW = max(kindW, textWidth(rows[i].kind))
		countsW = max(countsW, textWidth(rows[i].counts))
	}
	titleAt := 2 + timeW + 2 + kindW + 2 + countsW + 2
	titleW := 0 // no limit
	if st.Width > 0 {
		titleW = max(st.Width-titleAt, minTitleWidth)
	}
	day := ""
	for i, r := range rows {
		if r.day != day {
			day = r.day
			b.WriteString("\n" + day + "\n")
		}
		title := textsafe.Line(events[i].Title)
		if title == "" && events[i].Kind == KindCommit {
			title = textsafe.Line(events[i].Reason) // its hash, when its subject was not read
		}
		if titleW > 0 {
			title = clipTail(title, titleW, ellipsis(st))
		}
		line := "  " + padRight(r.time, timeW) + "  " + padRight(r.kind, kindW) + "  " + padRight(r.counts, countsW) + "  " + title
		b.WriteString(strings.TrimRight(line, " ") + "\n")
		if st.Wide {
			indent := strings.Repeat(" ", 2+timeW+2)
			detail := wrap(eventDetail(events[i]), st.Width, indent, indent)
			if st.Color {
				detail = dim(detail)
			}
			b.WriteString(detail)
		}
	}
	b.WriteString("\n")
	more := "; --wide adds why each was counted so and who is on it"
	if st.Wide {
		more = ""
	}
	b.WriteString(wrap(plural(len(events), "event")+more+"; -o json, ndjson or csv gives every field.", st.Width, "", ""))
	_, err := io.WriteString(w, b.String())
	return err
}

// eventRow is the columns of an event's line.
type eventRow struct {
	day, time, kind, counts string
}

func newEventRow(e Event) eventRow {
	kind := e.Kind
	if e.Category != "" {
		kind = e.Category
	}
	r := eventRow{kind: textsafe.Line(kind), counts: counts(e)}
	start, err1 := time.Parse(time.RFC3339, e.Start)
	end, err2 := time.Parse(time.RFC3339, e.End)
	if err1 != nil || err2 != nil {
		r.day, r.time = textsafe.Line(e.Start), textsafe.Line(e.End)
		return r
	}
	r.day = start.Format("Mon 2006-01-02")
	sameDay := start.Format(day) == end.Format(day)
	switch {
	case e.AllDay && end.Sub(start) <= 24*time.Hour:
		r.time = "all day"
	case e.AllDay:
		r.time = "to " + end.AddDate(0, 0, -1).Format("Mon 01-02")
	case start.Equal(end):
		r.time = start.Format("15:04")
	case sameDay || end.Equal(midnightAfter(start)):
		r.time = start.Format("15:04") + "-" + end.Format("15:04")
	default:
		r.time = start.Format("15:04") + "-" + end.Format("Mon 15:04")
	}
	return r
}

// midnightAfter is the midnight that ends t's day, in t's zone.
func midnightAfter(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// eventDetail is the second line of an event: why it was classified so,
// and who else is on it.
func eventDetail(e Event) string {
	s := textsafe.Line(e.Reason)
	switch n := len(e.People); {
	case n == 1:
		s += "; with " + textsafe.Line(e.People[0])
	case n > 1 && n <= 3:
		s += "; with " + textsafe.Line(strings.Join(e.People[:n-1], ", ")) + " and " + textsafe.Line(e.People[n-1])
	case n > 3:
		s += fmt.Sprintf("; with %s and %d others", textsafe.Line(strings.Join(e.People[:2], ", ")), n-2)
	}
	if len(e.Repositories) > 0 {
		s += "; in " + textsafe.Line(strings.Join(e.Repositories, ", "))
	}
	return s
}

// dim shows text fainter on a colour terminal, line by line.
func dim(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "\x1b[2m" + l + "\x1b[0m"
	}
	return strings.Join(lines, "\n") + "\n"
}
