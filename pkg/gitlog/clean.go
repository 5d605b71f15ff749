package gitlog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText is the most runes kept of any one string read from a repository
// (a path, an address, a ref name) before it goes into a message.
const maxText = 200

// clean makes a string read from a repository safe to print: control
// characters (and the Unicode line and paragraph separators) are dropped,
// invalid UTF-8 becomes U+FFFD, and anything past maxText runes is cut with
// an ellipsis.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = '\uFFFD'
			}
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			continue
		}
		if n == maxText {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
