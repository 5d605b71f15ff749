package ics

import (
	"fmt"
	"strings"
)

// Limits on what one file can make the reader hold or do.
const (
	// maxDepth is how many components may be open at once, VCALENDAR
	// included; real files need three (VCALENDAR, VEVENT, VALARM).
	maxDepth = 8
	// maxAttendees is how many ATTENDEE lines of one event are read.
	maxAttendees = 1000
	// maxRepairs is how many repairs of the file's structure are named
	// one by one; the rest are counted.
	maxRepairs = 100
)

// document is what the reader keeps of a calendar file: the calendar's own
// properties, its events and its zones, in file order.
type document struct {
	props    []property
	events   []component
	zones    []component
	warnings []string
	// malformed counts the lines that were dropped or read without their
	// parameters; firstMalformed is the first of them.
	malformed      int
	firstMalformed string
}

// component is one VEVENT or VTIMEZONE (with its STANDARD and DAYLIGHT
// parts in subs). Components inside an event (VALARM) are read past.
type component struct {
	name  string
	line  int // of its BEGIN
	props []property
	subs  []component
	// omitted counts the ATTENDEE lines past maxAttendees, left out.
	omitted int
}

// topLevel are the components that sit directly in a VCALENDAR; one of
// them beginning inside another means the other lost its END.
var topLevel = map[string]bool{"VEVENT": true, "VTODO": true, "VJOURNAL": true, "VFREEBUSY": true, "VTIMEZONE": true}

// known are the components RFC 5545, 7953 and 9073 define: an END naming
// one of them that is not open is a stray END, not a misspelt one.
var known = map[string]bool{
	"VCALENDAR": true, "VEVENT": true, "VTODO": true, "VJOURNAL": true, "VFREEBUSY": true, "VTIMEZONE": true,
	"STANDARD": true, "DAYLIGHT": true, "VALARM": true, "VAVAILABILITY": true, "AVAILABLE": true,
	"PARTICIPANT": true, "VLOCATION": true, "VRESOURCE": true,
}

// frameKind says what becomes of an open component.
type frameKind int

const (
	frameCalendar frameKind = iota
	frameEvent
	frameZone
	frameZonePart
	frameOther   // read past
	frameSkipped // broken: read past to its END, then dropped
)

type frame struct {
	name      string
	line      int
	kind      frameKind
	start     int // an event's first property in reader.props
	attendees int
	omitted   int
}

// span is a read event: its properties are reader.props[start:end].
type span struct {
	line, start, end, omitted int
}

type reader struct {
	name    string
	doc     *document
	stack   []frame
	props   []property // the properties of every event, one after another
	events  []span
	repairs int
}

// scan reads a calendar file and repairs its structure where it is broken,
// so that one broken component never costs the rest of the file: an END
// that names the wrong component is read as the END of the open one; an
// END that names a component that is not open is ignored; a component
// left open when the next top-level one begins is closed; a component
// nested deeper than maxDepth is skipped whole; a component cut off by the
// end of the file is dropped; a missing END:VCALENDAR is supplied; and
// calendars concatenated into one file (or begun inside one another) are
// read as one. Each repair is a warning naming the file and line.
//
// scan keeps the properties of the calendar, its VEVENTs and VTIMEZONEs,
// and reads past every other component.
func scan(name, text string) (*document, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	lx := newLexer(text)
	r := &reader{name: name, doc: &document{}}
	// One property a line at most, a line being at least three bytes.
	r.props = make([]property, 0, min(strings.Count(text, "\n")+1, len(text)/8+1))
	started, ended := false, false
	endLine := 0
	for {
		s, line, size, ok := lx.next()
		if !ok {
			break
		}
		if size > maxLine {
			if !started {
				return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
			}
			r.warn(line, "a line of %d bytes, longer than the %d a line may hold; dropped it", size, maxLine)
			continue
		}
		if isBlank(s) {
			continue
		}
		if !started {
			p, st := splitLine(s)
			if st == lineBad || p.name != "BEGIN" || componentName(p.value) != "VCALENDAR" {
				return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
			}
			r.stack = append(r.stack, frame{name: "VCALENDAR", line: line, kind: frameCalendar})
			started = true
			continue
		}
		if ended {
			if p, _ := splitLine(s); p.name == "BEGIN" && componentName(p.value) == "VCALENDAR" {
				ended = false // a second calendar in the same file: read on as one
				r.stack = append(r.stack, frame{name: "VCALENDAR", line: line, kind: frameCalendar})
				continue
			}
			r.warn(line, "ignored what follows END:VCALENDAR (line %d)", endLine)
			break
		}
		top := &r.stack[len(r.stack)-1]
		if (top.kind == frameOther || top.kind == frameSkipped) && !beginOrEnd(s) {
			continue // a line of a component read past
		}
		p, st := splitLine(s)
		if st != lineOK {
			if r.doc.malformed++; r.doc.malformed == 1 {
				r.doc.firstMalformed = clip(s, 80)
			}
			if st == lineBad {
				continue
			}
		}
		switch p.name {
		case "BEGIN":
			r.begin(componentName(p.value), line)
		case "END":
			if r.end(componentName(p.value), line) {
				ended, endLine = true, line
			}
		default:
			r.property(top, p)
		}
	}
	if !started {
		return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
	}
	if r.repairs > maxRepairs {
		r.doc.warnings = append(r.doc.warnings, fmt.Sprintf("%s: %d more problems with the file's structure, repaired or skipped like the ones above", name, r.repairs-maxRepairs))
	}
	if !ended {
		if len(r.stack) > 1 {
			cut := r.stack[1]
			if cut.kind != frameSkipped {
				r.doc.warnings = append(r.doc.warnings, fmt.Sprintf("%s:%d: the file ends inside this %s (no END:%s); skipped it", name, cut.line, clip(cut.name, 40), clip(cut.name, 40)))
			}
			r.drop(cut)
		}
		r.doc.warnings = append(r.doc.warnings, fmt.Sprintf("%s: no END:VCALENDAR after line %d; the file may be cut short, read what was there", name, lx.last))
	}
	r.doc.events = make([]component, len(r.events))
	for i, e := range r.events {
		r.doc.events[i] = component{name: "VEVENT", line: e.line, props: r.props[e.start:e.end:e.end], omitted: e.omitted}
	}
	return r.doc, nil
}

// componentName reads the value of a BEGIN or END line.
func componentName(v string) string { return upperASCII(trimSpace(v)) }

// beginOrEnd reports whether a line may be a BEGIN or an END.
func beginOrEnd(s string) bool {
	return len(s) >= 3 && strings.EqualFold(s[:3], "END") || len(s) >= 5 && strings.EqualFold(s[:5], "BEGIN")
}

func isBlank(s string) bool { return trimSpace(s) == "" }

// warn records a repair of the file's structure, found at a line.
func (r *reader) warn(line int, format string, args ...any) {
	if r.repairs++; r.repairs > maxRepairs {
		return
	}
	r.doc.warnings = append(r.doc.warnings, fmt.Sprintf("%s:%d: ", r.name, line)+fmt.Sprintf(format, args...))
}

func (r *reader) property(top *frame, p property) {
	switch top.kind {
	case frameCalendar:
		r.doc.props = append(r.doc.props, p)
	case frameEvent:
		if p.name == "ATTENDEE" {
			if top.attendees++; top.attendees > maxAttendees {
				top.omitted++
				return
			}
		}
		r.props = append(r.props, p)
	case frameZone:
		z := &r.doc.zones[len(r.doc.zones)-1]
		z.props = append(z.props, p)
	case frameZonePart:
		z := &r.doc.zones[len(r.doc.zones)-1]
		part := &z.subs[len(z.subs)-1]
		part.props = append(part.props, p)
	}
}

func (r *reader) begin(name string, line int) {
	if top := r.stack[len(r.stack)-1]; top.kind == frameSkipped {
		if !topLevel[name] && name != "VCALENDAR" {
			return
		}
		r.stack = r.stack[:len(r.stack)-1] // dropped when it was skipped
	}
	switch {
	case name == "VCALENDAR":
		r.closeAll(line)
		r.warn(line, "BEGIN:VCALENDAR inside the calendar begun on line %d; read on as one calendar", r.stack[0].line)
		return
	case topLevel[name]:
		r.closeAll(line)
	}
	if len(r.stack) >= maxDepth {
		r.tooDeep(line)
		return
	}
	f := frame{name: name, line: line, kind: frameOther}
	switch parent := r.stack[len(r.stack)-1].kind; {
	case parent == frameCalendar && name == "VEVENT":
		f.kind, f.start = frameEvent, len(r.props)
	case parent == frameCalendar && name == "VTIMEZONE":
		f.kind = frameZone
		r.doc.zones = append(r.doc.zones, component{name: name, line: line})
	case parent == frameZone && (name == "STANDARD" || name == "DAYLIGHT"):
		f.kind = frameZonePart
		z := &r.doc.zones[len(r.doc.zones)-1]
		z.subs = append(z.subs, component{name: name, line: line})
	}
	r.stack = append(r.stack, f)
}

// end closes the component an END names, and reports whether it closed
// the calendar.
func (r *reader) end(name string, line int) bool {
	if top := r.stack[len(r.stack)-1]; top.kind == frameSkipped {
		switch name {
		case top.name:
			r.stack = r.stack[:len(r.stack)-1]
		case "VCALENDAR":
			r.stack = r.stack[:0]
			return true
		}
		return false
	}
	at := -1
	for k := len(r.stack) - 1; k >= 0; k-- {
		if r.stack[k].name == name {
			at = k
			break
		}
	}
	if at < 0 {
		top := r.stack[len(r.stack)-1]
		if len(r.stack) == 1 || known[name] {
			r.warn(line, "END:%s with no BEGIN:%s open; ignored it", clip(name, 40), clip(name, 40))
			return false
		}
		r.warn(line, "END:%s does not match BEGIN:%s (line %d); read it as END:%s", clip(name, 40), clip(top.name, 40), top.line, clip(top.name, 40))
		at = len(r.stack) - 1
	}
	for len(r.stack)-1 > at {
		r.closeTop(line, true)
	}
	if at == 0 {
		r.stack = r.stack[:0]
		return true
	}
	r.closeTop(line, false)
	return false
}

// closeAll closes every component open inside the calendar, each with a
// warning: a component began that cannot be inside them.
func (r *reader) closeAll(line int) {
	for len(r.stack) > 1 {
		r.closeTop(line, true)
	}
}

// closeTop closes the innermost open component, keeping what was read of
// it; unended says its END is missing.
func (r *reader) closeTop(line int, unended bool) {
	f := r.stack[len(r.stack)-1]
	r.stack = r.stack[:len(r.stack)-1]
	if unended {
		r.warn(f.line, "BEGIN:%s has no END:%s before line %d; closed it there", clip(f.name, 40), clip(f.name, 40), line)
	}
	if f.kind == frameEvent {
		r.events = append(r.events, span{line: f.line, start: f.start, end: len(r.props), omitted: f.omitted})
	}
}

// tooDeep skips the top-level component that holds components nested
// deeper than maxDepth: it is read past to its END, then dropped.
func (r *reader) tooDeep(line int) {
	f := r.stack[1]
	r.warn(f.line, "this %s holds components nested more than %d deep (line %d); skipped it", clip(f.name, 40), maxDepth-2, line)
	r.drop(f)
	f.kind = frameSkipped
	r.stack = append(r.stack[:1], f)
}

// drop forgets what was read of an open top-level component.
func (r *reader) drop(f frame) {
	switch f.kind {
	case frameEvent:
		r.props = r.props[:f.start]
	case frameZone:
		r.doc.zones = r.doc.zones[:len(r.doc.zones)-1]
	}
}
