package ics

import (
	"strings"
)

// maxLine is the longest content line read, unfolded. A longer one (an
// inline attachment, or a hostile file) is dropped with a warning; the
// reader still walks it once to find where it ends, but keeps none of it.
const maxLine = 1 << 20

// property is one content line (RFC 5545 §3.1): NAME;PARAM=value:value.
type property struct {
	// name is upper-case, with spaces around it trimmed.
	name string
	// params holds the parameters as written, from the ';' after the name
	// to the ':' before the value, both included; [param] reads them.
	params string
	// Value is the text after the first ':' outside a quoted parameter
	// value. TEXT values (SUMMARY, LOCATION, DESCRIPTION, X- names…) have
	// their escapes undone: \n and \N are line breaks, \, \; \\ the
	// characters themselves. (Value, not value: the name the code that
	// reads events has always used for it.)
	Value string
	// tzid and vtype are the first TZID and VALUE parameters, decoded, read
	// once so that a property with a thousand values and a long parameter
	// list costs one pass over it, not one per value.
	tzid, vtype string
}

// param returns the first value of a parameter, matched by name in any
// case, with RFC 6868 caret escapes (^n, ^^, ^') and backslash escapes
// (\, \; \: \\, which some exporters write) undone. It is "" when the
// parameter is missing.
func param(p *property, name string) string {
	switch {
	case strings.EqualFold(name, "TZID"):
		return p.tzid
	case strings.EqualFold(name, "VALUE"):
		return p.vtype
	}
	for i := 0; i < len(p.params) && p.params[i] == ';'; {
		n, v, next, ok := scanParam(p.params, i+1)
		if !ok {
			break
		}
		if strings.EqualFold(n, name) {
			return decodeParam(v)
		}
		i = next
	}
	return ""
}

// scanParam reads one parameter that starts at s[i] (after its ';'): its
// name, its first value (unquoted, still escaped), and where it ends (the
// ';' of the next parameter, or the ':' before the property's value). ok
// is false when it is malformed: no '=', an unclosed quote, text after a
// closing quote, or no ':' after it.
func scanParam(s string, i int) (name, first string, end int, ok bool) {
	j := i
	for j < len(s) && s[j] != '=' && s[j] != ';' && s[j] != ':' {
		j++
	}
	if j == len(s) || s[j] != '=' {
		return "", "", j, false
	}
	name = trimSpace(s[i:j])
	j++
	for n := 0; ; n++ {
		var v string
		if j < len(s) && s[j] == '"' {
			q := strings.IndexByte(s[j+1:], '"')
			if q < 0 {
				return "", "", len(s), false
			}
			v, j = s[j+1:j+1+q], j+q+2
		} else {
			k := j
			for k < len(s) {
				c := s[k]
				if c == ',' || c == ';' || c == ':' {
					break
				}
				if c == '\\' && k+1 < len(s) && isParamEscape(s[k+1]) {
					k++
				}
				k++
			}
			v, j = s[j:k], k
		}
		if n == 0 {
			first = v
		}
		if j == len(s) {
			return "", "", j, false
		}
		switch s[j] {
		case ',':
			j++
		case ';', ':':
			return name, first, j, true
		default:
			return "", "", j, false
		}
	}
}

func isParamEscape(c byte) bool { return c == ',' || c == ';' || c == ':' || c == '\\' }

// decodeParam undoes the escapes of a parameter value (see [param]).
func decodeParam(v string) string {
	if strings.IndexByte(v, '^') < 0 && strings.IndexByte(v, '\\') < 0 {
		return v
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if i+1 < len(v) {
			switch next := v[i+1]; {
			case c == '^' && next == 'n':
				b, i = append(b, '\n'), i+1
				continue
			case c == '^' && next == '^':
				b, i = append(b, '^'), i+1
				continue
			case c == '^' && next == '\'':
				b, i = append(b, '"'), i+1
				continue
			case c == '\\' && isParamEscape(next):
				b, i = append(b, next), i+1
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// lineStatus says how a content line was read.
type lineStatus int

const (
	lineOK    lineStatus = iota
	lineLoose            // malformed parameters: read without them
	lineBad              // no name or no ':': dropped
)

// splitLine reads a content line into a property. A line whose parameters
// cannot be read keeps its name (up to the first ';') and the value after
// its first ':', without parameters (lineLoose); a line without a name or
// without a ':' is dropped (lineBad).
func splitLine(s string) (property, lineStatus) {
	i := 0
	for i < len(s) && s[i] != ';' && s[i] != ':' {
		i++
	}
	if i == len(s) {
		return property{}, lineBad
	}
	p := property{name: upperASCII(trimSpace(s[:i]))}
	if !isName(p.name) {
		return property{}, lineBad
	}
	if s[i] == ':' {
		p.Value = s[i+1:]
		unescapeValue(&p)
		return p, lineOK
	}
	j := i
	var haveTZID, haveValue bool
	for j < len(s) && s[j] == ';' {
		n, v, end, ok := scanParam(s, j+1)
		if !ok {
			return looseLine(p.name, s)
		}
		switch {
		case !haveTZID && strings.EqualFold(n, "TZID"):
			p.tzid, haveTZID = decodeParam(v), true
		case !haveValue && strings.EqualFold(n, "VALUE"):
			p.vtype, haveValue = decodeParam(v), true
		}
		j = end
	}
	p.params, p.Value = s[i:j+1], s[j+1:]
	unescapeValue(&p)
	return p, lineOK
}

// isName reports whether s is a property name: letters, digits and '-'.
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// looseLine reads a line whose parameters are malformed: its name, and
// the value after its first ':', which may be one inside a quoted
// parameter value: nothing better can be known of such a line.
func looseLine(name, s string) (property, lineStatus) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return property{}, lineBad
	}
	return property{name: name, Value: s[colon+1:]}, lineLoose
}

// unescapeValue undoes the TEXT escapes of a TEXT value: one whose VALUE
// parameter says TEXT, or that has none and is not of a property whose
// values are of another type (dates, rules, addresses, URIs, numbers).
func unescapeValue(p *property) {
	if strings.IndexByte(p.Value, '\\') < 0 {
		return
	}
	if p.vtype != "" {
		if !strings.EqualFold(p.vtype, "TEXT") {
			return
		}
	} else if notText(p.name) {
		return
	}
	p.Value = unescapeText(p.Value)
}

// notText reports the properties whose default value type is not TEXT
// (RFC 5545 §3.8). Every other property, X- names included, is TEXT.
func notText(name string) bool {
	switch name {
	case "ATTACH", "TZURL", "URL", "SOURCE",
		"GEO",
		"PERCENT-COMPLETE", "PRIORITY", "REPEAT", "SEQUENCE",
		"COMPLETED", "DTEND", "DUE", "DTSTART", "RECURRENCE-ID", "EXDATE", "RDATE", "CREATED", "DTSTAMP", "LAST-MODIFIED",
		"DURATION", "TRIGGER",
		"FREEBUSY",
		"TZOFFSETFROM", "TZOFFSETTO",
		"ATTENDEE", "ORGANIZER",
		"RRULE":
		return true
	}
	return false
}

// unescapeText undoes RFC 5545 §3.3.11 escapes: \n and \N are line
// breaks; \\, \; and \, the characters. Any other backslash is kept.
func unescapeText(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n', 'N':
				b, i = append(b, '\n'), i+1
				continue
			case '\\', ';', ',':
				b, i = append(b, s[i+1]), i+1
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// trimSpace trims ASCII spaces and tabs; it does not allocate.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// upperASCII upper-cases a name, without allocating when it is upper-case
// already, as names nearly always are.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || c >= 0x80 {
			return strings.ToUpper(s)
		}
	}
	return s
}

// lexer splits iCalendar text into unfolded content lines. CRLF, LF and a
// lone CR each end a line (RFC 5545 says CRLF; real files mix all three),
// and a line that begins with a space or a tab continues the one before.
// Blank lines are skipped, also between a line and its continuation. Every
// byte is looked at a bounded number of times, whatever the input.
type lexer struct {
	text string
	pos  int // where the next physical line starts
	line int // the number of the physical line before pos
	// lf and cr are the positions of the first LF and CR at or after
	// some earlier pos (len(text) when there is none), so that a file
	// that uses only one of them is not searched to its end for the
	// other at every line.
	lf, cr int
	buf    []byte // the line being unfolded
	// last is the file line of the last line returned.
	last int
}

func newLexer(text string) *lexer { return &lexer{text: text, lf: -1, cr: -1} }

// bounds finds the physical line that starts at pos: its content ends at
// end, and the next line starts at next.
func (l *lexer) bounds(pos int) (end, next int) {
	if l.lf < pos {
		l.lf = indexFrom(l.text, pos, '\n')
	}
	if l.cr < pos {
		l.cr = indexFrom(l.text, pos, '\r')
	}
	switch {
	case l.lf < l.cr:
		return l.lf, l.lf + 1
	case l.cr < len(l.text):
		if l.cr+1 == l.lf {
			return l.cr, l.cr + 2
		}
		return l.cr, l.cr + 1
	}
	return len(l.text), len(l.text)
}

func indexFrom(s string, from int, c byte) int {
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return len(s)
}

// next returns the next content line, unfolded, and the file line it
// starts on. size is its unfolded length; a line longer than maxLine is
// returned empty, with its size, to be reported. ok is false at the end.
func (l *lexer) next() (s string, line, size int, ok bool) {
	for l.pos < len(l.text) {
		start := l.pos
		end, next := l.bounds(start)
		l.pos, l.line = next, l.line+1
		if end == start {
			continue
		}
		line, s, size = l.line, l.text[start:end], end-start
		folded := false
		for l.pos < len(l.text) {
			e, n := l.bounds(l.pos)
			if e == l.pos { // a blank line: skipped, the line may go on after it
				l.pos, l.line = n, l.line+1
				continue
			}
			if c := l.text[l.pos]; c != ' ' && c != '\t' {
				break
			}
			piece := l.text[l.pos+1 : e]
			if !folded && size <= maxLine {
				l.buf = append(l.buf[:0], s...)
			}
			folded = true
			if size += len(piece); size <= maxLine {
				l.buf = append(l.buf, piece...)
			}
			l.pos, l.line = n, l.line+1
		}
		l.last = line
		if size > maxLine {
			return "", line, size, true
		}
		if folded {
			s = string(l.buf)
		}
		return s, line, size, true
	}
	return "", 0, 0, false
}
