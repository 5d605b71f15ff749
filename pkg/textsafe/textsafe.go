// Package textsafe makes text that came from outside — a calendar's titles,
// names and UIDs, a server's error, a config file's keys — safe to show on
// a terminal, in a table cell or in a CSV cell.
//
// A terminal obeys what it is sent: an escape sequence can clear the
// screen (ESC [ 2 J), retitle the window or plant a hyperlink whose text
// lies about its target (OSC 8), a carriage return or a backspace can
// overwrite what was printed before it, and a bidi override (U+202E) can
// make text read in an order other than the one it has. [Line] and [Text]
// take all of that out and keep everything else as it is:
//
//   - escape sequences are removed whole: CSI (ESC [ … final byte, or the
//     C1 byte U+009B), OSC (ESC ] … up to BEL or ST) and the other control
//     strings (DCS, SOS, PM, APC up to ST), and the two- and three-byte
//     escapes (ESC c, ESC ( B); a control string left open runs to the end
//     of the text, as it would on the terminal;
//   - the other C0 and C1 control characters and DEL are removed;
//   - the bidi embeddings, overrides and isolates U+202A–U+202E and
//     U+2066–U+2069 are removed;
//   - a tab becomes a space, and so does a line break (LF, CR LF, a lone
//     CR, VT, FF, NEL, U+2028, U+2029) in [Line]; [Text] keeps LF and CR LF
//     as "\n", the others become a space (a lone CR would send the cursor
//     back over the line);
//   - a byte that is not UTF-8 becomes U+FFFD.
//
// Text with nothing to take out is returned as it is, without copying.
package textsafe

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Line returns s fit for one line: a terminal line, a table cell, a CSV
// cell. Line breaks become spaces; see the package doc for what is removed.
func Line(s string) string { return clean(s, false) }

// Text returns s fit for a terminal as a message of one or more lines: LF
// and CR LF end a line; see the package doc for what is removed.
func Text(s string) string { return clean(s, true) }

// Has reports whether s holds anything [Line] would take out or change.
func Has(s string) bool { return first(s) >= 0 }

// Control characters and the C1 introducers of escape sequences.
const (
	esc = 0x1b
	bel = 0x07
	csi = 0x9b // C1 control sequence introducer
	st  = 0x9c // C1 string terminator
	osc = 0x9d
	dcs = 0x90
	sos = 0x98
	pm  = 0x9e
	apc = 0x9f
	nel = 0x85 // C1 next line
)

func clean(s string, lines bool) string {
	i := first(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
			i++
		case r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			if lines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
			i += len("\n")
			if r == '\r' {
				i++
			}
		case r == '\t' || r == '\r' || r == '\v' || r == '\f' || r == nel || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
			i += size
		case r == esc:
			i = skipEscape(s, i+1)
		case r == csi:
			i = skipControlSequence(s, i+size)
		case r == osc || r == dcs || r == sos || r == pm || r == apc:
			i = skipControlString(s, i+size)
		case drop(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// first is the index of the first byte of s that needs attention, or -1.
func first(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || drop(r) || r == '\u2028' || r == '\u2029' {
			return i
		}
		i += size
	}
	return -1
}

// drop reports whether r is removed wherever it stands: a control
// character (C0, DEL, C1) or a bidi embedding, override or isolate.
func drop(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f ||
		r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// skipEscape skips what follows an ESC at s[i:] and returns the index
// after the sequence.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return skipControlSequence(s, i+1)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipControlString(s, i+1)
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then a final byte: ESC ( B
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // ESC c, ESC 7, ESC =
		return i + 1
	}
	return i // a lone ESC: the next character stands
}

// skipControlSequence skips a CSI sequence's parameter and intermediate
// bytes and its final byte, from s[i:].
func skipControlSequence(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipControlString skips an OSC, DCS, SOS, PM or APC string up to and
// including its terminator (BEL, ESC \ or the C1 ST), or to the end of s.
func skipControlString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == bel:
			return i + 1
		case s[i] == esc && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

// JSON escapes, in an encoded JSON document, the characters that
// encoding/json leaves as they are but a terminal obeys: DEL, the C1
// controls (U+009B starts a control sequence as ESC [ does) and the bidi
// overrides. encoding/json already escapes the C0 controls and U+2028 and
// U+2029. Outside its strings a JSON document is ASCII, so every such
// character is inside a string, and the escaped document decodes to the
// same values. A document with none of them is returned as it is.
func JSON(doc []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(doc); {
		c := doc[i]
		if c < utf8.RuneSelf && c != 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRune(doc[i:])
		if r != 0x7f && (r == utf8.RuneError || !drop(r)) {
			i += size
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(doc)+16)
		}
		out = append(out, doc[last:i]...)
		out = fmt.Appendf(out, `\u%04x`, r)
		i += size
		last = i
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// maxQuoted is how many characters of a value [Quote] keeps.
const maxQuoted = 60

// Quote quotes a value for a message, as Go would, clipped to 60
// characters: a message need not repeat a whole megabyte given by mistake.
// Go's quoting escapes every control character.
func Quote(s string) string {
	if r := []rune(s); len(r) > maxQuoted {
		return strconv.Quote(string(r[:maxQuoted])) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}
