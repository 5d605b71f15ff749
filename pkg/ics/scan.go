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
	// maxProps is how many other lines one event may hold; real ones hold
	// tens, or a few thousand EXDATEs.
	maxProps = 10000
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
	// lateZone: see scanEach.
	lateZone bool
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
	props     int // the lines of an event kept, ATTENDEE lines apart
	attendees int
	omitted   int
}

// chunkSize is how many properties the reader allocates at a time for the
// events' properties.
const chunkSize = 4096

type reader struct {
	name  string
	doc   *document
	stack []frame
	// onEvent, when set, is handed each VEVENT as it closes, which is then
	// forgotten: the events' properties are not kept (see scan), and onZone
	// each VTIMEZONE as it closes. lateZone is set when a VTIMEZONE begins
	// after an event was handed on, which the events before it may have
	// named.
	onEvent  func(*component)
	onZone   func(*component)
	handed   bool
	lateZone bool
	event    component // the one handed on
	// chunk holds the properties of the events read, each event's
	// contiguous from start; a new chunk is begun when it is full.
	chunk   []property
	start   int
	repairs int
	ignored int // calendar properties past maxProps
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
	return scanEach(name, text, nil, nil)
}

// scanEach is scan, but for the VEVENTs, which it hands to onEvent one by
// one as each closes instead of keeping them (each VTIMEZONE is handed to
// onZone too, and kept): the properties of one event are held at a time,
// not those of the whole file. The document's lateZone says that a
// VTIMEZONE began after an event was handed on. With a nil onEvent it is
// scan.
func scanEach(name, text string, onEvent, onZone func(*component)) (*document, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	lx := newLexer(text)
	r := &reader{name: name, doc: &document{}, onEvent: onEvent, onZone: onZone}
	if onEvent == nil {
		// As many events as the file seems to hold, and no more than it
		// can: the shortest is BEGIN:VEVENT, END:VEVENT and two line ends.
		r.doc.events = make([]component, 0, min(strings.Count(text, "BEGIN:VEVENT"), len(text)/24))
	}
	started, ended := false, false
	junk := false // lines after END:VCALENDAR passed over
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
			if r.repair() {
				r.note(line, "a line of %d bytes, longer than the %d a line may hold; dropped it", size, maxLine)
			}
			continue
		}
		if isBlank(s) {
			continue
		}
		if !started {
			p, st := splitLine(s)
			if st == lineBad || p.name != "BEGIN" || componentName(p.Value) != "VCALENDAR" {
				return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
			}
			r.stack = append(r.stack, frame{name: "VCALENDAR", line: line, kind: frameCalendar})
			started = true
			continue
		}
		if ended {
			p, _ := splitLine(s)
			comp := ""
			if p.name == "BEGIN" {
				comp = componentName(p.Value)
			}
			switch comp {
			case "VCALENDAR":
				ended, junk = false, false // a second calendar in the same file: read on as one
				r.stack = append(r.stack, frame{name: "VCALENDAR", line: line, kind: frameCalendar})
				continue
			case "VEVENT", "VTIMEZONE":
				// An event outside any calendar: read it as the
				// calendar's, as the file plainly means.
				if r.repair() {
					r.note(line, "BEGIN:%s after END:VCALENDAR (line %d); read it as part of the calendar", comp, endLine)
				}
				ended, junk = false, false
				r.stack = append(r.stack, frame{name: "VCALENDAR", line: line, kind: frameCalendar})
			default:
				// Whatever else follows the calendar is passed over, up to
				// a calendar or an event that begins after it.
				if !junk && r.repair() {
					r.note(line, "ignored what follows END:VCALENDAR (line %d) up to the next BEGIN:VCALENDAR or BEGIN:VEVENT", endLine)
				}
				junk = true
				continue
			}
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
			r.begin(componentName(p.Value), line)
		case "END":
			if r.end(componentName(p.Value), line) {
				ended, endLine = true, line
			}
		default:
			r.property(top, p, line)
		}
	}
	if !started {
		return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
	}
	r.doc.lateZone = r.lateZone
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
	return r.doc, nil
}

// componentName reads the value of a BEGIN or END line.
func componentName(v string) string { return upperASCII(trimSpace(v)) }

// beginOrEnd reports whether a line may be a BEGIN or an END.
func beginOrEnd(s string) bool {
	return len(s) >= 3 && strings.EqualFold(s[:3], "END") || len(s) >= 5 && strings.EqualFold(s[:5], "BEGIN")
}

func isBlank(s string) bool { return trimSpace(s) == "" }

// repair counts a repair of the file's structure, and reports whether it
// is one of the first maxRepairs, to be named with note. (Checking first
// spares formatting the rest.)
func (r *reader) repair() bool {
	r.repairs++
	return r.repairs <= maxRepairs
}

// note says what was repaired at a line of the file.
func (r *reader) note(line int, format string, args ...any) {
	r.doc.warnings = append(r.doc.warnings, fmt.Sprintf("%s:%d: ", r.name, line)+fmt.Sprintf(format, args...))
}

func (r *reader) property(top *frame, p property, line int) {
	switch top.kind {
	case frameCalendar:
		if len(r.doc.props) == maxProps {
			if r.ignored++; r.ignored == 1 {
				if r.repair() {
					r.note(line, "the calendar holds more than %d properties of its own; ignored this one and the ones after it", maxProps)
				}
			}
			return
		}
		r.doc.props = append(r.doc.props, p)
	case frameEvent:
		if p.name == "ATTENDEE" {
			if top.attendees++; top.attendees > maxAttendees {
				top.omitted++
				return
			}
		} else if top.props++; top.props > maxProps {
			r.skip(fmt.Sprintf("this VEVENT holds more than %d lines; skipped it", maxProps))
			return
		}
		if len(r.chunk) == cap(r.chunk) {
			// Move the open event's properties to a new chunk.
			n := len(r.chunk) - r.start
			c := make([]property, n, max(chunkSize, 2*n))
			copy(c, r.chunk[r.start:])
			r.chunk, r.start = c, 0
		}
		r.chunk = append(r.chunk, p)
	case frameZone, frameZonePart:
		if !r.zoneLine() {
			return
		}
		z := &r.doc.zones[len(r.doc.zones)-1]
		if top.kind == frameZone {
			z.props = append(z.props, p)
		} else {
			part := &z.subs[len(z.subs)-1]
			part.props = append(part.props, p)
		}
	}
}

// zoneLine counts a line of the open VTIMEZONE, and skips the zone when it
// holds too many.
func (r *reader) zoneLine() bool {
	if r.stack[1].props++; r.stack[1].props > maxProps {
		r.skip(fmt.Sprintf("this VTIMEZONE holds more than %d lines; skipped it", maxProps))
		return false
	}
	return true
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
		if r.repair() {
			r.note(line, "BEGIN:VCALENDAR inside the calendar begun on line %d; read on as one calendar", r.stack[0].line)
		}
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
		f.kind, r.start = frameEvent, len(r.chunk)
	case parent == frameCalendar && name == "VTIMEZONE":
		f.kind = frameZone
		r.lateZone = r.lateZone || r.handed
		r.doc.zones = append(r.doc.zones, component{name: name, line: line})
	case parent == frameZone && (name == "STANDARD" || name == "DAYLIGHT"):
		if !r.zoneLine() {
			return
		}
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
			if r.repair() {
				r.note(line, "END:%s with no BEGIN:%s open; ignored it", clip(name, 40), clip(name, 40))
			}
			return false
		}
		if r.repair() {
			r.note(line, "END:%s does not match BEGIN:%s (line %d); read it as END:%s", clip(name, 40), clip(top.name, 40), top.line, clip(top.name, 40))
		}
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
		if r.repair() {
			r.note(f.line, "BEGIN:%s has no END:%s before line %d; closed it there", clip(f.name, 40), clip(f.name, 40), line)
		}
	}
	switch {
	case f.kind == frameEvent && r.onEvent != nil:
		n := len(r.chunk)
		r.event = component{name: f.name, line: f.line, props: r.chunk[r.start:n:n], omitted: f.omitted}
		r.onEvent(&r.event)
		r.chunk, r.handed = r.chunk[:r.start], true
	case f.kind == frameEvent:
		n := len(r.chunk)
		r.doc.events = append(r.doc.events, component{name: f.name, line: f.line, props: r.chunk[r.start:n:n], omitted: f.omitted})
	case f.kind == frameZone && r.onZone != nil:
		r.onZone(&r.doc.zones[len(r.doc.zones)-1])
	}
}

// tooDeep skips the top-level component that holds components nested
// deeper than maxDepth.
func (r *reader) tooDeep(line int) {
	r.skip(fmt.Sprintf("this %s holds components nested more than %d deep (line %d); skipped it", clip(r.stack[1].name, 40), maxDepth-2, line))
}

// skip drops the open top-level component, with a warning at its BEGIN,
// and reads past the rest of it to its END.
func (r *reader) skip(why string) {
	f := r.stack[1]
	if r.repair() {
		r.note(f.line, "%s", why)
	}
	r.drop(f)
	f.kind = frameSkipped
	r.stack = append(r.stack[:1], f)
}

// drop forgets what was read of an open top-level component.
func (r *reader) drop(f frame) {
	switch f.kind {
	case frameEvent:
		r.chunk = r.chunk[:r.start]
	case frameZone:
		r.doc.zones = r.doc.zones[:len(r.doc.zones)-1]
	}
}
