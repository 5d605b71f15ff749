package report

import (
	"io"
	"iter"
	"strconv"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/textsafe"
)

// The events are written as JSON by hand, not by encoding/json: one
// reflective Encode per event was a third of `emtime events -o ndjson` on
// 100,000 occurrences (about 1.5 µs an event); appending the fields of the
// one struct is a tenth of that. The bytes are those encoding/json writes
// (HTML characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped; TestEventsJSONAsEncodingJSON and FuzzEventsJSON compare them),
// then escaped as in [WriteJSON] by [textsafe.JSON].

// flushAt is how much output is gathered before it is written: a write per
// event is a system call per event.
const flushAt = 64 << 10

// writeEvents writes the events, each appended to the output by one, in
// writes of about flushAt bytes; head and tail go before and after them,
// and nothing at all when there is no event and no head.
func writeEvents(w io.Writer, events iter.Seq[*Event], head, tail string, one func([]byte, *Event, bool) []byte) error {
	buf := make([]byte, 0, flushAt+4<<10)
	buf = append(buf, head...)
	flush := func() error {
		_, err := w.Write(textsafe.JSON(buf))
		buf = buf[:0]
		return err
	}
	first := true
	var err error
	for e := range events {
		buf = one(buf, e, first)
		first = false
		if len(buf) >= flushAt {
			if err = flush(); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if first && head == "" {
		return nil
	}
	buf = append(buf, tail...)
	return flush()
}

// appendEventLine appends e as one line of NDJSON.
func appendEventLine(b []byte, e *Event, _ bool) []byte {
	return append(appendEvent(b, e, ""), '\n')
}

// appendEventItem appends e as an element of the indented array of
// WriteEventsJSON, after the comma that ends the one before it: the
// array's tail ends the last line.
func appendEventItem(b []byte, e *Event, first bool) []byte {
	if !first {
		b = append(b, ",\n"...)
	}
	b = append(b, "  "...)
	return appendEvent(b, e, "  ")
}

// appendEvent appends e as a JSON object: on one line when indent is "",
// else indented by two spaces a level, its own line at indent, as
// encoding/json's Encoder with SetIndent("", "  ") writes it.
func appendEvent(b []byte, e *Event, indent string) []byte {
	j := jsonObject{b: b, indent: indent}
	j.b = append(j.b, '{')
	j.str("start", e.Start)
	j.str("end", e.End)
	j.boolean("all_day", e.AllDay)
	j.str("title", e.Title)
	j.str("kind", e.Kind)
	if e.Category != "" {
		j.str("category", e.Category)
	}
	j.str("reason", e.Reason)
	j.strs("people", e.People)
	j.boolean("recurring", e.Recurring)
	j.integer("working_minutes", e.WorkingMinutes)
	j.integer("after_hours_minutes", e.AfterHoursMinutes)
	j.integer("away_minutes", e.AwayMinutes)
	if e.UncountedMinutes != 0 {
		j.integer("uncounted_minutes", e.UncountedMinutes)
	}
	j.str("uid", e.UID)
	j.str("origin", e.Origin)
	if len(e.Repositories) > 0 {
		j.strs("repositories", e.Repositories)
	}
	if e.Commits != 0 {
		j.integer("commits", e.Commits)
	}
	if e.Hash != "" {
		j.str("hash", e.Hash)
	}
	if indent != "" {
		j.b = append(j.b, '\n')
		j.b = append(j.b, indent...)
	}
	return append(j.b, '}')
}

// jsonObject appends the members of one object.
type jsonObject struct {
	b      []byte
	indent string // of the object's own line; "" for one line
	n      int    // members so far
}

func (j *jsonObject) key(name string) {
	if j.n > 0 {
		j.b = append(j.b, ',')
	}
	j.n++
	if j.indent != "" {
		j.b = append(j.b, '\n')
		j.b = append(j.b, j.indent...)
		j.b = append(j.b, "  "...)
	}
	j.b = append(j.b, '"')
	j.b = append(j.b, name...)
	j.b = append(j.b, '"', ':')
	if j.indent != "" {
		j.b = append(j.b, ' ')
	}
}

func (j *jsonObject) str(name, v string) {
	j.key(name)
	j.b = appendJSONString(j.b, v)
}

func (j *jsonObject) boolean(name string, v bool) {
	j.key(name)
	j.b = strconv.AppendBool(j.b, v)
}

func (j *jsonObject) integer(name string, v int) {
	j.key(name)
	j.b = strconv.AppendInt(j.b, int64(v), 10)
}

func (j *jsonObject) strs(name string, vs []string) {
	j.key(name)
	switch {
	case vs == nil:
		j.b = append(j.b, "null"...)
		return
	case len(vs) == 0:
		j.b = append(j.b, "[]"...)
		return
	}
	j.b = append(j.b, '[')
	for i, v := range vs {
		if i > 0 {
			j.b = append(j.b, ',')
		}
		if j.indent != "" {
			j.b = append(j.b, '\n')
			j.b = append(j.b, j.indent...)
			j.b = append(j.b, "    "...)
		}
		j.b = appendJSONString(j.b, v)
	}
	if j.indent != "" {
		j.b = append(j.b, '\n')
		j.b = append(j.b, j.indent...)
		j.b = append(j.b, "  "...)
	}
	j.b = append(j.b, ']')
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it by default: '"' and '\' by a backslash; \b, \f, \n, \r and \t
// so; other control characters and '<', '>' and '&' as \u00XX; invalid
// UTF-8 as \ufffd; U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
