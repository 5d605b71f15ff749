package ics

import (
	"bytes"
	"fmt"
	"strings"
)

// scanned is a calendar file made ready for the parser: unfolded into one
// content line per output line, BEGIN/END balanced, and mapped back to the
// lines of the file for messages.
type scanned struct {
	// text holds one content line per line, so the parser's line n is
	// phys[n-1] in the file.
	text []byte
	phys []int
	// vevents holds the file line of each top-level BEGIN:VEVENT, in order.
	vevents  []int
	warnings []string
}

// topLevel are the components that sit directly in a VCALENDAR; one of
// them beginning inside another means the other lost its END.
var topLevel = map[string]bool{"VEVENT": true, "VTODO": true, "VJOURNAL": true, "VFREEBUSY": true, "VTIMEZONE": true}

type open struct {
	name string
	line int // file line of its BEGIN
	out  int // index of its BEGIN in the output
}

// scan unfolds the file's lines and repairs its structure where the parser
// would give up on the whole file: an END that names the wrong component is
// read as the END of the open one, a component left open when the next
// top-level one begins is closed, a component cut off by the end of the
// file is dropped, a missing END:VCALENDAR is supplied, and calendars
// concatenated into one file are read as one. Each repair is a warning.
func scan(name string, data []byte) (*scanned, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.Contains(data, []byte("\n")) && bytes.Contains(data, []byte("\r")) {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	s := &scanned{}
	size := len(data)
	var lines []string
	var starts []int
	var cur []byte // the content line being unfolded
	flush := func() {
		if len(bytes.TrimSpace(cur)) > 0 {
			lines = append(lines, string(cur))
		} else if len(starts) > len(lines) {
			starts = starts[:len(lines)]
		}
		cur = cur[:0]
	}
	physNo := 0
	for len(data) > 0 {
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		physNo++
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(raw) == 0 {
			continue
		}
		if (raw[0] == ' ' || raw[0] == '\t') && len(starts) > 0 {
			cur = append(cur, raw[1:]...)
			continue
		}
		if len(starts) > 0 {
			flush()
		}
		cur = append(cur, raw...)
		starts = append(starts, physNo)
	}
	if len(starts) > 0 {
		flush()
	}
	if len(lines) == 0 || !strings.EqualFold(strings.TrimSpace(lines[0]), "BEGIN:VCALENDAR") {
		return nil, fmt.Errorf("%s: %w", name, ErrNotCalendar)
	}

	var out bytes.Buffer
	out.Grow(size)
	emit := func(line string, phys int) {
		out.WriteString(line)
		out.WriteByte('\n')
		s.phys = append(s.phys, phys)
	}
	warn := func(line int, format string, args ...any) {
		s.warnings = append(s.warnings, fmt.Sprintf("%s:%d: ", name, line)+fmt.Sprintf(format, args...))
	}
	var stack []open
	ended := false // END:VCALENDAR seen and held back
	endLine := 0
	for i, line := range lines {
		phys := starts[i]
		prop, value, _ := strings.Cut(line, ":")
		if j := strings.IndexByte(prop, ';'); j >= 0 {
			prop = prop[:j]
		}
		prop = strings.ToUpper(strings.TrimSpace(prop))
		comp := strings.ToUpper(strings.TrimSpace(value))
		if ended {
			if prop == "BEGIN" && comp == "VCALENDAR" {
				ended = false // a second calendar in the same file: read on as one
				stack = append(stack, open{name: comp, line: phys, out: len(s.phys)})
				continue
			}
			warn(phys, "ignored what follows END:VCALENDAR (line %d)", endLine)
			break
		}
		switch prop {
		case "BEGIN":
			if comp == "VCALENDAR" {
				if len(stack) > 0 {
					return nil, fmt.Errorf("%s:%d: BEGIN:VCALENDAR inside a calendar", name, phys)
				}
				emit("BEGIN:VCALENDAR", phys)
				stack = append(stack, open{name: comp, line: phys, out: 0})
				continue
			}
			if topLevel[comp] {
				for len(stack) > 1 {
					top := stack[len(stack)-1]
					warn(top.line, "BEGIN:%s has no END:%s before line %d; closed it there", top.name, top.name, phys)
					emit("END:"+top.name, phys)
					stack = stack[:len(stack)-1]
				}
				if comp == "VEVENT" {
					s.vevents = append(s.vevents, phys)
				}
			}
			stack = append(stack, open{name: comp, line: phys, out: len(s.phys)})
			emit("BEGIN:"+comp, phys)
		case "END":
			at := -1
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].name == comp {
					at = k
					break
				}
			}
			if at < 0 {
				top := stack[len(stack)-1]
				warn(phys, "END:%s does not match BEGIN:%s (line %d); read it as END:%s", comp, top.name, top.line, top.name)
				at = len(stack) - 1
			}
			for len(stack)-1 > at {
				top := stack[len(stack)-1]
				warn(top.line, "BEGIN:%s has no END:%s before line %d; closed it there", top.name, top.name, phys)
				emit("END:"+top.name, phys)
				stack = stack[:len(stack)-1]
			}
			if stack[at].name == "VCALENDAR" {
				ended, endLine = true, phys
				stack = stack[:0]
				continue
			}
			emit("END:"+stack[at].name, phys)
			stack = stack[:at]
		default:
			emit(line, phys)
		}
	}
	if !ended {
		last := 0
		if len(starts) > 0 {
			last = starts[len(starts)-1]
		}
		if len(stack) > 1 {
			cut := stack[1]
			warn(cut.line, "the file ends inside this %s (no END:%s); skipped it", cut.name, cut.name)
			out.Truncate(lenUpTo(out.Bytes(), cut.out))
			s.phys = s.phys[:cut.out]
			if cut.name == "VEVENT" && len(s.vevents) > 0 {
				s.vevents = s.vevents[:len(s.vevents)-1]
			}
		}
		s.warnings = append(s.warnings, fmt.Sprintf("%s: no END:VCALENDAR after line %d; the file may be cut short, read what was there", name, last))
		endLine = last
	}
	emit("END:VCALENDAR", endLine)
	s.text = out.Bytes()
	return s, nil
}

// lenUpTo is the length of the first n lines of b.
func lenUpTo(b []byte, n int) int {
	pos := 0
	for ; n > 0; n-- {
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			return len(b)
		}
		pos += i + 1
	}
	return pos
}
